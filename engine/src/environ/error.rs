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

/// A host error carried inside an [`Error`], to be taken back out unchanged.
type Payload = Box<dyn std::error::Error + Send + Sync + 'static>;

struct ErrorInner {
    kind: ErrorKind,
    message: String,
    trap: Option<Trap>,
    exit_code: Option<i32>,
    payload: Option<Payload>,
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
            payload: None,
        }))
    }

    /// Wraps a host function's own error so that it comes back, as the same
    /// value, out of the call into wasm it ends: [`Error::downcast_ref`] and
    /// [`Error::downcast`] find it there. The message is the error's display
    /// text; the kind is [`ErrorKind::Host`], and becomes
    /// [`ErrorKind::Trap`] (with [`TrapCode::HostError`](crate::TrapCode::HostError))
    /// once the error has unwound through wasm.
    ///
    /// ```
    /// use kiln::{Engine, ErrorKind, Func, Store, Val};
    ///
    /// #[derive(Debug, PartialEq)]
    /// struct Quota(u32);
    /// impl std::fmt::Display for Quota {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         write!(f, "quota of {} exceeded", self.0)
    ///     }
    /// }
    /// impl std::error::Error for Quota {}
    ///
    /// let mut store = Store::new(&Engine::default(), ());
    /// let f = Func::wrap(&mut store, || -> kiln::Result<()> { Err(kiln::Error::host(Quota(7))) });
    /// let err = f.call(&mut store, &[], &mut []).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Host);
    /// assert_eq!(err.to_string(), "quota of 7 exceeded");
    /// assert_eq!(err.downcast_ref::<Quota>(), Some(&Quota(7)));
    /// assert_eq!(err.downcast::<Quota>().unwrap(), Quota(7));
    /// ```
    pub fn host<E: std::error::Error + Send + Sync + 'static>(error: E) -> Error {
        let mut err = Error::new(ErrorKind::Host, error.to_string());
        err.0.payload = Some(Box::new(error));
        err
    }

    /// The host error this error carries (see [`Error::host`]) if it is an
    /// `E`, or the trap if `E` is [`Trap`].
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        if let Some(found) = self
            .0
            .payload
            .as_deref()
            .and_then(|p| p.downcast_ref::<E>())
        {
            return Some(found);
        }
        (self.0.trap.as_ref()? as &dyn std::any::Any).downcast_ref::<E>()
    }

    /// Whether this error carries an `E` (see [`Error::downcast_ref`]).
    pub fn is<E: std::error::Error + 'static>(&self) -> bool {
        self.downcast_ref::<E>().is_some()
    }

    /// Takes out the host error this error carries if it is an `E` (see
    /// [`Error::host`]), or the trap if `E` is [`Trap`]; otherwise gives the
    /// error back unchanged.
    pub fn downcast<E: std::error::Error + 'static>(mut self) -> Result<E, Error> {
        if self.0.payload.as_deref().is_some_and(|p| p.is::<E>()) {
            let payload = self.0.payload.take().expect("checked above");
            return Ok(*payload.downcast::<E>().expect("checked above"));
        }
        if self
            .0
            .trap
            .as_ref()
            .is_some_and(|t| (t as &dyn std::any::Any).is::<E>())
        {
            let trap: Box<dyn std::any::Any> = Box::new(self.0.trap.take().expect("checked above"));
            return Ok(*trap.downcast::<E>().expect("checked above"));
        }
        Err(self)
    }

    /// This error as a trap with `trap`'s code and backtrace, keeping the
    /// host error it carries: what a host function's failure becomes once
    /// it has unwound through wasm.
    pub(crate) fn into_trap_with_payload(self, trap: Trap) -> Error {
        let mut err = Error::from(trap);
        err.0.payload = self.0.payload;
        err
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
            payload: None,
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

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.payload {
            Some(payload) => Some(&**payload),
            None => None,
        }
    }
}

/// The result type of Kiln operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
