package kiln

// #include <stdlib.h>
// #include "kiln_go.h"
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/cgo"
	"unicode/utf8"
	"unsafe"
)

// ComponentVal is a value of a component function's parameter or result
// on the dynamic path: what ComponentFunc.Call takes and gives, and what a
// host function defined with ComponentLinker.FuncNew receives and
// returns. Each WIT type has its Go type:
//
//	bool, s8 ... u64     ComponentBool, ComponentS8 ... ComponentU64
//	f32, f64, char       ComponentF32, ComponentF64, ComponentChar
//	string               ComponentString
//	list<T>, tuple<...>  ComponentList, ComponentTuple
//	record               ComponentRecord (fields in the type's order)
//	variant, enum        ComponentVariant, ComponentEnum
//	option<T>            ComponentOption (a nil Value is none)
//	result<T, E>         ComponentResult
//	flags                ComponentFlags (the names of those set)
//	own<R>, borrow<R>    *ComponentResource
//
// The engine checks each value against the function's type and names
// what does not match. The typed glue of `kiln bindgen --lang go` is the
// fast path; this one needs no generated code.
type ComponentVal interface {
	isComponentVal()
}

type (
	// ComponentBool is a WIT bool.
	ComponentBool bool
	// ComponentS8 is a WIT s8.
	ComponentS8 int8
	// ComponentU8 is a WIT u8.
	ComponentU8 uint8
	// ComponentS16 is a WIT s16.
	ComponentS16 int16
	// ComponentU16 is a WIT u16.
	ComponentU16 uint16
	// ComponentS32 is a WIT s32.
	ComponentS32 int32
	// ComponentU32 is a WIT u32.
	ComponentU32 uint32
	// ComponentS64 is a WIT s64.
	ComponentS64 int64
	// ComponentU64 is a WIT u64.
	ComponentU64 uint64
	// ComponentF32 is a WIT f32.
	ComponentF32 float32
	// ComponentF64 is a WIT f64.
	ComponentF64 float64
	// ComponentChar is a WIT char: a Unicode scalar value.
	ComponentChar rune
	// ComponentString is a WIT string (valid UTF-8).
	ComponentString string
	// ComponentList is a WIT list.
	ComponentList []ComponentVal
	// ComponentTuple is a WIT tuple.
	ComponentTuple []ComponentVal
	// ComponentRecord is a WIT record: every field, in the type's order.
	ComponentRecord []ComponentField
	// ComponentEnum is a WIT enum: the case's name.
	ComponentEnum string
	// ComponentFlags is a WIT flags value: the names of the flags set.
	ComponentFlags []string
)

// ComponentField is a record's field.
type ComponentField struct {
	Name  string
	Value ComponentVal
}

// ComponentVariant is a WIT variant: the case's name and its payload (nil
// for a case without one).
type ComponentVariant struct {
	Case    string
	Payload ComponentVal
}

// ComponentOption is a WIT option: Value is the payload of some, nil for
// none (so some(none) of an option<option<T>> is
// ComponentOption{Value: ComponentOption{}}).
type ComponentOption struct {
	Value ComponentVal
}

// ComponentResult is a WIT result: the ok side, or the err side when
// IsErr; Value is nil when that side has no payload type.
type ComponentResult struct {
	IsErr bool
	Value ComponentVal
}

func (ComponentBool) isComponentVal()      {}
func (ComponentS8) isComponentVal()        {}
func (ComponentU8) isComponentVal()        {}
func (ComponentS16) isComponentVal()       {}
func (ComponentU16) isComponentVal()       {}
func (ComponentS32) isComponentVal()       {}
func (ComponentU32) isComponentVal()       {}
func (ComponentS64) isComponentVal()       {}
func (ComponentU64) isComponentVal()       {}
func (ComponentF32) isComponentVal()       {}
func (ComponentF64) isComponentVal()       {}
func (ComponentChar) isComponentVal()      {}
func (ComponentString) isComponentVal()    {}
func (ComponentList) isComponentVal()      {}
func (ComponentTuple) isComponentVal()     {}
func (ComponentRecord) isComponentVal()    {}
func (ComponentVariant) isComponentVal()   {}
func (ComponentEnum) isComponentVal()      {}
func (ComponentOption) isComponentVal()    {}
func (ComponentResult) isComponentVal()    {}
func (ComponentFlags) isComponentVal()     {}
func (*ComponentResource) isComponentVal() {}

