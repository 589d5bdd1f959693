//! Command-line parsing and the help texts.

use std::path::PathBuf;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    /// Print the help of a command (or the top-level help).
    Help(Topic),
    /// Print the version.
    Version,
    Run(RunOptions),
    Wast(WastOptions),
    Validate(ValidateOptions),
    Compile(CompileOptions),
}

/// Which help text to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Topic {
    Main,
    Run,
    Wast,
    Validate,
    Compile,
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
    /// What the program may spend.
    pub(crate) budget: Budget,
}

/// `--fuel`, `--timeout`, `--max-memory`, `--max-wasm-stack`: bounds on
/// what the program may spend; none by default.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Budget {
    /// Fuel units (about one per wasm instruction).
    pub(crate) fuel: Option<u64>,
    /// Wall-clock time for the whole run.
    pub(crate) timeout: Option<std::time::Duration>,
    /// Bytes per linear memory.
    pub(crate) max_memory: Option<usize>,
    /// Bytes of native stack wasm may use.
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WastOptions {
    pub(crate) files: Vec<PathBuf>,
}

/// `kiln compile FILE -o OUTPUT`
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompileOptions {
    pub(crate) file: PathBuf,
    pub(crate) output: PathBuf,
}

/// `kiln validate FILE`
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValidateOptions {
    pub(crate) file: PathBuf,
}

pub(crate) const MAIN_HELP: &str = "\
kiln: a WebAssembly runtime

Usage: kiln <COMMAND> [OPTIONS]

Commands:
  run       Run a WebAssembly module
  wast      Run WebAssembly script tests (.wast files)
  validate  Check that a module is valid
  compile   Compile a module ahead of time for `kiln run`
  help      Print the help of a command

Options:
  -h, --help     Print help (`kiln <COMMAND> --help` for a command's)
  -V, --version  Print the version

Exit status: 0 on success, 1 on an error, 134 when WebAssembly traps;
`kiln run` exits with a WASI program's own exit code.";

pub(crate) const RUN_HELP: &str = "\
Run a WebAssembly module

Usage: kiln run [OPTIONS] FILE [ARGS...]

Options come before FILE: everything after it goes to the program as its
arguments, as it is (also arguments that start with `-`).

FILE is a binary module (.wasm) or a text module (.wat); with
--allow-precompiled, also a module compiled by `kiln compile`, which is
loaded without compiling again. The module may
import WASI (wasi_snapshot_preview1). Without --invoke, kiln runs it as a
WASI program: it calls the `_start` export with the arguments FILE ARGS...,
kiln's stdin, stdout and stderr, and only the directories given by --dir.

Options:
  --dir HOST[::GUEST]  Let the program read and write the host directory
                       HOST under the name GUEST (default: HOST itself);
                       may be repeated
  --env KEY=VALUE      Set an environment variable for the program; may be
                       repeated
  --inherit-env        Pass kiln's whole environment to the program (--env
                       overrides single variables)
  --invoke NAME        Call the exported function NAME with ARGS and print
                       each result on its own line
  --allow-precompiled  Let FILE be a module `kiln compile` made: its native
                       code runs as it is, so only give files you trust
  --fuel N             Stop the program with a trap once it has run about N
                       wasm instructions
  --timeout DURATION   Stop the program with a trap after DURATION (500ms,
                       10s, 1.5m, 2h) of wall-clock time
  --max-memory BYTES   Let no linear memory grow past BYTES (64K, 16M, 1G):
                       memory.grow fails past it, as if memory ran out
  --max-wasm-stack BYTES
                       Trap with \"call stack exhausted\" once wasm uses
                       BYTES of native stack (default 512K)
  --cache              Keep the compiled module in the per-user cache
                       ($KILN_CACHE_DIR, else $XDG_CACHE_HOME/kiln, else
                       ~/.cache/kiln), so the next run skips compiling it
  --cache-config FILE  Use the cache that FILE describes (Wasmtime's format:
                       a [cache] table with `directory`)
  -h, --help           Print help
  --                   End the options (for a FILE that starts with `-`)

