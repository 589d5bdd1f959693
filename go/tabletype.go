package kiln

// #include <kiln.h>
import "C"

// TableType is a table's type: its element type and limits.
type TableType struct {
	element *ValType
	min     uint32
	hasMax  bool
	max     uint32
}

// NewTableType returns the type of a table of element with at least min
// elements, and at most max if hasMax.
func NewTableType(element *ValType, min uint32, hasMax bool, max uint32) *TableType {
	return &TableType{element: NewValType(element.kind), min: min, hasMax: hasMax, max: max}
}

// Element returns the type of the table's elements.
func (ty *TableType) Element() *ValType { return ty.element }

// Minimum returns the table's minimum size.
func (ty *TableType) Minimum() uint32 { return ty.min }

// Maximum returns whether the table has a maximum size, and the maximum.
func (ty *TableType) Maximum() (bool, uint32) { return ty.hasMax, ty.max }

// AsExternType returns the type as an extern type.
func (ty *TableType) AsExternType() *ExternType { return &ExternType{table: ty} }

// Close does nothing: a TableType holds no native resources.
func (ty *TableType) Close() {}

func (ty *TableType) cTableType() *C.wasm_tabletype_t {
	limits := C.wasm_limits_t{min: C.uint32_t(ty.min), max: limitsMaxDefault}
	if ty.hasMax {
		limits.max = C.uint32_t(ty.max)
	}
	return C.wasm_tabletype_new(ty.element.cValType(), &limits)
}

func goTableType(ty *C.wasm_tabletype_t) *TableType {
	limits := C.wasm_tabletype_limits(ty)
	out := &TableType{
		element: NewValType(ValKind(C.wasm_valtype_kind(C.wasm_tabletype_element(ty)))),
		min:     uint32(limits.min),
	}
	if limits.max != limitsMaxDefault {
		out.hasMax, out.max = true, uint32(limits.max)
	}
	return out
}

// limitsMaxDefault is wasm.h's wasm_limits_max_default: no maximum.
const limitsMaxDefault = 0xffffffff
