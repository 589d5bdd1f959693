//! The `kiln` command: run, test and validate WebAssembly modules.
//!
//! ```text
//! kiln run --invoke fib examples/fib.wat 20     # prints 6765
//! kiln run --invoke 'greet("Ada", 36)' examples/greet.wat  # a component
//! kiln run --dir .::/ examples/ls.wasm /        # a WASI program
//! kiln wast tests.wast
//! kiln validate module.wasm
//! kiln bindgen --lang rust wit/ --world my-world --out src/bindings
//! ```
//!
//! Every error is one line on stderr starting with `error: ` (a mistake in
//! the command line is followed by clap's usage hint). The exit status
//! is 0 on success, 1 on an error and 134 when WebAssembly traps; a WASI
//! program's exit code (`proc_exit`) becomes kiln's.

// Unsafe is denied everywhere but the one place that loads `kiln compile` artifacts.
#![deny(unsafe_code)]

mod args;
mod bindgen;
mod compile;
mod component_value;
mod input;
mod run;
mod run_component;
mod validate;
mod value;
mod wast;

use args::Command;
use std::process::ExitCode;

/// The exit status of any error.
const EXIT_ERROR: u8 = 1;
/// The exit status when WebAssembly traps (as a process killed by `SIGABRT`
/// reports it).
const EXIT_TRAP: u8 = 134;
/// How many frames of a trap's backtrace to print (a stack overflow has
/// thousands).
const BACKTRACE_FRAMES: usize = 30;

/// Why a command failed.
pub(crate) enum Failure {
    /// A one-line message.
    Error(String),
    /// WebAssembly trapped.
    Trap(kiln::Trap),
    /// The WASI program exited with this code (`proc_exit`).
    Exit(i32),
}

impl Failure {
    /// A trap stays a trap; any other error becomes `context: message`.
    pub(crate) fn from_kiln(err: kiln::Error, context: &str) -> Failure {
        match err.trap() {
            Some(trap) => Failure::Trap(trap.clone()),
            None => Failure::Error(format!("{context}: {}", err.message())),
        }
    }

    /// Adds `hint` to the end of an error's message; a trap or an exit
    /// stays as it is.
    pub(crate) fn with_hint(self, hint: &str) -> Failure {
        match self {
            Failure::Error(message) => Failure::Error(message + hint),
            other => other,
        }
    }

    /// Prints the failure to stderr and gives the exit status.
    fn report(self) -> ExitCode {
        match self {
            Failure::Error(message) => {
                eprintln!("error: {message}");
                ExitCode::from(EXIT_ERROR)
            }
            Failure::Trap(trap) => {
                eprintln!("error: wasm trap: {}", trap.message());
                let backtrace = trap.backtrace();
                if !backtrace.is_empty() {
                    eprintln!("wasm backtrace:");
                    for (i, frame) in backtrace.iter().take(BACKTRACE_FRAMES).enumerate() {
                        eprintln!("  {i}: {frame}");
                    }
                    if backtrace.len() > BACKTRACE_FRAMES {
                        let more = backtrace.len() - BACKTRACE_FRAMES;
                        eprintln!("  ... and {more} more frame(s)");
                    }
                }
                ExitCode::from(EXIT_TRAP)
            }
            // As on Unix, only the low 8 bits of the code reach the parent.
            Failure::Exit(code) => ExitCode::from(code as u8),
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Error(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Failure {
        Failure::Error(message.to_string())
    }
}

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so a write to a closed pipe fails and
    // `println!` panics. Like `cat`, kiln (and the program it runs, whose
    // output is kiln's) ends quietly, killed by the signal, when whatever
    // reads its output goes away.
    // SAFETY: restoring a signal's default action runs before any thread
    // starts and installs no handler code.
    #[allow(unsafe_code)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }

    // A panic is a bug in kiln; say so on one line rather than with Rust's
    // panic report.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error{location}: {message} (this is a bug in kiln)");
    }));

    let args: Result<Vec<String>, String> = std::env::args_os()
        .skip(1)
        .map(|arg| {
            arg.into_string()
                .map_err(|arg| format!("argument {arg:?} is not valid UTF-8"))
        })
        .collect();
    let command = match args.and_then(|args| args::parse(&args)) {
        Ok(command) => command,
        Err(message) => return Failure::Error(message).report(),
    };
    let result = match command {
        Command::Print(text) => {
            println!("{text}");
            Ok(())
        }
        Command::Run(options) => run::command(&options),
        Command::Wast(options) => wast::command(&options),
        Command::Validate(options) => validate::command(&options),
        Command::Compile(options) => compile::command(&options),
        Command::Bindgen(options) => bindgen::command(&options),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
