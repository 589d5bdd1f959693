'use strict';
// The JS API as the specification says it now, where Node 20's V8 does not
// follow yet: externref defaults, memory64 (the `address` member of
// descriptors, and 64-bit memories and tables that count in BigInts), the
// 1 GiB module limit as a CompileError, and the Web API's MIME type check.
// These run on Kiln only.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const W = require('..');

test('an externref Global made without a value, or with undefined, holds undefined', () => {
  assert.equal(new W.Global({ value: 'externref' }).value, undefined);
  assert.equal(new W.Global({ value: 'externref', mutable: true }, undefined).value, undefined);
  assert.equal(new W.Global({ value: 'externref' }, null).value, null);
  // Other types keep their zero or null.
  assert.equal(new W.Global({ value: 'anyfunc' }).value, null);
  assert.equal(new W.Global({ value: 'i64' }, undefined).value, 0n);
});

/** A descriptor whose members log their reads and conversions into `order`. */
function loggingDescriptor(order, members) {
  const descriptor = {};
  for (const [name, value, conversion] of members) {
    Object.defineProperty(descriptor, name, {
      get() {
        order.push(name);
        return { [conversion]() { order.push(`${name} ${conversion}`); return value; } };
      },
    });
  }
  return descriptor;
}

test('a Memory descriptor is read address, initial, maximum, each converted when read', () => {
  const order = [];
  const memory = new W.Memory(loggingDescriptor(order, [
    ['maximum', 2, 'valueOf'], ['initial', 1, 'valueOf'], ['address', 'i32', 'toString'],
  ]));
  assert.deepEqual(order, ['address', 'address toString', 'initial', 'initial valueOf', 'maximum', 'maximum valueOf']);
  assert.equal(memory.buffer.byteLength, 65536);
});

test('a Table descriptor is read element first, then address, initial, maximum, each converted when read', () => {
  const order = [];
  const table = new W.Table(loggingDescriptor(order, [
    ['maximum', 3, 'valueOf'], ['initial', 2, 'valueOf'], ['element', 'anyfunc', 'toString'],
    ['address', 'i32', 'toString'],
  ]));
  assert.deepEqual(order, [
    'element', 'element toString', 'address', 'address toString', 'initial', 'initial valueOf', 'maximum',
    'maximum valueOf',
  ]);
  assert.equal(table.length, 2);
});

test('an address other than "i32" or "i64" is a TypeError, before initial is read', () => {
  for (const address of ['none', 'I32', 'i16', '']) {
    let read = false;
    const memory = { address, get initial() { read = true; return 1; } };
    const table = { element: 'anyfunc', address, get initial() { read = true; return 1; } };
    assert.throws(() => new W.Memory(memory), TypeError, address);
    assert.throws(() => new W.Table(table), TypeError, address);
    assert.equal(read, false);
  }
  assert.throws(() => new W.Table({ element: 'i32', initial: 1 }), TypeError);
});

test('a 64-bit Memory converts initial and maximum with ToBigInt and counts its pages in BigInts', () => {
  for (const [initial, pages] of [[0n, 0], [4n, 4], ['3', 3], [true, 1], [{ valueOf() { return 2n; } }, 2]]) {
    assert.equal(new W.Memory({ address: 'i64', initial }).buffer.byteLength, pages * 65536, String(initial));
  }
  const memory = new W.Memory({ address: 'i64', initial: 1n, maximum: 3n });
  const before = memory.buffer;
  new Uint8Array(before)[65535] = 7;
  assert.equal(memory.grow(2n), 1n);
  assert.equal(before.byteLength, 0, 'the old buffer is detached');
  assert.equal(memory.buffer.byteLength, 3 * 65536);
  assert.equal(new Uint8Array(memory.buffer)[65535], 7);
  assert.equal(memory.grow('0'), 3n);
  assert.throws(() => memory.grow(1n), RangeError, 'past the maximum');
  // A Number is no BigInt: ToBigInt throws a TypeError, as out of 0..2^64-1 does.
  for (const bad of [1, -1n, 2n ** 64n]) assert.throws(() => memory.grow(bad), TypeError, String(bad));
  assert.equal(memory.buffer.byteLength, 3 * 65536);
});

