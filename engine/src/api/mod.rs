//! The public embedding API.

pub(crate) mod cache;
pub(crate) mod engine;
pub(crate) mod externals;
pub(crate) mod externref;
pub(crate) mod func;
pub(crate) mod instance;
pub(crate) mod linker;
pub(crate) mod module;
pub(crate) mod pooling;
pub(crate) mod raw;
pub(crate) mod store;
pub(crate) mod typed;
pub(crate) mod values;
