package kiln

// #include "kiln_go.h"
import "C"

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
)

// Store holds the runtime state of instances: their functions, memories,
// tables and globals, host data, fuel and epoch deadline. A store and what
// it holds are used by one goroutine at a time (see the package docs).
type Store struct {
	ptr *C.wasm_store_t
	// Engine is the engine the store was made with.
	Engine *Engine
	data   any

	// busy is 1 while a goroutine uses the store (see enter).
	busy atomic.Int32
	// depth counts the calls into wasm in progress, outermost first.
	depth int
	// slots holds the raw-call buffers, one per call depth, so a host
	// function calling back into its store does not overwrite the slots of
	// the call it runs under.
	slots []*rawSlots
	// funcs are the host functions made in this store; C knows them by
	// index, so a callback that captures the store forms no cycle through
	// a cgo.Handle and the store can still be collected.
	funcs []*hostFunc
	// panicked is a Go panic of a host function, waiting to be raised
	// again once wasm has unwound to the call that entered it.
	panicked any
	hasPanic bool
	// id and gen name the store in the store table (storetable.go).
	id  uint32
	gen uint16

	// Handles of the store's objects that finalizers (which run on their
	// own goroutine) or other goroutines released while the store was in
	// use: C counts a store's handles without atomics, so they are
	// released by the goroutine that uses the store, when it next enters.
	pendingMu  sync.Mutex
	pending    []func()
	hasPending atomic.Bool
	closed     bool
}

// Storelike is what the methods of store objects take: a *Store, or a
// *Caller inside a host function.
type Storelike interface {
	// Data returns the store's host data.
	Data() any
	store() *Store
}

// NewStore returns a store of engine with no host data.
func NewStore(engine *Engine) *Store {
	return NewStoreWithData(engine, nil)
}

// NewStoreWithData returns a store of engine whose host data, which host
// functions reach through Caller.Data, is data.
func NewStoreWithData(engine *Engine, data any) *Store {
	ptr := C.wasm_store_new(engine.live())
	runtime.KeepAlive(engine)
	store := &Store{ptr: ptr, Engine: engine, data: data}
	registerStore(store)
	C.kiln_go_store_set_data(ptr, C.uintptr_t(storeData(store)))
	runtime.SetFinalizer(store, (*Store).Close)
	return store
}

// Close releases the program's handle on the store; objects of the store
// still reachable keep the native store alive, and their methods that take
// the store fail. Safe to call twice; it panics if another goroutine is
// using the store.
func (s *Store) Close() {
	if s.ptr == nil {
		return
	}
	claimed, err := s.enter()
	if err != nil {
		panic(err)
	}
	s.releasePending(true)
	defer s.leave(claimed)
	runtime.SetFinalizer(s, nil)
	unregisterStore(s)
	C.wasm_store_delete(s.ptr)
	s.ptr = nil
}

func (s *Store) store() *Store { return s }

// Data returns the store's host data.
func (s *Store) Data() any { return s.data }

// errBusy is what a goroutine gets when another is using the store.
var errBusy = errors.New("store is in use by another goroutine: a store is used by one goroutine at a time")

// enter claims the store for the calling goroutine. It returns whether this
// call claimed it (and so must release it with leave), or an error if
// another goroutine holds it. A host function running in the store may
// re-enter it: C tells whether the calling thread is inside one of the
// store's host functions, and a goroutine in a cgo callback stays on its
// thread.
func (s *Store) enter() (bool, error) {
	if s.ptr == nil {
		return false, errClosed
	}
	if s.busy.CompareAndSwap(0, 1) {
		if s.hasPending.Load() {
			s.releasePending(false)
		}
		return true, nil
	}
	if C.kiln_store_in_host_call(s.ptr) {
		return false, nil
	}
	return false, errBusy
}

// free releases a store object's C handle with release (its Close): now
// if the calling goroutine may use the store, otherwise (see queue) by the
// goroutine using it.
func (s *Store) free(release func()) {
	claimed, err := s.enter()
	if err != nil {
		s.queue(release)
		return
	}
	release()
	s.leave(claimed)
}

