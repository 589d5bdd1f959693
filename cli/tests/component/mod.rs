//! `kiln run --invoke 'NAME(ARGS)'` on components (the .wat files beside
//! this one): arguments read and results printed in WAVE, functions of
//! exported instances, resources, imports, and the errors.

use super::{kiln, path, text};
use kiln_wasi_tests::TempDir;
use std::path::PathBuf;
use std::process::Output;

fn component(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/component")
        .join(name)
}

/// Runs `kiln run [OPTIONS] --invoke CALL FILE`.
fn invoke(file: &str, options: &[&str], call: &str) -> Output {
    let file = component(file);
    let mut args = vec!["run"];
    args.extend(options);
    args.extend(["--invoke", call, path(&file)]);
    kiln(&args)
}

/// What `call` of `values.wat` prints, which must succeed.
fn printed(call: &str) -> String {
    let out = invoke("values.wat", &[], call);
    assert_eq!(out.status.code(), Some(0), "{call}: {}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "{call}");
    text(&out.stdout).to_string()
}

/// The one-line error `call` of `file` fails with, with exit status 1.
fn error(file: &str, options: &[&str], call: &str) -> String {
    let out = invoke(file, options, call);
    assert_eq!(out.status.code(), Some(1), "{call}: {}", text(&out.stdout));
    assert_eq!(text(&out.stdout), "", "{call}");
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
        .strip_prefix("error: ")
        .unwrap_or_else(|| panic!("{stderr}"))
        .trim_end()
        .to_string()
}

#[test]
fn scalars() {
    assert_eq!(printed("add(1, 2)"), "3\n");
    assert_eq!(printed("add(4294967295, 1)"), "0\n");
    assert_eq!(printed("negate(5)"), "-5\n");
    assert_eq!(
        printed("negate(-9223372036854775807)"),
        "9223372036854775807\n"
    );
    assert_eq!(printed("halve(3)"), "1.5\n");
    assert_eq!(printed("halve(-inf)"), "-inf\n");
    assert_eq!(printed("halve(nan)"), "nan\n");
    assert_eq!(printed("not(true)"), "false\n");
    assert_eq!(printed("upper('a')"), "'A'\n");
    // No result, nothing printed.
    assert_eq!(printed("nothing()"), "");
}

#[test]
fn strings() {
    assert_eq!(printed(r#"greet("Ada")"#), "\"Hello, Ada!\"\n");
    assert_eq!(
        printed(r#"greet("tab\t\"quote\" é \u{1F44B}")"#),
        "\"Hello, tab\\t\\\"quote\\\" é 👋!\"\n"
    );
}

#[test]
fn lists() {
    assert_eq!(printed("sum([1, 2, -3, 40])"), "40\n");
    assert_eq!(printed("sum([])"), "0\n");
    assert_eq!(
        printed(r#"echo-strings(["a", "bc", ""])"#),
        "[\"a\", \"bc\", \"\"]\n"
    );
}

#[test]
fn records_in_the_types_order() {
    assert_eq!(printed("echo-point({x: 1, y: -2})"), "{x: 1, y: -2}\n");
    assert_eq!(printed("echo-point({y: 7, x: 0})"), "{x: 0, y: 7}\n");
}

#[test]
fn variants_enums_options_results_flags_and_tuples() {
    assert_eq!(printed("echo-shape(circle(1.5))"), "circle(1.5)\n");
    assert_eq!(printed("echo-shape(square(7))"), "square(7)\n");
    // A case named like a WAVE keyword is written with `%`.
    assert_eq!(printed("echo-shape(%none)"), "%none\n");
    assert_eq!(printed("next-color(red)"), "green\n");
    assert_eq!(printed("next-color(blue)"), "red\n");
    assert_eq!(printed("echo-option(some(4))"), "some(4)\n");
    assert_eq!(printed("echo-option(none)"), "none\n");
    // A trailing option argument may be left out.
    assert_eq!(printed("echo-option()"), "none\n");
    assert_eq!(printed("echo-result(ok(1))"), "ok(1)\n");
    assert_eq!(printed(r#"echo-result(err("no"))"#), "err(\"no\")\n");
    assert_eq!(printed("echo-perms({exec, read})"), "{read, exec}\n");
    assert_eq!(printed("echo-perms({})"), "{}\n");
    assert_eq!(printed(r#"echo-tuple((7, "x"))"#), "(7, \"x\")\n");
}

#[test]
fn functions_of_exported_instances() {
    assert_eq!(printed("demo:math/ops.add@1.0.0(1, 2)"), "3\n");
    assert_eq!(printed("demo:math/ops.half@1.0.0(5)"), "2.5\n");
    assert_eq!(printed("more.add(2, 2)"), "4\n");
    // A name the component does not export itself is looked for in its
    // instances.
    assert_eq!(printed("twice(21)"), "42\n");
    assert_eq!(
        error("values.wat", &[], "half(1)"),
        "more than one exported instance has a function `half`; name one: \
         `demo:math/ops.half@1.0.0`, `more.half`"
    );
    assert_eq!(
        error("values.wat", &[], "more.frob()"),
        "the component's instance `more` has no function `frob`"
    );
    assert_eq!(
        error("values.wat", &[], "demo:math/ops@1.0.0()"),
        "export `demo:math/ops@1.0.0` is an instance: name one of its functions, \
         as in --invoke 'demo:math/ops.FUNC@1.0.0(...)'"
    );
    assert_eq!(
        error("values.wat", &[], "point()"),
        "export `point` is a type, not a function"
    );
}

#[test]
fn unknown_exports_are_errors_that_list_the_exports() {
    let message = error("values.wat", &[], "frob()");
    assert!(
        message.starts_with(
            "component has no exported function `frob`; it exports \
             `demo:math/ops@1.0.0` (instance), `more` (instance), `add` (function), "
        ),
        "{message}"
    );
    assert!(!message.contains("`point`"), "{message}");
    assert!(error("values.wat", &[], "ops.add(1, 2)")
        .starts_with("component has no exported instance `ops`; it exports "),);
}

#[test]
fn bad_arguments_are_errors_that_say_which() {
    let bad = |call: &str| error("values.wat", &[], call);
    assert_eq!(
        bad("add(1)"),
        "`add` takes 2 argument(s) (a: u32, b: u32), got 1"
    );
    assert_eq!(
        bad("add(1, 2, 3)"),
        "`add` takes 2 argument(s) (a: u32, b: u32), got 3"
    );
    assert_eq!(
        bad(r#"add(1, "x")"#),
        "argument 2 of `add` (`b: u32`): invalid value type at `\"x\"` (column 8)"
    );
    assert_eq!(
        bad("add(-1, 2)"),
        "argument 1 of `add` (`a: u32`): invalid value at `-1` (column 5)"
    );
    assert_eq!(
        bad("echo-point({x: 1})"),
        "argument 1 of `echo-point` (`p: record { x: s32, y: s32 }`): missing field \"y\" \
         at `{x: 1}` (column 12)"
    );
    assert_eq!(
        bad("next-color(purple)"),
        "argument 1 of `next-color` (`c: enum { red, green, blue }`): unknown case \
         \"purple\" at `purple` (column 12)"
    );
    assert_eq!(
        bad("add(1, 2"),
        "--invoke `add(1, 2`: unexpected end of input at column 9"
    );
    assert_eq!(
        bad("add"),
        "--invoke `add`: unexpected end of input at column 4 (a component's function is \
         called as NAME(ARGS), with the arguments in WAVE)"
    );
    // Arguments after FILE are a module's way.
    let out = kiln(&[
        "run",
        "--invoke",
        "add",
        path(&component("values.wat")),
        "1",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: a component function's arguments go inside --invoke, in WAVE: \
         --invoke 'add(...)', not after FILE\n"
    );
}

#[test]
fn a_module_says_how_its_functions_take_arguments() {
    let fib = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fib.wat");
    let out = kiln(&["run", "--invoke", "fib(20)", fib]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: module has no export named `fib(20)`; a module's function takes its \
         arguments after FILE: kiln run --invoke fib FILE [ARGS...]\n"
    );
}

#[test]
fn a_trap_exits_134() {
    let out = invoke("values.wat", &[], "boom()");
    assert_eq!(out.status.code(), Some(134));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: wasm trap: unreachable\nwasm backtrace:\n"),
        "{stderr}"
    );
}

#[test]
fn fuel_and_timeout_apply_to_components() {
    let out = invoke("values.wat", &["--fuel", "100000"], "spin()");
    assert_eq!(out.status.code(), Some(134));
    assert!(
        text(&out.stderr).starts_with("error: wasm trap: all fuel consumed\n"),
        "{}",
        text(&out.stderr)
    );
    let out = invoke("values.wat", &["--timeout", "200ms"], "spin()");
    assert_eq!(out.status.code(), Some(134));
    assert!(
        text(&out.stderr).starts_with("error: wasm trap: interrupted\n"),
        "{}",
        text(&out.stderr)
    );
    let out = invoke("values.wat", &["--fuel", "100000"], "add(1, 2)");
    assert_eq!(text(&out.stdout), "3\n");
}

#[test]
fn a_component_needs_invoke() {
    let file = component("values.wat");
    let out = kiln(&["run", path(&file)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {} is a component: call one of its functions with --invoke 'NAME(ARGS)' \
             (running a component as a WASI command, `wasi:cli/run`, is not supported yet)\n",
            path(&file)
        )
    );
}

#[test]
fn the_readme_example() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/greet.wat");
    let out = kiln(&["run", "--invoke", r#"greet("Ada", 36)"#, example]);
    assert_eq!(
        text(&out.stdout),
        "\"Hello, Ada (36)\"\n",
        "{}",
        text(&out.stderr)
    );
    let out = kiln(&["run", "--invoke", r#"greet("Zoë", 4294967295)"#, example]);
    assert_eq!(text(&out.stdout), "\"Hello, Zoë (4294967295)\"\n");
}

#[test]
fn the_binary_format_runs_too() {
    let dir = TempDir::new("cli-component-binary");
    let file = dir.path().join("values.wasm");
    std::fs::write(&file, wat::parse_file(component("values.wat")).unwrap()).unwrap();
    let out = kiln(&["run", "--invoke", "greet(\"binary\")", path(&file)]);
    assert_eq!(
        text(&out.stdout),
        "\"Hello, binary!\"\n",
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn returned_resources_are_printed_and_dropped() {
    let out = invoke("resources.wat", &[], "make-counter()");
    assert_eq!(text(&out.stdout), "resource<own counter>\n");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = invoke("resources.wat", &[], "make-named()");
    assert_eq!(text(&out.stdout), "(resource<own counter>, 3)\n");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Dropping the handle runs the destructor, which here traps.
    let out = invoke("resources.wat", &[], "make-bomb()");
    assert_eq!(text(&out.stdout), "resource<own bomb>\n");
    assert_eq!(out.status.code(), Some(134));
    assert!(
        text(&out.stderr).starts_with("error: wasm trap: unreachable\n"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        error("resources.wat", &[], "take()"),
        "`take` takes `c: own<counter>`, a resource handle, which cannot be written in WAVE \
         on the command line"
    );
}

#[test]
fn imports_are_not_provided_unless_defined_as_traps() {
    assert_eq!(
        error("imports.wat", &[], "twice(4)"),
        format!(
            "cannot instantiate {}: component imports instance `demo:io/log`, but a matching \
             implementation was not found in the linker (kiln provides no imports to \
             components; --trap-unknown-imports lets functions that do not call them run)",
            path(&component("imports.wat"))
        )
    );
    let out = invoke("imports.wat", &["--trap-unknown-imports"], "twice(4)");
    assert_eq!(text(&out.stdout), "8\n", "{}", text(&out.stderr));
    let out = invoke("imports.wat", &["--trap-unknown-imports"], "log()");
    assert_eq!(out.status.code(), Some(134));
    assert!(
        text(&out.stderr).starts_with(
            "error: wasm trap: unknown import: `demo:io/log/write` has not been defined\n"
        ),
        "{}",
        text(&out.stderr)
    );
}
