package kiln

// #include <kiln.h>
import "C"

import "fmt"

// ValKind is the kind of a WebAssembly value.
type ValKind uint8

const (
	// KindI32 is a 32-bit integer.
	KindI32 ValKind = C.WASM_I32
	// KindI64 is a 64-bit integer.
	KindI64 ValKind = C.WASM_I64
	// KindF32 is a 32-bit float.
	KindF32 ValKind = C.WASM_F32
	// KindF64 is a 64-bit float.
	KindF64 ValKind = C.WASM_F64
	// KindExternref is a reference to a host (Go) value.
	KindExternref ValKind = C.WASM_EXTERNREF
	// KindFuncref is a reference to a function.
	KindFuncref ValKind = C.WASM_FUNCREF
)

// String returns the kind's name in the text format.
func (ty ValKind) String() string {
	switch ty {
	case KindI32:
		return "i32"
	case KindI64:
		return "i64"
	case KindF32:
		return "f32"
	case KindF64:
		return "f64"
	case KindExternref:
		return "externref"
	case KindFuncref:
		return "funcref"
	}
	return fmt.Sprintf("ValKind(%d)", uint8(ty))
}

func (ty ValKind) isNum() bool {
	return ty < KindExternref
}

// ValType is the type of a value. It is plain Go data; Close exists for
// wasmtime-go compatibility.
type ValType struct {
	kind ValKind
}

// NewValType returns the value type of kind.
func NewValType(kind ValKind) *ValType {
	return &ValType{kind: kind}
}

// Kind returns the type's kind.
func (t *ValType) Kind() ValKind { return t.kind }

// String returns the type's name in the text format.
func (t *ValType) String() string { return t.kind.String() }

// Close does nothing: a ValType holds no native resources.
func (t *ValType) Close() {}

// cValType is an owned C value type.
func (t *ValType) cValType() *C.wasm_valtype_t {
	return C.wasm_valtype_new(C.wasm_valkind_t(t.kind))
}

// cValTypes is an owned C vector of value types.
func cValTypes(types []*ValType) C.wasm_valtype_vec_t {
	var vec C.wasm_valtype_vec_t
	C.wasm_valtype_vec_new_uninitialized(&vec, C.size_t(len(types)))
	if len(types) > 0 {
		out := unsafeSlice(vec.data, len(types))
		for i, t := range types {
			out[i] = t.cValType()
		}
	}
	return vec
}

// goValTypes reads a borrowed C vector of value types.
func goValTypes(vec *C.wasm_valtype_vec_t) []*ValType {
	out := make([]*ValType, int(vec.size))
	if len(out) > 0 {
		for i, t := range unsafeSlice(vec.data, len(out)) {
			out[i] = NewValType(ValKind(C.wasm_valtype_kind(t)))
		}
	}
	return out
}
