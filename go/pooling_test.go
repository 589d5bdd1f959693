package kiln

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

const page = 65536

// tenantWat is a module with a memory of one page and a table.
const tenantWat = `(module
  (memory (export "memory") 1)
  (table 1 funcref)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`

// tenant is an instance in a store of its own. close releases every
// handle of the store, which gives a pooled instance's slots back.
type tenant struct {
	store                   *Store
	instance                *Instance
	memory                  *Memory
	loadFn, storeFn, growFn *Func
}

func newTenant(engine *Engine, module *Module) (*tenant, error) {
	store := NewStore(engine)
	instance, err := NewInstance(store, module, nil)
	if err != nil {
		store.Close()
		return nil, err
	}
	export := instance.GetExport(store, "memory")
	defer export.Close()
	return &tenant{
		store:    store,
		instance: instance,
		memory:   export.Memory(),
		loadFn:   instance.GetFunc(store, "load"),
		storeFn:  instance.GetFunc(store, "store"),
		growFn:   instance.GetFunc(store, "grow"),
	}, nil
}

func (t *tenant) call(f *Func, args ...any) int32 {
	got, err := f.Call(t.store, args...)
	if err != nil {
		panic(err)
	}
	if got == nil {
		return 0
	}
	return got.(int32)
}

func (t *tenant) load(address int32) int32 { return t.call(t.loadFn, address) }
func (t *tenant) put(address, value int32) { t.call(t.storeFn, address, value) }
func (t *tenant) grow(pages int32) int32   { return t.call(t.growFn, pages) }
func (t *tenant) allZero() bool {
	for _, b := range t.memory.UnsafeData(t.store) {
		if b != 0 {
			return false
		}
	}
	return true
}

func (t *tenant) close() {
	for _, f := range []*Func{t.loadFn, t.storeFn, t.growFn} {
		f.Close()
	}
	t.memory.Close()
	t.instance.Close()
	t.store.Close()
}

func pooledEngine(t testing.TB, configure func(*PoolingAllocationConfig)) (*Engine, *Module) {
	t.Helper()
	pool := NewPoolingAllocationConfig()
	configure(pool)
	config := NewConfig()
	config.SetPoolingAllocationStrategy(pool)
	// The config took a copy.
	pool.Close()
	pool.Close()
	engine := NewEngineWithConfig(config)
	module, err := NewModule(engine, []byte(tenantWat))
	if err != nil {
		t.Fatal(err)
	}
	return engine, module
}

// limitError checks that err is an *Error with the given message.
func limitError(t *testing.T, err error, want string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Error() != want {
		t.Fatalf("got %v (%T), want %q", err, err, want)
	}
}

// A 1 MiB reservation holds 16 pages: past it a memory moves, keeping its
// bytes, or cannot grow if it may not move.
func TestMemoryReservationAndMayMove(t *testing.T) {
	for _, mayMove := range []bool{false, true} {
		config := NewConfig()
		config.SetMemoryReservation(16 * page)
		config.SetMemoryGuardSize(page)
		config.SetMemoryReservationForGrowth(4 * page)
		config.SetMemoryMayMove(mayMove)
		engine := NewEngineWithConfig(config)
		module, err := NewModule(engine, []byte(tenantWat))
		if err != nil {
			t.Fatal(err)
		}
		tn, err := newTenant(engine, module)
		if err != nil {
			t.Fatal(err)
		}
		tn.put(8, 0x5ec2e7e7)
		if got := tn.grow(15); got != 1 {
			t.Fatal(got)
		}
		_, growErr := tn.memory.Grow(tn.store, 1)
		if mayMove {
			if growErr != nil || tn.memory.Size(tn.store) != 17 {
				t.Fatal(growErr, tn.memory.Size(tn.store))
			}
		} else {
			if growErr == nil || tn.grow(1) != -1 || tn.memory.Size(tn.store) != 16 {
				t.Fatal("a memory that may not move grew past its reservation")
			}
		}
		if got := tn.load(8); got != 0x5ec2e7e7 {
			t.Fatalf("may move %v: load(8) = %#x", mayMove, got)
		}
		tn.close()
	}
}

// newEngineError returns the engine's refusal of config, as an error value.
func newEngineError(config *Config) error {
	engine, err := TryNewEngineWithConfig(config)
	if engine != nil {
		engine.Close()
	}
	return err
}

// newEnginePanic returns what NewEngineWithConfig panicked with.
func newEnginePanic(config *Config) (err error) {
	defer func() {
		r := recover()
		if e, ok := r.(error); ok {
			err = e
		} else if r != nil {
			err = fmt.Errorf("panicked with %v", r)
		}
	}()
	NewEngineWithConfig(config)
	return nil
}

func TestNewEngineWithConfigPanicsWithTheRefusal(t *testing.T) {
	config := NewConfig()
	config.SetMemoryReservation(1 << 50)
	limitError(t, newEnginePanic(config),
		"memory_reservation of 1125899906842624 bytes is more than the 70368744177664 bytes a host's address space can hold")
}

func TestTryNewEngineWithConfigAcceptsGoodSettings(t *testing.T) {
	config := NewConfig()
	config.SetMemoryReservation(1 << 20)
	engine, err := TryNewEngineWithConfig(config)
	if err != nil || engine == nil {
		t.Fatalf("TryNewEngineWithConfig = %v, %v", engine, err)
	}
	engine.Close()
}

