//! `kiln-bench density`: how many live instances one process holds, each
//! with a one-page memory, and how fast an instance comes and goes — Kiln
//! with its default configuration and with its pooling allocator, beside
//! Wasmtime 48 with its default and its pooling allocator, in one run.
//!
//! - **Live instances until failure**: instantiate into a fresh store and
//!   call `run` once (touching the memory's first page), keep the store,
//!   repeat until instantiation fails. This uses up the address space, so
//!   each configuration counts in a child process of its own
//!   (`kiln-bench density-count SUBJECT`), which also reports the growth of
//!   its resident set (`VmRSS`) and page tables (`VmPTE`) per instance.
//!   Wasmtime's pooling allocator is counted with its defaults and set up
//!   as Kiln's defaults are (100,000 slots of 256 MiB).
//! - **Churn**: a fresh store, instantiation, (the typed lookup and call of
//!   `run`,) and dropping the store, timed one cycle at a time: medians
//!   (and the 99th percentile) of 100,000 cycles without and with the
//!   call, for both engines' defaults, pooling allocators, and pooling
//!   allocators keeping a freed memory's first 64 KiB resident.
//! - **Throughput from 2 threads**: both threads run cycles with the call
//!   on one engine at once; instances per second over the wall time.

use crate::report::{self, median};
use crate::runners::err;
use std::fmt::Write;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tenant: a one-page memory whose first word `run` increments and
/// returns, so the first call touches a page, as a real tenant's would.
const TENANT: &str = r#"(module
    (memory (export "memory") 1)
    (func (export "run") (result i32)
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (i32.load (i32.const 0))))"#;

/// No subject counts past this (Kiln's pool stops at its limit of 100,000).
const COUNT_CAP: usize = 400_000;

/// An engine and configuration under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    KilnDefault,
    KilnPooling,
    WasmtimeDefault,
    WasmtimePooling,
    /// Wasmtime's pooling allocator configured as Kiln's defaults are:
    /// 100,000 instances and memories of up to 256 MiB (counted only).
    WasmtimePoolingDense,
    /// The pooling allocators keeping a freed memory's first 64 KiB
    /// resident, zeroed by writing (timed only).
    KilnPoolingResident,
    WasmtimePoolingResident,
}

/// Counted in a child process each.
const COUNTED: [Subject; 5] = [
    Subject::KilnDefault,
    Subject::KilnPooling,
    Subject::WasmtimeDefault,
    Subject::WasmtimePooling,
    Subject::WasmtimePoolingDense,
];

/// Timed.
const TIMED: [Subject; 6] = [
    Subject::KilnDefault,
    Subject::KilnPooling,
    Subject::KilnPoolingResident,
    Subject::WasmtimeDefault,
    Subject::WasmtimePooling,
    Subject::WasmtimePoolingResident,
];

/// What the resident variants keep of a freed memory.
const KEEP_RESIDENT: usize = 64 << 10;

impl Subject {
    fn id(self) -> &'static str {
        match self {
            Subject::KilnDefault => "kiln",
            Subject::KilnPooling => "kiln-pooling",
            Subject::WasmtimeDefault => "wasmtime",
            Subject::WasmtimePooling => "wasmtime-pooling",
            Subject::WasmtimePoolingDense => "wasmtime-pooling-dense",
            Subject::KilnPoolingResident => "kiln-pooling-resident",
            Subject::WasmtimePoolingResident => "wasmtime-pooling-resident",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Subject::KilnDefault => "Kiln default",
            Subject::KilnPooling => "Kiln pooling (defaults)",
            Subject::WasmtimeDefault => "Wasmtime 48 default",
            Subject::WasmtimePooling => "Wasmtime 48 pooling (defaults)",
            Subject::WasmtimePoolingDense => "Wasmtime 48 pooling (100,000 slots of 256 MiB)",
            Subject::KilnPoolingResident => "Kiln pooling, 64 KiB kept resident",
            Subject::WasmtimePoolingResident => "Wasmtime 48 pooling, 64 KiB kept resident",
        }
    }

    fn parse(id: &str) -> Result<Subject, String> {
        COUNTED
            .into_iter()
            .find(|s| s.id() == id)
            .ok_or_else(|| format!("unknown subject {id:?}"))
    }
}

