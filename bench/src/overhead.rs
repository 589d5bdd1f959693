//! `kiln-bench overhead`: the cost of Kiln's fuel metering and epoch checks,
//! measured on the Kiln side alone (no Wasmtime, no native runs), since only
//! the ratio to plain Kiln matters.

use crate::report::{self, geomean, median, ms};
use crate::runners::{err, run_kiln_metered, Metering};
use crate::{Options, WORKLOADS};
use std::fmt::Write;
use std::time::Duration;

const MODES: [(&str, Metering); 3] = [
    ("plain", Metering::None),
    ("fuel", Metering::Fuel),
    ("epoch", Metering::Epoch),
];

/// Runs every workload `runs` times in each mode, interleaving the modes so
/// drift in the machine's speed hits them alike, and returns the Markdown table.
pub fn overhead(options: &Options) -> Result<bool, String> {
    let bench = crate::bench_dir();
    let dir = bench
        .join("build")
        .join(if options.quick { "quick" } else { "full" });
    let engines = MODES
        .iter()
        .map(|(_, m)| kiln::Engine::new(&m.config()).map_err(|e| err("kiln engine", e)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut table = String::from(
        "| workload | plain ms | fuel ms | epoch ms | fuel/plain | epoch/plain |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    let (mut fuel_ratios, mut epoch_ratios) = (Vec::new(), Vec::new());
    for name in WORKLOADS {
        eprintln!("overhead: {name} ({} run(s) per mode)", options.runs);
        let path = dir.join(format!("{name}.wasm"));
        let wasm = std::fs::read(&path).map_err(|e| err(&path.display().to_string(), e))?;
        let mut times: [Vec<Duration>; 3] = Default::default();
        let mut checksum = None;
        for _ in 0..options.runs {
            for (i, (mode, metering)) in MODES.iter().enumerate() {
                let sample = run_kiln_metered(&engines[i], &wasm, *metering)
                    .map_err(|e| format!("{name} ({mode}): {e}"))?;
                if *checksum.get_or_insert(sample.checksum) != sample.checksum {
                    return Err(format!("{name} ({mode}): checksum differs from plain Kiln"));
                }
                times[i].push(sample.execute);
            }
        }
        let [plain, fuel, epoch] = times.map(|mut t| median(&mut t));
        let (f, e) = (ms(fuel) / ms(plain), ms(epoch) / ms(plain));
        fuel_ratios.push(f);
        epoch_ratios.push(e);
        let _ = writeln!(
            table,
            "| {name} | {:.1} | {:.1} | {:.1} | {f:.2} | {e:.2} |",
            ms(plain),
            ms(fuel),
            ms(epoch)
        );
    }
    let _ = writeln!(
        table,
        "| **geometric mean** | | | | {:.2} | {:.2} |",
        geomean(&fuel_ratios).unwrap_or(f64::NAN),
        geomean(&epoch_ratios).unwrap_or(f64::NAN)
    );
    println!("{table}");
    let markdown = format!(
        "# Kiln metering overhead, {}\n\n{}\nExecution of `run()` only, medians of {} run(s) per \
         mode: plain Kiln, `Config::consume_fuel(true)` and `Config::epoch_interruption(true)`.{}\n\n{table}",
        report::today(),
        report::environment(&bench),
        options.runs,
        if options.quick { " **Quick (smoke-test) scale: not a measurement.**" } else { "" },
    );
    let suffix = if options.quick { "-quick" } else { "" };
    let path = bench
        .join("results")
        .join(format!("{}-overhead{suffix}.md", report::today()));
    std::fs::write(&path, markdown).map_err(|e| err(&format!("writing {}", path.display()), e))?;
    eprintln!("wrote {}", path.display());
    Ok(true)
}
