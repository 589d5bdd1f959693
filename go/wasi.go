package kiln

// #include <stdlib.h>
// #include <kiln.h>
import "C"

import (
	"os"
	"runtime"
)

// WasiConfig is what a WASI program is granted: arguments, environment,
// stdio and pre-opened directories. Nothing is granted unless asked for.
// Store.SetWasi gives it to a store.
type WasiConfig struct {
	args       []string
	env        [][2]string
	inheritEnv bool
	stdin      stdio
	stdout     stdio
	stderr     stdio
	preopens   []preopen
	closed     bool
}

type stdio struct {
	inherit bool
	path    string
}

type preopen struct {
	host, guest string
	readOnly    bool
}

// WasiDirPerms are the permissions on a pre-opened directory.
type WasiDirPerms uint8

// WasiFilePerms are the permissions on the files in a pre-opened directory.
type WasiFilePerms uint8

const (
	// DIR_READ lets the program list and open the directory's entries.
	DIR_READ WasiDirPerms = 1 << 0
	// DIR_WRITE lets the program create and remove entries.
	DIR_WRITE WasiDirPerms = 1 << 1
	// FILE_READ lets the program read files.
	FILE_READ WasiFilePerms = 1 << 0
	// FILE_WRITE lets the program write files.
	FILE_WRITE WasiFilePerms = 1 << 1
)

// NewWasiConfig returns a configuration that grants nothing.
func NewWasiConfig() *WasiConfig {
	return &WasiConfig{}
}

// Close releases the configuration; a WasiConfig holds no native
// resources until Store.SetWasi. Safe to call twice.
func (c *WasiConfig) Close() { c.closed = true }

// SetArgv sets the program's arguments; the first is its name.
func (c *WasiConfig) SetArgv(argv []string) { c.args = append([]string(nil), argv...) }

// InheritArgv gives the program this process's arguments.
func (c *WasiConfig) InheritArgv() { c.SetArgv(os.Args) }

// SetEnv sets the environment variables keys[i]=values[i].
func (c *WasiConfig) SetEnv(keys, values []string) {
	if len(keys) != len(values) {
		panic("mismatched numbers of keys and values")
	}
	c.env = c.env[:0]
	for i := range keys {
		c.env = append(c.env, [2]string{keys[i], values[i]})
	}
}

// InheritEnv grants this process's whole environment.
func (c *WasiConfig) InheritEnv() { c.inheritEnv = true }

// SetStdinFile makes the program read path as its standard input.
func (c *WasiConfig) SetStdinFile(path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	c.stdin = stdio{path: path}
	return nil
}

// InheritStdin makes the program read this process's standard input.
func (c *WasiConfig) InheritStdin() { c.stdin = stdio{inherit: true} }

// SetStdoutFile makes the program write its standard output to path,
// created or truncated when the store takes the configuration.
func (c *WasiConfig) SetStdoutFile(path string) error {
	c.stdout = stdio{path: path}
	return nil
}

// InheritStdout makes the program write to this process's standard output.
func (c *WasiConfig) InheritStdout() { c.stdout = stdio{inherit: true} }

// SetStderrFile makes the program write its standard error to path.
func (c *WasiConfig) SetStderrFile(path string) error {
	c.stderr = stdio{path: path}
	return nil
}

// InheritStderr makes the program write to this process's standard error.
func (c *WasiConfig) InheritStderr() { c.stderr = stdio{inherit: true} }

// PreopenDir grants the host directory path to the program as guestPath.
// Without DIR_WRITE and FILE_WRITE, nothing in it can change.
func (c *WasiConfig) PreopenDir(path, guestPath string, dirPerms WasiDirPerms, filePerms WasiFilePerms) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return errorf("%s is not a directory", path)
	}
	readOnly := dirPerms&DIR_WRITE == 0 && filePerms&FILE_WRITE == 0
	c.preopens = append(c.preopens, preopen{host: path, guest: guestPath, readOnly: readOnly})
	return nil
}

// cConfig builds the owned C configuration.
func (c *WasiConfig) cConfig() (*C.kiln_wasi_config_t, error) {
	var s cstrs
	defer s.free()
	cfg := C.kiln_wasi_config_new()
	fail := func(err error) (*C.kiln_wasi_config_t, error) {
		C.kiln_wasi_config_delete(cfg)
		return nil, err
	}
	for _, a := range c.args {
		C.kiln_wasi_config_arg(cfg, s.of(a))
	}
	if c.inheritEnv {
		C.kiln_wasi_config_inherit_env(cfg)
	}
	for _, kv := range c.env {
		C.kiln_wasi_config_env(cfg, s.of(kv[0]), s.of(kv[1]))
	}
	switch {
	case c.stdin.inherit:
		C.kiln_wasi_config_inherit_stdin(cfg)
	case c.stdin.path != "":
		if err := takeError(C.kiln_wasi_config_stdin_file(cfg, s.of(c.stdin.path))); err != nil {
			return fail(err)
		}
	}
	switch {
	case c.stdout.inherit:
		C.kiln_wasi_config_inherit_stdout(cfg)
	case c.stdout.path != "":
		if err := takeError(C.kiln_wasi_config_stdout_file(cfg, s.of(c.stdout.path))); err != nil {
			return fail(err)
		}
	}
	switch {
	case c.stderr.inherit:
		C.kiln_wasi_config_inherit_stderr(cfg)
	case c.stderr.path != "":
		if err := takeError(C.kiln_wasi_config_stderr_file(cfg, s.of(c.stderr.path))); err != nil {
			return fail(err)
		}
	}
	for _, p := range c.preopens {
		C.kiln_wasi_config_preopen_dir(cfg, s.of(p.host), s.of(p.guest), C.bool(p.readOnly))
	}
	return cfg, nil
}

// SetWasi gives the store's WASI functions (Linker.DefineWasi) this
// configuration. It panics if a file or directory cannot be opened, as
// it returns no error (wasmtime-go's signature).
func (s *Store) SetWasi(wasi *WasiConfig) {
	cfg, err := wasi.cConfig()
	if err != nil {
		panic(err)
	}
	s.use(func(ptr *C.wasm_store_t) {
		if err := takeError(C.kiln_store_set_wasi(ptr, cfg)); err != nil {
			panic(err)
		}
	})
	runtime.KeepAlive(wasi)
}
