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
	"errors"
	"fmt"
	"math"
	"reflect"
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
	typed         bool
	params        []ValKind
	results       []ValKind
	raw           *C.kiln_raw_func_t
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
		p = unsafe.Add(p, 8)
	}
	return p
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
	runtime.SetFinalizer(f, (*Func).Close)
	return f
}

// Close releases the handle on the function. Safe to call twice.
func (f *Func) Close() {
	if f.ptr == nil {
		return
	}
	runtime.SetFinalizer(f, nil)
	if f.raw != nil {
		C.kiln_raw_func_delete(f.raw)
		f.raw = nil
	}
	C.wasm_func_delete(f.ptr)
	f.ptr = nil
}

// AsExtern returns the function as an extern.
func (f *Func) AsExtern() *Extern {
	return &Extern{ptr: C.wasm_func_as_extern(f.ptr), store: f.store, owner: f}
}

// Type returns the function's type.
func (f *Func) Type(store Storelike) *FuncType {
	var ty *FuncType
	store.store().use(func(*C.wasm_store_t) {
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
		*(*uint64)(unsafe.Add(base, 16*i)) = bits
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
		out[i] = rawVal(unsafe.Add(base, 16*i), k)
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

// hostFunc is a host function's Go side: its type and body.
type hostFunc struct {
	ty      *FuncType
	results []ValKind
	// call runs the body with the arguments, returning its results or the
	// trap it returned.
	call func(c *Caller, args []Val) ([]Val, *Trap)
}

// NewFunc defines a host function of type ty in store; callback receives
// its caller and arguments, and returns its results or a trap.
func NewFunc(store Storelike, ty *FuncType, callback func(*Caller, []Val) ([]Val, *Trap)) *Func {
	_, results := ty.kinds()
	return newHostFunc(store.store(), &hostFunc{ty: ty, results: results, call: callback})
}

// WrapFunc defines a host function in store from a Go function, inferring
// its wasm type: int32, int64, float32 and float64 parameters and results
// are those wasm types, *Func is funcref, and every other type is
// externref. A first *Caller parameter receives the caller, and a last
// *Trap result a trap to return. It panics if f is not a function.
func WrapFunc(store Storelike, f any) *Func {
	hf := wrapHostFunc(f)
	return newHostFunc(store.store(), hf)
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

// wrapHostFunc makes the Go side of a host function from a Go function,
// called through reflection.
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
	ty := NewFuncType(params, results)
	_, kinds := ty.kinds()
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
	return &hostFunc{ty: ty, results: kinds, call: call}
}

// errWrongResults is the panic of a host function that returned results
// its type does not have.
var errWrongResults = errors.New("host function results do not match its type")

// runHost runs a host function's body for wasm (or the host) calling it:
// converts the arguments, catches a Go panic (kept in the store, to be
// raised again once wasm unwound), and writes the results or returns an
// owned C trap.
func runHost(hf *hostFunc, ccaller *C.kiln_caller_t, args, results []C.wasm_val_t) *C.wasm_trap_t {
	s := storeOf(C.kiln_caller_store(ccaller))
	if s == nil {
		return cTrap(nil, "kiln: host function called in a store the Go program dropped")
	}
	c := &Caller{s: s, ptr: ccaller}
	defer func() { c.ptr = nil }()
	vals := make([]Val, len(args))
	for i := range args {
		vals[i] = borrowVal(s, &args[i])
	}
	var out []Val
	var trap *Trap
	panicked := true
	func() {
		defer func() {
			if panicked {
				s.panicked, s.hasPanic = recover(), true
			}
		}()
		out, trap = hf.call(c, vals)
		if trap == nil {
			checkResults(out, hf.results)
		}
		panicked = false
	}()
	if panicked {
		return cTrap(s.ptr, "go panicked")
	}
	if trap != nil {
		return cTrap(s.ptr, trap.message)
	}
	for i, v := range out {
		results[i] = v.cVal(s.ptr)
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
	ref := *(**C.wasm_ref_t)(unsafe.Pointer(&v.of))
	if ref == nil {
		return Val{kind: kind}
	}
	if kind == KindFuncref {
		return Val{kind: kind, ref: newFunc(s, C.wasm_func_copy(C.wasm_ref_as_func(ref)))}
	}
	return Val{kind: kind, ref: externrefValue(ref)}
}
