package kiln

// #include "kiln_go.h"
import "C"

import (
	"math"
	"runtime/cgo"
	"unsafe"
)

// Val is a WebAssembly value: a number, a function reference or an
// external reference to a Go value.
type Val struct {
	kind ValKind
	bits uint64
	ref  any // *Func for funcref, the Go value for externref
}

// ValI32 returns an i32 value.
func ValI32(val int32) Val { return Val{kind: KindI32, bits: uint64(uint32(val))} }

// ValI64 returns an i64 value.
func ValI64(val int64) Val { return Val{kind: KindI64, bits: uint64(val)} }

// ValF32 returns an f32 value.
func ValF32(val float32) Val { return Val{kind: KindF32, bits: uint64(math.Float32bits(val))} }

// ValF64 returns an f64 value.
func ValF64(val float64) Val { return Val{kind: KindF64, bits: math.Float64bits(val)} }

// ValFuncref returns a funcref value; nil is the null reference.
func ValFuncref(f *Func) Val {
	if f == nil {
		return Val{kind: KindFuncref}
	}
	return Val{kind: KindFuncref, ref: f}
}

// ValExternref returns an externref value referring to val; nil is the
// null reference.
func ValExternref(val any) Val { return Val{kind: KindExternref, ref: val} }

// Kind returns the value's kind.
func (v Val) Kind() ValKind { return v.kind }

// I32 returns the value of an i32; it panics for other kinds.
func (v Val) I32() int32 {
	v.must(KindI32)
	return int32(uint32(v.bits))
}

// I64 returns the value of an i64; it panics for other kinds.
func (v Val) I64() int64 {
	v.must(KindI64)
	return int64(v.bits)
}

// F32 returns the value of an f32; it panics for other kinds.
func (v Val) F32() float32 {
	v.must(KindF32)
	return math.Float32frombits(uint32(v.bits))
}

// F64 returns the value of an f64; it panics for other kinds.
func (v Val) F64() float64 {
	v.must(KindF64)
	return math.Float64frombits(v.bits)
}

// Funcref returns the function of a funcref, nil for the null reference; it
// panics for other kinds.
func (v Val) Funcref() *Func {
	v.must(KindFuncref)
	f, _ := v.ref.(*Func)
	return f
}

// Externref returns the Go value of an externref, nil for the null
// reference; it panics for other kinds.
func (v Val) Externref() any {
	v.must(KindExternref)
	return v.ref
}

// Get returns the value as a Go value: int32, int64, float32, float64,
// *Func or the externref's value (nil for null references).
func (v Val) Get() any {
	switch v.kind {
	case KindI32:
		return v.I32()
	case KindI64:
		return v.I64()
	case KindF32:
		return v.F32()
	case KindF64:
		return v.F64()
	case KindFuncref:
		if f := v.Funcref(); f != nil {
			return f
		}
		return nil
	default:
		return v.ref
	}
}

func (v Val) must(kind ValKind) {
	if v.kind != kind {
		panic("not a " + kind.String() + " value: " + v.kind.String())
	}
}

// cVal is v as a C value of store. References are new handles the caller
// releases with releaseCVal once C has used (or copied) them.
func (v Val) cVal(store *C.wasm_store_t) C.wasm_val_t {
	var out C.wasm_val_t
	out.kind = C.wasm_valkind_t(v.kind)
	// SAFETY: the payload union is 8 bytes, every member at offset 0.
	payload := unsafe.Pointer(&out.of)
	switch v.kind {
	case KindI32, KindF32:
		*(*uint32)(payload) = uint32(v.bits)
	case KindI64, KindF64:
		*(*uint64)(payload) = v.bits
	case KindFuncref:
		var ref *C.wasm_ref_t
		if f, _ := v.ref.(*Func); f != nil && f.ptr != nil {
			ref = C.wasm_func_as_ref(C.wasm_func_copy(f.ptr))
		}
		*(**C.wasm_ref_t)(payload) = ref
	case KindExternref:
		*(**C.wasm_ref_t)(payload) = newExternref(store, v.ref)
	}
	return out
}

// releaseCVal releases the reference a C value owns, if any.
func releaseCVal(v *C.wasm_val_t) {
	if ValKind(v.kind).isNum() {
		return
	}
	if ref := cRef(v); ref != nil {
		C.wasm_ref_delete(ref)
	}
}

// goVal reads a C value of store, taking (and releasing) its reference.
func goVal(store *Store, v *C.wasm_val_t) Val {
	// SAFETY: the payload union is 8 bytes, every member at offset 0.
	payload := unsafe.Pointer(&v.of)
	kind := ValKind(v.kind)
	switch kind {
	case KindI32, KindF32:
		return Val{kind: kind, bits: uint64(*(*uint32)(payload))}
	case KindI64, KindF64:
		return Val{kind: kind, bits: *(*uint64)(payload)}
	case KindFuncref:
		ref := *(**C.wasm_ref_t)(payload)
		if ref == nil {
			return Val{kind: kind}
		}
		return Val{kind: kind, ref: newFunc(store, C.wasm_ref_as_func(ref))}
	default:
		ref := *(**C.wasm_ref_t)(payload)
		if ref == nil {
			return Val{kind: kind}
		}
		val := externrefValue(ref)
		C.wasm_ref_delete(ref)
		return Val{kind: kind, ref: val}
	}
}

// An externref is a foreign object whose host info is a cgo.Handle to the
// Go value; the handle is deleted by the finalizer when wasm and the host
// hold the object no more. A nil Go value is the null reference.
func newExternref(store *C.wasm_store_t, val any) *C.wasm_ref_t {
	if val == nil {
		return nil
	}
	foreign := C.wasm_foreign_new(store)
	h := cgo.NewHandle(val)
	C.kiln_go_foreign_set_handle(foreign, C.uintptr_t(h))
	return C.wasm_foreign_as_ref(foreign)
}

func externrefValue(ref *C.wasm_ref_t) any {
	info := C.wasm_ref_get_host_info(ref)
	if info == nil {
		return nil
	}
	return ptrToHandle(info).Value()
}
