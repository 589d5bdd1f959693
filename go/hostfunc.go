package kiln

// #include "kiln_go.h"
import "C"

import (
	"fmt"
	"reflect"
	"unsafe"
)

// hostFunc is a host function's Go side: its type and body.
type hostFunc struct {
	ty              *FuncType
	params, results []ValKind
	// numeric: every parameter and result is a number, so C calls the
	// function over raw slots (kiln_func_new_raw) and converts nothing.
	numeric bool
	// call runs the body with the arguments, returning its results or the
	// trap it returned.
	call func(c *Caller, args []Val) ([]Val, *Trap)
	// slots, when set, runs the body straight on the raw slots: the
	// function shapes WrapFunc knows (see fastBody), which take no Caller
	// and return no trap.
	slots func(slots unsafe.Pointer)
}

func newHostFuncOf(ty *FuncType, call func(*Caller, []Val) ([]Val, *Trap)) *hostFunc {
	params, results := ty.kinds()
	numeric := true
	for _, k := range append(append([]ValKind(nil), params...), results...) {
		numeric = numeric && k.isNum()
	}
	return &hostFunc{ty: ty, params: params, results: results, numeric: numeric, call: call}
}

// NewFunc defines a host function of type ty in store; callback receives
// its caller and arguments, and returns its results or a trap.
func NewFunc(store Storelike, ty *FuncType, callback func(*Caller, []Val) ([]Val, *Trap)) *Func {
	return newHostFunc(store.store(), newHostFuncOf(ty, callback))
}

// WrapFunc defines a host function in store from a Go function, inferring
// its wasm type: int32, int64, float32 and float64 parameters and results
// are those wasm types, *Func is funcref, and every other type is
// externref. A first *Caller parameter receives the caller, and a last
// *Trap result a trap to return. It panics if f is not a function.
func WrapFunc(store Storelike, f any) *Func {
	return newHostFunc(store.store(), wrapHostFunc(f))
}

// newHostFunc makes a host function in s whose body is hf. C knows it by
// its index in s.funcs.
func newHostFunc(s *Store, hf *hostFunc) *Func {
	var f *Func
	s.use(func(ptr *C.wasm_store_t) {
		index := len(s.funcs)
		s.funcs = append(s.funcs, hf)
		cty := hf.ty.cFuncType()
		fptr := C.kiln_go_func_new(ptr, cty, C.bool(hf.numeric), C.uintptr_t(index))
		C.wasm_functype_delete(cty)
		f = newFunc(s, fptr)
	})
	return f
}

var (
	callerType = reflect.TypeOf((*Caller)(nil))
	trapType   = reflect.TypeOf((*Trap)(nil))
	funcType   = reflect.TypeOf((*Func)(nil))
)

func goTypeKind(t reflect.Type) ValKind {
	switch t {
	case reflect.TypeOf(int32(0)):
		return KindI32
	case reflect.TypeOf(int64(0)):
		return KindI64
	case reflect.TypeOf(float32(0)):
		return KindF32
	case reflect.TypeOf(float64(0)):
		return KindF64
	case funcType:
		return KindFuncref
	}
	return KindExternref
}

