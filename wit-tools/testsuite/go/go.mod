module github.com/kiln-wasm/kiln/wit-tools/testsuite/go

go 1.24

require (
	github.com/kiln-wasm/kiln/go v0.0.0
	github.com/kiln-wasm/kiln/wit-tools/golden/go v0.0.0
)

replace (
	github.com/kiln-wasm/kiln/go => ../../../go
	github.com/kiln-wasm/kiln/wit-tools/golden/go => ../../golden/go
)
