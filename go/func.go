package kiln

/*
#include <kiln.h>

static wasm_trap_t *kiln_go_func_call(wasm_func_t *f, wasm_val_t *args, size_t nargs,
                                      wasm_val_t *results, size_t nresults) {
	wasm_val_vec_t a = {nargs, args};
	wasm_val_vec_t r = {nresults, results};
	return wasm_func_call(f, &a, &r);
}
*/
import "C"

import (
	"math"
	"runtime"
	"unsafe"
)

// Func is a WebAssembly function: exported by an instance, or defined by
// the host (NewFunc, WrapFunc).
type Func struct {
	ptr   *C.wasm_func_t
	store *Store
	// Filled on first call: the kinds of the parameters and results, and
	// the function prepared for raw calls when its type allows.
	typed   bool
	params  []ValKind
	results []ValKind
	raw     *C.kiln_raw_func_t
}

// maxRawValues is the most parameters (and results) a raw call passes:
// kiln::RawFunc::MAX_VALUES.
const maxRawValues = 16

// rawSlots is a call's raw slots: 16-byte values, 16-byte aligned (the
// buffer has one slot to spare for the alignment). Go memory without Go
// pointers, lent to C for a call.
type rawSlots struct {
	buf [2 * (maxRawValues + 1)]uint64
}

func (r *rawSlots) base() unsafe.Pointer {
	p := unsafe.Pointer(&r.buf[0])
	if uintptr(p)%16 != 0 {
		// SAFETY: the buffer has a spare slot, so 8 bytes further on
		// there are still maxRawValues whole slots; Go does not move heap
		// objects, so the alignment holds for the call.
		p = unsafe.Add(p, 8)
	}
	return p
}

// slot is the i-th raw slot from base.
func slot(base unsafe.Pointer, i int) unsafe.Pointer {
	// SAFETY: callers index below the function's parameter and result
	// counts, which raw calls cap at maxRawValues (kiln_func_to_raw
	// refuses more), and base has that many slots.
	return unsafe.Add(base, 16*i)
}

// slotsAt returns the raw slots for calls at depth.
func (s *Store) slotsAt(depth int) *rawSlots {
	for len(s.slots) <= depth {
		s.slots = append(s.slots, new(rawSlots))
	}
	return s.slots[depth]
}

// newFunc wraps an owned C function of store.
func newFunc(store *Store, ptr *C.wasm_func_t) *Func {
	f := &Func{ptr: ptr, store: store}
	runtime.SetFinalizer(f, (*Func).finalize)
	return f
}

// Close releases the handle on the function. Safe to call twice.
func (f *Func) Close() { f.release(false) }

// finalize is the backstop for a Func the program did not close: its handle
// is released by the goroutine using the store.
func (f *Func) finalize() { f.release(true) }

func (f *Func) release(finalizing bool) {
	if f.ptr == nil {
		return
	}
	runtime.SetFinalizer(f, nil)
	ptr, raw := f.ptr, f.raw
	f.ptr, f.raw = nil, nil
	release := func() {
		if raw != nil {
			C.kiln_raw_func_delete(raw)
		}
		C.wasm_func_delete(ptr)
	}
	f.store.drop(release, finalizing)
}

// AsExtern returns the function as an extern.
func (f *Func) AsExtern() *Extern {
	return &Extern{ptr: C.wasm_func_as_extern(f.ptr), store: f.store, owner: f}
}

// Type returns the function's type.
func (f *Func) Type(store Storelike) *FuncType {
	var ty *FuncType
	on(store, f.store).use(func(*C.wasm_store_t) {
		cty := C.wasm_func_type(f.ptr)
		ty = goFuncType(cty)
		C.wasm_functype_delete(cty)
	})
	runtime.KeepAlive(f)
	return ty
}

// prepare looks up the function's type and, for a function of numbers,
// prepares it for raw calls; the store is claimed.
func (f *Func) prepare() {
	if f.typed {
		return
	}
	cty := C.wasm_func_type(f.ptr)
	f.params, f.results = goFuncType(cty).kinds()
	C.wasm_functype_delete(cty)
	f.typed = true
	var raw *C.kiln_raw_func_t
	if err := C.kiln_func_to_raw(f.ptr, &raw); err != nil {
		// A host function, or one with references: the general path.
		C.kiln_error_delete(err)
		return
	}
	f.raw = raw
}

// Call calls the function with args, which are Go numbers (int, int32,
// int64, float32, float64), Vals, *Funcs, or any other Go value for an
// externref parameter. It returns nil for no results, the Go value of a
// single result (see Val.Get), or a []Val for several. A trap is a *Trap;
// other failures, a host function's trap among them, are *Errors. If a
// host function panicked, Call panics with the same value once wasm has
// unwound.
func (f *Func) Call(store Storelike, args ...any) (any, error) {
	s := store.store()
	if s != f.store {
		return nil, errForeign
	}
	claimed, err := s.enter()
	if err != nil {
		return nil, err
	}
	defer s.leave(claimed)
	if f.ptr == nil {
		return nil, errClosed
	}
	f.prepare()
	if len(args) != len(f.params) {
		return nil, errorf("function expects %d arguments, got %d", len(f.params), len(args))
	}
	if f.raw != nil {
		return f.callRaw(s, args)
	}
	return f.callVals(s, args)
}

