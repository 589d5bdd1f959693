//! `Tunables`: the engine settings that shape compiled code, handed to the
//! compiler as plain data so that it never reads the public `Config`.

use wasmparser::WasmFeatures;

/// The settings every function of a module is compiled against, and that an
/// artifact must match to be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tunables {
    /// The wasm proposals the validator accepts.
    pub features: WasmFeatures,
    /// Compiled code counts fuel and traps when it runs out.
    pub consume_fuel: bool,
    /// Compiled code checks the engine's epoch against the store's deadline.
    pub epoch_interruption: bool,
    /// Every memory access is bounds-checked in code rather than by guard
    /// pages (under valgrind, which cannot deliver the signals guard pages
    /// raise).
    pub explicit_bounds_checks: bool,
}
