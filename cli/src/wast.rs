//! `kiln wast`: run WebAssembly script tests.

use crate::args::WastOptions;
use crate::Failure;
use kiln_wast::WastRunner;

/// Scripts may nest deeply; the spec harness gives them the same stack.
const STACK_SIZE: usize = 64 << 20;

/// Runs each script and prints its results, then a total; fails when any
/// directive failed or a file could not be read.
pub(crate) fn command(options: &WastOptions) -> Result<(), Failure> {
    let options = options.clone();
    let thread = std::thread::Builder::new()
        .name("wast".to_string())
        .stack_size(STACK_SIZE)
        .spawn(move || run_all(&options))
        .map_err(|e| format!("cannot start the script thread: {e}"))?;
    thread
        .join()
        .map_err(|_| Failure::from("the script runner panicked".to_string()))?
}

fn run_all(options: &WastOptions) -> Result<(), Failure> {
    let mut runner = WastRunner::new(kiln::Config::default());
    let (mut passed, mut failed, mut bad_files) = (0, 0, 0);
    for path in &options.files {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) => {
                // Reported like a script that does not parse: one failure.
                println!("{name}: 0 passed, 1 failed");
                println!("  {name}: cannot read: {err}");
                failed += 1;
                bad_files += 1;
                continue;
            }
        };
        let report = runner.run_script(&name, &text);
        println!("{name}: {} passed, {} failed", report.passed, report.failed);
        for failure in &report.failures {
            println!("  {failure}");
        }
        passed += report.passed;
        failed += report.failed;
        if !report.is_pass() {
            bad_files += 1;
        }
    }
    println!("total: {passed} passed, {failed} failed");
    if bad_files > 0 {
        return Err(format!("{bad_files} of {} script(s) failed", options.files.len()).into());
    }
    Ok(())
}
