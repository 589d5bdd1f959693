package kiln

// #include <stdlib.h>
// #include <kiln.h>
import "C"

import (
	"errors"
	"runtime"
	"strings"
	"unsafe"
)

// Config holds an engine's settings: WebAssembly features, fuel, epoch
// interruption, stack size, optimisation level, how memories reserve
// address space and the pooling allocator. NewEngineWithConfig
// takes it: a Config makes one engine.
type Config struct {
	ptr *C.wasm_config_t
	// missing names the features enabled that Kiln lacks.
	missing []string
	// epochs: epoch interruption is on, which CallContext needs.
	epochs bool
}

// OptLevel is how hard Cranelift optimises.
type OptLevel uint8

const (
	// OptLevelNone does not optimise: the fastest compilation.
	OptLevelNone OptLevel = C.KILN_OPT_LEVEL_NONE
	// OptLevelSpeed optimises for speed (the default).
	OptLevelSpeed OptLevel = C.KILN_OPT_LEVEL_SPEED
	// OptLevelSpeedAndSize optimises for speed and size.
	OptLevelSpeedAndSize OptLevel = C.KILN_OPT_LEVEL_SPEED_AND_SIZE
)

// Strategy is the compiler; Kiln always compiles with Cranelift.
type Strategy uint8

const (
	// StrategyAuto picks the compiler: Cranelift.
	StrategyAuto Strategy = iota
	// StrategyCranelift compiles with Cranelift.
	StrategyCranelift
)

// ProfilingStrategy is accepted for wasmtime-go compatibility; Kiln has no
// profiler integration.
type ProfilingStrategy uint8

const (
	// ProfilingStrategyNone: no profiling.
	ProfilingStrategyNone ProfilingStrategy = iota
)

// NewConfig returns the default settings.
func NewConfig() *Config {
	cfg := &Config{ptr: C.wasm_config_new()}
	runtime.SetFinalizer(cfg, (*Config).Close)
	return cfg
}

// Close releases a config no engine took. Safe to call twice.
func (cfg *Config) Close() {
	if cfg.ptr == nil {
		return
	}
	runtime.SetFinalizer(cfg, nil)
	C.wasm_config_delete(cfg.ptr)
	cfg.ptr = nil
}

func (cfg *Config) live() *C.wasm_config_t {
	if cfg.ptr == nil {
		panic("config already used by an engine or closed")
	}
	return cfg.ptr
}

func (cfg *Config) set(f func(*C.wasm_config_t)) {
	f(cfg.live())
	runtime.KeepAlive(cfg)
}

// SetWasmThreads enables shared memories and atomics.
func (cfg *Config) SetWasmThreads(enabled bool) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_wasm_threads_set(c, C.bool(enabled)) })
}

// SetWasmReferenceTypes enables funcref and externref values.
func (cfg *Config) SetWasmReferenceTypes(enabled bool) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_wasm_reference_types_set(c, C.bool(enabled)) })
}

// SetWasmSIMD enables 128-bit SIMD.
func (cfg *Config) SetWasmSIMD(enabled bool) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_wasm_simd_set(c, C.bool(enabled)) })
}

// SetWasmBulkMemory enables bulk memory and table operations.
func (cfg *Config) SetWasmBulkMemory(enabled bool) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_wasm_bulk_memory_set(c, C.bool(enabled)) })
}

// SetWasmMultiValue enables multiple results.
func (cfg *Config) SetWasmMultiValue(enabled bool) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_wasm_multi_value_set(c, C.bool(enabled)) })
}

// SetWasmMultiMemory enables more than one memory per module.
func (cfg *Config) SetWasmMultiMemory(enabled bool) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_wasm_multi_memory_set(c, C.bool(enabled)) })
}

// SetWasmMemory64 enables 64-bit memories and tables.
func (cfg *Config) SetWasmMemory64(enabled bool) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_wasm_memory64_set(c, C.bool(enabled)) })
}

// SetConsumeFuel makes compiled code consume fuel (Store.SetFuel).
func (cfg *Config) SetConsumeFuel(enabled bool) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_consume_fuel_set(c, C.bool(enabled)) })
}

// SetEpochInterruption makes compiled code trap once the engine's epoch
// (Engine.IncrementEpoch) reaches the store's deadline
// (Store.SetEpochDeadline).
func (cfg *Config) SetEpochInterruption(enable bool) {
	cfg.epochs = enable
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_epoch_interruption_set(c, C.bool(enable)) })
}

