'use strict';
// The standard WebAssembly JavaScript API (the `WebAssembly` namespace) as
// kiln-wasm offers it. Every test here must also pass on Node's own
// WebAssembly (KILN_TEST_IMPL=v8); see impl.js.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { W, wat2wasm, isKiln, runInChild } = require('./impl.js');

const GARBAGE = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const PAGE = 65536;

async function exportsOf(text, imports) {
  const { instance } = await W.instantiate(await wat2wasm(text), imports);
  return instance.exports;
}

function thrownBy(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to throw');
}

// A custom section: id 0, the section size, then the name and the payload.
function customSection(name, payload) {
  const nameBytes = Buffer.from(name, 'utf8');
  const content = [...uleb(nameBytes.length), ...nameBytes, ...payload];
  return [0, ...uleb(content.length), ...content];
}

function uleb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

// ---------------------------------------------------------------- validation

test('validate returns true for a valid module and false for invalid bytes', async () => {
  const bytes = await wat2wasm('(module (func (export "f") (result i32) (i32.const 1)))');
  assert.equal(W.validate(bytes), true);
  assert.equal(W.validate(GARBAGE), false);
  // The right magic with an unknown version is not a module either.
  assert.equal(W.validate(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00])), false);
  // A well-formed binary whose function returns nothing for an i32 result.
  const invalid = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type (func (result i32))
    0x03, 0x02, 0x01, 0x00, // one function of type 0
    0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // body: no locals, end
  ]);
  assert.equal(W.validate(invalid), false);
});

test('new Module on garbage throws a CompileError, which is an Error', () => {
  const e = thrownBy(() => new W.Module(GARBAGE));
  assert.ok(e instanceof W.CompileError, `expected CompileError, got ${e}`);
  assert.ok(e instanceof Error);
  assert.notEqual(W.CompileError, W.LinkError);
  assert.notEqual(W.CompileError, W.RuntimeError);
});

test('compile returns a Promise that resolves to a Module', async () => {
  const bytes = await wat2wasm('(module (func (export "f")))');
  const pending = W.compile(bytes);
  assert.ok(pending instanceof Promise);
  const module = await pending;
  assert.ok(module instanceof W.Module);
});

test('compile of garbage returns a Promise that rejects with a CompileError', async () => {
  const pending = W.compile(GARBAGE);
  assert.ok(pending instanceof Promise);
  await assert.rejects(pending, (e) => e instanceof W.CompileError && e instanceof Error);
});

// ---------------------------------------------------------- module reflection

test('Module.exports lists every export with its kind, in order', async () => {
  const module = new W.Module(await wat2wasm(`(module
    (func $f)
    (table $t 1 funcref)
    (memory $m 1)
    (global $g i32 (i32.const 0))
    (export "mem" (memory $m))
    (export "run" (func $f))
    (export "glob" (global $g))
    (export "tab" (table $t))
    (export "run2" (func $f)))`));
  assert.deepEqual(W.Module.exports(module), [
    { name: 'mem', kind: 'memory' },
    { name: 'run', kind: 'function' },
    { name: 'glob', kind: 'global' },
    { name: 'tab', kind: 'table' },
    { name: 'run2', kind: 'function' },
  ]);
});

test('Module.imports lists every import with its module, name and kind, in order', async () => {
  const module = new W.Module(await wat2wasm(`(module
    (import "env" "f" (func))
    (import "env" "t" (table 1 funcref))
    (import "js" "m" (memory 1))
    (import "js" "g" (global i32))
    (import "env" "h" (func (param i32))))`));
  assert.deepEqual(W.Module.imports(module), [
    { module: 'env', name: 'f', kind: 'function' },
    { module: 'env', name: 't', kind: 'table' },
    { module: 'js', name: 'm', kind: 'memory' },
    { module: 'js', name: 'g', kind: 'global' },
    { module: 'env', name: 'h', kind: 'function' },
  ]);
});

test('Module.exports and Module.imports of an empty module are empty arrays', async () => {
  const module = new W.Module(await wat2wasm('(module)'));
  assert.deepEqual(W.Module.exports(module), []);
  assert.deepEqual(W.Module.imports(module), []);
});

test('Module.customSections returns an ArrayBuffer with the exact bytes of each section of that name', async () => {
  const base = await wat2wasm('(module (func (export "f")))');
  const bytes = new Uint8Array([
    ...base,
    ...customSection('kiln.note', [1, 2, 3]),
    ...customSection('other', [9]),
    ...customSection('kiln.note', [0xff, 0x00]),
  ]);
  const module = new W.Module(bytes);
  const notes = W.Module.customSections(module, 'kiln.note');
  assert.equal(notes.length, 2);
  for (const section of notes) assert.ok(section instanceof ArrayBuffer);
  assert.deepEqual(notes.map((s) => [...new Uint8Array(s)]), [[1, 2, 3], [0xff, 0x00]]);
  const other = W.Module.customSections(module, 'other');
  assert.deepEqual(other.map((s) => [...new Uint8Array(s)]), [[9]]);
  assert.deepEqual(W.Module.customSections(module, 'missing'), []);
});

// ------------------------------------------------------------- instantiation

const ADD_WITH_IMPORT = `(module
  (import "env" "offset" (func $offset (result i32)))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (call $offset))))`;

test('instantiate(bytes, imports) resolves to { module, instance }', async () => {
  const result = await W.instantiate(await wat2wasm(ADD_WITH_IMPORT), { env: { offset: () => 100 } });
  assert.deepEqual(Object.keys(result).sort(), ['instance', 'module']);
  assert.ok(result.module instanceof W.Module);
  assert.ok(result.instance instanceof W.Instance);
  assert.equal(result.instance.exports.add(1, 2), 103);
});

test('instantiate(module, imports) resolves to an Instance', async () => {
  const module = await W.compile(await wat2wasm(ADD_WITH_IMPORT));
  const instance = await W.instantiate(module, { env: { offset: () => 10 } });
  assert.ok(instance instanceof W.Instance);
  assert.equal(instance.exports.add(1, 2), 13);
});

test('new Instance instantiates synchronously and its exports object is frozen with no prototype', async () => {
  const module = new W.Module(await wat2wasm(ADD_WITH_IMPORT));
  const instance = new W.Instance(module, { env: { offset: () => 0 } });
  assert.deepEqual(Object.keys(instance.exports), ['add']);
  assert.equal(Object.isFrozen(instance.exports), true);
  assert.equal(Object.getPrototypeOf(instance.exports), null);
  assert.equal(instance.exports.add(20, 22), 42);
});

