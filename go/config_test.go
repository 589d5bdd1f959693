package kiln

import (
	"strings"
	"testing"
)

func TestConfigRefusesFeaturesKilnLacks(t *testing.T) {
	config := NewConfig()
	config.SetWasmGC(true)
	defer func() {
		r := recover()
		if s, ok := r.(string); !ok || !strings.Contains(s, "GC") {
			t.Fatalf("recovered %v", r)
		}
	}()
	NewEngineWithConfig(config)
}

func TestConfigIsTakenByItsEngine(t *testing.T) {
	config := NewConfig()
	config.SetWasmMultiMemory(true)
	config.SetCraneliftOptLevel(OptLevelNone)
	NewEngineWithConfig(config)
	defer func() {
		if recover() == nil {
			t.Fatal("a used config made a second engine")
		}
	}()
	NewEngineWithConfig(config)
}

func TestConfigTarget(t *testing.T) {
	if err := NewConfig().SetTarget("riscv64gc-unknown-linux-gnu"); err == nil {
		t.Fatal("accepted another target")
	}
}
