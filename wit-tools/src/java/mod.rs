//! The Java back end: `<World>.java`, one class per world over the Kiln
//! package `dev.kiln` (its component API and typed path, `FlatCall` and
//! `FlatContext`), in the package `<namespace>.<package>.<world>`.
//!
//! The class nests the world's types: a record per WIT record, a sealed
//! interface of records per variant, an enum per enum, an enum per flags
//! type (values are `EnumSet`s), `Optional` for options, `dev.kiln.Result`
//! for results, generic `TupleN` records for tuples, an `AutoCloseable`
//! class per resource the guest implements and a record of the
//! representation per resource the host implements. Each imported interface
//! is a Java interface the host implements (`addToLinker` defines its
//! functions); each exported interface is an inner class of the world
//! object, whose methods call the guest, lowering and lifting every value
//! themselves through the canonical ABI instructions of
//! [`crate::abi::host_call`].

mod bindgen;
mod glue;
mod names;

use crate::analysis::WorldAnalysis;
use crate::backend::{Backend, Files};
/// How the Java glue spells WIT names: for tools that drive generated Java.
pub use names::{lower, shouty, upper};

/// The Java back end (`--lang java`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Java;

impl Backend for Java {
    fn lang(&self) -> &'static str {
        "java"
    }

    fn generate(&self, analysis: &WorldAnalysis) -> anyhow::Result<Files> {
        let names = names::JNames::new(analysis);
        let text = glue::world_class(&names);
        let mut files = Files::default();
        files.push(format!("{}.java", names.class), text);
        Ok(files)
    }
}