/// A compiled tenant on one engine.
enum Runtime {
    Kiln(kiln::Engine, kiln::Module),
    Wasmtime(wasmtime::Engine, wasmtime::Module),
}

/// A live instance: its store.
enum Live {
    Kiln(#[allow(dead_code)] kiln::Store<()>),
    Wasmtime(#[allow(dead_code)] wasmtime::Store<()>),
}

impl Runtime {
    fn new(subject: Subject) -> Result<Runtime, String> {
        let kiln = |config: &kiln::Config| -> Result<Runtime, String> {
            let engine = kiln::Engine::new(config).map_err(|e| err("kiln engine", e))?;
            let module = kiln::Module::new(&engine, TENANT).map_err(|e| err("kiln compile", e))?;
            Ok(Runtime::Kiln(engine, module))
        };
        let wasmtime = |config: &wasmtime::Config| -> Result<Runtime, String> {
            let engine = wasmtime::Engine::new(config).map_err(|e| err("wasmtime engine", e))?;
            let module =
                wasmtime::Module::new(&engine, TENANT).map_err(|e| err("wasmtime compile", e))?;
            Ok(Runtime::Wasmtime(engine, module))
        };
        match subject {
            Subject::KilnDefault => kiln(&kiln::Config::new()),
            Subject::KilnPooling => {
                let mut config = kiln::Config::new();
                config.allocation_strategy(kiln::InstanceAllocationStrategy::pooling());
                kiln(&config)
            }
            Subject::KilnPoolingResident => {
                let mut pool = kiln::PoolingAllocationConfig::new();
                pool.linear_memory_keep_resident(KEEP_RESIDENT);
                let mut config = kiln::Config::new();
                config.allocation_strategy(pool);
                kiln(&config)
            }
            Subject::WasmtimePoolingResident => {
                let mut pool = wasmtime::PoolingAllocationConfig::default();
                pool.linear_memory_keep_resident(KEEP_RESIDENT);
                let mut config = wasmtime::Config::new();
                config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pool));
                wasmtime(&config)
            }
            Subject::WasmtimeDefault => wasmtime(&wasmtime::Config::new()),
            Subject::WasmtimePooling => {
                let mut config = wasmtime::Config::new();
                config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(
                    wasmtime::PoolingAllocationConfig::default(),
                ));
                wasmtime(&config)
            }
            Subject::WasmtimePoolingDense => {
                let mut pool = wasmtime::PoolingAllocationConfig::default();
                pool.total_core_instances(100_000)
                    .total_memories(100_000)
                    .total_tables(100_000)
                    .max_memory_size(256 << 20);
                let mut config = wasmtime::Config::new();
                config
                    .memory_reservation(256 << 20)
                    .allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pool));
                wasmtime(&config)
            }
        }
    }

    /// Instantiates into a fresh store and, with `call`, calls `run` once.
    fn live(&self, call: bool) -> Result<Live, String> {
        match self {
            Runtime::Kiln(engine, module) => {
                let mut store = kiln::Store::new(engine, ());
                let instance =
                    kiln::Instance::new(&mut store, module, &[]).map_err(|e| e.to_string())?;
                if call {
                    let run = instance
                        .get_typed_func::<(), i32>(&mut store, "run")
                        .map_err(|e| e.to_string())?;
                    check(run.call(&mut store, ()).map_err(|e| e.to_string())?)?;
                }
                Ok(Live::Kiln(store))
            }
            Runtime::Wasmtime(engine, module) => {
                let mut store = wasmtime::Store::new(engine, ());
                let instance = wasmtime::Instance::new(&mut store, module, &[])
                    .map_err(|e| format!("{e:#}"))?;
                if call {
                    let run = instance
                        .get_typed_func::<(), i32>(&mut store, "run")
                        .map_err(|e| format!("{e:#}"))?;
                    check(run.call(&mut store, ()).map_err(|e| format!("{e:#}"))?)?;
                }
                Ok(Live::Wasmtime(store))
            }
        }
    }

    /// One instantiate (+ first call, with `call`) + drop.
    fn cycle(&self, call: bool) -> Result<(), String> {
        drop(self.live(call)?);
        Ok(())
    }
}

