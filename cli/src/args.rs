//! Command-line parsing (with clap's derive API) and the help texts.

use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    /// Print this text to stdout: a help text or the version.
    Print(String),
    Run(RunOptions),
    Wast(WastOptions),
    Validate(ValidateOptions),
    Compile(CompileOptions),
    Bindgen(BindgenOptions),
}

/// `kiln run [--dir HOST[::GUEST]] [--env KEY=VALUE] [--inherit-env]
/// [--invoke NAME] FILE [ARGS...]`: options only before FILE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct RunOptions {
    pub(crate) file: PathBuf,
    pub(crate) invoke: Option<String>,
    /// The function's arguments with `--invoke`, else the program's (after
    /// its name).
    pub(crate) args: Vec<String>,
    /// Directories granted to the guest, in order.
    pub(crate) dirs: Vec<Preopen>,
    /// `--env` variables, in order (a later one wins).
    pub(crate) env: Vec<(String, String)>,
    /// Whether the guest sees kiln's own environment (under `env`).
    pub(crate) inherit_env: bool,
    /// Whether compiled modules are kept between runs, and where.
    pub(crate) cache: Cache,
    /// Whether FILE may be a compiled artifact (native code).
    pub(crate) allow_precompiled: bool,
    /// Whether imports nothing defines are defined as functions that trap.
    pub(crate) trap_unknown_imports: bool,
    /// What the program may spend.
    pub(crate) budget: Budget,
}

/// `--fuel`, `--timeout`, `--max-memory`, `--max-wasm-stack`: bounds on
/// what the program may spend; none by default.
#[derive(Debug, Clone, PartialEq, Eq, Default, Args)]
pub(crate) struct Budget {
    /// Fuel units (about one per wasm instruction).
    #[arg(
        long,
        value_name = "N",
        allow_hyphen_values = true,
        overrides_with = "fuel",
        value_parser = |text: &str| parse_count("--fuel", text),
        help = "Stop the program with a trap once it has run about N\nwasm instructions"
    )]
    pub(crate) fuel: Option<u64>,
    /// Wall-clock time for the whole run.
    #[arg(
        long,
        value_name = "DURATION",
        allow_hyphen_values = true,
        overrides_with = "timeout",
        value_parser = parse_duration,
        help = "Stop the program with a trap after DURATION (500ms,\n10s, 1.5m, 2h) of wall-clock time"
    )]
    pub(crate) timeout: Option<std::time::Duration>,
    /// Bytes per linear memory.
    #[arg(
        long,
        value_name = "BYTES",
        allow_hyphen_values = true,
        overrides_with = "max_memory",
        value_parser = |text: &str| parse_bytes("--max-memory", text),
        help = "Let no linear memory grow past BYTES (64K, 16M, 1G):\nmemory.grow fails past it, as if memory ran out"
    )]
    pub(crate) max_memory: Option<usize>,
    /// Bytes of native stack wasm may use.
    #[arg(
        long,
        value_name = "BYTES",
        allow_hyphen_values = true,
        overrides_with = "max_wasm_stack",
        value_parser = |text: &str| parse_bytes("--max-wasm-stack", text),
        help = "Trap with \"call stack exhausted\" once wasm uses\nBYTES of native stack (default 512K)"
    )]
    pub(crate) max_wasm_stack: Option<usize>,
}

/// `--cache` / `--cache-config FILE`: where `kiln run` keeps compiled
/// modules between runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Cache {
    /// Compile every time.
    #[default]
    Off,
    /// The per-user cache directory.
    DefaultLocation,
    /// The cache a Wasmtime-style configuration file describes.
    ConfigFile(PathBuf),
}

/// `--dir HOST[::GUEST]`: the host directory `host` seen by the guest as
/// `guest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Preopen {
    pub(crate) host: PathBuf,
    pub(crate) guest: String,
}

/// `kiln wast FILE...`
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub(crate) struct WastOptions {
    #[arg(value_name = "FILE", required = true, hide = true)]
    pub(crate) files: Vec<PathBuf>,
}

/// `kiln compile FILE -o OUTPUT`
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub(crate) struct CompileOptions {
    #[arg(value_name = "FILE", hide = true)]
    pub(crate) file: PathBuf,
    #[arg(
        short,
        long,
        value_name = "OUTPUT",
        help = "Where to write the compiled module (required)"
    )]
    pub(crate) output: PathBuf,
}

