package kiln

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The shared WASI programs of tests/conformance/wasi, which every binding's
// WASI tests run.
func runWasiProgram(t *testing.T, name string, edit func(string) string, config *WasiConfig) error {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "tests", "conformance", "wasi", name))
	if err != nil {
		t.Fatal(err)
	}
	wat := string(text)
	if edit != nil {
		wat = edit(wat)
	}
	engine := NewEngine()
	linker := NewLinker(engine)
	if err := linker.DefineWasi(); err != nil {
		t.Fatal(err)
	}
	module, err := NewModule(engine, []byte(wat))
	if err != nil {
		t.Fatal(err)
	}
	store := NewStore(engine)
	defer store.Close()
	store.SetWasi(config)
	instance, err := linker.Instantiate(store, module)
	if err != nil {
		t.Fatal(err)
	}
	_, err = instance.GetFunc(store, "_start").Call(store)
	return err
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func exitStatus(t *testing.T, err error) int32 {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("not an exit: %v", err)
	}
	status, exited := e.ExitStatus()
	if !exited {
		t.Fatalf("not an exit: %v", err)
	}
	return status
}

func TestWasiProgramArgs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "stdout")
	config := NewWasiConfig()
	config.SetArgv([]string{"prog", "--flag", "wörd"})
	config.SetStdoutFile(out)
	if err := runWasiProgram(t, "args.wat", nil, config); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, out); got != "prog\x00--flag\x00wörd\x00" {
		t.Fatalf("stdout %q", got)
	}
}

func TestWasiProgramEnvironment(t *testing.T) {
	out := filepath.Join(t.TempDir(), "stdout")
	config := NewWasiConfig()
	config.SetEnv([]string{"HOME", "EMPTY"}, []string{"/home/kiln", ""})
	config.SetStdoutFile(out)
	environ := func(wat string) string {
		wat = strings.ReplaceAll(wat, `"args_sizes_get"`, `"environ_sizes_get"`)
		return strings.ReplaceAll(wat, `"args_get"`, `"environ_get"`)
	}
	if err := runWasiProgram(t, "args.wat", environ, config); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, out); got != "HOME=/home/kiln\x00EMPTY=\x00" {
		t.Fatalf("stdout %q", got)
	}
}

func TestWasiProgramExit(t *testing.T) {
	err := runWasiProgram(t, "exit.wat", nil, NewWasiConfig())
	if status := exitStatus(t, err); status != 3 {
		t.Fatalf("status %d", status)
	}
	if err.Error() != "Exited with i32 exit status 3" {
		t.Fatalf("message %q", err.Error())
	}
}

func TestWasiProgramFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "in.txt"), []byte("copied through wasm\n"), 0o644)
	stderr := filepath.Join(t.TempDir(), "stderr")
	config := NewWasiConfig()
	config.PreopenDir(dir, "/", DIR_READ|DIR_WRITE, FILE_READ|FILE_WRITE)
	config.SetStderrFile(stderr)
	if err := runWasiProgram(t, "files.wat", nil, config); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "out.txt")); got != "copied through wasm\n" {
		t.Fatalf("out.txt %q", got)
	}
	if got := readFile(t, stderr); got != "copied through wasm\n" {
		t.Fatalf("stderr %q", got)
	}

	// Read-only: the write is refused with EROFS (69).
	ro := t.TempDir()
	os.WriteFile(filepath.Join(ro, "in.txt"), []byte("x"), 0o644)
	config = NewWasiConfig()
	config.PreopenDir(ro, "/", DIR_READ, FILE_READ)
	if status := exitStatus(t, runWasiProgram(t, "files.wat", nil, config)); status != 69 {
		t.Fatalf("read-only: status %d", status)
	}
	// A missing file: ENOENT (44). No pre-opened directory: EBADF (8).
	config = NewWasiConfig()
	config.PreopenDir(t.TempDir(), "/", DIR_READ|DIR_WRITE, FILE_READ|FILE_WRITE)
	if status := exitStatus(t, runWasiProgram(t, "files.wat", nil, config)); status != 44 {
		t.Fatalf("missing file: status %d", status)
	}
	if status := exitStatus(t, runWasiProgram(t, "files.wat", nil, NewWasiConfig())); status != 8 {
		t.Fatalf("no pre-open: status %d", status)
	}
}
