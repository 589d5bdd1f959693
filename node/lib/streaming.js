'use strict';
// `WebAssembly.compileStreaming` and `instantiateStreaming`, which Node's own
// WebAssembly has (from the WebAssembly Web API): the source is a `Response`
// (Node's global one, from `fetch`) or a promise of one. A response is
// compiled only if its `Content-Type` is `application/wasm` and its status is
// ok; otherwise, as for a source that is no `Response` or a body already
// read, the promise rejects with a TypeError carrying the `code` Node gives
// it (`ERR_WEBASSEMBLY_RESPONSE`, `ERR_INVALID_ARG_TYPE`). The body is read
// whole (`arrayBuffer()`) and compiled off the main thread, as `compile` does.

/**
 * The Web API's MIME type check: `application/wasm`, ASCII letters in any
 * case, with HTTP tabs and spaces around it. (Node's own compares the exact
 * string; everything it takes is taken here too.)
 */
const WASM_MIME_TYPE = /^[\t ]*application\/wasm[\t ]*$/i;

function typeErrorWithCode(message, code) {
  const error = new TypeError(message);
  error.code = code;
  return error;
}

function describe(value) {
  if (value === null || value === undefined) return `Received ${value}`;
  if (typeof value === 'object' || typeof value === 'function') {
    const name = value.constructor && value.constructor.name;
    return name ? `Received an instance of ${name}` : 'Received an object';
  }
  return `Received type ${typeof value}`;
}

module.exports = function streaming({ compile, instantiate, checkImportObject }) {
  /** The bytes of the `Response` that `source` is or resolves to, checked as the Web API says. */
  async function responseBytes(source) {
    const response = await source;
    // Read when needed: Node makes its `fetch` globals on first use.
    const { Response } = globalThis;
    if (typeof Response !== 'function' || !(response instanceof Response)) {
      throw typeErrorWithCode(
        `The "source" argument must be an instance of Response or a Promise resolving to Response. ${describe(response)}`,
        'ERR_INVALID_ARG_TYPE',
      );
    }
    const type = response.headers.get('Content-Type');
    if (type === null || !WASM_MIME_TYPE.test(type)) {
      throw typeErrorWithCode(`WebAssembly response has unsupported MIME type '${type}'`, 'ERR_WEBASSEMBLY_RESPONSE');
    }
    if (!response.ok) {
      throw typeErrorWithCode(`WebAssembly response has status code ${response.status}`, 'ERR_WEBASSEMBLY_RESPONSE');
    }
    if (response.bodyUsed) {
      throw typeErrorWithCode('WebAssembly response body has already been used', 'ERR_WEBASSEMBLY_RESPONSE');
    }
    return response.arrayBuffer();
  }

  /** A Promise of the `Module` compiled from the response `source` (or a promise of one). */
  async function compileStreaming(source) {
    return compile(await responseBytes(source));
  }

  /** A Promise of `{ module, instance }` from the response `source` (or a promise of one). */
  async function instantiateStreaming(source, importObject = undefined, options = undefined) {
    // The import object is checked before the response is read, as WebIDL
    // converts arguments before the operation runs.
    checkImportObject(importObject);
    return instantiate(await responseBytes(source), importObject, options);
  }

  return { compileStreaming, instantiateStreaming };
};
