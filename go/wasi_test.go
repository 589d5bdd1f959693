package kiln

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWasiArgsAndEnv(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	engine := NewEngine()
	linker := NewLinker(engine)
	if err := linker.DefineWasi(); err != nil {
		t.Fatal(err)
	}
	// Writes argv[1]'s and the environment's sizes, as two bytes.
	module, err := NewModule(engine, []byte(`(module
	  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args (param i32 i32) (result i32)))
	  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env (param i32 i32) (result i32)))
	  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
	  (memory (export "memory") 1)
	  (func (export "_start")
	    (drop (call $args (i32.const 100) (i32.const 104)))
	    (drop (call $env (i32.const 108) (i32.const 112)))
	    (i32.store8 (i32.const 200) (i32.load (i32.const 100)))
	    (i32.store8 (i32.const 201) (i32.load (i32.const 108)))
	    (i32.store (i32.const 0) (i32.const 200))
	    (i32.store (i32.const 4) (i32.const 2))
	    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 20)))))`))
	if err != nil {
		t.Fatal(err)
	}
	config := NewWasiConfig()
	config.SetArgv([]string{"prog", "a", "b"})
	config.SetEnv([]string{"A"}, []string{"1"})
	if err := config.SetStdoutFile(out); err != nil {
		t.Fatal(err)
	}
	if err := config.PreopenDir(dir, "/data", DIR_READ, FILE_READ); err != nil {
		t.Fatal(err)
	}
	if err := config.PreopenDir(filepath.Join(dir, "missing"), "/x", DIR_READ, FILE_READ); err == nil {
		t.Fatal("pre-opened a missing directory")
	}
	store := NewStore(engine)
	store.SetWasi(config)
	instance, err := linker.Instantiate(store, module)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := instance.GetFunc(store, "_start").Call(store); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if len(got) != 2 || got[0] != 3 || got[1] != 1 {
		t.Fatalf("got %v", got)
	}
}
