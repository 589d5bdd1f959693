// Package wasmtimebench benchmarks wasmtime-go
// (github.com/bytecodealliance/wasmtime-go/v44), with the same benchmarks
// as bench/go/kiln. It is built without Kiln's cgo flags: Kiln's
// c-api/include has a wasm.h of its own, which must not shadow the one
// wasmtime-go ships.
package wasmtimebench