test('one module instantiated twice gives instances with separate state', async () => {
  const module = new W.Module(await wat2wasm(`(module
    (global $n (mut i32) (i32.const 0))
    (func (export "next") (result i32)
      (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n)))`));
  const a = new W.Instance(module);
  const b = new W.Instance(module);
  assert.equal(a.exports.next(), 1);
  assert.equal(a.exports.next(), 2);
  assert.equal(b.exports.next(), 1);
});

test('a missing import fails with a LinkError', async () => {
  const bytes = await wat2wasm(ADD_WITH_IMPORT);
  await assert.rejects(W.instantiate(bytes, { env: {} }), (e) => e instanceof W.LinkError && e instanceof Error);
  const e = thrownBy(() => new W.Instance(new W.Module(bytes), { env: {} }));
  assert.ok(e instanceof W.LinkError, `expected LinkError, got ${e}`);
});

test('an import of the wrong kind fails with a LinkError', async () => {
  const funcImport = await wat2wasm(ADD_WITH_IMPORT);
  await assert.rejects(W.instantiate(funcImport, { env: { offset: 5 } }), W.LinkError);
  await assert.rejects(W.instantiate(funcImport, { env: { offset: new W.Memory({ initial: 1 }) } }), W.LinkError);
  const memImport = await wat2wasm('(module (import "env" "mem" (memory 1)))');
  await assert.rejects(W.instantiate(memImport, { env: { mem: () => 0 } }), W.LinkError);
  const tableImport = await wat2wasm('(module (import "env" "tab" (table 1 funcref)))');
  await assert.rejects(W.instantiate(tableImport, { env: { tab: new W.Memory({ initial: 1 }) } }), W.LinkError);
});

test('an exported function of the wrong signature as an import fails with a LinkError', async () => {
  const other = await exportsOf('(module (func (export "f") (param i64)))');
  await assert.rejects(W.instantiate(await wat2wasm(ADD_WITH_IMPORT), { env: { offset: other.f } }), W.LinkError);
});

test('a memory import smaller than the declared minimum fails with a LinkError', async () => {
  const bytes = await wat2wasm('(module (import "env" "mem" (memory 2)))');
  await assert.rejects(W.instantiate(bytes, { env: { mem: new W.Memory({ initial: 1 }) } }), W.LinkError);
});

test('a non-object import object, or a missing import namespace, is a TypeError', async () => {
  const bytes = await wat2wasm(ADD_WITH_IMPORT);
  const module = new W.Module(bytes);
  await assert.rejects(W.instantiate(bytes), TypeError);
  await assert.rejects(W.instantiate(bytes, 42), TypeError);
  await assert.rejects(W.instantiate(module, undefined), TypeError);
  assert.ok(thrownBy(() => new W.Instance(module)) instanceof TypeError);
  assert.ok(thrownBy(() => new W.Instance(module, 'env')) instanceof TypeError);
  // The namespace itself must be an object: importObject.env is undefined here.
  assert.ok(thrownBy(() => new W.Instance(module, {})) instanceof TypeError);
});

test('a module without imports instantiates with no import object', async () => {
  const { instance } = await W.instantiate(await wat2wasm('(module (func (export "f") (result i32) (i32.const 9)))'));
  assert.equal(instance.exports.f(), 9);
});

// -------------------------------------------------------------------- values

test('i32 arguments are converted with ToInt32 and results wrap to signed 32 bits', async () => {
  const { add } = await exportsOf('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))');
  assert.equal(add(2, 3), 5);
  assert.equal(add(2 ** 31 - 1, 1), -(2 ** 31));
  assert.equal(add(0, -1), -1);
  assert.equal(add(2 ** 32 + 5, 0), 5);
  assert.equal(add(1.9, 0), 1);
  assert.equal(add('40', 2), 42);
  assert.equal(add(NaN, undefined), 0);
});

test('i64 parameters and results are BigInts and keep all 64 bits', async () => {
  const x = await exportsOf(`(module
    (func (export "id") (param i64) (result i64) (local.get 0))
    (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
    (func (export "minusOne") (result i64) (i64.const -1))
    (func (export "max") (result i64) (i64.const 9223372036854775807)))`);
  assert.equal(x.minusOne(), -1n);
  assert.equal(x.max(), 2n ** 63n - 1n);
  assert.equal(typeof x.id(5n), 'bigint');
  assert.equal(x.id(5n), 5n);
  assert.equal(x.id(2n ** 53n + 1n), 2n ** 53n + 1n);
  assert.equal(x.id(-(2n ** 63n)), -(2n ** 63n));
  // ToBigInt64 wraps modulo 2^64.
  assert.equal(x.id(2n ** 64n + 3n), 3n);
  assert.equal(x.id(2n ** 63n), -(2n ** 63n));
  assert.equal(x.add(2n ** 63n - 1n, 1n), -(2n ** 63n));
});

test('passing a Number to an i64 parameter throws a TypeError', async () => {
  const { id } = await exportsOf('(module (func (export "id") (param i64) (result i64) (local.get 0)))');
  assert.throws(() => id(5), TypeError);
  assert.throws(() => id(), TypeError);
});

test('f32 values are rounded to single precision', async () => {
  const x = await exportsOf(`(module
    (func (export "id") (param f32) (result f32) (local.get 0))
    (func (export "third") (result f32) (f32.div (f32.const 1) (f32.const 3))))`);
  assert.equal(x.id(0.1), Math.fround(0.1));
  assert.notEqual(x.id(0.1), 0.1);
  assert.equal(x.third(), Math.fround(1 / 3));
  assert.equal(x.id(1e40), Infinity);
  assert.equal(x.id(-1e40), -Infinity);
  assert.ok(Object.is(x.id(-0), -0));
});

test('f64 keeps full precision and NaN comes back as NaN', async () => {
  const x = await exportsOf(`(module
    (func (export "id") (param f64) (result f64) (local.get 0))
    (func (export "nan") (result f64) (f64.div (f64.const 0) (f64.const 0))))`);
  assert.ok(Number.isNaN(x.nan()));
  assert.ok(Number.isNaN(x.id(NaN)));
  assert.equal(x.id(0.1), 0.1);
  assert.equal(x.id(2 ** 53 + 2), 2 ** 53 + 2);
  assert.equal(x.id(-Infinity), -Infinity);
  assert.ok(Number.isNaN(x.id('not a number')));
});

test('an externref round-trips any JS value unchanged', async () => {
  const { id } = await exportsOf('(module (func (export "id") (param externref) (result externref) (local.get 0)))');
  const object = { answer: 42 };
  const fn = () => 1;
  const symbol = Symbol('kiln');
  assert.equal(id(object), object);
  assert.equal(id(fn), fn);
  assert.equal(id(symbol), symbol);
  assert.equal(id(undefined), undefined);
  assert.equal(id(null), null);
  assert.equal(id('a string'), 'a string');
  assert.equal(id(7.5), 7.5);
  assert.equal(id(12n), 12n);
  assert.equal(id(), undefined);
});

