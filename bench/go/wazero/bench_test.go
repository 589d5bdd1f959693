package wazerobench

import (
	"context"
	"runtime"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/kiln-wasm/kiln/bench/go/internal/cgofloor"
	"github.com/kiln-wasm/kiln/bench/go/internal/wasmgen"
	"github.com/kiln-wasm/kiln/bench/go/internal/workloads"
)

// BenchmarkEmptyCgoCall is the floor under a call through cgo, which wazero
// does not make: there for comparison with the other binaries' floors.
func BenchmarkEmptyCgoCall(b *testing.B) {
	for b.Loop() {
		cgofloor.Empty()
	}
}

// newRuntime is a runtime with wazero's optimizing compiler, closed when b
// ends.
func newRuntime(b *testing.B) wazero.Runtime {
	b.Helper()
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
	b.Cleanup(func() { r.Close(ctx) })
	return r
}

// anonymous instantiates a module without a name, so that a runtime can
// hold any number of its instances.
var anonymous = wazero.NewModuleConfig().WithName("")

// calls instantiates wasmgen.Calls with an inc(x) = x+1 import, made by
// WithFunc (by reflection) or, with raw, by WithGoFunction (raw stack).
func calls(b *testing.B, raw bool) api.Module {
	b.Helper()
	ctx := context.Background()
	r := newRuntime(b)
	fn := r.NewHostModuleBuilder("env").NewFunctionBuilder()
	if raw {
		fn = fn.WithGoFunction(api.GoFunc(func(_ context.Context, stack []uint64) {
			stack[0] = api.EncodeI32(api.DecodeI32(stack[0]) + 1)
		}), []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32})
	} else {
		fn = fn.WithFunc(func(x int32) int32 { return x + 1 })
	}
	if _, err := fn.Export("inc").Instantiate(ctx); err != nil {
		b.Fatal(err)
	}
	module, err := r.Instantiate(ctx, wasmgen.Calls())
	if err != nil {
		b.Fatal(err)
	}
	return module
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
// loop index to the last result.
func BenchmarkCallAdd(b *testing.B) {
	ctx := context.Background()
	b.Run("Call", func(b *testing.B) {
		add := calls(b, false).ExportedFunction("add")
		b.ReportAllocs()
		var acc int32
		n := 0
		for b.Loop() {
			got, err := add.Call(ctx, api.EncodeI32(acc), api.EncodeI32(int32(n)))
			if err != nil {
				b.Fatal(err)
			}
			acc = api.DecodeI32(got[0])
			n++
		}
		if acc != wantSum(n) {
			b.Fatalf("add: %d after %d calls, want %d", acc, n, wantSum(n))
		}
	})
	b.Run("CallWithStack", func(b *testing.B) {
		add := calls(b, false).ExportedFunction("add")
		stack := make([]uint64, 2)
		b.ReportAllocs()
		var acc int32
		n := 0
		for b.Loop() {
			stack[0], stack[1] = api.EncodeI32(acc), api.EncodeI32(int32(n))
			if err := add.CallWithStack(ctx, stack); err != nil {
				b.Fatal(err)
			}
			acc = api.DecodeI32(stack[0])
			n++
		}
		if acc != wantSum(n) {
			b.Fatalf("add: %d after %d calls, want %d", acc, n, wantSum(n))
		}
	})
}

// BenchmarkHostCall is a wasm→Go call of an imported func(int32) int32,
// per call, from a wasm loop making b.N calls: WrapFunc is WithFunc, a Go
// function called by reflection, the counterpart of the others' WrapFunc;
// GoFunction is WithGoFunction, wazero's raw-stack host function.
func BenchmarkHostCall(b *testing.B) {
	b.Run("WrapFunc", func(b *testing.B) {
		hostLoop(b, calls(b, false))
	})
	b.Run("GoFunction", func(b *testing.B) {
		hostLoop(b, calls(b, true))
	})
}

func hostLoop(b *testing.B, module api.Module) {
	loop := module.ExportedFunction("loop")
	b.ReportAllocs()
	b.ResetTimer()
	got, err := loop.Call(context.Background(), api.EncodeI32(int32(b.N)))
	if err != nil || api.DecodeI32(got[0]) != int32(b.N) {
		b.Fatalf("loop(%d) = %v, %v", b.N, got, err)
	}
}

// BenchmarkExecute is run() of each workload, each time in a new instance
// (not timed); the module is compiled once.
func BenchmarkExecute(b *testing.B) {
	ctx := context.Background()
	for _, name := range workloads.Names {
		b.Run(name, func(b *testing.B) {
			wasm, err := workloads.Read(name)
			if err != nil {
				b.Fatal(err)
			}
			r := newRuntime(b)
			compiled, err := r.CompileModule(ctx, wasm)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				module, err := r.InstantiateModule(ctx, compiled, anonymous)
				if err != nil {
					b.Fatal(err)
				}
				run := module.ExportedFunction("run")
				b.StartTimer()
				got, err := run.Call(ctx)
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if err := workloads.Record("wazero", name, int64(got[0])); err != nil {
					b.Fatal(err)
				}
				module.Close(ctx)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkCompile compiles a module of 2,000 functions, different bytes
// each time, with as many compilation workers as GOMAXPROCS, since Kiln and
// Wasmtime compile on every core (wazero's default is one worker: the
// OneWorker sub-benchmark).
func BenchmarkCompile(b *testing.B) {
	compile := func(b *testing.B, ctx context.Context) {
		r := newRuntime(b)
		b.ResetTimer()
		for i := range b.N {
			b.StopTimer()
			wasm := wasmgen.ManyFuncs(2000, i)
			b.StartTimer()
			compiled, err := r.CompileModule(ctx, wasm)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			compiled.Close(ctx)
			b.StartTimer()
		}
	}
	b.Run("AllCores", func(b *testing.B) {
		compile(b, experimental.WithCompilationWorkers(context.Background(), runtime.GOMAXPROCS(0)))
	})
	b.Run("OneWorker", func(b *testing.B) {
		compile(b, context.Background())
	})
}

// BenchmarkInstantiate instantiates wasmgen.Small, anonymously, into one
// runtime; closing the instances is not timed.
func BenchmarkInstantiate(b *testing.B) {
	ctx := context.Background()
	r := newRuntime(b)
	compiled, err := r.CompileModule(ctx, wasmgen.Small())
	if err != nil {
		b.Fatal(err)
	}
	const batch = 64
	modules := make([]api.Module, 0, batch)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		module, err := r.InstantiateModule(ctx, compiled, anonymous)
		if err != nil {
			b.Fatal(err)
		}
		modules = append(modules, module)
		if len(modules) == batch || i == b.N-1 {
			b.StopTimer()
			for _, m := range modules {
				m.Close(ctx)
			}
			modules = modules[:0]
			b.StartTimer()
		}
	}
}
