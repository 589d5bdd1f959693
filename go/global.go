package kiln

// #include <kiln.h>
import "C"

import "runtime"

// Global is a WebAssembly global variable.
type Global struct {
	ptr   *C.wasm_global_t
	store *Store
}

func newGlobal(store *Store, ptr *C.wasm_global_t) *Global {
	g := &Global{ptr: ptr, store: store}
	runtime.SetFinalizer(g, (*Global).finalize)
	return g
}

// NewGlobal makes a global of type ty holding val in store.
func NewGlobal(store Storelike, ty *GlobalType, val Val) (*Global, error) {
	if val.kind != ty.content.kind {
		return nil, errorf("global of type %s cannot hold a value of type %s", ty.content.kind, val.kind)
	}
	s := store.store()
	var g *Global
	err := s.useErr(func(ptr *C.wasm_store_t) error {
		cty := ty.cGlobalType()
		cval := val.cVal(ptr)
		gptr := C.wasm_global_new(ptr, cty, &cval)
		releaseCVal(&cval)
		C.wasm_globaltype_delete(cty)
		if gptr == nil {
			return errorf("cannot make a global of type %s", ty.content.kind)
		}
		g = newGlobal(s, gptr)
		return nil
	})
	return g, err
}

// Close releases the handle. Safe to call twice.
func (g *Global) Close() { g.release(false) }

// finalize is the backstop for a Global the program did not close: its handle
// is released by the goroutine using the store.
func (g *Global) finalize() { g.release(true) }

func (g *Global) release(finalizing bool) {
	if g.ptr == nil {
		return
	}
	runtime.SetFinalizer(g, nil)
	ptr := g.ptr
	g.ptr = nil
	release := func() { C.wasm_global_delete(ptr) }
	g.store.drop(release, finalizing)
}

// AsExtern returns the global as an extern.
func (g *Global) AsExtern() *Extern {
	return &Extern{ptr: C.wasm_global_as_extern(g.ptr), store: g.store, owner: g}
}

// Type returns the global's type.
func (g *Global) Type(store Storelike) *GlobalType {
	var ty *GlobalType
	on(store, g.store).use(func(*C.wasm_store_t) {
		cty := C.wasm_global_type(g.ptr)
		ty = goGlobalType(cty)
		C.wasm_globaltype_delete(cty)
	})
	runtime.KeepAlive(g)
	return ty
}

// Get returns the global's value.
func (g *Global) Get(store Storelike) Val {
	s := on(store, g.store)
	var v Val
	s.use(func(*C.wasm_store_t) {
		var out C.wasm_val_t
		C.wasm_global_get(g.ptr, &out)
		v = goVal(s, &out)
	})
	runtime.KeepAlive(g)
	return v
}

// Set sets the global's value; an error if the global is immutable or
// val has another type.
func (g *Global) Set(store Storelike, val Val) error {
	ty := g.Type(store)
	if !ty.mutable {
		return errorf("global is immutable")
	}
	if val.kind != ty.content.kind {
		return errorf("global of type %s cannot hold a value of type %s", ty.content.kind, val.kind)
	}
	err := on(store, g.store).useErr(func(ptr *C.wasm_store_t) error {
		cval := val.cVal(ptr)
		C.wasm_global_set(g.ptr, &cval)
		releaseCVal(&cval)
		return nil
	})
	runtime.KeepAlive(g)
	return err
}
