'use strict';
// What kiln-wasm adds to the WebAssembly JS API: fuel, timeouts, serialized
// modules, the text format, the ES module entry, and behaviour V8 does not
// share (trap messages, functions shared between independent instances,
// shared memories that JavaScript cannot see).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const kiln = require('..');

const { Module, Instance, Memory, RuntimeError, CompileError, LinkError, wat2wasm } = kiln;

function instantiate(text, imports = {}, options) {
  return new Instance(new Module(wat2wasm(text)), imports, options);
}

const SPIN = `(module
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1)))`;

test('fuel stops an infinite loop with a RuntimeError and can be refilled', () => {
  const instance = instantiate(SPIN, {}, { fuel: 100_000 });
  assert.equal(instance.fuel, 100_000);
  assert.throws(() => instance.exports.spin(), (e) => e instanceof RuntimeError && /fuel/.test(e.message));
  assert.equal(instance.fuel, 0);
  instance.fuel = 1_000_000;
  assert.equal(instance.exports.count(1000), 1000);
  assert.ok(instance.fuel < 1_000_000 && instance.fuel > 0, `fuel left: ${instance.fuel}`);
});

test('an instance made without fuel reports no fuel and refuses setting it', () => {
  const instance = instantiate(SPIN);
  assert.equal(instance.fuel, undefined);
  assert.throws(() => { instance.fuel = 5; }, { name: 'TypeError', message: /made without fuel/ });
});

test('a timeout interrupts a running guest with a RuntimeError, and the instance stays usable', () => {
  const instance = instantiate(SPIN, {}, { timeout: 50 });
  const started = process.hrtime.bigint();
  assert.throws(() => instance.exports.spin(), (e) => e instanceof RuntimeError && /interrupt/.test(e.message));
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(elapsedMs >= 45 && elapsedMs < 5000, `interrupted after ${elapsedMs} ms`);
  assert.equal(instance.exports.count(10), 10);
});

test('bad fuel and timeout options are TypeErrors or RangeErrors', () => {
  const module = new Module(wat2wasm(SPIN));
  assert.throws(() => new Instance(module, {}, { fuel: -1 }), RangeError);
  assert.throws(() => new Instance(module, {}, { timeout: 0 }), RangeError);
  assert.throws(() => new Instance(module, {}, 5), TypeError);
});

test('a serialized module deserializes and runs without compiling', () => {
  const module = new Module(wat2wasm('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))'));
  const bytes = module.serialize();
  assert.ok(bytes instanceof Uint8Array);
  const loaded = Module.deserialize(bytes);
  assert.ok(loaded instanceof Module);
  assert.deepEqual(Module.exports(loaded), [{ name: 'add', kind: 'function' }]);
  assert.equal(new Instance(loaded, {}).exports.add(20, 22), 42);
});

test('deserializing plain wasm or truncated bytes is a CompileError', () => {
  const wasm = wat2wasm('(module)');
  assert.throws(() => Module.deserialize(wasm), CompileError);
  const bytes = new Module(wat2wasm('(module (func (export "f")))')).serialize();
  assert.throws(() => Module.deserialize(bytes.subarray(0, bytes.length - 3)), CompileError);
});

test('wat2wasm reports a syntax error with the position', () => {
  assert.throws(() => wat2wasm('(module (func (result i32) i32.const))'), (e) => e instanceof SyntaxError && /expected/.test(e.message));
  assert.throws(() => wat2wasm(5), TypeError);
});

test('trap messages name the trap as the spec does', () => {
  const { div, oob } = instantiate(`(module (memory 1)
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func (export "oob") (result i32) (i32.load (i32.const 70000))))`).exports;
  assert.throws(() => div(1, 0), { name: 'RuntimeError', message: /integer divide by zero/ });
  assert.throws(() => oob(), { name: 'RuntimeError', message: /out of bounds memory access/ });
  assert.equal(div(7, 2), 3);
});

test('a CompileError names what is wrong with the module', () => {
  assert.throws(() => new Module(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0])), { name: 'CompileError', message: /version/ });
});

