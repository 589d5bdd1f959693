#!/usr/bin/env bash
# The Go package's tests: builds libwasm.so with cargo (dev profile), then
# runs go vet, go test (once plainly, once with -race) and wasmtime-go's own
# tests (compat/run) against it; then builds the WIT corpus's guest
# components and runs the generated Go glue's tests (wit-tools/golden/go,
# wit-tools/testsuite/go: every case file replayed, resources' lifetimes,
# traps in the middle of a call). Run from anywhere; KILN_BUILD_LOCK names a lock
# file that serialises the cargo build with other builds in the checkout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

lock=()
if [ -n "${KILN_BUILD_LOCK:-}" ]; then
	lock=(flock "$KILN_BUILD_LOCK")
fi
# The dev profile shares the engine `cargo test` compiled (as the Python,
# Node and Java tests do) instead of compiling it again for release.
(cd "$root" && "${lock[@]}" cargo build --locked -p kiln-c-api)

export CGO_CFLAGS="-I$root/c-api/include"
export CGO_LDFLAGS="-L$root/target/debug -Wl,-rpath,$root/target/debug"
cd "$here"
go vet ./...
go test -count=1 ./...
go test -count=1 -race ./...
# Without -race: two of wasmtime-go's own tests (TestGlobalFinalizer,
# TestFuncFinalizer) read a flag their finalizer sets without
# synchronisation, which the race detector reports against any runtime.
./compat/run

# The generated Go glue over the corpus's guests (target/wit-guests).
(cd "$root" && "${lock[@]}" cargo run --locked -q -p kiln-wit-guests)
(cd "$root/wit-tools/golden/go" && go vet ./... && test -z "$(gofmt -l .)")
cd "$root/wit-tools/testsuite/go"
test -z "$(gofmt -l .)"
go vet ./...
go test -count=1 ./...
go test -count=1 -race ./...
