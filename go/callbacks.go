package kiln

// The C side of host functions: the entry points C calls. A file with
// //export may only declare in its preamble, so the calls that pass these
// entry points to C are in hostfunc.go and linker.go.

// #include <kiln.h>
import "C"

import "unsafe"

// kilnGoStoreFunc is the callback of host functions made in a store
// (NewFunc, WrapFunc) with references; env is the function's index in
// Store.funcs, and storeData names the store (storeData).
//
//export kilnGoStoreFunc
func kilnGoStoreFunc(env unsafe.Pointer, caller *C.kiln_caller_t, storeData unsafe.Pointer, args *C.wasm_val_vec_t, results *C.wasm_val_vec_t) *C.wasm_trap_t {
	s, index := storeOfData(storeData), int(uintptr(env))
	if s == nil {
		return cTrap(nil, droppedStore)
	}
	return runHost(s, s.funcs[index], caller, unsafeSlice(args.data, int(args.size)), unsafeSlice(results.data, int(results.size)))
}

// kilnGoStoreRawFunc is the callback of host functions of numbers made in
// a store, over raw slots.
//
//export kilnGoStoreRawFunc
func kilnGoStoreRawFunc(env unsafe.Pointer, caller *C.kiln_caller_t, storeData unsafe.Pointer, slots *C.kiln_val_raw_t, nslots C.size_t) *C.wasm_trap_t {
	s, index := storeOfData(storeData), int(uintptr(env))
	if s == nil {
		return cTrap(nil, droppedStore)
	}
	// SAFETY: C passes the call's slots, alive until the callback returns.
	return runRawHost(s, s.funcs[index], caller, unsafe.Pointer(slots))
}

// kilnGoLinkerFunc is the callback of host functions with references
// defined in a linker; env is a cgo.Handle of the *hostFunc, deleted by
// the C finalizer.
//
//export kilnGoLinkerFunc
func kilnGoLinkerFunc(env unsafe.Pointer, caller *C.kiln_caller_t, storeData unsafe.Pointer, args *C.wasm_val_vec_t, results *C.wasm_val_vec_t) *C.wasm_trap_t {
	s := storeOfData(storeData)
	if s == nil {
		return cTrap(nil, droppedStore)
	}
	hf := ptrToHandle(env).Value().(*hostFunc)
	return runHost(s, hf, caller, unsafeSlice(args.data, int(args.size)), unsafeSlice(results.data, int(results.size)))
}

// kilnGoLinkerRawFunc is the callback of host functions of numbers defined
// in a linker, over raw slots.
//
//export kilnGoLinkerRawFunc
func kilnGoLinkerRawFunc(env unsafe.Pointer, caller *C.kiln_caller_t, storeData unsafe.Pointer, slots *C.kiln_val_raw_t, nslots C.size_t) *C.wasm_trap_t {
	s := storeOfData(storeData)
	if s == nil {
		return cTrap(nil, droppedStore)
	}
	hf := ptrToHandle(env).Value().(*hostFunc)
	// SAFETY: C passes the call's slots, alive until the callback returns.
	return runRawHost(s, hf, caller, unsafe.Pointer(slots))
}
