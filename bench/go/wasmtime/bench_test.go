package wasmtimebench

import (
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v44"

	"github.com/kiln-wasm/kiln/bench/go/internal/cgofloor"
	"github.com/kiln-wasm/kiln/bench/go/internal/wasmgen"
	"github.com/kiln-wasm/kiln/bench/go/internal/workloads"
)

// BenchmarkEmptyCgoCall is the floor under every call: an empty cgo call.
func BenchmarkEmptyCgoCall(b *testing.B) {
	for b.Loop() {
		cgofloor.Empty()
	}
}

// calls instantiates wasmgen.Calls with an inc(x) = x+1 import.
func calls(b *testing.B) (*wasmtime.Store, *wasmtime.Instance) {
	b.Helper()
	engine := wasmtime.NewEngine()
	module, err := wasmtime.NewModule(engine, wasmgen.Calls())
	if err != nil {
		b.Fatal(err)
	}
	store := wasmtime.NewStore(engine)
	inc := wasmtime.WrapFunc(store, func(x int32) int32 { return x + 1 })
	instance, err := wasmtime.NewInstance(store, module, []wasmtime.AsExtern{inc})
	if err != nil {
		b.Fatal(err)
	}
	return store, instance
}

// wantSum is acc after acc = add(acc, i) for i in [0, n).
func wantSum(n int) int32 {
	var acc int32
	for i := range n {
		acc += int32(i)
	}
	return acc
}

// BenchmarkCallAdd is a Go→wasm call of add(i32, i32), each call adding the
// loop index to the last result. wasmtime-go has no CallWithStack.
func BenchmarkCallAdd(b *testing.B) {
	b.Run("Call", func(b *testing.B) {
		store, instance := calls(b)
		add := instance.GetFunc(store, "add")
		b.ReportAllocs()
		var acc int32
		n := 0
		for b.Loop() {
			got, err := add.Call(store, acc, int32(n))
			if err != nil {
				b.Fatal(err)
			}
			acc = got.(int32)
			n++
		}
		if acc != wantSum(n) {
			b.Fatalf("add: %d after %d calls, want %d", acc, n, wantSum(n))
		}
	})
}

// BenchmarkHostCall is a wasm→Go call of an imported func(int32) int32,
// per call, from a wasm loop making b.N calls.
func BenchmarkHostCall(b *testing.B) {
	b.Run("WrapFunc", func(b *testing.B) {
		store, instance := calls(b)
		hostLoop(b, store, instance.GetFunc(store, "loop"))
	})
	b.Run("Linker", func(b *testing.B) {
		engine := wasmtime.NewEngine()
		linker := wasmtime.NewLinker(engine)
		if err := linker.FuncWrap("env", "inc", func(x int32) int32 { return x + 1 }); err != nil {
			b.Fatal(err)
		}
		module, err := wasmtime.NewModule(engine, wasmgen.Calls())
		if err != nil {
			b.Fatal(err)
		}
		store := wasmtime.NewStore(engine)
		instance, err := linker.Instantiate(store, module)
		if err != nil {
			b.Fatal(err)
		}
		hostLoop(b, store, instance.GetFunc(store, "loop"))
	})
}

func hostLoop(b *testing.B, store *wasmtime.Store, loop *wasmtime.Func) {
	b.ReportAllocs()
	b.ResetTimer()
	got, err := loop.Call(store, int32(b.N))
	if err != nil || got != int32(b.N) {
		b.Fatalf("loop(%d) = %v, %v", b.N, got, err)
	}
}

// BenchmarkExecute is run() of each workload, each time in a new store and
// instance (not timed); the module is compiled once.
func BenchmarkExecute(b *testing.B) {
	for _, name := range workloads.Names {
		b.Run(name, func(b *testing.B) {
			wasm, err := workloads.Read(name)
			if err != nil {
				b.Fatal(err)
			}
			engine := wasmtime.NewEngine()
			module, err := wasmtime.NewModule(engine, wasm)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				store := wasmtime.NewStore(engine)
				instance, err := wasmtime.NewInstance(store, module, nil)
				if err != nil {
					b.Fatal(err)
				}
				run := instance.GetFunc(store, "run")
				b.StartTimer()
				got, err := run.Call(store)
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if err := workloads.Record("wasmtime-go", name, got.(int64)); err != nil {
					b.Fatal(err)
				}
				store.Close()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkCompile compiles a module of 2,000 functions, different bytes
// each time.
func BenchmarkCompile(b *testing.B) {
	engine := wasmtime.NewEngine()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		wasm := wasmgen.ManyFuncs(2000, i)
		b.StartTimer()
		module, err := wasmtime.NewModule(engine, wasm)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		module.Close()
		b.StartTimer()
	}
}

// BenchmarkInstantiate makes a new store and an instance of wasmgen.Small
// in it; closing them is not timed.
func BenchmarkInstantiate(b *testing.B) {
	engine := wasmtime.NewEngine()
	module, err := wasmtime.NewModule(engine, wasmgen.Small())
	if err != nil {
		b.Fatal(err)
	}
	const batch = 64
	stores := make([]*wasmtime.Store, 0, batch)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		store := wasmtime.NewStore(engine)
		if _, err := wasmtime.NewInstance(store, module, nil); err != nil {
			b.Fatal(err)
		}
		stores = append(stores, store)
		if len(stores) == batch || i == b.N-1 {
			b.StopTimer()
			for _, s := range stores {
				s.Close()
			}
			stores = stores[:0]
			b.StartTimer()
		}
	}
}
