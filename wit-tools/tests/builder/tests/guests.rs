//! Builds every guest of the corpus and checks the result: each component
//! validates with the component-model features, its WIT world matches the
//! corpus's, and every case file names only functions its world exports.

use kiln_wit_guests::{build_all, load_wit, worlds, Options};
use std::sync::OnceLock;
use wasmparser::{Validator, WasmFeatures};

/// Builds once for all the tests of this binary.
fn guests() -> &'static [kiln_wit_guests::Guest] {
    static GUESTS: OnceLock<Vec<kiln_wit_guests::Guest>> = OnceLock::new();
    GUESTS.get_or_init(|| build_all(&Options::default()).expect("building the guests"))
}

#[test]
fn every_world_with_a_guest_is_built() {
    let options = Options::default();
    let names: Vec<&str> = guests().iter().map(|g| g.world.as_str()).collect();
    assert_eq!(names, worlds(&options.corpus).unwrap());
    assert!(!names.is_empty());
    for guest in guests() {
        assert!(guest.component.is_file(), "{}", guest.component.display());
        assert!(guest.cases.is_file(), "{}", guest.cases.display());
    }
}

#[test]
fn a_second_build_reuses_the_first() {
    guests();
    for guest in build_all(&Options::default()).unwrap() {
        assert!(!guest.rebuilt, "{} was rebuilt with no change", guest.world);
    }
}

#[test]
fn components_validate() {
    for guest in guests() {
        let bytes = std::fs::read(&guest.component).unwrap();
        assert!(
            wasmparser::Parser::is_component(&bytes),
            "{} is not a component",
            guest.world
        );
        let mut validator = Validator::new_with_features(WasmFeatures::all());
        validator
            .validate_all(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", guest.world));
        // And with only the default features plus the component model: the
        // guests use nothing newer.
        let mut validator =
            Validator::new_with_features(WasmFeatures::default() | WasmFeatures::COMPONENT_MODEL);
        validator
            .validate_all(&bytes)
            .unwrap_or_else(|e| panic!("{} (default features): {e}", guest.world));
    }
}

#[test]
fn core_modules_import_nothing_but_their_world() {
    // No WASI: a guest's core module imports only its world's functions
    // (module names are interface names or `$root`), never
    // `wasi_snapshot_preview1`, so no adapter is needed.
    for guest in guests() {
        let bytes = std::fs::read(&guest.module).unwrap();
        for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
            if let wasmparser::Payload::ImportSection(imports) = payload.unwrap() {
                for import in imports.into_imports() {
                    let import = import.unwrap();
                    assert!(
                        !import.module.starts_with("wasi"),
                        "{} imports {}::{}",
                        guest.world,
                        import.module,
                        import.name
                    );
                }
            }
        }
    }
}

#[test]
fn components_embody_their_world() {
    // Decoding each component gives back a world with the same imports and
    // exports as the corpus's world of that name.
    let options = Options::default();
    let (resolve, package, _) = load_wit(&options.corpus).unwrap();
    for guest in guests() {
        let world = resolve
            .select_world(&[package], Some(&guest.world))
            .unwrap();
        let expected = &resolve.worlds[world];
        let bytes = std::fs::read(&guest.component).unwrap();
        let decoded = match wit_component::decode(&bytes).unwrap() {
            wit_component::DecodedWasm::Component(resolve, world) => (resolve, world),
            other => panic!("{}: decoded as {:?}", guest.world, other.package()),
        };
        let actual = &decoded.0.worlds[decoded.1];
        let names = |r: &wit_parser::Resolve, items: &[wit_parser::WorldKey]| -> Vec<String> {
            let mut v: Vec<String> = items.iter().map(|k| r.name_world_key(k)).collect();
            v.sort();
            v
        };
        let keys = |m: &wit_parser::IndexMap<wit_parser::WorldKey, wit_parser::WorldItem>| {
            m.keys().cloned().collect::<Vec<_>>()
        };
        assert_eq!(
            names(&decoded.0, &keys(&actual.exports)),
            names(&resolve, &keys(&expected.exports)),
            "{} exports",
            guest.world
        );
        let functions_and_interfaces = |r: &wit_parser::Resolve, w: &wit_parser::World| {
            let mut v: Vec<String> = w
                .imports
                .iter()
                // Interfaces of types only may be left out of a component
                // that does not need them; compare those that have functions.
                .filter(|(_, item)| match item {
                    wit_parser::WorldItem::Function(_) => true,
                    wit_parser::WorldItem::Interface { id, .. } => {
                        !r.interfaces[*id].functions.is_empty()
                    }
                    wit_parser::WorldItem::Type { .. } => false,
                })
                .map(|(k, _)| r.name_world_key(k))
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            functions_and_interfaces(&decoded.0, actual),
            functions_and_interfaces(&resolve, expected),
            "{} imports",
            guest.world
        );
    }
}
