'use strict';
// The `WASI` class: the shape of `node:wasi`, backed by Kiln's sandboxed
// WASI preview1. The import object holds placeholders; an instance that
// imports them gets Kiln's implementation, with this configuration.

module.exports = function makeWasi({ native, Instance, Memory, WASIExit }) {
  function stringArray(value, what) {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new TypeError(`WASI "${what}" must be an array of strings`);
    return value.map(String);
  }

  function stringPairs(value, what) {
    if (value === undefined) return [];
    if (typeof value !== 'object' || value === null) throw new TypeError(`WASI "${what}" must be an object`);
    return Object.entries(value).flatMap(([k, v]) => [String(k), String(v)]);
  }

  function fd(value, fallback, what) {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
      throw new TypeError(`WASI "${what}" must be a file descriptor`);
    }
    return value;
  }

  class WASI {
    #imports;
    #returnOnExit;
    #started = false;

    /**
     * `options`: `version` (`"preview1"`), `args` (strings), `env` (an object
     * of strings), `preopens` (guest path → host directory), `stdin`,
     * `stdout`, `stderr` (file descriptors, default 0, 1, 2), `returnOnExit`
     * (default true: `start` returns the exit code instead of exiting).
     */
    constructor(options = {}) {
      if (typeof options !== 'object' || options === null) throw new TypeError('WASI options must be an object');
      if (options.version !== undefined && options.version !== 'preview1') {
        throw new TypeError(`WASI version "${options.version}" is not supported; use "preview1"`);
      }
      const namespace = native.wasiImportObject(
        stringArray(options.args, 'args'),
        stringPairs(options.env, 'env'),
        stringPairs(options.preopens, 'preopens'),
        [fd(options.stdin, 0, 'stdin'), fd(options.stdout, 1, 'stdout'), fd(options.stderr, 2, 'stderr')],
      );
      this.#imports = Object.freeze({ wasi_snapshot_preview1: namespace });
      this.#returnOnExit = options.returnOnExit === undefined ? true : Boolean(options.returnOnExit);
    }

    /** The `wasi_snapshot_preview1` functions. */
    get wasiImport() {
      return this.#imports.wasi_snapshot_preview1;
    }

    /** `{ wasi_snapshot_preview1: ... }`, to pass (or merge) as imports. */
    getImportObject() {
      return this.#imports;
    }

    #begin(instance, entry) {
      if (!(instance instanceof Instance)) throw new TypeError('expected a WebAssembly.Instance of kiln-wasm');
      if (this.#started) throw new Error('this WASI object has already started an instance');
      const { exports } = instance;
      if (!(exports.memory instanceof Memory)) throw new TypeError('a WASI instance must export its memory as "memory"');
      this.#started = true;
      return exports[entry];
    }

    #run(fn) {
      try {
        fn();
        return 0;
      } catch (error) {
        if (error instanceof WASIExit) {
          if (this.#returnOnExit) return error.code;
          process.exit(error.code);
        }
        throw error;
      }
    }

    /** Runs a command's `_start`; returns its exit code. */
    start(instance) {
      const start = this.#begin(instance, '_start');
      if (typeof start !== 'function') throw new TypeError('a WASI command must export "_start"');
      if (instance.exports._initialize !== undefined) throw new TypeError('a WASI command must not export "_initialize"');
      return this.#run(start);
    }

    /** Runs a reactor's `_initialize`, if it has one. */
    initialize(instance) {
      const init = this.#begin(instance, '_initialize');
      if (instance.exports._start !== undefined) throw new TypeError('a WASI reactor must not export "_start"');
      if (init === undefined) return undefined;
      if (typeof init !== 'function') throw new TypeError('"_initialize" must be a function');
      this.#run(init);
      return undefined;
    }
  }

  return { WASI };
};
