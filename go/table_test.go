package kiln

import "testing"

func TestTableOfExternrefs(t *testing.T) {
	store := NewStore(NewEngine())
	table, err := NewTable(store, NewTableType(NewValType(KindExternref), 2, true, 4), ValExternref(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := table.Set(store, 1, ValExternref([]int{1, 2})); err != nil {
		t.Fatal(err)
	}
	v, err := table.Get(store, 1)
	if err != nil || v.Externref().([]int)[1] != 2 {
		t.Fatal(v, err)
	}
	if prev, err := table.Grow(store, 2, ValExternref("x")); err != nil || prev != 2 {
		t.Fatal(prev, err)
	}
	if _, err := table.Grow(store, 1, ValExternref(nil)); err == nil {
		t.Fatal("grew past the maximum")
	}
	if _, err := table.Get(store, 4); err == nil {
		t.Fatal("read out of bounds")
	}
	if err := table.Set(store, 0, ValI32(1)); err == nil {
		t.Fatal("stored an i32 in a table of externrefs")
	}
}
