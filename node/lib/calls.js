'use strict';
// Exported wasm functions whose parameters and results are all numbers are
// JS functions made here rather than native functions: each converts its
// arguments as the JS API says, writes them into a buffer shared with the
// addon, and calls the addon's `invokeNumeric` with no arguments. The addon
// reads the slots, calls wasm, and writes the results back. Reading and
// writing typed arrays is compiled inline by V8, while each argument or
// result passed through Node-API costs a call into the engine, so this path
// is several times cheaper than a native function that takes arguments.
//
// The buffer holds SLOTS value slots of 16 bytes (Kiln's raw value form; an
// i32 or f32 in the low 4 bytes, an i64 or f64 in the low 8), then the id the
// addon gave the function, which tells it what to call.

const SLOTS = 8;
const SLOT_BYTES = 16;
const ID_OFFSET = SLOTS * SLOT_BYTES;

/** Makes the factory for exported numeric functions; `invoke` is the addon's `invokeNumeric`. */
module.exports = function numericCalls(invoke) {
  const buffer = new ArrayBuffer(ID_OFFSET + 8);
  const views = {
    I32: new Int32Array(buffer),
    F32: new Float32Array(buffer),
    F64: new Float64Array(buffer),
    I64: new BigInt64Array(buffer),
  };
  const idIndex = ID_OFFSET / 4;

  // Per value type: the conversion the JS API's ToWebAssemblyValue performs,
  // and the view and element index of slot `k`. Every conversion runs before
  // any slot is written: a `valueOf` may itself call wasm, which reuses the
  // slots.
  const kinds = {
    i: { convert: (v) => `${v} | 0`, view: 'I32', index: (k) => k * 4 },
    I: { convert: (v) => `BigInt.asIntN(64, ${v})`, view: 'I64', index: (k) => k * 2 },
    f: { convert: (v) => `Math.fround(${v})`, view: 'F32', index: (k) => k * 4 },
    F: { convert: (v) => `+${v}`, view: 'F64', index: (k) => k * 2 },
  };
  const slot = (code, k) => `${kinds[code].view}[${kinds[code].index(k)}]`;

  // One factory per signature, compiled once: "iI:F" takes an i32 and an i64
  // and returns an f64.
  const factories = new Map();
  function factory(signature) {
    const [params, results] = signature.split(':');
    const names = [...params].map((_, k) => `p${k}`);
    const body = [];
    [...params].forEach((code, k) => body.push(`const a${k} = ${kinds[code].convert(names[k])};`));
    [...params].forEach((code, k) => body.push(`${slot(code, k)} = a${k};`));
    body.push(`I32[${idIndex}] = id;`, 'invoke();');
    if (results.length === 1) {
      body.push(`return ${slot(results, 0)};`);
    } else if (results.length > 1) {
      body.push(`return [${[...results].map((code, k) => slot(code, k)).join(', ')}];`);
    }
    // A method is not a constructor and has no prototype, as exported
    // functions are; its name is the computed key and its length the
    // parameter count.
    const source = `'use strict';
return (id, name) => ({ [name](${names.join(', ')}) {
  ${body.join('\n  ')}
} })[name];`;
    return new Function('invoke', 'I32', 'F32', 'F64', 'I64', source)(
      invoke, views.I32, views.F32, views.F64, views.I64,
    );
  }

  /** The JS function for exported function `id` of type `signature`, named `name`. */
  function makeNumericExport(signature, id, name) {
    let make = factories.get(signature);
    if (make === undefined) {
      make = factory(signature);
      factories.set(signature, make);
    }
    return make(id, name);
  }

  return { buffer, makeNumericExport };
};
