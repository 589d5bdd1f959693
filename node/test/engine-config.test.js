'use strict';
// configureEngine: the memory settings and the pooling allocator. The engine
// is configured once per process, so each case runs in a child process that
// prints what it saw as JSON.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const PAGE = 65536;

// Runs `body` (an async function's text, with `kiln`, `wat2wasm`, `collect`
// and `error` in scope) in a fresh process and returns the value it returns.
function inChild(body) {
  const script = `const kiln = require(${JSON.stringify(path.join(__dirname, '..'))});
    const { wat2wasm } = kiln;
    // Node frees an instance's store in a finalizer that runs after the
    // current task: collect, then yield to the event loop.
    const collect = async () => { global.gc(); await new Promise((r) => setImmediate(r)); };
    const error = (f) => { try { f(); return 'no error'; } catch (e) { return e.constructor.name + ': ' + e.message; } };
    (async () => { ${body} })().then(
      (v) => console.log(JSON.stringify(v)),
      (e) => { console.error(e); process.exit(1); });`;
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stderr, '');
  return JSON.parse(child.stdout);
}

const TENANT = `(module
  (memory (export "memory") 1)
  (table (export "table") 1 funcref)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

test('exhausting each pool is a RangeError naming its limit, and freed instances give their slots back', () => {
  const seen = inChild(`
    kiln.configureEngine({ pooling: { totalCoreInstances: 2, totalMemories: 2, totalTables: 2, maxMemorySize: ${4 * PAGE} } });
    const module = new kiln.Module(wat2wasm(${JSON.stringify(TENANT)}));
    const bare = new kiln.Module(wat2wasm('(module)'));
    let held = [new kiln.Instance(module), new kiln.Instance(module)];
    const out = [error(() => new kiln.Instance(bare))];
    held = [];
    await collect();
    held = [new kiln.Instance(module), new kiln.Memory({ initial: 1 })];
    out.push(error(() => new kiln.Memory({ initial: 1 })));
    out.push(error(() => new kiln.Table({ element: 'anyfunc', initial: 1 }) && new kiln.Table({ element: 'anyfunc', initial: 1 })));
    out.push(error(() => new kiln.Instance(new kiln.Module(wat2wasm('(module (memory 5))')))));
    out.push(held[0].exports.grow(3), held[0].exports.grow(1));
    return out;`);
  assert.deepEqual(seen, [
    'RangeError: maximum concurrent limit of 2 for core instances reached',
    'RangeError: maximum concurrent limit of 2 for memories reached',
    'RangeError: maximum concurrent limit of 2 for tables reached',
    "RangeError: memory minimum size of 5 pages exceeds the pooling allocator's limit of 4 pages (max_memory_size of 262144 bytes)",
    1,
    -1,
  ]);
});

test("a reused slot never shows the last tenant's memory", () => {
  // One memory slot, so the second tenant gets the first one's; part of it
  // stays resident and is zeroed by writing, the rest is given back.
  const seen = inChild(`
    kiln.configureEngine({ pooling: { totalMemories: 1, maxMemorySize: ${8 * PAGE}, linearMemoryKeepResident: ${PAGE + 4096} } });
    const module = new kiln.Module(wat2wasm(${JSON.stringify(TENANT)}));
    let first = new kiln.Instance(module);
    first.exports.grow(3);
    for (const address of [0, 4096, ${PAGE - 4}, ${PAGE}, ${3 * PAGE + 100}, ${4 * PAGE - 4}]) {
      first.exports.store(address, 0x5ec2e7e7);
    }
    new Uint8Array(first.exports.memory.buffer).set(Buffer.from('secret from JS'), ${2 * PAGE});
    const busy = error(() => new kiln.Instance(module));
    first = null;
    // The store goes with the instance and the buffers over its memory,
    // which may take V8 more than one collection.
    let next;
    for (let i = 0; i < 10 && !next; i++) {
      await collect();
      try { next = new kiln.Instance(module); } catch (e) { if (!(e instanceof RangeError)) throw e; }
    }
    const memory = next.exports.memory;
    const zero = (buffer) => new Uint8Array(buffer).every((b) => b === 0);
    const out = [busy, memory.buffer.byteLength, zero(memory.buffer)];
    memory.grow(3);
    out.push(memory.buffer.byteLength, zero(memory.buffer), next.exports.load(${3 * PAGE + 100}));
    return out;`);
  assert.deepEqual(seen, [
    'RangeError: maximum concurrent limit of 1 for memories reached',
    PAGE, true, 4 * PAGE, true, 0,
  ]);
});

test('a memory that moves as it grows detaches its buffer before JS runs again', () => {
  const seen = inChild(`
    kiln.configureEngine({ memoryReservation: ${2 * PAGE}, memoryReservationForGrowth: 0, memoryMayMove: true });
    let before;
    const seen = [];
    const check = () => {
      seen.push(before.byteLength, memory.buffer.byteLength, new Uint8Array(memory.buffer)[7]);
    };
    const instance = new kiln.Instance(new kiln.Module(wat2wasm(\`(module
      (import "js" "check" (func $check))
      (memory (export "memory") 1)
      (func (export "run") (param i32) (result i32)
        (memory.grow (local.get 0)) (call $check)))\`)), { js: { check } });
    const memory = instance.exports.memory;
    before = memory.buffer;
    new Uint8Array(before)[7] = 7;
    seen.push(instance.exports.run(4));
    before = memory.buffer;
    seen.push(memory.grow(1), before.byteLength, new Uint8Array(memory.buffer)[7]);
    return seen;`);
  // The buffer taken before wasm grew the memory past its reservation is
  // detached when the host function runs; the bytes moved with the memory.
  assert.deepEqual(seen, [0, 5 * PAGE, 7, 1, 5, 0, 7]);
});

