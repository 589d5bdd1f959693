//! Running a workload on each engine: Kiln and Wasmtime through their Rust
//! APIs, native code through the driver executable built by `bench/run`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One run of a workload on a wasm engine.
pub struct Sample {
    pub compile: Duration,
    pub instantiate: Duration,
    pub execute: Duration,
    pub checksum: i64,
}

/// Formats any error as a string, for errors from either engine.
pub fn err(context: &str, e: impl std::fmt::Display) -> String {
    format!("{context}: {e}")
}

/// The engines under test, created once per harness run.
pub struct Engines {
    pub kiln: kiln::Engine,
    pub wasmtime: wasmtime::Engine,
}

impl Engines {
    pub fn new() -> Result<Engines, String> {
        // Kiln always compiles with `available_parallelism` threads; Wasmtime's
        // rayon pool defaults to the same number.
        let kiln = kiln::Engine::new(&kiln::Config::new()).map_err(|e| err("kiln engine", e))?;
        let mut config = wasmtime::Config::new();
        config.parallel_compilation(true);
        let wasmtime = wasmtime::Engine::new(&config).map_err(|e| err("wasmtime engine", e))?;
        Ok(Engines { kiln, wasmtime })
    }
}

/// Which of Kiln's run-time checks an engine compiles in.
#[derive(Clone, Copy)]
pub enum Metering {
    None,
    Fuel,
    Epoch,
}

impl Metering {
    pub fn config(self) -> kiln::Config {
        let mut config = kiln::Config::new();
        config
            .consume_fuel(matches!(self, Metering::Fuel))
            .epoch_interruption(matches!(self, Metering::Epoch));
        config
    }
}

/// Compiles, instantiates and calls `run` once on Kiln.
pub fn run_kiln(engine: &kiln::Engine, wasm: &[u8]) -> Result<Sample, String> {
    run_kiln_metered(engine, wasm, Metering::None)
}

/// As [`run_kiln`], on an engine made with `metering.config()`, with enough
/// fuel or a distant enough deadline never to stop.
pub fn run_kiln_metered(
    engine: &kiln::Engine,
    wasm: &[u8],
    metering: Metering,
) -> Result<Sample, String> {
    let start = Instant::now();
    let module = kiln::Module::new(engine, wasm).map_err(|e| err("kiln compile", e))?;
    let compile = start.elapsed();
    let mut store = kiln::Store::new(engine, ());
    match metering {
        Metering::None => {}
        Metering::Fuel => store.set_fuel(u64::MAX).map_err(|e| err("kiln fuel", e))?,
        Metering::Epoch => store.set_epoch_deadline(u64::MAX),
    }
    let start = Instant::now();
    let instance =
        kiln::Instance::new(&mut store, &module, &[]).map_err(|e| err("kiln instantiate", e))?;
    let instantiate = start.elapsed();
    let run = instance
        .get_typed_func::<(), i64>(&mut store, "run")
        .map_err(|e| err("kiln export `run`", e))?;
    let start = Instant::now();
    let checksum = run.call(&mut store, ()).map_err(|e| err("kiln run", e))?;
    let execute = start.elapsed();
    Ok(Sample {
        compile,
        instantiate,
        execute,
        checksum,
    })
}

/// Compiles, instantiates and calls `run` once on Wasmtime.
pub fn run_wasmtime(engine: &wasmtime::Engine, wasm: &[u8]) -> Result<Sample, String> {
    let start = Instant::now();
    let module = wasmtime::Module::new(engine, wasm).map_err(|e| err("wasmtime compile", e))?;
    let compile = start.elapsed();
    let mut store = wasmtime::Store::new(engine, ());
    let start = Instant::now();
    let instance = wasmtime::Instance::new(&mut store, &module, &[])
        .map_err(|e| err("wasmtime instantiate", e))?;
    let instantiate = start.elapsed();
    let run = instance
        .get_typed_func::<(), i64>(&mut store, "run")
        .map_err(|e| err("wasmtime export `run`", e))?;
    let start = Instant::now();
    let checksum = run
        .call(&mut store, ())
        .map_err(|e| err("wasmtime run", e))?;
    let execute = start.elapsed();
    Ok(Sample {
        compile,
        instantiate,
        execute,
        checksum,
    })
}

