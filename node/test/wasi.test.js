'use strict';
// The WASI class: node:wasi's shape on Kiln's sandboxed WASI preview1, run
// on the shared programs of tests/conformance/wasi/.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Module, Instance, WASI, WASIExit, LinkError, wat2wasm } = require('..');

const programs = path.join(__dirname, '..', '..', 'tests', 'conformance', 'wasi');
const ARGS = fs.readFileSync(path.join(programs, 'args.wat'), 'utf8');
const ENV = ARGS.replace('"args_sizes_get"', '"environ_sizes_get"').replace('"args_get"', '"environ_get"');
const EXIT = fs.readFileSync(path.join(programs, 'exit.wat'), 'utf8');
const FILES = fs.readFileSync(path.join(programs, 'files.wat'), 'utf8');

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-wasi-'));
}

/** Runs `text` with a WASI made from `options` (stdout to a file); returns [exit code, stdout]. */
function run(text, options = {}) {
  const dir = tempDir();
  const out = path.join(dir, 'stdout');
  const fd = fs.openSync(out, 'w');
  try {
    const wasi = new WASI({ version: 'preview1', stdout: fd, ...options });
    const instance = new Instance(new Module(wat2wasm(text)), wasi.getImportObject());
    const code = wasi.start(instance);
    return [code, fs.readFileSync(out, 'utf8')];
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true });
  }
}

test('args reach the guest, which writes them to stdout', () => {
  assert.deepEqual(run(ARGS, { args: ['prog', 'a b', 'ü'] }), [0, 'prog\0a b\0ü\0']);
});

test('env reaches the guest as KEY=VALUE strings', () => {
  assert.deepEqual(run(ENV, { env: { HOME: '/nowhere', X: '1' } }), [0, 'HOME=/nowhere\0X=1\0']);
});

test('nothing is granted by default: no args, no environment', () => {
  assert.deepEqual(run(ARGS), [0, '']);
  assert.deepEqual(run(ENV), [0, '']);
});

test('proc_exit ends start() with the exit code', () => {
  assert.deepEqual(run(EXIT), [3, '']);
});

test('calling _start directly throws WASIExit with the code and the message of every binding', () => {
  const wasi = new WASI({ version: 'preview1' });
  const instance = new Instance(new Module(wat2wasm(EXIT)), wasi.getImportObject());
  assert.throws(() => instance.exports._start(), (e) => e instanceof WASIExit && e.code === 3 && e.message === 'exited with code 3');
});

test('with returnOnExit false, proc_exit exits the process with the code', () => {
  const { spawnSync } = require('node:child_process');
  const script = `const { Module, Instance, WASI, wat2wasm } = require(${JSON.stringify(path.join(__dirname, '..'))});
    const wasi = new WASI({ version: 'preview1', returnOnExit: false });
    wasi.start(new Instance(new Module(wat2wasm(${JSON.stringify(EXIT)})), wasi.getImportObject()));
    console.log('not reached');`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 3);
  assert.equal(child.stdout, '');
});

test('a pre-opened directory is read and written, and stderr goes to its descriptor', () => {
  const dir = tempDir();
  const errPath = path.join(dir, '..', `${path.basename(dir)}.stderr`);
  const errFd = fs.openSync(errPath, 'w');
  try {
    fs.writeFileSync(path.join(dir, 'in.txt'), 'copied through WASI');
    const wasi = new WASI({ version: 'preview1', preopens: { '/sandbox': dir }, stderr: errFd });
    const instance = new Instance(new Module(wat2wasm(FILES)), wasi.getImportObject());
    assert.equal(wasi.start(instance), 0);
    assert.equal(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'copied through WASI');
    assert.equal(fs.readFileSync(errPath, 'utf8'), 'copied through WASI');
  } finally {
    fs.closeSync(errFd);
    fs.rmSync(dir, { recursive: true });
    fs.rmSync(errPath);
  }
});

test('without a pre-opened directory the guest cannot reach files', () => {
  // path_open on fd 3 fails with EBADF (8): the program exits with 8.
  assert.deepEqual(run(FILES), [8, '']);
});

test('a missing pre-open directory is a TypeError naming it', () => {
  assert.throws(() => new WASI({ version: 'preview1', preopens: { '/x': '/no/such/dir/kiln' } }),
    { name: 'TypeError', message: /\/no\/such\/dir\/kiln/ });
});

test('bad options are TypeErrors', () => {
  assert.throws(() => new WASI({ version: 'unstable' }), TypeError);
  assert.throws(() => new WASI({ args: 'x' }), TypeError);
  assert.throws(() => new WASI({ stdout: -1 }), TypeError);
});

test('a WASI object starts one instance; its functions are only for wasm', () => {
  const wasi = new WASI({ version: 'preview1' });
  const module = new Module(wat2wasm(EXIT));
  const instance = new Instance(module, wasi.getImportObject());
  assert.throws(() => new Instance(module, wasi.getImportObject()), LinkError);
  assert.equal(wasi.start(instance), 3);
  assert.throws(() => wasi.start(instance), { message: /already started/ });
  assert.throws(() => wasi.wasiImport.proc_exit(0), TypeError);
  assert.equal(wasi.getImportObject().wasi_snapshot_preview1, wasi.wasiImport);
  assert.equal(typeof wasi.wasiImport.fd_write, 'function');
});
