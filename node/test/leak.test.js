'use strict';
// Instances, memories and host-function wrappers must be freed once JS drops
// them: 300,000 cycles of instantiate/call/drop on one compiled module must
// grow the resident set by less than 16 bytes a cycle (a leaked instance,
// store or wrapper is far larger; V8's and the allocator's drift is a fixed
// megabyte or so, a few bytes a cycle). Needs `node --expose-gc`.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { W, wat2wasm } = require('./impl.js');

const WARM_UP_CYCLES = 10_000;
const MEASURED_CYCLES = 290_000;
const GC_EVERY = 1_000;
const MAX_GROWTH_BYTES = 16 * MEASURED_CYCLES;

const MODULE = `(module
  (import "env" "tick" (func $tick (param i32) (result i32)))
  (memory (export "mem") 1)
  (func (export "run") (param i32) (result i32)
    (i32.store (i32.const 8) (call $tick (local.get 0)))
    (i32.load (i32.const 8))))`;

test('300,000 instantiate/call/drop cycles grow RSS by less than 16 bytes a cycle', async () => {
  assert.equal(typeof global.gc, 'function', 'global.gc is missing: run the tests with node --expose-gc');
  const module = await W.compile(await wat2wasm(MODULE));
  let ticks = 0;
  const imports = { env: { tick: (x) => { ticks += 1; return x + 1; } } };

  // Node runs native finalizers (which free Kiln's stores) after the
  // current task, so the loop yields to the event loop after each collection,
  // as any long-running program does.
  const collect = async () => {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  };

  async function cycles(count, first) {
    for (let i = first; i < first + count; i++) {
      const instance = new W.Instance(module, imports);
      const result = instance.exports.run(i);
      if (result !== ((i + 1) | 0)) assert.fail(`cycle ${i}: run(${i}) returned ${result}`);
      if ((i + 1) % GC_EVERY === 0) await collect();
    }
  }

  await cycles(WARM_UP_CYCLES, 0);
  await collect();
  const rssAfterWarmUp = process.memoryUsage().rss;
  await cycles(MEASURED_CYCLES, WARM_UP_CYCLES);
  await collect();
  const rssAtEnd = process.memoryUsage().rss;

  const growth = rssAtEnd - rssAfterWarmUp;
  const mib = (bytes) => (bytes / (1024 * 1024)).toFixed(1);
  console.log(`RSS after ${WARM_UP_CYCLES} warm-up cycles: ${mib(rssAfterWarmUp)} MiB; ` +
    `after ${WARM_UP_CYCLES + MEASURED_CYCLES} cycles: ${mib(rssAtEnd)} MiB; growth ${mib(growth)} MiB`);
  assert.equal(ticks, WARM_UP_CYCLES + MEASURED_CYCLES);
  assert.ok(growth < MAX_GROWTH_BYTES,
    `RSS grew by ${mib(growth)} MiB (from ${mib(rssAfterWarmUp)} to ${mib(rssAtEnd)} MiB), limit ${mib(MAX_GROWTH_BYTES)} MiB`);
});