// callRaw calls a function of numbers through raw slots: no allocation
// but the result's boxing.
func (f *Func) callRaw(s *Store, args []any) (any, error) {
	slots := s.slotsAt(s.depth)
	base := slots.base()
	for i, a := range args {
		bits, err := numArg(a, f.params[i], i)
		if err != nil {
			return nil, err
		}
		*(*uint64)(slot(base, i)) = bits
	}
	s.depth++
	trap := C.kiln_raw_func_call(f.raw, (*C.kiln_val_raw_t)(base))
	s.depth--
	runtime.KeepAlive(f)
	if trap != nil {
		err := takeTrap(trap)
		s.repanic()
		return nil, err
	}
	switch len(f.results) {
	case 0:
		return nil, nil
	case 1:
		return rawVal(base, f.results[0]).Get(), nil
	}
	out := make([]Val, len(f.results))
	for i, k := range f.results {
		out[i] = rawVal(slot(base, i), k)
	}
	return out, nil
}

func rawVal(slot unsafe.Pointer, kind ValKind) Val {
	if kind == KindI32 || kind == KindF32 {
		return Val{kind: kind, bits: uint64(*(*uint32)(slot))}
	}
	return Val{kind: kind, bits: *(*uint64)(slot)}
}

// numArg converts argument i to the raw bits of a parameter of kind.
func numArg(a any, kind ValKind, i int) (uint64, error) {
	switch v := a.(type) {
	case int:
		switch kind {
		case KindI32:
			if v < math.MinInt32 || v > math.MaxUint32 {
				return 0, errorf("argument %d: %d does not fit in an i32", i, v)
			}
			return uint64(uint32(v)), nil
		case KindI64:
			return uint64(v), nil
		}
	case int32:
		if kind == KindI32 {
			return uint64(uint32(v)), nil
		}
	case int64:
		if kind == KindI64 {
			return uint64(v), nil
		}
	case float32:
		if kind == KindF32 {
			return uint64(math.Float32bits(v)), nil
		}
	case float64:
		if kind == KindF64 {
			return math.Float64bits(v), nil
		}
	case Val:
		if v.kind == kind {
			return v.bits, nil
		}
	}
	return 0, errorf("argument %d: %T is not a value of type %s", i, a, kind)
}

// toVal converts argument i to a Val of kind.
func toVal(a any, kind ValKind, i int) (Val, error) {
	if kind.isNum() {
		bits, err := numArg(a, kind, i)
		return Val{kind: kind, bits: bits}, err
	}
	switch v := a.(type) {
	case Val:
		if v.kind == kind {
			return v, nil
		}
	case *Func:
		if kind == KindFuncref {
			return ValFuncref(v), nil
		}
	default:
		if kind == KindExternref {
			return ValExternref(a), nil
		}
		if kind == KindFuncref && a == nil {
			return ValFuncref(nil), nil
		}
	}
	return Val{}, errorf("argument %d: %T is not a value of type %s", i, a, kind)
}

// callVals calls a function through wasm_func_call: references, host
// functions, and types too large for raw slots.
func (f *Func) callVals(s *Store, args []any) (any, error) {
	cargs := make([]C.wasm_val_t, len(args))
	for i, a := range args {
		v, err := toVal(a, f.params[i], i)
		if err != nil {
			for j := 0; j < i; j++ {
				releaseCVal(&cargs[j])
			}
			return nil, err
		}
		cargs[i] = v.cVal(s.ptr)
	}
	cresults := make([]C.wasm_val_t, len(f.results))
	var argp, resp *C.wasm_val_t
	if len(cargs) > 0 {
		argp = &cargs[0]
	}
	if len(cresults) > 0 {
		resp = &cresults[0]
	}
	s.depth++
	trap := C.kiln_go_func_call(f.ptr, argp, C.size_t(len(cargs)), resp, C.size_t(len(cresults)))
	s.depth--
	runtime.KeepAlive(f)
	for i := range cargs {
		releaseCVal(&cargs[i])
	}
	if trap != nil {
		err := takeTrap(trap)
		s.repanic()
		return nil, err
	}
	switch len(cresults) {
	case 0:
		return nil, nil
	case 1:
		return goVal(s, &cresults[0]).Get(), nil
	}
	out := make([]Val, len(cresults))
	for i := range cresults {
		out[i] = goVal(s, &cresults[i])
	}
	return out, nil
}

// CallWithStack is the fast path for functions of numbers, in the style of
// wazero's: the arguments are in stack[0:len(params)] and the results are
// left in stack[0:len(results)], each as its raw bits (an i32 or f32 in the
// low 32 bits, math.Float64bits for an f64). Nothing is allocated or
// boxed. stack must be at least as long as the larger of the two; a
// function with references or a host function is an error.
func (f *Func) CallWithStack(store Storelike, stack []uint64) error {
	s := store.store()
	if s != f.store {
		return errForeign
	}
	claimed, err := s.enter()
	if err != nil {
		return err
	}
	defer s.leave(claimed)
	if f.ptr == nil {
		return errClosed
	}
	f.prepare()
	if f.raw == nil {
		return errorf("CallWithStack takes a wasm function of numbers (use Call)")
	}
	if len(stack) < len(f.params) || len(stack) < len(f.results) {
		return errorf("the stack has %d values, and the function takes %d and returns %d", len(stack), len(f.params), len(f.results))
	}
	slots := s.slotsAt(s.depth)
	base := slots.base()
	for i := range f.params {
		*(*uint64)(slot(base, i)) = stack[i]
	}
	s.depth++
	trap := C.kiln_raw_func_call(f.raw, (*C.kiln_val_raw_t)(base))
	s.depth--
	runtime.KeepAlive(f)
	if trap != nil {
		err := takeTrap(trap)
		s.repanic()
		return err
	}
	for i, k := range f.results {
		if k == KindI32 || k == KindF32 {
			stack[i] = uint64(*(*uint32)(slot(base, i)))
		} else {
			stack[i] = *(*uint64)(slot(base, i))
		}
	}
	return nil
}
