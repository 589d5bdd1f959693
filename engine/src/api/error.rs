//! The one error type of the engine.

use super::trap::Trap;
use std::fmt;

/// What kind of failure an [`Error`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The bytes are not a valid module (malformed or invalid).
    Validation,
    /// The module is valid but the engine could not compile it.
    Compile,
    /// Imports do not match what the module requires.
    Link,
    /// Instantiation failed for a reason other than a trap (e.g. a resource limit).
    Instantiation,
    /// WebAssembly stopped at runtime; [`Error::trap`] has the details.
    Trap,
    /// A resource limit was exceeded.
    ResourceLimit,
    /// A wrong argument was passed to an API call (type or count mismatch, wrong store).
    Usage,
    /// A host function failed.
    Host,
    /// The program asked to exit (WASI `proc_exit`); [`Error::i32_exit`] has the code.
    Exit,
}

struct ErrorInner {
    kind: ErrorKind,
    message: String,
    trap: Option<Trap>,
    exit_code: Option<i32>,
}

/// An error from any Kiln operation: a kind plus a message, one pointer wide.
///
/// ```
/// use kiln::{Engine, Module, ErrorKind};
/// let engine = Engine::default();
/// let err = Module::new(&engine, b"\0asm\x02\0\0\0").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Validation);
/// assert!(err.to_string().contains("unknown binary version"));
/// ```
pub struct Error(Box<ErrorInner>);

impl Error {
    /// Creates an error of a given kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(ErrorInner {
            kind,
            message: message.into(),
            trap: None,
            exit_code: None,
        }))
    }

    /// The program exited with `code` (WASI `proc_exit`): not a trap, but it
    /// ends the call that was running.
    ///
    /// ```
    /// let err = kiln::Error::exit(3);
    /// assert_eq!(err.i32_exit(), Some(3));
    /// assert_eq!(err.to_string(), "exited with code 3");
    /// ```
    pub fn exit(code: i32) -> Error {
        let mut err = Error::new(ErrorKind::Exit, format!("exited with code {code}"));
        err.0.exit_code = Some(code);
        err
    }

    /// The exit code, when this error is a program's exit.
    pub fn i32_exit(&self) -> Option<i32> {
        self.0.exit_code
    }

    /// An error raised by host code (a host function's failure).
    pub fn msg(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Host, message)
    }

    pub(crate) fn validation(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Validation, message)
    }

    pub(crate) fn link(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Link, message)
    }

    pub(crate) fn usage(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Usage, message)
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The message, without the kind.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The trap, when this error is one.
    pub fn trap(&self) -> Option<&Trap> {
        self.0.trap.as_ref()
    }

    /// Takes the trap out of this error, when it is one.
    pub fn into_trap(self) -> Option<Trap> {
        self.0.trap
    }
}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Error {
        Error(Box::new(ErrorInner {
            kind: ErrorKind::Trap,
            message: trap.to_string(),
            trap: Some(trap),
            exit_code: None,
        }))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.trap {
            Some(trap) => write!(f, "{trap:?}"),
            None => write!(f, "{:?}: {}", self.0.kind, self.0.message),
        }
    }
}

impl std::error::Error for Error {}

/// The result type of Kiln operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
