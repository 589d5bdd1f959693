//! Modules the fuzz targets in `fuzz/` turned up, kept in
//! `tests/fuzz-regressions/` so what they found stays found. Each `.wasm` is
//! the module wasm-smith generated; the `.differential-input` or
//! `.compile-input` beside it is the fuzzer input that generated it.

use kiln::{Config, Engine, Instance, Module, Store, TrapCode};
use std::path::{Path, PathBuf};

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzz-regressions")
}

fn read(name: &str) -> Vec<u8> {
    let path = regressions_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What the `compile` target checks, for every kept module: validation and
/// compilation agree, and neither panics.
#[test]
fn every_kept_module_validates_and_compiles_alike() {
    let engine = Engine::default();
    let mut seen = 0;
    for entry in std::fs::read_dir(regressions_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "wasm") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let validated = Module::validate(&engine, &bytes).is_ok();
        let compiled = Module::new(&engine, &bytes).is_ok();
        assert_eq!(validated, compiled, "{}", path.display());
        seen += 1;
    }
    assert!(seen > 0, "no modules in {}", regressions_dir().display());
}

/// An empty active element segment placed at offset 0xffff_ffff of a
/// three-element table. wasmi refuses it with an instantiation error that
/// has no trap code, which the differential target first took for a
/// mismatch; the spec says instantiation traps with "out of bounds table
/// access" even for an empty segment, and that is what Kiln must keep doing.
#[test]
fn empty_element_segment_past_the_table_end_traps() {
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, read("elem-segment-offset-past-table.wasm")).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_fuel(100_000).unwrap();
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    let trap = err.trap().unwrap_or_else(|| panic!("not a trap: {err}"));
    assert_eq!(trap.code(), TrapCode::TableOutOfBounds);
}
