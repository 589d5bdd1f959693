//! Sizes, alignments and flattenings of component value types, as the
//! canonical ABI defines them (`alignment`, `elem_size`, `flatten_type`).

use crate::component::types::Type;

/// A core value type in a flattened signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum FlatType {
    I32,
    I64,
    F32,
    F64,
}

impl FlatType {
    pub(crate) fn core(self) -> crate::ValType {
        match self {
            FlatType::I32 => crate::ValType::I32,
            FlatType::I64 => crate::ValType::I64,
            FlatType::F32 => crate::ValType::F32,
            FlatType::F64 => crate::ValType::F64,
        }
    }

    /// The narrowest type that can carry both: how a variant's cases share
    /// its flat payload slots.
    fn join(self, other: FlatType) -> FlatType {
        use FlatType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (I32, F32) | (F32, I32) => I32,
            _ => I64,
        }
    }
}

/// The layout of a compound type, computed once when the type is made.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Layout {
    pub size: u32,
    pub align: u32,
    pub flat: Box<[FlatType]>,
    /// Where a variant's payload starts (0 for records).
    pub payload_offset: u32,
    /// Where each field of a record (or element of a tuple) starts, in
    /// order; empty for other types.
    pub offsets: Box<[u32]>,
    /// Whether values hold resource handles anywhere inside.
    pub resources: bool,
}

pub(crate) fn align_to(offset: u32, align: u32) -> u32 {
    offset.div_ceil(align) * align
}

/// The layout of a record (or tuple) with fields of `types`, in order.
pub(crate) fn record<'a>(types: impl Iterator<Item = &'a Type>) -> Layout {
    let mut size = 0;
    let mut align = 1;
    let mut flat = Vec::new();
    let mut offsets = Vec::new();
    let mut resources = false;
    for ty in types {
        let at = align_to(size, ty.align());
        offsets.push(at);
        size = at + ty.size();
        align = align.max(ty.align());
        ty.push_flat(&mut flat);
        resources |= ty.has_resources();
    }
    Layout {
        size: align_to(size, align),
        align,
        flat: flat.into(),
        payload_offset: 0,
        offsets: offsets.into(),
        resources,
    }
}

/// The size in bytes of the discriminant of a variant of `cases` cases.
pub(crate) fn discriminant_size(cases: usize) -> u32 {
    if cases <= 1 << 8 {
        1
    } else if cases <= 1 << 16 {
        2
    } else {
        4
    }
}

/// The layout of a variant whose cases have payloads `cases` (`None` for a
/// case without one); enums, options and results are variants too.
pub(crate) fn variant<'a>(cases: impl Iterator<Item = Option<&'a Type>>) -> Layout {
    let cases: Vec<Option<&Type>> = cases.collect();
    let disc = discriminant_size(cases.len());
    let mut case_align = 1;
    let mut case_size = 0;
    let mut payload: Vec<FlatType> = Vec::new();
    let mut resources = false;
    for ty in cases.iter().flatten() {
        case_align = case_align.max(ty.align());
        case_size = case_size.max(ty.size());
        resources |= ty.has_resources();
        let mut flat = Vec::new();
        ty.push_flat(&mut flat);
        for (i, f) in flat.into_iter().enumerate() {
            match payload.get_mut(i) {
                Some(slot) => *slot = slot.join(f),
                None => payload.push(f),
            }
        }
    }
    let align = disc.max(case_align);
    let size = align_to(align_to(disc, case_align) + case_size, align);
    let mut flat = vec![FlatType::I32];
    flat.extend(payload);
    Layout {
        size,
        align,
        flat: flat.into(),
        payload_offset: align_to(disc, case_align),
        offsets: Box::default(),
        resources,
    }
}

/// How many 32-bit words hold `n` flags when flattened.
pub(crate) fn flag_words(n: usize) -> usize {
    n.div_ceil(32)
}

/// The layout of a `flags` type of `n` flags.
pub(crate) fn flags(n: usize) -> Layout {
    let (size, align) = match n {
        0 => (0, 1),
        1..=8 => (1, 1),
        9..=16 => (2, 2),
        _ => (4 * flag_words(n) as u32, 4),
    };
    Layout {
        size,
        align,
        flat: vec![FlatType::I32; flag_words(n)].into(),
        payload_offset: 0,
        offsets: Box::default(),
        resources: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::types::{OptionType, Record, ResultType, Type, Variant};

    #[test]
    fn record_fields_are_aligned_and_padded() {
        let r = Record::new(vec![
            ("a".into(), Type::U8),
            ("b".into(), Type::U32),
            ("c".into(), Type::U16),
        ]);
        let t = Type::Record(r);
        assert_eq!((t.size(), t.align()), (12, 4));
        let mut flat = Vec::new();
        t.push_flat(&mut flat);
        assert_eq!(flat.len(), 3);
    }

    #[test]
    fn variant_payloads_join() {
        let v = Type::Variant(Variant::new(vec![
            ("a".into(), Some(Type::Float32)),
            ("b".into(), Some(Type::U32)),
            ("c".into(), Some(Type::Float64)),
            ("d".into(), None),
        ]));
        let mut flat = Vec::new();
        v.push_flat(&mut flat);
        assert_eq!(flat, [FlatType::I32, FlatType::I64]);
        assert_eq!((v.size(), v.align()), (16, 8));
        let o = Type::Option(OptionType::new(Type::Float32));
        let mut flat = Vec::new();
        o.push_flat(&mut flat);
        assert_eq!(flat, [FlatType::I32, FlatType::F32]);
        let r = Type::Result(ResultType::new(Some(Type::Float32), Some(Type::U8)));
        let mut flat = Vec::new();
        r.push_flat(&mut flat);
        assert_eq!(flat, [FlatType::I32, FlatType::I32]);
        assert_eq!((r.size(), r.align()), (8, 4));
    }

    #[test]
    fn discriminants_and_flags_grow_with_their_count() {
        assert_eq!(discriminant_size(256), 1);
        assert_eq!(discriminant_size(257), 2);
        assert_eq!(discriminant_size(65537), 4);
        assert_eq!(flags(8).size, 1);
        assert_eq!(flags(9).size, 2);
        assert_eq!(flags(17).size, 4);
        assert_eq!(flags(33).size, 8);
        assert_eq!(flags(33).flat.len(), 2);
    }
}