// SetMaxWasmStack sets the most stack, in bytes, wasm may use.
func (cfg *Config) SetMaxWasmStack(size int) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_max_wasm_stack_set(c, C.size_t(size)) })
}

// SetCraneliftOptLevel sets how hard Cranelift optimises.
func (cfg *Config) SetCraneliftOptLevel(level OptLevel) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_opt_level_set(c, C.kiln_opt_level_t(level)) })
}

// SetMemoryReservation sets how many bytes of address space each linear
// memory reserves when it is made (4 GiB by default). Growing within the
// reservation never moves a memory; with 4 GiB plus the guard, 32-bit
// memories need no bounds checks. Reserving less lets a process hold more
// memories at once. A value past the 64 TiB a host's address space holds
// makes NewEngineWithConfig panic, naming the setting.
func (cfg *Config) SetMemoryReservation(bytes uint64) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_memory_reservation_set(c, C.uint64_t(bytes)) })
}

// SetMemoryGuardSize sets how many inaccessible bytes follow each
// memory's reservation (32 MiB by default): accesses whose static offset
// fits in the guard need no bounds check.
func (cfg *Config) SetMemoryGuardSize(bytes uint64) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_memory_guard_size_set(c, C.uint64_t(bytes)) })
}

// SetMemoryReservationForGrowth sets how many bytes past its new size a
// memory reserves when it moves to grow (2 GiB by default, never past its
// maximum), so the growths after it need not move it again.
func (cfg *Config) SetMemoryReservationForGrowth(bytes uint64) {
	cfg.set(func(c *C.wasm_config_t) {
		C.kiln_config_memory_reservation_for_growth_set(c, C.uint64_t(bytes))
	})
}

// SetMemoryMayMove sets whether a memory that outgrows its reservation
// may move to a larger one, copying its bytes (true by default). When it
// may not, such a memory cannot grow: memory.grow returns -1 and
// Memory.Grow an error. A moved memory's UnsafeData changes: fetch it
// again after any growth.
func (cfg *Config) SetMemoryMayMove(enable bool) {
	cfg.set(func(c *C.wasm_config_t) { C.kiln_config_memory_may_move_set(c, C.bool(enable)) })
}

// SetPoolingAllocationStrategy makes the engine allocate instances,
// memories and tables from pools with pool's limits (the config takes a
// copy; nil is ignored). Without it the engine allocates on demand. Under
// the pooling allocator every memory lives in a slot of the pool's
// MaxMemorySize, and the memory reservation, growth reservation and
// SetMemoryMayMove do not apply.
func (cfg *Config) SetPoolingAllocationStrategy(pool *PoolingAllocationConfig) {
	if pool == nil {
		cfg.live()
		return
	}
	cfg.set(func(c *C.wasm_config_t) { C.kiln_pooling_allocation_strategy_set(c, pool.live()) })
	runtime.KeepAlive(pool)
}

// SetStrategy accepts either strategy: Kiln always compiles with Cranelift.
func (cfg *Config) SetStrategy(strat Strategy) {
	cfg.live()
}

// The settings below are Wasmtime's own knobs. Kiln has no equivalent;
// they are accepted and have no effect where that is harmless, so ported
// code runs (see README.md, "Compatibility with wasmtime-go").

// SetDebugInfo is accepted and ignored: Kiln emits no DWARF for JIT code.
func (cfg *Config) SetDebugInfo(enabled bool) { cfg.live() }

// SetCraneliftDebugVerifier is accepted and ignored.
func (cfg *Config) SetCraneliftDebugVerifier(enabled bool) { cfg.live() }

// SetParallelCompilation is accepted and ignored: Kiln decides.
func (cfg *Config) SetParallelCompilation(enabled bool) { cfg.live() }

// SetProfiler accepts ProfilingStrategyNone only.
func (cfg *Config) SetProfiler(profiler ProfilingStrategy) { cfg.live() }

// CacheConfigLoadDefault keeps compiled modules in the per-user cache
// ($KILN_CACHE_DIR, else $XDG_CACHE_HOME/kiln, else $HOME/.cache/kiln),
// which later engines load them from.
func (cfg *Config) CacheConfigLoadDefault() error {
	err := takeError(C.kiln_config_cache_config_load(cfg.live(), nil))
	runtime.KeepAlive(cfg)
	return err
}

