//! Errors of the WIT front end, located at `file:line:col` in the WIT source.

use std::fmt;
use wit_parser::{ParseError, Resolve, ResolveError, Span};

/// An error in the WIT input (or in reading it), with the place it was found
/// at when there is one.
///
/// Its display is one or more lines, the first starting with
/// `file:line:col: ` when the error points into a WIT file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitError {
    location: Option<String>,
    message: String,
}

impl WitError {
    /// An error with no place in a source file (a missing file, a world
    /// that does not exist, ...).
    pub fn new(message: impl Into<String>) -> WitError {
        WitError {
            location: None,
            message: message.into(),
        }
    }

    /// Where the error is, as `file:line:col` (1-based), if it points into a
    /// WIT file.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// What is wrong, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Turns an error of `Resolve::push_path` into one located in the source
    /// it came from: the first parse or resolve error in the chain gives the
    /// message and the span, which `resolve` maps to a file, line and column.
    pub(crate) fn from_resolve(resolve: &Resolve, err: &anyhow::Error) -> WitError {
        for layer in err.chain() {
            if let Some(e) = layer.downcast_ref::<ParseError>() {
                return WitError::at(resolve, e.kind().span(), e.kind().to_string());
            }
            if let Some(e) = layer.downcast_ref::<ResolveError>() {
                return WitError::at(resolve, e.kind().span(), e.kind().to_string());
            }
        }
        // No located error: the outermost context and the root cause say the
        // most (e.g. "failed to read path for WIT [x]: No such file").
        let root = err.root_cause().to_string();
        let outer = err.to_string();
        if outer == root {
            WitError::new(root)
        } else {
            WitError::new(format!("{outer}: {root}"))
        }
    }

    fn at(resolve: &Resolve, span: Span, message: String) -> WitError {
        let location = span.is_known().then(|| resolve.render_location(span));
        WitError { location, message }
    }
}

impl fmt::Display for WitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{location}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for WitError {}