test('a function exported by one instance is imported and tabled by independent instances', () => {
  const lib = instantiate('(module (func (export "triple") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3))))');
  const user = instantiate(`(module
    (import "lib" "triple" (func $triple (param i32) (result i32)))
    (table (export "table") 1 funcref)
    (elem (i32.const 0) $triple)
    (type $t (func (param i32) (result i32)))
    (func (export "viaTable") (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 0)))
    (func (export "direct") (param i32) (result i32) (call $triple (local.get 0))))`, { lib: { triple: lib.exports.triple } });
  assert.equal(user.exports.direct(5), 15);
  assert.equal(user.exports.viaTable(6), 18);
  assert.equal(user.exports.table.get(0), lib.exports.triple);
});

test('a trap and a JS exception cross a proxied call unchanged', () => {
  const thrown = new Error('from the host');
  const lib = instantiate(`(module (import "env" "fail" (func $fail))
    (func (export "trap") unreachable)
    (func (export "fail") call $fail))`, { env: { fail: () => { throw thrown; } } });
  const user = instantiate(`(module
    (import "lib" "trap" (func $trap)) (import "lib" "fail" (func $fail))
    (func (export "trap") call $trap) (func (export "fail") call $fail))`, { lib: lib.exports });
  assert.throws(() => user.exports.trap(), { name: 'RuntimeError', message: /unreachable/ });
  assert.throws(() => user.exports.fail(), (e) => e === thrown);
});

test('memories, tables or globals from two separate groups cannot be linked together', () => {
  // The memory's group is claimed by the instance that imports it; the
  // table, made afterwards, starts a new one.
  const memory = new kiln.Memory({ initial: 1 });
  instantiate('(module (import "env" "m" (memory 1)))', { env: { m: memory } });
  const table = new kiln.Table({ element: 'anyfunc', initial: 1 });
  assert.throws(() => instantiate('(module (import "env" "m" (memory 1)) (import "env" "t" (table 1 funcref)))', { env: { m: memory, t: table } }),
    (e) => e instanceof LinkError && /different groups/.test(e.message));
});

test('a host function that closes over its instance is freed with it', async () => {
  assert.equal(typeof global.gc, 'function', 'run with node --expose-gc');
  const module = new Module(wat2wasm('(module (import "env" "f" (func $f)) (memory (export "mem") 1) (func (export "run") call $f))'));
  const registry = new FinalizationRegistry((held) => { collected.push(held); });
  const collected = [];
  for (let i = 0; i < 20; i++) {
    const holder = {};
    const instance = new Instance(module, { env: { f: () => { holder.seen = instance.exports.mem.buffer.byteLength; } } });
    instance.exports.run();
    assert.equal(holder.seen, 65536);
    registry.register(instance, i);
  }
  for (let round = 0; round < 20 && collected.length < 20; round++) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(collected.length, 20);
});

test('an exported function alone keeps the JS functions its instance imports alive', async () => {
  assert.equal(typeof global.gc, 'function', 'run with node --expose-gc');
  const module = new Module(wat2wasm(`(module
    (import "env" "double" (func $double (param i32) (result i32)))
    (func (export "numbers") (param i32) (result i32) (call $double (local.get 0)))
    (func (export "withRef") (param externref) (result i32) (call $double (i32.const 5))))`));
  const exported = (name) => new Instance(module, { env: { double: (x) => x * 2 } }).exports[name];
  // One function of numbers (a JS function) and one taking a reference (a
  // native one), each the only thing left of its instance.
  const numbers = exported('numbers');
  const withRef = exported('withRef');
  for (let round = 0; round < 5; round++) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(numbers(21), 42);
  assert.equal(withRef(null), 10);
});

test('new Memory({ shared: true }) is a TypeError saying Node-API cannot make its SharedArrayBuffer', () => {
  for (const descriptor of [{ initial: 1, maximum: 2, shared: true }, { address: 'i64', initial: 1n, maximum: 2n, shared: 1 }]) {
    assert.throws(() => new Memory(descriptor), {
      name: 'TypeError',
      message: 'shared memories cannot be made from JavaScript: their buffer is a SharedArrayBuffer, '
        + 'and Node-API cannot make one over a Kiln memory',
    });
  }
});