/// `kiln validate FILE`
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub(crate) struct ValidateOptions {
    #[arg(value_name = "FILE", hide = true)]
    pub(crate) file: PathBuf,
}

/// `kiln bindgen --lang LANG WIT_PATH [--world NAME] --out DIR`
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub(crate) struct BindgenOptions {
    #[arg(
        long,
        value_name = "LANG",
        value_parser = clap::builder::PossibleValuesParser::new(kiln_wit::LANGS),
        help = "The language to generate host glue for (required)"
    )]
    pub(crate) lang: String,
    #[arg(value_name = "WIT_PATH", hide = true)]
    pub(crate) wit: PathBuf,
    #[arg(
        long,
        value_name = "NAME",
        value_parser = clap::builder::NonEmptyStringValueParser::new(),
        help = "The world to generate glue for (default: the package's\nonly world)"
    )]
    pub(crate) world: Option<String>,
    #[arg(
        long,
        value_name = "DIR",
        help = "The directory to write the files to, created if needed\n(required)"
    )]
    pub(crate) out: PathBuf,
    #[arg(
        long = "raise-errors",
        value_name = "FUNC",
        help = "Python only: FUNC (`iface#func`, `func` at the world's top\nlevel, or `*` for all) returns its result's ok value and\nraises an exception for an err (repeatable)"
    )]
    pub(crate) raise_errors: Vec<String>,
}

/// The layout of a command's help: what it does, how to call it, how its
/// arguments are read, its options, then its exit status and examples.
const COMMAND_HELP: &str =
    "{about-with-newline}\n{usage-heading} {usage}\n\n{before-help}{all-args}{after-help}";

const MAIN_AFTER_HELP: &str = "\
Exit status: 0 on success, 1 on an error, 134 when WebAssembly traps;
`kiln run` exits with a WASI program's own exit code.";

const RUN_DESCRIPTION: &str = "\
Options come before FILE: everything after it goes to the program as its
arguments, as it is (also arguments that start with `-`).

FILE is a binary module (.wasm) or a text module (.wat); with
--allow-precompiled, also a module compiled by `kiln compile`, which is
loaded without compiling again. The module may
import WASI (wasi_snapshot_preview1). Without --invoke, kiln runs it as a
WASI program: it calls the `_start` export with the arguments FILE ARGS...,
kiln's stdin, stdout and stderr, and only the directories given by --dir.

FILE may also be a component (binary or text): kiln calls the function
that --invoke 'NAME(ARGS)' names, with its arguments in WAVE (see below).
Components get no imports (WASI preview 2, and so `wasi:cli/run`, is not
supported yet), so one without --invoke is an error.";

const RUN_AFTER_HELP: &str = "\
With --invoke, ARGS are parsed by the function's parameter types: i32 and
i64 as decimal (`-5`) or hexadecimal (`0xff`); f32 and f64 as decimal
(`1.5`, `-2e3`), `nan` or `inf` (with an optional sign).

For a component, --invoke takes a call with its arguments in WAVE, the
WebAssembly Value Encoding, as `wasmtime run --invoke` does:
--invoke 'greet(\"Ada\", 36)'. Trailing option arguments may be left out.
NAME is a function the component exports, or one of an instance it
exports: `iface.f` for the function f of the instance `iface`, and
`ns:pkg/iface.f@1.0.0` for that of `ns:pkg/iface@1.0.0`. A NAME the
component does not export itself is looked for in its instances. Each
result is printed in WAVE on its own line (`resource<own R>` for a
resource handle, which kiln then drops).

Exit status: the program's exit code (`proc_exit(n)` exits n; `_start`
returning exits 0), 1 on an error, 134 when WebAssembly traps (the trap's
message and wasm backtrace are printed to stderr). WASI reserves statuses
from 126 up: `proc_exit` with one of them traps, as `unreachable` would.

Examples:
  kiln run --invoke fib examples/fib.wat 20
  kiln run --invoke 'greet(\"Ada\", 36)' examples/greet.wat
  kiln run --dir .::/ examples/ls.wasm /";

const WAST_DESCRIPTION: &str = "\
Runs each script with the default configuration and prints, for each file,
how many directives passed and failed, the failures, and a total.";

