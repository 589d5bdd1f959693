//! WIT errors are reported at their file, line and column, with
//! wit-parser's message.

use crate::crate_dir;
use kiln_wit::Wit;

fn bad(name: &str) -> String {
    crate_dir()
        .join("testsuite")
        .join("bad")
        .join(name)
        .display()
        .to_string()
}

fn load_error(name: &str) -> String {
    match Wit::load(bad(name).as_ref()) {
        Ok(_) => panic!("{name} loaded"),
        Err(e) => e.to_string(),
    }
}

fn analyse_error(name: &str, world: Option<&str>) -> String {
    let wit = Wit::load(bad(name).as_ref()).expect("parses");
    match wit.analyse(world) {
        Ok(_) => panic!("{name} analysed"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn syntax_error_is_located() {
    let path = bad("syntax.wit");
    assert_eq!(
        load_error("syntax.wit"),
        format!("{path}:4:24: expected a type, found ';'")
    );
}

#[test]
fn lexer_error_is_located() {
    let path = bad("lex.wit");
    assert_eq!(
        load_error("lex.wit"),
        format!("{path}:4:29: unexpected character '$'")
    );
}

#[test]
fn unknown_type_is_located() {
    let path = bad("unknown-type.wit");
    assert_eq!(
        load_error("unknown-type.wit"),
        format!("{path}:5:12: type `missing-type` does not exist")
    );
}

#[test]
fn unknown_package_is_located() {
    let path = bad("unknown-package.wit");
    assert_eq!(
        load_error("unknown-package.wit"),
        format!("{path}:4:12: package 'kiln:nowhere' not found. known packages:\n    kiln:bad")
    );
}

#[test]
fn error_in_second_file_of_a_package_names_that_file() {
    let path = bad("multi/b.wit");
    assert_eq!(
        load_error("multi"),
        format!("{path}:2:15: name `nope` does not exist")
    );
}

#[test]
fn missing_path_is_an_error() {
    let path = bad("nothing-here.wit");
    assert_eq!(
        load_error("nothing-here.wit"),
        format!("{path}: no such file or directory")
    );
}

#[test]
fn async_function_is_refused_at_its_place() {
    let path = bad("async.wit");
    assert_eq!(
        analyse_error("async.wit", None),
        format!("{path}:9:12: kiln bindgen does not support async functions yet")
    );
}

#[test]
fn future_is_refused_at_its_place() {
    let path = bad("future.wit");
    let err = analyse_error("future.wit", None);
    assert_eq!(
        err,
        format!("{path}:4:18: kiln bindgen does not support `future` types yet")
    );
}

#[test]
fn unknown_world_lists_the_worlds() {
    let wit = Wit::load(&crate::corpus_wit()).unwrap();
    let err = wit.analyse(Some("nope")).err().unwrap().to_string();
    assert_eq!(
        err,
        "no world named `nope` in package `kiln:corpus` (its worlds: lists, resources, scalars, traps, variants)"
    );
}

#[test]
fn several_worlds_need_a_choice() {
    let wit = Wit::load(&crate::corpus_wit()).unwrap();
    let err = wit.analyse(None).err().unwrap().to_string();
    assert_eq!(
        err,
        "package `kiln:corpus` has several worlds (lists, resources, scalars, traps, variants): choose one with --world"
    );
}

#[test]
fn an_interface_both_imported_and_exported_is_refused_at_its_export() {
    let path = bad("both-ways.wit");
    assert_eq!(
        analyse_error("both-ways.wit", None),
        format!(
            "{path}:9:12: kiln bindgen does not support a world that imports and exports the \
             same interface (`kiln:bad/i`) yet"
        )
    );
}

#[test]
fn go_reports_errors_as_c_does() {
    for name in ["syntax.wit", "unknown-type.wit", "async.wit", "future.wit"] {
        let path = bad(name);
        let message = |lang: &str| match kiln_wit::generate(lang, path.as_ref(), None) {
            Ok(_) => panic!("{name} generated {lang}"),
            Err(e) => format!("{e:#}"),
        };
        assert_eq!(message("go"), message("c"), "{name}");
        assert!(
            message("go").starts_with(&path),
            "{name}: {}",
            message("go")
        );
    }
}

#[test]
fn ts_reports_errors_as_c_does() {
    for name in ["syntax.wit", "unknown-type.wit", "async.wit", "future.wit"] {
        let path = bad(name);
        let message = |lang: &str| match kiln_wit::generate(lang, path.as_ref(), None) {
            Ok(_) => panic!("{name} generated {lang}"),
            Err(e) => format!("{e:#}"),
        };
        assert_eq!(message("ts"), message("c"), "{name}");
        assert!(
            message("ts").starts_with(&path),
            "{name}: {}",
            message("ts")
        );
    }
}
