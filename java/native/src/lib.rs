//! The JNI library behind the Java package `dev.kiln`.
//!
//! One module per Java class: each implements that class's `native`
//! methods, converting Java values and handles to the `kiln` API and back.
//! No engine logic lives here. Errors become Java exceptions in one place
//! ([`errors::throw`]), and every entry point runs through
//! [`errors::run`], so a Rust panic becomes a `KilnException` instead of
//! unwinding into the JVM.
//!
//! Handles: an `Engine`, `Module`, `Linker` or `Store` is a `Box` whose
//! address the Java object keeps in a `long`; the Java side guarantees a
//! handle is live and, for a store, used by one thread at a time (see
//! `Store.java`). Functions, memories, tables, globals and instances belong
//! to a store and are numbered in its item table ([`store::StoreBox`]).

mod caller;
mod classes;
mod component;
mod engine;
mod errors;
mod func;
mod global;
mod handles;
mod host_func;
mod instance;
mod linker;
mod memory;
mod module;
mod native;
mod store;
mod table;
mod typed_func;
mod types;
mod values;
mod wasi;

use jni::sys::{jint, JNI_ERR, JNI_VERSION_1_8};
use jni::JavaVM;
use std::ffi::c_void;

/// Looks up the classes and methods the library calls, once, when the JVM
/// loads it.
///
/// # Safety
/// Called by the JVM with a valid `JavaVM`.
#[no_mangle]
pub unsafe extern "system" fn JNI_OnLoad(vm: *mut jni::sys::JavaVM, _: *mut c_void) -> jint {
    // SAFETY: the JVM passes its own, valid `JavaVM` pointer.
    let Ok(vm) = (unsafe { JavaVM::from_raw(vm) }) else {
        return JNI_ERR;
    };
    let Ok(mut env) = vm.get_env() else {
        return JNI_ERR;
    };
    match classes::init(&mut env).and_then(|()| component::classes::init(&mut env)) {
        Ok(()) => JNI_VERSION_1_8,
        Err(_) => JNI_ERR,
    }
}
