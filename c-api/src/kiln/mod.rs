//! Kiln's extensions to the standard C API, declared in `include/kiln.h`.
//!
//! `kiln.h` is generated from these files by cbindgen (the test
//! `kiln_header` checks it is current; `KILN_BLESS=1 cargo test -p
//! kiln-c-api kiln_header` rewrites it), so the doc comments here are
//! the header's documentation. Every function follows `wasm.h`'s rules:
//! NULL is tolerated, `own` results belong to the caller, and a function
//! that can fail returns an owned `kiln_error_t*` (NULL on success).

pub mod caller;
pub mod component;
pub mod component_val;
pub mod config;
pub mod error;
pub mod func;
pub mod instance;
pub mod linker;
pub mod memory;
pub mod module;
pub mod pooling;
pub mod store;
pub mod table;
pub mod trap;
pub mod wasi;
