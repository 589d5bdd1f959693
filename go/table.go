package kiln

// #include <kiln.h>
import "C"

import (
	"runtime"
	"unsafe"
)

// Table is a WebAssembly table of references.
type Table struct {
	ptr   *C.wasm_table_t
	store *Store
}

func newTable(store *Store, ptr *C.wasm_table_t) *Table {
	t := &Table{ptr: ptr, store: store}
	runtime.SetFinalizer(t, (*Table).finalize)
	return t
}

// NewTable makes a table of type ty in store, every element init.
func NewTable(store Storelike, ty *TableType, init Val) (*Table, error) {
	if init.kind != ty.element.kind {
		return nil, errorf("table of %s cannot hold a value of type %s", ty.element.kind, init.kind)
	}
	s := store.store()
	var t *Table
	err := s.useErr(func(ptr *C.wasm_store_t) error {
		cty := ty.cTableType()
		cval := init.cVal(ptr)
		var tptr *C.wasm_table_t
		err := takeError(C.kiln_table_new(ptr, cty, cRef(&cval), &tptr))
		releaseCVal(&cval)
		C.wasm_tabletype_delete(cty)
		if err != nil {
			return err
		}
		t = newTable(s, tptr)
		return nil
	})
	return t, err
}

// cRef is the reference a C value of a reference type holds.
func cRef(v *C.wasm_val_t) *C.wasm_ref_t {
	return *refSlot(v)
}

// refSlot is the reference member of a C value's payload union.
func refSlot(v *C.wasm_val_t) **C.wasm_ref_t {
	// SAFETY: wasm_val_t's payload is a union whose ref member is a
	// pointer at offset 0; cgo shows the union as bytes.
	return (**C.wasm_ref_t)(unsafe.Pointer(&v.of))
}

// Close releases the handle. Safe to call twice.
func (t *Table) Close() { t.release(false) }

// finalize is the backstop for a Table the program did not close: its handle
// is released by the goroutine using the store.
func (t *Table) finalize() { t.release(true) }

func (t *Table) release(finalizing bool) {
	if t.ptr == nil {
		return
	}
	runtime.SetFinalizer(t, nil)
	ptr := t.ptr
	t.ptr = nil
	release := func() { C.wasm_table_delete(ptr) }
	t.store.drop(release, finalizing)
}

// AsExtern returns the table as an extern.
func (t *Table) AsExtern() *Extern {
	return &Extern{ptr: C.wasm_table_as_extern(t.ptr), store: t.store, owner: t}
}

// Type returns the table's type.
func (t *Table) Type(store Storelike) *TableType {
	var ty *TableType
	on(store, t.store).use(func(*C.wasm_store_t) {
		cty := C.wasm_table_type(t.ptr)
		ty = goTableType(cty)
		C.wasm_tabletype_delete(cty)
	})
	runtime.KeepAlive(t)
	return ty
}

// Size returns the number of elements.
func (t *Table) Size(store Storelike) uint64 {
	var n uint64
	on(store, t.store).use(func(*C.wasm_store_t) { n = uint64(C.wasm_table_size(t.ptr)) })
	runtime.KeepAlive(t)
	return n
}

// Get returns element idx; an error if it is out of bounds.
func (t *Table) Get(store Storelike, idx uint64) (Val, error) {
	s := on(store, t.store)
	kind := t.Type(store).element.kind
	var v Val
	err := s.useErr(func(*C.wasm_store_t) error {
		if idx >= uint64(C.wasm_table_size(t.ptr)) {
			return errorf("table index %d out of bounds", idx)
		}
		cv := C.wasm_val_t{kind: C.wasm_valkind_t(kind)}
		*refSlot(&cv) = C.wasm_table_get(t.ptr, C.wasm_table_size_t(idx))
		v = goVal(s, &cv)
		return nil
	})
	runtime.KeepAlive(t)
	return v, err
}

// Set sets element idx to val; an error if it is out of bounds or val has
// another type.
func (t *Table) Set(store Storelike, idx uint64, val Val) error {
	kind := t.Type(store).element.kind
	if val.kind != kind {
		return errorf("table of %s cannot hold a value of type %s", kind, val.kind)
	}
	err := on(store, t.store).useErr(func(ptr *C.wasm_store_t) error {
		if idx > 0xffffffff {
			return errorf("table index %d out of bounds", idx)
		}
		cval := val.cVal(ptr)
		ok := C.wasm_table_set(t.ptr, C.wasm_table_size_t(idx), cRef(&cval))
		releaseCVal(&cval)
		if !ok {
			return errorf("table index %d out of bounds", idx)
		}
		return nil
	})
	runtime.KeepAlive(t)
	return err
}

// Grow adds delta elements set to init, returning the previous size.
func (t *Table) Grow(store Storelike, delta uint64, init Val) (uint64, error) {
	kind := t.Type(store).element.kind
	if init.kind != kind {
		return 0, errorf("table of %s cannot hold a value of type %s", kind, init.kind)
	}
	var prev uint64
	err := on(store, t.store).useErr(func(ptr *C.wasm_store_t) error {
		prev = uint64(C.wasm_table_size(t.ptr))
		if delta > 0xffffffff {
			return errorf("cannot grow the table by %d", delta)
		}
		cval := init.cVal(ptr)
		ok := C.wasm_table_grow(t.ptr, C.wasm_table_size_t(delta), cRef(&cval))
		releaseCVal(&cval)
		if !ok {
			return errorf("cannot grow the table by %d", delta)
		}
		return nil
	})
	runtime.KeepAlive(t)
	return prev, err
}