// wrapHostFunc makes the Go side of a host function from a Go function:
// called straight on raw slots for the common shapes (fastBody), through
// reflection otherwise.
func wrapHostFunc(f any) *hostFunc {
	fn := reflect.ValueOf(f)
	if fn.Kind() != reflect.Func {
		panic("callback provided must be a `func`")
	}
	ft := fn.Type()
	var params, results []*ValType
	for i := 0; i < ft.NumIn(); i++ {
		if ft.In(i) != callerType {
			params = append(params, NewValType(goTypeKind(ft.In(i))))
		}
	}
	hasTrap := ft.NumOut() > 0 && ft.Out(ft.NumOut()-1) == trapType
	nout := ft.NumOut()
	if hasTrap {
		nout--
	}
	for i := 0; i < nout; i++ {
		results = append(results, NewValType(goTypeKind(ft.Out(i))))
	}
	kinds := make([]ValKind, len(results))
	for i, r := range results {
		kinds[i] = r.kind
	}
	call := func(c *Caller, args []Val) ([]Val, *Trap) {
		in := make([]reflect.Value, ft.NumIn())
		next := 0
		for i := range in {
			pt := ft.In(i)
			if pt == callerType {
				in[i] = reflect.ValueOf(c)
				continue
			}
			v := args[next].Get()
			next++
			if v == nil {
				in[i] = reflect.Zero(pt)
			} else {
				in[i] = reflect.ValueOf(v)
			}
		}
		out := fn.Call(in)
		if hasTrap {
			if t := out[len(out)-1].Interface().(*Trap); t != nil {
				return nil, t
			}
			out = out[:len(out)-1]
		}
		vals := make([]Val, len(out))
		for i, o := range out {
			switch kinds[i] {
			case KindI32:
				vals[i] = ValI32(int32(o.Int()))
			case KindI64:
				vals[i] = ValI64(o.Int())
			case KindF32:
				vals[i] = ValF32(float32(o.Float()))
			case KindF64:
				vals[i] = ValF64(o.Float())
			case KindFuncref:
				vals[i] = ValFuncref(o.Interface().(*Func))
			default:
				vals[i] = ValExternref(o.Interface())
			}
		}
		return vals, nil
	}
	hf := newHostFuncOf(NewFuncType(params, results), call)
	hf.slots = fastBody(f)
	return hf
}

// Raw slots are 16 bytes apart, 16-byte aligned; a value sits in a slot's
// low bytes. C hands a host function of numbers a slot for each of its
// parameters and results, whichever are more: fastBody's bodies index
// only those of their own type, which WrapFunc inferred from them.
func slotI32(slots unsafe.Pointer, i int) *int32   { return (*int32)(slot(slots, i)) }
func slotI64(slots unsafe.Pointer, i int) *int64   { return (*int64)(slot(slots, i)) }
func slotF32(slots unsafe.Pointer, i int) *float32 { return (*float32)(slot(slots, i)) }
func slotF64(slots unsafe.Pointer, i int) *float64 { return (*float64)(slot(slots, i)) }

// fastBody runs the most common host function shapes straight on raw
// slots, without reflection or allocation; nil for the others.
func fastBody(f any) func(unsafe.Pointer) {
	switch f := f.(type) {
	case func():
		return func(unsafe.Pointer) { f() }
	case func(int32):
		return func(s unsafe.Pointer) { f(*slotI32(s, 0)) }
	case func(int32, int32):
		return func(s unsafe.Pointer) { f(*slotI32(s, 0), *slotI32(s, 1)) }
	case func() int32:
		return func(s unsafe.Pointer) { *slotI32(s, 0) = f() }
	case func(int32) int32:
		return func(s unsafe.Pointer) { *slotI32(s, 0) = f(*slotI32(s, 0)) }
	case func(int32, int32) int32:
		return func(s unsafe.Pointer) { *slotI32(s, 0) = f(*slotI32(s, 0), *slotI32(s, 1)) }
	case func(int32, int32, int32) int32:
		return func(s unsafe.Pointer) {
			*slotI32(s, 0) = f(*slotI32(s, 0), *slotI32(s, 1), *slotI32(s, 2))
		}
	case func(int32, int32, int32, int32) int32:
		return func(s unsafe.Pointer) {
			*slotI32(s, 0) = f(*slotI32(s, 0), *slotI32(s, 1), *slotI32(s, 2), *slotI32(s, 3))
		}
	case func(int64):
		return func(s unsafe.Pointer) { f(*slotI64(s, 0)) }
	case func() int64:
		return func(s unsafe.Pointer) { *slotI64(s, 0) = f() }
	case func(int64) int64:
		return func(s unsafe.Pointer) { *slotI64(s, 0) = f(*slotI64(s, 0)) }
	case func(int64, int64) int64:
		return func(s unsafe.Pointer) { *slotI64(s, 0) = f(*slotI64(s, 0), *slotI64(s, 1)) }
	case func(float32) float32:
		return func(s unsafe.Pointer) { *slotF32(s, 0) = f(*slotF32(s, 0)) }
	case func(float64) float64:
		return func(s unsafe.Pointer) { *slotF64(s, 0) = f(*slotF64(s, 0)) }
	case func(float64, float64) float64:
		return func(s unsafe.Pointer) { *slotF64(s, 0) = f(*slotF64(s, 0), *slotF64(s, 1)) }
	}
	return nil
}

