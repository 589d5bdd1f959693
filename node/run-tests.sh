#!/usr/bin/env bash
# Builds the Node addon in the dev profile (sharing the engine build with
# `cargo test`), installs the test dependencies (TypeScript for the type
# check) and runs the node:test suite. `npm install ./node` builds the same
# addon in the optimised `dist` profile instead.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "error: Node.js 18+ and npm are required" >&2
    exit 1
fi
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
KILN_NODE_PROFILE=dev node scripts/build.js
# Node 20's own engine was seen to crash at random under long runs with
# concurrent marking; the leak test runs long.
node --expose-gc --no-concurrent-marking --test test/
