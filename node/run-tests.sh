#!/usr/bin/env bash
# Builds the Node addon in the dev profile (sharing the engine build with
# `cargo test`) and with the benchmark probes (the `bench-probes` feature,
# which probes.js and its test need), builds the WIT corpus's guest
# components (for the component tests), installs the test dependencies
# (TypeScript for the type checks and the generated glue) and runs the
# node:test suite.
# `npm install ./node` builds the addon in the optimised `dist` profile,
# without the probes, instead.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "error: Node.js 18+ and npm are required" >&2
    exit 1
fi
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
KILN_NODE_PROFILE=dev KILN_NODE_FEATURES=bench-probes node scripts/build.js
cargo run --quiet -p kiln-wit-guests
# Node 20's own engine was seen to crash at random under long runs with
# concurrent marking; the leak test runs long.
node --expose-gc --no-concurrent-marking --test test/
