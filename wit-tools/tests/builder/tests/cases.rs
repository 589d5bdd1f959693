//! Checks the case files (`wit-tools/tests/cases/<world>.json`) against the
//! corpus's WIT: each parses, is about a world with a guest, names only
//! functions its world exports and calls every one of them, and has steps of
//! the documented shapes. (Replaying them needs a host: see
//! `wit-tools/tests/run-reference`.)

use kiln_wit_guests::{corpus_dir, load_wit, worlds};
use serde_json::Value;
use std::collections::BTreeSet;
use wit_parser::{Resolve, WorldItem};

/// The names by which a host calls the world's exports: `name` for a
/// function of the world, `interface#name` for one of an exported interface
/// (resource functions are `[constructor]r`, `[method]r.f`, `[static]r.f`).
fn exported_functions(resolve: &Resolve, world: wit_parser::WorldId) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (key, item) in &resolve.worlds[world].exports {
        match item {
            WorldItem::Function(f) => {
                names.insert(f.name.clone());
            }
            WorldItem::Interface { id, .. } => {
                let interface = resolve.name_world_key(key);
                for f in resolve.interfaces[*id].functions.values() {
                    names.insert(format!("{interface}#{}", f.name));
                }
            }
            WorldItem::Type { .. } => {}
        }
    }
    names
}

#[test]
fn every_world_has_a_case_file_and_every_case_file_a_world() {
    let corpus = corpus_dir();
    let mut files: Vec<String> = std::fs::read_dir(corpus.join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, worlds(&corpus).unwrap());
}

#[test]
fn case_files_name_only_exported_functions_and_call_them_all() {
    let corpus = corpus_dir();
    let (resolve, package, _) = load_wit(&corpus).unwrap();
    for world_name in worlds(&corpus).unwrap() {
        let path = corpus.join("cases").join(format!("{world_name}.json"));
        let text = std::fs::read_to_string(&path).unwrap();
        let file: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(file["world"], world_name.as_str(), "{}", path.display());
        let world = resolve.select_world(&[package], Some(&world_name)).unwrap();
        let exported = exported_functions(&resolve, world);
        let mut called = BTreeSet::new();
        let mut test_names = BTreeSet::new();
        let tests = file["tests"].as_array().expect("`tests` is an array");
        assert!(!tests.is_empty(), "{world_name} has no tests");
        for test in tests {
            let name = test["name"].as_str().expect("a test has a name");
            assert!(
                test_names.insert(name.to_string()),
                "{world_name}: two tests are named {name}"
            );
            let steps = test["steps"].as_array().expect("a test has steps");
            assert!(!steps.is_empty(), "{world_name}/{name} has no steps");
            for step in steps {
                let step = step.as_object().expect("a step is an object");
                let keys: BTreeSet<&str> = step.keys().map(String::as_str).collect();
                let context = format!("{world_name}/{name}: {step:?}");
                if let Some(function) = step.get("call") {
                    let function = function.as_str().expect("`call` names a function");
                    assert!(exported.contains(function), "{context}: not an export");
                    called.insert(function.to_string());
                    assert!(step["args"].is_array(), "{context}: `args` is an array");
                    let allowed: BTreeSet<&str> = if step.contains_key("trap") {
                        assert!(step["trap"].is_string(), "{context}: `trap` is a string");
                        ["call", "args", "trap", "message"].into()
                    } else {
                        ["call", "args", "expect"].into()
                    };
                    assert!(keys.is_subset(&allowed), "{context}: unexpected keys");
                } else if let Some(resource) = step.get("drop") {
                    assert!(resource.is_string(), "{context}: `drop` names a resource");
                    assert_eq!(keys, ["drop"].into(), "{context}");
                } else if let Some(state) = step.get("host") {
                    assert!(state.is_string(), "{context}: `host` names host state");
                    assert_eq!(keys, ["expect", "host"].into(), "{context}");
                } else {
                    panic!("{context}: a step is a call, a drop or a host check");
                }
            }
        }
        let uncalled: Vec<&String> = exported.difference(&called).collect();
        assert!(
            uncalled.is_empty(),
            "{world_name}: no case calls {uncalled:?}"
        );
    }
}
