'use strict';
// `npm pack` makes a tarball that carries the built addon, and installing it
// into a project needs no Rust: its install script finds kiln.node.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const here = path.join(__dirname, '..');

test('npm pack includes the addon, the entries and the types, and nothing else', () => {
  const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: here, encoding: 'utf8' }));
  const files = report.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'README.md', 'index.d.ts', 'index.js', 'index.mjs', 'kiln.node', 'lib/calls.js', 'lib/component.js',
    'lib/native.js', 'lib/streaming.js', 'lib/wasi.js', 'lib/webidl.js', 'package.json', 'probes.d.ts', 'probes.js',
    'scripts/build.js',
  ]);
});

test('the packed tarball installs and runs where cargo is not on the PATH', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-pack-'));
  try {
    const [report] = JSON.parse(execFileSync('npm', ['pack', '--json', '--loglevel=error', '--pack-destination', dir], { cwd: here, encoding: 'utf8' }));
    const project = path.join(dir, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{"name": "uses-kiln", "version": "1.0.0", "private": true}');
    const env = { ...process.env, PATH: path.dirname(process.execPath) };
    // npm itself, run by node, since PATH then holds only node's directory.
    const npmCli = fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
    const npm = spawnSync(process.execPath, [npmCli, 'install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(dir, report.filename)], { cwd: project, env, encoding: 'utf8' });
    assert.equal(npm.status, 0, npm.stderr);
    const run = spawnSync(process.execPath, ['-e',
      "const k = require('kiln-wasm'); const i = new k.Instance(new k.Module(k.wat2wasm('(module (func (export \"f\") (result i32) i32.const 7))'))); console.log(i.exports.f())"],
    { cwd: project, env, encoding: 'utf8' });
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, '7\n');
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
