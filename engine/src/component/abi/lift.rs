//! Lifting: reading component values out of core values and linear memory.

use super::layout::{discriminant_size, flag_words};
use super::{strings, StringEncoding};
use crate::component::resources::ResourceAny;
use crate::component::state::InstanceState;
use crate::component::trap::{misaligned, out_of_bounds, trap};
use crate::component::types::{ResultType, Tuple, Type};
use crate::component::values::Val;
use crate::environ::error::Result;
use std::sync::Arc;

/// What a call from a component to an import keeps until it returns: the
/// component's own handles it lent, and the borrows it gave the host.
#[derive(Default)]
pub(crate) struct ImportCall {
    pub lenders: Vec<u32>,
    pub borrows: Vec<ResourceAny>,
}

impl ImportCall {
    /// Ends the lends and borrows as the call returns.
    pub fn exit(self, inst: &InstanceState) {
        if !self.lenders.is_empty() {
            let mut handles = inst.handles();
            for i in self.lenders {
                handles.end_lend(i);
            }
        }
        for b in self.borrows {
            b.expire();
        }
    }
}

/// Where values are lifted from.
pub(crate) struct LiftCx<'a> {
    /// The instance's memory, if its options name one.
    pub mem: Option<&'a [u8]>,
    pub encoding: StringEncoding,
    /// The instance whose values these are.
    pub inst: &'a Arc<InstanceState>,
    /// Set when lifting the arguments of a call to an import.
    pub call: Option<&'a mut ImportCall>,
}

/// Flat core values, as raw bits, read in order.
pub(crate) struct FlatSrc<'a> {
    vals: &'a [u64],
    pos: usize,
}

impl<'a> FlatSrc<'a> {
    pub fn new(vals: &'a [u64]) -> FlatSrc<'a> {
        FlatSrc { vals, pos: 0 }
    }

    fn next(&mut self) -> Result<u64> {
        let v = self.vals.get(self.pos).copied().ok_or_else(|| {
            trap("internal error: fewer core values than the function type flattens to")
        })?;
        self.pos += 1;
        Ok(v)
    }

    fn take(&mut self, n: usize) -> Result<FlatSrc<'a>> {
        let end = self.pos + n;
        let vals = self.vals.get(self.pos..end).ok_or_else(|| {
            trap("internal error: fewer core values than the function type flattens to")
        })?;
        self.pos = end;
        Ok(FlatSrc::new(vals))
    }
}

impl LiftCx<'_> {
    /// `len` bytes of memory at `ptr`, if they are all in bounds.
    pub fn bytes(&self, ptr: u32, len: u64) -> Option<&[u8]> {
        let mem = self.mem?;
        let end = u64::from(ptr).checked_add(len)?;
        mem.get(ptr as usize..usize::try_from(end).ok()?)
    }

    fn memory(&self) -> Result<&[u8]> {
        self.mem
            .ok_or_else(|| trap("the canonical option `memory` is required to lift this value"))
    }

    fn read<const N: usize>(&self, ptr: u32) -> Result<[u8; N]> {
        let bytes = self
            .bytes(ptr, N as u64)
            .ok_or_else(|| out_of_bounds("value"))?;
        Ok(bytes.try_into().expect("N bytes"))
    }

    fn u8(&self, ptr: u32) -> Result<u8> {
        Ok(self.read::<1>(ptr)?[0])
    }

    fn u16(&self, ptr: u32) -> Result<u16> {
        Ok(u16::from_le_bytes(self.read(ptr)?))
    }

    fn u32(&self, ptr: u32) -> Result<u32> {
        Ok(u32::from_le_bytes(self.read(ptr)?))
    }

    fn u64(&self, ptr: u32) -> Result<u64> {
        Ok(u64::from_le_bytes(self.read(ptr)?))
    }

    fn lift_own(&mut self, index: u32, rt: &crate::component::ResourceType) -> Result<Val> {
        let elem = self.inst.handles().remove(index, rt, true)?;
        let dtor = if rt.is_host() {
            self.inst.host_dtors.get(rt).cloned()
        } else {
            None
        };
        Ok(Val::Resource(ResourceAny::new(
            rt.clone(),
            elem.rep,
            true,
            dtor,
        )))
    }

    fn lift_borrow(&mut self, index: u32, rt: &crate::component::ResourceType) -> Result<Val> {
        let rep = {
            let mut handles = self.inst.handles();
            let elem = handles.get(index, rt)?;
            if elem.own {
                elem.lend_count += 1;
                if let Some(call) = self.call.as_deref_mut() {
                    call.lenders.push(index);
                }
            }
            elem.rep
        };
        let r = ResourceAny::new(rt.clone(), rep, false, None);
        if let Some(call) = self.call.as_deref_mut() {
            call.borrows.push(r.clone());
        }
        Ok(Val::Resource(r))
    }
}

