'use strict';
// kiln-wasm: the WebAssembly JavaScript API on Kiln, plus what V8's engine
// lacks: fuel and timeouts that stop runaway guests, sandboxed WASI, and
// serialized modules. Code written for `WebAssembly` runs on Kiln by taking
// the namespace from this package instead:
//
//     const { WebAssembly } = require('kiln-wasm');
//
// The classes here are thin: modules, instances and exported functions are
// native (see src/), apart from exported functions of numbers, which
// lib/calls.js makes so that calls skip Node-API's per-argument cost; each JS
// `Memory`, `Table` and `Global` carries its native half, attached by the addon.
// The benchmark probes are not part of the package: see probes.js.

const { native, numericCalls } = require('./lib/native.js');

/** Passed to a constructor, it makes an empty object the addon fills in. */
const kInternal = Object.freeze({ kilnInternal: true });
/** The property through which objects keep their store's host functions alive. */
const kKeepalive = Symbol('kiln.keepalive');

/** The bytes are not a valid WebAssembly module. */
class CompileError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'CompileError';
  }
}

/** The imports do not match what the module requires. */
class LinkError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'LinkError';
  }
}

/** WebAssembly trapped (or ran out of fuel or time). */
class RuntimeError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'RuntimeError';
  }
}

function isObject(v) {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

/** A WASI program called `proc_exit`: `code` is its exit status. */
class WASIExit extends Error {
  constructor(code) {
    super(`exited with code ${code}`);
    this.name = 'WASIExit';
    this.code = code;
  }
}

let moduleHandle;
let moduleFromHandle;
let moduleLinkage;

/** A compiled WebAssembly module. */
class Module {
  #handle;
  /** `{ imports, exportNames }`, read once: every instantiation needs them. */
  #linkage;

  /** Compiles `bytes` (an ArrayBuffer or a typed array) synchronously. */
  constructor(bytes) {
    if (bytes === kInternal) return;
    if (new.target === undefined) throw new TypeError("Class constructor Module cannot be invoked without 'new'");
    this.#handle = native.moduleNew(bytes);
  }

  static {
    moduleHandle = (module) => {
      if (!(module instanceof Module)) throw new TypeError('expected a WebAssembly.Module');
      return module.#handle;
    };
    moduleLinkage = (module) => {
      const handle = moduleHandle(module);
      module.#linkage ??= {
        imports: native.moduleImports(handle),
        exportNames: native.moduleExports(handle).map((e) => e.name),
      };
      return module.#linkage;
    };
    moduleFromHandle = (handle) => {
      const module = new Module(kInternal);
      module.#handle = handle;
      return module;
    };
  }

  /** The module's exports: `[{ name, kind }]`, in order. */
  static exports(module) {
    return native.moduleExports(moduleHandle(module));
  }

  /** The module's imports: `[{ module, name, kind }]`, in order. */
  static imports(module) {
    return native.moduleImports(moduleHandle(module));
  }

  /** The contents of the custom sections called `sectionName`, as ArrayBuffers. */
  static customSections(module, sectionName) {
    if (sectionName === undefined) throw new TypeError('customSections needs a section name');
    return native.moduleCustomSections(moduleHandle(module), String(sectionName));
  }

  /**
   * The compiled module as bytes that `Module.deserialize` loads without
   * compiling again (in this version of kiln-wasm, on this kind of machine).
   */
  serialize() {
    return native.moduleSerialize(moduleHandle(this));
  }

  /**
   * A module from `serialize`'s bytes. The bytes hold machine code that runs
   * as is: load only bytes your own program serialized, never untrusted ones.
   */
  static deserialize(bytes) {
    return moduleFromHandle(native.moduleDeserialize(bytes));
  }

  get [Symbol.toStringTag]() {
    return 'WebAssembly.Module';
  }
}

/** An instantiated module. */
class Instance {
  #handle;
  #exports;

