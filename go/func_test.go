package kiln

import (
	"errors"
	"strings"
	"testing"
)

const addWat = `(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "pair") (param i64 f64) (result f64 i64)
    (local.get 1) (local.get 0))
  (func (export "id") (param externref) (result externref) (local.get 0)))`

func instantiate(t testing.TB, store *Store, wat string, imports ...AsExtern) *Instance {
	t.Helper()
	module, err := NewModule(store.Engine, []byte(wat))
	if err != nil {
		t.Fatal(err)
	}
	instance, err := NewInstance(store, module, imports)
	if err != nil {
		t.Fatal(err)
	}
	return instance
}

func TestCallNumbers(t *testing.T) {
	store := NewStore(NewEngine())
	defer store.Close()
	instance := instantiate(t, store, addWat)
	add := instance.GetFunc(store, "add")
	for _, args := range [][]any{{2, 40}, {int32(2), int32(40)}, {ValI32(2), ValI32(40)}} {
		got, err := add.Call(store, args...)
		if err != nil || got != int32(42) {
			t.Fatalf("add(%v) = %v, %v", args, got, err)
		}
	}
	got, err := instance.GetFunc(store, "pair").Call(store, int64(7), 1.5)
	if err != nil {
		t.Fatal(err)
	}
	vals := got.([]Val)
	if vals[0].F64() != 1.5 || vals[1].I64() != 7 {
		t.Fatalf("pair = %v", vals)
	}
	for _, bad := range [][]any{{}, {1}, {1, 2, 3}, {int64(1), 2}, {1.0, 2}, {"x", 2}} {
		if _, err := add.Call(store, bad...); err == nil {
			t.Errorf("add(%v) did not fail", bad)
		} else if _, ok := err.(*Error); !ok {
			t.Errorf("add(%v) failed with %T, not *Error", bad, err)
		}
	}
}

func TestCallExternref(t *testing.T) {
	store := NewStore(NewEngine())
	instance := instantiate(t, store, addWat)
	id := instance.GetFunc(store, "id")
	type thing struct{ n int }
	value := &thing{7}
	got, err := id.Call(store, value)
	if err != nil || got != value {
		t.Fatalf("id(%p) = %v, %v", value, got, err)
	}
	if got, err := id.Call(store, nil); err != nil || got != nil {
		t.Fatalf("id(nil) = %v, %v", got, err)
	}
}

func TestHostFunctionReentersItsStore(t *testing.T) {
	store := NewStore(NewEngine())
	var add *Func
	double := WrapFunc(store, func(x int32) int32 {
		got, err := add.Call(store, x, x)
		if err != nil {
			panic(err)
		}
		return got.(int32)
	})
	instance := instantiate(t, store, `(module
	  (import "" "double" (func $double (param i32) (result i32)))
	  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
	  (func (export "quad") (param i32) (result i32) (call $double (call $double (local.get 0)))))`, double)
	add = instance.GetFunc(store, "add")
	got, err := instance.GetFunc(store, "quad").Call(store, 3)
	if err != nil || got != int32(12) {
		t.Fatalf("quad(3) = %v, %v", got, err)
	}
}

func TestHostTrapComesBackAsError(t *testing.T) {
	store := NewStore(NewEngine())
	fail := WrapFunc(store, func() *Trap { return NewTrap("no luck") })
	instance := instantiate(t, store, `(module
	  (import "" "fail" (func $fail))
	  (func (export "run") (call $fail)))`, fail)
	_, err := instance.GetFunc(store, "run").Call(store)
	var e *Error
	if !errors.As(err, &e) || e.Error() != "no luck" {
		t.Fatalf("got %T %v", err, err)
	}
}

func TestHostPanicRepanicsAfterUnwinding(t *testing.T) {
	store := NewStore(NewEngine())
	calls := 0
	boom := WrapFunc(store, func() {
		calls++
		panic(errors.New("boom"))
	})
	instance := instantiate(t, store, `(module
	  (import "" "boom" (func $boom))
	  (func (export "run") (call $boom) (call $boom)))`, boom)
	run := instance.GetFunc(store, "run")
	func() {
		defer func() {
			r := recover()
			if err, ok := r.(error); !ok || err.Error() != "boom" {
				t.Fatalf("recovered %v", r)
			}
		}()
		run.Call(store)
		t.Fatal("Call returned")
	}()
	if calls != 1 {
		t.Fatalf("wasm resumed after the panic: %d calls", calls)
	}
	// The store is usable again.
	if _, err := instantiate(t, store, addWat).GetFunc(store, "add").Call(store, 1, 2); err != nil {
		t.Fatal(err)
	}
}

