//! The result files the cross-language matrix reads
//! (`wit-tools/tests/matrix`): after replaying a world, each runner writes
//! `<target>/wit-corpus/<lang>.tsv`, one `world passed failed
//! known_failures` line (tab-separated) per world it replayed in this run.
//!
//! A test counts as passed when it passes and is not listed as a known
//! failure, as a known failure when it fails and is listed, and as failed
//! otherwise (an unlisted failure, or a listed test that passes).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// How one world's tests went.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub known: usize,
}

/// Every world recorded in this process, by language: the worlds' tests
/// run on parallel threads, and each rewrites its language's whole file, so
/// the first write of a run replaces the previous run's file.
static RECORDED: Mutex<BTreeMap<&'static str, BTreeMap<String, Counts>>> =
    Mutex::new(BTreeMap::new());

/// `<target>/wit-corpus`: `CARGO_TARGET_DIR` (relative to the workspace,
/// where `./test.sh` runs cargo) or the workspace's `target/`.
fn dir() -> PathBuf {
    let workspace = crate::crate_dir()
        .parent()
        .expect("wit-tools lives in the workspace");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|t| workspace.join(t))
        .unwrap_or_else(|| workspace.join("target"));
    target.join("wit-corpus")
}

/// Records `world`'s counts for `lang` (`rust`, `c`) and rewrites
/// `<target>/wit-corpus/<lang>.tsv` with every world recorded so far.
pub fn record(lang: &'static str, world: &str, counts: Counts) {
    let mut recorded = RECORDED.lock().unwrap_or_else(|e| e.into_inner());
    let worlds = recorded.entry(lang).or_default();
    worlds.insert(world.to_string(), counts);
    let text: String = worlds
        .iter()
        .map(|(w, c)| format!("{w}\t{}\t{}\t{}\n", c.passed, c.failed, c.known))
        .collect();
    let dir = dir();
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(dir.join(format!("{lang}.tsv")), text))
        .unwrap_or_else(|e| panic!("writing {}/{lang}.tsv: {e}", dir.display()));
}
