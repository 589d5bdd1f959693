module github.com/kiln-wasm/kiln/wit-tools/golden/go

go 1.24

require github.com/kiln-wasm/kiln/go v0.0.0

replace github.com/kiln-wasm/kiln/go => ../../../go
