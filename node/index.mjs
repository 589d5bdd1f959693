// ES module entry of kiln-wasm: the same objects as the CommonJS entry.
import { createRequire } from 'node:module';

const kiln = createRequire(import.meta.url)('./index.js');

export const {
  Module,
  Instance,
  Memory,
  Table,
  Global,
  validate,
  compile,
  instantiate,
  compileStreaming,
  instantiateStreaming,
  CompileError,
  LinkError,
  RuntimeError,
  WASI,
  WASIExit,
  wat2wasm,
  enableCompileCache,
  configureEngine,
  WebAssembly,
  component,
} = kiln;
export default kiln;
