// Types of kiln-wasm: the WebAssembly JavaScript API on Kiln, plus fuel,
// timeouts, WASI and serialized modules.

/** An ArrayBuffer or any view of one. */
export type BufferSource = ArrayBuffer | ArrayBufferView;

/** A value type's name, as descriptors spell it. */
export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'anyfunc' | 'funcref' | 'externref';
export type ImportExportKind = 'function' | 'table' | 'memory' | 'global';
export type TableKind = 'anyfunc' | 'funcref' | 'externref';
/**
 * The address type of a memory or table (memory64's `address` member). A
 * 64-bit (`'i64'`) memory or table takes and gives its sizes, indices and
 * deltas as bigints (strings and booleans convert with `ToBigInt`; numbers
 * are a `TypeError`); like every Kiln memory, a 64-bit one holds at most
 * 4 GiB.
 */
export type AddressType = 'i32' | 'i64';
/** A size, index or delta of a memory or table: a number for `'i32'`, a bigint for `'i64'`. */
export type AddressValue = number | bigint;

export interface ModuleExportDescriptor {
  name: string;
  kind: ImportExportKind;
}

export interface ModuleImportDescriptor {
  module: string;
  name: string;
  kind: ImportExportKind;
}

/** A wasm function exported to JS (its `name` is its index in its module). */
export type ExportedFunction = (...args: any[]) => any;
export type ExportValue = ExportedFunction | Global | Memory | Table;
export type Exports = Record<string, ExportValue>;
export type ImportValue = ExportValue | number | bigint | ((...args: any[]) => any);
export type Imports = Record<string, Record<string, ImportValue>>;

/** Limits on what an instance's calls may spend. */
export interface InstanceOptions {
  /** A budget of fuel (about one unit per wasm instruction); past it, calls throw `RuntimeError`. */
  fuel?: number | bigint;
  /** The most milliseconds any one call from JS may run; past it, the call throws `RuntimeError`. */
  timeout?: number;
  /** Bounds on the instance's store (shared with what it links to); missing ones are unbounded. */
  limits?: StoreLimits;
}

/** Past a bound, `memory.grow`/`table.grow` in wasm give -1 and the JS methods and instantiation throw `RangeError`. */
export interface StoreLimits {
  /** Bytes per linear memory. */
  memorySize?: number;
  /** Elements per table. */
  tableElements?: number;
  instances?: number;
  tables?: number;
  memories?: number;
}

export interface WebAssemblyInstantiatedSource {
  module: Module;
  instance: Instance;
}

/** A compiled module. */
export class Module {
  /** Compiles `bytes` synchronously; throws `CompileError` if they are not a valid module. */
  constructor(bytes: BufferSource);
  static exports(module: Module): ModuleExportDescriptor[];
  static imports(module: Module): ModuleImportDescriptor[];
  static customSections(module: Module, sectionName: string): ArrayBuffer[];
  /** Loads `serialize()`'s bytes without compiling. Trusted bytes only: they hold machine code. */
  static deserialize(bytes: BufferSource): Module;
  /** The compiled module, for `Module.deserialize` in this version of kiln-wasm on this kind of machine. */
  serialize(): Uint8Array;
}

/** An instantiated module. */
export class Instance {
  constructor(module: Module, importObject?: Imports, options?: InstanceOptions);
  readonly exports: Exports;
  /** The fuel left, for an instance made with `fuel` or `timeout`; setting it refills. */
  fuel: number | undefined;
}

export interface MemoryDescriptor {
  /** Default `'i32'`; see `AddressType`. */
  address?: AddressType;
  /** Pages: a number for `'i32'`, a bigint for `'i64'`. */
  initial: AddressValue;
  maximum?: AddressValue;
  /**
   * `true` is a `TypeError`: Node-API cannot make the SharedArrayBuffer a
   * shared memory's `buffer` is (wasm may still define and share them).
   */
  shared?: boolean;
}

/** A linear memory. */
export class Memory {
  constructor(descriptor: MemoryDescriptor);
  /**
   * The memory's bytes in place; detached and replaced when the memory
   * grows. A `TypeError` for a shared memory (which only wasm makes).
   */
  readonly buffer: ArrayBuffer;
  /**
   * Adds `delta` pages of 64 KiB; returns the previous number of pages
   * (bigints for a 64-bit memory).
   */
  grow(delta: number): number;
  grow(delta: bigint): bigint;
}

export interface TableDescriptor {
  element: TableKind;
  /** Default `'i32'`; see `AddressType`. */
  address?: AddressType;
  /** Elements (at most 10,000,000): a number for `'i32'`, a bigint for `'i64'`. */
  initial: AddressValue;
  /** May exceed 10,000,000, but the table never grows past that many elements. */
  maximum?: AddressValue;
}

/**
 * A table of function references or JS values. Where `value` is missing (or,
 * except in `set`, undefined), elements get the type's default: `null` for
 * funcref, `undefined` for externref. A 64-bit table's length, indices and
 * deltas are bigints.
 */
