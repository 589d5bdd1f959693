package kiln

// The C side of component host functions and host resource destructors
// (component.go defines them in a linker).

// #include "kiln_go.h"
import "C"

import (
	"fmt"
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
	return componentHostResult(s, sptr, func() error { return f(call, view) })
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
	return componentHostResult(s, sptr, func() error { return runFuncNew(f, s, argv, resv) })
}

// kilnGoComponentDestructor is the destructor of host resources; env is
// a cgo.Handle of the destructor, deleted by the C finalizer.
//
//export kilnGoComponentDestructor
func kilnGoComponentDestructor(env unsafe.Pointer, rep C.uint32_t) *C.wasm_trap_t {
	f := ptrToHandle(env).Value().(func(uint32) error)
	return componentHostResult(nil, nil, func() error { return f(uint32(rep)) })
}

// componentHostResult runs a host body, turning its error (or panic) into
// a trap. The error is kept in s for the export call it stops, which
// returns it as it is.
func componentHostResult(s *Store, sptr *C.wasm_store_t, body func() error) (trap *C.wasm_trap_t) {
	defer func() {
		if r := recover(); r != nil {
			err := fmt.Errorf("go panicked in a component host function: %v", r)
			if s != nil {
				s.componentErr = err
			}
			trap = cTrap(sptr, err.Error())
		}
	}()
	if err := body(); err != nil {
		if s != nil {
			s.componentErr = err
		}
		return cTrap(sptr, err.Error())
	}
	return nil
}
