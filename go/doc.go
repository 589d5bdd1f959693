// Package kiln runs WebAssembly in Go programs with Kiln, a runtime that
// compiles wasm with Cranelift. It is a thin cgo layer over Kiln's C API
// (libwasm.so: wasm.h and kiln.h), shaped like wasmtime-go (v44) so that
// code written for wasmtime-go ports by changing its import path.
//
// Build against the library cargo builds, from the repository root:
//
//	cargo build --release -p kiln-c-api
//	cd go
//	CGO_CFLAGS=-I$PWD/../c-api/include \
//	CGO_LDFLAGS="-L$PWD/../target/release -Wl,-rpath,$PWD/../target/release" go test ./...
//
// or, after `make -C c-api install`, with pkg-config:
//
//	CGO_CFLAGS="$(pkg-config --cflags kiln)" CGO_LDFLAGS="$(pkg-config --libs kiln)" go build
//
// # Errors
//
// Errors are values. A trap raised by wasm is a *Trap, with its Code and
// wasm Frames; a trap a host function returns (NewTrap) comes back to the
// caller as an *Error with the same message, and a WASI program's exit as
// an *Error whose ExitStatus reports the status. A Go panic in a host
// function unwinds the wasm that called it and then panics again, with the
// same value, in the goroutine that called into wasm.
//
// # Stores and goroutines
//
// A Store and everything made in it are used by one goroutine at a time. A
// second goroutine that uses a store while another is inside it gets an
// error (or, where a method returns no error, a panic), never a crash; a
// host function may call back into its own store.
//
// # Handles
//
// Objects that own native resources have Close, safe to call twice; a
// finalizer releases what a program forgets to close.
package kiln
