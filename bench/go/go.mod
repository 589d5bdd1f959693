module github.com/kiln-wasm/kiln/bench/go

go 1.25.0

require (
	github.com/bytecodealliance/wasmtime-go/v44 v44.0.0
	github.com/kiln-wasm/kiln/go v0.0.0
	github.com/tetratelabs/wazero v1.12.0
)

require (
	github.com/kiln-wasm/kiln/wit-tools/golden/go v0.0.0
	github.com/kiln-wasm/kiln/wit-tools/testsuite/go v0.0.0
	golang.org/x/sys v0.44.0 // indirect
)

replace github.com/kiln-wasm/kiln/go => ../../go

replace github.com/kiln-wasm/kiln/wit-tools/golden/go => ../../wit-tools/golden/go

replace github.com/kiln-wasm/kiln/wit-tools/testsuite/go => ../../wit-tools/testsuite/go
