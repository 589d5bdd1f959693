package kiln

// #include <kiln.h>
import "C"

// ExternType is the type of something imported or exported: a function,
// global, table or memory type.
type ExternType struct {
	fn     *FuncType
	global *GlobalType
	table  *TableType
	memory *MemoryType
}

// AsExternType is implemented by the types that are extern types.
type AsExternType interface {
	AsExternType() *ExternType
}

// AsExternType returns ty.
func (ty *ExternType) AsExternType() *ExternType { return ty }

// FuncType returns the function type, or nil if this is another kind.
func (ty *ExternType) FuncType() *FuncType { return ty.fn }

// GlobalType returns the global type, or nil if this is another kind.
func (ty *ExternType) GlobalType() *GlobalType { return ty.global }

// TableType returns the table type, or nil if this is another kind.
func (ty *ExternType) TableType() *TableType { return ty.table }

// MemoryType returns the memory type, or nil if this is another kind.
func (ty *ExternType) MemoryType() *MemoryType { return ty.memory }

// Close does nothing: an ExternType holds no native resources.
func (ty *ExternType) Close() {}

// goExternType reads a borrowed C extern type.
func goExternType(ty *C.wasm_externtype_t) *ExternType {
	switch C.wasm_externtype_kind(ty) {
	case C.WASM_EXTERN_FUNC:
		return &ExternType{fn: goFuncType(C.wasm_externtype_as_functype(ty))}
	case C.WASM_EXTERN_GLOBAL:
		return &ExternType{global: goGlobalType(C.wasm_externtype_as_globaltype(ty))}
	case C.WASM_EXTERN_TABLE:
		return &ExternType{table: goTableType(C.wasm_externtype_as_tabletype(ty))}
	default:
		return &ExternType{memory: goMemoryType(C.wasm_externtype_as_memorytype(ty))}
	}
}
