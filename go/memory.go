package kiln

// #include <kiln.h>
import "C"

import (
	"runtime"
	"unsafe"
)

// Memory is a WebAssembly linear memory.
type Memory struct {
	ptr   *C.wasm_memory_t
	store *Store
}

func newMemory(store *Store, ptr *C.wasm_memory_t) *Memory {
	m := &Memory{ptr: ptr, store: store}
	runtime.SetFinalizer(m, (*Memory).finalize)
	return m
}

// NewMemory makes a memory of type ty in store.
func NewMemory(store Storelike, ty *MemoryType) (*Memory, error) {
	s := store.store()
	var m *Memory
	err := s.useErr(func(ptr *C.wasm_store_t) error {
		cty, err := ty.cMemoryType()
		if err != nil {
			return err
		}
		var mptr *C.wasm_memory_t
		err = takeError(C.kiln_memory_new(ptr, cty, &mptr))
		C.wasm_memorytype_delete(cty)
		if err != nil {
			return err
		}
		m = newMemory(s, mptr)
		return nil
	})
	return m, err
}

// Close releases the handle. Safe to call twice.
func (m *Memory) Close() { m.release(false) }

// finalize is the backstop for a Memory the program did not close: its handle
// is released by the goroutine using the store.
func (m *Memory) finalize() { m.release(true) }

func (m *Memory) release(finalizing bool) {
	if m.ptr == nil {
		return
	}
	runtime.SetFinalizer(m, nil)
	ptr := m.ptr
	m.ptr = nil
	release := func() { C.wasm_memory_delete(ptr) }
	m.store.drop(release, finalizing)
}

// AsExtern returns the memory as an extern.
func (m *Memory) AsExtern() *Extern {
	return &Extern{ptr: C.wasm_memory_as_extern(m.ptr), store: m.store, owner: m}
}

// Type returns the memory's type.
func (m *Memory) Type(store Storelike) *MemoryType {
	var ty *MemoryType
	on(store, m.store).use(func(*C.wasm_store_t) {
		cty := C.wasm_memory_type(m.ptr)
		ty = goMemoryType(cty)
		C.wasm_memorytype_delete(cty)
	})
	runtime.KeepAlive(m)
	return ty
}

// Size returns the memory's size in 64 KiB pages.
func (m *Memory) Size(store Storelike) uint64 {
	var n uint64
	on(store, m.store).use(func(*C.wasm_store_t) { n = uint64(C.wasm_memory_size(m.ptr)) })
	runtime.KeepAlive(m)
	return n
}

// DataSize returns the memory's size in bytes.
func (m *Memory) DataSize(store Storelike) uintptr {
	var n uintptr
	on(store, m.store).use(func(*C.wasm_store_t) { n = uintptr(C.wasm_memory_data_size(m.ptr)) })
	runtime.KeepAlive(m)
	return n
}

// Data returns a pointer to the memory's first byte. Like UnsafeData, it
// is valid only until the memory grows (by Grow or by wasm's memory.grow,
// which any call into wasm may run) and while the memory is reachable.
func (m *Memory) Data(store Storelike) unsafe.Pointer {
	var p unsafe.Pointer
	on(store, m.store).use(func(*C.wasm_store_t) { p = unsafe.Pointer(C.wasm_memory_data(m.ptr)) })
	runtime.KeepAlive(m)
	return p
}

// UnsafeData returns the memory's bytes as a slice that aliases linear
// memory: writes are seen by wasm, and wasm's writes by the slice. The
// slice is invalid once the memory grows (Grow, or memory.grow in any
// call into wasm) — re-fetch it after — and the program must keep the
// Memory reachable (runtime.KeepAlive) while it uses the slice. A growth
// past the memory's reservation moves it (Config.SetMemoryMayMove, on by
// default, matters only with a reservation under 4 GiB): a slice fetched
// before then points at unmapped bytes, and using it crashes the process.
func (m *Memory) UnsafeData(store Storelike) []byte {
	var out []byte
	on(store, m.store).use(func(*C.wasm_store_t) {
		p := C.wasm_memory_data(m.ptr)
		n := int(C.wasm_memory_data_size(m.ptr))
		if p != nil && n > 0 {
			// SAFETY: linear memory is n bytes at p, mapped until the
			// memory grows or its store is freed: the documented life of
			// the slice.
			out = unsafe.Slice((*byte)(unsafe.Pointer(p)), n)
		}
	})
	runtime.KeepAlive(m)
	return out
}

// Grow adds delta pages, returning the previous size in pages; an error if
// the memory cannot grow that much.
func (m *Memory) Grow(store Storelike, delta uint64) (uint64, error) {
	var prev uint64
	err := on(store, m.store).useErr(func(*C.wasm_store_t) error {
		prev = uint64(C.wasm_memory_size(m.ptr))
		if delta > 0xffffffff || !C.wasm_memory_grow(m.ptr, C.wasm_memory_pages_t(delta)) {
			return errorf("failed to grow memory by `%d`", delta)
		}
		return nil
	})
	runtime.KeepAlive(m)
	return prev, err
}
