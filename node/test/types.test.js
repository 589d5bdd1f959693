'use strict';
// index.d.ts (with probes.d.ts) type-checks a program that uses the whole
// API (test/types.ts), with TypeScript's strict mode.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

test('index.d.ts types a program using every part of the API', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const child = spawnSync(process.execPath, [
    tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'commonjs',
    '--moduleResolution', 'node', '--esModuleInterop', '--types', 'node',
    path.join(__dirname, 'types.ts'),
  ], { encoding: 'utf8', cwd: path.join(__dirname, '..') });
  assert.equal(child.stdout + child.stderr, '');
  assert.equal(child.status, 0);
});