test('wasm shares a memory between instances; exported, its buffer getter is a TypeError while grow works', () => {
  const owner = instantiate(`(module
    (memory (export "memory") 1 2 shared)
    (func (export "add") (param i32) (result i32) (i32.atomic.rmw.add (i32.const 0) (local.get 0))))`);
  const { memory } = owner.exports;
  assert.ok(memory instanceof Memory);
  const sharer = instantiate(`(module
    (import "env" "memory" (memory 1 2 shared))
    (func (export "load") (result i32) (i32.atomic.load (i32.const 0)))
    (func (export "size") (result i32) (memory.size)))`, { env: { memory } });
  assert.equal(owner.exports.add(5), 0);
  assert.equal(owner.exports.add(2), 5);
  assert.equal(sharer.exports.load(), 7);
  assert.throws(() => memory.buffer, {
    name: 'TypeError',
    message: 'the buffer of a shared memory cannot be shown to JavaScript: '
      + 'Node-API cannot make a SharedArrayBuffer over a Kiln memory',
  });
  assert.equal(memory.grow(1), 1);
  assert.equal(sharer.exports.size(), 2);
  assert.throws(() => memory.grow(1), RangeError);
  // An unshared memory does not match a shared import.
  assert.throws(() => instantiate('(module (import "env" "memory" (memory 1 2 shared)))',
    { env: { memory: new Memory({ initial: 1, maximum: 2 }) } }), LinkError);
});

test('a Memory made right after the previous loose objects were collected works', () => {
  assert.equal(typeof global.gc, 'function', 'run with node --expose-gc');
  // The collected Memory's store lives on until its finalizer runs, which
  // is after this synchronous code; the new Memory must not join it.
  (() => new Memory({ initial: 1 }))();
  global.gc();
  const memory = new Memory({ initial: 2 });
  assert.equal(memory.buffer.byteLength, 2 * 65536);
});

test('the benchmark floors (probes.js): emptyNativeCall returns undefined, callJsFunction calls fn the given number of times, addThroughSlots adds as i32s', () => {
  // run-tests.sh builds the addon with KILN_NODE_FEATURES=bench-probes.
  const probes = require('../probes.js');
  assert.deepEqual(Object.keys(probes).sort(), ['addThroughSlots', 'callJsFunction', 'emptyNativeCall']);
  assert.equal(probes.emptyNativeCall(), undefined);
  let calls = 0;
  assert.equal(probes.callJsFunction(() => { calls++; }, 5), undefined);
  assert.equal(calls, 5);
  const error = new Error('from fn');
  assert.throws(() => probes.callJsFunction(() => { calls++; throw error; }, 3), (e) => e === error);
  assert.equal(calls, 6);
  assert.equal(probes.addThroughSlots(2, 40), 42);
  assert.equal(probes.addThroughSlots(0x7fffffff, 1), -0x80000000);
  assert.equal(probes.addThroughSlots('3', 4.9), 7);
  assert.equal(probes.addThroughSlots.length, 2);
  // The slots are the package's own: an exported function of numbers still
  // works around a probe's call.
  const { add } = instantiate('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))').exports;
  assert.equal(add(probes.addThroughSlots(1, 2), 4), 7);
});

test('functions of as many numbers as the engine passes in raw slots go through the shared slots, both ways; more go through Node-API', () => {
  // The count is the engine's (`RawFunc::MAX_VALUES`), which the addon exports.
  const { native } = require('../lib/native.js');
  const n = native.numericSlots;
  assert.ok(Number.isInteger(n) && n >= 8, `numericSlots is ${n}`);
  for (const count of [n, n + 1]) {
    const params = Array(count).fill('i32').join(' ');
    const results = Array(count).fill('i32').join(' ');
    const gets = Array.from({ length: count }, (_, i) => `(local.get ${i})`).join(' ');
    const adds = Array.from({ length: count - 1 }, (_, i) => `local.get ${i + 1} i32.add`).join(' ');
    // `sum` adds its parameters through an import of the same type as
    // `reverse`, which returns them in reverse order.
    const instance = instantiate(`(module
      (import "env" "reverse" (func $reverse (param ${params}) (result ${results})))
      (func (export "reverse") (param ${params}) (result ${results}) ${gets} call $reverse)
      (func (export "sum") (param ${params}) (result i32) local.get 0 ${adds}))`,
    { env: { reverse: (...args) => args.reverse() } });
    const args = Array.from({ length: count }, (_, i) => i + 1);
    assert.deepEqual(instance.exports.reverse(...args), [...args].reverse());
    assert.equal(instance.exports.sum(...args), (count * (count + 1)) / 2);
    // An exported function of numbers that goes through the slots is a JS
    // function made by lib/calls.js; any other is native.
    assert.equal(/\[native code\]/.test(String(instance.exports.sum)), count > n, `${count} parameters`);
  }
});