  /**
   * Instantiates `module` with the imports in `importObject`. `options` may
   * give `fuel` (a budget of wasm instructions, roughly) and `timeout` (the
   * most milliseconds any one call from JS may run): past either, the call
   * throws a `RuntimeError`. `options.limits` (`memorySize`, `tableElements`,
   * `instances`, `tables`, `memories`) bounds what the instance's store may
   * hold; past a bound, growing fails.
   */
  constructor(module, importObject, options) {
    if (new.target === undefined) throw new TypeError("Class constructor Instance cannot be invoked without 'new'");
    const handle = moduleHandle(module);
    const { imports, exportNames } = moduleLinkage(module);
    if (imports.length > 0 && !isObject(importObject)) {
      throw new TypeError('the module has imports, so an import object is required');
    }
    if (importObject !== undefined && !isObject(importObject)) {
      throw new TypeError('the import object must be an object');
    }
    const values = imports.map(({ module: namespace, name }) => {
      const ns = importObject[namespace];
      if (!isObject(ns)) {
        throw new TypeError(`the import object has no object for module "${namespace}" (needed by import "${name}")`);
      }
      return ns[name];
    });
    if (options !== undefined && !isObject(options)) {
      throw new TypeError('the instance options must be an object');
    }
    // [the instance's handle, then each export's object, in export order]
    const result = native.instantiate(handle, values, options);
    const exports = Object.create(null);
    for (let i = 0; i < exportNames.length; i++) {
      exports[exportNames[i]] = result[i + 1];
    }
    this.#handle = result[0];
    this.#exports = Object.freeze(exports);
  }

  /** The exports, by name (a frozen object with a null prototype). */
  get exports() {
    return this.#exports;
  }

