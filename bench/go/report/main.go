// Command report turns the output of bench/go's three test binaries into
// one markdown table: Kiln beside wasmtime-go and wazero, with the ratios,
// the goals and the checks. bench/go/run runs it; by hand:
//
//	go run ./report DIR
//
// DIR holds kiln.txt, wasmtime-go.txt and wazero.txt (the `go test -bench`
// output of every round, appended), checksums.txt (lines "RUNTIME SCALE
// WORKLOAD CHECKSUM" from internal/workloads.Record), and optionally
// meta.txt ("KEY<TAB>VALUE" lines written by bench/go/run), load.txt (one
// line per binary run: its label, the 1-minute load average before and
// after) and failures.txt (a line per failure the run script saw). Each
// figure is the median over the rounds.
//
// The report goes to stdout. It exits 1, after printing a FAILURES section,
// if a binary failed, a figure is missing, or the workloads' checksums
// differ between runtimes or rounds.
package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// runtimes are the columns, in order, and the names of their output files.
var runtimes = []string{"kiln", "wasmtime-go", "wazero"}

// workloads are the execution rows, in bench/build-workloads's order.
var workloads = []string{"fib", "nbody", "sieve", "matmul", "sha256", "lz77", "quicksort", "wordcount", "interp", "simd"}

// sample is one benchmark line: ns/op, and allocs/op when reported.
type sample struct {
	ns     float64
	allocs float64
	hasA   bool
}

