package kiln

import (
	"strings"
	"testing"
)

func TestModuleErrorsAndSerialize(t *testing.T) {
	engine := NewEngine()
	_, err := NewModule(engine, []byte(`(module (func (result i32) (i64.const 1)))`))
	if err == nil || !strings.Contains(err.Error(), "type mismatch") {
		t.Fatalf("got %v", err)
	}
	if err := ModuleValidate(engine, []byte{0, 'a', 's', 'm', 1, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	module, err := NewModule(engine, []byte(addWat))
	if err != nil {
		t.Fatal(err)
	}
	bytes, err := module.Serialize()
	if err != nil {
		t.Fatal(err)
	}
	again, err := NewModuleDeserialize(engine, bytes)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Exports()) != 3 || again.Exports()[0].Name() != "add" {
		t.Fatalf("%v", again.Exports())
	}
	if _, err := NewModuleDeserialize(engine, bytes[:10]); err == nil {
		t.Fatal("loaded truncated bytes")
	}
	module.Close()
	module.Close()
}

func TestWat2WasmError(t *testing.T) {
	if _, err := Wat2Wasm("(module (func (cal 0)))"); err == nil {
		t.Fatal("bad text translated")
	}
}
