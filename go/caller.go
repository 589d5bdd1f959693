package kiln

/*
#include <kiln.h>
extern wasm_trap_t *kilnGoStoreFunc(void *, kiln_caller_t *, wasm_val_vec_t *, wasm_val_vec_t *);
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Caller is what a host function sees of the wasm that called it: the
// store (Caller is Storelike) and the calling instance's exports. It is
// valid only while the host function runs.
type Caller struct {
	s   *Store
	ptr *C.kiln_caller_t
}

func (c *Caller) store() *Store { return c.s }

// Data returns the store's host data.
func (c *Caller) Data() any { return c.s.data }

// GetExport returns the export name of the calling instance, or nil if it
// has none (or the host called the function).
func (c *Caller) GetExport(name string) *Extern {
	if c.ptr == nil {
		panic("a Caller is valid only while its host function runs")
	}
	ptr := C.kiln_caller_export_get(c.ptr, (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(name))), C.size_t(len(name)))
	runtime.KeepAlive(name)
	if ptr == nil {
		return nil
	}
	return newExtern(c.s, ptr)
}

// newHostFunc makes a host function in s whose body is hf.
func newHostFunc(s *Store, hf *hostFunc) *Func {
	var f *Func
	s.use(func(ptr *C.wasm_store_t) {
		index := len(s.funcs)
		s.funcs = append(s.funcs, hf)
		cty := hf.ty.cFuncType()
		fptr := C.kiln_func_new_with_caller(ptr, cty, (*[0]byte)(C.kilnGoStoreFunc),
			envOf(uintptr(index)), nil)
		C.wasm_functype_delete(cty)
		f = newFunc(s, fptr)
	})
	return f
}
