package kiln

import (
	"testing"
)

// A host function defined in a linker runs in whichever store calls it,
// and sees that store's data and the calling instance.
func TestLinkerFuncSeesItsStore(t *testing.T) {
	engine := NewEngine()
	linker := NewLinker(engine)
	defer linker.Close()
	err := linker.FuncWrap("host", "tag", func(c *Caller, x int32) int32 {
		memory := c.GetExport("memory").Memory()
		memory.UnsafeData(c)[0] = byte(x)
		return x + c.Data().(int32)
	})
	if err != nil {
		t.Fatal(err)
	}
	module, err := NewModule(engine, []byte(`(module
	  (import "host" "tag" (func $tag (param i32) (result i32)))
	  (memory (export "memory") 1)
	  (func (export "run") (param i32) (result i32) (call $tag (local.get 0))))`))
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range []int32{100, 200} {
		store := NewStoreWithData(engine, data)
		instance, err := linker.Instantiate(store, module)
		if err != nil {
			t.Fatal(err)
		}
		got, err := instance.GetFunc(store, "run").Call(store, 5)
		if err != nil || got != data+5 {
			t.Fatal(got, err)
		}
		if b := instance.GetExport(store, "memory").Memory().UnsafeData(store)[0]; b != 5 {
			t.Fatal(b)
		}
	}
}

func TestLinkerNumericHostFunctionWithTrap(t *testing.T) {
	engine := NewEngine()
	linker := NewLinker(engine)
	ty := NewFuncType([]*ValType{NewValType(KindI64)}, []*ValType{NewValType(KindI64)})
	err := linker.FuncNew("host", "half", ty, func(c *Caller, args []Val) ([]Val, *Trap) {
		if args[0].I64()%2 != 0 {
			return nil, NewTrap("odd")
		}
		return []Val{ValI64(args[0].I64() / 2)}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	store := NewStore(engine)
	module, _ := NewModule(engine, []byte(`(module
	  (import "host" "half" (func $half (param i64) (result i64)))
	  (func (export "run") (param i64) (result i64) (call $half (local.get 0))))`))
	instance, err := linker.Instantiate(store, module)
	if err != nil {
		t.Fatal(err)
	}
	run := instance.GetFunc(store, "run")
	if got, err := run.Call(store, int64(8)); err != nil || got != int64(4) {
		t.Fatal(got, err)
	}
	if _, err := run.Call(store, int64(3)); err == nil || err.Error() != "odd" {
		t.Fatal(err)
	}
}
