package kiln

/*
#include <kiln.h>

static wasm_instance_t *kiln_go_instance_new(wasm_store_t *store, const wasm_module_t *module,
                                             wasm_extern_t **imports, size_t n, wasm_trap_t **trap) {
	wasm_extern_vec_t vec = {n, imports};
	return wasm_instance_new(store, module, &vec, trap);
}
*/
import "C"

import "runtime"

// Instance is an instantiated module: its exports live in a store.
type Instance struct {
	ptr   *C.wasm_instance_t
	store *Store
}

func newInstance(store *Store, ptr *C.wasm_instance_t) *Instance {
	i := &Instance{ptr: ptr, store: store}
	runtime.SetFinalizer(i, (*Instance).finalize)
	return i
}

// NewInstance instantiates module in store with imports, in the order of
// the module's imports, and runs its start function. A trap in the start
// function is a *Trap; missing or mistyped imports are an *Error.
func NewInstance(store Storelike, module *Module, imports []AsExtern) (*Instance, error) {
	s := store.store()
	var inst *Instance
	err := s.useErr(func(ptr *C.wasm_store_t) error {
		externs := make([]*C.wasm_extern_t, len(imports))
		for i, imp := range imports {
			externs[i] = imp.AsExtern().ptr
		}
		var first **C.wasm_extern_t
		if len(externs) > 0 {
			first = &externs[0]
		}
		var trap *C.wasm_trap_t
		s.depth++
		iptr := C.kiln_go_instance_new(ptr, module.live(), first, C.size_t(len(externs)), &trap)
		s.depth--
		runtime.KeepAlive(imports)
		runtime.KeepAlive(module)
		if trap != nil {
			err := takeTrap(trap)
			s.repanic()
			return err
		}
		if iptr == nil {
			return errorf("cannot instantiate the module")
		}
		inst = newInstance(s, iptr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return inst, nil
}

// Close releases the handle. Safe to call twice.
func (i *Instance) Close() { i.release(false) }

// finalize is the backstop for an Instance the program did not close: its handle
// is released by the goroutine using the store.
func (i *Instance) finalize() { i.release(true) }

func (i *Instance) release(finalizing bool) {
	if i.ptr == nil {
		return
	}
	runtime.SetFinalizer(i, nil)
	ptr := i.ptr
	i.ptr = nil
	release := func() { C.wasm_instance_delete(ptr) }
	i.store.drop(release, finalizing)
}

// Exports returns the instance's exports, in the module's order.
func (i *Instance) Exports(store Storelike) []*Extern {
	s := on(store, i.store)
	var out []*Extern
	s.use(func(*C.wasm_store_t) {
		var vec C.wasm_extern_vec_t
		C.wasm_instance_exports(i.ptr, &vec)
		for _, e := range unsafeSlice(vec.data, int(vec.size)) {
			out = append(out, newExtern(s, C.wasm_extern_copy(e)))
		}
		C.wasm_extern_vec_delete(&vec)
	})
	runtime.KeepAlive(i)
	return out
}

// GetExport returns the export name, or nil if there is none.
func (i *Instance) GetExport(store Storelike, name string) *Extern {
	s := on(store, i.store)
	var found *Extern
	s.use(func(*C.wasm_store_t) {
		ptr := C.kiln_instance_export_get(i.ptr, cStr(name), C.size_t(len(name)))
		if ptr != nil {
			found = newExtern(s, ptr)
		}
	})
	runtime.KeepAlive(name)
	runtime.KeepAlive(i)
	return found
}

// GetFunc returns the exported function name, or nil if there is no
// function of that name.
func (i *Instance) GetFunc(store Storelike, name string) *Func {
	e := i.GetExport(store, name)
	if e == nil {
		return nil
	}
	// The Func holds a handle of its own: release the Extern's now rather
	// than leave it to a finalizer (it keeps the store, and a pooled
	// instance's slots, alive).
	defer e.Close()
	return e.Func()
}