// Call calls the function with args and returns its result (nil for a
// function without one). A value of the wrong type, or the wrong number
// of them, is an *Error naming it; a trap is a *Trap, or the very error a
// host function returned, and leaves the instance unable to be entered
// again. A resource argument passed as own moves into the guest.
func (f *ComponentFunc) Call(args ...ComponentVal) (ComponentVal, error) {
	if f.ptr == nil {
		return nil, errClosed
	}
	s := f.instance.store
	claimed, err := s.enter()
	if err != nil {
		return nil, err
	}
	defer s.leave(claimed)
	if !f.arityKnown {
		var np, nr C.size_t
		if err := takeError(C.kiln_component_func_arity(f.ptr, s.ptr, &np, &nr)); err != nil {
			return nil, err
		}
		f.nresults, f.arityKnown = int(nr), true
	}
	var w valWriter
	defer w.free()
	cargs, err := w.vals(args)
	if err != nil {
		return nil, &Error{message: err.Error()}
	}
	var cargsPtr *C.kiln_component_val_t
	if len(cargs) > 0 {
		cargsPtr = &cargs[0]
	}
	var result C.kiln_component_val_t
	var resultPtr *C.kiln_component_val_t
	if f.nresults > 0 {
		resultPtr = &result
	}
	var trap *C.wasm_trap_t
	callErr := takeError(C.kiln_component_func_call(f.ptr, s.ptr, cargsPtr, C.size_t(len(cargs)), resultPtr, C.size_t(f.nresults), &trap))
	runtime.KeepAlive(f)
	for _, a := range args {
		if r, ok := a.(*ComponentResource); ok {
			runtime.KeepAlive(r)
		}
	}
	if callErr != nil {
		return nil, callErr
	}
	if trap != nil {
		return nil, takeTrap(trap)
	}
	if f.nresults == 0 {
		return nil, nil
	}
	defer C.kiln_component_val_delete(&result)
	return takeVal(&result)
}

// ComponentFuncNew is the body of a host function on the dynamic path
// (ComponentLinker.FuncNew): it receives the store and the arguments, of
// the types the importing component declares, and returns the result
// (nil for a function without one). An error it returns traps the guest;
// the export call that led to it returns that error.
type ComponentFuncNew func(store *Store, args []ComponentVal) (ComponentVal, error)

// FuncNew defines the function name of the instance iface ("": the root)
// as f, a host function of values (see ComponentFuncNew). Resources it
// receives are its own to keep or drop; a resource it returns moves to
// the guest.
func (l *ComponentLinker) FuncNew(iface, name string, f ComponentFuncNew) error {
	return l.define(iface, name, func(ciface, cname *C.char) *C.kiln_error_t {
		return C.kiln_go_component_func_new(l.ptr, ciface, cname, C.uintptr_t(cgo.NewHandle(f)))
	})
}

// runFuncNew runs a ComponentFuncNew for C: the arguments (whose
// resources it takes) as Go values, the result written to results with
// malloc, which Kiln takes over.
func runFuncNew(f ComponentFuncNew, s *Store, args []C.kiln_component_val_t, results []C.kiln_component_val_t) error {
	goArgs := make([]ComponentVal, len(args))
	for i := range args {
		v, err := takeVal(&args[i])
		if err != nil {
			return fmt.Errorf("argument %d: %w", i, err)
		}
		goArgs[i] = v
	}
	out, err := f(s, goArgs)
	if err != nil {
		return err
	}
	switch {
	case len(results) == 0 && out != nil:
		return fmt.Errorf("the host function returned %T, but the function has no result", out)
	case len(results) == 0:
		return nil
	case out == nil:
		return errors.New("the host function returned no result, but the function has one")
	}
	w := valWriter{owned: true}
	// On an error, what was written stays in results[0], which Kiln
	// releases with the rest of the call's values.
	if err := w.write(&results[0], out); err != nil {
		return fmt.Errorf("result: %w", err)
	}
	return nil
}

// valWriter writes Go values as C values. Arguments (owned false) go in
// blocks it frees after the call; a host function's results (owned true)
// in one malloc block per node, which Kiln frees.
type valWriter struct {
	owned  bool
	blocks []unsafe.Pointer
	cur    unsafe.Pointer
	left   uintptr
}

const valBlockSize = 64 << 10