export class Table {
  constructor(descriptor: TableDescriptor, value?: any);
  readonly length: AddressValue;
  get(index: AddressValue): any;
  set(index: AddressValue, value?: any): void;
  grow(delta: number, value?: any): number;
  grow(delta: bigint, value?: any): bigint;
}

export interface GlobalDescriptor {
  value: ValueType;
  mutable?: boolean;
}

/** A global variable (i64 values are BigInts; an externref global made without a value holds `undefined`). */
export class Global {
  constructor(descriptor: GlobalDescriptor, value?: any);
  value: any;
  valueOf(): any;
}

export class CompileError extends Error {}
export class LinkError extends Error {}
export class RuntimeError extends Error {}
/** Thrown by a call in which a WASI program called `proc_exit` (`WASI.start` returns the code instead). */
export class WASIExit extends Error {
  constructor(code: number);
  readonly code: number;
}

export function validate(bytes: BufferSource): boolean;
/** Compiles off the main thread. */
export function compile(bytes: BufferSource): Promise<Module>;
export function instantiate(
  bytes: BufferSource,
  importObject?: Imports,
  options?: InstanceOptions,
): Promise<WebAssemblyInstantiatedSource>;
export function instantiate(module: Module, importObject?: Imports, options?: InstanceOptions): Promise<Instance>;
/**
 * Compiles the body of a `Response` (or of the response a promise gives),
 * as Node's own: it must have `Content-Type: application/wasm` and an ok
 * status, or the promise rejects with a `TypeError`.
 */
export function compileStreaming(source: Response | PromiseLike<Response>): Promise<Module>;
/** `compileStreaming`, then instantiates the module with `importObject`. */
export function instantiateStreaming(
  source: Response | PromiseLike<Response>,
  importObject?: Imports,
  options?: InstanceOptions,
): Promise<WebAssemblyInstantiatedSource>;

/** The binary of a module in the WebAssembly text format; throws `SyntaxError`. */
export function wat2wasm(text: string): Uint8Array;
/**
 * Keeps compiled modules in `directory` (default: $KILN_CACHE_DIR, else
 * $XDG_CACHE_HOME/kiln, else ~/.cache/kiln) so later processes load them
 * instead of compiling; returns the directory. Call before the first module
 * is compiled (else `TypeError`). `KILN_COMPILE_CACHE=<dir>` does the same.
 */
export function enableCompileCache(directory?: string): string;

/** The pooling allocator's limits, shared by every instance of the process; missing ones keep Kiln's defaults. */
export interface PoolingOptions {
  /** Core instances live at once (default 100,000); past it, instantiation throws `RangeError`. */
  totalCoreInstances?: number | bigint;
  /** Linear memories live at once, made by wasm or by `new Memory` (default 100,000). */
  totalMemories?: number | bigint;
  /** Tables live at once, made by wasm or by `new Table` (default 100,000). */
  totalTables?: number | bigint;
  /** Bytes a memory may hold: the size of a memory's slot (default 256 MiB, at most 4 GiB). */
  maxMemorySize?: number | bigint;
  /** Elements a table may hold (default 20,000). */
  tableElements?: number | bigint;
  /** Bytes of a freed memory's slot zeroed by writing and kept resident (default 0). */
  linearMemoryKeepResident?: number | bigint;
  /** As `linearMemoryKeepResident`, for tables' slots (default 0). */
  tableKeepResident?: number | bigint;
}

/** The engine's memory settings and allocation strategy; missing ones keep Kiln's defaults. */
export interface EngineOptions {
  /** Bytes of address space reserved per memory (default 4 GiB). */
  memoryReservation?: number | bigint;
  /** Inaccessible bytes after each memory's reservation (default 32 MiB). */
  memoryGuardSize?: number | bigint;
  /** Bytes reserved past a memory's new size when it moves to grow (default 2 GiB). */
  memoryReservationForGrowth?: number | bigint;
  /** Whether a memory that outgrows its reservation may move (default true); its `buffer` is detached on any grow either way. */
  memoryMayMove?: boolean;
  /** The pooling allocator: `true` for its default limits, or the limits. */
  pooling?: boolean | PoolingOptions;
}

/**
 * Sets the engine's memory settings and allocation strategy. Call before
 * the first module, memory, table or global is made (else `TypeError`);
 * settings the engine refuses throw `RangeError`.
 */
export function configureEngine(options: EngineOptions): void;

export interface WASIOptions {
  version?: 'preview1';
  args?: string[];
  env?: Record<string, string>;
  /** Guest path → host directory. */
  preopens?: Record<string, string>;
  stdin?: number;
  stdout?: number;
  stderr?: number;
  /** Default true: `start` returns the exit code instead of exiting the process. */
  returnOnExit?: boolean;
}

/** WASI preview1, shaped like `node:wasi`, on Kiln's sandboxed implementation. */
export class WASI {
  constructor(options?: WASIOptions);
  readonly wasiImport: Record<string, (...args: any[]) => any>;
  getImportObject(): { wasi_snapshot_preview1: Record<string, (...args: any[]) => any> };
  /** Runs `_start`; returns the exit code. */
  start(instance: Instance): number;
  /** Runs `_initialize`, if exported. */
  initialize(instance: Instance): void;
}