With --invoke, ARGS are parsed by the function's parameter types: i32 and
i64 as decimal (`-5`) or hexadecimal (`0xff`); f32 and f64 as decimal
(`1.5`, `-2e3`), `nan` or `inf` (with an optional sign).

Exit status: the program's exit code (`proc_exit(n)` exits n; `_start`
returning exits 0), 1 on an error, 134 when WebAssembly traps (the trap's
message and wasm backtrace are printed to stderr). WASI reserves statuses
from 126 up: `proc_exit` with one of them traps, as `unreachable` would.

Examples:
  kiln run --invoke fib examples/fib.wat 20
  kiln run --dir .::/ examples/ls.wasm /";

pub(crate) const WAST_HELP: &str = "\
Run WebAssembly script tests (.wast files)

Usage: kiln wast FILE...

Runs each script with the default configuration and prints, for each file,
how many directives passed and failed, the failures, and a total.

Options:
  -h, --help  Print help

Exit status: 0 when every directive passed, 1 otherwise.";

pub(crate) const VALIDATE_HELP: &str = "\
Check that a module is valid

Usage: kiln validate FILE

FILE is a binary module (.wasm) or a text module (.wat). Prints
`FILE: valid`, or the reason it is not.

Options:
  -h, --help  Print help

Exit status: 0 when the module is valid, 1 otherwise.";

pub(crate) const COMPILE_HELP: &str = "\
Compile a module ahead of time

Usage: kiln compile FILE -o OUTPUT

FILE is a binary module (.wasm) or a text module (.wat). OUTPUT receives
its machine code, which `kiln run --allow-precompiled OUTPUT` loads without
compiling again. An artifact only loads on the same Kiln version, CPU
features and configuration; it holds native code, so run only artifacts you
made.

Options:
  -o, --output OUTPUT  Where to write the compiled module (required)
  -h, --help           Print help

Exit status: 0 when the module compiled, 1 otherwise.";

impl Topic {
    pub(crate) fn text(self) -> &'static str {
        match self {
            Topic::Main => MAIN_HELP,
            Topic::Run => RUN_HELP,
            Topic::Wast => WAST_HELP,
            Topic::Validate => VALIDATE_HELP,
            Topic::Compile => COMPILE_HELP,
        }
    }
}

/// Parses the arguments after the program name.
pub(crate) fn parse(args: &[String]) -> Result<Command, String> {
    let Some((first, rest)) = args.split_first() else {
        return Err("no command given; try `kiln --help`".to_string());
    };
    match first.as_str() {
        "-h" | "--help" => Ok(Command::Help(Topic::Main)),
        "-V" | "--version" => Ok(Command::Version),
        "help" => match rest {
            [] => Ok(Command::Help(Topic::Main)),
            [command] => Ok(Command::Help(topic(command)?)),
            _ => Err("`kiln help` takes at most one command".to_string()),
        },
        "run" => parse_run(rest),
        "wast" => parse_wast(rest),
        "validate" => parse_validate(rest),
        "compile" => parse_compile(rest),
        other if other.starts_with('-') => {
            Err(format!("unknown option `{other}`; try `kiln --help`"))
        }
        other => Err(format!("unknown command `{other}`; try `kiln --help`")),
    }
}

fn topic(command: &str) -> Result<Topic, String> {
    match command {
        "run" => Ok(Topic::Run),
        "wast" => Ok(Topic::Wast),
        "validate" => Ok(Topic::Validate),
        "compile" => Ok(Topic::Compile),
        "help" => Ok(Topic::Main),
        other => Err(format!("unknown command `{other}`; try `kiln --help`")),
    }
}

/// Where a command's options may appear.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Options {
    /// Among the positionals.
    Anywhere,
    /// Only before the first positional: everything from it on is
    /// positional, as the program `kiln run` runs gets it verbatim.
    BeforeFirstPositional,
}

