package kiln

import "testing"

// A view fetched before a grow keeps the old length: the documented rule
// is to fetch it again, which this shows.
func TestMemoryViewAfterGrow(t *testing.T) {
	store := NewStore(NewEngine())
	instance := instantiate(t, store, `(module
	  (memory (export "memory") 1 3)
	  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
	  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))`)
	memory := instance.GetExport(store, "memory").Memory()
	before := memory.UnsafeData(store)
	if len(before) != 65536 || memory.Size(store) != 1 {
		t.Fatal(len(before), memory.Size(store))
	}
	if got, err := instance.GetFunc(store, "grow").Call(store); err != nil || got != int32(1) {
		t.Fatal(got, err)
	}
	if len(before) != 65536 {
		t.Fatal("a slice changed length")
	}
	after := memory.UnsafeData(store)
	if len(after) != 2*65536 || memory.DataSize(store) != 2*65536 {
		t.Fatal(len(after))
	}
	after[70000] = 9
	if got, _ := instance.GetFunc(store, "load").Call(store, 70000); got != int32(9) {
		t.Fatal(got)
	}
	if prev, err := memory.Grow(store, 1); err != nil || prev != 2 {
		t.Fatal(prev, err)
	}
	if _, err := memory.Grow(store, 1); err == nil {
		t.Fatal("grew past the maximum")
	}
	if memory.Data(store) == nil {
		t.Fatal("no data pointer")
	}
	memory.Close()
	memory.Close()
}

func TestMemoryType(t *testing.T) {
	ty, err := NewMemoryType(2, true, 5, false)
	if err != nil {
		t.Fatal(err)
	}
	store := NewStore(NewEngine())
	m, err := NewMemory(store, ty)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Type(store)
	if has, max := got.Maximum(); got.Minimum() != 2 || !has || max != 5 {
		t.Fatalf("%+v", got)
	}
	ty64, _ := NewMemoryType64(1, false, 0, false)
	if _, err := NewMemory(store, ty64); err == nil {
		t.Fatal("made a 64-bit memory through the standard C API")
	}
}
