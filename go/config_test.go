package kiln

import (
	"os"
	"path/filepath"
	"testing"
)

func TestConfigRefusesFeaturesKilnLacks(t *testing.T) {
	config := NewConfig()
	config.SetWasmGC(true)
	defer func() {
		r := recover()
		if err, ok := r.(error); !ok || err.Error() != "kiln does not implement GC" {
			t.Fatalf("recovered %v", r)
		}
	}()
	NewEngineWithConfig(config)
}

func TestTryNewEngineWithConfigReturnsMissingFeatures(t *testing.T) {
	config := NewConfig()
	config.SetWasmGC(true)
	engine, err := TryNewEngineWithConfig(config)
	if engine != nil || err == nil || err.Error() != "kiln does not implement GC" {
		t.Fatalf("TryNewEngineWithConfig = %v, %v", engine, err)
	}
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

// compileTwice compiles a module twice in an engine of config and returns
// the entries of dir afterwards.
func compileTwice(t *testing.T, config *Config, dir string) int {
	t.Helper()
	engine := NewEngineWithConfig(config)
	defer engine.Close()
	for range 2 {
		module, err := NewModule(engine, []byte(`(module (func (export "f")))`))
		if err != nil {
			t.Fatal(err)
		}
		module.Close()
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestCacheConfigLoadKeepsModulesInTheConfiguredDirectory(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "cache.toml")
	if err := os.WriteFile(file, []byte("[cache]\ndirectory = \"modules\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	config := NewConfig()
	if err := config.CacheConfigLoad(file); err != nil {
		t.Fatal(err)
	}
	if n := compileTwice(t, config, filepath.Join(root, "modules")); n != 1 {
		t.Fatalf("%d cache entries, want 1", n)
	}
}

func TestCacheConfigLoadDefaultUsesKilnCacheDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KILN_CACHE_DIR", dir)
	config := NewConfig()
	if err := config.CacheConfigLoadDefault(); err != nil {
		t.Fatal(err)
	}
	if n := compileTwice(t, config, dir); n != 1 {
		t.Fatalf("%d cache entries, want 1", n)
	}
}

func TestCacheConfigLoadOfAMissingFileIsAnError(t *testing.T) {
	err := NewConfig().CacheConfigLoad("/nonexistent/kiln.toml")
	want := "cache configuration /nonexistent/kiln.toml: No such file or directory (os error 2)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}
