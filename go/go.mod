module github.com/kiln-wasm/kiln/go

go 1.24
