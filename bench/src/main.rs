//! `kiln-bench`: runs each workload on Kiln, on Wasmtime (built on the same
//! Cranelift) and natively, and reports ratios. See README.md.

mod calls;
mod components;
mod density;
mod generate;
mod overhead;
mod report;
mod runners;

use report::{Extras, Phases, Row};
use runners::{err, Engines};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The workloads, each `workloads/<name>.c`, built by `bench/run`.
const WORKLOADS: &[&str] = &[
    "fib",
    "nbody",
    "sieve",
    "matmul",
    "sha256",
    "lz77",
    "quicksort",
    "wordcount",
    "interp",
    "simd",
];

const USAGE: &str = "usage:
  kiln-bench all [--runs N] [--quick]   run every benchmark and write results/<date>.md
  kiln-bench overhead [--runs N] [--quick]
                                        Kiln alone, plain vs fuel vs epoch checks; writes
                                        results/<date>-overhead.md
  kiln-bench calls [--runs N] [--quick]  calls between Rust and wasm and WASI instantiation,
                                        Kiln beside Wasmtime; writes results/<date>-calls.md
  kiln-bench components [--runs N] [--quick]
                                        a component call passing 1,000 records: Kiln's
                                        generated glue and dynamic Val path beside Wasmtime's
                                        bindgen! and Val; writes results/<date>-components.md
  kiln-bench components-profile PATH CALLS
                                        CALLS calls through one path alone (kiln-glue, kiln-val,
                                        wasmtime-glue, wasmtime-val), to watch with perf
  kiln-bench density [--quick]          live instances with a one-page memory until failure,
                                        instantiate + first call + drop, RSS per instance,
                                        Kiln and Wasmtime, default and pooling; writes
                                        results/<date>-density.md
  kiln-bench density-count SUBJECT      (child) keep SUBJECT's instances alive until failure
  kiln-bench compile-peak ENGINE FILE   compile FILE once with ENGINE (kiln or wasmtime) and
                                        print \"<nanoseconds> <peak RSS growth KiB>\"";

struct Options {
    runs: usize,
    quick: bool,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        runs: 5,
        quick: false,
    };
    let mut runs_given = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--runs" => {
                let value = iter.next().ok_or("--runs needs a value")?;
                options.runs = value
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--runs: not a positive number: {value}"))?;
                runs_given = true;
            }
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    if options.quick && !runs_given {
        options.runs = 1;
    }
    Ok(options)
}

fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs one workload `runs` times on each engine and checks that every
/// checksum agrees with the native one.
fn run_workload(engines: &Engines, dir: &Path, name: &str, runs: usize) -> Row {
    let mut row = Row {
        name: name.to_string(),
        kiln: None,
        wasmtime: None,
        native: None,
        problems: Vec::new(),
    };
    let wasm = match std::fs::read(dir.join(format!("{name}.wasm"))) {
        Ok(wasm) => wasm,
        Err(e) => {
            row.problems
                .push(err(&format!("{name}.wasm (run bench/run to build it)"), e));
            return row;
        }
    };
    let expected = match runners::run_native(&dir.join(name), runs) {
        Ok(samples) => {
            let first = samples[0].1;
            if let Some((_, other)) = samples.iter().find(|(_, sum)| *sum != first) {
                row.problems.push(format!(
                    "native checksums differ between runs: {first} vs {other}"
                ));
            }
            let mut times: Vec<Duration> = samples.iter().map(|(t, _)| *t).collect();
            row.native = Some(report::median(&mut times));
            Some(first)
        }
        Err(e) => {
            row.problems.push(e);
            None
        }
    };
    let mut kiln_samples = Vec::new();
    let mut wasmtime_samples = Vec::new();
    let mut kiln_failed = false;
    let mut wasmtime_failed = false;
    for _ in 0..runs {
        type Runner<'a> = Box<dyn Fn(&[u8]) -> Result<runners::Sample, String> + 'a>;
        let candidates: [(&str, Runner, &mut Vec<runners::Sample>, &mut bool); 2] = [
            (
                "kiln",
                Box::new(|w| runners::run_kiln(&engines.kiln, w)),
                &mut kiln_samples,
                &mut kiln_failed,
            ),
            (
                "wasmtime",
                Box::new(|w| runners::run_wasmtime(&engines.wasmtime, w)),
                &mut wasmtime_samples,
                &mut wasmtime_failed,
            ),
        ];
        for (engine, runner, samples, failed) in candidates {
            if *failed {
                continue;
            }
            match runner(&wasm) {
                Ok(sample) => {
                    if let Some(expected) = expected {
                        if sample.checksum != expected {
                            row.problems.push(format!(
                                "CHECKSUM MISMATCH: {engine} returned {} but native returned {expected}",
                                sample.checksum
                            ));
                            *failed = true;
                            continue;
                        }
                    }
                    samples.push(sample);
                }
                Err(e) => {
                    row.problems.push(e);
                    *failed = true;
                }
            }
        }
    }
    if !kiln_failed {
        row.kiln = Some(phases(&kiln_samples));
    }
    if !wasmtime_failed {
        row.wasmtime = Some(phases(&wasmtime_samples));
    }
    row
}

/// The median of each phase over `samples`.
fn phases(samples: &[runners::Sample]) -> Phases {
    let median = |f: fn(&runners::Sample) -> Duration| {
        let mut times: Vec<Duration> = samples.iter().map(f).collect();
        report::median(&mut times)
    };
    Phases {
        compile: median(|s| s.compile),
        instantiate: median(|s| s.instantiate),
        execute: median(|s| s.execute),
    }
}

