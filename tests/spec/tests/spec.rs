//! The spec testsuite: one test per `.wast` file of WebAssembly 1.0 (with
//! 1.0 features only), 2.0 and the SIMD proposal (with the default
//! configuration), of the memory64 proposal together with the 3.0 files
//! about memories and tables (with memory64 and multi-memory on), and of
//! the custom-page-sizes and threads proposals (with their features on).
//!
//! Every file must pass, unless `known-failures.txt` lists it with a reason;
//! then it must fail, so that the list can only shrink. The run ends with the
//! line `spec: N passed, M failed`, counting files, and exits with 1 on any
//! unexpected result.
//!
//! - `KILN_SPEC_FILTER=substr` (or a first argument that is not a flag) runs
//!   only the files whose name (`v1/address.wast`) contains `substr`.
//! - A report of the 3.0 suite and every other proposal follows, file by
//!   file; it never fails the run. `KILN_SPEC_REPORT=0` skips it.

mod suite;

fn main() -> std::process::ExitCode {
    suite::main(suite::Allocation::OnDemand)
}