// queue has the goroutine using the store run release when it next enters
// it: what finalizers do, which run on a goroutine of their own and must
// neither touch the store nor claim it (its user would find it busy). A
// closed store has no user left: its objects release their handles at
// once.
func (s *Store) queue(release func()) {
	s.pendingMu.Lock()
	if s.closed {
		s.pendingMu.Unlock()
		release()
		return
	}
	s.pending = append(s.pending, release)
	s.hasPending.Store(true)
	s.pendingMu.Unlock()
}

// releasePending runs the releases other goroutines left; the store is
// claimed. Closing marks the store closed under the same lock, so no
// release is left behind.
func (s *Store) releasePending(closing bool) {
	s.pendingMu.Lock()
	pending := s.pending
	s.pending = nil
	s.hasPending.Store(false)
	if closing {
		s.closed = true
	}
	s.pendingMu.Unlock()
	for _, release := range pending {
		release()
	}
}

func (s *Store) leave(claimed bool) {
	if claimed {
		s.busy.Store(0)
	}
}

// use runs f with the store claimed, panicking if another goroutine holds
// it (for methods that return no error).
func (s *Store) use(f func(ptr *C.wasm_store_t)) {
	claimed, err := s.enter()
	if err != nil {
		panic(err)
	}
	defer s.leave(claimed)
	f(s.ptr)
	runtime.KeepAlive(s)
}

// useErr runs f with the store claimed, or returns why it cannot.
func (s *Store) useErr(f func(ptr *C.wasm_store_t) error) error {
	claimed, err := s.enter()
	if err != nil {
		return err
	}
	defer s.leave(claimed)
	err = f(s.ptr)
	runtime.KeepAlive(s)
	return err
}

// repanic raises a host function's panic again, once wasm has unwound.
func (s *Store) repanic() {
	if s.hasPanic {
		p := s.panicked
		s.panicked, s.hasPanic = nil, false
		panic(p)
	}
}

// GC releases the externref values that nothing holds any more.
func (s *Store) GC() {
	s.use(func(ptr *C.wasm_store_t) { C.kiln_store_gc(ptr) })
}

// SetEpochDeadline sets the store's deadline to deadline epochs after the
// engine's current epoch.
func (s *Store) SetEpochDeadline(deadline uint64) {
	s.use(func(ptr *C.wasm_store_t) { C.kiln_store_set_epoch_deadline(ptr, C.uint64_t(deadline)) })
}

// GetFuel returns the fuel left; an error unless the engine consumes fuel.
func (s *Store) GetFuel() (uint64, error) {
	var fuel C.uint64_t
	err := s.useErr(func(ptr *C.wasm_store_t) error {
		return takeError(C.kiln_store_get_fuel(ptr, &fuel))
	})
	return uint64(fuel), err
}

// SetFuel sets the fuel left; an error unless the engine consumes fuel.
func (s *Store) SetFuel(fuel uint64) error {
	return s.useErr(func(ptr *C.wasm_store_t) error {
		return takeError(C.kiln_store_set_fuel(ptr, C.uint64_t(fuel)))
	})
}

// Limiter bounds what the store may hold from now on; a negative value
// leaves that resource unbounded: memorySize bounds each memory in bytes,
// tableElements each table, and instances, tables and memories how many
// the store may create.
func (s *Store) Limiter(memorySize int64, tableElements int64, instances int64, tables int64, memories int64) {
	s.use(func(ptr *C.wasm_store_t) {
		C.kiln_store_limiter(ptr, C.int64_t(memorySize), C.int64_t(tableElements),
			C.int64_t(instances), C.int64_t(tables), C.int64_t(memories))
	})
}

// drop releases a store object's handle: queued when a finalizer does it,
// at once (or queued, see free) when the program closes the object.
func (s *Store) drop(release func(), finalizing bool) {
	if finalizing {
		s.queue(release)
	} else {
		s.free(release)
	}
}

// errForeign is the error of an object used with a store not its own.
var errForeign = errors.New("object used with a store it does not belong to")

// on returns own, the store of the object a method runs on, after checking
// that store (the method's argument) is that store; it panics otherwise,
// as Wasmtime does.
func on(store Storelike, own *Store) *Store {
	if store.store() != own {
		panic(errForeign)
	}
	return own
}
