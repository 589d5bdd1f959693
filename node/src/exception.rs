//! A JavaScript exception carried through wasm as a host function's error
//! (see `kiln::Error::host`), so the call that entered wasm throws the very
//! value the host function threw.

use crate::js::{Env, Held, JsResult, Thrown, Value};

/// The exception a JS host function threw, held by a strong reference until
/// the call that entered wasm throws it again (or the error is dropped).
pub(crate) struct JsException {
    env: Env,
    held: Held,
}

// SAFETY: a `JsException` is made by a host function on the JS thread and
// taken back by the call into wasm that the host function's error ends, on
// the same thread; the addon never moves a `kiln::Error` of a call to another
// thread, so the reference is only ever used (and deleted) on the JS thread.
unsafe impl Send for JsException {}
// SAFETY: as above; no `&JsException` is shared across threads either.
unsafe impl Sync for JsException {}

impl JsException {
    /// Holds `exception` for the trip through wasm.
    pub fn hold(env: Env, exception: Value) -> JsResult<JsException> {
        Ok(JsException {
            env,
            held: env.hold(exception)?,
        })
    }

    /// Throws the held exception itself.
    pub fn throw(self, env: Env) -> Thrown {
        match env.held_value(&self.held) {
            Ok(exception) => env.throw(exception),
            Err(thrown) => thrown,
        }
    }
}

impl Drop for JsException {
    fn drop(&mut self) {
        self.env.delete_reference(self.held.reference);
    }
}

impl std::fmt::Display for JsException {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JavaScript exception was thrown")
    }
}

impl std::fmt::Debug for JsException {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsException")
    }
}

impl std::error::Error for JsException {}

/// The error a host function returns for the exception `env` has pending:
/// the exception itself, carried through wasm.
pub(crate) fn take_as_error(env: Env) -> kiln::Error {
    match env.take_exception() {
        Some(exception) => match JsException::hold(env, exception) {
            Ok(held) => kiln::Error::host(held),
            Err(_) => {
                // Holding failed with an exception of its own: clear it, as
                // the host function's error is being returned instead.
                let _ = env.take_exception();
                kiln::Error::msg("a JavaScript exception was thrown and could not be kept")
            }
        },
        None => kiln::Error::msg("a JavaScript exception was thrown"),
    }
}
