'use strict';
// Store operations from inside a JS host function that wasm called: reading
// and setting fuel, limits and timeouts given to an instance made there, and
// instances made there. They use the store through the context the running
// host function lent, and must have exactly the effect they have at top level.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const kiln = require('..');

const { Module, Instance, RuntimeError, wat2wasm } = kiln;

const compile = (text) => new Module(wat2wasm(text));

/** Milliseconds `f` took to throw, after checking it threw what `check` accepts. */
function msToThrow(f, check) {
  const started = process.hrtime.bigint();
  assert.throws(f, check);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const interrupted = (e) => e instanceof RuntimeError && /interrupt/.test(e.message);
const outOfFuel = (e) => e instanceof RuntimeError && /fuel/.test(e.message);

// `run` calls the host, which sees the fuel left and sets it; a block that
// called the host has paid for itself, so nothing is charged after the call.
const REFUEL = compile(`(module
  (import "env" "host" (func $host))
  (func (export "run") call $host)
  (func (export "runThenSpin") call $host (loop $l (br $l))))`);

test('fuel set inside a host function is the fuel read inside and after it', () => {
  const seen = [];
  const instance = new Instance(REFUEL, {
    env: {
      host: () => {
        seen.push(instance.fuel);
        instance.fuel = 5000;
        seen.push(instance.fuel);
        instance.fuel = 12345n;
        seen.push(instance.fuel);
      },
    },
  }, { fuel: 1_000_000 });
  instance.exports.run();
  // `run`'s only block (`call` and `end`) cost two units before the call.
  assert.deepEqual(seen, [999_998, 5000, 12345]);
  assert.equal(instance.fuel, 12345);
});

test('fuel set inside a host function is what the wasm that called it runs on', () => {
  const instance = new Instance(REFUEL, { env: { host: () => { instance.fuel = 1000; } } }, { fuel: 1_000_000 });
  assert.throws(() => instance.exports.runThenSpin(), outOfFuel);
  assert.equal(instance.fuel, 0);
  instance.fuel = 10;
  instance.exports.run();
  assert.equal(instance.fuel, 1000);
});

// An instance whose `run` calls the host and then grows its memory, which a
// module that imports the memory (and so joins its store) may bound.
const GROWER = compile(`(module
  (import "env" "host" (func $host))
  (memory (export "mem") 1)
  (func (export "run") (result i32) call $host (memory.grow (i32.const 2)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
const IMPORTS_MEMORY = compile('(module (import "env" "m" (memory 1)))');

test('limits given to an instance made inside a host function bound the store from then on', () => {
  let inside;
  const grower = new Instance(GROWER, {
    env: {
      host: () => {
        new Instance(IMPORTS_MEMORY, { env: { m: grower.exports.mem } }, { limits: { memorySize: 2 * 65536 } });
        inside = grower.exports.grow(2);
        assert.throws(() => grower.exports.mem.grow(2), { name: 'RangeError' });
      },
    },
  });
  // Inside, after the limits were set, and in the wasm that called the host.
  assert.equal(grower.exports.run(), -1);
  assert.equal(inside, -1);
  assert.equal(grower.exports.grow(1), 1);
  assert.equal(grower.exports.grow(1), -1);
  assert.equal(grower.exports.mem.buffer.byteLength, 2 * 65536);
});

test('an instance limit set inside a host function stops the next instantiation', () => {
  const grower = new Instance(GROWER, {
    env: {
      host: () => {
        new Instance(IMPORTS_MEMORY, { env: { m: grower.exports.mem } }, { limits: { instances: 2 } });
        assert.throws(() => new Instance(IMPORTS_MEMORY, { env: { m: grower.exports.mem } }),
          { name: 'RangeError', message: "the store's limit of 2 instances is reached: it holds 2 and 1 more are needed" });
      },
    },
  });
  assert.equal(grower.exports.run(), 1);
});

test('a module instantiated inside a host function works there and afterwards, in the same store or its own', () => {
  // Joins the caller's store by importing its global, and has a memory of
  // its own, made and read while the caller's context is lent.
  const joiner = compile(`(module
    (import "env" "g" (global i32))
    (memory (export "mem") 1)
    (func (export "store") (param i32) (i32.store8 (i32.const 0) (i32.add (global.get 0) (local.get 0))))
    (func (export "load") (result i32) (i32.load8_u (i32.const 0))))`);
  const alone = compile('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))');
  const made = {};
  const caller = new Instance(compile(`(module
    (import "env" "host" (func $host))
    (global (export "g") i32 (i32.const 40))
    (func (export "run") call $host))`), {
    env: {
      host: () => {
        made.joined = new Instance(joiner, { env: { g: caller.exports.g } });
        made.joined.exports.store(2);
        made.byte = new Uint8Array(made.joined.exports.mem.buffer)[0];
        made.alone = new Instance(alone, {});
        made.sum = made.alone.exports.add(40, 2);
      },
    },
  });
  caller.exports.run();
  assert.equal(made.byte, 42);
  assert.equal(made.sum, 42);
  assert.equal(made.joined.exports.load(), 42);
  assert.equal(new Uint8Array(made.joined.exports.mem.buffer)[0], 42);
  assert.equal(made.alone.exports.add(1, 2), 3);
});

test('a metered instance made inside a host function gets the fuel it was given', () => {
  const spin = compile(`(module
    (import "env" "m" (memory 1))
    (func (export "count") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1))
    (func (export "spin") (loop $l (br $l))))`);
  let joined;
  const caller = new Instance(compile(`(module
    (import "env" "host" (func $host))
    (memory (export "mem") 1)
    (func (export "run") call $host))`), {
    env: {
      host: () => {
        joined = new Instance(spin, { env: { m: caller.exports.mem } }, { fuel: 100_000 });
        assert.equal(caller.fuel, 100_000);
        assert.throws(() => joined.exports.spin(), outOfFuel);
        assert.equal(joined.fuel, 0);
        joined.fuel = 1_000_000;
      },
    },
  }, { fuel: 1_000_000 });
  caller.exports.run();
  assert.equal(joined.fuel, 1_000_000);
  assert.equal(joined.exports.count(100), 100);
});

// A module that joins the store of the memory it imports, with a loop that
// never ends and one that does. Instances of it get fuel as well as a
// timeout, so that a timeout that failed to interrupt fails the test (out of
// fuel after a few seconds) instead of hanging it.
const SPIN = compile(`(module
  (import "env" "m" (memory 1))
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1)))`);
const FUEL = 2e9;
// `run` calls the host, then returns 7; `runThenSpin` calls the host, then
// a function that never returns.
const CALLS_HOST = compile(`(module
  (import "env" "host" (func $host))
  (memory (export "mem") 1)
  (func $spin (loop $l (br $l)))
  (func (export "run") (result i32) call $host (i32.const 7))
  (func (export "runThenSpin") call $host call $spin))`);

test('a timeout given to an instance made inside a host function interrupts its calls there and afterwards', () => {
  let joined;
  let insideMs;
  // The caller has fuel but no timeout: its own call runs without a deadline.
  const caller = new Instance(CALLS_HOST, {
    env: {
      host: () => {
        joined = new Instance(SPIN, { env: { m: caller.exports.mem } }, { timeout: 40, fuel: FUEL });
        insideMs = msToThrow(() => joined.exports.spin(), interrupted);
        // The interrupted call's deadline went with it: the next call has its own.
        assert.equal(joined.exports.count(1000), 1000);
      },
    },
  }, { fuel: FUEL });
  // The caller's call, which had no deadline, runs on after the host returns.
  assert.equal(caller.exports.run(), 7);
  assert.ok(insideMs >= 35 && insideMs < 1500, `interrupted inside after ${insideMs} ms`);
  const topMs = msToThrow(() => joined.exports.spin(), interrupted);
  assert.ok(topMs >= 35 && topMs < 1500, `interrupted at top level after ${topMs} ms`);
  assert.equal(joined.exports.count(10), 10);
});

test('a call from inside a host function stops at the outer call\'s deadline, which holds on after it', () => {
  let mode;
  let insideMs;
  const caller = new Instance(CALLS_HOST, {
    env: {
      host: () => {
        if (mode === 'spin') {
          const busyUntil = Date.now() + 50;
          while (Date.now() < busyUntil);
          insideMs = msToThrow(() => spinner.exports.spin(), interrupted);
        } else {
          assert.equal(spinner.exports.count(10), 10);
        }
      },
    },
  }, { timeout: 60, fuel: FUEL });
  const spinner = new Instance(SPIN, { env: { m: caller.exports.mem } }, { timeout: 60, fuel: FUEL });

  // A quick timed call inside puts the outer call's deadline back: the
  // function the caller enters afterwards is interrupted 60 ms after the
  // outer call began.
  mode = 'count';
  const outerMs = msToThrow(() => caller.exports.runThenSpin(), interrupted);
  assert.ok(outerMs >= 55 && outerMs < 1500, `outer call interrupted after ${outerMs} ms`);

  // A nested call that never returns, made 50 ms into the outer call, stops
  // at the outer call's deadline, which comes before its own: about 10 ms
  // later rather than 60. (The ticker's 60 ticks took `outerMs` above.)
  mode = 'spin';
  const started = process.hrtime.bigint();
  assert.equal(caller.exports.run(), 7);
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(insideMs < outerMs - 25 && totalMs >= 55 && totalMs < 1500,
    `interrupted inside after ${insideMs} ms, ${totalMs} ms in all; 60 ticks took ${outerMs} ms`);
  assert.equal(spinner.exports.count(10), 10);
});