test('a 64-bit Memory may declare up to 2^48 pages, but starts no larger than the 4 GiB every Kiln memory holds', () => {
  assert.equal(new W.Memory({ address: 'i64', initial: 0n, maximum: 2n ** 48n }).grow(1n), 0n);
  assert.throws(() => new W.Memory({ address: 'i64', initial: 0n, maximum: 2n ** 48n + 1n }), RangeError);
  assert.throws(() => new W.Memory({ address: 'i64', initial: 65537n }), RangeError);
  assert.throws(() => new W.Memory({ address: 'i64', initial: 10n, maximum: 9n }), RangeError);
});

test('a 64-bit Table takes and gives indices, deltas and its length as BigInts', () => {
  const table = new W.Table({ element: 'externref', address: 'i64', initial: 2n, maximum: 4n }, 'x');
  assert.equal(table.length, 2n);
  assert.equal(table.get(1n), 'x');
  assert.equal(table.get('1'), 'x', 'strings convert with ToBigInt');
  assert.equal(table.set(0n, 'y'), undefined);
  assert.equal(table.get(0n), 'y');
  assert.equal(table.grow(1n, 'z'), 2n);
  assert.equal(table.grow(0n), 3n);
  assert.deepEqual([0n, 1n, 2n].map((i) => table.get(i)), ['y', 'x', 'z']);
  assert.throws(() => table.get(3n), RangeError);
  assert.throws(() => table.set(3n, 'w'), RangeError);
  assert.throws(() => table.grow(2n), RangeError, 'past the maximum');
  for (const bad of [0, -1n, 2n ** 64n, '0x10000000000000000']) {
    assert.throws(() => table.get(bad), TypeError, String(bad));
    assert.throws(() => table.set(bad, 'w'), TypeError, String(bad));
    assert.throws(() => table.grow(bad), TypeError, String(bad));
  }
  assert.equal(table.length, 3n);
  const funcs = new W.Table({ element: 'anyfunc', address: 'i64', initial: 1n });
  assert.equal(funcs.get(0n), null);
  assert.throws(() => new W.Table({ element: 'anyfunc', address: 'i64', initial: 10_000_001n }), RangeError);
  assert.throws(() => new W.Table({ element: 'anyfunc', address: 'i64', initial: 10n, maximum: 9n }), RangeError);
});

test('out-of-range i64 limits, or limits that are no BigInt at all, are TypeErrors before anything is made', () => {
  for (const bad of [-1n, 2n ** 64n, 1, { valueOf() { return 1; } }, null]) {
    for (const make of [
      () => new W.Memory({ address: 'i64', initial: bad }),
      () => new W.Memory({ address: 'i64', initial: 0n, maximum: bad }),
      () => new W.Table({ element: 'externref', address: 'i64', initial: bad }),
    ]) {
      assert.throws(make, TypeError, String(bad));
    }
  }
  assert.throws(() => new W.Memory({ address: 'i64', initial: '0x1g' }), SyntaxError);
});

test('64-bit memories and tables cross between JS and wasm with their address type', () => {
  const bytes = W.wat2wasm(`(module
    (import "env" "memory" (memory i64 1))
    (table (export "table") i64 1 funcref)
    (func $size (export "size") (result i64) (memory.size))
    (func (export "store") (param i64 i32) (i32.store8 (local.get 0) (local.get 1)))
    (func (export "tableSize") (result i64) (table.size 0))
    (elem (table 0) (i64.const 0) func $size))`);
  const memory = new W.Memory({ address: 'i64', initial: 1n });
  const { exports } = new W.Instance(new W.Module(bytes), { env: { memory } });
  exports.store(5n, 42);
  assert.equal(new Uint8Array(memory.buffer)[5], 42);
  assert.equal(memory.grow(1n), 1n);
  assert.equal(exports.size(), 2n);
  assert.equal(exports.table.length, 1n);
  assert.equal(exports.table.get(0n), exports.size);
  assert.equal(exports.table.grow(2n), 1n);
  assert.equal(exports.tableSize(), 3n);
  // A 32-bit memory does not match a 64-bit import.
  assert.throws(
    () => new W.Instance(new W.Module(bytes), { env: { memory: new W.Memory({ initial: 1 }) } }),
    W.LinkError,
  );
});

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

test('compileStreaming takes application/wasm in any ASCII case, as the Web API says (Node takes only lower case)', async () => {
  const bytes = W.wat2wasm('(module)');
  const module = await W.compileStreaming(new Response(bytes, { headers: { 'Content-Type': 'Application/WASM' } }));
  assert.ok(module instanceof W.Module);
});
