'use strict';
// Builds the native addon with cargo and puts it at node/kiln.node. Run by
// `npm install` (the package's install script): in a checkout it builds
// from source; in a packed tarball, which carries a built kiln.node and no
// Rust sources, it has nothing to do.
//
// KILN_NODE_PROFILE picks the cargo profile: `dist` (the default: optimised,
// with link-time optimisation) or `dev` (what the test suite uses, sharing
// the engine build with `cargo test`).
//
// KILN_NODE_FEATURES lists cargo features of the addon to turn on (separated
// by commas or spaces; none by default). `bench-probes` adds the benchmark
// probes that `probes.js` exports (node/run-tests.sh and bench/node/run build
// with it); the published package is built without it.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = path.join(__dirname, '..');
const root = path.join(here, '..');
const addon = path.join(here, 'kiln.node');

if (!fs.existsSync(path.join(here, 'Cargo.toml'))) {
  if (fs.existsSync(addon)) process.exit(0);
  console.error('kiln-wasm: this package has neither a built kiln.node nor the sources to build one');
  process.exit(1);
}

const profile = process.env.KILN_NODE_PROFILE || 'dist';
const features = (process.env.KILN_NODE_FEATURES || '').split(/[\s,]+/).filter(Boolean);
const featureArgs = features.length > 0 ? ['--features', features.join(',')] : [];
execFileSync('cargo', ['build', '--locked', '-p', 'kiln-node', '--profile', profile, ...featureArgs], {
  cwd: root,
  stdio: 'inherit',
});
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
const built = path.join(targetDir, profile === 'dev' ? 'debug' : profile, 'libkiln_node.so');
const temporary = `${addon}.${process.pid}`;
fs.copyFileSync(built, temporary);
fs.renameSync(temporary, addon);