/// A fresh tenant's first call returns 1; anything else means it saw
/// another tenant's memory.
fn check(result: i32) -> Result<(), String> {
    if result != 1 {
        return Err(format!(
            "run returned {result}, not 1: a new instance saw an old memory"
        ));
    }
    Ok(())
}

/// A field of `/proc/self/status` in KiB.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The `density-count SUBJECT` subcommand, run in a child process: keeps
/// instances alive until instantiation fails, then prints one line:
/// "<count> <nanoseconds> <RSS growth KiB> <page-table growth KiB> <error>".
pub fn count(subject: &str) -> Result<String, String> {
    let runtime = Runtime::new(Subject::parse(subject)?)?;
    let (rss, pte) = (status_kib("VmRSS:"), status_kib("VmPTE:"));
    let mut live = Vec::new();
    let start = Instant::now();
    let stopped = loop {
        if live.len() == COUNT_CAP {
            break format!("stopped at the cap of {COUNT_CAP}");
        }
        match runtime.live(true) {
            Ok(instance) => live.push(instance),
            Err(e) => break e,
        }
    };
    let elapsed = start.elapsed();
    Ok(format!(
        "{} {} {} {} {}",
        live.len(),
        elapsed.as_nanos(),
        status_kib("VmRSS:").saturating_sub(rss),
        status_kib("VmPTE:").saturating_sub(pte),
        stopped.replace('\n', " ")
    ))
}

/// What a count child found.
struct Count {
    live: usize,
    elapsed: Duration,
    rss_kib: u64,
    pte_kib: u64,
    stopped: String,
}

fn count_child(subject: Subject) -> Result<Count, String> {
    let exe = std::env::current_exe().map_err(|e| err("finding own executable", e))?;
    let output = Command::new(exe)
        .arg("density-count")
        .arg(subject.id())
        .output()
        .map_err(|e| err("spawning density-count", e))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "density-count {} failed with {}: {text}{}",
            subject.id(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let mut fields = text.trim().splitn(5, ' ');
    let mut number = || fields.next().and_then(|f| f.parse::<u64>().ok());
    match (number(), number(), number(), number()) {
        (Some(live), Some(ns), Some(rss_kib), Some(pte_kib)) => Ok(Count {
            live: live as usize,
            elapsed: Duration::from_nanos(ns),
            rss_kib,
            pte_kib,
            stopped: fields.next().unwrap_or("").to_string(),
        }),
        _ => Err(format!(
            "density-count {}: unexpected output {text:?}",
            subject.id()
        )),
    }
}

/// Each cycle's time, over `cycles` cycles after a tenth as many untimed.
fn cycle_times(runtime: &Runtime, cycles: usize, call: bool) -> Result<Vec<Duration>, String> {
    for _ in 0..cycles / 10 {
        runtime.cycle(call)?;
    }
    let mut times = Vec::with_capacity(cycles);
    for _ in 0..cycles {
        let start = Instant::now();
        runtime.cycle(call)?;
        times.push(start.elapsed());
    }
    Ok(times)
}

/// Instances per second when two threads cycle at once, `per_thread` each.
fn throughput(runtime: &Runtime, per_thread: usize) -> Result<f64, String> {
    let start = Instant::now();
    let results: Vec<Result<(), String>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    for _ in 0..per_thread {
                        runtime.cycle(true)?;
                    }
                    Ok(())
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err("a thread panicked".into())))
            .collect()
    });
    let elapsed = start.elapsed();
    results.into_iter().collect::<Result<Vec<()>, String>>()?;
    Ok((2 * per_thread) as f64 / elapsed.as_secs_f64())
}

/// Cycle and throughput measures of one subject.
struct Speed {
    /// Instantiate + drop, no call.
    bare: Duration,
    /// Instantiate + first call + drop.
    median: Duration,
    p99: Duration,
    per_second: f64,
}

fn speed(subject: Subject, cycles: usize) -> Result<Speed, String> {
    let runtime = Runtime::new(subject)?;
    let bare = median(&mut cycle_times(&runtime, cycles, false)?);
    let mut times = cycle_times(&runtime, cycles, true)?;
    let med = median(&mut times);
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    let per_second = throughput(&runtime, cycles / 2)?;
    Ok(Speed {
        bare,
        median: med,
        p99,
        per_second,
    })
}

