// Package workloads finds the benchmark workloads that bench/build-workloads
// compiles (bench/build/full/NAME.wasm, or bench/build/quick/ at quick
// scale) and records the checksums their run() returns, so that bench/go's
// report can check that the three runtimes agree.
package workloads

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Names are the workloads, in bench/build-workloads's order.
var Names = []string{"fib", "nbody", "sieve", "matmul", "sha256", "lz77", "quicksort", "wordcount", "interp", "simd"}

var quick = flag.Bool("quick", false, "run the quick builds of the workloads (bench/build/quick/); also KILN_BENCH_QUICK=1")

// Scale is "quick" with -quick or KILN_BENCH_QUICK=1, else "full".
func Scale() string {
	if *quick || os.Getenv("KILN_BENCH_QUICK") == "1" {
		return "quick"
	}
	return "full"
}

// Read returns the wasm of workload name at the current scale, from
// $KILN_BENCH_BUILD (default: bench/build, seen from a package directory
// of bench/go).
func Read(name string) ([]byte, error) {
	dir := os.Getenv("KILN_BENCH_BUILD")
	if dir == "" {
		dir = filepath.Join("..", "..", "build")
	}
	path := filepath.Join(dir, Scale(), name+".wasm")
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w (run bench/build-workloads first)", err)
	}
	return wasm, nil
}

var mu sync.Mutex

// Record appends "RUNTIME SCALE WORKLOAD CHECKSUM" to the file named by
// $KILN_BENCH_CHECKSUMS, if set.
func Record(runtime, name string, checksum int64) error {
	path := os.Getenv("KILN_BENCH_CHECKSUMS")
	if path == "" {
		return nil
	}
	mu.Lock()
	defer mu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(f, "%s %s %s %d\n", runtime, Scale(), name, checksum); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