fn canonical_f32(bits: u32) -> f32 {
    let f = f32::from_bits(bits);
    if f.is_nan() {
        f32::from_bits(0x7fc0_0000)
    } else {
        f
    }
}

fn canonical_f64(bits: u64) -> f64 {
    let f = f64::from_bits(bits);
    if f.is_nan() {
        f64::from_bits(0x7ff8_0000_0000_0000)
    } else {
        f
    }
}

fn char_of(v: u32) -> Result<char> {
    char::from_u32(v).ok_or_else(|| trap(format!("invalid char value {v:#x}")))
}

/// The discriminant's case, checked against the number of cases.
fn case_index(disc: u32, cases: usize, what: &str) -> Result<usize> {
    if (disc as usize) < cases {
        Ok(disc as usize)
    } else {
        Err(trap(format!("invalid {what} discriminant {disc}")))
    }
}

/// Lifts a value of type `ty` from flat core values.
pub(crate) fn lift_flat(cx: &mut LiftCx<'_>, ty: &Type, src: &mut FlatSrc<'_>) -> Result<Val> {
    Ok(match ty {
        Type::Bool => Val::Bool(src.next()? as u32 != 0),
        Type::S8 => Val::S8(src.next()? as u8 as i8),
        Type::U8 => Val::U8(src.next()? as u8),
        Type::S16 => Val::S16(src.next()? as u16 as i16),
        Type::U16 => Val::U16(src.next()? as u16),
        Type::S32 => Val::S32(src.next()? as u32 as i32),
        Type::U32 => Val::U32(src.next()? as u32),
        Type::S64 => Val::S64(src.next()? as i64),
        Type::U64 => Val::U64(src.next()?),
        Type::Float32 => Val::Float32(canonical_f32(src.next()? as u32)),
        Type::Float64 => Val::Float64(canonical_f64(src.next()?)),
        Type::Char => Val::Char(char_of(src.next()? as u32)?),
        Type::String => {
            let (ptr, len) = (src.next()? as u32, src.next()? as u32);
            cx.memory()?;
            Val::String(strings::load(cx, ptr, len)?)
        }
        Type::List(l) => {
            let (ptr, len) = (src.next()? as u32, src.next()? as u32);
            Val::List(load_list(cx, l.ty(), ptr, len)?)
        }
        Type::Record(r) => Val::Record(
            r.0.fields
                .iter()
                .map(|(name, ty)| Ok((name.clone(), lift_flat(cx, ty, src)?)))
                .collect::<Result<_>>()?,
        ),
        Type::Tuple(t) => Val::Tuple(
            t.types()
                .map(|ty| lift_flat(cx, ty, src))
                .collect::<Result<_>>()?,
        ),
        Type::Variant(v) => {
            let i = case_index(src.next()? as u32, v.0.cases.len(), "variant")?;
            let mut payload = src.take(v.0.layout.flat.len() - 1)?;
            let (name, ty) = &v.0.cases[i];
            let value = match ty {
                Some(ty) => Some(Box::new(lift_flat(cx, ty, &mut payload)?)),
                None => None,
            };
            Val::Variant(name.clone(), value)
        }
        Type::Enum(e) => {
            let i = case_index(src.next()? as u32, e.0.names.len(), "enum")?;
            Val::Enum(e.0.names[i].clone())
        }
        Type::Option(o) => {
            let i = case_index(src.next()? as u32, 2, "option")?;
            let mut payload = src.take(o.0.layout.flat.len() - 1)?;
            Val::Option(match i {
                0 => None,
                _ => Some(Box::new(lift_flat(cx, o.ty(), &mut payload)?)),
            })
        }
        Type::Result(r) => {
            let i = case_index(src.next()? as u32, 2, "result")?;
            let mut payload = src.take(r.0.layout.flat.len() - 1)?;
            lift_result(r, i, |ty| lift_flat(cx, ty, &mut payload))?
        }
        Type::Flags(f) => {
            let words = (0..flag_words(f.0.names.len()))
                .map(|_| Ok(src.next()? as u32))
                .collect::<Result<Vec<u32>>>()?;
            Val::Flags(flags_of(&f.0.names, |i| words[i / 32] >> (i % 32) & 1 != 0))
        }
        Type::Own(rt) => cx.lift_own(src.next()? as u32, rt)?,
        Type::Borrow(rt) => cx.lift_borrow(src.next()? as u32, rt)?,
    })
}