const BINDGEN_DESCRIPTION: &str = "\
WIT_PATH is a WIT package: a directory of .wit files (with its dependencies
under deps/), or one .wit file. kiln writes typed host glue for the world
into DIR: for rust, WORLD.rs over kiln::component; for c, WORLD.h and
WORLD.c over wasm.h and kiln.h; for java, World.java (package
NAMESPACE.PACKAGE.WORLD) over the Java package dev.kiln; for go,
WORLD.go (package WORLD) over the Go package's component API; for python,
WORLD.py over the Python package's kiln.component; for ts, WORLD.ts over
the Node package kiln-wasm's component API. Each written file's path is
printed.";

const VALIDATE_DESCRIPTION: &str = "\
FILE is a binary module (.wasm) or a text module (.wat). Prints
`FILE: valid`, or the reason it is not.";

const COMPILE_DESCRIPTION: &str = "\
FILE is a binary module (.wasm) or a text module (.wat). OUTPUT receives
its machine code, which `kiln run --allow-precompiled OUTPUT` loads without
compiling again. An artifact only loads on the same Kiln version, CPU
features and configuration; it holds native code, so run only artifacts you
made.";

/// The whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "kiln",
    version,
    about = "kiln: a WebAssembly runtime",
    after_help = MAIN_AFTER_HELP,
    subcommand_required = true,
    arg_required_else_help = false,
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Subcommands,
}

#[derive(Debug, Subcommand)]
enum Subcommands {
    /// Run a WebAssembly module or component
    #[command(
        display_name = "kiln",
        override_usage = "kiln run [OPTIONS] FILE [ARGS...]",
        help_template = COMMAND_HELP,
        before_help = RUN_DESCRIPTION,
        after_help = RUN_AFTER_HELP
    )]
    Run(RunArgs),
    /// Run WebAssembly script tests (.wast files)
    #[command(
        display_name = "kiln",
        override_usage = "kiln wast FILE...",
        help_template = COMMAND_HELP,
        before_help = WAST_DESCRIPTION,
        after_help = "Exit status: 0 when every directive passed, 1 otherwise."
    )]
    Wast(WastOptions),
    /// Check that a module is valid
    #[command(
        display_name = "kiln",
        override_usage = "kiln validate FILE",
        help_template = COMMAND_HELP,
        before_help = VALIDATE_DESCRIPTION,
        after_help = "Exit status: 0 when the module is valid, 1 otherwise."
    )]
    Validate(ValidateOptions),
    /// Compile a module ahead of time for `kiln run`
    #[command(
        display_name = "kiln",
        override_usage = "kiln compile FILE -o OUTPUT",
        help_template = COMMAND_HELP,
        before_help = COMPILE_DESCRIPTION,
        after_help = "Exit status: 0 when the module compiled, 1 otherwise."
    )]
    Compile(CompileOptions),
    /// Generate typed host glue for a WIT world
    #[command(
        display_name = "kiln",
        override_usage = "kiln bindgen --lang LANG WIT_PATH [--world NAME] --out DIR",
        help_template = COMMAND_HELP,
        before_help = BINDGEN_DESCRIPTION,
        after_help = "Exit status: 0 when the files were written, 1 otherwise (an error\nin the WIT is reported at its FILE:LINE:COLUMN)."
    )]
    Bindgen(BindgenOptions),
}

