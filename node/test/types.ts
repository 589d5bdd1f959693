// Type-checked (never run) by types.test.js: uses every declaration of
// index.d.ts and probes.d.ts the way a TypeScript program would.
import kiln, { Module, Instance, Memory, Table, Global, WASI, RuntimeError, WebAssembly, EngineOptions } from '..';
import * as probes from '../probes';

async function main(): Promise<void> {
  const bytes: Uint8Array = kiln.wat2wasm('(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))');
  const valid: boolean = kiln.validate(bytes);
  const enableCache: (directory?: string) => string = kiln.enableCompileCache;
  const configure: (options: EngineOptions) => void = kiln.configureEngine;
  const engineOptions: EngineOptions = {
    memoryReservation: 1 << 20, memoryGuardSize: 65536n, memoryReservationForGrowth: 0, memoryMayMove: true,
    pooling: { totalCoreInstances: 10, totalMemories: 10n, totalTables: 10, maxMemorySize: 1 << 20, tableElements: 100, linearMemoryKeepResident: 0, tableKeepResident: 0 },
  };
  void [configure, engineOptions, { pooling: true } as EngineOptions];
  const module: Module = await kiln.compile(bytes);
  const exports = Module.exports(module).map((e) => `${e.name}:${e.kind}`);
  const imports = Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`);
  const sections: ArrayBuffer[] = Module.customSections(module, 'name');
  const { instance } = await WebAssembly.instantiate(bytes, {}, { fuel: 1000n, timeout: 50, limits: { memorySize: 65536, instances: 2 } });
  const same: Instance = await kiln.instantiate(module, {});
  const sum: number = (instance.exports.add as (a: number, b: number) => number)(1, 2);
  const fuel: number | undefined = instance.fuel;
  instance.fuel = 10;
  const memory = new Memory({ initial: 1, maximum: 2 });
  const view = new Uint8Array(memory.buffer);
  const pages: number = memory.grow(1);
  const table = new Table({ element: 'anyfunc', initial: 1 }, null);
  table.set(0, instance.exports.add);
  const length: number = table.grow(1);
  const global = new Global({ value: 'i64', mutable: true }, 1n);
  global.value = 2n;
  const copy: Module = Module.deserialize(module.serialize());
  const streamed: Module = await kiln.compileStreaming(fetch('file.wasm'));
  const { instance: fetched } = await WebAssembly.instantiateStreaming(new Response(new Uint8Array(bytes), { headers: { 'Content-Type': 'application/wasm' } }), {});
  const memory64 = new Memory({ address: 'i64', initial: 1n, maximum: 2n });
  const pages64: bigint = memory64.grow(1n);
  const table64 = new Table({ element: 'externref', address: 'i64', initial: 1n });
  const length64: bigint = table64.grow(1n, 'x');
  table64.set(0n, table64.get(1n));
  const size: number | bigint = table64.length;
  void [streamed, fetched, new Memory({ address: 'i32', initial: 1 }), pages64, length64, size, new Table({ element: 'externref', initial: 1, maximum: 20_000_000 })];
  const wasi = new WASI({ version: 'preview1', args: ['x'], env: { A: 'b' }, preopens: { '/': '.' }, returnOnExit: true });
  const code: number = wasi.start(new Instance(copy, wasi.getImportObject()));
  const error: Error = new RuntimeError('x');
  probes.emptyNativeCall();
  probes.callJsFunction(() => 0, 1);
  const floor: number = probes.addThroughSlots(1, 2);
  void floor;
  // The benchmark probes are not part of the package's types.
  // @ts-expect-error
  kiln._emptyNativeCall();
  // @ts-expect-error
  WebAssembly._addThroughSlots(1, 2);
  console.log(valid, exports, imports, sections, same, sum, fuel, view, pages, length, code, error);
}

void main();
