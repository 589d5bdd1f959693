'use strict';
// Benchmark probes of kiln-wasm: the floors under the costs of calls through
// the native addon, for bench/node and the test suite. They are not part of
// the package's API (`require('kiln-wasm')` has none of them), and the addon
// has their natives only when built with the `bench-probes` cargo feature:
//
//     KILN_NODE_FEATURES=bench-probes KILN_NODE_PROFILE=dev node scripts/build.js
//
// Requiring this module from an addon built without it throws.
//
// The probes use the same addon and the same shared call slots as the
// package (lib/native.js), which index.js initialises.

require('./index.js');
const { native, numericCalls } = require('./lib/native.js');

const NAMES = ['emptyNativeCall', 'callJsFunction', 'addSlots'];
const missing = NAMES.filter((name) => typeof native[name] !== 'function');
if (missing.length > 0 || typeof numericCalls.addThroughSlots !== 'function') {
  throw new Error(
    'kiln-wasm: the benchmark probes are not in this build of the native addon ' +
      `(it lacks ${missing.join(', ') || 'addThroughSlots'}); rebuild it with ` +
      'KILN_NODE_FEATURES=bench-probes (for instance ' +
      '`KILN_NODE_FEATURES=bench-probes KILN_NODE_PROFILE=dev node scripts/build.js` in node/)',
  );
}

module.exports = {
  /** A native function that does nothing: the floor of any call into the addon. */
  emptyNativeCall: native.emptyNativeCall,
  /**
   * `callJsFunction(fn, times)` calls `fn` with no arguments `times` times
   * from native code, each call in its own handle scope: the floor under any
   * call from wasm into JS.
   */
  callJsFunction: native.callJsFunction,
  /**
   * `addThroughSlots(a, b)` returns `(a + b) | 0` through the same JS
   * function, shared slots and native call as an exported wasm function of
   * numbers, without wasm: the floor under any call from JS into wasm.
   */
  addThroughSlots: numericCalls.addThroughSlots,
};
