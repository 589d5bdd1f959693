//! Statistics, the results table and the Markdown report.

use std::fmt::Write;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The median of `times` (the mean of the middle two for an even count).
pub fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    let n = times.len();
    if n == 0 {
        return Duration::ZERO;
    }
    if n % 2 == 1 {
        times[n / 2]
    } else {
        (times[n / 2 - 1] + times[n / 2]) / 2
    }
}

/// The geometric mean of positive values; `None` if there are none.
pub fn geomean(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| *v <= 0.0) {
        return None;
    }
    Some((values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Median times of a workload's phases on one wasm engine.
#[derive(Clone, Copy)]
pub struct Phases {
    pub compile: Duration,
    pub instantiate: Duration,
    pub execute: Duration,
}

/// A workload's result: median times, or why it failed.
pub struct Row {
    pub name: String,
    pub kiln: Option<Phases>,
    pub wasmtime: Option<Phases>,
    pub native: Option<Duration>,
    pub problems: Vec<String>,
}

impl Row {
    fn kiln_execute(&self) -> Option<Duration> {
        self.kiln.map(|p| p.execute)
    }

    fn wasmtime_execute(&self) -> Option<Duration> {
        self.wasmtime.map(|p| p.execute)
    }
}

/// Compile, peak-memory and instantiation results.
pub struct Extras {
    pub big_module_code_bytes: usize,
    pub compile: (Duration, Duration),
    pub peak_kib: (u64, u64),
    pub instantiate: (Duration, Duration),
    pub instantiate_iterations: usize,
    pub threads: usize,
}

fn cell(d: Option<Duration>) -> String {
    d.map_or_else(|| "FAILED".to_string(), |d| format!("{:.1}", ms(d)))
}

fn ratio(a: Option<Duration>, b: Option<Duration>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if !b.is_zero() => Some(a.as_secs_f64() / b.as_secs_f64()),
        _ => None,
    }
}

fn ratio_cell(r: Option<f64>) -> String {
    r.map_or_else(|| "-".to_string(), |r| format!("{r:.2}"))
}

/// The results as Markdown tables (also readable as plain text).
pub fn tables(rows: &[Row], extras: Option<&Extras>) -> String {
    let mut out = String::new();
    out.push_str(
        "| workload | kiln ms | wasmtime ms | native ms | kiln/wasmtime | kiln/native |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|\n");
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            row.name,
            cell(row.kiln_execute()),
            cell(row.wasmtime_execute()),
            cell(row.native),
            ratio_cell(ratio(row.kiln_execute(), row.wasmtime_execute())),
            ratio_cell(ratio(row.kiln_execute(), row.native)),
        );
    }
    let column = |f: &dyn Fn(&Row) -> Option<f64>| {
        let values: Vec<f64> = rows.iter().filter_map(f).collect();
        if values.len() == rows.len() {
            geomean(&values)
        } else {
            None
        }
    };
    let fmt = |v: Option<f64>, digits: usize| {
        v.map_or_else(|| "-".to_string(), |v| format!("{v:.digits$}"))
    };
    let _ = writeln!(
        out,
        "| **geometric mean** | {} | {} | {} | {} | {} |",
        fmt(column(&|r| r.kiln_execute().map(ms)), 1),
        fmt(column(&|r| r.wasmtime_execute().map(ms)), 1),
        fmt(column(&|r| r.native.map(ms)), 1),
        fmt(
            column(&|r| ratio(r.kiln_execute(), r.wasmtime_execute())),
            2
        ),
        fmt(column(&|r| ratio(r.kiln_execute(), r.native)), 2),
    );
    out.push('\n');
    out.push_str(
        "| workload | kiln compile ms | wasmtime compile ms | kiln/wasmtime | \
         kiln instantiate µs | wasmtime instantiate µs | kiln/wasmtime |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
    for row in rows {
        let (Some(k), Some(w)) = (row.kiln, row.wasmtime) else {
            let _ = writeln!(out, "| {} | - | - | - | - | - | - |", row.name);
            continue;
        };
        let _ = writeln!(
            out,
            "| {} | {:.1} | {:.1} | {} | {:.1} | {:.1} | {} |",
            row.name,
            ms(k.compile),
            ms(w.compile),
            ratio_cell(ratio(Some(k.compile), Some(w.compile))),
            k.instantiate.as_secs_f64() * 1e6,
            w.instantiate.as_secs_f64() * 1e6,
            ratio_cell(ratio(Some(k.instantiate), Some(w.instantiate))),
        );
    }
    if let Some(x) = extras {
        out.push('\n');
        out.push_str("| measure | kiln | wasmtime | kiln/wasmtime |\n");
        out.push_str("|---|---:|---:|---:|\n");
        let mb = x.big_module_code_bytes as f64 / (1024.0 * 1024.0);
        let _ = writeln!(
            out,
            "| compile {mb:.1} MiB of code, ms ({} threads) | {:.0} | {:.0} | {:.2} |",
            x.threads,
            ms(x.compile.0),
            ms(x.compile.1),
            ratio(Some(x.compile.0), Some(x.compile.1)).unwrap_or(f64::NAN),
        );
        let _ = writeln!(
            out,
            "| peak RSS growth while compiling, MiB | {:.1} | {:.1} | {:.2} |",
            x.peak_kib.0 as f64 / 1024.0,
            x.peak_kib.1 as f64 / 1024.0,
            x.peak_kib.0 as f64 / x.peak_kib.1.max(1) as f64,
        );
        let _ = writeln!(
            out,
            "| instantiate small module, µs (median of {}) | {:.1} | {:.1} | {:.2} |",
            x.instantiate_iterations,
            x.instantiate.0.as_secs_f64() * 1e6,
            x.instantiate.1.as_secs_f64() * 1e6,
            ratio(Some(x.instantiate.0), Some(x.instantiate.1)).unwrap_or(f64::NAN),
        );
    }
    out
}

fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::trim).map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string())
}

/// The `version = "..."` that follows `marker` in a TOML file.
fn version_after(file: &Path, marker: &str) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let rest = &text[text.find(marker)? + marker.len()..];
    let line = rest
        .lines()
        .find(|l| l.trim_start().starts_with("version"))?;
    Some(line.split('"').nth(1)?.to_string())
}

/// Today's date, as YYYY-MM-DD.
pub fn today() -> String {
    command_line("date", &["-u", "+%Y-%m-%d"])
}

/// A description of the machine and toolchain versions, as Markdown lines.
pub fn environment(bench_dir: &Path) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown", |(_, v)| v.trim())
        .to_string();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let root = bench_dir.join("..");
    let kiln = version_after(&root.join("Cargo.toml"), "[workspace.package]")
        .unwrap_or_else(|| "unknown".to_string());
    let git = command_line(
        "git",
        &[
            "-C",
            &root.to_string_lossy(),
            "describe",
            "--always",
            "--dirty",
        ],
    );
    let wasmtime = version_after(&bench_dir.join("Cargo.lock"), "name = \"wasmtime\"\n")
        .unwrap_or_else(|| "unknown".to_string());
    format!(
        "- CPU: {cpu}, {cores} cores available\n\
         - rustc: {}\n\
         - clang: {}\n\
         - Kiln: {kiln} (git {git})\n\
         - Wasmtime: {wasmtime}\n",
        command_line("rustc", &["--version"]),
        command_line("clang", &["--version"]),
    )
}
