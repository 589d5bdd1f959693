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

use jni::JNIEnv;

/// The error of a Java callback that returned with an exception pending.
pub(crate) fn pending(env: &mut JNIEnv<'_>) -> kiln::Result<()> {
    match crate::errors::take_exception(env) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
