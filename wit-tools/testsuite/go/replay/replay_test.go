package replay

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	kiln "github.com/kiln-wasm/kiln/go"
)

// root is the repository's root, from this package's directory.
const root = "../../../.."

// knownFailures reads known-failures.txt: `world/test  reason` lines.
func knownFailures(t *testing.T) map[string]string {
	f, err := os.Open("known-failures.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, " ")
		out[name] = strings.TrimSpace(reason)
	}
	return out
}

// TestReplay replays every case file through the generated Go glue. The
// guests are built by `cargo run -p kiln-wit-guests` (go/run-tests.sh);
// KILN_WIT_GUESTS names their directory (default target/wit-guests).
func TestReplay(t *testing.T) {
	guests := os.Getenv("KILN_WIT_GUESTS")
	if guests == "" {
		guests = filepath.Join(root, "target", "wit-guests")
	}
	known := knownFailures(t)
	engine := kiln.NewEngine()
	defer engine.Close()
	worlds := make([]string, 0, len(Worlds))
	for w := range Worlds {
		worlds = append(worlds, w)
	}
	sort.Strings(worlds)
	passed, failed := 0, 0
	for _, name := range worlds {
		world := Worlds[name]
		wasm, err := os.ReadFile(filepath.Join(guests, name+".wasm"))
		if err != nil {
			t.Fatalf("the guest of %s (build it with cargo run -p kiln-wit-guests): %v", name, err)
		}
		component, err := kiln.NewComponent(engine, wasm)
		if err != nil {
			t.Fatalf("compiling %s: %v", name, err)
		}
		cases, err := LoadCases(filepath.Join(root, "wit-tools", "tests", "cases", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, test := range cases.Tests {
			id := name + "/" + test.Name
			err := RunTest(engine, component, world, test.Steps)
			reason, listed := known[id]
			delete(known, id)
			switch {
			case err == nil && listed:
				t.Errorf("%s passes but is listed in known-failures.txt (%s)", id, reason)
			case err == nil:
				passed++
			case listed:
				failed++
			default:
				failed++
				t.Errorf("%s: %v", id, err)
			}
		}
		component.Close()
	}
	for id := range known {
		t.Errorf("known-failures.txt lists %s, which is not a test", id)
	}
	t.Logf("%d passed, %d failed", passed, failed)
}
