package kiln

// The C side of host functions: the entry points C calls. A file with
// //export may only declare in its preamble, so the calls that pass these
// entry points to C are in func.go and linker.go.

// #include <kiln.h>
import "C"

import "unsafe"

// kilnGoStoreFunc is the callback of host functions made in a store
// (NewFunc, WrapFunc); env is the function's index in Store.funcs.
//
//export kilnGoStoreFunc
func kilnGoStoreFunc(env unsafe.Pointer, caller *C.kiln_caller_t, args *C.wasm_val_vec_t, results *C.wasm_val_vec_t) *C.wasm_trap_t {
	s := storeOf(C.kiln_caller_store(caller))
	if s == nil {
		return cTrap(nil, "kiln: host function called in a store the Go program dropped")
	}
	hf := s.funcs[uintptr(env)]
	return runHost(hf, caller, unsafeSlice(args.data, int(args.size)), unsafeSlice(results.data, int(results.size)))
}

// kilnGoLinkerFunc is the callback of host functions defined in a linker;
// env is a cgo.Handle of the *hostFunc, deleted by the C finalizer.
//
//export kilnGoLinkerFunc
func kilnGoLinkerFunc(env unsafe.Pointer, caller *C.kiln_caller_t, args *C.wasm_val_vec_t, results *C.wasm_val_vec_t) *C.wasm_trap_t {
	hf := ptrToHandle(env).Value().(*hostFunc)
	return runHost(hf, caller, unsafeSlice(args.data, int(args.size)), unsafeSlice(results.data, int(results.size)))
}
