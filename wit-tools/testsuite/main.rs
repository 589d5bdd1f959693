//! kiln-wit's tests: golden files of every back end over the WIT corpus,
//! the generated code compiled, and WIT errors reported at their place.

mod compile_c;
mod errors;
mod generated;
mod golden;
mod runtime;

use std::path::{Path, PathBuf};

/// The crate's directory (`wit-tools/`).
pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The WIT corpus: the `kiln:corpus` package with its `deps/`.
pub fn corpus_wit() -> PathBuf {
    crate_dir().join("tests").join("wit")
}

/// The corpus's worlds, in source order.
pub fn corpus_worlds() -> Vec<String> {
    let wit = kiln_wit::Wit::load(&corpus_wit()).expect("the corpus parses");
    let mut worlds = wit.world_names();
    worlds.sort();
    worlds
}

/// The test suite's own WIT: worlds of edge cases (keywords as names,
/// resources inside other types, empty worlds).
pub fn edge_wit() -> PathBuf {
    crate_dir().join("testsuite").join("wit")
}

/// Every world whose generated code is checked in: `(wit, world, the
/// directory of its golden files under golden/<lang>/)`.
pub fn golden_worlds() -> Vec<(PathBuf, String, String)> {
    let mut all: Vec<(PathBuf, String, String)> = corpus_worlds()
        .into_iter()
        .map(|w| (corpus_wit(), w.clone(), w))
        .collect();
    let edge = kiln_wit::Wit::load(&edge_wit()).expect("the edge cases parse");
    for w in edge.world_names() {
        all.push((edge_wit(), w.clone(), format!("edge/{w}")));
    }
    all
}

/// Generates `lang`'s files for the world `world` of `wit`.
pub fn generate(lang: &str, wit: &Path, world: &str) -> kiln_wit::Files {
    kiln_wit::generate(lang, wit, Some(world))
        .unwrap_or_else(|e| panic!("generating {lang} for `{world}`: {e:#}"))
}
