#!/usr/bin/env bash
# Runs every Kiln check on a fresh machine: formatting, lints, unit, integration
# and doc tests, and the WebAssembly spec testsuite. Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v cargo >/dev/null; then
    echo "error: cargo (Rust 1.95+) is required" >&2
    exit 1
fi

# The Go WASI guests (tests/wasi/guests/go) need Go's wasip1 port, newer
# than Debian's golang packages; Go's own installer puts it in /usr/local/go.
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
if ! command -v go >/dev/null; then
    echo "error: go (1.26+, https://go.dev/dl/) is required on PATH for the Go WASI guests" >&2
    exit 1
fi

# What the tests need from Debian: clang and wasi-libc for the WASI guests
# (Debian's wasi-libc puts its sysroot under /usr: /usr/lib/wasm32-wasi/libc.a);
# a C compiler, make, pkg-config and valgrind for the C API's programs.
packages=()
if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null \
    || [ ! -e /usr/lib/wasm32-wasi/libc.a ] \
    || ! ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1; then
    packages+=(clang lld wasi-libc libclang-rt-14-dev-wasm32)
fi
command -v cc >/dev/null || packages+=(gcc libc6-dev)
command -v make >/dev/null || packages+=(make)
command -v pkg-config >/dev/null || packages+=(pkg-config)
command -v valgrind >/dev/null || packages+=(valgrind)
if [ ${#packages[@]} -gt 0 ]; then
    echo "== installing ${packages[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${packages[@]}"
fi

# The WIT corpus's runners (Rust and C in cargo test, then Python, Node,
# Java and Go) each write <target>/wit-corpus/<lang>.tsv, which the matrix at
# the end reads; an earlier run's files must not stand in for a suite that
# did not run this time.
rm -rf "${CARGO_TARGET_DIR:-target}/wit-corpus"

echo "== cargo fmt"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
# The official WASI preview1 suite, through the debug `kiln` that cargo test
# built (see ../shared/conformance/README.md); every one of its tests passes.
conformance="${KILN_CONFORMANCE:-../shared/conformance}"
echo "== wasi-testsuite ($conformance)"
if [ ! -x "$conformance/run-wasi-testsuite" ]; then
    echo "error: $conformance/run-wasi-testsuite not found; set KILN_CONFORMANCE to the conformance suites' directory" >&2
    exit 1
fi
cargo build --locked -p kiln-cli
"$conformance/run-wasi-testsuite" --runtime "target/debug/kiln run"
echo "== python"
python/run-tests.sh
echo "== node"
node/run-tests.sh
echo "== java"
java/run-tests.sh
echo "== go"
go/run-tests.sh
# Which worlds of the WIT corpus pass in which language; every one must, in
# all six (see wit-tools/tests/README.md, "Kiln's runs").
echo "== WIT corpus matrix"
wit-tools/tests/matrix
# wasmtime-py's and the WebAssembly JS API's own tests, on the wheel and the
# addon just built, each checked against its known-failures list.
echo "== peer suites"
tests/peer-suites/run
# Both fuzz targets for a minute each, after replaying every input that
# found something before (tests/fuzz-regressions/); see fuzz/README.md.
echo "== fuzz"
fuzz/ci 60