fn lift_result(
    r: &ResultType,
    case: usize,
    mut lift: impl FnMut(&Type) -> Result<Val>,
) -> Result<Val> {
    let side = if case == 0 { r.ok() } else { r.err() };
    let payload = match side {
        Some(ty) => Some(Box::new(lift(ty)?)),
        None => None,
    };
    Ok(Val::Result(if case == 0 {
        Ok(payload)
    } else {
        Err(payload)
    }))
}

fn flags_of(names: &[String], set: impl Fn(usize) -> bool) -> Vec<String> {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| set(*i))
        .map(|(_, n)| n.clone())
        .collect()
}

/// Reads the list of `len` elements of type `elem` at `ptr`.
pub(crate) fn load_list(cx: &mut LiftCx<'_>, elem: &Type, ptr: u32, len: u32) -> Result<Vec<Val>> {
    cx.memory()?;
    let (size, align) = (elem.size(), elem.align());
    if !ptr.is_multiple_of(align) {
        return Err(misaligned("list", ptr, align));
    }
    if cx.bytes(ptr, u64::from(len) * u64::from(size)).is_none() {
        return Err(out_of_bounds("list"));
    }
    (0..len).map(|i| load(cx, elem, ptr + i * size)).collect()
}

/// Reads a value of type `ty` at `ptr`, which the caller has checked is
/// aligned for it.
pub(crate) fn load(cx: &mut LiftCx<'_>, ty: &Type, ptr: u32) -> Result<Val> {
    Ok(match ty {
        Type::Bool => match cx.u8(ptr)? {
            0 => Val::Bool(false),
            1 => Val::Bool(true),
            b => return Err(trap(format!("invalid bool value {b}"))),
        },
        Type::S8 => Val::S8(cx.u8(ptr)? as i8),
        Type::U8 => Val::U8(cx.u8(ptr)?),
        Type::S16 => Val::S16(cx.u16(ptr)? as i16),
        Type::U16 => Val::U16(cx.u16(ptr)?),
        Type::S32 => Val::S32(cx.u32(ptr)? as i32),
        Type::U32 => Val::U32(cx.u32(ptr)?),
        Type::S64 => Val::S64(cx.u64(ptr)? as i64),
        Type::U64 => Val::U64(cx.u64(ptr)?),
        Type::Float32 => Val::Float32(canonical_f32(cx.u32(ptr)?)),
        Type::Float64 => Val::Float64(canonical_f64(cx.u64(ptr)?)),
        Type::Char => Val::Char(char_of(cx.u32(ptr)?)?),
        Type::String => {
            let (begin, len) = (cx.u32(ptr)?, cx.u32(ptr + 4)?);
            Val::String(strings::load(cx, begin, len)?)
        }
        Type::List(l) => {
            let (begin, len) = (cx.u32(ptr)?, cx.u32(ptr + 4)?);
            Val::List(load_list(cx, l.ty(), begin, len)?)
        }
        Type::Record(r) => {
            let mut fields = Vec::with_capacity(r.0.fields.len());
            for ((name, ty), offset) in r.0.fields.iter().zip(r.field_offsets()) {
                fields.push((name.clone(), load(cx, ty, ptr + offset)?));
            }
            Val::Record(fields)
        }
        Type::Tuple(t) => Val::Tuple(load_tuple(cx, t, ptr)?),
        Type::Variant(v) => {
            let n = v.0.cases.len();
            let i = case_index(load_disc(cx, ptr, n)?, n, "variant")?;
            let at = ptr + v.0.layout.payload_offset;
            let (name, ty) = &v.0.cases[i];
            let value = match ty {
                Some(ty) => Some(Box::new(load(cx, ty, at)?)),
                None => None,
            };
            Val::Variant(name.clone(), value)
        }
        Type::Enum(e) => {
            let n = e.0.names.len();
            let i = case_index(load_disc(cx, ptr, n)?, n, "enum")?;
            Val::Enum(e.0.names[i].clone())
        }
        Type::Option(o) => {
            let i = case_index(load_disc(cx, ptr, 2)?, 2, "option")?;
            Val::Option(match i {
                0 => None,
                _ => Some(Box::new(load(cx, o.ty(), ptr + o.0.layout.payload_offset)?)),
            })
        }
        Type::Result(r) => {
            let i = case_index(load_disc(cx, ptr, 2)?, 2, "result")?;
            let at = ptr + r.0.layout.payload_offset;
            lift_result(r, i, |ty| load(cx, ty, at))?
        }
        Type::Flags(f) => {
            let n = f.0.names.len();
            let bits: Vec<u32> = match f.0.layout.size {
                0 => Vec::new(),
                1 => vec![u32::from(cx.u8(ptr)?)],
                2 => vec![u32::from(cx.u16(ptr)?)],
                _ => (0..flag_words(n) as u32)
                    .map(|w| cx.u32(ptr + 4 * w))
                    .collect::<Result<_>>()?,
            };
            Val::Flags(flags_of(&f.0.names, |i| bits[i / 32] >> (i % 32) & 1 != 0))
        }
        Type::Own(rt) => {
            let index = cx.u32(ptr)?;
            cx.lift_own(index, rt)?
        }
        Type::Borrow(rt) => {
            let index = cx.u32(ptr)?;
            cx.lift_borrow(index, rt)?
        }
    })
}

