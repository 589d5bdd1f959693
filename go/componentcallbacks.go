package kiln

// The C side of component host functions and host resource destructors
// (component.go defines them in a linker).

// #include "kiln_go.h"
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"
)

// kilnGoComponentFunc is the callback of component host functions; env is
// a cgo.Handle of the ComponentHostFunc, deleted by the C finalizer.
//
//export kilnGoComponentFunc
func kilnGoComponentFunc(env unsafe.Pointer, cx *C.kiln_component_cx_t, slots *C.kiln_val_raw_t, nslots C.size_t) *C.wasm_trap_t {
	f := ptrToHandle(env).Value().(ComponentHostFunc)
	sptr := C.kiln_component_cx_store(cx)
	s := storeOfData(C.kiln_store_get_data(sptr))
	if s == nil {
		return cTrap(sptr, droppedStore)
	}
	call := &ComponentCall{ptr: cx, store: s}
	defer func() { call.ptr = nil }()
	// SAFETY: RawSlot has kiln_val_raw_t's layout, and C passes nslots
	// slots alive until the callback returns.
	view := unsafeSlice((*RawSlot)(unsafe.Pointer(slots)), int(nslots))
	return componentHostResult(sptr, func() error { return f(call, view) })
}

// kilnGoComponentFuncNew is the callback of component host functions of
// values; env is a cgo.Handle of the ComponentFuncNew, deleted by the C
// finalizer.
//
//export kilnGoComponentFuncNew
func kilnGoComponentFuncNew(env unsafe.Pointer, sptr *C.wasm_store_t, args *C.kiln_component_val_t, nargs C.size_t, results *C.kiln_component_val_t, nresults C.size_t) *C.wasm_trap_t {
	f := ptrToHandle(env).Value().(ComponentFuncNew)
	s := storeOfData(C.kiln_store_get_data(sptr))
	if s == nil {
		return cTrap(sptr, droppedStore)
	}
	// SAFETY: C passes nargs arguments and nresults results, alive until
	// the callback returns.
	argv := unsafeSlice(args, int(nargs))
	resv := unsafeSlice(results, int(nresults))
	return componentHostResult(sptr, func() error { return runFuncNew(f, s, argv, resv) })
}

// kilnGoComponentDestructor is the destructor of host resources; env is
// a cgo.Handle of the destructor, deleted by the C finalizer.
//
//export kilnGoComponentDestructor
func kilnGoComponentDestructor(env unsafe.Pointer, rep C.uint32_t) *C.wasm_trap_t {
	f := ptrToHandle(env).Value().(func(uint32) error)
	return componentHostResult(nil, func() error { return f(uint32(rep)) })
}

// componentHostResult runs a host body, turning its error (or panic) into
// a trap that carries the error itself, so that the call wasm unwinds to
// returns it as it is (takeTrap).
func componentHostResult(sptr *C.wasm_store_t, body func() error) (trap *C.wasm_trap_t) {
	defer func() {
		if r := recover(); r != nil {
			trap = errorTrap(sptr, fmt.Errorf("go panicked in a component host function: %v", r))
		}
	}()
	if err := body(); err != nil {
		return errorTrap(sptr, err)
	}
	return nil
}

// errorTrap is an owned C trap with err's message, carrying err.
func errorTrap(sptr *C.wasm_store_t, err error) *C.wasm_trap_t {
	trap := cTrap(sptr, err.Error())
	C.kiln_go_trap_set_error(trap, C.uintptr_t(cgo.NewHandle(err)))
	return trap
}