test('an exported function returned as a funcref is the same object as the export', async () => {
  const x = await exportsOf(`(module
    (func $f (export "f") (result i32) (i32.const 1))
    (elem declare func $f)
    (func (export "getF") (result funcref) (ref.func $f))
    (func (export "id") (param funcref) (result funcref) (local.get 0))
    (func (export "isNull") (param funcref) (result i32) (ref.is_null (local.get 0))))`);
  assert.equal(x.getF(), x.f);
  assert.equal(x.id(x.f), x.f);
  assert.equal(x.id(null), null);
  assert.equal(x.isNull(null), 1);
  assert.equal(x.isNull(x.f), 0);
});

test('a plain JS function or other value passed as a funcref throws a TypeError', async () => {
  const { id } = await exportsOf('(module (func (export "id") (param funcref) (result funcref) (local.get 0)))');
  assert.throws(() => id(() => 1), TypeError);
  assert.throws(() => id({}), TypeError);
  assert.throws(() => id(1), TypeError);
});

test('table.get of a function placed by the module returns the exported function', async () => {
  const x = await exportsOf(`(module
    (table (export "tab") 2 funcref)
    (func $f (export "f") (result i32) (i32.const 1))
    (elem (i32.const 0) $f))`);
  assert.equal(x.tab.get(0), x.f);
  assert.equal(x.tab.get(1), null);
});

test('multiple results come back as an array', async () => {
  const x = await exportsOf(`(module
    (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
    (func (export "none")))`);
  assert.deepEqual(x.swap(1, 2n), [2n, 1]);
  assert.equal(x.none(), undefined);
});

test('results of every number type come back together, each converted', async () => {
  const x = await exportsOf(`(module
    (func (export "all") (result i32 i64 f32 f64)
      (i32.const -7) (i64.const -8) (f32.const 0.1) (f64.const 0.1)))`);
  assert.deepEqual(x.all(), [-7, -8n, Math.fround(0.1), 0.1]);
});

test('a BigInt passed to an i32, f32 or f64 parameter throws a TypeError', async () => {
  const x = await exportsOf(`(module
    (func (export "i") (param i32))
    (func (export "f") (param f32))
    (func (export "d") (param f64)))`);
  for (const f of [x.i, x.f, x.d]) assert.throws(() => f(1n), TypeError);
  assert.throws(() => x.d(Symbol('s')), TypeError);
});

test('every argument is converted before the call, even when a conversion calls wasm', async () => {
  const x = await exportsOf(`(module
    (func (export "sub") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
    (func (export "mix") (param i64 f64) (result f64)
      (f64.add (f64.convert_i64_s (local.get 0)) (local.get 1))))`);
  const order = [];
  const second = {
    valueOf() {
      order.push('second');
      assert.equal(x.sub(100, 1), 99);
      assert.equal(x.mix(5n, 0.5), 5.5);
      return 3;
    },
  };
  const first = { valueOf() { order.push('first'); return 10; } };
  assert.equal(x.sub(first, second), 7);
  assert.deepEqual(order, ['first', 'second']);
  const throwing = { valueOf() { throw new Error('from valueOf'); } };
  assert.throws(() => x.sub(1, throwing), { message: 'from valueOf' });
  assert.equal(x.sub(5, 2), 3);
});

test('a call from a host function back into wasm leaves the outer call\'s arguments and result intact', async () => {
  let inner;
  const x = await exportsOf(`(module
    (import "env" "host" (func $host (param i32) (result i32)))
    (func (export "outer") (param i32 i64) (result i64)
      (i64.add (i64.extend_i32_s (call $host (local.get 0))) (local.get 1)))
    (func (export "inner") (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1))))`,
  { env: { host: (v) => inner(v, 1000) } });
  inner = x.inner;
  assert.equal(x.outer(3, 2n ** 40n), 3000n + 2n ** 40n);
});

test('an exported function is not a constructor and has no prototype', async () => {
  const x = await exportsOf('(module (func (export "f") (param i32) (result i32) (local.get 0)))');
  assert.throws(() => new x.f(1), TypeError);
  assert.equal(Object.hasOwn(x.f, 'prototype'), false);
});

// -------------------------------------------------------- exported functions

test('an exported function has typeof function, its parameter count as length, and its index as name', async () => {
  const x = await exportsOf(`(module
    (import "env" "h" (func $h (param i32)))
    (func $zero)
    (func $three (param i32 i64 f64) (result i32) (i32.const 0))
    (export "three" (func $three))
    (export "zero" (func $zero))
    (export "imported" (func $h)))`, { env: { h() {} } });
  assert.equal(typeof x.three, 'function');
  assert.equal(x.three.length, 3);
  assert.equal(x.zero.length, 0);
  // The name is the function index in decimal; the imported function is index 0.
  assert.equal(x.zero.name, '1');
  assert.equal(x.three.name, '2');
  assert.equal(typeof x.imported, 'function');
  assert.equal(x.imported.length, 1);
});

test('a function exported twice, or read twice, is the same object', async () => {
  const { instance } = await W.instantiate(await wat2wasm(`(module
    (func $f (result i32) (i32.const 5))
    (export "a" (func $f))
    (export "b" (func $f)))`));
  assert.equal(instance.exports.a, instance.exports.a);
  assert.equal(instance.exports.a, instance.exports.b);
  assert.equal(instance.exports.b(), 5);
});

test('an exported function passed to another instance as an import is called directly', async () => {
  const first = await exportsOf('(module (func (export "seven") (result i32) (i32.const 7)))');
  const second = await exportsOf(`(module
    (import "first" "seven" (func $seven (result i32)))
    (func (export "fourteen") (result i32) (i32.add (call $seven) (call $seven))))`, { first });
  assert.equal(second.fourteen(), 14);
});

// --------------------------------------------------------------------- traps

function assertRuntimeError(fn) {
  const e = thrownBy(fn);
  assert.ok(e instanceof W.RuntimeError, `expected RuntimeError, got ${e}`);
  assert.ok(e instanceof Error);
}

test('unreachable traps with a RuntimeError', async () => {
  const { boom } = await exportsOf('(module (func (export "boom") unreachable))');
  assertRuntimeError(() => boom());
});

test('integer divide by zero traps with a RuntimeError', async () => {
  const { div } = await exportsOf('(module (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1))))');
  assert.equal(div(7, 2), 3);
  assertRuntimeError(() => div(1, 0));
});

