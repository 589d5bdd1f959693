//! Generates Kiln's Rust glue for the WIT corpus's `lists` world with
//! `kiln-wit` (what `kiln bindgen --lang rust` writes), so that
//! `kiln-bench components` always measures the current generator.

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let wit = manifest.join("../wit-tools/tests/wit");
    for watched in [wit.as_path(), &manifest.join("../wit-tools/src")] {
        println!("cargo:rerun-if-changed={}", watched.display());
    }
    let files = kiln_wit::generate("rust", &wit, Some("lists"))
        .unwrap_or_else(|e| panic!("kiln bindgen of {}: {e:#}", wit.display()));
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets it")).join("kiln-lists");
    files
        .write_to(&out)
        .unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
    assert!(
        out.join("lists.rs").exists(),
        "kiln bindgen wrote no lists.rs"
    );
}
