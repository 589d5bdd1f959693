package kiln

import "testing"

func TestGlobals(t *testing.T) {
	store := NewStore(NewEngine())
	g, err := NewGlobal(store, NewGlobalType(NewValType(KindF64), true), ValF64(1.5))
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Set(store, ValF64(2.5)); err != nil || g.Get(store).F64() != 2.5 {
		t.Fatal(err, g.Get(store))
	}
	c, _ := NewGlobal(store, NewGlobalType(NewValType(KindI32), false), ValI32(1))
	if err := c.Set(store, ValI32(2)); err == nil {
		t.Fatal("set an immutable global")
	}
	if ty := c.Type(store); ty.Mutable() || ty.Content().Kind() != KindI32 {
		t.Fatalf("%+v", ty)
	}
}