/// `kiln run`'s command line, which [`RunOptions`] gets from it.
#[derive(Debug, Args)]
struct RunArgs {
    #[arg(
        long,
        value_name = "HOST[::GUEST]",
        allow_hyphen_values = true,
        value_parser = parse_dir,
        help = "Let the program read and write the host directory\n\
                HOST under the name GUEST (default: HOST itself);\nmay be repeated"
    )]
    dir: Vec<Preopen>,
    #[arg(
        long,
        value_name = "KEY=VALUE",
        allow_hyphen_values = true,
        value_parser = parse_env,
        help = "Set an environment variable for the program; may be\nrepeated"
    )]
    env: Vec<(String, String)>,
    #[arg(
        long,
        overrides_with = "inherit_env",
        help = "Pass kiln's whole environment to the program (--env\noverrides single variables)"
    )]
    inherit_env: bool,
    #[arg(
        long,
        value_name = "NAME",
        allow_hyphen_values = true,
        value_parser = clap::builder::NonEmptyStringValueParser::new(),
        help = "Call the exported function NAME with ARGS and print\n\
                each result on its own line; for a component,\n\
                NAME(ARGS) in WAVE"
    )]
    invoke: Option<String>,
    #[arg(
        long,
        overrides_with = "allow_precompiled",
        help = "Let FILE be a module `kiln compile` made: its native\n\
                code runs as it is, so only give files you trust"
    )]
    allow_precompiled: bool,
    #[arg(
        long,
        overrides_with = "trap_unknown_imports",
        help = "Define every function FILE imports that kiln does not\n\
                provide as one that traps when called, so that what\n\
                does not call it can run"
    )]
    trap_unknown_imports: bool,
    #[command(flatten)]
    budget: Budget,
    #[arg(
        long,
        overrides_with = "cache",
        help = "Keep the compiled module in the per-user cache\n\
                ($KILN_CACHE_DIR, else $XDG_CACHE_HOME/kiln, else\n\
                ~/.cache/kiln), so the next run skips compiling it"
    )]
    cache: bool,
    #[arg(
        long,
        value_name = "FILE",
        allow_hyphen_values = true,
        overrides_with = "cache_config",
        help = "Use the cache that FILE describes (Wasmtime's format:\n\
                a [cache] table with `directory`)"
    )]
    cache_config: Option<PathBuf>,
    /// FILE, then the program's arguments: everything from FILE on, as it
    /// is (as Wasmtime's CLI takes them).
    #[arg(
        value_name = "FILE",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        hide = true
    )]
    file_and_args: Vec<String>,
}

impl From<RunArgs> for RunOptions {
    fn from(run: RunArgs) -> RunOptions {
        let mut file_and_args = run.file_and_args.into_iter();
        let file = file_and_args.next().map(PathBuf::from).unwrap_or_default();
        let cache = match (run.cache_config, run.cache) {
            (Some(file), _) => Cache::ConfigFile(file),
            (None, true) => Cache::DefaultLocation,
            (None, false) => Cache::Off,
        };
        RunOptions {
            file,
            invoke: run.invoke,
            args: file_and_args.collect(),
            dirs: run.dir,
            env: run.env,
            inherit_env: run.inherit_env,
            cache,
            allow_precompiled: run.allow_precompiled,
            trap_unknown_imports: run.trap_unknown_imports,
            budget: run.budget,
        }
    }
}

/// Parses the arguments after the program name. An error is the message to
/// print after `error: `.
pub(crate) fn parse(args: &[String]) -> Result<Command, String> {
    let cli =
        match Cli::try_parse_from(std::iter::once("kiln").chain(args.iter().map(String::as_str))) {
            Ok(cli) => cli,
            Err(error) => return print_or_fail(&error),
        };
    Ok(match cli.command {
        Subcommands::Run(run) => Command::Run(run.into()),
        Subcommands::Wast(options) => Command::Wast(options),
        Subcommands::Validate(options) => Command::Validate(options),
        Subcommands::Compile(options) => Command::Compile(options),
        Subcommands::Bindgen(options) => Command::Bindgen(options),
    })
}

/// What clap's "error" asks for: a help text or the version to print, or a
/// message. A value one of our parsers rejected is described by its own
/// message, which names the option and the value.
fn print_or_fail(error: &clap::Error) -> Result<Command, String> {
    // `Display` of the rendered text leaves out the colours.
    let text = error.render().to_string();
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            Ok(Command::Print(text.trim_end().to_string()))
        }
        ErrorKind::ValueValidation => match std::error::Error::source(error) {
            Some(source) if !source.to_string().is_empty() => Err(source.to_string()),
            _ => Err(strip_error_prefix(&text)),
        },
        _ => Err(strip_error_prefix(&text)),
    }
}

fn strip_error_prefix(text: &str) -> String {
    let text = text.trim_end();
    text.strip_prefix("error: ").unwrap_or(text).to_string()
}

/// `HOST[::GUEST]`
fn parse_dir(text: &str) -> Result<Preopen, String> {
    let (host, guest) = text.split_once("::").unwrap_or((text, text));
    if host.is_empty() || guest.is_empty() {
        return Err(format!("`--dir {text}`: expected HOST or HOST::GUEST"));
    }
    Ok(Preopen {
        host: PathBuf::from(host),
        guest: guest.to_string(),
    })
}

