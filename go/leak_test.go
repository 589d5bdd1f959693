package kiln

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// rssKiB is the process's resident set size.
func rssKiB(t *testing.T) int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatalf("the leak test measures RSS from /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, err := strconv.Atoi(strings.Fields(line)[1])
			if err != nil {
				t.Fatalf("unreadable VmRSS line %q: %v", line, err)
			}
			return n
		}
	}
	t.Fatal("/proc/self/status has no VmRSS line")
	return 0
}

// 100,000 cycles of store, instance, host function, calls and Close leave
// the resident set flat: nothing of a cycle outlives it.
func TestLeakCycles(t *testing.T) {
	cycles := 100000
	if testing.Short() || raceEnabled {
		cycles = 10000
	}
	engine := NewEngine()
	module, err := NewModule(engine, []byte(`(module
	  (import "" "inc" (func $inc (param i32) (result i32)))
	  (func (export "run") (param externref i32) (result externref i32)
	    (local.get 0) (call $inc (local.get 1))))`))
	if err != nil {
		t.Fatal(err)
	}
	cycle := func(i int) {
		store := NewStore(engine)
		inc := WrapFunc(store, func(x int32) int32 { return x + 1 })
		instance, err := NewInstance(store, module, []AsExtern{inc})
		if err != nil {
			t.Fatal(err)
		}
		export := instance.GetExport(store, "run")
		run := export.Func()
		export.Close()
		got, err := run.Call(store, "payload", i)
		if err != nil || got.([]Val)[1].I32() != int32(i+1) {
			t.Fatal(got, err)
		}
		run.Close()
		inc.Close()
		instance.Close()
		store.Close()
	}
	settle := func() int {
		// Twice: finalizers queued by the first collection run before
		// the second.
		runtime.GC()
		runtime.GC()
		debug.FreeOSMemory()
		return rssKiB(t)
	}
	for i := 0; i < cycles/2; i++ {
		cycle(i)
	}
	before := settle()
	for i := 0; i < cycles; i++ {
		cycle(i)
	}
	after := settle()
	// Generous for allocator noise, far below a leak of even 100 bytes a
	// cycle (10 MB over 100,000 cycles).
	if after-before > 8*1024 {
		t.Fatalf("RSS grew from %d KiB to %d KiB over %d cycles", before, after, cycles)
	}
	t.Logf("RSS %d KiB -> %d KiB over %d cycles", before, after, cycles)
}
