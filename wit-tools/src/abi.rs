//! The canonical ABI from the host's side, driven by `wit-bindgen-core`.
//!
//! A back end that lowers and lifts values itself (flat core values plus the
//! guest's linear memory) implements [`Bindgen`] and lets [`host_call`] feed
//! it the instructions of one function: the same instruction stream for
//! every language, so the languages agree on layouts, discriminants,
//! ownership and where each value travels.

use crate::analysis::{Func, WorldAnalysis};
pub use wit_bindgen_core::abi::{Bindgen, Bitcast, Instruction, LiftLower};
pub use wit_parser::abi::{AbiVariant, WasmSignature, WasmType};
use wit_parser::{Resolve, Type, TypeDefKind};

/// Which side of the call the host's glue is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostSide {
    /// The host calls a function the guest exports: the glue lowers the
    /// arguments into flat values and guest memory (allocating with the
    /// guest's `realloc`), calls, and lifts the results.
    CallExport,
    /// The guest calls a function the host implements: the glue lifts the
    /// arguments from flat values and guest memory, calls the host's
    /// implementation, and lowers its results (into memory the guest's
    /// `realloc` gives when they do not fit in flat values).
    ImplementImport,
}

impl HostSide {
    /// The side of `func`'s call the host is on.
    pub fn of(func: &Func) -> HostSide {
        match func.variant {
            AbiVariant::GuestImport => HostSide::ImplementImport,
            _ => HostSide::CallExport,
        }
    }
}

/// Feeds `bindgen` the instructions of the host's half of a call of `func`
/// (see [`HostSide`]). The instruction stream starts with the arguments
/// (`GetArg`), has exactly one `CallWasm` (calling an export) or
/// `CallInterface` (calling the host's implementation), and ends with
/// `Return`.
pub fn host_call(analysis: &WorldAnalysis, func: &Func, bindgen: &mut impl Bindgen) {
    let lift_lower = match HostSide::of(func) {
        HostSide::CallExport => LiftLower::LowerArgsLiftResults,
        HostSide::ImplementImport => LiftLower::LiftArgsLowerResults,
    };
    wit_bindgen_core::abi::call(
        analysis.resolve(),
        func.variant,
        lift_lower,
        &func.func,
        bindgen,
        false,
    );
}

/// Whether a list of `element` has the same layout in guest memory as an
/// array of the host's native type for it (a little-endian host): the
/// integer and float types, whose every bit pattern is a valid value, so
/// such a list is copied in one piece, with no per-element work.
pub fn is_canonical_element(resolve: &Resolve, element: &Type) -> bool {
    match element {
        Type::U8
        | Type::S8
        | Type::U16
        | Type::S16
        | Type::U32
        | Type::S32
        | Type::U64
        | Type::S64
        | Type::F32
        | Type::F64 => true,
        Type::Id(id) => match &resolve.types[*id].kind {
            TypeDefKind::Type(t) => is_canonical_element(resolve, t),
            _ => false,
        },
        _ => false,
    }
}

/// The flat core types of a value of `ty`, or `None` when there are more
/// than `max` (the value then travels through memory).
pub fn flat_types(resolve: &Resolve, ty: &Type, max: usize) -> Option<Vec<WasmType>> {
    wit_bindgen_core::abi::flat_types(resolve, ty, Some(max))
}
