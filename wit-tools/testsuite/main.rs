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

/// Generates `lang`'s files for the corpus world `world`.
pub fn generate(lang: &str, world: &str) -> kiln_wit::Files {
    kiln_wit::generate(lang, &corpus_wit(), Some(world))
        .unwrap_or_else(|e| panic!("generating {lang} for `{world}`: {e:#}"))
}