/// A whole number for `option`: decimal, `_` allowed between digits.
fn parse_count(option: &str, text: &str) -> Result<u64, String> {
    let digits = text.replace('_', "");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || text.starts_with('_') {
        return Err(format!("`{option} {text}`: expected a whole number"));
    }
    digits
        .parse()
        .map_err(|_| format!("`{option} {text}`: the number is too large"))
}

/// A size in bytes for `option`: a number with an optional `K`, `M` or `G`
/// suffix (powers of 1024).
fn parse_bytes(option: &str, text: &str) -> Result<usize, String> {
    let (number, scale) = match text.strip_suffix(['K', 'k']) {
        Some(n) => (n, 1u64 << 10),
        None => match text.strip_suffix(['M', 'm']) {
            Some(n) => (n, 1 << 20),
            None => match text.strip_suffix(['G', 'g']) {
                Some(n) => (n, 1 << 30),
                None => (text, 1),
            },
        },
    };
    let bytes = parse_count(option, number)
        .map_err(|_| {
            format!("`{option} {text}`: expected a size in bytes, such as 65536, 64K, 16M or 1G")
        })?
        .checked_mul(scale)
        .and_then(|b| usize::try_from(b).ok())
        .ok_or_else(|| format!("`{option} {text}`: the size is too large"))?;
    Ok(bytes)
}

/// A duration: a number with a unit, `ms`, `s`, `m` or `h` (`1.5s`, `500ms`).
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("`--timeout {text}`: expected a duration such as 500ms, 10s, 1.5m or 2h");
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let seconds_per_unit = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(bad()),
    };
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return Err(bad());
    }
    let number: f64 = number.parse().map_err(|_| bad())?;
    std::time::Duration::try_from_secs_f64(number * seconds_per_unit).map_err(|_| bad())
}

