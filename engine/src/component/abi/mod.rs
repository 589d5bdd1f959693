//! The canonical ABI: how component values become core values and bytes in
//! linear memory (lowering), and back (lifting).

pub(crate) mod layout;
pub(crate) mod lift;
pub(crate) mod lower;
pub(crate) mod strings;

use layout::FlatType;

/// At most this many flat parameters pass as core parameters; more pass
/// through memory.
pub(crate) const MAX_FLAT_PARAMS: usize = 16;
/// At most this many flat results return as core results; more return
/// through memory.
pub(crate) const MAX_FLAT_RESULTS: usize = 1;

/// How a component's memory holds strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StringEncoding {
    Utf8,
    Utf16,
    /// Latin-1, or UTF-16 with the top bit of the length set.
    CompactUtf16,
}

/// The canonical options of a `lift` or `lower`, bound to one instance's
/// core items.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub memory: Option<crate::Memory>,
    /// `realloc`, typed once so that each allocation is a direct call.
    pub realloc: Option<crate::TypedFunc<(u32, u32, u32, u32), u32>>,
    pub post_return: Option<crate::Func>,
    pub encoding: StringEncoding,
}

/// A core value as raw bits (zero-extended), whatever its type: the form in
/// which the canonical ABI's coercions between a variant's cases are free.
pub(crate) fn from_core(v: &crate::Val) -> u64 {
    match *v {
        crate::Val::I32(v) => v as u32 as u64,
        crate::Val::I64(v) => v as u64,
        crate::Val::F32(v) => v as u64,
        crate::Val::F64(v) => v,
        _ => 0,
    }
}

/// The core value of type `ty` with raw bits `bits`.
pub(crate) fn to_core(bits: u64, ty: FlatType) -> crate::Val {
    match ty {
        FlatType::I32 => crate::Val::I32(bits as u32 as i32),
        FlatType::I64 => crate::Val::I64(bits as i64),
        FlatType::F32 => crate::Val::F32(bits as u32),
        FlatType::F64 => crate::Val::F64(bits),
    }
}
