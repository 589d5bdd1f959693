// Package components measures one component call through the Go glue that
// `kiln bindgen --lang go` generates against the same call on the dynamic
// path (ComponentFunc.Call with ComponentVal): kiln:corpus/list-api's
// best-name(list<score>) -> string with the 1,000 records of
// bench/src/components.rs, on the corpus's lists guest. bench/go/run-components
// builds what it needs and runs it.
package components

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	kiln "github.com/kiln-wasm/kiln/go"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/lists"
	"github.com/kiln-wasm/kiln/wit-tools/testsuite/go/replay"
)

// The records of bench/src/components.rs: names player-0 ... player-999,
// values spread over [0, 1000) in no order, with one maximum.
func records() ([]lists.Score, kiln.ComponentList) {
	typed := make([]lists.Score, 1000)
	dynamic := make(kiln.ComponentList, 1000)
	for i := range typed {
		name := fmt.Sprintf("player-%d", i)
		value := float64((i*7919)%1000) + float64(i%7)/8
		typed[i] = lists.Score{Name: name, Value: value}
		dynamic[i] = kiln.ComponentRecord{
			{Name: "name", Value: kiln.ComponentString(name)},
			{Name: "value", Value: kiln.ComponentF64(value)},
		}
	}
	return typed, dynamic
}

// instance instantiates the lists guest with the corpus's host.
func instance(b *testing.B) (*kiln.Store, *kiln.ComponentLinker, *kiln.Component) {
	b.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..")
	wasm, err := os.ReadFile(filepath.Join(root, "target", "wit-guests", "lists.wasm"))
	if err != nil {
		b.Fatalf("the lists guest (cargo run -p kiln-wit-guests -- lists): %v", err)
	}
	engine := kiln.NewEngine()
	component, err := kiln.NewComponent(engine, wasm)
	if err != nil {
		b.Fatal(err)
	}
	linker := kiln.NewComponentLinker(engine)
	if err := lists.AddToLinker(linker, replay.ListsHost()); err != nil {
		b.Fatal(err)
	}
	return kiln.NewStore(engine), linker, component
}

// The expected answer: the record valued 999.75.
const best = "player-321"

func BenchmarkBestNameGlue(b *testing.B) {
	store, linker, component := instance(b)
	w, err := lists.Instantiate(store, linker, component)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	scores, _ := records()
	api := w.ListApi()
	if got, err := api.BestName(scores); err != nil || got != best {
		b.Fatalf("best-name = %q, %v; want %q", got, err, best)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := api.BestName(scores); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBestNameDynamic(b *testing.B) {
	store, linker, component := instance(b)
	inst, err := linker.Instantiate(store, component)
	if err != nil {
		b.Fatal(err)
	}
	defer inst.Close()
	f, err := inst.Func("kiln:corpus/list-api", "best-name")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	_, scores := records()
	if got, err := f.Call(scores); err != nil || got != kiln.ComponentString(best) {
		b.Fatalf("best-name = %#v, %v; want %q", got, err, best)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := f.Call(scores); err != nil {
			b.Fatal(err)
		}
	}
}
