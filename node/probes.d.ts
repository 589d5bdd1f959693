// Types of kiln-wasm's benchmark probes (probes.js), which exist only in
// addons built with KILN_NODE_FEATURES=bench-probes; otherwise loading the
// module throws.

/** A native function that does nothing: the floor of any call into the addon. */
export function emptyNativeCall(): void;
/** Calls `fn` with no arguments `times` times from native code: the floor of any call from wasm into JS. */
export function callJsFunction(fn: () => unknown, times: number): void;
/** `(a + b) | 0` through the shared slots and native call an exported function of numbers uses, without wasm: the floor of any call from JS into wasm. */
export function addThroughSlots(a: number, b: number): number;
