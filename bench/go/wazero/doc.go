// Package wazerobench benchmarks wazero (github.com/tetratelabs/wazero)
// with its optimizing compiler (wazero.NewRuntimeConfigCompiler), with the
// same benchmarks as bench/go/kiln. wazero's counterpart of a store is its
// Runtime: the benchmarks instantiate modules, each anonymous, into one
// Runtime per benchmark and close them after use.
package wazerobench
