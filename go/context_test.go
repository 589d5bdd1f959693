package kiln

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCallContextInterruptsWasm(t *testing.T) {
	config := NewConfig()
	config.SetEpochInterruption(true)
	store := NewStore(NewEngineWithConfig(config))
	instance := instantiate(t, store, `(module
	  (func (export "spin") (loop (br 0)))
	  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := instance.GetFunc(store, "spin").CallContext(ctx, store)
	var trap *Trap
	if !errors.As(err, &trap) || *trap.Code() != Interrupt || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	// A call under a live context runs to its end.
	got, err := instance.GetFunc(store, "add").CallContext(context.Background(), store, 1, 2)
	if err != nil || got != int32(3) {
		t.Fatal(got, err)
	}
	live, stop := context.WithCancel(context.Background())
	got, err = instance.GetFunc(store, "add").CallContext(live, store, 2, 2)
	stop()
	if err != nil || got != int32(4) {
		t.Fatal(got, err)
	}
	if _, err := instance.GetFunc(store, "add").CallContext(live, store, 2, 2); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

func TestCallContextNeedsEpochs(t *testing.T) {
	store := NewStore(NewEngine())
	add := instantiate(t, store, addWat).GetFunc(store, "add")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := add.CallContext(ctx, store, 1, 2); err == nil {
		t.Fatal("CallContext without epoch interruption")
	}
}
