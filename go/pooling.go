package kiln

// #include <kiln.h>
import "C"

import "runtime"

// PoolingAllocationConfig holds the limits of the pooling allocator, which
// Config.SetPoolingAllocationStrategy turns on: how many instances,
// memories and tables may be live at once across every store of an
// engine, how large each memory and table may grow, and how much of a
// freed slot stays resident.
//
// Going past a limit is an *Error from NewInstance (or NewMemory,
// NewTable) naming it in Wasmtime's words: "maximum concurrent limit of 2
// for core instances reached" (or "for memories", "for tables"). A store
// gives its slots back when it is closed and every handle of it
// (Instance, Func, Memory, Extern, ...) is closed too; handles left to
// finalizers keep the slots until the garbage collector runs. A reused
// memory slot is zeroed: the next tenant never sees the last one's bytes.
// Limits a slot cannot hold (MaxMemorySize past 4 GiB, more slots than
// the address space holds) make NewEngineWithConfig panic, naming the
// setting.
type PoolingAllocationConfig struct {
	ptr *C.kiln_pooling_allocation_config_t
}

// NewPoolingAllocationConfig returns the default limits: 100,000 live
// instances, memories and tables, memories of up to 256 MiB and tables of
// up to 20,000 elements, nothing kept resident.
func NewPoolingAllocationConfig() *PoolingAllocationConfig {
	pool := &PoolingAllocationConfig{ptr: C.kiln_pooling_allocation_config_new()}
	runtime.SetFinalizer(pool, (*PoolingAllocationConfig).Close)
	return pool
}

// Close releases the limits; configs they were given to keep their copy.
// Safe to call twice.
func (pool *PoolingAllocationConfig) Close() {
	if pool.ptr == nil {
		return
	}
	runtime.SetFinalizer(pool, nil)
	C.kiln_pooling_allocation_config_delete(pool.ptr)
	pool.ptr = nil
}

func (pool *PoolingAllocationConfig) live() *C.kiln_pooling_allocation_config_t {
	if pool.ptr == nil {
		panic(errClosed)
	}
	return pool.ptr
}

func (pool *PoolingAllocationConfig) set(f func(*C.kiln_pooling_allocation_config_t)) {
	f(pool.live())
	runtime.KeepAlive(pool)
}

// SetTotalCoreInstances sets how many core instances may be live at once
// across every store of the engine (100,000 by default).
func (pool *PoolingAllocationConfig) SetTotalCoreInstances(count uint32) {
	pool.set(func(p *C.kiln_pooling_allocation_config_t) {
		C.kiln_pooling_allocation_config_total_core_instances_set(p, C.uint32_t(count))
	})
}

// SetTotalMemories sets how many linear memories may be live at once
// across every store of the engine, whether modules or NewMemory made
// them (100,000 by default).
func (pool *PoolingAllocationConfig) SetTotalMemories(count uint32) {
	pool.set(func(p *C.kiln_pooling_allocation_config_t) {
		C.kiln_pooling_allocation_config_total_memories_set(p, C.uint32_t(count))
	})
}

// SetTotalTables sets how many tables may be live at once across every
// store of the engine, whether modules or NewTable made them (100,000 by
// default).
func (pool *PoolingAllocationConfig) SetTotalTables(count uint32) {
	pool.set(func(p *C.kiln_pooling_allocation_config_t) {
		C.kiln_pooling_allocation_config_total_tables_set(p, C.uint32_t(count))
	})
}

// SetMaxMemorySize sets the most bytes any memory may hold, the size of a
// memory slot (256 MiB by default, at most 4 GiB). A module whose memory
// starts larger fails to instantiate; memory.grow past it returns -1.
func (pool *PoolingAllocationConfig) SetMaxMemorySize(bytes uint64) {
	pool.set(func(p *C.kiln_pooling_allocation_config_t) {
		C.kiln_pooling_allocation_config_max_memory_size_set(p, C.size_t(bytes))
	})
}

// SetTableElements sets the most elements any table may hold, the size of
// a table slot (20,000 by default). A module whose table starts larger
// fails to instantiate; table.grow past it returns -1.
func (pool *PoolingAllocationConfig) SetTableElements(elements uint64) {
	pool.set(func(p *C.kiln_pooling_allocation_config_t) {
		C.kiln_pooling_allocation_config_table_elements_set(p, C.size_t(elements))
	})
}

// SetLinearMemoryKeepResident sets how many bytes at the start of a freed
// memory slot are zeroed by writing and stay resident for the next tenant
// (0 by default); the rest is given back to the kernel, which zeroes it.
func (pool *PoolingAllocationConfig) SetLinearMemoryKeepResident(bytes uint64) {
	pool.set(func(p *C.kiln_pooling_allocation_config_t) {
		C.kiln_pooling_allocation_config_linear_memory_keep_resident_set(p, C.size_t(bytes))
	})
}

// SetTableKeepResident is SetLinearMemoryKeepResident for table slots (0
// by default).
func (pool *PoolingAllocationConfig) SetTableKeepResident(bytes uint64) {
	pool.set(func(p *C.kiln_pooling_allocation_config_t) {
		C.kiln_pooling_allocation_config_table_keep_resident_set(p, C.size_t(bytes))
	})
}