test('an out-of-bounds memory access traps with a RuntimeError', async () => {
  const { load } = await exportsOf(`(module (memory 1)
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))`);
  assert.equal(load(PAGE - 4), 0);
  assertRuntimeError(() => load(PAGE - 3));
  assertRuntimeError(() => load(-1));
});

test('an indirect call with the wrong signature traps with a RuntimeError', async () => {
  const { callAsI32, callAt } = await exportsOf(`(module
    (type $i32 (func (result i32)))
    (type $none (func))
    (table 2 funcref)
    (elem (i32.const 0) $noop)
    (func $noop)
    (func (export "callAsI32") (result i32) (call_indirect (type $i32) (i32.const 0)))
    (func (export "callAt") (param i32) (call_indirect (type $none) (local.get 0))))`);
  assert.equal(callAt(0), undefined);
  assertRuntimeError(() => callAsI32());
  assertRuntimeError(() => callAt(1)); // null element
  assertRuntimeError(() => callAt(2)); // beyond the table
});

test('infinite recursion fails with a RuntimeError (V8: RangeError) and the instance stays usable', () => {
  // Stack exhaustion can crash a process, so it runs in a child process.
  const result = runInChild(`
    const bytes = await wat2wasm(\`(module
      (func $f (export "recurse") (param i32) (result i32)
        (i32.add (call $f (local.get 0)) (i32.const 1)))
      (func (export "answer") (result i32) (i32.const 42)))\`);
    const { instance } = await W.instantiate(bytes);
    let caught;
    try { instance.exports.recurse(0); } catch (e) { caught = e; }
    return {
      runtimeError: caught instanceof W.RuntimeError,
      rangeError: caught instanceof RangeError,
      error: caught instanceof Error,
      answer: instance.exports.answer(),
    };
  `);
  // The only place where V8 departs from the spec's error class: V8 reports
  // stack exhaustion in wasm as its JS RangeError ("Maximum call stack size
  // exceeded"); Kiln traps with a RuntimeError like every other trap.
  assert.deepEqual(result, {
    runtimeError: isKiln,
    rangeError: !isKiln,
    error: true,
    answer: 42,
  });
});

test('an instance stays usable after a trap', async () => {
  const x = await exportsOf(`(module
    (global $n (mut i32) (i32.const 0))
    (func (export "boom") (global.set $n (i32.add (global.get $n) (i32.const 1))) unreachable)
    (func (export "count") (result i32) (global.get $n)))`);
  assertRuntimeError(() => x.boom());
  assertRuntimeError(() => x.boom());
  assert.equal(x.count(), 2);
});

// ------------------------------------------------------------ host functions

test('a JS import receives converted arguments and its result is converted back', async () => {
  const calls = [];
  const x = await exportsOf(`(module
    (import "env" "record" (func $record (param i32 i64 f32 f64 externref)))
    (import "env" "big" (func $big (result i64)))
    (import "env" "half" (func $half (result f32)))
    (func (export "run") (param externref)
      (call $record (i32.const -7) (i64.const -9007199254740993) (f32.const 0.1) (f64.const 0.1) (local.get 0)))
    (func (export "bigPlusOne") (result i64) (i64.add (call $big) (i64.const 1)))
    (func (export "half") (result f32) (call $half)))`, {
    env: {
      record: (...args) => { calls.push(args); },
      big: () => 2n ** 62n,
      half: () => 0.1,
    },
  });
  const token = { token: true };
  assert.equal(x.run(token), undefined);
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0], [-7, -9007199254740993n, Math.fround(0.1), 0.1, token]);
  assert.equal(calls[0][4], token);
  assert.equal(x.bigPlusOne(), 2n ** 62n + 1n);
  assert.equal(x.half(), Math.fround(0.1));
});

test('a JS import of numbers gets each argument as its JS value, with this undefined', async () => {
  const seen = [];
  const x = await exportsOf(`(module
    (import "env" "f" (func $f (param i32 i64 f32 f64) (result f64)))
    (func (export "run") (result f64)
      (call $f (i32.const -1) (i64.const 9223372036854775807) (f32.const 1.5) (f64.const -0))))`, {
    env: {
      f: function (...args) {
        seen.push(this, args);
        return '2.5';
      },
    },
  });
  assert.equal(x.run(), 2.5);
  assert.equal(seen[0], undefined);
  assert.deepEqual(seen[1], [-1, 2n ** 63n - 1n, 1.5, -0]);
  assert.ok(Object.is(seen[1][3], -0));
});

test('multiple host results are all converted before any is stored, even when a conversion calls wasm', async () => {
  let x;
  const result = { valueOf() { return x.double(21) + 0.5; } };
  x = await exportsOf(`(module
    (import "env" "pair" (func $pair (result i32 f64)))
    (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (func (export "run") (result i32 f64) (call $pair)))`, {
    env: { pair: () => new Set([7, result]) },
  });
  assert.deepEqual(x.run(), [7, 42.5]);
});

test('a host function with several results must return an iterable of that many values', async () => {
  // Numbers only, and with a reference among them: both take the same rules.
  for (const [first, toFirst] of [['i32', Number], ['externref', (v) => v]]) {
    let returned;
    const x = await exportsOf(`(module
      (import "env" "pair" (func $pair (result ${first} i32)))
      (func (export "run") (result ${first} i32) (call $pair)))`, {
      env: { pair: () => returned },
    });
    for (const bad of [5, null, undefined, [1], [1, 2, 3], {}, { length: 2, 0: 1, 1: 2 }, 'abc']) {
      returned = bad;
      assert.throws(() => x.run(), TypeError, `${first}: returned ${String(bad)}`);
    }
    returned = (function* pair() { yield 3; yield 4; })();
    assert.deepEqual(x.run(), [3, 4]);
    // A string is iterable: each character is converted.
    returned = '12';
    assert.deepEqual(x.run(), [toFirst('1'), 2]);
  }
});

test('a host function can return multiple results as an iterable', async () => {
  const x = await exportsOf(`(module
    (import "env" "pair" (func $pair (result i32 i64)))
    (func (export "sum") (result i64)
      (local $b i64)
      (call $pair)
      (local.set $b)
      (i64.extend_i32_s)
      (local.get $b)
      (i64.add)))`, { env: { pair: () => [40, 2n] } });
  assert.equal(x.sum(), 42n);
});

test('an exception thrown by a host function reaches the caller as the same object', async () => {
  let mode = 'throw';
  const thrown = new Error('from the host');
  const x = await exportsOf(`(module
    (import "env" "host" (func $host (result i32)))
    (func (export "viaWasm") (result i32) (i32.add (call $host) (i32.const 1))))`, {
    env: {
      host() {
        if (mode === 'throw') throw thrown;
        if (mode === 'throwObject') throw thrownObject;
        return 10;
      },
    },
  });
  const thrownObject = { notAnError: true };
  const caught = thrownBy(() => x.viaWasm());
  assert.equal(caught, thrown);
  assert.ok(!(caught instanceof W.RuntimeError));
  mode = 'throwObject';
  assert.equal(thrownBy(() => x.viaWasm()), thrownObject);
  // The instance is still usable afterwards.
  mode = 'return';
  assert.equal(x.viaWasm(), 11);
});

