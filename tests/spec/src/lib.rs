//! Runs WebAssembly script tests (`.wast` files) against Kiln.
//!
//! The spec testsuite is written as `.wast` scripts: modules to instantiate,
//! functions to invoke, and assertions about what happens. [`WastRunner`]
//! executes one script with a [`kiln::Config`] and returns a [`FileReport`]
//! with one pass or one failure per directive. The standard `spectest` host
//! module is available to every script.
//!
//! ```
//! use kiln_wast::WastRunner;
//!
//! let mut runner = WastRunner::new(kiln::Config::new());
//! let report = runner.run_script(
//!     "add.wast",
//!     r#"
//!     (module (func (export "add") (param i32 i32) (result i32)
//!       local.get 0 local.get 1 i32.add))
//!     (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
//!     "#,
//! );
//! assert_eq!(report.failures, Vec::<String>::new());
//! assert_eq!((report.passed, report.failed), (2, 0));
//! ```
//!
//! This crate also holds the spec testsuite harness (`cargo test -p kiln-spec`),
//! which runs every file of the WebAssembly 1.0 testsuite and checks the
//! results against `known-failures.txt`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod component;
mod nan;
mod report;
mod runner;
mod spectest;
mod values;

pub use report::FileReport;
pub use runner::WastRunner;
