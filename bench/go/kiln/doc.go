// Package kilnbench benchmarks Kiln's Go package
// (github.com/kiln-wasm/kiln/go). Its benchmarks have the same names as
// those of bench/go/wasmtime and bench/go/wazero, and each runtime runs in a
// test binary of its own: Kiln's libwasm.so and wasmtime-go's static
// library both define the standard C API (wasm_*), so the two cannot share
// a process.
package kilnbench
