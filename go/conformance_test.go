package kiln

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The shared conformance vectors (tests/conformance/README.md), which
// every binding runs so that they agree on results, traps and host calls.
type vectors struct {
	Cases []struct {
		Name   string
		Module string
		Steps  []struct {
			Invoke     string
			Args       []string
			Expect     json.RawMessage
			Trap       *string
			ReadMemory string `json:"read_memory"`
			ReadGlobal string `json:"read_global"`
			Offset     int
			ExpectHex  string `json:"expect_hex"`
		}
	}
}

func parseVal(t *testing.T, s string) Val {
	ty, text, _ := strings.Cut(s, ":")
	float := func(bits int) float64 {
		switch text {
		case "inf":
			return math.Inf(1)
		case "-inf":
			return math.Inf(-1)
		case "nan":
			return math.NaN()
		}
		f, err := strconv.ParseFloat(text, bits)
		if err != nil {
			t.Fatalf("bad value %q", s)
		}
		return f
	}
	switch ty {
	case "i32":
		n, err := strconv.ParseInt(text, 10, 32)
		if err != nil {
			t.Fatalf("bad value %q", s)
		}
		return ValI32(int32(n))
	case "i64":
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			t.Fatalf("bad value %q", s)
		}
		return ValI64(n)
	case "f32":
		return ValF32(float32(float(32)))
	case "f64":
		return ValF64(float(64))
	}
	t.Fatalf("bad value %q", s)
	return Val{}
}

func sameVal(want, got Val) bool {
	if want.kind != got.kind {
		return false
	}
	switch want.kind {
	case KindF32:
		if math.IsNaN(float64(want.F32())) {
			return math.IsNaN(float64(got.F32()))
		}
	case KindF64:
		if math.IsNaN(want.F64()) {
			return math.IsNaN(got.F64())
		}
	}
	return want.bits == got.bits
}

func TestConformanceVectors(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "tests", "conformance", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	engine := NewEngine()
	linker := NewLinker(engine)
	if err := linker.FuncWrap("conformance", "double", func(x int32) int32 { return x * 2 }); err != nil {
		t.Fatal(err)
	}
	if err := linker.FuncWrap("conformance", "fail", func() *Trap { return NewTrap("host failure") }); err != nil {
		t.Fatal(err)
	}
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			store := NewStore(engine)
			defer store.Close()
			module, err := NewModule(engine, []byte(c.Module))
			if err != nil {
				t.Fatal(err)
			}
			instance, err := linker.Instantiate(store, module)
			if err != nil {
				t.Fatal(err)
			}
			for i, step := range c.Steps {
				switch {
				case step.Invoke != "":
					f := instance.GetFunc(store, step.Invoke)
					args := make([]any, len(step.Args))
					for j, a := range step.Args {
						args[j] = parseVal(t, a)
					}
					got, err := f.Call(store, args...)
					if step.Trap != nil {
						if err == nil || !strings.Contains(err.Error(), *step.Trap) {
							t.Errorf("step %d: %s: got %v, %v; want a trap with %q", i, step.Invoke, got, err, *step.Trap)
						}
						continue
					}
					if err != nil {
						t.Errorf("step %d: %s: %v", i, step.Invoke, err)
						continue
					}
					var want []string
					if err := json.Unmarshal(step.Expect, &want); err != nil {
						t.Fatalf("step %d: expect %s", i, step.Expect)
					}
					var vals []Val
					switch r := got.(type) {
					case nil:
					case []Val:
						vals = r
					default:
						vals = []Val{resultVal(r)}
					}
					if len(vals) != len(want) {
						t.Errorf("step %d: %s returned %v, want %v", i, step.Invoke, vals, want)
						continue
					}
					for j, w := range want {
						if !sameVal(parseVal(t, w), vals[j]) {
							t.Errorf("step %d: %s result %d = %v, want %s", i, step.Invoke, j, vals[j].Get(), w)
						}
					}
				case step.ReadMemory != "":
					want, _ := hex.DecodeString(step.ExpectHex)
					mem := instance.GetExport(store, step.ReadMemory).Memory().UnsafeData(store)
					if got := mem[step.Offset : step.Offset+len(want)]; string(got) != string(want) {
						t.Errorf("step %d: memory at %d = %x, want %x", i, step.Offset, got, want)
					}
				case step.ReadGlobal != "":
					var want string
					if err := json.Unmarshal(step.Expect, &want); err != nil {
						t.Fatalf("step %d: expect %s", i, step.Expect)
					}
					got := instance.GetExport(store, step.ReadGlobal).Global().Get(store)
					if !sameVal(parseVal(t, want), got) {
						t.Errorf("step %d: global %s = %v, want %s", i, step.ReadGlobal, got.Get(), want)
					}
				default:
					t.Fatalf("step %d: unknown step", i)
				}
			}
		})
	}
}

// resultVal is the Val of a single result Call returned as a Go value.
func resultVal(r any) Val {
	switch r := r.(type) {
	case int32:
		return ValI32(r)
	case int64:
		return ValI64(r)
	case float32:
		return ValF32(r)
	case float64:
		return ValF64(r)
	}
	return ValExternref(r)
}