/// Runs the native driver, which calls `run` `runs` times in one process and
/// prints "<nanoseconds> <checksum>" per call.
pub fn run_native(exe: &Path, runs: usize) -> Result<Vec<(Duration, i64)>, String> {
    let output = Command::new(exe)
        .arg(runs.to_string())
        .output()
        .map_err(|e| format!("running {}: {e}", exe.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed with {}: {}",
            exe.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut samples = Vec::with_capacity(runs);
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        let parsed = (
            fields.next().and_then(|f| f.parse::<u64>().ok()),
            fields.next().and_then(|f| f.parse::<i64>().ok()),
        );
        match parsed {
            (Some(ns), Some(sum)) => samples.push((Duration::from_nanos(ns), sum)),
            _ => {
                return Err(format!(
                    "{}: unexpected output line {line:?}",
                    exe.display()
                ))
            }
        }
    }
    if samples.len() != runs {
        return Err(format!(
            "{}: expected {runs} results, got {}",
            exe.display(),
            samples.len()
        ));
    }
    Ok(samples)
}

/// The process's resident-set high-water mark in KiB, from /proc/self/status.
fn vm_hwm_kib() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("reading /proc/self/status: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmHWM in /proc/self/status".to_string())
}

/// The `compile-peak` subcommand, run in a fresh child process: compiles
/// `file` once with `engine` and prints "<compile nanoseconds> <peak RSS
/// growth in KiB>".
pub fn compile_peak(engine: &str, file: &Path) -> Result<String, String> {
    let wasm = std::fs::read(file).map_err(|e| format!("reading {}: {e}", file.display()))?;
    let engines = Engines::new()?;
    let before = vm_hwm_kib()?;
    let start = Instant::now();
    match engine {
        "kiln" => {
            let module =
                kiln::Module::new(&engines.kiln, &wasm).map_err(|e| err("kiln compile", e))?;
            drop(module);
        }
        "wasmtime" => {
            let module = wasmtime::Module::new(&engines.wasmtime, &wasm)
                .map_err(|e| err("wasmtime compile", e))?;
            drop(module);
        }
        other => {
            return Err(format!(
                "unknown engine {other:?} (expected kiln or wasmtime)"
            ))
        }
    }
    let elapsed = start.elapsed();
    let after = vm_hwm_kib()?;
    Ok(format!(
        "{} {}",
        elapsed.as_nanos(),
        after.saturating_sub(before)
    ))
}

/// Runs `kiln-bench compile-peak ENGINE FILE` in a child process and parses
/// its answer into (compile time, peak RSS growth in KiB).
pub fn compile_peak_child(engine: &str, file: &Path) -> Result<(Duration, u64), String> {
    let exe = std::env::current_exe().map_err(|e| format!("finding own executable: {e}"))?;
    let output = Command::new(exe)
        .arg("compile-peak")
        .arg(engine)
        .arg(file)
        .output()
        .map_err(|e| format!("spawning compile-peak: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "compile-peak {engine} failed with {}: {}{}",
            output.status,
            text,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let mut fields = text.split_whitespace();
    match (
        fields.next().and_then(|f| f.parse::<u64>().ok()),
        fields.next().and_then(|f| f.parse::<u64>().ok()),
    ) {
        (Some(ns), Some(kib)) => Ok((Duration::from_nanos(ns), kib)),
        _ => Err(format!("compile-peak {engine}: unexpected output {text:?}")),
    }
}

/// Median time of `iterations` instantiations of `wasm` on each engine, each
/// into a fresh store (store creation is not timed).
pub fn instantiation(
    engines: &Engines,
    wasm: &[u8],
    iterations: usize,
) -> Result<(Duration, Duration), String> {
    let module = kiln::Module::new(&engines.kiln, wasm).map_err(|e| err("kiln compile", e))?;
    let mut kiln_times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let mut store = kiln::Store::new(&engines.kiln, ());
        let start = Instant::now();
        let instance = kiln::Instance::new(&mut store, &module, &[])
            .map_err(|e| err("kiln instantiate", e))?;
        kiln_times.push(start.elapsed());
        std::hint::black_box(instance);
    }
    let module =
        wasmtime::Module::new(&engines.wasmtime, wasm).map_err(|e| err("wasmtime compile", e))?;
    let mut wasmtime_times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let mut store = wasmtime::Store::new(&engines.wasmtime, ());
        let start = Instant::now();
        let instance = wasmtime::Instance::new(&mut store, &module, &[])
            .map_err(|e| err("wasmtime instantiate", e))?;
        wasmtime_times.push(start.elapsed());
        std::hint::black_box(instance);
    }
    Ok((
        crate::report::median(&mut kiln_times),
        crate::report::median(&mut wasmtime_times),
    ))
}