func TestSettingsTheEngineRefusesAreNamed(t *testing.T) {
	config := NewConfig()
	config.SetMemoryReservation(1 << 50)
	limitError(t, newEngineError(config),
		"memory_reservation of 1125899906842624 bytes is more than the 70368744177664 bytes a host's address space can hold")

	pool := NewPoolingAllocationConfig()
	defer pool.Close()
	pool.SetMaxMemorySize(4<<30 + page)
	config = NewConfig()
	config.SetPoolingAllocationStrategy(pool)
	limitError(t, newEngineError(config),
		"the pooling allocator's max_memory_size of 4295032832 bytes is more than the 4294967296 bytes a memory can hold")

	pool = NewPoolingAllocationConfig()
	defer pool.Close()
	pool.SetTableElements(10_000_001)
	config = NewConfig()
	config.SetPoolingAllocationStrategy(pool)
	limitError(t, newEngineError(config),
		"the pooling allocator's table_elements of 10000001 is more than the 10000000 elements a table can hold")
}

func TestPoolLimitsAreErrors(t *testing.T) {
	engine, module := pooledEngine(t, func(p *PoolingAllocationConfig) {
		p.SetTotalCoreInstances(2)
		p.SetTotalMemories(3)
		p.SetTotalTables(3)
		p.SetMaxMemorySize(16 * page)
		p.SetTableElements(10)
	})
	first, err := newTenant(engine, module)
	if err != nil {
		t.Fatal(err)
	}
	second, err := newTenant(engine, module)
	if err != nil {
		t.Fatal(err)
	}
	_, err = newTenant(engine, module)
	limitError(t, err, "maximum concurrent limit of 2 for core instances reached")
	if got := first.grow(16); got != -1 {
		t.Fatalf("grew past the slot: %d", got)
	}

	// Host memories and tables come from the same pools.
	memType, err := NewMemoryType(1, false, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	memory, err := NewMemory(first.store, memType)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewMemory(first.store, memType)
	limitError(t, err, "maximum concurrent limit of 3 for memories reached")
	tableType := NewTableType(NewValType(KindFuncref), 1, false, 0)
	table, err := NewTable(first.store, tableType, ValFuncref(nil))
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewTable(first.store, tableType, ValFuncref(nil))
	limitError(t, err, "maximum concurrent limit of 3 for tables reached")
	_, err = NewTable(second.store, NewTableType(NewValType(KindFuncref), 11, false, 0), ValFuncref(nil))
	if err == nil {
		t.Fatal("made a table larger than a slot")
	}
	memory.Close()
	table.Close()

	// Closing a store and its handles gives its slots back.
	first.close()
	third, err := newTenant(engine, module)
	if err != nil {
		t.Fatal(err)
	}
	third.close()
	second.close()
}

// A tenant writes a secret everywhere it can reach and is dropped; the next
// tenant, in the same slot, sees only zeros.
func TestReusedSlotIsZeroed(t *testing.T) {
	engine, module := pooledEngine(t, func(p *PoolingAllocationConfig) {
		p.SetTotalCoreInstances(1)
		p.SetTotalMemories(1)
		p.SetTotalTables(1)
		p.SetMaxMemorySize(16 * page)
		p.SetLinearMemoryKeepResident(page + 4096)
		p.SetTableKeepResident(256)
	})
	const secret = 0x5ec2e7e7
	addresses := []int32{0, 4096, page - 4, page, 3*page + 100, 4*page - 4}
	first, err := newTenant(engine, module)
	if err != nil {
		t.Fatal(err)
	}
	if got := first.grow(3); got != 1 {
		t.Fatal(got)
	}
	for _, a := range addresses {
		first.put(a, secret)
	}
	if got := first.load(3*page + 100); got != secret {
		t.Fatalf("%#x", got)
	}
	slot := &first.memory.UnsafeData(first.store)[0]
	first.close()

	next, err := newTenant(engine, module)
	if err != nil {
		t.Fatal(err)
	}
	defer next.close()
	if &next.memory.UnsafeData(next.store)[0] != slot {
		t.Fatal("the slot was not reused")
	}
	if next.memory.Size(next.store) != 1 || !next.allZero() {
		t.Fatal("the next tenant sees the last one's memory")
	}
	if got := next.grow(3); got != 1 {
		t.Fatal(got)
	}
	if !next.allZero() {
		t.Fatal("the next tenant sees the last one's memory after growing")
	}
	for _, a := range addresses {
		if got := next.load(a); got != 0 {
			t.Fatalf("load(%d) = %#x", a, got)
		}
	}
}

// Goroutines instantiate and drop tenants in one pooled engine at once;
// none sees another's value, and every slot comes back.
func TestPoolFromManyGoroutines(t *testing.T) {
	const goroutines, rounds = 4, 100
	engine, module := pooledEngine(t, func(p *PoolingAllocationConfig) {
		p.SetTotalCoreInstances(goroutines)
		p.SetTotalMemories(goroutines)
		p.SetTotalTables(goroutines)
		p.SetMaxMemorySize(4 * page)
	})
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range rounds {
				tn, err := newTenant(engine, module)
				if err != nil {
					errs <- err
					return
				}
				if got := tn.load(64); got != 0 {
					errs <- fmt.Errorf("a tenant saw %d", got)
				}
				tn.put(64, int32(g*rounds+round+1))
				tn.close()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var tenants []*tenant
	for range goroutines {
		tn, err := newTenant(engine, module)
		if err != nil {
			t.Fatal(err)
		}
		tenants = append(tenants, tn)
	}
	_, err := newTenant(engine, module)
	limitError(t, err, "maximum concurrent limit of 4 for core instances reached")
	for _, tn := range tenants {
		tn.close()
	}
}
