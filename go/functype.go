package kiln

// #include <kiln.h>
import "C"

// FuncType is a function's type: its parameters and results.
type FuncType struct {
	params, results []*ValType
}

// NewFuncType returns the function type of params to results.
func NewFuncType(params, results []*ValType) *FuncType {
	return &FuncType{
		params:  append([]*ValType(nil), params...),
		results: append([]*ValType(nil), results...),
	}
}

// Params returns the parameter types.
func (ty *FuncType) Params() []*ValType { return ty.params }

// Results returns the result types.
func (ty *FuncType) Results() []*ValType { return ty.results }

// AsExternType returns the type as an extern type.
func (ty *FuncType) AsExternType() *ExternType { return &ExternType{fn: ty} }

// Close does nothing: a FuncType holds no native resources.
func (ty *FuncType) Close() {}

// cFuncType is an owned C function type.
func (ty *FuncType) cFuncType() *C.wasm_functype_t {
	params, results := cValTypes(ty.params), cValTypes(ty.results)
	return C.wasm_functype_new(&params, &results)
}

// goFuncType reads a borrowed C function type.
func goFuncType(ty *C.wasm_functype_t) *FuncType {
	return &FuncType{
		params:  goValTypes(C.wasm_functype_params(ty)),
		results: goValTypes(C.wasm_functype_results(ty)),
	}
}

func (ty *FuncType) kinds() (params, results []ValKind) {
	for _, p := range ty.params {
		params = append(params, p.kind)
	}
	for _, r := range ty.results {
		results = append(results, r.kind)
	}
	return
}