declare const kiln: {
  Module: typeof Module;
  Instance: typeof Instance;
  Memory: typeof Memory;
  Table: typeof Table;
  Global: typeof Global;
  CompileError: typeof CompileError;
  LinkError: typeof LinkError;
  RuntimeError: typeof RuntimeError;
  validate: typeof validate;
  compile: typeof compile;
  instantiate: typeof instantiate;
  compileStreaming: typeof compileStreaming;
  instantiateStreaming: typeof instantiateStreaming;
  wat2wasm: typeof wat2wasm;
  enableCompileCache: typeof enableCompileCache;
  configureEngine: typeof configureEngine;
  WASI: typeof WASI;
  WASIExit: typeof WASIExit;
  WebAssembly: typeof kiln;
};
/** The namespace itself: `import { WebAssembly } from 'kiln-wasm'`. */
export const WebAssembly: typeof kiln;
export default kiln;

/**
 * WebAssembly components (`kiln.component`): the dynamic path
 * (`ComponentFunc.call` with JS values converted by type) and the typed
 * path (`flat`) that glue generated by `kiln bindgen --lang ts` uses.
 */
export namespace component {
  /** A compiled component. */
  class Component {
    /** Compiles `bytes` (a binary component, or the text format as a string). */
    constructor(bytes: BufferSource | string);
    /** Compiles `bytes` off the JS thread. */
    static compile(bytes: BufferSource | string): Promise<Component>;
    /** The imports, as `[name, kind]` pairs. */
    imports(): Array<[string, string]>;
    /** The exports, as `[name, kind]` pairs. */
    exports(): Array<[string, string]>;
  }
  /** A resource type: a guest's (`ComponentInstance.getResource`) or the host's (`LinkerInstance.resource`). */
  class ResourceType {
    private constructor();
    /** A handle to the host resource `rep` of this host type. */
    host(rep: number, own?: boolean): Resource;
  }
  /** A handle to a resource, owned or borrowed. */
  class Resource {
    private constructor();
    /** Whether the handle is owned (dropping it runs the destructor). */
    readonly owned: boolean;
    /** A host resource's representation (`undefined` for a guest's). */
    readonly rep: number | undefined;
    /** Drops the handle; a second drop (or a use after it) throws `TypeError`. */
    drop(): void;
    [Symbol.dispose](): void;
  }
  /** The definitions of one instance of a linker. */
  class LinkerInstance {
    private constructor();
    /** The instance `name` inside this one. */
    instance(name: string): LinkerInstance;
    /** A host function of the dynamic path: `fn` takes and returns JS values. */
    func(name: string, fn: (...args: any[]) => unknown): this;
    /** A host function of the typed path: `fn` reads and writes `flat`'s slots. */
    funcFlat(name: string, fn: () => void): this;
    /** The host resource type `name`; `dtor(rep)` runs when an owned handle is dropped. */
    resource(name: string, dtor: (rep: number) => void): ResourceType;
  }
  /** Host definitions for components to import. */
  class Linker {
    constructor();
    root(): LinkerInstance;
    instance(name: string): LinkerInstance;
    defineUnknownImportsAsTraps(component: Component): void;
    /** Instantiates `component` in a store of its own. */
    instantiate(component: Component): ComponentInstance;
  }
  /** An instance of a component. */
  class ComponentInstance {
    private constructor();
    /** The function `"f"`, `"interface#f"` or `[interface, f]`, or `undefined`. */
    getFunc(name: string | readonly string[]): ComponentFunc | undefined;
    /** The exported resource type, or `undefined`. */
    getResource(name: string | readonly string[]): ResourceType | undefined;
  }
  /** An exported function. */
  class ComponentFunc {
    private constructor();
    /** Calls with JS values (the dynamic path); returns the result. */
    call(...args: unknown[]): unknown;
  }
  /**
   * The typed path, for generated glue: an export call in steps (`begin`,
   * lowering with `realloc`, `memory` and `lowerHandle`, `call`, lifting,
   * `finish` or `abandon`) over 8-byte slots (`i32`/`f32` at index 2 * slot,
   * `i64`/`f64` at index slot). The `memory()` buffer is detached when the
   * memory changes size: fetch it again when its length reads 0.
   */
  const flat: {
    readonly i32: Int32Array;
    readonly f32: Float32Array;
    readonly i64: BigInt64Array;
    readonly f64: Float64Array;
    begin(func: ComponentFunc): void;
    call(): void;
    finish(): void;
    /** Gives up the call (its instance can no longer be entered); returns the trap for `message`. */
    abandon(message?: string): unknown;
    realloc(align: number, size: number): number;
    /**
     * `n` allocations in one call: `requests` holds `align, size` pairs, and
     * each pair's `align` is replaced with the pointer allocated.
     */
    reallocMany(requests: Uint32Array, n: number): void;
    memory(): ArrayBuffer;
    lowerHandle(type: ResourceType, value: Resource | number, own: boolean): number;
    liftHandle(type: ResourceType, index: number, own: boolean): Resource | number;
    /** A trap (`RuntimeError`) with `message`. */
    trap(message: string): Error;
  };
}
