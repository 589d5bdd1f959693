// Package cgofloor is the floor under every call between Go and a runtime
// written in another language: a cgo call of a C function that does nothing.
package cgofloor

// static void kiln_bench_nothing(void) {}
import "C"

// Empty makes a cgo call of an empty C function.
func Empty() { C.kiln_bench_nothing() }
