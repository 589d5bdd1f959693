//! The unsafe machinery: VM data structures, linear memory, tables, trap
//! handling and the builtins compiled code calls.

pub(crate) mod builtins;
pub(crate) mod memory;
pub(crate) mod memory_image;
pub(crate) mod parking;
pub(crate) mod pooling;
pub(crate) mod table;
pub(crate) mod traphandler;
pub(crate) mod valgrind;
pub(crate) mod vmcontext;
