//! Runs the `kiln` binary on WASI programs (compiled from C, see
//! `tests/wasi`) and on components, and checks what the process prints and
//! how it exits.

mod component;

use kiln_wasi_tests::{guest, program, TempDir};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn kiln(args: &[&str]) -> Output {
    kiln_with(Command::new(env!("CARGO_BIN_EXE_kiln")).args(args), b"")
}

/// Runs `command` with `stdin` as its input.
fn kiln_with(command: &mut Command, stdin: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kiln");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn runs_a_wasi_program() {
    let out = kiln(&["run", path(&guest("hello"))]);
    assert_eq!(text(&out.stdout), "hello, world\n");
    assert_eq!(text(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_exit_code_is_the_programs() {
    let exit = guest("exit");
    assert_eq!(kiln(&["run", path(&exit), "return"]).status.code(), Some(7));
    assert_eq!(kiln(&["run", path(&exit), "exit"]).status.code(), Some(3));
    let out = kiln(&["run", path(&exit), "none"]);
    assert_eq!(text(&out.stdout), "exiting via none\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn everything_after_the_module_goes_to_the_program_verbatim() {
    let args = guest("args");
    let file = path(&args);
    let out = kiln(&[
        "run", "--env", "A=1", file, "-l", "--dir", "x", "--env", "B=2", "--", "--help",
    ]);
    assert_eq!(
        text(&out.stdout),
        format!(
            "argc=8\nargv[0]={file}\nargv[1]=-l\nargv[2]=--dir\nargv[3]=x\nargv[4]=--env\n\
             argv[5]=B=2\nargv[6]=--\nargv[7]=--help\nenv A=1\n"
        )
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn invoke_after_the_module_is_the_programs_argument_and_the_error_says_so() {
    let out = kiln(&["run", path(&guest("exit")), "--invoke", "f"]);
    assert_eq!(text(&out.stdout), "exiting via --invoke\n");
    let dir = std::env::temp_dir().join(format!("kiln-cli-noentry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("lib.wat");
    std::fs::write(&file, r#"(module (func (export "f")))"#).unwrap();
    let out = kiln(&["run", path(&file), "--invoke", "f"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "module has no `_start` export; options go before FILE: \
             kiln run --invoke NAME FILE [ARGS...]"
        ),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn arguments_and_environment() {
    let args = guest("args");
    let file = path(&args);
    let out = kiln(&[
        "run",
        "--env",
        "A=1",
        "--env=A=2",
        "--env",
        "B=x=y",
        "--",
        file,
        "x",
        "-y",
    ]);
    assert_eq!(
        text(&out.stdout),
        format!("argc=3\nargv[0]={file}\nargv[1]=x\nargv[2]=-y\nenv A=2\nenv B=x=y\n")
    );
    assert_eq!(out.status.code(), Some(0));

    // Nothing of kiln's environment leaks without --inherit-env.
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiln"));
    command
        .env_clear()
        .env("KILN_TEST", "yes")
        .args(["run", file]);
    let out = kiln_with(&mut command, b"");
    assert_eq!(text(&out.stdout), format!("argc=1\nargv[0]={file}\n"));

    let mut command = Command::new(env!("CARGO_BIN_EXE_kiln"));
    command
        .env_clear()
        .env("KILN_TEST", "yes")
        .env("KEPT", "old")
        .args([
            "run",
            "--inherit-env",
            "--env",
            "KEPT=new",
            "--env",
            "NEW=1",
            file,
        ]);
    let out = kiln_with(&mut command, b"");
    let stdout = text(&out.stdout);
    let env: Vec<&str> = stdout.lines().filter(|l| l.starts_with("env ")).collect();
    let mut env = env;
    env.sort();
    assert_eq!(env, ["env KEPT=new", "env KILN_TEST=yes", "env NEW=1"]);
}

#[test]
fn stdin_and_stderr_are_kilns() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiln"));
    command.args(["run", path(&guest("cat"))]);
    let out = kiln_with(&mut command, b"one\ntwo\n");
    assert_eq!(text(&out.stdout), "one\ntwo\n");
    assert_eq!(text(&out.stderr), "8 bytes\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn dir_grants_a_directory() {
    let ls = program(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/ls.c"));
    let dir = TempDir::new("cli-ls");
    std::fs::write(dir.path().join("b.txt"), "second\nmore\n").unwrap();
    std::fs::write(dir.path().join("a.txt"), "first line\n").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let grant = format!("{}::/", path(dir.path()));
    let out = kiln(&["run", "--dir", &grant, path(&ls), "/"]);
    assert_eq!(
        text(&out.stdout),
        "a.txt: first line\nb.txt: second\nsub/\n"
    );
    assert_eq!(text(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));

    // GUEST defaults to HOST.
    let out = kiln(&[
        "run",
        "--dir",
        path(dir.path()),
        path(&ls),
        path(dir.path()),
    ]);
    assert_eq!(
        text(&out.stdout),
        "a.txt: first line\nb.txt: second\nsub/\n"
    );

    // Without --dir the program sees nothing.
    let out = kiln(&["run", path(&ls), "/"]);
    assert_eq!(text(&out.stdout), "");
    assert!(
        text(&out.stderr).starts_with("ls: /: "),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_missing_dir_is_an_error() {
    let out = kiln(&["run", "--dir", "/no/such/kiln/dir", path(&guest("hello"))]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("/no/such/kiln/dir"),
        "{stderr}"
    );
}

#[test]
fn traps_exit_134_with_a_backtrace() {
    let dir = TempDir::new("cli-trap");
    let file = dir.path().join("trap.wat");
    std::fs::write(
        &file,
        r#"(module (func $inner unreachable) (func (export "_start") call $inner))"#,
    )
    .unwrap();
    let out = kiln(&["run", path(&file)]);
    assert_eq!(out.status.code(), Some(134));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: wasm trap: unreachable"),
        "{stderr}"
    );
    assert!(stderr.contains("wasm backtrace:"), "{stderr}");
}

#[test]
fn invoke_links_wasi() {
    let dir = TempDir::new("cli-invoke");
    let file = dir.path().join("add.wat");
    std::fs::write(
        &file,
        r#"(module
             (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (memory (export "memory") 1)
             (func (export "add") (param i32 i32) (result i32)
               local.get 0 local.get 1 i32.add)
             (func (export "quit") (param i32) local.get 0 call $exit))"#,
    )
    .unwrap();
    let out = kiln(&["run", "--invoke", "add", path(&file), "2", "-5"]);
    assert_eq!(text(&out.stdout), "-3\n");
    assert_eq!(out.status.code(), Some(0));
    let out = kiln(&["run", "--invoke", "quit", path(&file), "42"]);
    assert_eq!(text(&out.stdout), "");
    assert_eq!(out.status.code(), Some(42));
}

#[test]
fn trap_unknown_imports_lets_a_module_run_what_does_not_call_them() {
    let dir = TempDir::new("cli-unknown-imports");
    let file = dir.path().join("imports.wat");
    std::fs::write(
        &file,
        r#"(module
             (import "env" "log" (func $log (param i32)))
             (func (export "double") (param i32) (result i32)
               (i32.mul (local.get 0) (i32.const 2)))
             (func (export "log") (call $log (i32.const 1))))"#,
    )
    .unwrap();
    let out = kiln(&["run", "--invoke", "double", path(&file), "4"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("error: cannot instantiate "),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("env"), "{}", text(&out.stderr));
    let out = kiln(&[
        "run",
        "--trap-unknown-imports",
        "--invoke",
        "double",
        path(&file),
        "4",
    ]);
    assert_eq!(text(&out.stdout), "8\n", "{}", text(&out.stderr));
    let out = kiln(&[
        "run",
        "--trap-unknown-imports",
        "--invoke",
        "log",
        path(&file),
    ]);
    assert_eq!(out.status.code(), Some(134), "{}", text(&out.stderr));
}

#[test]
fn a_compiled_module_runs_without_the_source() {
    let out = std::env::temp_dir().join(format!("kiln-cli-fib-{}.kwasm", std::process::id()));
    let fib = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fib.wat");
    let compiled = kiln(&["compile", fib, "-o", path(&out)]);
    assert_eq!(
        compiled.status.code(),
        Some(0),
        "{}",
        text(&compiled.stderr)
    );
    let refused = kiln(&["run", "--invoke", "fib", path(&out), "20"]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        text(&refused.stderr),
        format!(
            "error: {} is a module compiled by `kiln compile`, whose native code would run as it is; pass --allow-precompiled to run it\n",
            path(&out)
        )
    );
    let run = kiln(&[
        "run",
        "--allow-precompiled",
        "--invoke",
        "fib",
        path(&out),
        "20",
    ]);
    assert_eq!(text(&run.stdout), "6765\n");
    assert_eq!(run.status.code(), Some(0));
    // A damaged artifact is an error, not a crash.
    let mut bytes = std::fs::read(&out).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&out, &bytes).unwrap();
    let run = kiln(&[
        "run",
        "--allow-precompiled",
        "--invoke",
        "fib",
        path(&out),
        "20",
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run.stderr).contains("truncated or corrupt"),
        "{}",
        text(&run.stderr)
    );
    std::fs::remove_file(&out).unwrap();
}

#[test]
fn cache_keeps_the_compiled_module_for_the_next_run() {
    let dir = TempDir::new("cli-cache");
    let config = dir.path().join("cache.toml");
    std::fs::write(&config, "[cache]\ndirectory = \"modules\"\n").unwrap();
    let fib = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fib.wat");
    let args = [
        "run",
        "--cache-config",
        path(&config),
        "--invoke",
        "fib",
        fib,
        "20",
    ];
    let first = kiln(&args);
    assert_eq!(text(&first.stdout), "6765\n", "{}", text(&first.stderr));
    let entries: Vec<_> = std::fs::read_dir(dir.path().join("modules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1);
    let stored = std::fs::read(&entries[0]).unwrap();
    let second = kiln(&args);
    assert_eq!(text(&second.stdout), "6765\n");
    assert_eq!(std::fs::read(&entries[0]).unwrap(), stored);

    // `--cache` uses $KILN_CACHE_DIR.
    let home = dir.path().join("home");
    let run = kiln_with(
        Command::new(env!("CARGO_BIN_EXE_kiln"))
            .env("KILN_CACHE_DIR", &home)
            .args(["run", "--cache", "--invoke", "fib", fib, "10"]),
        b"",
    );
    assert_eq!(text(&run.stdout), "55\n");
    assert_eq!(std::fs::read_dir(&home).unwrap().count(), 1);

    let bad = kiln(&[
        "run",
        "--cache-config",
        path(&dir.path().join("absent.toml")),
        fib,
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("absent.toml"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn an_exit_status_from_126_up_fails_instead_of_exiting_with_it() {
    let dir = TempDir::new("cli-exit-256");
    let program = dir.path().join("exit.wat");
    std::fs::write(
        &program,
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (memory (export "memory") 1)
             (func (export "_start") i32.const 256 call $exit))"#,
    )
    .unwrap();
    let out = kiln(&["run", path(&program)]);
    assert_eq!(out.status.code(), Some(134), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("exit with invalid exit status 256 outside of [0..126)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_closed_stdout_ends_kiln_by_sigpipe_without_a_message() {
    use std::os::unix::process::ExitStatusExt;
    let fib = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fib.wat");
    for args in [
        vec!["run", "--invoke", "fib", fib, "20"],
        vec!["run", "--help"],
    ] {
        // A pipe whose only reader is gone before kiln starts: kiln's first
        // write to it fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_kiln"))
            .args(&args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{args:?}");
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
}

/// A module of the functions the budget tests call, written to `dir`.
fn budget_module(dir: &TempDir) -> std::path::PathBuf {
    let file = dir.path().join("budget.wat");
    std::fs::write(
        &file,
        r#"(module
             (memory 1)
             (func (export "spin") (loop (br 0)))
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
             (func $deep (export "deep") (param i32) (result i32)
               (if (result i32) (i32.eqz (local.get 0))
                 (then (i32.const 0))
                 (else (i32.add (i32.const 1)
                         (call $deep (i32.sub (local.get 0) (i32.const 1))))))))"#,
    )
    .unwrap();
    file
}

#[test]
fn fuel_and_timeout_stop_an_endless_loop_with_a_trap() {
    let dir = TempDir::new("cli-budget-loop");
    let module = budget_module(&dir);
    let fuel = kiln(&["run", "--fuel", "100000", "--invoke", "spin", path(&module)]);
    assert_eq!(fuel.status.code(), Some(134));
    assert!(
        text(&fuel.stderr).starts_with("error: wasm trap: all fuel consumed\n"),
        "{}",
        text(&fuel.stderr)
    );
    let timeout = kiln(&[
        "run",
        "--timeout",
        "200ms",
        "--invoke",
        "spin",
        path(&module),
    ]);
    assert_eq!(timeout.status.code(), Some(134));
    assert!(
        text(&timeout.stderr).starts_with("error: wasm trap: interrupted\n"),
        "{}",
        text(&timeout.stderr)
    );
    // A program that finishes in time is not interrupted.
    let done = kiln(&[
        "run",
        "--timeout",
        "1h",
        "--fuel",
        "1000",
        "--invoke",
        "grow",
        path(&module),
        "0",
    ]);
    assert_eq!(text(&done.stdout), "1\n", "{}", text(&done.stderr));
}

#[test]
fn max_memory_makes_growth_past_it_fail_and_max_wasm_stack_bounds_recursion() {
    let dir = TempDir::new("cli-budget-memory");
    let module = budget_module(&dir);
    let run = |args: &[&str]| {
        let mut all = vec!["run"];
        all.extend_from_slice(args);
        let out = kiln(&all);
        (
            out.status.code(),
            text(&out.stdout).to_string(),
            text(&out.stderr).to_string(),
        )
    };
    let file = path(&module);
    assert_eq!(run(&["--invoke", "grow", file, "3"]).1, "1\n");
    assert_eq!(
        run(&["--max-memory", "256K", "--invoke", "grow", file, "3"]).1,
        "1\n"
    );
    assert_eq!(
        run(&["--max-memory", "256K", "--invoke", "grow", file, "4"]).1,
        "-1\n"
    );
    assert_eq!(run(&["--invoke", "deep", file, "5000"]).1, "5000\n");
    let (code, stdout, stderr) =
        run(&["--max-wasm-stack", "16K", "--invoke", "deep", file, "5000"]);
    assert_eq!((code, stdout.as_str()), (Some(134), ""));
    assert!(
        stderr.starts_with("error: wasm trap: call stack exhausted\n"),
        "{stderr}"
    );
}

#[test]
fn help_and_version_go_to_stdout_and_command_line_errors_exit_1() {
    let help = kiln(&["run", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert_eq!(text(&help.stderr), "");
    assert!(
        text(&help.stdout).starts_with(
            "Run a WebAssembly module or component\n\nUsage: kiln run [OPTIONS] FILE [ARGS...]\n\n\
             Options come before FILE"
        ),
        "{}",
        text(&help.stdout)
    );
    let version = kiln(&["--version"]);
    assert_eq!(
        (version.status.code(), text(&version.stdout)),
        (
            Some(0),
            format!("kiln {}\n", env!("CARGO_PKG_VERSION")).as_str()
        )
    );

    let unknown = kiln(&["run", "--frob", "a.wasm"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(text(&unknown.stdout), "");
    assert_eq!(
        text(&unknown.stderr),
        "error: unexpected argument '--frob' found\n\n  \
         tip: to pass '--frob' as a value, use '-- --frob'\n\n\
         Usage: kiln run [OPTIONS] FILE [ARGS...]\n\n\
         For more information, try '--help'.\n"
    );
    let bad_value = kiln(&["run", "--fuel", "lots", "a.wasm"]);
    assert_eq!(bad_value.status.code(), Some(1));
    assert_eq!(
        text(&bad_value.stderr),
        "error: `--fuel lots`: expected a whole number\n"
    );
    let nothing = kiln(&[]);
    assert_eq!(nothing.status.code(), Some(1));
    assert!(
        text(&nothing.stderr).starts_with("error: 'kiln' requires a subcommand"),
        "{}",
        text(&nothing.stderr)
    );
}

/// The WIT corpus of `wit-tools/tests`.
fn corpus_wit() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit-tools/tests/wit")
}

#[test]
fn bindgen_writes_the_worlds_glue_and_prints_its_path() {
    let dir = TempDir::new("cli-bindgen");
    let out = dir.path().join("out");
    let result = kiln(&[
        "bindgen",
        "--lang",
        "rust",
        path(&corpus_wit()),
        "--world",
        "scalars",
        "--out",
        path(&out),
    ]);
    assert_eq!(text(&result.stderr), "");
    assert_eq!(result.status.code(), Some(0));
    let file = out.join("scalars.rs");
    assert_eq!(text(&result.stdout), format!("{}\n", file.display()));
    let code = std::fs::read_to_string(&file).unwrap();
    assert!(code.starts_with("// generated by kiln bindgen — do not edit\n"));
    assert!(code.contains("pub struct Scalars {"));
}

#[test]
fn bindgen_writes_java_glue_as_one_class_per_world() {
    let dir = TempDir::new("cli-bindgen-java");
    let out = dir.path().join("out");
    let result = kiln(&[
        "bindgen",
        "--lang",
        "java",
        path(&corpus_wit()),
        "--world",
        "lists",
        "--out",
        path(&out),
    ]);
    assert_eq!(text(&result.stderr), "");
    assert_eq!(result.status.code(), Some(0));
    let file = out.join("Lists.java");
    assert_eq!(text(&result.stdout), format!("{}\n", file.display()));
    let code = std::fs::read_to_string(&file).unwrap();
    assert!(code.starts_with("// generated by kiln bindgen — do not edit\n"));
    assert!(code.contains("package kiln.corpus.lists;\n"));
    assert!(code.contains("public final class Lists implements AutoCloseable {"));
}

#[test]
fn bindgen_writes_python_glue_as_one_module_per_world() {
    let dir = TempDir::new("cli-bindgen-python");
    let out = dir.path().join("out");
    let result = kiln(&[
        "bindgen",
        "--lang",
        "python",
        path(&corpus_wit()),
        "--world",
        "lists",
        "--out",
        path(&out),
    ]);
    assert_eq!(text(&result.stderr), "");
    assert_eq!(result.status.code(), Some(0));
    let file = out.join("lists.py");
    assert_eq!(text(&result.stdout), format!("{}\n", file.display()));
    let code = std::fs::read_to_string(&file).unwrap();
    assert!(code.starts_with("# generated by kiln bindgen — do not edit\n"));
    assert!(code.contains("\nclass Lists:\n"));
    assert!(code.contains("\n@_dc.dataclass\nclass Score:\n"));
}

#[test]
fn bindgen_writes_typescript_glue_as_one_module_per_world() {
    let dir = TempDir::new("cli-bindgen-ts");
    let out = dir.path().join("out");
    let result = kiln(&[
        "bindgen",
        "--lang",
        "ts",
        path(&corpus_wit()),
        "--world",
        "lists",
        "--out",
        path(&out),
    ]);
    assert_eq!(text(&result.stderr), "");
    assert_eq!(result.status.code(), Some(0));
    let file = out.join("lists.ts");
    assert_eq!(text(&result.stdout), format!("{}\n", file.display()));
    let code = std::fs::read_to_string(&file).unwrap();
    assert!(code.starts_with("// generated by kiln bindgen — do not edit\n"));
    assert!(code.contains("\nimport { component } from 'kiln-wasm';\n"));
    assert!(code.contains("\nexport interface Score { name: string; value: number }\n"));
    assert!(code.contains(
        "\nexport function instantiate(component$: component.Component, imports$: ListsImports): ListsExports {\n"
    ));
}

#[test]
fn bindgen_raise_errors_chooses_python_functions_that_raise() {
    let dir = TempDir::new("cli-bindgen-raise");
    let out = dir.path().join("out");
    let result = kiln(&[
        "bindgen",
        "--lang",
        "python",
        path(&corpus_wit()),
        "--world",
        "variants",
        "--raise-errors",
        "kiln:corpus/variant-api#safe-div",
        "--out",
        path(&out),
    ]);
    assert_eq!(text(&result.stderr), "");
    assert_eq!(result.status.code(), Some(0));
    let code = std::fs::read_to_string(out.join("variants.py")).unwrap();
    assert!(code.contains("class VariantApiSafeDivError(_kc.ResultError[MathError]):\n"));
    assert!(code.contains("    def safe_div(self, a: int, b: int) -> int:\n"));
    assert_eq!(code.matches("(_kc.ResultError[").count(), 1);
    let rust = kiln(&[
        "bindgen",
        "--lang",
        "rust",
        path(&corpus_wit()),
        "--world",
        "variants",
        "--raise-errors",
        "*",
        "--out",
        path(&dir.path().join("rust")),
    ]);
    assert_eq!(rust.status.code(), Some(1));
    assert_eq!(
        text(&rust.stderr),
        "error: --raise-errors is for --lang python, not rust\n"
    );
}

#[test]
fn bindgen_reports_an_error_in_the_wit_at_its_place_and_exits_1() {
    let dir = TempDir::new("cli-bindgen-bad");
    let wit = dir.path().join("bad.wit");
    std::fs::write(
        &wit,
        "package a:b;\n\nworld w {\n    export f: func() -> nope;\n}\n",
    )
    .unwrap();
    for lang in ["c", "java", "python", "ts"] {
        let result = kiln(&[
            "bindgen",
            "--lang",
            lang,
            path(&wit),
            "--out",
            path(&dir.path().join("out")),
        ]);
        assert_eq!(result.status.code(), Some(1), "{lang}");
        assert_eq!(text(&result.stdout), "", "{lang}");
        assert_eq!(
            text(&result.stderr),
            format!(
                "error: {}:4:25: name `nope` does not exist\n",
                wit.display()
            ),
            "{lang}"
        );
        assert!(!dir.path().join("out").exists(), "{lang}");
    }
}

#[test]
fn bindgen_argument_errors_say_what_is_wrong() {
    let corpus = corpus_wit();
    let corpus = path(&corpus);
    let no_lang = kiln(&["bindgen", corpus, "--out", "x"]);
    assert_eq!(no_lang.status.code(), Some(1));
    let usage = String::from(
        "error: the following required arguments were not provided:\n  --lang <LANG>\n\n\
         Usage: kiln bindgen --lang LANG WIT_PATH [--world NAME] --out DIR\n\n\
         For more information, try '--help'.\n",
    );
    assert_eq!(text(&no_lang.stderr), usage);
    let no_out = kiln(&["bindgen", "--lang", "rust", corpus]);
    assert_eq!(no_out.status.code(), Some(1));
    assert!(
        text(&no_out.stderr).starts_with(
            "error: the following required arguments were not provided:\n  --out <DIR>\n"
        ),
        "{}",
        text(&no_out.stderr)
    );
    let bad_lang = kiln(&["bindgen", "--lang", "cobol", corpus, "--out", "x"]);
    assert_eq!(bad_lang.status.code(), Some(1));
    assert!(
        text(&bad_lang.stderr).starts_with(&format!(
            "error: invalid value 'cobol' for '--lang <LANG>'\n  [possible values: {}]\n",
            kiln_wit::LANGS.join(", ")
        )),
        "{}",
        text(&bad_lang.stderr)
    );
    let several = kiln(&["bindgen", "--lang", "rust", corpus, "--out", "x"]);
    assert_eq!(several.status.code(), Some(1));
    assert_eq!(
        text(&several.stderr),
        "error: package `kiln:corpus` has several worlds (lists, resources, scalars, traps, \
         variants): choose one with --world\n"
    );
    let no_world = kiln(&[
        "bindgen", "--lang", "rust", corpus, "--world", "nope", "--out", "x",
    ]);
    assert_eq!(no_world.status.code(), Some(1));
    assert_eq!(
        text(&no_world.stderr),
        "error: no world named `nope` in package `kiln:corpus` (its worlds: lists, resources, \
         scalars, traps, variants)\n"
    );
    let missing = kiln(&["bindgen", "--lang", "rust", "no/such/dir", "--out", "x"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        text(&missing.stderr),
        "error: no/such/dir: no such file or directory\n"
    );
    assert!(!Path::new("x").exists());
}
