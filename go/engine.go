package kiln

// #include <kiln.h>
import "C"

import (
	"errors"
	"runtime"
	"strings"
)

// Engine compiles modules and holds the settings they are compiled with; a
// program usually needs one. It is safe to use from many goroutines.
type Engine struct {
	ptr *C.wasm_engine_t
	// epochs: the engine's code checks the epoch (CallContext needs it).
	epochs bool
}

// NewEngine returns an engine with the default settings.
func NewEngine() *Engine {
	return NewEngineWithConfig(NewConfig())
}

// NewEngineWithConfig returns an engine with config's settings. The engine
// takes config: using it again panics, as in wasmtime-go. It panics if the
// settings are refused (see TryNewEngineWithConfig for the error as a value).
func NewEngineWithConfig(config *Config) *Engine {
	engine, err := TryNewEngineWithConfig(config)
	if err != nil {
		panic(err)
	}
	return engine
}

// TryNewEngineWithConfig is NewEngineWithConfig returning the engine's
// refusal of config's settings (a guard size past the reservation, a
// setting Kiln does not implement, a pool this machine cannot reserve) as an
// error instead of panicking. The engine takes config either way.
func TryNewEngineWithConfig(config *Config) (*Engine, error) {
	cfg := config.live()
	runtime.SetFinalizer(config, nil)
	config.ptr = nil
	if len(config.missing) > 0 {
		C.wasm_config_delete(cfg)
		return nil, errors.New("kiln does not implement " + strings.Join(config.missing, ", "))
	}
	var ptr *C.wasm_engine_t
	if err := takeError(C.kiln_engine_new(cfg, &ptr)); err != nil {
		return nil, err
	}
	engine := &Engine{ptr: ptr, epochs: config.epochs}
	runtime.SetFinalizer(engine, (*Engine).Close)
	return engine, nil
}

// Close releases the engine's handle; modules and stores made with it keep
// it alive. Safe to call twice.
func (engine *Engine) Close() {
	if engine.ptr == nil {
		return
	}
	runtime.SetFinalizer(engine, nil)
	C.wasm_engine_delete(engine.ptr)
	engine.ptr = nil
}

func (engine *Engine) live() *C.wasm_engine_t {
	if engine.ptr == nil {
		panic(errClosed)
	}
	return engine.ptr
}

// IncrementEpoch advances the engine's epoch. Safe from any goroutine,
// also while wasm runs: stores whose deadline it reaches trap.
func (engine *Engine) IncrementEpoch() {
	C.kiln_engine_increment_epoch(engine.live())
	runtime.KeepAlive(engine)
}

// IsPulley reports false: Kiln always compiles to native code.
func (engine *Engine) IsPulley() bool {
	return false
}
