//! The component model's classes of `dev.kiln`: `Component`,
//! `ComponentLinker`, `ComponentInstance`, `ComponentFunc`,
//! `ComponentResource` and `ComponentResourceType`, and the two halves of
//! the typed path that generated glue uses, `FlatCall` (an export called in
//! steps) and `FlatContext` (what a flat host function sees).
//!
//! Components live in the same stores as modules (`kiln::Store<StoreData>`),
//! so their native methods enter the store the way the core classes' do
//! ([`crate::store::enter`]). Values of the dynamic path cross JNI encoded
//! in one byte array ([`values`]), not object by object.

pub(crate) mod classes;
#[allow(clippy::module_inception)]
mod component;
mod flat_call;
mod flat_context;
mod func;
mod instance;
mod linker;
mod resource;
mod values;

use crate::errors::Failure;
use crate::store::{StoreBox, StoreData};
use jni::JNIEnv;

/// Turns a failure inside a callback from the engine into the engine's
/// error: a pending Java exception travels as its payload.
pub(crate) fn to_kiln(env: &mut JNIEnv<'_>, failure: Failure) -> kiln::Error {
    match failure {
        Failure::Kiln(e) => e,
        Failure::Jni(jni::errors::Error::JavaException) => crate::errors::take_exception(env)
            .unwrap_or_else(|| kiln::Error::msg("a JNI call failed in a host function")),
        Failure::Jni(e) => kiln::Error::msg(format!("JNI: {e}")),
        Failure::State(m) | Failure::Argument(m) | Failure::Bounds(m) => kiln::Error::msg(m),
    }
}

/// The `JNIEnv` of the native method that entered the store whose data is
/// `data`: callbacks from the engine call Java through it.
pub(crate) fn callback_env<'a>(data: &StoreData) -> kiln::Result<(&'a StoreBox, JNIEnv<'a>)> {
    let sb: *const StoreBox = data.store_box();
    // SAFETY: the box outlives every call into its store's wasm.
    let sb = unsafe { &*sb };
    let (env, _) = sb.java();
    // SAFETY: `env` is the `JNIEnv` of the native method that entered wasm,
    // on this thread, which is still running below this callback.
    let env = unsafe { JNIEnv::from_raw(env) }
        .map_err(|_| kiln::Error::msg("a host function ran outside a Java call"))?;
    Ok((sb, env))
}

/// The error of a Java callback that returned with an exception pending.
pub(crate) fn pending(env: &mut JNIEnv<'_>) -> kiln::Result<()> {
    match crate::errors::take_exception(env) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
