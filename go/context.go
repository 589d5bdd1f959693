package kiln

// #include <kiln.h>
import "C"

import (
	"context"
	"errors"
)

// CallContext is Call, interrupted when ctx is done: wasm then stops at its
// next loop header or function entry with an Interrupt *Trap whose Unwrap
// is ctx.Err(), so errors.Is(err, context.Canceled) (or
// context.DeadlineExceeded) holds. It returns ctx.Err() at once if ctx is
// already done.
//
// It needs an engine with epoch interruption (Config.SetEpochInterruption):
// it sets the store's epoch deadline to one tick for the call, and on
// cancellation advances the engine's epoch (Engine.IncrementEpoch), which
// also reaches the other stores of the engine whose deadline that passes.
func (f *Func) CallContext(ctx context.Context, store Storelike, args ...any) (any, error) {
	done := ctx.Done()
	if done == nil {
		return f.Call(store, args...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := store.store()
	if !s.Engine.epochs {
		return nil, errorf("CallContext needs an engine with Config.SetEpochInterruption(true)")
	}
	if err := s.useErr(func(ptr *C.wasm_store_t) error {
		C.kiln_store_set_epoch_deadline(ptr, 1)
		return nil
	}); err != nil {
		return nil, err
	}
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-done:
			s.Engine.IncrementEpoch()
		case <-stop:
		}
	}()
	results, err := f.Call(store, args...)
	close(stop)
	<-watched
	var trap *Trap
	if err != nil && ctx.Err() != nil && errors.As(err, &trap) && trap.code != nil && *trap.code == Interrupt {
		trap.cause = ctx.Err()
	}
	return results, err
}