fn us(d: Duration) -> String {
    format!("{:.2} µs", d.as_secs_f64() * 1e6)
}

pub fn density(quick: bool) -> Result<bool, String> {
    let bench = crate::bench_dir();
    let cycles = if quick { 2_000 } else { 100_000 };
    let mut counts = Vec::new();
    for subject in COUNTED {
        eprintln!("density: counting live instances of {}", subject.title());
        counts.push(count_child(subject));
    }
    let mut speeds = Vec::new();
    for subject in TIMED {
        eprintln!("density: {cycles} cycles of {}", subject.title());
        speeds.push(speed(subject, cycles));
    }

    let mut problems = Vec::new();
    let mut live_table = String::from("| measure |");
    for subject in COUNTED {
        let _ = write!(live_table, " {} |", subject.title());
    }
    live_table.push_str("\n|---|");
    live_table.push_str(&"---:|".repeat(COUNTED.len()));
    live_table.push('\n');
    let per = |kib: u64, live: usize| kib as f64 / live.max(1) as f64;
    type Cell<'a> = &'a dyn Fn(&Count) -> String;
    let rows: [(&str, Cell); 5] = [
        ("live instances until failure", &|c| c.live.to_string()),
        ("time to fill", &|c| {
            format!("{:.2} s", c.elapsed.as_secs_f64())
        }),
        ("RSS per live instance", &|c| {
            format!("{:.1} KiB", per(c.rss_kib, c.live))
        }),
        ("RSS per live instance beyond its touched page", &|c| {
            format!("{:.1} KiB", per(c.rss_kib, c.live) - 4.0)
        }),
        ("page tables per live instance", &|c| {
            format!("{:.1} KiB", per(c.pte_kib, c.live))
        }),
    ];
    for (name, cell) in rows {
        let cells: Vec<String> = counts
            .iter()
            .map(|c| c.as_ref().map_or_else(|_| "FAILED".to_string(), cell))
            .collect();
        let _ = writeln!(live_table, "| {name} | {} |", cells.join(" | "));
    }

    let mut speed_table = String::from(
        "| configuration | instantiate + drop | instantiate + first call + drop | \
         … 99th percentile | instances/s, 2 threads |\n|---|---:|---:|---:|---:|\n",
    );
    for (subject, speed) in TIMED.iter().zip(&speeds) {
        match speed {
            Ok(s) => {
                let _ = writeln!(
                    speed_table,
                    "| {} | {} | {} | {} | {:.0} |",
                    subject.title(),
                    us(s.bare),
                    us(s.median),
                    us(s.p99),
                    s.per_second
                );
            }
            Err(e) => {
                let _ = writeln!(speed_table, "| {} | FAILED | | | |", subject.title());
                problems.push(format!("{}: {e}", subject.title()));
            }
        }
    }

    let mut stopped = String::new();
    for (subject, count) in COUNTED.iter().zip(&counts) {
        match count {
            Ok(c) => {
                let _ = writeln!(stopped, "- {}: {}", subject.title(), c.stopped);
            }
            Err(e) => problems.push(format!("{}: {e}", subject.title())),
        }
    }

    let live = |i: usize| counts[i].as_ref().map_or(0, |c| c.live);
    let timed = |subject: Subject| {
        TIMED
            .iter()
            .position(|s| *s == subject)
            .and_then(|i| speeds[i].as_ref().ok())
    };
    let rss_beyond = |i: usize| {
        counts[i]
            .as_ref()
            .map_or(f64::INFINITY, |c| per(c.rss_kib, c.live) - 4.0)
    };
    let mark = |met: bool| if met { "met" } else { "**not met**" };
    let show =
        |s: Option<&Speed>, f: fn(&Speed) -> Duration| s.map_or("FAILED".to_string(), |s| us(f(s)));
    let (kiln_pool, wasmtime_pool) = (timed(Subject::KilnPooling), timed(Subject::WasmtimePooling));
    let (kiln_warm, wasmtime_warm) = (
        timed(Subject::KilnPoolingResident),
        timed(Subject::WasmtimePoolingResident),
    );
    let at_most = |s: Option<&Speed>, f: fn(&Speed) -> Duration, limit: Duration| {
        s.is_some_and(|s| f(s) <= limit)
    };
    let no_slower = |k: Option<&Speed>, w: Option<&Speed>, f: fn(&Speed) -> Duration| matches!((k, w), (Some(k), Some(w)) if f(k) <= f(w));
    let bare: fn(&Speed) -> Duration = |s| s.bare;
    let called: fn(&Speed) -> Duration = |s| s.median;
    let two = Duration::from_micros(2);
    let goals = [
        (
            format!(
                "Kiln default holds at least as many live instances as Wasmtime's default ({} vs {})",
                live(0),
                live(2)
            ),
            live(0) >= live(2) && live(0) > 0,
        ),
        (
            format!("Kiln pooling holds at least 100,000 live instances ({})", live(1)),
            live(1) >= 100_000,
        ),
        (
            format!(
                "pooled instantiate + drop at most 2 µs ({})",
                show(kiln_pool, bare)
            ),
            at_most(kiln_pool, bare, two),
        ),
        (
            format!(
                "pooled instantiate + first call + drop at most 2 µs: {} by default (the first \
                 touch of a page given back to the kernel is a page fault), {} keeping 64 KiB resident",
                show(kiln_pool, called),
                show(kiln_warm, called)
            ),
            at_most(kiln_pool, called, two),
        ),
        (
            format!(
                "pooled cycles no slower than Wasmtime's pooling: instantiate + drop {} vs {}, \
                 with the first call {} vs {}, keeping 64 KiB resident {} vs {}",
                show(kiln_pool, bare),
                show(wasmtime_pool, bare),
                show(kiln_pool, called),
                show(wasmtime_pool, called),
                show(kiln_warm, called),
                show(wasmtime_warm, called)
            ),
            no_slower(kiln_pool, wasmtime_pool, bare)
                && no_slower(kiln_pool, wasmtime_pool, called)
                && no_slower(kiln_warm, wasmtime_warm, called),
        ),
        (
            format!(
                "RSS per idle instance at most 16 KiB beyond its touched page (default {:.1} KiB, pooling {:.1} KiB)",
                rss_beyond(0),
                rss_beyond(1)
            ),
            rss_beyond(0) <= 16.0 && rss_beyond(1) <= 16.0,
        ),
    ];
    let mut goal_lines = String::new();
    for (text, met) in &goals {
        let _ = writeln!(goal_lines, "- {}: {text}", mark(*met));
    }
    println!("{live_table}\n{speed_table}\n{goal_lines}");

    let mut markdown = format!(
        "# Density: live instances and instance churn, {}\n\n{}\nEach instance has a one-page \
         memory and its first call touches the memory's first page. Live instances are counted \
         in a child process per column, each kept in its own store (after its first call) until \
         instantiation fails (or a cap of {COUNT_CAP}); RSS and page tables are the growth of \
         `VmRSS` and `VmPTE` over the count, divided by it.{}\n\n{live_table}\nWhat stopped \
         each count:\n\n{stopped}\n## Churn\n\nMedians over {cycles} cycles of a fresh store, \
         instantiation, (the typed lookup and first call,) and the store's drop, each cycle timed \
         on its own after a tenth as many untimed; throughput is two threads cycling with the \
         first call on one engine at once.\n\n{speed_table}\n## Goals (issue 24)\n\n{goal_lines}",
        report::today(),
        report::environment(&bench),
        if quick {
            " **Quick (smoke-test) scale: not a measurement.**"
        } else {
            ""
        },
    );
    if !problems.is_empty() {
        markdown.push_str("\n## FAILURES\n\n");
        for p in &problems {
            let _ = writeln!(markdown, "- {p}");
        }
    }
    let suffix = if quick { "-quick" } else { "" };
    let path = bench
        .join("results")
        .join(format!("{}-density{suffix}.md", report::today()));
    std::fs::write(&path, markdown).map_err(|e| err(&format!("writing {}", path.display()), e))?;
    eprintln!("wrote {}", path.display());
    for p in &problems {
        eprintln!("  FAILURE: {p}");
    }
    Ok(problems.is_empty())
}
