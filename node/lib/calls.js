'use strict';
// Calls of functions whose parameters and results are all numbers pass their
// values through a buffer shared with the addon instead of through Node-API,
// where each argument or result costs a call into V8; typed-array reads and
// writes are compiled inline.
//
// - An exported wasm function of numbers is a JS function made here: it
//   converts its arguments as the JS API says, writes them into the slots,
//   and calls the addon's `invokeNumeric` with no arguments, which calls wasm
//   and writes the results back.
// - A JS function imported with a type of numbers is called through a
//   trampoline made here: the addon writes the arguments into the slots and
//   calls the trampoline, which calls the import and writes its converted
//   results back.
//
// The buffer holds value slots of 16 bytes (Kiln's raw value form; an i32 or
// f32 in the low 4 bytes, an i64 or f64 in the low 8), as many as the addon
// says a raw call passes each way (its `numericSlots`, the engine's
// `RawFunc::MAX_VALUES`), then the id the addon gave the function, which
// tells it what to call. The addon checks the buffer's size when it takes it.

const SLOT_BYTES = 16;

// Taken now, so that code replacing these globals later cannot change how
// values convert.
const { asIntN } = BigInt;
const { fround } = Math;
const { iterator } = Symbol;
const { defineProperty } = Object;
const { apply } = Reflect;

/**
 * The `count` results a host function returned, as the JS API takes them:
 * `ret` must have an @@iterator method, whose iterator gives exactly that
 * many values. The iterator protocol runs as the spec's
 * `IteratorToList(GetIteratorFromMethod(ret, method))` does: @@iterator read
 * once and called, `next` read once, then called, with `done` and `value`
 * read from each result in turn. Every host function with several results
 * goes through here, whatever its types.
 */
function hostResults(ret, count) {
  // GetMethod(ret, @@iterator): a primitive is read through its wrapper
  // (a string is iterable), undefined and null have no methods.
  const method = ret === undefined || ret === null ? undefined : ret[iterator];
  if (typeof method !== 'function') {
    throw new TypeError(`a host function with ${count} results must return an iterable`);
  }
  const iter = apply(method, ret, []);
  if ((typeof iter !== 'object' || iter === null) && typeof iter !== 'function') {
    throw new TypeError('the @@iterator method of a host function\'s results returned a non-object');
  }
  const next = iter.next;
  const values = [];
  for (;;) {
    const step = apply(next, iter, []);
    if ((typeof step !== 'object' || step === null) && typeof step !== 'function') {
      throw new TypeError(`an iterator result must be an object, not ${typeof step}`);
    }
    if (step.done) break;
    values[values.length] = step.value;
  }
  if (values.length !== count) {
    throw new TypeError(`a host function with ${count} results returned ${values.length} values`);
  }
  return values;
}

/**
 * Makes the shared buffer, of `slots` slots (the addon's `numericSlots`),
 * and the makers of exported functions and import trampolines of numbers,
 * and hands on `hostResults`; `invoke` is the addon's `invokeNumeric`, and
 * `addSlots` its benchmark probe (see `addThroughSlots` below), undefined
 * unless the addon was built with the `bench-probes` feature.
 */
