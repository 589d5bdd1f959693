'use strict';
// The JS API as the specification says it now, where Node 20's V8 does not
// follow yet: the 1 GiB module limit as a CompileError (V8 throws a
// RangeError). These run on Kiln only.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const W = require('..');

test('a module over 1 GiB is not valid, and compiling it is a CompileError, synchronously or not', async () => {
  // A custom section with an empty name fills the module to 1 GiB + 1 byte.
  const size = 2 ** 30 + 1;
  const bytes = new Uint8Array(size);
  const sectionLength = size - 8 - 1 - 5;
  bytes.set([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x00]);
  bytes.set([0x80 | (sectionLength & 0x7f), 0x80 | ((sectionLength >> 7) & 0x7f), 0x80 | ((sectionLength >> 14) & 0x7f),
    0x80 | ((sectionLength >> 21) & 0x7f), sectionLength >> 28], 9);
  assert.equal(W.validate(bytes), false);
  assert.throws(() => new W.Module(bytes), W.CompileError);
  await assert.rejects(W.compile(bytes), W.CompileError);
  // One byte less (the section one byte shorter) is a valid module.
  const smaller = bytes.subarray(0, size - 1);
  smaller.set([0x80 | ((sectionLength - 1) & 0x7f)], 9);
  assert.equal(W.validate(smaller), true);
});
