//! The component scripts of `tests/component/`: one test per `.wast` file,
//! every directive of which must pass.

use kiln_wast::WastRunner;
use std::path::{Path, PathBuf};

fn scripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../component");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "wast"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_component_script_passes() {
    let files = scripts();
    assert!(!files.is_empty(), "no component scripts found");
    let mut failures = Vec::new();
    let mut passed = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable script");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let report = WastRunner::new(kiln::Config::new()).run_script(&name, &text);
        passed += report.passed;
        failures.extend(report.failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!(
        "{} component scripts, {passed} directives passed",
        files.len()
    );
}
