package kiln

// #include <kiln.h>
import "C"

import "errors"

// MemoryType is a linear memory's type: its limits in 64 KiB pages,
// whether it is 64-bit and whether it is shared.
type MemoryType struct {
	min    uint64
	hasMax bool
	max    uint64
	is64   bool
	shared bool
}

// NewMemoryType returns the type of a 32-bit memory of at least min pages,
// and at most max if hasMax.
func NewMemoryType(min uint32, hasMax bool, max uint32, shared bool) (*MemoryType, error) {
	if shared && !hasMax {
		return nil, errors.New("shared memories must have a maximum size")
	}
	return &MemoryType{min: uint64(min), hasMax: hasMax, max: uint64(max), shared: shared}, nil
}

// NewMemoryType64 returns the type of a 64-bit memory (memory64).
func NewMemoryType64(min uint64, hasMax bool, max uint64, shared bool) (*MemoryType, error) {
	if shared && !hasMax {
		return nil, errors.New("shared memories must have a maximum size")
	}
	return &MemoryType{min: min, hasMax: hasMax, max: max, is64: true, shared: shared}, nil
}

// Minimum returns the minimum size in pages.
func (ty *MemoryType) Minimum() uint64 { return ty.min }

// Maximum returns whether there is a maximum size, and the maximum in pages.
func (ty *MemoryType) Maximum() (bool, uint64) { return ty.hasMax, ty.max }

// Is64 reports whether the memory is 64-bit.
func (ty *MemoryType) Is64() bool { return ty.is64 }

// IsShared reports whether the memory is shared.
func (ty *MemoryType) IsShared() bool { return ty.shared }

// AsExternType returns the type as an extern type.
func (ty *MemoryType) AsExternType() *ExternType { return &ExternType{memory: ty} }

// Close does nothing: a MemoryType holds no native resources.
func (ty *MemoryType) Close() {}

// cMemoryType is an owned C memory type; the standard C API describes
// 32-bit unshared memories only.
func (ty *MemoryType) cMemoryType() (*C.wasm_memorytype_t, error) {
	if ty.is64 || ty.shared || ty.min > 0xffffffff || (ty.hasMax && ty.max >= 0xffffffff) {
		return nil, errors.New("kiln's Go package makes 32-bit unshared memories only")
	}
	limits := C.wasm_limits_t{min: C.uint32_t(ty.min), max: limitsMaxDefault}
	if ty.hasMax {
		limits.max = C.uint32_t(ty.max)
	}
	return C.wasm_memorytype_new(&limits), nil
}

func goMemoryType(ty *C.wasm_memorytype_t) *MemoryType {
	limits := C.wasm_memorytype_limits(ty)
	out := &MemoryType{min: uint64(limits.min)}
	if limits.max != limitsMaxDefault {
		out.hasMax, out.max = true, uint64(limits.max)
	}
	return out
}