/// `KEY=VALUE`
fn parse_env(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => Err(format!("`--env {text}`: expected KEY=VALUE")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &str) -> Result<Command, String> {
        let args: Vec<String> = args.split_whitespace().map(String::from).collect();
        parse(&args)
    }

    /// The error `args` give, without clap's tip and usage hint that follow
    /// it after a blank line.
    fn error(args: &str) -> String {
        let message = parse_str(args).unwrap_err();
        match message.split_once("\n\n") {
            Some((first, _)) => first.to_string(),
            None => message,
        }
    }

    /// The text `args` ask kiln to print.
    fn printed(args: &str) -> String {
        match parse_str(args) {
            Ok(Command::Print(text)) => text,
            other => panic!("`{args}` parsed as {other:?}"),
        }
    }

    fn run(file: &str, invoke: Option<&str>, args: &[&str]) -> Command {
        Command::Run(RunOptions {
            file: PathBuf::from(file),
            invoke: invoke.map(String::from),
            args: args.iter().map(|s| s.to_string()).collect(),
            ..RunOptions::default()
        })
    }

    fn run_options(args: &str) -> RunOptions {
        match parse_str(args) {
            Ok(Command::Run(options)) => options,
            other => panic!("`{args}` parsed as {other:?}"),
        }
    }

    #[test]
    fn top_level() {
        let main = printed("--help");
        assert!(
            main.starts_with("kiln: a WebAssembly runtime\n\nUsage: kiln <COMMAND>\n"),
            "{main}"
        );
        assert_eq!(printed("-h"), main);
        assert_eq!(printed("help"), main);
        assert_eq!(printed("help run"), printed("run --help"));
        let version = format!("kiln {}", env!("CARGO_PKG_VERSION"));
        assert_eq!(printed("--version"), version);
        assert_eq!(printed("-V"), version);
        assert_eq!(
            error(""),
            "'kiln' requires a subcommand but one was not provided\n  \
             [subcommands: run, wast, validate, compile, bindgen, help]"
        );
        assert_eq!(error("frob"), "unrecognized subcommand 'frob'");
        assert_eq!(error("--frob"), "unexpected argument '--frob' found");
        assert_eq!(error("help frob"), "unrecognized subcommand 'frob'");
    }

    #[test]
    fn every_command_has_help_and_version() {
        let version = format!("kiln {}", env!("CARGO_PKG_VERSION"));
        for command in ["run", "wast", "validate", "compile"] {
            let help = printed(&format!("{command} --help"));
            assert_eq!(printed(&format!("{command} -h")), help);
            assert!(
                help.contains(&format!("\n\nUsage: kiln {command} ")),
                "{help}"
            );
            assert!(help.contains("\n  -h, --help "), "{help}");
            assert!(help.contains("\nExit status: "), "{help}");
            assert_eq!(printed(&format!("{command} --version")), version);
            assert_eq!(printed(&format!("{command} -V")), version);
        }
    }

    #[test]
    fn errors_end_with_the_usage() {
        assert_eq!(
            parse_str("run -x f.wat").unwrap_err(),
            "unexpected argument '-x' found\n\n  \
             tip: to pass '-x' as a value, use '-- -x'\n\n\
             Usage: kiln run [OPTIONS] FILE [ARGS...]\n\n\
             For more information, try '--help'."
        );
    }

    #[test]
    fn run_without_invoke() {
        assert_eq!(parse_str("run a.wasm"), Ok(run("a.wasm", None, &[])));
        assert_eq!(
            parse_str("run a.wasm 1 two"),
            Ok(run("a.wasm", None, &["1", "two"]))
        );
        assert_eq!(
            parse_str("run a.wasm -- -l --dir"),
            Ok(run("a.wasm", None, &["--", "-l", "--dir"]))
        );
        assert_eq!(
            error("run"),
            "the following required arguments were not provided:\n  <FILE>..."
        );
    }

    #[test]
    fn everything_after_the_file_goes_to_the_program_verbatim() {
        assert_eq!(
            parse_str("run a.wasm -l --dir x --env A=1 --invoke f -h --help -V --fuel"),
            Ok(run(
                "a.wasm",
                None,
                &[
                    "-l", "--dir", "x", "--env", "A=1", "--invoke", "f", "-h", "--help", "-V",
                    "--fuel"
                ]
            ))
        );
        let options = run_options("run --env A=1 --dir . a.wasm --env B=2");
        assert_eq!(options.env, [("A".to_string(), "1".to_string())]);
        assert_eq!(options.args, ["--env", "B=2"]);
    }

    #[test]
    fn run_allow_precompiled() {
        assert!(!run_options("run a.cwasm").allow_precompiled);
        assert!(run_options("run --allow-precompiled a.cwasm").allow_precompiled);
        assert_eq!(
            run_options("run a.cwasm --allow-precompiled").args,
            ["--allow-precompiled"]
        );
    }

    #[test]
    fn run_trap_unknown_imports() {
        assert!(!run_options("run a.wasm").trap_unknown_imports);
        assert!(run_options("run --trap-unknown-imports a.wasm").trap_unknown_imports);
        assert_eq!(
            run_options("run a.wasm --trap-unknown-imports").args,
            ["--trap-unknown-imports"]
        );
    }

    #[test]
    fn run_budget() {
        let options = run_options(
            "run --fuel 1_000_000 --timeout 1.5s --max-memory 16M --max-wasm-stack=256K a.wasm",
        );
        assert_eq!(
            options.budget,
            Budget {
                fuel: Some(1_000_000),
                timeout: Some(std::time::Duration::from_millis(1500)),
                max_memory: Some(16 << 20),
                max_wasm_stack: Some(256 << 10),
            }
        );
        assert_eq!(run_options("run a.wasm").budget, Budget::default());
        assert_eq!(
            run_options("run --timeout 250ms --max-memory 65536 a.wasm").budget,
            Budget {
                timeout: Some(std::time::Duration::from_millis(250)),
                max_memory: Some(65536),
                ..Budget::default()
            }
        );
        assert_eq!(
            run_options("run --timeout 2m a.wasm").budget.timeout,
            Some(std::time::Duration::from_secs(120))
        );
        // A later value wins.
        assert_eq!(
            run_options("run --fuel 1 --fuel 2 a.wasm").budget.fuel,
            Some(2)
        );
        let error = |args: &str| parse_str(args).unwrap_err();
        assert_eq!(
            error("run --fuel -1 a.wasm"),
            "`--fuel -1`: expected a whole number"
        );
        assert_eq!(
            error("run --fuel 99999999999999999999 a.wasm"),
            "`--fuel 99999999999999999999`: the number is too large"
        );
        for bad in ["10", "s", "1.s", "1x", "-1s", ".5s"] {
            assert_eq!(
                error(&format!("run --timeout {bad} a.wasm")),
                format!("`--timeout {bad}`: expected a duration such as 500ms, 10s, 1.5m or 2h")
            );
        }
        assert_eq!(
            error("run --max-memory 1T a.wasm"),
            "`--max-memory 1T`: expected a size in bytes, such as 65536, 64K, 16M or 1G"
        );
        assert_eq!(
            error("run --max-wasm-stack=1P a.wasm"),
            "`--max-wasm-stack 1P`: expected a size in bytes, such as 65536, 64K, 16M or 1G"
        );
        assert_eq!(
            self::error("run --max-wasm-stack"),
            "a value is required for '--max-wasm-stack <BYTES>' but none was supplied"
        );
    }

    #[test]
    fn run_cache() {
        assert_eq!(run_options("run a.wasm").cache, Cache::Off);
        assert_eq!(
            run_options("run --cache a.wasm").cache,
            Cache::DefaultLocation
        );
        assert_eq!(
            run_options("run --cache-config c.toml --cache a.wasm").cache,
            Cache::ConfigFile(PathBuf::from("c.toml"))
        );
        assert_eq!(
            run_options("run --cache-config=c.toml a.wasm").cache,
            Cache::ConfigFile(PathBuf::from("c.toml"))
        );
        assert_eq!(
            run_options("run --cache-config a.toml --cache-config b.toml a.wasm").cache,
            Cache::ConfigFile(PathBuf::from("b.toml"))
        );
        assert_eq!(run_options("run a.wasm --cache").args, ["--cache"]);
        assert_eq!(
            error("run --cache-config"),
            "a value is required for '--cache-config <FILE>' but none was supplied"
        );
    }

    #[test]
    fn run_dirs() {
        let options = run_options("run --dir . --dir /tmp::/t --dir=a::b ls.wasm /");
        let dirs: Vec<(&str, &str)> = options
            .dirs
            .iter()
            .map(|d| (d.host.to_str().unwrap(), d.guest.as_str()))
            .collect();
        assert_eq!(dirs, [(".", "."), ("/tmp", "/t"), ("a", "b")]);
        assert_eq!(options.file, PathBuf::from("ls.wasm"));
        assert_eq!(options.args, ["/"]);
        assert_eq!(run_options("run --dir .::/ a.wasm").dirs[0].guest, "/");
        assert_eq!(
            error("run --dir"),
            "a value is required for '--dir <HOST[::GUEST]>' but none was supplied"
        );
        assert_eq!(
            error("run --dir ::g a.wasm"),
            "`--dir ::g`: expected HOST or HOST::GUEST"
        );
        assert_eq!(
            error("run --dir h:: a.wasm"),
            "`--dir h::`: expected HOST or HOST::GUEST"
        );
    }

    #[test]
    fn run_env() {
        let options = run_options("run --env A=1 --env=B= --env C=x=y --inherit-env a.wasm");
        let env: Vec<(&str, &str)> = options
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(env, [("A", "1"), ("B", ""), ("C", "x=y")]);
        assert!(options.inherit_env);
        assert!(!run_options("run a.wasm").inherit_env);
        assert!(run_options("run --inherit-env --inherit-env a.wasm").inherit_env);
        let args = [
            "run",
            "--env",
            "A= two words\nand lines=",
            "--env=B=-x",
            "a.wasm",
        ];
        match parse(&args.map(String::from)) {
            Ok(Command::Run(options)) => assert_eq!(
                options.env,
                [
                    ("A".to_string(), " two words\nand lines=".to_string()),
                    ("B".to_string(), "-x".to_string())
                ]
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(error("run --env A a.wasm"), "`--env A`: expected KEY=VALUE");
        assert_eq!(
            error("run --env =1 a.wasm"),
            "`--env =1`: expected KEY=VALUE"
        );
        assert_eq!(
            error("run --env"),
            "a value is required for '--env <KEY=VALUE>' but none was supplied"
        );
        assert_eq!(
            error("run --inherit-env=1 a.wasm"),
            "unexpected value '1' for '--inherit-env' found; no more were expected"
        );
    }

    #[test]
    fn run_with_invoke_before_the_file() {
        let expected = run("f.wat", Some("fib"), &["20"]);
        assert_eq!(parse_str("run --invoke fib f.wat 20"), Ok(expected.clone()));
        assert_eq!(parse_str("run --invoke=fib f.wat 20"), Ok(expected));
        let no_name = "a value is required for '--invoke <NAME>' but none was supplied";
        assert_eq!(error("run --invoke"), no_name);
        assert_eq!(error("run --invoke= f.wat"), no_name);
        assert_eq!(
            error("run --invoke a --invoke b f.wat"),
            "the argument '--invoke <NAME>' cannot be used multiple times"
        );
    }

    #[test]
    fn run_negative_numbers_are_arguments() {
        assert_eq!(
            parse_str("run --invoke add f.wat -5 -0.5 -inf -nan -0x10"),
            Ok(run(
                "f.wat",
                Some("add"),
                &["-5", "-0.5", "-inf", "-nan", "-0x10"]
            ))
        );
        assert_eq!(error("run -x f.wat"), "unexpected argument '-x' found");
        assert_eq!(
            error("run --frob f.wat"),
            "unexpected argument '--frob' found"
        );
    }

    #[test]
    fn run_double_dash_ends_options() {
        assert_eq!(
            parse_str("run --invoke f -- a.wat --help"),
            Ok(run("a.wat", Some("f"), &["--help"]))
        );
        assert_eq!(
            parse_str("run -- -x.wasm -y"),
            Ok(run("-x.wasm", None, &["-y"]))
        );
    }

    #[test]
    fn command_help() {
        let run_help = printed("run --help");
        assert!(run_help.starts_with("Run a WebAssembly module or component\n\n"));
        assert_eq!(printed("run -h f.wat"), run_help);
        assert_eq!(printed("run --env A=1 --help"), run_help);
        assert!(printed("wast --help").starts_with("Run WebAssembly script tests"));
        assert!(printed("validate --help").starts_with("Check that a module is valid"));
    }

    #[test]
    fn wast_files() {
        assert_eq!(
            parse_str("wast a.wast b.wast"),
            Ok(Command::Wast(WastOptions {
                files: vec![PathBuf::from("a.wast"), PathBuf::from("b.wast")]
            }))
        );
        assert_eq!(
            error("wast"),
            "the following required arguments were not provided:\n  <FILE>..."
        );
        assert_eq!(
            error("wast --frob a.wast"),
            "unexpected argument '--frob' found"
        );
    }

    #[test]
    fn compile_needs_a_file_and_an_output() {
        let expected = Ok(Command::Compile(CompileOptions {
            file: PathBuf::from("a.wat"),
            output: PathBuf::from("a.kwasm"),
        }));
        assert_eq!(parse_str("compile a.wat -o a.kwasm"), expected);
        assert_eq!(parse_str("compile --output=a.kwasm a.wat"), expected);
        assert_eq!(
            error("compile a.wat"),
            "the following required arguments were not provided:\n  --output <OUTPUT>"
        );
        assert_eq!(
            error("compile -o a.kwasm"),
            "the following required arguments were not provided:\n  <FILE>"
        );
        assert!(printed("compile --help").starts_with("Compile a module ahead of time"));
    }

    #[test]
    fn validate_one_file() {
        assert_eq!(
            parse_str("validate a.wasm"),
            Ok(Command::Validate(ValidateOptions {
                file: PathBuf::from("a.wasm")
            }))
        );
        assert_eq!(
            error("validate"),
            "the following required arguments were not provided:\n  <FILE>"
        );
        assert_eq!(error("validate a b"), "unexpected argument 'b' found");
    }

    #[test]
    fn help_texts_name_the_exit_codes() {
        assert!(printed("--help").contains("134"));
        let run_help = printed("run --help");
        assert!(run_help.contains("134"));
        assert!(run_help.contains("\n      --dir <HOST[::GUEST]>     Let the program"));
        assert!(run_help.contains("\n      --env <KEY=VALUE>         Set an environment"));
        assert!(run_help.contains("\n      --inherit-env             Pass kiln's whole"));
        assert!(run_help.contains("\n  kiln run --dir .::/ examples/ls.wasm /"));
        assert!(run_help.contains("\n  kiln run --invoke 'greet(\"Ada\", 36)' examples/greet.wat"));
        assert!(run_help.contains("\n      --trap-unknown-imports    Define every function"));
    }
}