/// Splits a command's arguments into positionals, handling `--help`, `--`
/// and, through `option`, the command's own options. `option` gets each
/// option and the remaining arguments, and returns false for an unknown one.
fn positionals<'a>(
    command: &str,
    args: &'a [String],
    placement: Options,
    mut option: impl FnMut(&'a str, &mut std::slice::Iter<'a, String>) -> Result<bool, String>,
) -> Result<Option<Vec<&'a str>>, String> {
    let mut positionals = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let arg = arg.as_str();
        if arg == "--" {
            positionals.extend(iter.map(String::as_str));
            break;
        }
        if !is_option(arg) {
            positionals.push(arg);
            if placement == Options::BeforeFirstPositional {
                positionals.extend(iter.map(String::as_str));
                break;
            }
            continue;
        }
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        if !option(arg, &mut iter)? {
            return Err(format!(
                "unknown option `{arg}`; try `kiln {command} --help`"
            ));
        }
    }
    Ok(Some(positionals))
}

/// Whether an argument is an option rather than a value: it starts with `-`,
/// and is not a negative number such as `-5`, `-0.5`, `-inf` or `-nan`.
fn is_option(arg: &str) -> bool {
    let Some(rest) = arg.strip_prefix('-') else {
        return false;
    };
    let numeric = rest.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        || ["inf", "infinity", "nan"]
            .iter()
            .any(|word| rest.eq_ignore_ascii_case(word));
    !rest.is_empty() && !numeric
}

fn parse_run(args: &[String]) -> Result<Command, String> {
    let mut options = RunOptions::default();
    let positionals = positionals("run", args, Options::BeforeFirstPositional, |arg, rest| {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value)),
            _ => (arg, None),
        };
        let mut value = |what: &str| match inline {
            Some(value) => Ok(value),
            None => rest
                .next()
                .map(String::as_str)
                .ok_or_else(|| format!("`{name}` needs {what}")),
        };
        match name {
            "--invoke" => {
                let function = value("a function name")?;
                if function.is_empty() {
                    return Err("`--invoke` needs a function name".to_string());
                }
                if options.invoke.replace(function.to_string()).is_some() {
                    return Err("`--invoke` is given twice".to_string());
                }
            }
            "--dir" => options.dirs.push(parse_dir(value("HOST[::GUEST]")?)?),
            "--env" => options.env.push(parse_env(value("KEY=VALUE")?)?),
            "--inherit-env" if inline.is_none() => options.inherit_env = true,
            "--cache" if inline.is_none() => {
                if options.cache == Cache::Off {
                    options.cache = Cache::DefaultLocation;
                }
            }
            "--allow-precompiled" if inline.is_none() => options.allow_precompiled = true,
            "--fuel" => options.budget.fuel = Some(parse_count(name, value("a number")?)?),
            "--timeout" => options.budget.timeout = Some(parse_duration(value("a duration")?)?),
            "--max-memory" => {
                options.budget.max_memory = Some(parse_bytes(name, value("a size in bytes")?)?);
            }
            "--max-wasm-stack" => {
                options.budget.max_wasm_stack = Some(parse_bytes(name, value("a size in bytes")?)?);
            }
            "--cache-config" => {
                options.cache = Cache::ConfigFile(PathBuf::from(value("a file")?));
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let Some(positionals) = positionals else {
        return Ok(Command::Help(Topic::Run));
    };
    let Some((file, args)) = positionals.split_first() else {
        return Err("missing FILE; try `kiln run --help`".to_string());
    };
    options.file = PathBuf::from(file);
    options.args = args.iter().map(|s| s.to_string()).collect();
    Ok(Command::Run(options))
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

fn parse_wast(args: &[String]) -> Result<Command, String> {
    let Some(files) = positionals("wast", args, Options::Anywhere, |_, _| Ok(false))? else {
        return Ok(Command::Help(Topic::Wast));
    };
    if files.is_empty() {
        return Err("missing FILE; try `kiln wast --help`".to_string());
    }
    Ok(Command::Wast(WastOptions {
        files: files.into_iter().map(PathBuf::from).collect(),
    }))
}

fn parse_compile(args: &[String]) -> Result<Command, String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Ok(Command::Help(Topic::Compile));
    }
    let mut output = None;
    let mut files = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "-o" | "--output" => {
                let value = rest
                    .next()
                    .ok_or_else(|| format!("`{arg}` needs a value: the output file"))?;
                output = Some(PathBuf::from(value));
            }
            a if a.starts_with("--output=") => {
                output = Some(PathBuf::from(&a["--output=".len()..]))
            }
            a if a.starts_with('-') && a != "-" => {
                return Err(format!("unknown option `{a}`; try `kiln compile --help`"))
            }
            a => files.push(PathBuf::from(a)),
        }
    }
    let output = output.ok_or("missing `-o OUTPUT`; try `kiln compile --help`")?;
    match files.as_slice() {
        [file] => Ok(Command::Compile(CompileOptions {
            file: file.clone(),
            output,
        })),
        [] => Err("missing FILE; try `kiln compile --help`".to_string()),
        [_, extra, ..] => Err(format!(
            "unexpected argument `{}`: `kiln compile` takes one FILE",
            extra.display()
        )),
    }
}