test('a host function result is coerced to i32 with ToInt32', async () => {
  let value;
  const { get } = await exportsOf(`(module
    (import "env" "value" (func $value (result i32)))
    (func (export "get") (result i32) (call $value)))`, { env: { value: () => value } });
  value = '7';
  assert.equal(get(), 7);
  value = 2 ** 32 + 3;
  assert.equal(get(), 3);
  value = undefined;
  assert.equal(get(), 0);
  value = 3.7;
  assert.equal(get(), 3);
});

test('a host function returning a BigInt for i32, or a Number for i64, throws a TypeError', async () => {
  let value;
  const x = await exportsOf(`(module
    (import "env" "i32" (func $i32 (result i32)))
    (import "env" "i64" (func $i64 (result i64)))
    (func (export "getI32") (result i32) (call $i32))
    (func (export "getI64") (result i64) (call $i64)))`, { env: { i32: () => value, i64: () => value } });
  value = 7n;
  assert.throws(() => x.getI32(), TypeError);
  value = 7;
  assert.throws(() => x.getI64(), TypeError);
  value = 7n;
  assert.equal(x.getI64(), 7n);
  value = 7;
  assert.equal(x.getI32(), 7);
});

// -------------------------------------------------------------------- memory

const MEMORY_ACCESS = `(module
  (import "env" "mem" (memory 1))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

test('new Memory has a buffer of initial pages', () => {
  const memory = new W.Memory({ initial: 1, maximum: 3 });
  assert.ok(memory instanceof W.Memory);
  assert.ok(memory.buffer instanceof ArrayBuffer);
  assert.equal(memory.buffer.byteLength, PAGE);
  assert.equal(new W.Memory({ initial: 0 }).buffer.byteLength, 0);
});

test('a Memory descriptor with initial above maximum throws a RangeError', () => {
  assert.throws(() => new W.Memory({ initial: 2, maximum: 1 }), RangeError);
  assert.throws(() => new W.Memory({}), TypeError);
});

test('writes through a view are seen by wasm loads, and wasm stores are seen through the view', async () => {
  const memory = new W.Memory({ initial: 1, maximum: 3 });
  const x = await exportsOf(MEMORY_ACCESS, { env: { mem: memory } });
  const view = new Uint8Array(memory.buffer);
  view[100] = 0xab;
  view[PAGE - 1] = 7;
  assert.equal(x.load(100), 0xab);
  assert.equal(x.load(PAGE - 1), 7);
  x.store(200, 0x1ff);
  assert.equal(view[200], 0xff);
  assert.equal(new Uint8Array(memory.buffer)[200], 0xff);
});

test('Memory.grow returns the old page count, detaches the old buffer and keeps the contents', () => {
  const memory = new W.Memory({ initial: 1, maximum: 3 });
  const before = memory.buffer;
  new Uint8Array(before).set([1, 2, 3], 10);
  assert.equal(memory.grow(1), 1);
  assert.equal(before.byteLength, 0);
  const after = memory.buffer;
  assert.notEqual(after, before);
  assert.ok(after instanceof ArrayBuffer);
  assert.equal(after.byteLength, 2 * PAGE);
  assert.deepEqual([...new Uint8Array(after, 10, 3)], [1, 2, 3]);
  assert.equal(new Uint8Array(after)[PAGE], 0);
  assert.equal(memory.grow(1), 2);
  assert.equal(memory.buffer.byteLength, 3 * PAGE);
});

test('the same buffer is returned until the memory grows', () => {
  const memory = new W.Memory({ initial: 1 });
  assert.equal(memory.buffer, memory.buffer);
});

test('growing a Memory beyond its maximum throws a RangeError and changes nothing', () => {
  const memory = new W.Memory({ initial: 1, maximum: 3 });
  const before = memory.buffer;
  assert.throws(() => memory.grow(3), RangeError);
  assert.equal(memory.buffer, before);
  assert.equal(before.byteLength, PAGE);
  assert.equal(memory.grow(2), 1);
  assert.throws(() => memory.grow(1), RangeError);
  assert.equal(memory.buffer.byteLength, 3 * PAGE);
});

test('an exported memory and an imported Memory object are the same memory', async () => {
  const owner = await exportsOf(`(module
    (memory (export "mem") 1)
    (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
    (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))`);
  assert.ok(owner.mem instanceof W.Memory);
  const user = await exportsOf(MEMORY_ACCESS, { env: { mem: owner.mem } });
  owner.store(5, 55);
  assert.equal(user.load(5), 55);
  assert.equal(new Uint8Array(owner.mem.buffer)[5], 55);
  user.store(6, 66);
  assert.equal(owner.load(6), 66);
  new Uint8Array(owner.mem.buffer)[7] = 77;
  assert.equal(owner.load(7), 77);
  assert.equal(user.load(7), 77);
});

test('an imported Memory re-exported by the module is the same Memory object', async () => {
  const memory = new W.Memory({ initial: 1 });
  const x = await exportsOf('(module (import "env" "mem" (memory 1)) (export "mem" (memory 0)))', { env: { mem: memory } });
  assert.equal(x.mem, memory);
});

test('a memory.grow instruction makes the next Memory.buffer larger', async () => {
  const memory = new W.Memory({ initial: 1, maximum: 3 });
  const x = await exportsOf(MEMORY_ACCESS, { env: { mem: memory } });
  new Uint8Array(memory.buffer)[3] = 33;
  assert.equal(x.grow(1), 1);
  assert.equal(x.size(), 2);
  assert.equal(memory.buffer.byteLength, 2 * PAGE);
  assert.equal(new Uint8Array(memory.buffer)[3], 33);
  x.store(PAGE + 1, 9);
  assert.equal(new Uint8Array(memory.buffer)[PAGE + 1], 9);
  assert.equal(x.grow(5), -1);
  assert.equal(memory.buffer.byteLength, 2 * PAGE);
});

test('a memory.grow instruction detaches the ArrayBuffer taken before it', async () => {
  const memory = new W.Memory({ initial: 1, maximum: 3 });
  const x = await exportsOf(MEMORY_ACCESS, { env: { mem: memory } });
  const before = memory.buffer;
  assert.equal(x.grow(1), 1);
  assert.equal(before.byteLength, 0);
});

test('calls that do not grow memory keep its buffer; a growth in a nested call detaches it', async () => {
  const memory = new W.Memory({ initial: 1, maximum: 3 });
  let inner;
  const outer = await exportsOf(`(module
    (import "env" "mem" (memory 1))
    (import "env" "grow_from_js" (func $grow (param i32) (result i32)))
    (func (export "run") (param i32) (result i32) (call $grow (local.get 0))))`, {
    env: { mem: memory, grow_from_js: (pages) => inner.grow(pages) },
  });
  inner = await exportsOf(MEMORY_ACCESS, { env: { mem: memory } });
  const before = memory.buffer;
  inner.store(5, 9);
  assert.equal(inner.load(5), 9);
  assert.equal(inner.size(), 1);
  assert.equal(memory.buffer, before);
  assert.equal(before.byteLength, PAGE);
  assert.equal(outer.run(1), 1);
  assert.equal(before.byteLength, 0);
  assert.equal(memory.buffer.byteLength, 2 * PAGE);
  assert.equal(new Uint8Array(memory.buffer)[5], 9);
});

test('a Memory grown from JS is seen by wasm memory.size', async () => {
  const memory = new W.Memory({ initial: 1, maximum: 3 });
  const x = await exportsOf(MEMORY_ACCESS, { env: { mem: memory } });
  assert.equal(x.size(), 1);
  memory.grow(2);
  assert.equal(x.size(), 3);
  x.store(3 * PAGE - 1, 1);
  assert.equal(new Uint8Array(memory.buffer)[3 * PAGE - 1], 1);
});

// --------------------------------------------------------------------- table

test('a new funcref Table holds exported functions and null', async () => {
  const { f, g } = await exportsOf(`(module
    (func (export "f") (result i32) (i32.const 1))
    (func (export "g") (result i32) (i32.const 2)))`);
  const table = new W.Table({ element: 'anyfunc', initial: 2 });
  assert.ok(table instanceof W.Table);
  assert.equal(table.length, 2);
  assert.equal(table.get(0), null);
  assert.equal(table.get(1), null);
  table.set(0, f);
  table.set(1, g);
  assert.equal(table.get(0), f);
  assert.equal(table.get(1), g);
  table.set(0, null);
  assert.equal(table.get(0), null);
});

test('setting a funcref Table element to a plain JS function or other value throws a TypeError', () => {
  const table = new W.Table({ element: 'anyfunc', initial: 1 });
  assert.throws(() => table.set(0, () => 1), TypeError);
  assert.throws(() => table.set(0, {}), TypeError);
  assert.throws(() => table.set(0, 'f'), TypeError);
  assert.equal(table.get(0), null);
});

test('Table.grow returns the old length and the new elements are null', async () => {
  const table = new W.Table({ element: 'anyfunc', initial: 2, maximum: 4 });
  assert.equal(table.grow(1), 2);
  assert.equal(table.length, 3);
  assert.equal(table.get(2), null);
  assert.equal(table.grow(1), 3);
  assert.throws(() => table.grow(1), RangeError);
  assert.equal(table.length, 4);
});

test('Table.get and Table.set out of range throw a RangeError', () => {
  const table = new W.Table({ element: 'anyfunc', initial: 2 });
  assert.throws(() => table.get(2), RangeError);
  assert.throws(() => table.set(2, null), RangeError);
  assert.throws(() => table.get(-1), TypeError);
});

test('a function set into a Table from JS is called by call_indirect', async () => {
  const table = new W.Table({ element: 'anyfunc', initial: 2 });
  const { seven } = await exportsOf('(module (func (export "seven") (result i32) (i32.const 7)))');
  const x = await exportsOf(`(module
    (import "env" "tab" (table 2 funcref))
    (type $t (func (result i32)))
    (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))`, { env: { tab: table } });
  assertRuntimeError(() => x.call(1));
  table.set(1, seven);
  assert.equal(x.call(1), 7);
});

test('an externref Table holds any JS value', async () => {
  const table = new W.Table({ element: 'externref', initial: 3 });
  const object = {};
  table.set(0, object);
  table.set(1, 'text');
  table.set(2, null);
  assert.equal(table.get(0), object);
  assert.equal(table.get(1), 'text');
  assert.equal(table.get(2), null);
  assert.equal(table.grow(1, object), 3);
  assert.equal(table.get(3), object);
});

test('values put into an externref table from JS are read back by wasm unchanged', async () => {
  const x = await exportsOf(`(module
    (table (export "tab") 2 externref)
    (func (export "get") (param i32) (result externref) (table.get (local.get 0)))
    (func (export "put") (param i32 externref) (table.set (local.get 0) (local.get 1))))`);
  const object = { k: 1 };
  x.tab.set(0, object);
  assert.equal(x.get(0), object);
  const other = ['array'];
  x.put(1, other);
  assert.equal(x.tab.get(1), other);
});

// -------------------------------------------------------------------- global

test('a mutable i32 Global can be read and written through value and valueOf', () => {
  const global = new W.Global({ value: 'i32', mutable: true }, 5);
  assert.ok(global instanceof W.Global);
  assert.equal(global.value, 5);
  assert.equal(global.valueOf(), 5);
  global.value = 2 ** 31;
  assert.equal(global.value, -(2 ** 31));
  global.value = 7;
  assert.equal(global.value, 7);
  assert.equal(global.valueOf(), 7);
});

test('setting an immutable Global throws a TypeError', () => {
  const global = new W.Global({ value: 'i32' }, 5);
  assert.throws(() => { global.value = 6; }, TypeError);
  assert.equal(global.value, 5);
});

test('an i64 Global holds a BigInt', () => {
  const global = new W.Global({ value: 'i64', mutable: true }, 5n);
  assert.equal(global.value, 5n);
  assert.equal(global.valueOf(), 5n);
  global.value = 2n ** 63n - 1n;
  assert.equal(global.value, 2n ** 63n - 1n);
  assert.throws(() => { global.value = 1; }, TypeError);
  assert.equal(new W.Global({ value: 'i64' }).value, 0n);
});

test('f32 and f64 Globals round like their types', () => {
  assert.equal(new W.Global({ value: 'f32' }, 0.1).value, Math.fround(0.1));
  assert.equal(new W.Global({ value: 'f64' }, 0.1).value, 0.1);
});

test('an exported global reflects global.set in wasm, and wasm sees writes from JS', async () => {
  const x = await exportsOf(`(module
    (global $g (export "g") (mut i32) (i32.const 1))
    (func (export "set") (param i32) (global.set $g (local.get 0)))
    (func (export "get") (result i32) (global.get $g)))`);
  assert.ok(x.g instanceof W.Global);
  assert.equal(x.g.value, 1);
  x.set(42);
  assert.equal(x.g.value, 42);
  x.g.value = 99;
  assert.equal(x.get(), 99);
});

test('an imported Global object is shared with wasm', async () => {
  const global = new W.Global({ value: 'i64', mutable: true }, 1n);
  const x = await exportsOf(`(module
    (import "env" "g" (global $g (mut i64)))
    (func (export "set") (param i64) (global.set $g (local.get 0)))
    (func (export "get") (result i64) (global.get $g)))`, { env: { g: global } });
  assert.equal(x.get(), 1n);
  global.value = 10n;
  assert.equal(x.get(), 10n);
  x.set(-20n);
  assert.equal(global.value, -20n);
});

test('an immutable global import accepts a plain Number', async () => {
  const x = await exportsOf(`(module
    (import "env" "base" (global $base i32))
    (func (export "get") (result i32) (global.get $base)))`, { env: { base: 41 } });
  assert.equal(x.get(), 41);
});

// ------------------------------------------------------- the shape of WebIDL

const INTERFACES = ['Module', 'Instance', 'Memory', 'Table', 'Global', 'CompileError', 'LinkError', 'RuntimeError'];

test('the namespace carries Symbol.toStringTag "WebAssembly", configurable and neither writable nor enumerable', () => {
  assert.deepEqual(Object.getOwnPropertyDescriptor(W, Symbol.toStringTag), {
    value: 'WebAssembly', writable: false, enumerable: false, configurable: true,
  });
  assert.equal(Object.prototype.toString.call(W), '[object WebAssembly]');
});

test('each interface prototype carries Symbol.toStringTag "WebAssembly.<name>" as a data property', () => {
  for (const name of ['Module', 'Instance', 'Memory', 'Table', 'Global']) {
    assert.deepEqual(Object.getOwnPropertyDescriptor(W[name].prototype, Symbol.toStringTag), {
      value: `WebAssembly.${name}`, writable: false, enumerable: false, configurable: true,
    }, name);
  }
  assert.equal(String(new W.Memory({ initial: 0 })), '[object WebAssembly.Memory]');
});

test('the interfaces on the namespace are writable and configurable but not enumerable; its operations are enumerable', () => {
  for (const name of INTERFACES) {
    const d = Object.getOwnPropertyDescriptor(W, name);
    assert.deepEqual([d.writable, d.enumerable, d.configurable, d.value], [true, false, true, W[name]], name);
  }
  for (const name of ['validate', 'compile', 'instantiate', 'compileStreaming', 'instantiateStreaming']) {
    const d = Object.getOwnPropertyDescriptor(W, name);
    assert.deepEqual([d.writable, d.enumerable, d.configurable, typeof d.value], [true, true, true, 'function'], name);
  }
});

test('the operations and attributes of the interfaces are enumerable, writable (operations) and configurable', () => {
  const operations = [
    [W.Module, 'exports'], [W.Module, 'imports'], [W.Module, 'customSections'],
    [W.Memory.prototype, 'grow'], [W.Table.prototype, 'grow'], [W.Table.prototype, 'get'],
    [W.Table.prototype, 'set'], [W.Global.prototype, 'valueOf'],
  ];
  for (const [object, name] of operations) {
    const d = Object.getOwnPropertyDescriptor(object, name);
    assert.deepEqual([d.writable, d.enumerable, d.configurable], [true, true, true], name);
  }
  const attributes = [
    [W.Instance.prototype, 'exports', false], [W.Memory.prototype, 'buffer', false],
    [W.Table.prototype, 'length', false], [W.Global.prototype, 'value', true],
  ];
  for (const [object, name, settable] of attributes) {
    const d = Object.getOwnPropertyDescriptor(object, name);
    assert.deepEqual([d.enumerable, d.configurable, d.get.name, typeof d.set], [true, true, `get ${name}`, settable ? 'function' : 'undefined'], name);
  }
});

test('constructors and operations have the lengths WebIDL gives them (their required arguments)', () => {
  const lengths = {
    'Module': [W.Module, 1], 'Instance': [W.Instance, 1], 'Memory': [W.Memory, 1], 'Table': [W.Table, 1],
    'Global': [W.Global, 1], 'validate': [W.validate, 1], 'compile': [W.compile, 1],
    'instantiate': [W.instantiate, 1], 'compileStreaming': [W.compileStreaming, 1],
    'instantiateStreaming': [W.instantiateStreaming, 1], 'Module.exports': [W.Module.exports, 1],
    'Module.imports': [W.Module.imports, 1], 'Module.customSections': [W.Module.customSections, 2],
    'Memory.grow': [W.Memory.prototype.grow, 1], 'Table.grow': [W.Table.prototype.grow, 1],
    'Table.get': [W.Table.prototype.get, 1], 'Table.set': [W.Table.prototype.set, 1],
    'Global.valueOf': [W.Global.prototype.valueOf, 0],
  };
  const actual = Object.fromEntries(Object.entries(lengths).map(([name, [f]]) => [name, f.length]));
  assert.deepEqual(actual, Object.fromEntries(Object.entries(lengths).map(([name, [, n]]) => [name, n])));
});

// ------------------------------------------------- conversions, in JS API order

test('the Global constructor reads mutable, then value and its ToString, then converts the initial value', () => {
  const order = [];
  const global = new W.Global({
    get value() {
      order.push('value');
      return { toString() { order.push('value toString'); return 'f64'; } };
    },
    get mutable() {
      order.push('mutable');
      return true;
    },
  }, { valueOf() { order.push('valueOf'); return 1.5; } });
  assert.deepEqual(order, ['mutable', 'value', 'value toString', 'valueOf']);
  assert.equal(global.value, 1.5);
});

test('an i64 value converts with ToBigInt64: objects through valueOf or toString, strings parsed, Numbers refused', () => {
  const i64 = (v) => new W.Global({ value: 'i64' }, v).value;
  assert.equal(i64({ toString() { return '5'; } }), 5n);
  assert.equal(i64({ valueOf() { return '8'; } }), 8n);
  assert.equal(i64({ toString() { return 6n; } }), 6n);
  assert.equal(i64({ valueOf() { return 9n; } }), 9n);
  assert.equal(i64({ [Symbol.toPrimitive](hint) { return hint === 'number' ? 2n ** 64n + 3n : 0n; } }), 3n);
  assert.equal(i64('-1'), -1n);
  assert.equal(i64(2n ** 63n), -(2n ** 63n));
  for (const bad of [null, 666, { valueOf() { return 8; } }, { toString() { return 5; } }, Symbol('s')]) {
    assert.throws(() => i64(bad), TypeError, String(bad));
  }
  assert.throws(() => i64('1.5'), SyntaxError);
  const global = new W.Global({ value: 'i64', mutable: true });
  global.value = { valueOf() { return '12'; } };
  assert.equal(global.value, 12n);
});

test('Table.set without a value puts the default: null for funcref, undefined for externref; an explicit undefined is a TypeError for funcref', async () => {
  const { f } = await exportsOf('(module (func (export "f")))');
  const funcs = new W.Table({ element: 'anyfunc', initial: 1 }, f);
  funcs.set(0);
  assert.equal(funcs.get(0), null);
  assert.throws(() => funcs.set(0, undefined), TypeError);
  const object = {};
  const refs = new W.Table({ element: 'externref', initial: 2 }, object);
  refs.set(0);
  assert.equal(refs.get(0), undefined);
  refs.set(1, null);
  assert.equal(refs.get(1), null);
  refs.set(1, undefined);
  assert.equal(refs.get(1), undefined);
  // Made or grown without a value, an externref table holds undefined too.
  assert.equal(new W.Table({ element: 'externref', initial: 1 }).get(0), undefined);
  refs.grow(1);
  assert.equal(refs.get(2), undefined);
});

test('a host function\'s several results are read through the iterator protocol, each step once and in order', async () => {
  const log = [];
  const results = [2, 7.5];
  let i = 0;
  const x = await exportsOf(`(module
    (import "env" "pair" (func $pair (result i32 f64)))
    (func (export "run") (result i32 f64) (call $pair)))`, {
    env: {
      pair: () => ({
        get [Symbol.iterator]() {
          log.push('@@iterator get');
          return () => {
            log.push('@@iterator call');
            return {
              get next() {
                log.push('next get');
                return () => {
                  const j = ++i;
                  log.push(`next ${j}`);
                  return {
                    get done() { log.push(`done ${j}`); return j > results.length; },
                    get value() {
                      log.push(`value ${j}`);
                      return { valueOf() { log.push(`valueOf ${j}`); return results[j - 1]; } };
                    },
                  };
                };
              },
            };
          };
        },
      }),
    },
  });
  assert.deepEqual(x.run(), [2, 7.5]);
  assert.deepEqual(log, [
    '@@iterator get', '@@iterator call', 'next get', 'next 1', 'done 1', 'value 1', 'next 2', 'done 2', 'value 2',
    'next 3', 'done 3', 'valueOf 1', 'valueOf 2',
  ]);
});

test('Module.customSections compares names as JS strings: a lone surrogate matches no section, U+FFFD only itself', async () => {
  const bytes = new Uint8Array([...(await wat2wasm('(module)')), ...customSection('na\uFFFDme', [1])]);
  const module = new W.Module(bytes);
  assert.deepEqual(W.Module.customSections(module, 'na\uFFFDme').map((s) => [...new Uint8Array(s)]), [[1]]);
  assert.deepEqual(W.Module.customSections(module, 'na\uDC01me'), []);
  assert.throws(() => W.Module.customSections(module), TypeError);
  assert.throws(() => W.Module.customSections(module, Symbol('name')), TypeError);
});

test('a Table may declare a maximum over 10,000,000 elements but never grows past that many', () => {
  assert.throws(() => new W.Table({ element: 'anyfunc', initial: 10_000_001 }), RangeError);
  const table = new W.Table({ element: 'anyfunc', initial: 1, maximum: 10_000_001 });
  assert.throws(() => table.grow(10_000_000), RangeError);
  assert.equal(table.length, 1);
});

// ------------------------------------------------------ streaming compilation

const WASM_TYPE = { 'Content-Type': 'application/wasm' };

test('compileStreaming compiles a Response, or a promise of one, of type application/wasm', async () => {
  const bytes = await wat2wasm('(module (func (export "f") (result i32) (i32.const 5)))');
  const module = await W.compileStreaming(new Response(bytes, { headers: WASM_TYPE }));
  assert.ok(module instanceof W.Module);
  assert.deepEqual(W.Module.exports(module), [{ name: 'f', kind: 'function' }]);
  const later = await W.compileStreaming(Promise.resolve(new Response(bytes, { headers: WASM_TYPE })));
  assert.ok(later instanceof W.Module);
});

test('instantiateStreaming resolves to { module, instance } linked with the import object', async () => {
  const bytes = await wat2wasm(ADD_WITH_IMPORT);
  const result = await W.instantiateStreaming(new Response(bytes, { headers: WASM_TYPE }), { env: { offset: () => 10 } });
  assert.deepEqual(Object.keys(result).sort(), ['instance', 'module']);
  assert.ok(result.module instanceof W.Module);
  assert.equal(result.instance.exports.add(1, 2), 13);
  await assert.rejects(W.instantiateStreaming(new Response(bytes, { headers: WASM_TYPE }), 5), TypeError);
  await assert.rejects(W.instantiateStreaming(new Response(bytes, { headers: WASM_TYPE }), {}), TypeError);
});

test('compileStreaming rejects with a TypeError a response of another type, a failed status, a used body, or no Response', async () => {
  const bytes = await wat2wasm('(module)');
  const responseError = (message) => (e) => e instanceof TypeError && e.code === 'ERR_WEBASSEMBLY_RESPONSE' && e.message === message;
  await assert.rejects(W.compileStreaming(new Response(bytes)), responseError("WebAssembly response has unsupported MIME type 'null'"));
  await assert.rejects(W.compileStreaming(new Response(bytes, { headers: { 'Content-Type': 'text/plain' } })),
    responseError("WebAssembly response has unsupported MIME type 'text/plain'"));
  await assert.rejects(W.compileStreaming(new Response(bytes, { headers: { 'Content-Type': 'application/wasm; x=1' } })),
    responseError("WebAssembly response has unsupported MIME type 'application/wasm; x=1'"));
  await assert.rejects(W.compileStreaming(new Response(bytes, { status: 404, headers: WASM_TYPE })),
    responseError('WebAssembly response has status code 404'));
  const used = new Response(bytes, { headers: WASM_TYPE });
  await used.arrayBuffer();
  await assert.rejects(W.compileStreaming(used), responseError('WebAssembly response body has already been used'));
  for (const notResponse of [bytes, undefined, Promise.resolve({ headers: new Headers(WASM_TYPE) })]) {
    await assert.rejects(W.compileStreaming(notResponse), (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE');
  }
  const reason = new RangeError('the fetch failed');
  await assert.rejects(W.compileStreaming(Promise.reject(reason)), (e) => e === reason);
});

test('compileStreaming of a body that is not a module rejects with a CompileError', async () => {
  await assert.rejects(W.compileStreaming(new Response(GARBAGE, { headers: WASM_TYPE })), W.CompileError);
  await assert.rejects(W.compileStreaming(new Response(null, { headers: WASM_TYPE })), W.CompileError);
});