// alloc returns n bytes (8-aligned) of C memory, nil for 0.
func (w *valWriter) alloc(n uintptr) unsafe.Pointer {
	if n == 0 {
		return nil
	}
	if w.owned {
		return C.malloc(C.size_t(n))
	}
	n = (n + 7) &^ 7
	if n > w.left {
		size := uintptr(valBlockSize)
		if n > size {
			size = n
		}
		b := C.malloc(C.size_t(size))
		w.blocks = append(w.blocks, b)
		w.cur, w.left = b, size
	}
	p := w.cur
	// SAFETY: n <= w.left, so p+n is inside the block or one past its end.
	w.cur = unsafe.Add(w.cur, n)
	w.left -= n
	return p
}

// free releases the argument blocks.
func (w *valWriter) free() {
	for _, b := range w.blocks {
		C.free(b)
	}
	w.blocks = nil
}

// vals writes vs to a C array.
func (w *valWriter) vals(vs []ComponentVal) ([]C.kiln_component_val_t, error) {
	if len(vs) == 0 {
		return nil, nil
	}
	p := (*C.kiln_component_val_t)(w.alloc(uintptr(len(vs)) * C.sizeof_kiln_component_val_t))
	out := unsafe.Slice(p, len(vs))
	for i, v := range vs {
		if err := w.write(&out[i], v); err != nil {
			return nil, fmt.Errorf("argument %d: %w", i, err)
		}
	}
	return out, nil
}

// str writes s as a C string.
func (w *valWriter) str(s string) C.kiln_component_string_t {
	p := w.alloc(uintptr(len(s)))
	if len(s) > 0 {
		copy(unsafe.Slice((*byte)(p), len(s)), s)
	}
	return C.kiln_component_string_t{size: C.size_t(len(s)), data: (*C.char)(p)}
}

// list writes vs as C elements.
func (w *valWriter) list(vs []ComponentVal) (C.kiln_component_vallist_t, error) {
	if len(vs) == 0 {
		return C.kiln_component_vallist_t{}, nil
	}
	p := (*C.kiln_component_val_t)(w.alloc(uintptr(len(vs)) * C.sizeof_kiln_component_val_t))
	out := unsafe.Slice(p, len(vs))
	for i := range out {
		// Zeroed first, so that after an error every element is a value
		// kiln_component_val_delete can release.
		out[i] = C.kiln_component_val_t{}
	}
	for i, v := range vs {
		if err := w.write(&out[i], v); err != nil {
			return C.kiln_component_vallist_t{size: C.size_t(len(vs)), data: p}, fmt.Errorf("element %d: %w", i, err)
		}
	}
	return C.kiln_component_vallist_t{size: C.size_t(len(vs)), data: p}, nil
}

// payload writes v in a block of its own (nil for none).
func (w *valWriter) payload(v ComponentVal) (*C.kiln_component_val_t, error) {
	if v == nil {
		return nil, nil
	}
	p := (*C.kiln_component_val_t)(w.alloc(C.sizeof_kiln_component_val_t))
	*p = C.kiln_component_val_t{}
	return p, w.write(p, v)
}

