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
const {
  isObject, toDOMString, toEnum, toBigInt64, addressValue, readAddress, exposeInterface, makeNamespace,
} = require('./lib/webidl.js');

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
    // Both arguments are required: WebIDL counts them, not their values.
    if (arguments.length < 2) throw new TypeError('customSections needs a module and a section name');
    const handle = moduleHandle(module);
    return native.moduleCustomSections(handle, toDOMString(sectionName));
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
}

/** WebIDL's `optional object importObject`: undefined or an object, else a TypeError. */
function checkImportObject(importObject) {
  if (importObject !== undefined && !isObject(importObject)) {
    throw new TypeError('the import object must be an object');
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
  constructor(module, importObject = undefined, options = undefined) {
    if (new.target === undefined) throw new TypeError("Class constructor Instance cannot be invoked without 'new'");
    const handle = moduleHandle(module);
    checkImportObject(importObject);
    const { imports, exportNames } = moduleLinkage(module);
    if (imports.length > 0 && importObject === undefined) {
      throw new TypeError('the module has imports, so an import object is required');
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
}

/**
 * A descriptor's `initial` (required) and `maximum` members, read and
 * converted in that order as addresses of type `address` (see
 * `addressValue`): `{ initial, maximum }`, `maximum` undefined when absent.
 */
function readLimits(descriptor, address, what) {
  const initial = descriptor.initial;
  if (initial === undefined) throw new TypeError(`a ${what} descriptor needs "initial"`);
  const min = addressValue(initial, address, `a ${what}'s "initial"`);
  const maximum = descriptor.maximum;
  const max = maximum === undefined ? undefined : addressValue(maximum, address, `a ${what}'s "maximum"`);
  return { initial: min, maximum: max };
}

/**
 * Why `new Memory({ shared: true })` is refused: a shared memory's `buffer`
 * is a SharedArrayBuffer, and Node-API cannot make one over a Kiln memory.
 */
const SHARED_REFUSAL = 'shared memories cannot be made from JavaScript: their buffer is a SharedArrayBuffer, '
  + 'and Node-API cannot make one over a Kiln memory';

/**
 * A linear memory, growable in 64 KiB pages. A 64-bit one (memory64,
 * `address: "i64"`) counts its pages in BigInts.
 */
class Memory {
  /** A new memory of `descriptor.initial` pages, at most `descriptor.maximum`. */
  constructor(descriptor) {
    if (descriptor === kInternal) return;
    if (new.target === undefined) throw new TypeError("Class constructor Memory cannot be invoked without 'new'");
    if (!isObject(descriptor)) throw new TypeError('a memory descriptor must be an object');
    // The members in the order WebIDL reads a dictionary's (by name), each
    // converted as soon as it is read.
    const address = readAddress(descriptor);
    const limits = readLimits(descriptor, address, 'memory');
    if (descriptor.shared) throw new TypeError(SHARED_REFUSAL);
    native.memoryNew(this, limits.initial, limits.maximum, address === 'i64');
  }

  /**
   * The memory's bytes, in place: the same ArrayBuffer until the memory
   * grows, when it is detached and a new one covers the new size.
   */
  get buffer() {
    return native.memoryBuffer(this);
  }

  /**
   * Adds `delta` pages; returns the previous size in pages (BigInts for a
   * 64-bit memory).
   */
  grow(delta) {
    return native.memoryGrow(this, delta);
  }
}

/** The JS API's `TableKind`, with "funcref" as V8 also takes it for "anyfunc". */
const TABLE_KINDS = ['anyfunc', 'externref', 'funcref'];
/** The JS API's `ValueType`, with "funcref" as for tables. */
const VALUE_TYPES = ['i32', 'i64', 'f32', 'f64', 'v128', 'externref', 'anyfunc', 'funcref'];

/**
 * A table of function references or host values. A 64-bit one (table64,
 * `address: "i64"`) takes and gives its indices and lengths as BigInts.
 */
class Table {
  /**
   * A new table of `descriptor.element` (`"anyfunc"` or `"externref"`),
   * `descriptor.initial` elements long, each `value`.
   */
  constructor(descriptor, value = undefined) {
    if (descriptor === kInternal) return;
    if (new.target === undefined) throw new TypeError("Class constructor Table cannot be invoked without 'new'");
    if (!isObject(descriptor)) throw new TypeError('a table descriptor must be an object');
    // `element` first, then the rest by name, as the JS API reads them.
    const elementName = descriptor.element;
    if (elementName === undefined) throw new TypeError('a table descriptor needs "element"');
    const element = toEnum(elementName, TABLE_KINDS, 'a table\'s "element"');
    const address = readAddress(descriptor);
    const limits = readLimits(descriptor, address, 'table');
    // An undefined value is a missing one (WebIDL's optional arguments):
    // the addon puts the element type's default value.
    native.tableNew(this, element, limits.initial, limits.maximum, value, address === 'i64');
  }

  /** The number of elements (a BigInt for a 64-bit table). */
  get length() {
    return native.tableLength(this);
  }

  /** The element at `index`. */
  get(index) {
    return native.tableGet(this, index);
  }

  /**
   * Sets the element at `index` to `value`, or to the type's default when
   * `value` is not passed: null for funcref, undefined for externref. (An
   * explicit undefined is a value: a TypeError for funcref, as in V8.)
   */
  set(index) {
    if (arguments.length < 2) {
      native.tableSet(this, index);
    } else {
      native.tableSet(this, index, arguments[1]);
    }
  }

  /**
   * Adds `delta` elements, each `value`, or the type's default when `value`
   * is missing or undefined (WebIDL's optional argument); returns the
   * previous length.
   */
  grow(delta, value = undefined) {
    return native.tableGrow(this, delta, value);
  }
}

/** A global variable. */
class Global {
  /** A new global of type `descriptor.value`, mutable if `descriptor.mutable`. */
  constructor(descriptor, value = undefined) {
    if (descriptor === kInternal) return;
    if (new.target === undefined) throw new TypeError("Class constructor Global cannot be invoked without 'new'");
    if (!isObject(descriptor)) throw new TypeError('a global descriptor must be an object');
    // The members by name, as WebIDL reads a dictionary: `mutable`, `value`.
    const mutable = Boolean(descriptor.mutable);
    const typeName = descriptor.value;
    if (typeName === undefined) throw new TypeError('a global descriptor needs "value" (its type)');
    const type = toEnum(typeName, VALUE_TYPES, 'a global\'s "value"');
    // An undefined value is a missing one (WebIDL's optional arguments): the
    // addon puts the type's default value (undefined for externref).
    native.globalNew(this, type, mutable, value);
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
  toBigInt64,
  toAddress64: (v, what) => addressValue(v, 'i64', what),
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
function instantiate(source, importObject = undefined, options = undefined) {
  try {
    // The arguments are converted before anything is compiled, as WebIDL does.
    checkImportObject(importObject);
  } catch (error) {
    return Promise.reject(error);
  }
  if (source instanceof Module) {
    return new Promise((resolve) => resolve(new Instance(source, importObject, options)));
  }
  return compile(source).then((module) => ({ module, instance: new Instance(module, importObject, options) }));
}

const { compileStreaming, instantiateStreaming } = require('./lib/streaming.js')({
  compile,
  instantiate,
  checkImportObject,
});

/** The binary of a module written in the WebAssembly text format. */
function wat2wasm(text) {
  return native.wat2wasm(text);
}

/**
 * Keeps compiled modules in `directory` (default: $KILN_CACHE_DIR, else
 * $XDG_CACHE_HOME/kiln, else ~/.cache/kiln), so that the next process
 * loads them instead of compiling, as Node's `module.enableCompileCache`
 * does for JavaScript. Call it before the first module is compiled;
 * returns the directory. `KILN_COMPILE_CACHE=<dir>` in the environment
 * does the same when the package loads.
 */
function enableCompileCache(directory) {
  return native.enableCompileCache(directory);
}

/**
 * Sets how the engines every module is compiled with lay out memories and
 * allocate instances: `memoryReservation`, `memoryGuardSize` and
 * `memoryReservationForGrowth` (bytes, as Numbers or BigInts),
 * `memoryMayMove` (a boolean) and `pooling` (`true`, or an object of the
 * pooling allocator's limits: `totalCoreInstances`, `totalMemories`,
 * `totalTables`, `maxMemorySize`, `tableElements`,
 * `linearMemoryKeepResident`, `tableKeepResident`). Call it before the
 * first module, memory, table or global is made (else `TypeError`);
 * settings the engine refuses throw `RangeError` at once.
 */
function configureEngine(options) {
  native.configureEngine(options);
}

if (process.env.KILN_COMPILE_CACHE) {
  enableCompileCache(process.env.KILN_COMPILE_CACHE);
}

const { WASI } = require('./lib/wasi.js')({ native, Instance, Memory, WASIExit });

exposeInterface(Module, 'Module', 1);
exposeInterface(Instance, 'Instance', 1);
exposeInterface(Memory, 'Memory', 1);
exposeInterface(Table, 'Table', 1);
exposeInterface(Global, 'Global', 1);

// The `WebAssembly` namespace: the JS API's interfaces and operations, then
// what Kiln adds (WASI, `wat2wasm`), shaped the same way.
const kiln = makeNamespace('WebAssembly', {
  interfaces: {
    Module, Instance, Memory, Table, Global, CompileError, LinkError, RuntimeError, WASI, WASIExit,
  },
  operations: {
    validate, compile, instantiate, compileStreaming, instantiateStreaming, wat2wasm,
    enableCompileCache, configureEngine,
  },
});
// The namespace itself, so that `const { WebAssembly } = require('kiln-wasm')`
// works; not enumerable, like the interfaces.
Object.defineProperty(kiln, 'WebAssembly', { value: kiln, writable: true, configurable: true });

// Components (not part of the JS API): `kiln.component`.
Object.defineProperty(kiln, 'component', {
  value: Object.freeze(require('./lib/component.js')({ native, RuntimeError })),
  writable: true,
  configurable: true,
});

module.exports = kiln;