module.exports = function numericCalls(slots, invoke, addSlots) {
  const idOffset = slots * SLOT_BYTES;
  const buffer = new ArrayBuffer(idOffset + 8);
  const views = {
    I32: new Int32Array(buffer),
    F32: new Float32Array(buffer),
    F64: new Float64Array(buffer),
    I64: new BigInt64Array(buffer),
  };
  const idIndex = idOffset / 4;

  // Per value type: the conversion the JS API's ToWebAssemblyValue performs,
  // and the view and element index of slot `k`. Every conversion runs before
  // any slot is written: a `valueOf` may itself call wasm, which reuses the
  // slots.
  const kinds = {
    i: { convert: (v) => `${v} | 0`, view: 'I32', index: (k) => k * 4 },
    I: { convert: (v) => `asIntN(64, ${v})`, view: 'I64', index: (k) => k * 2 },
    f: { convert: (v) => `fround(${v})`, view: 'F32', index: (k) => k * 4 },
    F: { convert: (v) => `+${v}`, view: 'F64', index: (k) => k * 2 },
  };
  const slot = (code, k) => `${kinds[code].view}[${kinds[code].index(k)}]`;

  // One factory per signature, compiled once: "iI:F" takes an i32 and an i64
  // and returns an f64. `call` is the native function it calls.
  const factories = new Map();
  function factory(signature, call = invoke) {
    const [params, results] = signature.split(':');
    const names = [...params].map((_, k) => `p${k}`);
    const body = [];
    [...params].forEach((code, k) => body.push(`const a${k} = ${kinds[code].convert(names[k])};`));
    [...params].forEach((code, k) => body.push(`${slot(code, k)} = a${k};`));
    // `keep` is the store's keepalive array (see src/store.rs): naming it
    // here keeps it in the closure's context for as long as the function lives.
    body.push(`I32[${idIndex}] = id;`, 'invoke(); void keep;');
    if (results.length === 1) {
      body.push(`return ${slot(results, 0)};`);
    } else if (results.length > 1) {
      body.push(`return [${[...results].map((code, k) => slot(code, k)).join(', ')}];`);
    }
    // An arrow function is not a constructor and has no prototype, as
    // exported functions are, and its length is the parameter count. The
    // name is set afterwards: naming it through a computed key in an object
    // literal cost three times as much, which showed at instantiation.
    const source = `'use strict';
return (id, index, keep) => {
  const f = (${names.join(', ')}) => {
    ${body.join('\n    ')}
  };
  defineProperty(f, 'name', { value: '' + index });
  return f;
};`;
    return new Function('invoke', 'I32', 'F32', 'F64', 'I64', 'asIntN', 'fround', 'defineProperty', source)(
      call, views.I32, views.F32, views.F64, views.I64, asIntN, fround, defineProperty,
    );
  }

  // One trampoline factory per signature, as for exports.
  const importFactories = new Map();
  function importFactory(signature) {
    const [params, results] = signature.split(':');
    const args = [...params].map((code, k) => slot(code, k));
    const body = [`const r = fn(${args.join(', ')});`];
    if (results.length === 1) {
      body.push(`${slot(results, 0)} = r;`);
    } else if (results.length > 1) {
      // Every value is converted before any is stored: a conversion may
      // call wasm, which reuses the slots.
      body.push(`const values = hostResults(r, ${results.length});`);
      [...results].forEach((code, k) => body.push(`const v${k} = ${kinds[code].convert(`values[${k}]`)};`));
      [...results].forEach((code, k) => body.push(`${slot(code, k)} = v${k};`));
    }
    const source = `'use strict';
return (fn) => () => {
  ${body.join('\n  ')}
};`;
    return new Function('I32', 'F32', 'F64', 'I64', 'asIntN', 'fround', 'hostResults', source)(
      views.I32, views.F32, views.F64, views.I64, asIntN, fround, hostResults,
    );
  }

  /** The factory for `signature` in `cache`, built by `build` on first use. */
  function cached(cache, build, signature) {
    let make = cache.get(signature);
    if (make === undefined) {
      make = build(signature);
      cache.set(signature, make);
    }
    return make;
  }

  /** The trampoline through which the addon calls `fn`, imported with type `signature`. */
  function makeNumericImport(signature, fn) {
    return cached(importFactories, importFactory, signature)(fn);
  }

  /**
   * The JS function for exported function `id` of type `signature`, named
   * after `index` (its index in its module, as the JS API says), holding
   * `keep` (its store's keepalive array).
   */
  function makeNumericExport(signature, id, index, keep) {
    return cached(factories, factory, signature)(id, index, keep);
  }

  // The floor under every JS->wasm call through the slots, for benchmarks
  // (`probes.js`): a function of (i32, i32) -> i32 made exactly as an
  // exported one is, whose native call only adds the two slots. What a real
  // call costs beyond it is finding the function, holding the store and
  // entering wasm. Only addons built with the `bench-probes` feature have
  // `addSlots`.
  const addThroughSlots = typeof addSlots === 'function' ? factory('ii:i', addSlots)(0, 0, null) : undefined;

  return { buffer, makeNumericExport, makeNumericImport, hostResults, addThroughSlots };
};