// write writes v to dst, which holds no value yet. On an error, dst holds
// what was written so far, which kiln_component_val_delete releases.
func (w *valWriter) write(dst *C.kiln_component_val_t, v ComponentVal) error {
	// Arena memory is not zeroed, and an empty list or flags sets nothing.
	*dst = C.kiln_component_val_t{}
	of := unsafe.Pointer(&dst.of)
	set := func(kind C.kiln_component_valkind_t) { dst.kind = kind }
	switch v := v.(type) {
	case ComponentBool:
		set(C.KILN_COMPONENT_BOOL)
		*(*C.bool)(of) = C.bool(v)
	case ComponentS8:
		set(C.KILN_COMPONENT_S8)
		*(*C.int8_t)(of) = C.int8_t(v)
	case ComponentU8:
		set(C.KILN_COMPONENT_U8)
		*(*C.uint8_t)(of) = C.uint8_t(v)
	case ComponentS16:
		set(C.KILN_COMPONENT_S16)
		*(*C.int16_t)(of) = C.int16_t(v)
	case ComponentU16:
		set(C.KILN_COMPONENT_U16)
		*(*C.uint16_t)(of) = C.uint16_t(v)
	case ComponentS32:
		set(C.KILN_COMPONENT_S32)
		*(*C.int32_t)(of) = C.int32_t(v)
	case ComponentU32:
		set(C.KILN_COMPONENT_U32)
		*(*C.uint32_t)(of) = C.uint32_t(v)
	case ComponentS64:
		set(C.KILN_COMPONENT_S64)
		*(*C.int64_t)(of) = C.int64_t(v)
	case ComponentU64:
		set(C.KILN_COMPONENT_U64)
		*(*C.uint64_t)(of) = C.uint64_t(v)
	case ComponentF32:
		set(C.KILN_COMPONENT_F32)
		*(*C.float)(of) = C.float(v)
	case ComponentF64:
		set(C.KILN_COMPONENT_F64)
		*(*C.double)(of) = C.double(v)
	case ComponentChar:
		set(C.KILN_COMPONENT_CHAR)
		*(*C.uint32_t)(of) = C.uint32_t(v)
	case ComponentString:
		if !utf8.ValidString(string(v)) {
			return errors.New("string is not UTF-8")
		}
		set(C.KILN_COMPONENT_STRING)
		*(*C.kiln_component_string_t)(of) = w.str(string(v))
	case ComponentEnum:
		set(C.KILN_COMPONENT_ENUM)
		*(*C.kiln_component_string_t)(of) = w.str(string(v))
	case ComponentList:
		set(C.KILN_COMPONENT_LIST)
		l, err := w.list(v)
		*(*C.kiln_component_vallist_t)(of) = l
		return err
	case ComponentTuple:
		set(C.KILN_COMPONENT_TUPLE)
		l, err := w.list(v)
		*(*C.kiln_component_vallist_t)(of) = l
		return err
	case ComponentRecord:
		return w.record(dst, v)
	case ComponentVariant:
		set(C.KILN_COMPONENT_VARIANT)
		c := (*C.kiln_component_valvariant_t)(of)
		c.name = w.str(v.Case)
		p, err := w.payload(v.Payload)
		c.val = p
		if err != nil {
			return fmt.Errorf("case %q: %w", v.Case, err)
		}
	case ComponentOption:
		set(C.KILN_COMPONENT_OPTION)
		p, err := w.payload(v.Value)
		*(**C.kiln_component_val_t)(of) = p
		if err != nil {
			return fmt.Errorf("some: %w", err)
		}
	case ComponentResult:
		set(C.KILN_COMPONENT_RESULT)
		r := (*C.kiln_component_valresult_t)(of)
		r.is_err = C.bool(v.IsErr)
		p, err := w.payload(v.Value)
		r.val = p
		if err != nil {
			return err
		}
	case ComponentFlags:
		set(C.KILN_COMPONENT_FLAGS)
		f := (*C.kiln_component_valflags_t)(of)
		if len(v) > 0 {
			p := (*C.kiln_component_string_t)(w.alloc(uintptr(len(v)) * C.sizeof_kiln_component_string_t))
			names := unsafe.Slice(p, len(v))
			for i, n := range v {
				names[i] = w.str(n)
			}
			f.size, f.data = C.size_t(len(v)), p
		}
	case *ComponentResource:
		if v == nil || v.ptr == nil {
			return errResourceClosed
		}
		set(C.KILN_COMPONENT_RESOURCE)
		*(**C.kiln_component_resource_t)(of) = v.ptr
		if w.owned {
			// Kiln takes the handle object with the result.
			runtime.SetFinalizer(v, nil)
			v.ptr = nil
		}
	case nil:
		return errors.New("nil value")
	default:
		return fmt.Errorf("%T is not a component value", v)
	}
	return nil
}

// record writes a record's fields.
func (w *valWriter) record(dst *C.kiln_component_val_t, fields ComponentRecord) error {
	dst.kind = C.KILN_COMPONENT_RECORD
	r := (*C.kiln_component_valrecord_t)(unsafe.Pointer(&dst.of))
	if len(fields) == 0 {
		return nil
	}
	n := uintptr(len(fields))
	np := (*C.kiln_component_string_t)(w.alloc(n * C.sizeof_kiln_component_string_t))
	vp := (*C.kiln_component_val_t)(w.alloc(n * C.sizeof_kiln_component_val_t))
	names, vals := unsafe.Slice(np, len(fields)), unsafe.Slice(vp, len(fields))
	for i := range vals {
		names[i] = C.kiln_component_string_t{}
		vals[i] = C.kiln_component_val_t{}
	}
	r.size, r.names, r.vals = C.size_t(len(fields)), np, vp
	for i, f := range fields {
		names[i] = w.str(f.Name)
		if err := w.write(&vals[i], f.Value); err != nil {
			return fmt.Errorf("field %q: %w", f.Name, err)
		}
	}
	return nil
}

// goStr copies a C string.
func goStr(s *C.kiln_component_string_t) string {
	if s.size == 0 {
		return ""
	}
	return C.GoStringN(s.data, C.int(s.size))
}

