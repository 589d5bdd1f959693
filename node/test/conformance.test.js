'use strict';
// The shared conformance vectors (tests/conformance/vectors.json, described in
// tests/conformance/README.md) through the WebAssembly JavaScript API: the same
// results, traps and host calls as every other Kiln binding. One test per case.
//
// Run with KILN_CONFORMANCE_CASE=<name>, this file runs that one case as a
// plain script and reports the outcome on stdout; cases that exhaust the stack
// are run that way, in a child process, so a crash fails only their test.

const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const { W, wat2wasm, isKiln } = require('./impl.js');

const VECTORS = path.join(__dirname, '..', '..', 'tests', 'conformance', 'vectors.json');
const CASES = JSON.parse(fs.readFileSync(VECTORS, 'utf8')).cases;
const STACK_EXHAUSTED = 'call stack exhausted';
const HOST_FAILURE = 'host failure';

// `TYPE:VALUE` to the JS value the API uses for TYPE: i64 as BigInt, parsed
// from the decimal text directly so no digit goes through a double.
function parse(text) {
  const colon = text.indexOf(':');
  const type = text.slice(0, colon);
  const value = text.slice(colon + 1);
  switch (type) {
    case 'i32': {
      assert.match(value, /^-?\d+$/, `bad i32 value ${text}`);
      return Number(value);
    }
    case 'i64': {
      assert.match(value, /^-?\d+$/, `bad i64 value ${text}`);
      return BigInt(value);
    }
    case 'f32':
      return Math.fround(parseFloatText(value, text));
    case 'f64':
      return parseFloatText(value, text);
    default:
      throw new Error(`unknown value type in ${text}`);
  }
}

function parseFloatText(value, text) {
  if (value === 'inf') return Infinity;
  if (value === '-inf') return -Infinity;
  if (value === 'nan') return NaN;
  const number = Number(value);
  assert.ok(value.trim() !== '' && !Number.isNaN(number), `bad float value ${text}`);
  return number;
}

// An expected `nan` matches any NaN; everything else must be exactly equal,
// of the same JS type (Number for i32/f32/f64, BigInt for i64).
function assertSame(actual, expectedText, context) {
  const expected = parse(expectedText);
  assert.equal(typeof actual, typeof expected, `${context}: ${String(actual)} is not of the type of ${expectedText}`);
  if (typeof expected === 'number' && Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${context}: expected NaN, got ${actual}`);
  } else {
    assert.ok(Object.is(actual, expected), `${context}: expected ${expectedText}, got ${String(actual)}`);
  }
}

// The API returns undefined for no results, the value for one, an array for more.
function resultList(result, count) {
  if (count === 0) {
    assert.equal(result, undefined);
    return [];
  }
  if (count === 1) return [result];
  assert.ok(Array.isArray(result), `expected an array of ${count} results, got ${String(result)}`);
  return result;
}

function toHex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function assertTrap(error, text, hostError, context) {
  assert.ok(error !== undefined, `${context}: expected a trap containing "${text}"`);
  if (text === HOST_FAILURE) {
    // The JS API rethrows a host function's exception unchanged, so the host
    // failure comes back as the very Error the host threw.
    assert.equal(error, hostError, `${context}: expected the host's own Error, got ${error}`);
    assert.equal(error.message, HOST_FAILURE);
    return;
  }
  if (text === STACK_EXHAUSTED && !isKiln) {
    // V8 reports stack exhaustion in wasm as a RangeError, not a RuntimeError.
    assert.ok(error instanceof RangeError, `${context}: expected RangeError, got ${error}`);
    return;
  }
  assert.ok(error instanceof W.RuntimeError, `${context}: expected RuntimeError, got ${error}`);
  // V8's trap messages are its own ("divide by zero"); Kiln's use the spec's words.
  if (isKiln) {
    assert.ok(error.message.includes(text), `${context}: "${error.message}" does not contain "${text}"`);
  }
}

async function runCase(testCase) {
  const hostError = new Error(HOST_FAILURE);
  const imports = {
    conformance: {
      double: (x) => (x * 2) | 0,
      fail: () => { throw hostError; },
    },
  };
  const module = await W.compile(await wat2wasm(testCase.module));
  const instance = await W.instantiate(module, imports);
  const exports = instance.exports;
  for (const [index, step] of testCase.steps.entries()) {
    const context = `step ${index} ${JSON.stringify(step)}`;
    if ('invoke' in step) {
      const fn = exports[step.invoke];
      assert.equal(typeof fn, 'function', `${context}: no exported function ${step.invoke}`);
      const args = step.args.map(parse);
      if ('trap' in step) {
        let error;
        try {
          fn(...args);
        } catch (e) {
          error = e;
        }
        assertTrap(error, step.trap, hostError, context);
      } else {
        const results = resultList(fn(...args), step.expect.length);
        assert.equal(results.length, step.expect.length, context);
        step.expect.forEach((expected, i) => assertSame(results[i], expected, `${context} result ${i}`));
      }
    } else if ('read_memory' in step) {
      const memory = exports[step.read_memory];
      assert.ok(memory instanceof W.Memory, `${context}: no exported memory ${step.read_memory}`);
      const length = step.expect_hex.length / 2;
      assert.equal(toHex(new Uint8Array(memory.buffer, step.offset, length)), step.expect_hex, context);
    } else if ('read_global' in step) {
      const global = exports[step.read_global];
      assert.ok(global instanceof W.Global, `${context}: no exported global ${step.read_global}`);
      assertSame(global.value, step.expect, context);
    } else {
      throw new Error(`unknown step ${JSON.stringify(step)}`);
    }
  }
}

function exhaustsStack(testCase) {
  return testCase.steps.some((step) => step.trap === STACK_EXHAUSTED);
}

function runCaseInChild(testCase) {
  const { spawnSync } = require('node:child_process');
  const env = { ...process.env, KILN_CONFORMANCE_CASE: testCase.name };
  delete env.NODE_TEST_CONTEXT; // the child is a plain script, not a test file
  const child = spawnSync(process.execPath, [__filename], { env, encoding: 'utf8', timeout: 120000 });
  assert.ok(
    child.status === 0 && child.stdout === 'case passed\n',
    `case "${testCase.name}" failed in its child process (status ${child.status}, signal ${child.signal}):\n${child.stdout}${child.stderr}`,
  );
}

const childCase = process.env.KILN_CONFORMANCE_CASE;
if (childCase !== undefined) {
  const testCase = CASES.find((c) => c.name === childCase);
  if (testCase === undefined) throw new Error(`no conformance case named ${childCase}`);
  runCase(testCase).then(
    () => { process.stdout.write('case passed\n'); },
    (error) => { console.error(error); process.exitCode = 1; },
  );
} else {
  const { test } = require('node:test');

  test('every conformance case is run', () => {
    assert.equal(CASES.length, 12);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
  });

  for (const testCase of CASES) {
    test(`conformance: ${testCase.name}`, async () => {
      if (exhaustsStack(testCase)) {
        runCaseInChild(testCase);
      } else {
        await runCase(testCase);
      }
    });
  }
}