func TestDeepRecursionTrapsInAGoroutine(t *testing.T) {
	done := make(chan error)
	go func() {
		store := NewStore(NewEngine())
		instance := instantiate(t, store, `(module (func $f (export "f") (call $f)))`)
		_, err := instance.GetFunc(store, "f").Call(store)
		done <- err
	}()
	err := <-done
	var trap *Trap
	if !errors.As(err, &trap) || trap.Code() == nil || *trap.Code() != StackOverflow {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(trap.Message(), "wasm trap: call stack exhausted") {
		t.Fatalf("message %q", trap.Message())
	}
}

// BenchmarkCallAdd is the cost of a Go→wasm call of add(i32, i32) through
// Call, which takes the raw-slot path for functions of numbers.
func BenchmarkCallAdd(b *testing.B) {
	store := NewStore(NewEngine())
	add := instantiate(b, store, addWat).GetFunc(store, "add")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := add.Call(store, 1, 2); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHostCall is the cost of a wasm→Go call, measured from a wasm
// loop calling an i32→i32 host function.
func BenchmarkHostCall(b *testing.B) {
	store := NewStore(NewEngine())
	inc := WrapFunc(store, func(x int32) int32 { return x + 1 })
	instance := instantiate(b, store, `(module
	  (import "" "inc" (func $inc (param i32) (result i32)))
	  (func (export "loop") (param i32) (result i32) (local i32)
	    (block (loop
	      (br_if 1 (i32.eqz (local.get 0)))
	      (local.set 1 (call $inc (local.get 1)))
	      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
	      (br 0)))
	    (local.get 1)))`, inc)
	loop := instance.GetFunc(store, "loop")
	b.ReportAllocs()
	b.ResetTimer()
	got, err := loop.Call(store, b.N)
	if err != nil || got != int32(b.N) {
		b.Fatal(got, err)
	}
}

func TestCallWithStack(t *testing.T) {
	store := NewStore(NewEngine())
	instance := instantiate(t, store, addWat)
	stack := []uint64{40, 2}
	if err := instance.GetFunc(store, "add").CallWithStack(store, stack); err != nil || stack[0] != 42 {
		t.Fatal(stack, err)
	}
	if err := instance.GetFunc(store, "add").CallWithStack(store, stack[:1]); err == nil {
		t.Fatal("short stack accepted")
	}
	if err := instance.GetFunc(store, "id").CallWithStack(store, stack); err == nil {
		t.Fatal("a function of references through the stack")
	}
}

// BenchmarkCallWithStack is the fast path's cost for add(i32, i32).
func BenchmarkCallWithStack(b *testing.B) {
	store := NewStore(NewEngine())
	add := instantiate(b, store, addWat).GetFunc(store, "add")
	stack := make([]uint64, 2)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		stack[0], stack[1] = 1, 2
		if err := add.CallWithStack(store, stack); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLinkerHostCall is BenchmarkHostCall with the host function
// defined in a linker, which finds its store through its caller.
func BenchmarkLinkerHostCall(b *testing.B) {
	engine := NewEngine()
	linker := NewLinker(engine)
	if err := linker.FuncWrap("", "inc", func(x int32) int32 { return x + 1 }); err != nil {
		b.Fatal(err)
	}
	module, err := NewModule(engine, []byte(`(module
	  (import "" "inc" (func $inc (param i32) (result i32)))
	  (func (export "loop") (param i32) (result i32) (local i32)
	    (block (loop
	      (br_if 1 (i32.eqz (local.get 0)))
	      (local.set 1 (call $inc (local.get 1)))
	      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
	      (br 0)))
	    (local.get 1)))`))
	if err != nil {
		b.Fatal(err)
	}
	store := NewStore(engine)
	instance, err := linker.Instantiate(store, module)
	if err != nil {
		b.Fatal(err)
	}
	loop := instance.GetFunc(store, "loop")
	b.ReportAllocs()
	b.ResetTimer()
	got, err := loop.Call(store, b.N)
	if err != nil || got != int32(b.N) {
		b.Fatal(got, err)
	}
}