// takeVal reads v as a Go value, taking its resource handles out of it
// (the caller then deletes the rest).
func takeVal(v *C.kiln_component_val_t) (ComponentVal, error) {
	of := unsafe.Pointer(&v.of)
	switch v.kind {
	case C.KILN_COMPONENT_BOOL:
		return ComponentBool(*(*C.bool)(of)), nil
	case C.KILN_COMPONENT_S8:
		return ComponentS8(*(*C.int8_t)(of)), nil
	case C.KILN_COMPONENT_U8:
		return ComponentU8(*(*C.uint8_t)(of)), nil
	case C.KILN_COMPONENT_S16:
		return ComponentS16(*(*C.int16_t)(of)), nil
	case C.KILN_COMPONENT_U16:
		return ComponentU16(*(*C.uint16_t)(of)), nil
	case C.KILN_COMPONENT_S32:
		return ComponentS32(*(*C.int32_t)(of)), nil
	case C.KILN_COMPONENT_U32:
		return ComponentU32(*(*C.uint32_t)(of)), nil
	case C.KILN_COMPONENT_S64:
		return ComponentS64(*(*C.int64_t)(of)), nil
	case C.KILN_COMPONENT_U64:
		return ComponentU64(*(*C.uint64_t)(of)), nil
	case C.KILN_COMPONENT_F32:
		return ComponentF32(*(*C.float)(of)), nil
	case C.KILN_COMPONENT_F64:
		return ComponentF64(*(*C.double)(of)), nil
	case C.KILN_COMPONENT_CHAR:
		return ComponentChar(*(*C.uint32_t)(of)), nil
	case C.KILN_COMPONENT_STRING:
		return ComponentString(goStr((*C.kiln_component_string_t)(of))), nil
	case C.KILN_COMPONENT_ENUM:
		return ComponentEnum(goStr((*C.kiln_component_string_t)(of))), nil
	case C.KILN_COMPONENT_LIST, C.KILN_COMPONENT_TUPLE:
		l := (*C.kiln_component_vallist_t)(of)
		elems := unsafeSlice(l.data, int(l.size))
		items := make([]ComponentVal, len(elems))
		for i := range elems {
			x, err := takeVal(&elems[i])
			if err != nil {
				return nil, err
			}
			items[i] = x
		}
		if v.kind == C.KILN_COMPONENT_TUPLE {
			return ComponentTuple(items), nil
		}
		return ComponentList(items), nil
	case C.KILN_COMPONENT_RECORD:
		r := (*C.kiln_component_valrecord_t)(of)
		names := unsafeSlice(r.names, int(r.size))
		vals := unsafeSlice(r.vals, int(r.size))
		fields := make(ComponentRecord, len(names))
		for i := range names {
			x, err := takeVal(&vals[i])
			if err != nil {
				return nil, err
			}
			fields[i] = ComponentField{Name: goStr(&names[i]), Value: x}
		}
		return fields, nil
	case C.KILN_COMPONENT_VARIANT:
		c := (*C.kiln_component_valvariant_t)(of)
		p, err := takePayload(c.val)
		return ComponentVariant{Case: goStr(&c.name), Payload: p}, err
	case C.KILN_COMPONENT_OPTION:
		p, err := takePayload(*(**C.kiln_component_val_t)(of))
		return ComponentOption{Value: p}, err
	case C.KILN_COMPONENT_RESULT:
		r := (*C.kiln_component_valresult_t)(of)
		p, err := takePayload(r.val)
		return ComponentResult{IsErr: bool(r.is_err), Value: p}, err
	case C.KILN_COMPONENT_FLAGS:
		f := (*C.kiln_component_valflags_t)(of)
		names := unsafeSlice(f.data, int(f.size))
		out := make(ComponentFlags, len(names))
		for i := range names {
			out[i] = goStr(&names[i])
		}
		return out, nil
	case C.KILN_COMPONENT_RESOURCE:
		slot := (**C.kiln_component_resource_t)(of)
		r := newComponentResource(*slot)
		// The handle is the Go value's now; what is left is an empty
		// value for kiln_component_val_delete.
		*slot = nil
		v.kind = C.KILN_COMPONENT_BOOL
		return r, nil
	}
	return nil, fmt.Errorf("unknown component value kind %d", v.kind)
}

// takePayload reads a payload (nil for none).
func takePayload(p *C.kiln_component_val_t) (ComponentVal, error) {
	if p == nil {
		return nil, nil
	}
	return takeVal(p)
}