test('the public package exports no benchmark probes, in either entry', async () => {
  const probeNames = ['_emptyNativeCall', '_callJsFunction', '_addThroughSlots', 'emptyNativeCall', 'callJsFunction', 'addThroughSlots', 'addSlots'];
  const esm = await import(path.join(__dirname, '..', 'index.mjs'));
  for (const name of probeNames) {
    assert.equal(name in kiln, false, `require('kiln-wasm') has ${name}`);
    assert.equal(name in kiln.WebAssembly, false, `kiln-wasm's WebAssembly has ${name}`);
    assert.equal(name in esm, false, `the ES module entry exports ${name}`);
  }
});

test('without the bench-probes feature the package works and probes.js throws, naming KILN_NODE_FEATURES=bench-probes', () => {
  // An addon built without the feature registers no probe natives: the child
  // removes them from the addon's exports before anything else uses them.
  const here = path.join(__dirname, '..');
  const script = `
    const native = require(${JSON.stringify(path.join(here, 'kiln.node'))});
    for (const name of ['emptyNativeCall', 'callJsFunction', 'addSlots']) delete native[name];
    const kiln = require(${JSON.stringify(here)});
    const { add } = new kiln.Instance(new kiln.Module(kiln.wat2wasm(
      '(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))'))).exports;
    let message = 'no error';
    try { require(${JSON.stringify(path.join(here, 'probes.js'))}); } catch (e) { message = e.message; }
    console.log(JSON.stringify([add(40, 2), require(${JSON.stringify(path.join(here, 'lib', 'native.js'))}).numericCalls.addThroughSlots === undefined, message]));`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.stderr, '');
  const [sum, noSlotsProbe, message] = JSON.parse(child.stdout);
  assert.equal(sum, 42);
  assert.equal(noSlotsProbe, true);
  assert.match(message, /KILN_NODE_FEATURES=bench-probes/);
  assert.match(message, /emptyNativeCall, callJsFunction, addSlots/);
});

