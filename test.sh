#!/usr/bin/env bash
# Runs every Kiln check on a fresh machine: formatting, lints, unit, integration
# and doc tests, and the WebAssembly spec testsuite. Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v cargo >/dev/null; then
    echo "error: cargo (Rust 1.95+) is required" >&2
    exit 1
fi

# The WASI tests compile C programs with clang for wasm32-wasi (Debian's
# wasi-libc puts its sysroot under /usr: /usr/lib/wasm32-wasi/libc.a).
if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null \
    || [ ! -e /usr/lib/wasm32-wasi/libc.a ] \
    || ! ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1; then
    echo "== installing clang and wasi-libc (for the WASI tests)"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq clang lld wasi-libc libclang-rt-14-dev-wasm32
fi

echo "== cargo fmt"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
