'use strict';
// kiln.component: WebAssembly components. The classes are thin wrappers of
// the addon's handles (src/component/). `ComponentFunc.call` is the dynamic
// path: JS values converted by the function's types in the addon. `flat` is
// the typed path the glue `kiln bindgen --lang ts` generates uses: a call in
// steps over flat core values in shared slots and the guest's memory, which
// the glue reads and writes itself.

module.exports = function makeComponent({ native, RuntimeError }) {
  const kHandle = Symbol('kiln.component.handle');
  /** Passed to `Component`'s constructor by `compile`, which sets the handle. */
  const kCompiled = Symbol('kiln.component.compiled');

  /** A compiled component. */
  class Component {
    /** Compiles `bytes` (a BufferSource, or the text format as a string). */
    constructor(bytes) {
      this[kHandle] = bytes === kCompiled ? undefined : native.componentNew(bytes);
    }

    /** Compiles `bytes` off the JS thread: a Promise of the component. */
    static async compile(bytes) {
      const handle = await native.componentCompile(bytes);
      const c = new Component(kCompiled);
      c[kHandle] = handle;
      return c;
    }

    /** The component's imports, as `[name, kind]` pairs. */
    imports() {
      return native.componentImports(this[kHandle]);
    }

    /** The component's exports, as `[name, kind]` pairs. */
    exports() {
      return native.componentExports(this[kHandle]);
    }
  }

  /** A type of resource: a guest's (from `ComponentInstance.getResource`) or the host's. */
  class ResourceType {
    constructor(handle) {
      this[kHandle] = handle;
    }

    /** A handle to the host resource `rep` of this (host) type. */
    host(rep, own = true) {
      return native.resourceHost(this[kHandle], rep, own);
    }
  }

  /** A handle to a resource, owned or borrowed. */
  class Resource {
    constructor(handle) {
      this.handle = handle;
      const [owned, rep] = native.resourceInfo(handle);
      /** Whether the handle is owned (dropping it runs the destructor). */
      this.owned = owned;
      /** A host resource's representation (`undefined` for a guest's). */
      this.rep = rep;
    }

    /** Drops the handle; a second drop throws `TypeError`. */
    drop() {
      native.resourceDrop(this.handle);
    }

    [Symbol.dispose]() {
      this.drop();
    }
  }

  /** The definitions of an instance of a `Linker` (the root, or a named instance). */
  class LinkerInstance {
    constructor(linker, path) {
      this.linker = linker;
      this.path = path;
    }

    /** The instance `name` inside this one (defined, empty, if it was not). */
    instance(name) {
      const path = [...this.path, String(name)];
      native.linkerInstance(this.linker[kHandle], path);
      return new LinkerInstance(this.linker, path);
    }

    /** Defines the function `name` of the dynamic path: `fn(...args)` returns the result. */
    func(name, fn) {
      native.linkerFunc(this.linker[kHandle], this.path, String(name), fn);
      return this;
    }

    /** Defines the function `name` of the typed path (see `flat`). */
    funcFlat(name, fn) {
      native.linkerFuncFlat(this.linker[kHandle], this.path, String(name), fn);
      return this;
    }

    /**
     * Defines the host resource type `name`; `dtor(rep)` runs when an owned
     * handle to one is dropped. Returns the type.
     */
    resource(name, dtor) {
      const key = nextResourceKey++;
      return new ResourceType(native.linkerResource(this.linker[kHandle], this.path, String(name), key, dtor));
    }
  }
  // Keys of host resource types: each `resource` call makes a new type.
  // Keys above 2^50 stay clear of the C API's, which are addresses.
  let nextResourceKey = 2 ** 50;

  /** Host definitions that components import, by name. */
  class Linker {
    constructor() {
      this[kHandle] = native.linkerNew();
    }

    /** The root instance: the component's top-level imports. */
    root() {
      return new LinkerInstance(this, []);
    }

    /** The imported instance `name` (`kiln:corpus/list-host`, say). */
    instance(name) {
      return this.root().instance(name);
    }

    /** Defines every import of `component` not defined yet as a function that traps. */
    defineUnknownImportsAsTraps(component) {
      native.linkerUnknownTraps(this[kHandle], component[kHandle]);
    }

    /** Instantiates `component` in a store of its own. */
    instantiate(component) {
      return new ComponentInstance(native.linkerInstantiate(this[kHandle], component[kHandle]));
    }
  }

  /** An instance of a component. */
  class ComponentInstance {
    constructor(handle) {
      this[kHandle] = handle;
    }

    /**
     * The exported function `name` (`"f"`, `"interface#f"` or
     * `["interface", "f"]`), or `undefined`.
     */
    getFunc(name) {
      const handle = native.instanceGetFunc(this[kHandle], name);
      return handle === undefined ? undefined : new ComponentFunc(handle);
    }

    /** The exported resource type `name`, or `undefined`. */
    getResource(name) {
      const handle = native.instanceGetResource(this[kHandle], name);
      return handle === undefined ? undefined : new ResourceType(handle);
    }
  }

  /** An exported function. */
  class ComponentFunc {
    constructor(handle) {
      this.handle = handle;
    }

    /** Calls the function with JS values (the dynamic path); returns its result. */
    call(...args) {
      return native.funcCall(this.handle, args);
    }
  }

  // The typed path. The slots are 8 bytes each; a slot's i32 and f32 are in
  // its low 4 bytes (index 2 * slot of the 32-bit views).
  const slotBuffer = new ArrayBuffer(32 * 8);
  native.flatSlots(slotBuffer, Resource);
  const flat = Object.freeze({
    i32: new Int32Array(slotBuffer),
    f32: new Float32Array(slotBuffer),
    i64: new BigInt64Array(slotBuffer),
    f64: new Float64Array(slotBuffer),
    begin: (func) => native.flatBegin(func.handle),
    call: native.flatCall,
    finish: native.flatFinish,
    abandon: native.flatAbandon,
    realloc: native.flatRealloc,
    reallocMany: native.flatReallocMany,
    memory: native.flatMemory,
    lowerHandle: (type, value, own) => native.flatLowerHandle(type[kHandle], value, own),
    liftHandle: (type, index, own) => native.flatLiftHandle(type[kHandle], index, own),
    trap: (message) => new RuntimeError(message),
  });

  return {
    Component, Linker, LinkerInstance, ComponentInstance, ComponentFunc, Resource, ResourceType, flat,
  };
};
