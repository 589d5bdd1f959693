package kiln

// #include <kiln.h>
import "C"

import "runtime"

// Extern is something an instance imports or exports: a function, global,
// table or memory.
type Extern struct {
	ptr   *C.wasm_extern_t
	store *Store
	// owner is the object this extern is a view of (nil: the extern owns
	// its handle).
	owner any
}

// AsExtern is implemented by what can be imported: *Func, *Global,
// *Table, *Memory and *Extern.
type AsExtern interface {
	AsExtern() *Extern
}

// newExtern wraps an owned C extern of store.
func newExtern(store *Store, ptr *C.wasm_extern_t) *Extern {
	e := &Extern{ptr: ptr, store: store}
	runtime.SetFinalizer(e, (*Extern).finalize)
	return e
}

// Close releases the handle. Safe to call twice.
func (e *Extern) Close() { e.release(false) }

// finalize is the backstop for an Extern the program did not close: its handle
// is released by the goroutine using the store.
func (e *Extern) finalize() { e.release(true) }

func (e *Extern) release(finalizing bool) {
	if e.ptr == nil {
		return
	}
	runtime.SetFinalizer(e, nil)
	ptr := e.ptr
	e.ptr = nil
	if e.owner == nil {
		release := func() { C.wasm_extern_delete(ptr) }
		e.store.drop(release, finalizing)
	}
}

// AsExtern returns e.
func (e *Extern) AsExtern() *Extern { return e }

// Type returns the extern's type.
func (e *Extern) Type(store Storelike) *ExternType {
	var ty *ExternType
	on(store, e.store).use(func(*C.wasm_store_t) {
		cty := C.wasm_extern_type(e.ptr)
		ty = goExternType(cty)
		C.wasm_externtype_delete(cty)
	})
	runtime.KeepAlive(e)
	return ty
}

func (e *Extern) kind() C.wasm_externkind_t {
	k := C.wasm_extern_kind(e.ptr)
	runtime.KeepAlive(e)
	return k
}

// Func returns the function, or nil if this is another kind of extern.
func (e *Extern) Func() *Func {
	if e.kind() != C.WASM_EXTERN_FUNC {
		return nil
	}
	var f *Func
	e.store.use(func(*C.wasm_store_t) {
		f = newFunc(e.store, C.wasm_func_copy(C.wasm_extern_as_func(e.ptr)))
	})
	runtime.KeepAlive(e)
	return f
}

// Global returns the global, or nil if this is another kind of extern.
func (e *Extern) Global() *Global {
	if e.kind() != C.WASM_EXTERN_GLOBAL {
		return nil
	}
	var g *Global
	e.store.use(func(*C.wasm_store_t) {
		g = newGlobal(e.store, C.wasm_global_copy(C.wasm_extern_as_global(e.ptr)))
	})
	runtime.KeepAlive(e)
	return g
}

// Table returns the table, or nil if this is another kind of extern.
func (e *Extern) Table() *Table {
	if e.kind() != C.WASM_EXTERN_TABLE {
		return nil
	}
	var t *Table
	e.store.use(func(*C.wasm_store_t) {
		t = newTable(e.store, C.wasm_table_copy(C.wasm_extern_as_table(e.ptr)))
	})
	runtime.KeepAlive(e)
	return t
}

// Memory returns the memory, or nil if this is another kind of extern.
func (e *Extern) Memory() *Memory {
	if e.kind() != C.WASM_EXTERN_MEMORY {
		return nil
	}
	var m *Memory
	e.store.use(func(*C.wasm_store_t) {
		m = newMemory(e.store, C.wasm_memory_copy(C.wasm_extern_as_memory(e.ptr)))
	})
	runtime.KeepAlive(e)
	return m
}
