package kiln

// #include <kiln.h>
import "C"

import "runtime"

// Wat2Wasm translates the WebAssembly text format to the binary format;
// the error gives the line and column of a mistake.
func Wat2Wasm(wat string) ([]byte, error) {
	var out C.wasm_byte_vec_t
	err := takeError(C.kiln_wat2wasm(cStr(wat), C.size_t(len(wat)), &out))
	runtime.KeepAlive(wat)
	if err != nil {
		return nil, err
	}
	return goBytes(&out), nil
}
