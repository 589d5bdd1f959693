package kiln

// #include <kiln.h>
import "C"

// GlobalType is a global's type: its content and mutability.
type GlobalType struct {
	content *ValType
	mutable bool
}

// NewGlobalType returns the type of a global holding content.
func NewGlobalType(content *ValType, mutable bool) *GlobalType {
	return &GlobalType{content: NewValType(content.kind), mutable: mutable}
}

// Content returns the type of the global's value.
func (ty *GlobalType) Content() *ValType { return ty.content }

// Mutable reports whether the global can be set.
func (ty *GlobalType) Mutable() bool { return ty.mutable }

// AsExternType returns the type as an extern type.
func (ty *GlobalType) AsExternType() *ExternType { return &ExternType{global: ty} }

// Close does nothing: a GlobalType holds no native resources.
func (ty *GlobalType) Close() {}

func (ty *GlobalType) cGlobalType() *C.wasm_globaltype_t {
	mut := C.wasm_mutability_t(C.WASM_CONST)
	if ty.mutable {
		mut = C.WASM_VAR
	}
	return C.wasm_globaltype_new(ty.content.cValType(), mut)
}

func goGlobalType(ty *C.wasm_globaltype_t) *GlobalType {
	return &GlobalType{
		content: NewValType(ValKind(C.wasm_valtype_kind(C.wasm_globaltype_content(ty)))),
		mutable: C.wasm_globaltype_mutability(ty) == C.WASM_VAR,
	}
}
