package replay

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kiln "github.com/kiln-wasm/kiln/go"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/resources"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/traps"
)

// countingHost counts the host destructor's runs per blob.
type countingHost struct {
	resourcesHost
	drops map[uint32]int
}

func (h *countingHost) BlobsBlobDrop(rep uint32) error {
	h.drops[rep]++
	return h.resourcesHost.BlobsBlobDrop(rep)
}

// loadWorld compiles the world's guest for engine (a new one if nil) and
// returns it with a store and an empty linker, all closed at the test's
// end.
func loadWorld(t *testing.T, engine *kiln.Engine, world string) (*kiln.Component, *kiln.Store, *kiln.ComponentLinker) {
	t.Helper()
	if engine == nil {
		engine = kiln.NewEngine()
		t.Cleanup(engine.Close)
	}
	wasm, err := os.ReadFile(filepath.Join(root, "target", "wit-guests", world+".wasm"))
	if err != nil {
		t.Fatal(err)
	}
	component, err := kiln.NewComponent(engine, wasm)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(component.Close)
	store := kiln.NewStore(engine)
	t.Cleanup(store.Close)
	linker := kiln.NewComponentLinker(engine)
	t.Cleanup(linker.Close)
	return component, store, linker
}

func instantiate[W any](t *testing.T, world string, add func(*kiln.ComponentLinker) error, inst func(*kiln.Store, *kiln.ComponentLinker, *kiln.Component) (W, error)) W {
	t.Helper()
	component, store, linker := loadWorld(t, nil, world)
	if err := add(linker); err != nil {
		t.Fatal(err)
	}
	w, err := inst(store, linker, component)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// A guest resource's destructor runs once, at Close; a closed handle is
// an error to use or close again, not a crash.
func TestGuestResourceLifetime(t *testing.T) {
	host := &resourcesHost{blobs: map[uint32][]byte{}}
	w := instantiate(t, "resources", func(l *kiln.ComponentLinker) error { return resources.AddToLinker(l, host) }, resources.Instantiate)
	defer w.Close()
	api := w.Counters()
	c, err := api.NewCounter(5)
	if err != nil {
		t.Fatal(err)
	}
	if live, err := api.CounterLive(); err != nil || live != 1 {
		t.Fatalf("live = %d, %v; want 1", live, err)
	}
	if v, err := c.Add(3); err != nil || v != 8 {
		t.Fatalf("add = %d, %v; want 8", v, err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if live, err := api.CounterLive(); err != nil || live != 0 {
		t.Fatalf("live after Close = %d, %v; want 0", live, err)
	}
	if err := c.Close(); err == nil {
		t.Fatal("a second Close succeeded")
	}
	if _, err := c.Get(); err == nil || !strings.Contains(err.Error(), "dropped") {
		t.Fatalf("Get on a closed handle: %v", err)
	}
	if _, err := api.CounterConsume(c); err == nil {
		t.Fatal("passing a closed handle succeeded")
	}
	// An owned handle moves into the guest: the Go handle is spent.
	d, err := api.NewCounter(2)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := api.CounterConsume(d); err != nil || v != 2 {
		t.Fatalf("consume = %d, %v; want 2", v, err)
	}
	if _, err := d.Get(); err == nil {
		t.Fatal("a handle moved into the guest still works")
	}
	if live, err := api.CounterLive(); err != nil || live != 0 {
		t.Fatalf("live after consume = %d, %v; want 0", live, err)
	}
}

// A host resource's destructor runs once when the guest drops it.
func TestHostResourceLifetime(t *testing.T) {
	host := &countingHost{resourcesHost: resourcesHost{blobs: map[uint32][]byte{}}, drops: map[uint32]int{}}
	w := instantiate(t, "resources", func(l *kiln.ComponentLinker) error { return resources.AddToLinker(l, host) }, resources.Instantiate)
	defer w.Close()
	b, err := host.BlobsNewBlob([]byte("ab"))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := w.BlobConsume(b); err != nil || n != 2 {
		t.Fatalf("blob-consume = %d, %v; want 2", n, err)
	}
	if host.drops[b.Rep] != 1 || len(host.blobs) != 0 {
		t.Fatalf("destructor runs: %v, live blobs %d; want one run, none live", host.drops, len(host.blobs))
	}
	// The guest makes and drops blobs of its own.
	if out, err := w.BlobRoundtrip([]byte("x"), []byte("yz")); err != nil || string(out) != "xyz" {
		t.Fatalf("blob-roundtrip = %q, %v", out, err)
	}
	for rep, n := range host.drops {
		if n != 1 {
			t.Errorf("blob %d destroyed %d times", rep, n)
		}
	}
	if len(host.blobs) != 0 {
		t.Errorf("%d blobs left", len(host.blobs))
	}
}

// A trap in the middle of a call (after an import ran) fails the call
// with a trap, leaves the instance unusable, and crashes nothing; a host
// error comes back as itself.
func TestTrapMidCall(t *testing.T) {
	host := &trapsHost{}
	w := instantiate(t, "traps", func(l *kiln.ComponentLinker) error { return traps.AddToLinker(l, host) }, traps.Instantiate)
	defer w.Close()
	_, err := w.TrapAfterImport(7)
	var trap *kiln.Trap
	if !errors.As(err, &trap) || trap.Code() == nil || *trap.Code() != kiln.UnreachableCodeReached {
		t.Fatalf("trap-after-import: %v", err)
	}
	if len(host.notes) != 1 || host.notes[0] != 7 {
		t.Fatalf("notes = %v; want [7]", host.notes)
	}
	if _, err := w.Echo(1); err == nil || !strings.Contains(err.Error(), "cannot enter") {
		t.Fatalf("a call after the trap: %v", err)
	}

	w2 := instantiate(t, "traps", func(l *kiln.ComponentLinker) error { return traps.AddToLinker(l, host) }, traps.Instantiate)
	defer w2.Close()
	_, err = w2.FailViaHost(3, "boom")
	var hf *HostFailure
	if !errors.As(err, &hf) || hf.Message != "boom" {
		t.Fatalf("fail-via-host: %v", err)
	}
}
