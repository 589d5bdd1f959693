package kiln

// #include <kiln.h>
import "C"

import "runtime"

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
	ptr := C.kiln_caller_export_get(c.ptr, cStr(name), C.size_t(len(name)))
	runtime.KeepAlive(name)
	if ptr == nil {
		return nil
	}
	return newExtern(c.s, ptr)
}