// CacheConfigLoad keeps compiled modules in the cache that the file at
// path configures, in Wasmtime's format: a [cache] table whose directory
// names the cache (relative to the file). Wasmtime's cleanup and
// compression settings are accepted and have no effect.
func (cfg *Config) CacheConfigLoad(path string) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	err := takeError(C.kiln_config_cache_config_load(cfg.live(), cpath))
	runtime.KeepAlive(cfg)
	return err
}

// Features Kiln does not implement. Enabling one makes NewEngineWithConfig
// panic, naming it, rather than running modules with the feature refused
// at compile time; disabling one is a no-op.

func (cfg *Config) unsupported(name string, enabled bool) {
	cfg.live()
	if enabled {
		cfg.missing = append(cfg.missing, name)
	}
}

// SetWasmRelaxedSIMD: Kiln does not implement relaxed SIMD.
func (cfg *Config) SetWasmRelaxedSIMD(enabled bool) { cfg.unsupported("relaxed SIMD", enabled) }

// SetWasmRelaxedSIMDDeterministic: Kiln does not implement relaxed SIMD.
func (cfg *Config) SetWasmRelaxedSIMDDeterministic(enabled bool) {
	cfg.unsupported("relaxed SIMD", enabled)
}

// SetWasmTailCall: Kiln does not implement tail calls.
func (cfg *Config) SetWasmTailCall(enabled bool) { cfg.unsupported("tail calls", enabled) }

// SetWasmFunctionReferences: Kiln does not implement typed function
// references.
func (cfg *Config) SetWasmFunctionReferences(enabled bool) {
	cfg.unsupported("function references", enabled)
}

// SetWasmGC: Kiln does not implement wasm GC.
func (cfg *Config) SetWasmGC(enabled bool) { cfg.unsupported("GC", enabled) }

// SetGCSupport: Kiln does not implement wasm GC.
func (cfg *Config) SetGCSupport(enabled bool) { cfg.unsupported("GC", enabled) }

// SetWasmComponentModel: Kiln's engines always run components (see
// NewComponent); the switch itself is not supported.
func (cfg *Config) SetWasmComponentModel(enabled bool) {
	cfg.unsupported("the component model", enabled)
}

// SetWasmWideArithmetic: Kiln does not implement wide arithmetic.
func (cfg *Config) SetWasmWideArithmetic(enabled bool) {
	cfg.unsupported("wide arithmetic", enabled)
}

// SetCraneliftNanCanonicalization: Kiln does not canonicalise NaNs.
func (cfg *Config) SetCraneliftNanCanonicalization(enabled bool) {
	cfg.unsupported("NaN canonicalization", enabled)
}

// SetNativeUnwindInfo is accepted and ignored: Kiln unwinds wasm itself.
func (cfg *Config) SetNativeUnwindInfo(enabled bool) { cfg.live() }

// SetMacOSUseMachPorts is accepted and ignored (macOS only in Wasmtime).
func (cfg *Config) SetMacOSUseMachPorts(enabled bool) { cfg.live() }

// SetMemoryInitCOWSet is accepted and ignored: Kiln decides how memories
// are initialised.
func (cfg *Config) SetMemoryInitCOWSet(enabled bool) { cfg.live() }

// SetTarget accepts only the host's own target: Kiln compiles for the
// machine it runs on.
func (cfg *Config) SetTarget(target string) error {
	cfg.live()
	host := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	if host == "" || !strings.HasPrefix(target, host+"-") || !strings.Contains(target, runtime.GOOS) {
		return errors.New("kiln compiles for the host only, not " + target)
	}
	return nil
}

// SetCraneliftFlag sets a Cranelift setting; Kiln takes "opt_level"
// ("none", "speed", "speed_and_size") and ignores the others.
func (cfg *Config) SetCraneliftFlag(name string, value string) {
	if name == "opt_level" {
		switch value {
		case "none":
			cfg.SetCraneliftOptLevel(OptLevelNone)
		case "speed":
			cfg.SetCraneliftOptLevel(OptLevelSpeed)
		case "speed_and_size":
			cfg.SetCraneliftOptLevel(OptLevelSpeedAndSize)
		}
		return
	}
	cfg.live()
}

// EnableCraneliftFlag is accepted and ignored: Kiln sets Cranelift's
// boolean flags itself.
func (cfg *Config) EnableCraneliftFlag(flag string) { cfg.live() }