/// Compile time and peak memory for a generated large module, each compile in
/// a fresh child process; then instantiation time for a small module.
fn run_extras(engines: &Engines, dir: &Path, options: &Options) -> Result<Extras, String> {
    let functions = if options.quick { 300 } else { 4000 };
    let wat = generate::large_module_wat(functions, 120);
    let wasm = wat::parse_str(&wat).map_err(|e| err("assembling the large module", e))?;
    drop(wat);
    let code_bytes = generate::code_section_size(&wasm);
    let file = dir.join("large.wasm");
    std::fs::write(&file, &wasm).map_err(|e| err(&format!("writing {}", file.display()), e))?;
    eprintln!(
        "compile: {functions} functions, {:.1} MiB of code, {} run(s) per engine",
        code_bytes as f64 / (1024.0 * 1024.0),
        options.runs
    );
    let mut compile = [Vec::new(), Vec::new()];
    let mut peak = [Vec::new(), Vec::new()];
    for _ in 0..options.runs {
        for (i, engine) in ["kiln", "wasmtime"].into_iter().enumerate() {
            let (time, kib) = runners::compile_peak_child(engine, &file)?;
            compile[i].push(time);
            peak[i].push(kib);
        }
    }
    let median_kib = |v: &mut Vec<u64>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    let [mut kiln_compile, mut wasmtime_compile] = compile;
    let [mut kiln_peak, mut wasmtime_peak] = peak;
    let iterations = if options.quick { 100 } else { 2000 };
    eprintln!("instantiate: {iterations} iterations per engine");
    let small = wat::parse_str(generate::SMALL_MODULE).map_err(|e| err("small module", e))?;
    let instantiate = runners::instantiation(engines, &small, iterations)?;
    Ok(Extras {
        big_module_code_bytes: code_bytes,
        compile: (
            report::median(&mut kiln_compile),
            report::median(&mut wasmtime_compile),
        ),
        peak_kib: (median_kib(&mut kiln_peak), median_kib(&mut wasmtime_peak)),
        instantiate,
        instantiate_iterations: iterations,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    })
}

fn all(options: &Options) -> Result<bool, String> {
    let bench = bench_dir();
    let dir = bench
        .join("build")
        .join(if options.quick { "quick" } else { "full" });
    let engines = Engines::new()?;
    let mut rows = Vec::new();
    for name in WORKLOADS {
        eprintln!("running {name} ({} run(s) per engine)", options.runs);
        let row = run_workload(&engines, &dir, name, options.runs);
        for problem in &row.problems {
            eprintln!("  ERROR in {name}: {problem}");
        }
        rows.push(row);
    }
    let extras = match run_extras(&engines, &dir, options) {
        Ok(extras) => Some(extras),
        Err(e) => {
            eprintln!("  ERROR in compile/instantiate benchmarks: {e}");
            rows.push(Row {
                name: "compile/instantiate".to_string(),
                kiln: None,
                wasmtime: None,
                native: None,
                problems: vec![e],
            });
            None
        }
    };
    let tables = report::tables(&rows, extras.as_ref());
    println!("{tables}");
    let problems: Vec<String> = rows
        .iter()
        .flat_map(|r| r.problems.iter().map(move |p| format!("{}: {p}", r.name)))
        .collect();
    let mut markdown = format!(
        "# Kiln benchmark results, {}\n\n{}\nAll times are medians of {} run(s). The first table is \
         the execution of `run()` alone; the second is each workload's compile and instantiation; \
         the third is a generated large module compiled in a fresh child process per run, and a \
         small module instantiated into a fresh store per iteration. Ratios above 1 mean Kiln is \
         slower (or uses more memory).{}\n\n{}",
        report::today(),
        report::environment(&bench),
        options.runs,
        if options.quick { " **Quick (smoke-test) scale: not a measurement.**" } else { "" },
        tables,
    );
    if !problems.is_empty() {
        markdown.push_str("\n## FAILURES\n\n");
        for p in &problems {
            markdown.push_str(&format!("- {p}\n"));
        }
    }
    let results = bench.join("results");
    std::fs::create_dir_all(&results).map_err(|e| err("creating results/", e))?;
    let suffix = if options.quick { "-quick" } else { "" };
    let path = results.join(format!("{}{suffix}.md", report::today()));
    std::fs::write(&path, markdown).map_err(|e| err(&format!("writing {}", path.display()), e))?;
    eprintln!("wrote {}", path.display());
    if !problems.is_empty() {
        eprintln!("\n{} FAILURE(S):", problems.len());
        for p in &problems {
            eprintln!("  {p}");
        }
    }
    Ok(problems.is_empty())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("all") => parse_options(&args[1..]).and_then(|o| all(&o)),
        Some("overhead") => parse_options(&args[1..]).and_then(|o| overhead::overhead(&o)),
        Some("calls") => parse_options(&args[1..]).and_then(|o| calls::calls(o.runs, o.quick)),
        Some("components") => {
            parse_options(&args[1..]).and_then(|o| components::components(o.runs, o.quick))
        }
        Some("components-profile") if args.len() == 3 => match args[2].parse() {
            Ok(calls) => components::profile(&args[1], calls),
            Err(_) => Err(format!("not a number of calls: {}", args[2])),
        },
        Some("density") => parse_options(&args[1..]).and_then(|o| density::density(o.quick)),
        Some("density-count") if args.len() == 2 => density::count(&args[1]).map(|line| {
            println!("{line}");
            true
        }),
        Some("compile-peak") if args.len() == 3 => {
            runners::compile_peak(&args[1], Path::new(&args[2])).map(|line| {
                println!("{line}");
                true
            })
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("kiln-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
