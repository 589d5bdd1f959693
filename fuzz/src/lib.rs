//! What the fuzz targets share: the wasm-smith configuration that matches
//! Kiln's default feature set, and one engine per process.

use arbitrary::Unstructured;
use std::sync::OnceLock;

/// A wasm-smith configuration limited to what `kiln::Config::default()`
/// accepts: WebAssembly 2.0 (multi-value, sign extension, saturating
/// float-to-int, bulk memory, reference types, SIMD) and nothing newer.
/// wasm-smith enables most post-2.0 proposals by default, so each is turned
/// off by name; a generated module that uses one would be a false finding.
pub fn kiln_smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        reference_types_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        simd_enabled: true,
        relaxed_simd_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        compact_imports_enabled: false,
        custom_descriptors_enabled: false,
        custom_page_sizes_enabled: false,
        memory64_enabled: false,
        shared_everything_threads_enabled: false,
        tail_call_enabled: false,
        threads_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        max_memories: 1,
        ..wasm_smith::Config::default()
    }
}

/// A wasm-smith configuration for everything Kiln can enable: the default
/// set plus memory64 (and 64-bit tables), threads (shared memories and
/// atomics), custom page sizes, multi-memory and extended constant
/// expressions; see [`full_engine`].
pub fn kiln_full_smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        memory64_enabled: true,
        threads_enabled: true,
        custom_page_sizes_enabled: true,
        extended_const_enabled: true,
        max_memories: 4,
        ..kiln_smith_config()
    }
}

/// An engine with every feature [`kiln_full_smith_config`] generates.
pub fn full_engine() -> &'static kiln::Engine {
    static ENGINE: OnceLock<kiln::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = kiln::Config::new();
        config
            .wasm_memory64(true)
            .wasm_threads(true)
            .wasm_custom_page_sizes(true)
            .wasm_multi_memory(true)
            .wasm_extended_const(true);
        kiln::Engine::new(&config).expect("every feature Kiln has can be on at once")
    })
}

/// Generates a module with `config` from the fuzzer's bytes, or `None` when
/// the bytes run out before a module is complete.
///
/// With `KILN_FUZZ_SAVE_WASM=PATH` set, the module is also written to `PATH`:
/// replaying a crashing input that way turns it into a `.wasm` file for
/// `tests/fuzz-regressions/` that no longer depends on wasm-smith's version.
pub fn generate(config: wasm_smith::Config, u: &mut Unstructured<'_>) -> Option<Vec<u8>> {
    let wasm = wasm_smith::Module::new(config, u).ok()?.to_bytes();
    if let Some(path) = std::env::var_os("KILN_FUZZ_SAVE_WASM") {
        std::fs::write(path, &wasm).expect("KILN_FUZZ_SAVE_WASM names a writable file");
    }
    record_stats(&wasm);
    Some(wasm)
}

/// With `KILN_FUZZ_STATS=PATH` set, appends a line `FUNCTIONS OPERATORS
/// BYTES` for each generated module to `PATH`, so a run can say what it
/// generated (see `fuzz/stats`).
fn record_stats(wasm: &[u8]) {
    use std::io::Write;
    static FILE: OnceLock<Option<std::sync::Mutex<std::fs::File>>> = OnceLock::new();
    let file = FILE.get_or_init(|| {
        let path = std::env::var_os("KILN_FUZZ_STATS")?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("KILN_FUZZ_STATS names a writable file");
        Some(std::sync::Mutex::new(file))
    });
    let Some(file) = file else { return };
    let (mut functions, mut operators) = (0usize, 0usize);
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload {
            functions += 1;
            if let Ok(reader) = body.get_operators_reader() {
                operators += reader.into_iter().take_while(Result::is_ok).count();
            }
        }
    }
    let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
    let _ = writeln!(file, "{functions} {operators} {}", wasm.len());
}

/// The default-configured engine, built once: creating an engine detects the
/// host ISA, which would otherwise dominate the cost of small inputs.
pub fn default_engine() -> &'static kiln::Engine {
    static ENGINE: OnceLock<kiln::Engine> = OnceLock::new();
    ENGINE.get_or_init(kiln::Engine::default)
}

/// With `KILN_FUZZ_LAST_INPUT=PATH` set, writes each input to `PATH` before
/// it runs. A process killed outright (SIGKILL, or a signal no handler gets
/// to) leaves libFuzzer no chance to save the input; this file still has it.
pub fn note_input(data: &[u8]) {
    static PATH: OnceLock<Option<std::ffi::OsString>> = OnceLock::new();
    if let Some(path) = PATH.get_or_init(|| std::env::var_os("KILN_FUZZ_LAST_INPUT")) {
        std::fs::write(path, data).expect("KILN_FUZZ_LAST_INPUT names a writable file");
    }
}