const droppedStore = "kiln: host function called in a store the Go program dropped"

// runHost runs a host function's body for wasm (or the host) calling it:
// converts the arguments, catches a Go panic (kept in the store, to be
// raised again once wasm unwound), and writes the results or returns an
// owned C trap.
func runHost(s *Store, hf *hostFunc, ccaller *C.kiln_caller_t, args, results []C.wasm_val_t) (trap *C.wasm_trap_t) {
	c := &Caller{s: s, ptr: ccaller}
	defer func() {
		c.ptr = nil
		if r := recover(); r != nil {
			s.panicked, s.hasPanic = r, true
			trap = cTrap(s.ptr, "go panicked")
		}
	}()
	vals := make([]Val, len(args))
	for i := range args {
		vals[i] = borrowVal(s, &args[i])
	}
	out, t := hf.call(c, vals)
	if t != nil {
		return cTrap(s.ptr, t.message)
	}
	checkResults(out, hf.results)
	for i, v := range out {
		results[i] = v.cVal(s.ptr)
	}
	return nil
}

// runRawHost runs a host function of numbers over raw slots.
func runRawHost(s *Store, hf *hostFunc, ccaller *C.kiln_caller_t, slots unsafe.Pointer) (trap *C.wasm_trap_t) {
	defer func() {
		if r := recover(); r != nil {
			s.panicked, s.hasPanic = r, true
			trap = cTrap(s.ptr, "go panicked")
		}
	}()
	if hf.slots != nil {
		hf.slots(slots)
		return nil
	}
	c := &Caller{s: s, ptr: ccaller}
	defer func() { c.ptr = nil }()
	vals := make([]Val, len(hf.params))
	for i, k := range hf.params {
		vals[i] = rawVal(slot(slots, i), k)
	}
	out, t := hf.call(c, vals)
	if t != nil {
		return cTrap(s.ptr, t.message)
	}
	checkResults(out, hf.results)
	for i, v := range out {
		*(*uint64)(slot(slots, i)) = v.bits
	}
	return nil
}

// checkResults panics, as wasmtime-go does, if a host function's results
// do not match its type.
func checkResults(out []Val, kinds []ValKind) {
	if len(out) != len(kinds) {
		panic(fmt.Sprintf("callback didn't produce the correct number of results: %d, not %d", len(out), len(kinds)))
	}
	for i, v := range out {
		if v.kind != kinds[i] {
			panic(fmt.Sprintf("callback produced wrong type of result: %s, not %s", v.kind, kinds[i]))
		}
	}
}

// borrowVal reads a C value that stays owned by C.
func borrowVal(s *Store, v *C.wasm_val_t) Val {
	kind := ValKind(v.kind)
	if kind.isNum() {
		return goVal(s, v)
	}
	ref := cRef(v)
	if ref == nil {
		return Val{kind: kind}
	}
	if kind == KindFuncref {
		return Val{kind: kind, ref: newFunc(s, C.wasm_func_copy(C.wasm_ref_as_func(ref)))}
	}
	return Val{kind: kind, ref: externrefValue(ref)}
}
