package kiln_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	kiln "github.com/kiln-wasm/kiln/go"
)

// Wasm calls a Go function, and Go calls wasm.
func Example() {
	store := kiln.NewStore(kiln.NewEngine())
	defer store.Close()
	module, err := kiln.NewModule(store.Engine, []byte(`(module
	  (import "" "hello" (func $hello (param i32)))
	  (func (export "run") (param i32) (call $hello (i32.mul (local.get 0) (i32.const 2)))))`))
	if err != nil {
		log.Fatal(err)
	}
	hello := kiln.WrapFunc(store, func(n int32) { fmt.Println("hello from Go,", n) })
	instance, err := kiln.NewInstance(store, module, []kiln.AsExtern{hello})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := instance.GetFunc(store, "run").Call(store, 21); err != nil {
		log.Fatal(err)
	}
	// Output: hello from Go, 42
}

// A trap is a *Trap with a code, frames and Wasmtime's text.
func ExampleTrap() {
	store := kiln.NewStore(kiln.NewEngine())
	module, _ := kiln.NewModule(store.Engine, []byte(`(module $m
	  (func $div (export "div") (param i32 i32) (result i32)
	    (i32.div_s (local.get 0) (local.get 1))))`))
	instance, _ := kiln.NewInstance(store, module, nil)
	_, err := instance.GetFunc(store, "div").Call(store, 1, 0)
	var trap *kiln.Trap
	if errors.As(err, &trap) {
		fmt.Println(*trap.Code() == kiln.IntegerDivisionByZero)
		fmt.Println(*trap.Frames()[0].FuncName())
		fmt.Print(trap.Message())
	}
	// Output:
	// true
	// div
	// error while executing at wasm backtrace:
	//     0:     0x27 - m!div
	//
	// Caused by:
	//     wasm trap: integer divide by zero
}

// A host function's trap comes back to the caller as an *Error.
func ExampleNewTrap() {
	store := kiln.NewStore(kiln.NewEngine())
	check := kiln.WrapFunc(store, func(n int32) *kiln.Trap {
		if n < 0 {
			return kiln.NewTrap("negative input")
		}
		return nil
	})
	_, err := check.Call(store, -1)
	var e *kiln.Error
	fmt.Println(errors.As(err, &e), err)
	// Output: true negative input
}

// UnsafeData aliases linear memory until the memory grows: fetch it again
// after Grow (or after any call into wasm, which may run memory.grow).
func ExampleMemory_UnsafeData() {
	store := kiln.NewStore(kiln.NewEngine())
	ty, _ := kiln.NewMemoryType(1, true, 4, false)
	memory, _ := kiln.NewMemory(store, ty)
	data := memory.UnsafeData(store)
	data[0] = 7
	fmt.Println(len(data))
	if _, err := memory.Grow(store, 1); err != nil {
		log.Fatal(err)
	}
	// `data` is stale now: its length is the old size, and its memory may
	// have moved. Fetch the view again.
	data = memory.UnsafeData(store)
	fmt.Println(len(data), data[0])
	// Output:
	// 65536
	// 131072 7
}

// Host functions defined in a linker serve every store; a WASI program's
// exit status comes back as an *Error.
func ExampleLinker() {
	engine := kiln.NewEngine()
	linker := kiln.NewLinker(engine)
	defer linker.Close()
	if err := linker.DefineWasi(); err != nil {
		log.Fatal(err)
	}
	module, _ := kiln.NewModule(engine, []byte(`(module
	  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
	  (memory (export "memory") 1)
	  (func (export "_start") (call $exit (i32.const 3))))`))
	store := kiln.NewStore(engine)
	store.SetWasi(kiln.NewWasiConfig())
	instance, err := linker.Instantiate(store, module)
	if err != nil {
		log.Fatal(err)
	}
	_, err = instance.GetFunc(store, "_start").Call(store)
	var e *kiln.Error
	if errors.As(err, &e) {
		status, exited := e.ExitStatus()
		fmt.Println(status, exited)
	}
	// Output: 3 true
}

// WASI output can go to a file.
func ExampleWasiConfig() {
	dir, _ := os.MkdirTemp("", "kiln")
	defer os.RemoveAll(dir)
	engine := kiln.NewEngine()
	linker := kiln.NewLinker(engine)
	linker.DefineWasi()
	module, _ := kiln.NewModule(engine, []byte(`(module
	  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
	  (memory (export "memory") 1)
	  (data (i32.const 8) "hi\n")
	  (func (export "_start")
	    (i32.store (i32.const 0) (i32.const 8))
	    (i32.store (i32.const 4) (i32.const 3))
	    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 20)))))`))
	config := kiln.NewWasiConfig()
	config.SetStdoutFile(filepath.Join(dir, "out"))
	store := kiln.NewStore(engine)
	store.SetWasi(config)
	instance, _ := linker.Instantiate(store, module)
	instance.GetFunc(store, "_start").Call(store)
	out, _ := os.ReadFile(filepath.Join(dir, "out"))
	fmt.Print(string(out))
	// Output: hi
}
