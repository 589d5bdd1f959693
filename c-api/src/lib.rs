//! The standard WebAssembly C API (`wasm.h`) over Kiln's Rust API.
//!
//! Built as `libwasm.so` and `libwasm.a`; the header is `include/wasm.h`. One
//! file here per section of the header.
//!
//! # Safety contract of every entry point
//!
//! The functions here are `unsafe extern "C"`: their callers are C programs,
//! and their obligations are the ones `wasm.h` documents. Pointers are either
//! NULL (tolerated everywhere: the function returns NULL, false, or does
//! nothing) or point to live objects of the right type created by this
//! library; `own` arguments are not used by the caller afterwards; runtime
//! objects are not used after their store is deleted, and a store is used by
//! one thread at a time. That shared contract is why the individual
//! functions carry no `# Safety` section of their own.
//!
//! Every entry point catches panics at the boundary ([`guard`]) and returns
//! its failure value instead of unwinding into C.
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_camel_case_types, clippy::missing_safety_doc)]

use std::panic::{catch_unwind, AssertUnwindSafe};

#[macro_use]
mod vec;
#[macro_use]
pub mod reference;

pub mod byte_vec;
pub mod engine;
#[path = "extern.rs"]
pub mod externs;
pub mod func;
pub mod global;
pub mod instance;
pub mod kiln;
pub mod memory;
pub mod module;
pub mod store;
pub mod table;
pub mod trap;
pub mod types;
pub mod val;

pub use byte_vec::*;
pub use engine::*;
pub use externs::*;
pub use func::*;
pub use global::*;
pub use instance::*;
pub use memory::*;
pub use module::*;
pub use reference::*;
pub use store::*;
pub use table::*;
pub use trap::*;
pub use types::*;
pub use val::*;

/// Runs `f`, returning `fail` instead if it panics: no panic crosses into C.
pub(crate) fn guard<R>(fail: R, f: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fail)
}

/// Runs `f` for its effect, swallowing a panic.
pub(crate) fn guard_unit(f: impl FnOnce()) {
    guard((), f)
}