  /**
   * The fuel left to an instance made with `fuel` or `timeout` (shared by
   * every instance linked with it), or `undefined`. Setting it refills it.
   */
  get fuel() {
    return native.instanceFuel(this.#handle);
  }

  set fuel(value) {
    native.instanceSetFuel(this.#handle, value);
  }

  get [Symbol.toStringTag]() {
    return 'WebAssembly.Instance';
  }
}

/** A linear memory, growable in 64 KiB pages. */
class Memory {
  /** A new memory of `descriptor.initial` pages, at most `descriptor.maximum`. */
  constructor(descriptor) {
    if (descriptor === kInternal) return;
    if (new.target === undefined) throw new TypeError("Class constructor Memory cannot be invoked without 'new'");
    if (!isObject(descriptor)) throw new TypeError('a memory descriptor must be an object');
    if (descriptor.shared) throw new TypeError('shared memories are not supported');
    const initial = descriptor.initial !== undefined ? descriptor.initial : descriptor.minimum;
    if (initial === undefined) throw new TypeError('a memory descriptor needs "initial"');
    native.memoryNew(this, initial, descriptor.maximum);
  }

  /**
   * The memory's bytes, in place: the same ArrayBuffer until the memory
   * grows, when it is detached and a new one covers the new size.
   */
  get buffer() {
    return native.memoryBuffer(this);
  }

  /** Adds `delta` pages; returns the previous size in pages. */
  grow(delta) {
    return native.memoryGrow(this, delta);
  }

  get [Symbol.toStringTag]() {
    return 'WebAssembly.Memory';
  }
}

/** A table of function references or host values. */
class Table {
  /**
   * A new table of `descriptor.element` (`"anyfunc"` or `"externref"`),
   * `descriptor.initial` elements long, each `value`.
   */
  constructor(descriptor, value) {
    if (descriptor === kInternal) return;
    if (new.target === undefined) throw new TypeError("Class constructor Table cannot be invoked without 'new'");
    if (!isObject(descriptor)) throw new TypeError('a table descriptor must be an object');
    const initial = descriptor.initial !== undefined ? descriptor.initial : descriptor.minimum;
    if (initial === undefined) throw new TypeError('a table descriptor needs "initial"');
    if (descriptor.element === undefined) throw new TypeError('a table descriptor needs "element"');
    const element = String(descriptor.element);
    if (arguments.length < 2) {
      native.tableNew(this, element, initial, descriptor.maximum);
    } else {
      native.tableNew(this, element, initial, descriptor.maximum, value);
    }
  }

  /** The number of elements. */
  get length() {
    return native.tableLength(this);
  }

  /** The element at `index`. */
  get(index) {
    return native.tableGet(this, index);
  }

  /** Sets the element at `index` (to the type's default when `value` is missing). */
  set(index, value) {
    if (arguments.length < 2) return native.tableSet(this, index);
    return native.tableSet(this, index, value);
  }

  /** Adds `delta` elements, each `value`; returns the previous length. */
  grow(delta, value) {
    if (arguments.length < 2) return native.tableGrow(this, delta);
    return native.tableGrow(this, delta, value);
  }

  get [Symbol.toStringTag]() {
    return 'WebAssembly.Table';
  }
}

/** A global variable. */
class Global {
  /** A new global of type `descriptor.value`, mutable if `descriptor.mutable`. */
  constructor(descriptor, value) {
    if (descriptor === kInternal) return;
    if (new.target === undefined) throw new TypeError("Class constructor Global cannot be invoked without 'new'");
    if (!isObject(descriptor)) throw new TypeError('a global descriptor must be an object');
    if (descriptor.value === undefined) throw new TypeError('a global descriptor needs "value" (its type)');
    const type = String(descriptor.value);
    if (arguments.length < 2 || value === undefined) {
      native.globalNew(this, type, Boolean(descriptor.mutable));
    } else {
      native.globalNew(this, type, Boolean(descriptor.mutable), value);
    }
  }

  /** The current value (i64 as BigInt). Setting it fails if the global is immutable. */
  get value() {
    return native.globalGet(this);
  }

  set value(v) {
    native.globalSet(this, v);
  }

  valueOf() {
    return native.globalGet(this);
  }

  get [Symbol.toStringTag]() {
    return 'WebAssembly.Global';
  }
}

native.init({
  CompileError,
  LinkError,
  RuntimeError,
  Memory,
  Table,
  Global,
  WASIExit,
  internal: kInternal,
  keepalive: kKeepalive,
  makeNumericExport: numericCalls.makeNumericExport,
  makeNumericImport: numericCalls.makeNumericImport,
  hostResults: numericCalls.hostResults,
  numericBuffer: numericCalls.buffer,
});

/** Whether `bytes` are a valid module. */
function validate(bytes) {
  return native.validate(bytes);
}

/** Compiles `bytes` off the main thread; a Promise of a `Module`. */
function compile(bytes) {
  try {
    return native.moduleCompile(bytes).then(moduleFromHandle);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * `instantiate(bytes, importObject, options)`: a Promise of `{ module, instance }`.
 * `instantiate(module, importObject, options)`: a Promise of the `Instance`.
 */
function instantiate(source, importObject, options) {
  if (source instanceof Module) {
    return new Promise((resolve) => resolve(new Instance(source, importObject, options)));
  }
  return compile(source).then((module) => ({ module, instance: new Instance(module, importObject, options) }));
}

/** The binary of a module written in the WebAssembly text format. */
function wat2wasm(text) {
  return native.wat2wasm(text);
}

const { WASI } = require('./lib/wasi.js')({ native, Instance, Memory, WASIExit });

const kiln = {
  Module,
  Instance,
  Memory,
  Table,
  Global,
  validate,
  compile,
  instantiate,
  CompileError,
  LinkError,
  RuntimeError,
  WASI,
  WASIExit,
  wat2wasm,
};
/** The namespace itself, so that `const { WebAssembly } = require('kiln-wasm')` works. */
kiln.WebAssembly = kiln;

module.exports = kiln;