fn load_disc(cx: &LiftCx<'_>, ptr: u32, cases: usize) -> Result<u32> {
    Ok(match discriminant_size(cases) {
        1 => u32::from(cx.u8(ptr)?),
        2 => u32::from(cx.u16(ptr)?),
        _ => cx.u32(ptr)?,
    })
}

fn load_tuple(cx: &mut LiftCx<'_>, t: &Tuple, ptr: u32) -> Result<Vec<Val>> {
    let mut items = Vec::with_capacity(t.0.types.len());
    for (ty, offset) in t.types().zip(t.offsets()) {
        items.push(load(cx, ty, ptr + offset)?);
    }
    Ok(items)
}

/// Lifts values of the types of `tuple` from flat core values `flat`,
/// reading them through memory when they flatten to more than `max_flat`
/// values (the first flat value is then the pointer to them).
pub(crate) fn lift_values(
    cx: &mut LiftCx<'_>,
    max_flat: usize,
    flat: &[u64],
    tuple: &Tuple,
    what: &str,
) -> Result<Vec<Val>> {
    if tuple.0.layout.flat.len() > max_flat {
        let ptr = *flat
            .first()
            .ok_or_else(|| trap("internal error: no pointer to the values"))?
            as u32;
        let (size, align) = (tuple.0.layout.size, tuple.0.layout.align);
        if !ptr.is_multiple_of(align) {
            return Err(misaligned(what, ptr, align));
        }
        if cx.bytes(ptr, u64::from(size)).is_none() {
            return Err(out_of_bounds(what));
        }
        load_tuple(cx, tuple, ptr)
    } else {
        let mut src = FlatSrc::new(flat);
        tuple
            .types()
            .map(|ty| lift_flat(cx, ty, &mut src))
            .collect()
    }
}
