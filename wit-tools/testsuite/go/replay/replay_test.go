package replay

import (
	"bufio"
	"fmt"
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
	counts := map[string]*worldCounts{}
	for _, name := range worlds {
		c := &worldCounts{}
		counts[name] = c
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
				c.failed++
				t.Errorf("%s passes but is listed in known-failures.txt (%s)", id, reason)
			case err == nil:
				c.passed++
				passed++
			case listed:
				c.known++
				failed++
			default:
				c.failed++
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
	writeResults(t, worlds, counts)
}

// worldCounts is how a world's tests went: passed (and not listed in
// known-failures.txt), failed and listed, and otherwise (an unlisted
// failure, or a listed test that passes).
type worldCounts struct {
	passed, failed, known int
}

// writeResults writes <target>/wit-corpus/go.tsv, which the cross-language
// matrix (wit-tools/tests/matrix) reads: one `world passed failed
// known_failures` line (tab-separated) per world. <target> is
// CARGO_TARGET_DIR (relative to the repository's root) or <root>/target.
func writeResults(t *testing.T, worlds []string, counts map[string]*worldCounts) {
	target := os.Getenv("CARGO_TARGET_DIR")
	if target == "" {
		target = "target"
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(root, target)
	}
	dir := filepath.Join(target, "wit-corpus")
	var b strings.Builder
	for _, w := range worlds {
		c := counts[w]
		fmt.Fprintf(&b, "%s\t%d\t%d\t%d\n", w, c.passed, c.failed, c.known)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.tsv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
