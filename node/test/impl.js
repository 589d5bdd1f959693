'use strict';
// The implementation under test, chosen once for every test file.
//
// By default the tests run against Kiln (`require('..')`, the package entry).
// With KILN_TEST_IMPL=v8 they run against Node's own WebAssembly (V8), which
// implements the same standard JavaScript API; the text format is then turned
// into binaries by the `wabt` npm package found at KILN_WABT. This is how the
// suite itself is checked: every test must pass on V8 too.
//
// `wat2wasm` is awaited everywhere (`await wat2wasm(text)`): wabt loads
// asynchronously, Kiln's converter is synchronous, and `await` accepts both.

const WASM_API_NAMES = [
  'Module', 'Instance', 'Memory', 'Table', 'Global',
  'validate', 'compile', 'instantiate',
  'CompileError', 'LinkError', 'RuntimeError',
];

function v8Impl() {
  const wabtPath = process.env.KILN_WABT;
  if (!wabtPath) {
    throw new Error('KILN_TEST_IMPL=v8 needs KILN_WABT: the path to an installed wabt npm package');
  }
  const wabtReady = require(wabtPath)();
  const features = {
    multi_value: true,
    reference_types: true,
    bulk_memory: true,
    simd: true,
    sign_extension: true,
    sat_float_to_int: true,
    mutable_globals: true,
  };
  async function wat2wasm(text) {
    const wabt = await wabtReady;
    const parsed = wabt.parseWat('test.wat', text, features);
    try {
      parsed.resolveNames();
      parsed.validate(features);
      return parsed.toBinary({ log: false, write_debug_names: false }).buffer;
    } finally {
      parsed.destroy();
    }
  }
  return { W: globalThis.WebAssembly, wat2wasm, isKiln: false };
}

function kilnImpl() {
  const kiln = require('..');
  return { W: kiln, wat2wasm: kiln.wat2wasm, isKiln: true };
}

const choice = process.env.KILN_TEST_IMPL || 'kiln';
if (choice !== 'kiln' && choice !== 'v8') {
  throw new Error(`KILN_TEST_IMPL must be "kiln" (the default) or "v8", not "${choice}"`);
}
const impl = choice === 'v8' ? v8Impl() : kilnImpl();

// Runs `body`, the text of an async function body that sees `W`, `wat2wasm`
// and `isKiln`, in a child process with the same implementation, and returns
// what it returns (JSON). Scenarios that can crash a process (stack
// exhaustion) run this way, so a crash fails one test instead of the file.
function runInChild(body) {
  const { spawnSync } = require('node:child_process');
  const script = `
    const { W, wat2wasm, isKiln } = require(${JSON.stringify(__filename)});
    (async () => { ${body} })().then(
      (value) => { process.stdout.write(JSON.stringify({ value })); },
      (error) => { process.stdout.write(JSON.stringify({ error: String(error && error.stack || error) })); });
  `;
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // the child is a plain script, not a test file
  const child = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8', timeout: 120000 });
  if (child.status !== 0 || child.stdout === '') {
    throw new Error(`child process failed (status ${child.status}, signal ${child.signal}):\n${child.stderr}`);
  }
  const outcome = JSON.parse(child.stdout);
  if ('error' in outcome) throw new Error(`child process threw: ${outcome.error}`);
  return outcome.value;
}

module.exports = { W: impl.W, wat2wasm: impl.wat2wasm, isKiln: impl.isKiln, runInChild, WASM_API_NAMES };

// `node --test test/` also runs this file, so when run directly it checks
// that the implementation offers every name of the WebAssembly namespace.
if (require.main === module) {
  const { test } = require('node:test');
  const assert = require('node:assert/strict');
  test('the implementation under test offers every name of the WebAssembly namespace', () => {
    const kinds = Object.fromEntries(WASM_API_NAMES.map((name) => [name, typeof impl.W[name]]));
    assert.deepEqual(kinds, Object.fromEntries(WASM_API_NAMES.map((name) => [name, 'function'])));
  });
  test('wat2wasm turns the empty module into the 8-byte header as a Uint8Array', async () => {
    const bytes = await impl.wat2wasm('(module)');
    assert.ok(bytes instanceof Uint8Array);
    assert.deepEqual([...bytes], [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  });
}
