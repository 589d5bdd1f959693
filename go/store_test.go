package kiln

import (
	"errors"
	"runtime"
	"sync"
	"testing"
)

func TestStoreCloseTwice(t *testing.T) {
	engine := NewEngine()
	store := NewStore(engine)
	store.Close()
	store.Close()
	engine.Close()
	engine.Close()
	if _, err := store.GetFuel(); err == nil {
		t.Fatal("a closed store gave its fuel")
	}
}

// A second goroutine using a store while another is inside it gets an
// error, not a crash; the host function itself may re-enter the store.
func TestStoreUsedByTwoGoroutines(t *testing.T) {
	store := NewStore(NewEngine())
	inside, release := make(chan struct{}), make(chan struct{})
	var add *Func
	var reentered error
	wait := WrapFunc(store, func() {
		_, reentered = add.Call(store, 1, 2)
		close(inside)
		<-release
	})
	instance := instantiate(t, store, `(module
	  (import "" "wait" (func $wait))
	  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
	  (func (export "run") (call $wait)))`, wait)
	add = instance.GetFunc(store, "add")
	run := instance.GetFunc(store, "run")
	var wg sync.WaitGroup
	wg.Add(1)
	var runErr error
	go func() {
		defer wg.Done()
		_, runErr = run.Call(store)
	}()
	<-inside
	_, err := add.Call(store, 1, 2)
	if !errors.Is(err, errBusy) {
		t.Errorf("second goroutine: %v", err)
	}
	func() {
		defer func() {
			if r := recover(); r != errBusy {
				t.Errorf("SetEpochDeadline from a second goroutine: %v", r)
			}
		}()
		store.SetEpochDeadline(1)
	}()
	close(release)
	wg.Wait()
	if runErr != nil || reentered != nil {
		t.Fatal(runErr, reentered)
	}
	if got, err := add.Call(store, 1, 2); err != nil || got != int32(3) {
		t.Fatal(got, err)
	}
}

// Stores in many goroutines at once, each used by one.
func TestStoresInManyGoroutines(t *testing.T) {
	engine := NewEngine()
	module, err := NewModule(engine, []byte(addWat))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			store := NewStore(engine)
			defer store.Close()
			instance, err := NewInstance(store, module, nil)
			if err != nil {
				t.Error(err)
				return
			}
			add := instance.GetFunc(store, "add")
			for i := 0; i < 1000; i++ {
				if got, err := add.Call(store, i, 1); err != nil || got != int32(i+1) {
					t.Error(got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestFuel(t *testing.T) {
	config := NewConfig()
	config.SetConsumeFuel(true)
	store := NewStore(NewEngineWithConfig(config))
	if err := store.SetFuel(1000); err != nil {
		t.Fatal(err)
	}
	run := instantiate(t, store, `(module (func (export "spin") (loop (br 0))))`).GetFunc(store, "spin")
	_, err := run.Call(store)
	var trap *Trap
	if !errors.As(err, &trap) || *trap.Code() != OutOfFuel {
		t.Fatalf("got %v", err)
	}
	if fuel, err := store.GetFuel(); err != nil || fuel != 0 {
		t.Fatal(fuel, err)
	}
}

func TestEpochInterruptsFromAnotherGoroutine(t *testing.T) {
	config := NewConfig()
	config.SetEpochInterruption(true)
	engine := NewEngineWithConfig(config)
	store := NewStore(engine)
	store.SetEpochDeadline(1)
	run := instantiate(t, store, `(module (func (export "spin") (loop (br 0))))`).GetFunc(store, "spin")
	go engine.IncrementEpoch()
	_, err := run.Call(store)
	var trap *Trap
	if !errors.As(err, &trap) || *trap.Code() != Interrupt {
		t.Fatalf("got %v", err)
	}
}

// Objects the program drops are released by finalizers, which run on a
// goroutine of their own: they must neither touch the store under its
// user (C counts a store's handles without atomics) nor make it look busy.
func TestFinalizersLeaveABusyStoreAlone(t *testing.T) {
	store := NewStore(NewEngine())
	instance := instantiate(t, store, addWat)
	for i := 0; i < 20000; i++ {
		add := instance.GetFunc(store, "add") // never closed
		if got, err := add.Call(store, i, 1); err != nil || got != int32(i+1) {
			t.Fatal(i, got, err)
		}
		if i%1000 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	runtime.GC()
	store.Close()
}

func TestObjectsOfAnotherStore(t *testing.T) {
	engine := NewEngine()
	a, b := NewStore(engine), NewStore(engine)
	add := instantiate(t, a, addWat).GetFunc(a, "add")
	if _, err := add.Call(b, 1, 2); !errors.Is(err, errForeign) {
		t.Fatalf("got %v", err)
	}
	defer func() {
		if recover() != errForeign {
			t.Fatal("Type with another store did not panic")
		}
	}()
	add.Type(b)
}
