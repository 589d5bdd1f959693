//! The generated code of every world of the corpus, in every language, is
//! checked in under `golden/<lang>/<world>/`; a fresh generation must match
//! it byte for byte. `KILN_BLESS=1` rewrites the golden files instead.

use crate::{crate_dir, generate, golden_worlds};
use std::collections::BTreeSet;
use std::fs;

fn check(lang: &str) {
    let bless = std::env::var_os("KILN_BLESS").is_some_and(|v| v == "1");
    let base = crate_dir().join("golden").join(lang);
    let mut mismatched = Vec::new();
    let worlds = golden_worlds();
    assert!(
        worlds.len() >= 8,
        "the corpus and the edge cases have their worlds: {worlds:?}"
    );
    for (wit, world, subdir) in &worlds {
        let files = generate(lang, wit, world);
        assert!(!files.is_empty(), "{lang} generated no file for `{world}`");
        let dir = base.join(subdir);
        if bless {
            if dir.exists() {
                fs::remove_dir_all(&dir).unwrap();
            }
            files.write_to(&dir).unwrap();
            continue;
        }
        let mut expected: BTreeSet<String> = fs::read_dir(&dir)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        for (name, contents) in files.iter() {
            assert!(
                contents
                    .lines()
                    .next()
                    .is_some_and(|l| l.contains(kiln_wit::GENERATED_BANNER)),
                "{lang}/{world}/{name} starts with the banner"
            );
            expected.remove(name);
            let path = dir.join(name);
            match fs::read_to_string(&path) {
                Ok(old) if old == contents => {}
                Ok(_) => mismatched.push(format!("{} differs", path.display())),
                Err(_) => mismatched.push(format!("{} is missing", path.display())),
            }
        }
        for stale in expected {
            mismatched.push(format!(
                "{} is no longer generated",
                dir.join(stale).display()
            ));
        }
    }
    assert!(
        mismatched.is_empty(),
        "the generated {lang} code changed (run with KILN_BLESS=1 to accept):\n  {}",
        mismatched.join("\n  ")
    );
}

#[test]
fn rust_golden_files_match() {
    check("rust");
}

#[test]
fn c_golden_files_match() {
    check("c");
}

#[test]
fn go_golden_files_match() {
    check("go");
}

#[test]
fn java_golden_files_match() {
    check("java");
}

#[test]
fn python_golden_files_match() {
    check("python");
}

#[test]
fn ts_golden_files_match() {
    check("ts");
}