test('the ES module entry exports the same objects as the CommonJS one', () => {
  const script = `import kiln, { Module, WebAssembly, WASI } from ${JSON.stringify(path.join(__dirname, '..', 'index.mjs'))};
    import { createRequire } from 'node:module';
    const cjs = createRequire(import.meta.url)(${JSON.stringify(path.join(__dirname, '..'))});
    import { compileStreaming } from ${JSON.stringify(path.join(__dirname, '..', 'index.mjs'))};
    console.log(JSON.stringify([kiln === cjs, Module === cjs.Module, WebAssembly === cjs, WASI === cjs.WASI,
      compileStreaming === cjs.compileStreaming]));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), '[true,true,true,true,true]');
});

test('the namespace is also exported as WebAssembly, so code swaps one import', () => {
  const { WebAssembly } = require('..');
  assert.equal(WebAssembly, kiln);
  assert.equal(typeof WebAssembly.instantiate, 'function');
});

test('what Kiln adds to the namespace is shaped as WebIDL shapes its members: classes hidden from enumeration, wat2wasm not', () => {
  const shape = (name) => {
    const d = Object.getOwnPropertyDescriptor(kiln, name);
    return [d.writable, d.enumerable, d.configurable];
  };
  assert.deepEqual(
    ['WASI', 'WASIExit', 'WebAssembly', 'component', 'wat2wasm'].map(shape),
    [[true, false, true], [true, false, true], [true, false, true], [true, false, true], [true, true, true]],
  );
  assert.deepEqual(Object.keys(kiln), [
    'validate', 'compile', 'instantiate', 'compileStreaming', 'instantiateStreaming', 'wat2wasm',
    'enableCompileCache', 'configureEngine',
  ]);
});

test('the README example runs and prints 42', () => {
  const readme = require('node:fs').readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const example = readme.match(/```js\n([\s\S]*?)```/)[1]
    .replace("from 'kiln-wasm'", `from ${JSON.stringify(path.join(__dirname, '..', 'index.mjs'))}`);
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', example], { encoding: 'utf8' });
  assert.equal(child.stderr, '');
  assert.equal(child.stdout, '42\n');
});

test('limits bound memory growth, table growth and how many instances a store holds', () => {
  const module = new Module(wat2wasm(`(module
    (memory (export "mem") 1)
    (table (export "table") 1 funcref)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`));
  const instance = new Instance(module, {}, { limits: { memorySize: 2 * 65536, tableElements: 4 } });
  const { grow, mem, table } = instance.exports;
  assert.equal(grow(1), 1);
  assert.equal(grow(1), -1);
  assert.throws(() => mem.grow(1), RangeError);
  assert.equal(mem.buffer.byteLength, 2 * 65536);
  assert.equal(table.grow(3), 1);
  assert.throws(() => table.grow(1), RangeError);
  assert.equal(table.length, 4);

  const memory = new kiln.Memory({ initial: 1 });
  const importer = new Module(wat2wasm('(module (import "env" "m" (memory 1)))'));
  new Instance(importer, { env: { m: memory } }, { limits: { instances: 1 } });
  assert.throws(() => new Instance(importer, { env: { m: memory } }),
    { name: 'RangeError', message: "the store's limit of 1 instances is reached: it holds 1 and 1 more are needed" });
});

test('bad limits are TypeErrors or RangeErrors', () => {
  const module = new Module(wat2wasm('(module)'));
  assert.throws(() => new Instance(module, {}, { limits: 5 }), TypeError);
  assert.throws(() => new Instance(module, {}, { limits: { memorySize: -1 } }), RangeError);
});

test('enableCompileCache keeps a compiled module for the next process, which loads it', () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-node-cache-'));
  const script = `const kiln = require(${JSON.stringify(path.join(__dirname, '..'))});
    const dir = kiln.enableCompileCache(process.argv[1]);
    const m = new kiln.Module(kiln.wat2wasm('(module (func (export "f") (result i32) i32.const 7))'));
    let late = 'no error';
    try { kiln.enableCompileCache(process.argv[1]); } catch (e) { late = e.constructor.name + ': ' + e.message; }
    console.log(JSON.stringify([dir, new kiln.Instance(m).exports.f(), late]));`;
  const run = () => {
    const child = spawnSync(process.execPath, ['-e', script, dir], { encoding: 'utf8' });
    assert.equal(child.stderr, '');
    return JSON.parse(child.stdout);
  };
  try {
    const expected = [dir, 7, 'TypeError: enableCompileCache must be called before the first module is compiled'];
    assert.deepEqual(run(), expected);
    const entries = fs.readdirSync(dir);
    assert.equal(entries.length, 1);
    assert.match(entries[0], /^[0-9a-f]{64}\.kiln$/);
    const written = fs.statSync(path.join(dir, entries[0])).mtimeMs;
    assert.deepEqual(run(), expected);
    assert.deepEqual(fs.readdirSync(dir), entries);
    assert.equal(fs.statSync(path.join(dir, entries[0])).mtimeMs, written);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('KILN_COMPILE_CACHE in the environment turns the cache on as the package loads', () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-node-cache-env-'));
  const script = `const kiln = require(${JSON.stringify(path.join(__dirname, '..'))});
    new kiln.Module(kiln.wat2wasm('(module)'));`;
  try {
    const child = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8', env: { ...process.env, KILN_COMPILE_CACHE: dir },
    });
    assert.equal(child.stderr, '');
    assert.equal(fs.readdirSync(dir).length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('enableCompileCache refuses a directory that is not a string', () => {
  assert.throws(() => kiln.enableCompileCache(42), {
    name: 'TypeError',
    message: 'enableCompileCache takes a directory path (a string) or nothing',
  });
});

// A worker needs about half a MiB of stack for Node itself (V8 keeps 192 KiB
// in reserve), so 512 KiB, the engine's wasm stack limit, is the smallest.
test('deep recursion traps with a RuntimeError on workers with 512 KiB, 1 MiB and 8 MiB stacks', async () => {
  const { Worker } = require('node:worker_threads');
  const script = `
    const { parentPort } = require('node:worker_threads');
    const kiln = require(${JSON.stringify(path.join(__dirname, '..'))});
    const down = new kiln.Instance(new kiln.Module(kiln.wat2wasm(\`(module
      (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))\`))).exports.down;
    let error;
    try { down(1000000); } catch (e) { error = e.constructor.name + ': ' + e.message; }
    parentPort.postMessage([error, down(100)]);`;
  for (const stackSizeMb of [0.5, 1, 8]) {
    const worker = new Worker(script, { eval: true, resourceLimits: { stackSizeMb } });
    const [message] = await Promise.all([
      new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); }),
      new Promise((resolve) => worker.once('exit', resolve)),
    ]);
    assert.deepEqual(message, ['RuntimeError: call stack exhausted', 100], `stackSizeMb ${stackSizeMb}`);
  }
});