// results maps runtime -> benchmark name (without the -GOMAXPROCS suffix)
// -> its samples, one per round.
type results map[string]map[string][]sample

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+([0-9.]+) ns/op(.*)$`)
var allocsField = regexp.MustCompile(`([0-9.]+) allocs/op`)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: report DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	var failures []string
	fail := func(format string, args ...any) { failures = append(failures, fmt.Sprintf(format, args...)) }

	res := results{}
	for _, rt := range runtimes {
		res[rt] = map[string][]sample{}
		lines, err := readLines(filepath.Join(dir, rt+".txt"))
		if err != nil {
			fail("%s: %v", rt, err)
			continue
		}
		for _, line := range lines {
			if strings.HasPrefix(line, "--- FAIL") || line == "FAIL" || strings.HasPrefix(line, "panic:") {
				fail("%s: %s", rt, line)
			}
			m := benchLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			ns, _ := strconv.ParseFloat(m[3], 64)
			s := sample{ns: ns}
			if a := allocsField.FindStringSubmatch(m[4]); a != nil {
				s.allocs, _ = strconv.ParseFloat(a[1], 64)
				s.hasA = true
			}
			res[rt][m[1]] = append(res[rt][m[1]], s)
		}
	}
	if lines, err := readLines(filepath.Join(dir, "failures.txt")); err == nil {
		for _, l := range lines {
			if strings.TrimSpace(l) != "" {
				fail("%s", l)
			}
		}
	}
	meta := map[string]string{}
	if lines, err := readLines(filepath.Join(dir, "meta.txt")); err == nil {
		for _, l := range lines {
			if k, v, ok := strings.Cut(l, "\t"); ok {
				meta[k] = v
			}
		}
	}

	checksums := checkChecksums(dir, fail)

	var sb strings.Builder
	header(&sb, meta)

	t := &table{res: res, fail: fail}
	sb.WriteString("| measure | Kiln | wasmtime-go | wazero | Kiln/wasmtime-go | Kiln/wazero | spread over rounds: Kiln; wasmtime-go; wazero |\n")
	sb.WriteString("|---|---:|---:|---:|---:|---:|---|\n")
	t.row(&sb, "empty cgo call (the floor; the same C function in each binary)",
		[]string{"BenchmarkEmptyCgoCall", "BenchmarkEmptyCgoCall", "BenchmarkEmptyCgoCall"}, false)
	t.row(&sb, "Go->wasm `add(i32, i32)`: `Call`",
		[]string{"BenchmarkCallAdd/Call", "BenchmarkCallAdd/Call", "BenchmarkCallAdd/Call"}, false)
	t.row(&sb, "Go->wasm `add(i32, i32)`: `CallWithStack` (raw `[]uint64`; wasmtime-go has none)",
		[]string{"BenchmarkCallAdd/CallWithStack", "", "BenchmarkCallAdd/CallWithStack"}, false)
	t.row(&sb, "wasm->Go call of an import `func(int32) int32`: `WrapFunc` (wazero: `WithFunc`)",
		[]string{"BenchmarkHostCall/WrapFunc", "BenchmarkHostCall/WrapFunc", "BenchmarkHostCall/WrapFunc"}, false)
	t.row(&sb, "wasm->Go, defined by `Linker.FuncWrap`",
		[]string{"BenchmarkHostCall/Linker", "BenchmarkHostCall/Linker", ""}, false)
	t.row(&sb, "wasm->Go, wazero's `WithGoFunction` (raw stack)",
		[]string{"", "", "BenchmarkHostCall/GoFunction"}, false)
	var vsWasmtime, vsWazero []float64
	for _, w := range workloads {
		label := "execute " + w
		if w == "simd" {
			label += " (SIMD128 intrinsics)"
		}
		if c, ok := checksums[w]; ok {
			label += fmt.Sprintf(" (run() = %d)", c)
		}
		name := "BenchmarkExecute/" + w
		r1, r2 := t.row(&sb, label, []string{name, name, name}, true)
		if !math.IsNaN(r1) {
			vsWasmtime = append(vsWasmtime, r1)
		}
		if !math.IsNaN(r2) {
			vsWazero = append(vsWazero, r2)
		}
	}
	gW, gZ := geomean(vsWasmtime), geomean(vsWazero)
	fmt.Fprintf(&sb, "| **geometric mean of execution ratios** (%d workloads) |  |  |  | **%s** | **%s** |  |\n",
		len(workloads), ratio(gW), ratio(gZ))
	t.row(&sb, "compile (2,000 functions, new bytes each time; wazero with GOMAXPROCS workers)",
		[]string{"BenchmarkCompile", "BenchmarkCompile", "BenchmarkCompile/AllCores"}, true)
	t.row(&sb, "compile (2,000 functions), wazero with one worker (its default)",
		[]string{"BenchmarkCompile", "", "BenchmarkCompile/OneWorker"}, true)
	t.row(&sb, "instantiate a small module in a new store (wazero: a new anonymous module in one Runtime)",
		[]string{"BenchmarkInstantiate", "BenchmarkInstantiate", "BenchmarkInstantiate"}, false)

	sb.WriteString("\nGoals:\n\n")
	goal(&sb, "Go->wasm call ≤ 60 ns with the fast path (`CallWithStack`)", t.median("kiln", "BenchmarkCallAdd/CallWithStack"), 60, "ns")
	goal(&sb, "Go->wasm call ≤ 150 ns with `Call`", t.median("kiln", "BenchmarkCallAdd/Call"), 150, "ns")
	goal(&sb, "wasm->Go call ≤ 100 ns (`WrapFunc`)", t.median("kiln", "BenchmarkHostCall/WrapFunc"), 100, "ns")
	goal(&sb, "execution at least as fast as wasmtime-go (geomean of Kiln/wasmtime-go ≤ 1)", gW, 1, "")
	speedup := math.NaN()
	if !math.IsNaN(gZ) {
		speedup = 1 / gZ
	}
	goalAtLeast(&sb, "execution ≥ 1.5× faster than wazero (geomean of wazero/Kiln)", speedup, 1.5)

	sb.WriteString("\nNotes:\n\n")
	sb.WriteString("- Each figure is the median over the rounds; ratios are Kiln's median over the other's (below 1, Kiln is faster). " +
		"The spread is (max - min)/median over the rounds.\n")
	sb.WriteString("- Go->wasm calls add the loop index to the last result (`acc = add(acc, i)`), so `Call` boxes its arguments and result " +
		"as a real caller would; allocations per call are given where there are any.\n")
	sb.WriteString("- wasm->Go calls: one call of an exported `loop(n)` that calls the import `n` times; the figure is per call.\n")
	sb.WriteString("- Execution: `run()` in a new store and instance each time (not timed), the module compiled once per process.\n")
	if lines, err := readLines(filepath.Join(dir, "load.txt")); err == nil && len(lines) > 0 {
		sb.WriteString("- 1-minute load average (of " + meta["cores"] + " cores) before → after each binary's run, round by round: " +
			strings.Join(lines, "; ") + ".\n")
	}
	if v := meta["cargo"]; v != "" {
		sb.WriteString("- " + v + "\n")
	}

	if len(failures) > 0 {
		sb.WriteString("\n## FAILURES\n\n")
		for _, f := range failures {
			sb.WriteString("- " + f + "\n")
		}
	}
	fmt.Print(sb.String())
	if len(failures) > 0 {
		os.Exit(1)
	}
}

func header(sb *strings.Builder, meta map[string]string) {
	get := func(k string) string {
		if v := meta[k]; v != "" {
			return v
		}
		return "?"
	}
	fmt.Fprintf(sb, "Repository at %s. `bench/go/run`: %s, wasmtime-go %s, wazero %s (optimizing compiler, `wazero.NewRuntimeConfigCompiler()`), %s, %s cores; %s scale. ",
		get("commit"), get("go"), get("wasmtime-go"), get("wazero"), get("cpu"), get("cores"), get("scale"))
	fmt.Fprintf(sb, "%s rounds, each running the three test binaries one after the other (the order turning each round); "+
		"calls, compile and instantiate with `-test.benchtime %s`, execution with `-test.benchtime %s`.\n\n",
		get("rounds"), get("benchtime"), get("exectime"))
}

type table struct {
	res  results
	fail func(string, ...any)
}

// median is the median ns/op of a runtime's benchmark, NaN if absent.
func (t *table) median(rt, name string) float64 {
	s := t.res[rt][name]
	if len(s) == 0 {
		return math.NaN()
	}
	ns := make([]float64, len(s))
	for i, x := range s {
		ns[i] = x.ns
	}
	return median(ns)
}

func (t *table) allocs(rt, name string) float64 {
	var a []float64
	for _, x := range t.res[rt][name] {
		if x.hasA {
			a = append(a, x.allocs)
		}
	}
	if len(a) == 0 {
		return 0
	}
	return median(a)
}

func (t *table) spread(rt, name string) string {
	s := t.res[rt][name]
	if len(s) < 2 {
		return ""
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range s {
		lo, hi = math.Min(lo, x.ns), math.Max(hi, x.ns)
	}
	return fmt.Sprintf("%.0f%%", 100*(hi-lo)/t.median(rt, name))
}

// row writes a row whose cells are names[i] of runtimes[i] ("" for n/a),
// and returns the two ratios (NaN where missing). Every named benchmark
// must have figures.
func (t *table) row(sb *strings.Builder, label string, names []string, ms bool) (float64, float64) {
	cells := make([]string, len(runtimes))
	vals := make([]float64, len(runtimes))
	var spreads []string
	for i, rt := range runtimes {
		vals[i] = math.NaN()
		if names[i] == "" {
			cells[i] = "n/a"
			spreads = append(spreads, "")
			continue
		}
		v := t.median(rt, names[i])
		if math.IsNaN(v) {
			t.fail("%s: no figure for %s (%s)", rt, names[i], label)
			cells[i] = "missing"
			spreads = append(spreads, "")
			continue
		}
		vals[i] = v
		cells[i] = duration(v)
		if a := t.allocs(rt, names[i]); a > 0 {
			cells[i] += fmt.Sprintf(", %g allocs", a)
		}
		spreads = append(spreads, t.spread(rt, names[i]))
	}
	r1, r2 := vals[0]/vals[1], vals[0]/vals[2]
	fmt.Fprintf(sb, "| %s | %s | %s | %s | %s | %s | %s |\n", label, cells[0], cells[1], cells[2], ratio(r1), ratio(r2),
		strings.Join(spreads, "; "))
	return r1, r2
}

// duration formats ns with 4 significant digits in ns, µs or ms.
func duration(ns float64) string {
	switch {
	case ns < 1e3:
		return num(ns) + " ns"
	case ns < 1e6:
		return num(ns/1e3) + " µs"
	default:
		return num(ns/1e6) + " ms"
	}
}

// num formats x with 4 significant digits, without an exponent.
func num(x float64) string {
	a := math.Abs(x)
	switch {
	case a >= 1000:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(x, 'f', 1, 64)
	case a >= 10:
		return strconv.FormatFloat(x, 'f', 2, 64)
	case a >= 1:
		return strconv.FormatFloat(x, 'f', 3, 64)
	case a >= 0.001:
		return fmt.Sprintf("%#.3g", x)
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

func ratio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return ""
	}
	return num(r)
}

func goal(sb *strings.Builder, what string, v, limit float64, unit string) {
	if math.IsNaN(v) {
		fmt.Fprintf(sb, "- %s: no figure\n", what)
		return
	}
	verdict := "met"
	if v > limit {
		verdict = fmt.Sprintf("not met, by %s%s (%.0f%% over)", num(v-limit), unitSuffix(unit), 100*(v/limit-1))
	}
	fmt.Fprintf(sb, "- %s: %s%s — %s\n", what, num(v), unitSuffix(unit), verdict)
}

func goalAtLeast(sb *strings.Builder, what string, v, limit float64) {
	if math.IsNaN(v) {
		fmt.Fprintf(sb, "- %s: no figure\n", what)
		return
	}
	verdict := "met"
	if v < limit {
		verdict = fmt.Sprintf("not met: %s× short of %s×", num(limit-v), num(limit))
	}
	fmt.Fprintf(sb, "- %s: %s× — %s\n", what, num(v), verdict)
}

func unitSuffix(unit string) string {
	if unit == "" {
		return ""
	}
	return " " + unit
}

// checkChecksums reads checksums.txt and returns each workload's checksum,
// failing when runtimes or rounds disagree or a runtime has none.
func checkChecksums(dir string, fail func(string, ...any)) map[string]int64 {
	lines, err := readLines(filepath.Join(dir, "checksums.txt"))
	if err != nil {
		fail("checksums: %v", err)
		return nil
	}
	seen := map[string]map[string][]int64{} // workload -> runtime -> values
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 4 {
			continue
		}
		v, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			fail("checksums: bad line %q", l)
			continue
		}
		if seen[f[2]] == nil {
			seen[f[2]] = map[string][]int64{}
		}
		seen[f[2]][f[0]] = append(seen[f[2]][f[0]], v)
	}
	out := map[string]int64{}
	for _, w := range workloads {
		var all []string
		var first *int64
		agree := true
		for _, rt := range runtimes {
			vs := seen[w][rt]
			if len(vs) == 0 {
				fail("%s: no checksum from %s", w, rt)
				agree = false
				continue
			}
			for _, v := range vs {
				if first == nil {
					first = &vs[0]
				} else if v != *first {
					agree = false
				}
			}
			uniq := slices.Compact(slices.Sorted(slices.Values(vs)))
			all = append(all, fmt.Sprintf("%s %v", rt, uniq))
		}
		if !agree {
			fail("%s: the checksums disagree: %s", w, strings.Join(all, "; "))
		} else if first != nil {
			out[w] = *first
		}
	}
	return out
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func geomean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, x := range xs {
		sum += math.Log(x)
	}
	return math.Exp(sum / float64(len(xs)))
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}