fn parse_validate(args: &[String]) -> Result<Command, String> {
    let Some(files) = positionals("validate", args, Options::Anywhere, |_, _| Ok(false))? else {
        return Ok(Command::Help(Topic::Validate));
    };
    match files.as_slice() {
        [file] => Ok(Command::Validate(ValidateOptions {
            file: PathBuf::from(file),
        })),
        [] => Err("missing FILE; try `kiln validate --help`".to_string()),
        [_, extra, ..] => Err(format!(
            "unexpected argument `{extra}`: `kiln validate` takes one FILE"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &str) -> Result<Command, String> {
        let args: Vec<String> = args.split_whitespace().map(String::from).collect();
        parse(&args)
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
        assert_eq!(parse_str("--help"), Ok(Command::Help(Topic::Main)));
        assert_eq!(parse_str("-h"), Ok(Command::Help(Topic::Main)));
        assert_eq!(parse_str("help"), Ok(Command::Help(Topic::Main)));
        assert_eq!(parse_str("help run"), Ok(Command::Help(Topic::Run)));
        assert_eq!(parse_str("--version"), Ok(Command::Version));
        assert_eq!(parse_str("-V"), Ok(Command::Version));
        assert!(parse_str("").unwrap_err().contains("no command"));
        assert!(parse_str("frob")
            .unwrap_err()
            .contains("unknown command `frob`"));
        assert!(parse_str("--frob")
            .unwrap_err()
            .contains("unknown option `--frob`"));
        assert!(parse_str("help frob").is_err());
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
        assert!(parse_str("run").unwrap_err().contains("missing FILE"));
    }

    #[test]
    fn everything_after_the_file_goes_to_the_program_verbatim() {
        assert_eq!(
            parse_str("run a.wasm -l --dir x --env A=1 --invoke f -h --help"),
            Ok(run(
                "a.wasm",
                None,
                &["-l", "--dir", "x", "--env", "A=1", "--invoke", "f", "-h", "--help"]
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
        assert!(error("run --max-wasm-stack").contains("`--max-wasm-stack` needs a size in bytes"));
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
        assert_eq!(run_options("run a.wasm --cache").args, ["--cache"]);
        assert!(parse_str("run --cache-config")
            .unwrap_err()
            .contains("`--cache-config` needs a file"));
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
        assert!(parse_str("run --dir")
            .unwrap_err()
            .contains("`--dir` needs HOST[::GUEST]"));
        assert!(parse_str("run --dir ::g a.wasm")
            .unwrap_err()
            .contains("expected HOST"));
        assert!(parse_str("run --dir h:: a.wasm")
            .unwrap_err()
            .contains("expected HOST"));
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
        assert!(parse_str("run --env A a.wasm")
            .unwrap_err()
            .contains("expected KEY=VALUE"));
        assert!(parse_str("run --env =1 a.wasm")
            .unwrap_err()
            .contains("expected KEY=VALUE"));
        assert!(parse_str("run --env")
            .unwrap_err()
            .contains("`--env` needs KEY=VALUE"));
        assert!(parse_str("run --inherit-env=1 a.wasm")
            .unwrap_err()
            .contains("unknown option"));
    }

    #[test]
    fn run_with_invoke_before_the_file() {
        let expected = run("f.wat", Some("fib"), &["20"]);
        assert_eq!(parse_str("run --invoke fib f.wat 20"), Ok(expected.clone()));
        assert_eq!(parse_str("run --invoke=fib f.wat 20"), Ok(expected));
        assert!(parse_str("run --invoke")
            .unwrap_err()
            .contains("needs a function name"));
        assert!(parse_str("run --invoke= f.wat")
            .unwrap_err()
            .contains("needs a function name"));
        assert!(parse_str("run --invoke a --invoke b f.wat")
            .unwrap_err()
            .contains("twice"));
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
        assert!(parse_str("run -x f.wat")
            .unwrap_err()
            .contains("unknown option `-x`"));
    }

    #[test]
    fn run_double_dash_ends_options() {
        assert_eq!(
            parse_str("run --invoke f -- a.wat --help"),
            Ok(run("a.wat", Some("f"), &["--help"]))
        );
    }

    #[test]
    fn command_help() {
        assert_eq!(parse_str("run --help"), Ok(Command::Help(Topic::Run)));
        assert_eq!(parse_str("run -h f.wat"), Ok(Command::Help(Topic::Run)));
        assert_eq!(parse_str("wast --help"), Ok(Command::Help(Topic::Wast)));
        assert_eq!(
            parse_str("validate --help"),
            Ok(Command::Help(Topic::Validate))
        );
    }

    #[test]
    fn wast_files() {
        assert_eq!(
            parse_str("wast a.wast b.wast"),
            Ok(Command::Wast(WastOptions {
                files: vec![PathBuf::from("a.wast"), PathBuf::from("b.wast")]
            }))
        );
        assert!(parse_str("wast").unwrap_err().contains("missing FILE"));
        assert!(parse_str("wast --frob a.wast").is_err());
    }

    #[test]
    fn compile_needs_a_file_and_an_output() {
        assert_eq!(
            parse_str("compile a.wat -o a.kwasm"),
            Ok(Command::Compile(CompileOptions {
                file: PathBuf::from("a.wat"),
                output: PathBuf::from("a.kwasm"),
            }))
        );
        assert_eq!(
            parse_str("compile a.wat"),
            Err("missing `-o OUTPUT`; try `kiln compile --help`".to_string())
        );
        assert_eq!(
            parse_str("compile --help"),
            Ok(Command::Help(Topic::Compile))
        );
    }

    #[test]
    fn validate_one_file() {
        assert_eq!(
            parse_str("validate a.wasm"),
            Ok(Command::Validate(ValidateOptions {
                file: PathBuf::from("a.wasm")
            }))
        );
        assert!(parse_str("validate").unwrap_err().contains("missing FILE"));
        assert!(parse_str("validate a b")
            .unwrap_err()
            .contains("unexpected argument `b`"));
    }

    #[test]
    fn help_texts_name_the_exit_codes() {
        assert!(MAIN_HELP.contains("134"));
        assert!(RUN_HELP.contains("134"));
        assert!(RUN_HELP.contains("--dir HOST[::GUEST]"));
        assert!(RUN_HELP.contains("--env KEY=VALUE"));
        assert!(RUN_HELP.contains("--inherit-env"));
    }
}