test('a memory that may not move cannot grow past its reservation', () => {
  const seen = inChild(`
    kiln.configureEngine({ memoryReservation: ${2 * PAGE}n, memoryGuardSize: ${PAGE}, memoryMayMove: false });
    const memory = new kiln.Memory({ initial: 1 });
    return [memory.grow(1), error(() => memory.grow(1)), memory.buffer.byteLength];`);
  assert.deepEqual(seen, [1, 'RangeError: failed to grow memory of 2 pages by 1 pages', 2 * PAGE]);
});

test('configureEngine refuses bad settings at once, and any after the first module', () => {
  const seen = inChild(`
    return [
      error(() => kiln.configureEngine({ pooling: { maxMemorySize: ${2 ** 32 + PAGE} } })),
      error(() => kiln.configureEngine({ memoryReservation: -1 })),
      error(() => kiln.configureEngine({ memoryGuardSize: 1.5 })),
      error(() => kiln.configureEngine({ memoryReservationForGrowth: 'big' })),
      error(() => kiln.configureEngine({ memoryMayMove: 1 })),
      error(() => kiln.configureEngine({ pooling: 'yes' })),
      error(() => kiln.configureEngine({ pooling: { totalCoreInstances: 2 ** 32 } })),
      error(() => kiln.configureEngine(5)),
      error(() => kiln.configureEngine({ pooling: true })),
      new kiln.Instance(new kiln.Module(wat2wasm('(module (func (export "f") (result i32) i32.const 7))'))).exports.f(),
      error(() => kiln.configureEngine({})),
    ];`);
  assert.deepEqual(seen, [
    "RangeError: the pooling allocator's max_memory_size of 4295032832 bytes is more than the 4294967296 bytes a memory can hold",
    'RangeError: memoryReservation must be a non-negative integer',
    'RangeError: memoryGuardSize must be a non-negative integer',
    'TypeError: memoryReservationForGrowth must be a number or a bigint of bytes',
    'TypeError: memoryMayMove must be a boolean',
    "TypeError: pooling must be true, false or an object of the pooling allocator's limits",
    'RangeError: totalCoreInstances of 4294967296 is too large',
    'TypeError: configureEngine takes an object of options',
    'no error',
    7,
    'TypeError: configureEngine must be called before the first module is compiled',
  ]);
});
