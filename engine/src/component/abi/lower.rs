//! Lowering: turning component values into core values and bytes in linear
//! memory, allocated with the component's `realloc`.

use super::layout::{discriminant_size, flag_words};
use super::{strings, Options};
use crate::component::handles::{ExportCall, HandleElem};
use crate::component::resources::{ResourceAny, ResourceType};
use crate::component::state::{self, InstanceState};
use crate::component::trap::{misaligned, out_of_bounds, trap};
use crate::component::types::{Tuple, Type};
use crate::component::values::Val;
use crate::environ::error::{Error, Result};
use crate::StoreContextMut;
use std::sync::Arc;

/// Where values are lowered to.
pub(crate) struct LowerCx<'a, 's, T> {
    pub store: &'a mut StoreContextMut<'s, T>,
    pub opts: &'a Options,
    /// The instance receiving the values.
    pub inst: &'a Arc<InstanceState>,
    /// The call of one of the instance's exports the values are arguments
    /// of, which borrows are lent to.
    pub scope: Option<&'a ExportCall>,
}

/// Whether `ptr` is a multiple of `align`: a mask for a power of two (all
/// the canonical ABI aligns to), rather than a division per allocation.
fn is_aligned(ptr: u32, align: u32) -> bool {
    if align.is_power_of_two() {
        ptr & (align - 1) == 0
    } else {
        ptr.is_multiple_of(align)
    }
}

fn mismatch(val: &Val, ty: &Type) -> Error {
    Error::usage(format!(
        "type mismatch: expected `{ty}`, found a value of kind `{}`",
        val.desc()
    ))
}

impl<T> LowerCx<'_, '_, T> {
    fn memory(&self) -> Result<crate::Memory> {
        self.opts
            .memory
            .ok_or_else(|| trap("the canonical option `memory` is required to lower this value"))
    }

    /// Allocates `size` bytes aligned to `align` with the component's
    /// `realloc`, checking what it returns.
    pub fn realloc(&mut self, align: u32, size: u32) -> Result<u32> {
        let (memory, ptr) = self.call_realloc(align, size)?;
        let end = u64::from(ptr) + u64::from(size);
        if end > memory.data_size(&*self.store) as u64 {
            return Err(out_of_bounds("realloc return"));
        }
        Ok(ptr)
    }

    /// Allocates room for `bytes` aligned to `align` with the component's
    /// `realloc` and copies them there; returns the pointer. One look-up of
    /// the memory serves the bounds check of what `realloc` returned and
    /// the copy.
    pub fn realloc_copy(&mut self, align: u32, bytes: &[u8]) -> Result<u32> {
        let size = u32::try_from(bytes.len()).map_err(|_| out_of_bounds("value"))?;
        let (memory, ptr) = self.call_realloc(align, size)?;
        let start = ptr as usize;
        memory
            .data_mut(&mut *self.store)
            .get_mut(start..start + bytes.len())
            .ok_or_else(|| out_of_bounds("realloc return"))?
            .copy_from_slice(bytes);
        Ok(ptr)
    }

    /// Calls `realloc` for `size` bytes aligned to `align` and checks the
    /// alignment of what it returns; the caller checks the bounds.
    fn call_realloc(&mut self, align: u32, size: u32) -> Result<(crate::Memory, u32)> {
        let realloc = self.opts.realloc.ok_or_else(|| {
            trap("the canonical option `realloc` is required to lower this value")
        })?;
        let memory = self.memory()?;
        let ptr = realloc.call(&mut *self.store, (0, 0, align, size))?;
        if !is_aligned(ptr, align) {
            return Err(misaligned("realloc return", ptr, align));
        }
        Ok((memory, ptr))
    }

    /// Writes `bytes` at `ptr`.
    pub fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<()> {
        let memory = self.memory()?;
        let data = memory.data_mut(&mut *self.store);
        let start = ptr as usize;
        let dest = start
            .checked_add(bytes.len())
            .and_then(|end| data.get_mut(start..end))
            .ok_or_else(|| out_of_bounds("value"))?;
        dest.copy_from_slice(bytes);
        Ok(())
    }

    /// Checks that `size` bytes at `ptr` are aligned to `align` and in
    /// bounds: for memory the component gave, such as a return pointer.
    pub fn check_range(&self, ptr: u32, size: u32, align: u32, what: &str) -> Result<()> {
        if !ptr.is_multiple_of(align) {
            return Err(misaligned(what, ptr, align));
        }
        let len = self.memory()?.data_size(&*self.store) as u64;
        if u64::from(ptr) + u64::from(size) > len {
            return Err(out_of_bounds(what));
        }
        Ok(())
    }

    fn lower_own(&mut self, r: &ResourceAny, rt: &ResourceType) -> Result<u32> {
        if r.ty() != *rt {
            return Err(Error::usage(format!(
                "type mismatch: expected a `{rt}` resource, found a `{}` one",
                r.ty()
            )));
        }
        let rep = r.take_own()?;
        self.inst.handles().add(HandleElem {
            ty: rt.key(),
            rep,
            own: true,
            scope: None,
            lend_count: 0,
        })
    }

    fn lower_borrow(&mut self, r: &ResourceAny, rt: &ResourceType) -> Result<u32> {
        if r.ty() != *rt {
            return Err(Error::usage(format!(
                "type mismatch: expected a `{rt}` resource, found a `{}` one",
                r.ty()
            )));
        }
        r.check_use(false)?;
        // A borrow lent to the instance that defines the resource is its
        // representation itself.
        if rt
            .implementer()
            .is_some_and(|owner| state::same(owner, self.inst))
        {
            return Ok(r.raw_rep());
        }
        let scope = self
            .scope
            .ok_or_else(|| trap("internal error: a borrow lowered outside of a call"))?;
        let count = scope.lend();
        self.inst.handles().add(HandleElem {
            ty: rt.key(),
            rep: r.raw_rep(),
            own: false,
            scope: Some(count),
            lend_count: 0,
        })
    }

    fn store_list(&mut self, items: &[Val], elem: &Type) -> Result<(u32, u32)> {
        let (size, align) = (elem.size(), elem.align());
        let byte_len = u64::from(size) * items.len() as u64;
        if byte_len > u64::from(u32::MAX) {
            return Err(trap(format!(
                "list of {} elements is too large for a 32-bit memory",
                items.len()
            )));
        }
        let ptr = self.realloc(align, byte_len as u32)?;
        if let Some(bytes) = primitive_bytes(items, elem) {
            self.write(ptr, &bytes)?;
        } else {
            for (i, item) in items.iter().enumerate() {
                self.store(item, elem, ptr + i as u32 * size)?;
            }
        }
        Ok((ptr, items.len() as u32))
    }

    /// Lowers `val` of type `ty` to flat core values, appended to `out`.
    pub fn lower_flat(&mut self, val: &Val, ty: &Type, out: &mut Vec<u64>) -> Result<()> {
        match (val, ty) {
            (Val::Bool(v), Type::Bool) => out.push(u64::from(*v)),
            (Val::S8(v), Type::S8) => out.push(i32::from(*v) as u32 as u64),
            (Val::U8(v), Type::U8) => out.push(u64::from(*v)),
            (Val::S16(v), Type::S16) => out.push(i32::from(*v) as u32 as u64),
            (Val::U16(v), Type::U16) => out.push(u64::from(*v)),
            (Val::S32(v), Type::S32) => out.push(*v as u32 as u64),
            (Val::U32(v), Type::U32) => out.push(u64::from(*v)),
            (Val::S64(v), Type::S64) => out.push(*v as u64),
            (Val::U64(v), Type::U64) => out.push(*v),
            (Val::Float32(v), Type::Float32) => out.push(u64::from(v.to_bits())),
            (Val::Float64(v), Type::Float64) => out.push(v.to_bits()),
            (Val::Char(v), Type::Char) => out.push(u64::from(*v as u32)),
            (Val::String(s), Type::String) => {
                let (ptr, len) = strings::store(self, s)?;
                out.extend([u64::from(ptr), u64::from(len)]);
            }
            (Val::List(items), Type::List(l)) => {
                let (ptr, len) = self.store_list(items, l.ty())?;
                out.extend([u64::from(ptr), u64::from(len)]);
            }
            (Val::Record(fields), Type::Record(r)) => {
                check_len(fields.len(), r.0.fields.len(), val, ty)?;
                for ((_, v), (_, t)) in fields.iter().zip(r.0.fields.iter()) {
                    self.lower_flat(v, t, out)?;
                }
            }
            (Val::Tuple(items), Type::Tuple(t)) => {
                check_len(items.len(), t.0.types.len(), val, ty)?;
                for (v, t) in items.iter().zip(t.types()) {
                    self.lower_flat(v, t, out)?;
                }
            }
            (Val::Variant(name, payload), Type::Variant(v)) => {
                let i =
                    v.0.cases
                        .iter()
                        .position(|(n, _)| n == name)
                        .ok_or_else(|| mismatch(val, ty))?;
                let slots = v.0.layout.flat.len() - 1;
                self.lower_case(i, payload.as_deref(), v.0.cases[i].1.as_ref(), slots, out)?;
            }
            (Val::Enum(name), Type::Enum(e)) => {
                let i =
                    e.0.names
                        .iter()
                        .position(|n| n == name)
                        .ok_or_else(|| mismatch(val, ty))?;
                out.push(i as u64);
            }
            (Val::Option(payload), Type::Option(o)) => {
                let slots = o.0.layout.flat.len() - 1;
                match payload {
                    None => self.lower_case(0, None, None, slots, out)?,
                    Some(p) => self.lower_case(1, Some(p), Some(o.ty()), slots, out)?,
                }
            }
            (Val::Result(r), Type::Result(rt)) => {
                let slots = rt.0.layout.flat.len() - 1;
                match r {
                    Ok(p) => self.lower_case(0, p.as_deref(), rt.ok(), slots, out)?,
                    Err(p) => self.lower_case(1, p.as_deref(), rt.err(), slots, out)?,
                }
            }
            (Val::Flags(names), Type::Flags(f)) => {
                let mut words = vec![0u32; flag_words(f.0.names.len())];
                for name in names {
                    let i =
                        f.0.names
                            .iter()
                            .position(|n| n == name)
                            .ok_or_else(|| mismatch(val, ty))?;
                    words[i / 32] |= 1 << (i % 32);
                }
                out.extend(words.into_iter().map(u64::from));
            }
            (Val::Resource(r), Type::Own(rt)) => {
                let i = self.lower_own(r, rt)?;
                out.push(u64::from(i));
            }
            (Val::Resource(r), Type::Borrow(rt)) => {
                let i = self.lower_borrow(r, rt)?;
                out.push(u64::from(i));
            }
            _ => return Err(mismatch(val, ty)),
        }
        Ok(())
    }

    /// Lowers case `case` of a variant with `slots` payload slots: the
    /// discriminant, then the payload, then zeros for the slots it leaves.
    fn lower_case(
        &mut self,
        case: usize,
        payload: Option<&Val>,
        ty: Option<&Type>,
        slots: usize,
        out: &mut Vec<u64>,
    ) -> Result<()> {
        out.push(case as u64);
        let start = out.len();
        match (payload, ty) {
            (Some(v), Some(t)) => self.lower_flat(v, t, out)?,
            (None, None) => {}
            _ => {
                return Err(Error::usage(
                    "type mismatch: a variant case's payload does not match its type",
                ))
            }
        }
        out.resize(start + slots, 0);
        Ok(())
    }

    /// Stores `val` of type `ty` at `ptr`, which is aligned for it.
    pub fn store(&mut self, val: &Val, ty: &Type, ptr: u32) -> Result<()> {
        match (val, ty) {
            (Val::Bool(v), Type::Bool) => self.write(ptr, &[u8::from(*v)]),
            (Val::S8(v), Type::S8) => self.write(ptr, &v.to_le_bytes()),
            (Val::U8(v), Type::U8) => self.write(ptr, &v.to_le_bytes()),
            (Val::S16(v), Type::S16) => self.write(ptr, &v.to_le_bytes()),
            (Val::U16(v), Type::U16) => self.write(ptr, &v.to_le_bytes()),
            (Val::S32(v), Type::S32) => self.write(ptr, &v.to_le_bytes()),
            (Val::U32(v), Type::U32) => self.write(ptr, &v.to_le_bytes()),
            (Val::S64(v), Type::S64) => self.write(ptr, &v.to_le_bytes()),
            (Val::U64(v), Type::U64) => self.write(ptr, &v.to_le_bytes()),
            (Val::Float32(v), Type::Float32) => self.write(ptr, &v.to_bits().to_le_bytes()),
            (Val::Float64(v), Type::Float64) => self.write(ptr, &v.to_bits().to_le_bytes()),
            (Val::Char(v), Type::Char) => self.write(ptr, &(*v as u32).to_le_bytes()),
            (Val::String(s), Type::String) => {
                let (begin, len) = strings::store(self, s)?;
                self.write_pair(ptr, begin, len)
            }
            (Val::List(items), Type::List(l)) => {
                let (begin, len) = self.store_list(items, l.ty())?;
                self.write_pair(ptr, begin, len)
            }
            (Val::Record(fields), Type::Record(r)) => {
                check_len(fields.len(), r.0.fields.len(), val, ty)?;
                for (((_, v), (_, t)), offset) in
                    fields.iter().zip(r.0.fields.iter()).zip(r.field_offsets())
                {
                    self.store(v, t, ptr + offset)?;
                }
                Ok(())
            }
            (Val::Tuple(items), Type::Tuple(t)) => {
                check_len(items.len(), t.0.types.len(), val, ty)?;
                self.store_tuple(items, t, ptr)
            }
            (Val::Variant(name, payload), Type::Variant(v)) => {
                let n = v.0.cases.len();
                let i =
                    v.0.cases
                        .iter()
                        .position(|(c, _)| c == name)
                        .ok_or_else(|| mismatch(val, ty))?;
                self.store_disc(ptr, i, n)?;
                let at = ptr + v.0.layout.payload_offset;
                self.store_payload(payload.as_deref(), v.0.cases[i].1.as_ref(), at)
            }
            (Val::Enum(name), Type::Enum(e)) => {
                let i =
                    e.0.names
                        .iter()
                        .position(|n| n == name)
                        .ok_or_else(|| mismatch(val, ty))?;
                self.store_disc(ptr, i, e.0.names.len())
            }
            (Val::Option(payload), Type::Option(o)) => {
                let at = ptr + o.0.layout.payload_offset;
                match payload {
                    None => self.store_disc(ptr, 0, 2),
                    Some(p) => {
                        self.store_disc(ptr, 1, 2)?;
                        self.store(p, o.ty(), at)
                    }
                }
            }
            (Val::Result(r), Type::Result(rt)) => {
                let at = ptr + rt.0.layout.payload_offset;
                match r {
                    Ok(p) => {
                        self.store_disc(ptr, 0, 2)?;
                        self.store_payload(p.as_deref(), rt.ok(), at)
                    }
                    Err(p) => {
                        self.store_disc(ptr, 1, 2)?;
                        self.store_payload(p.as_deref(), rt.err(), at)
                    }
                }
            }
            (Val::Flags(names), Type::Flags(f)) => {
                let mut words = vec![0u32; flag_words(f.0.names.len())];
                for name in names {
                    let i =
                        f.0.names
                            .iter()
                            .position(|n| n == name)
                            .ok_or_else(|| mismatch(val, ty))?;
                    words[i / 32] |= 1 << (i % 32);
                }
                match f.0.layout.size {
                    0 => Ok(()),
                    1 => self.write(ptr, &[words[0] as u8]),
                    2 => self.write(ptr, &(words[0] as u16).to_le_bytes()),
                    _ => {
                        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
                        self.write(ptr, &bytes)
                    }
                }
            }
            (Val::Resource(r), Type::Own(rt)) => {
                let i = self.lower_own(r, rt)?;
                self.write(ptr, &i.to_le_bytes())
            }
            (Val::Resource(r), Type::Borrow(rt)) => {
                let i = self.lower_borrow(r, rt)?;
                self.write(ptr, &i.to_le_bytes())
            }
            _ => Err(mismatch(val, ty)),
        }
    }

    fn write_pair(&mut self, ptr: u32, a: u32, b: u32) -> Result<()> {
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&a.to_le_bytes());
        bytes[4..].copy_from_slice(&b.to_le_bytes());
        self.write(ptr, &bytes)
    }

    fn store_disc(&mut self, ptr: u32, case: usize, cases: usize) -> Result<()> {
        match discriminant_size(cases) {
            1 => self.write(ptr, &[case as u8]),
            2 => self.write(ptr, &(case as u16).to_le_bytes()),
            _ => self.write(ptr, &(case as u32).to_le_bytes()),
        }
    }

    fn store_payload(&mut self, payload: Option<&Val>, ty: Option<&Type>, ptr: u32) -> Result<()> {
        match (payload, ty) {
            (Some(v), Some(t)) => self.store(v, t, ptr),
            (None, None) => Ok(()),
            _ => Err(Error::usage(
                "type mismatch: a variant case's payload does not match its type",
            )),
        }
    }

    fn store_tuple(&mut self, items: &[Val], t: &Tuple, ptr: u32) -> Result<()> {
        for ((v, ty), offset) in items.iter().zip(t.types()).zip(t.offsets()) {
            self.store(v, ty, ptr + offset)?;
        }
        Ok(())
    }

    /// Lowers `vals`, of the types of `tuple`, to at most `max_flat` flat
    /// core values: through memory when they flatten to more, at `out_ptr`
    /// (a return pointer the component gave) or else in memory allocated
    /// with `realloc`, whose pointer is then the one flat value.
    pub fn lower_values(
        &mut self,
        max_flat: usize,
        vals: &[Val],
        tuple: &Tuple,
        out_ptr: Option<u32>,
    ) -> Result<Vec<u64>> {
        let layout = &tuple.0.layout;
        if layout.flat.len() > max_flat {
            let ptr = match out_ptr {
                Some(ptr) => {
                    self.check_range(ptr, layout.size, layout.align, "return")?;
                    ptr
                }
                None => self.realloc(layout.align, layout.size)?,
            };
            self.store_tuple(vals, tuple, ptr)?;
            Ok(if out_ptr.is_some() {
                Vec::new()
            } else {
                vec![u64::from(ptr)]
            })
        } else {
            let mut out = Vec::with_capacity(layout.flat.len());
            for (v, t) in vals.iter().zip(tuple.types()) {
                self.lower_flat(v, t, &mut out)?;
            }
            Ok(out)
        }
    }
}

fn check_len(found: usize, expected: usize, val: &Val, ty: &Type) -> Result<()> {
    if found == expected {
        Ok(())
    } else {
        Err(mismatch(val, ty))
    }
}

/// The bytes of a list of numbers, when its elements are numbers of `elem`.
fn primitive_bytes(items: &[Val], elem: &Type) -> Option<Vec<u8>> {
    let size = elem.size() as usize;
    if !matches!(
        elem,
        Type::U8
            | Type::S8
            | Type::U16
            | Type::S16
            | Type::U32
            | Type::S32
            | Type::U64
            | Type::S64
            | Type::Float32
            | Type::Float64
    ) {
        return None;
    }
    let mut bytes = Vec::with_capacity(items.len() * size);
    for item in items {
        match (item, elem) {
            (Val::U8(v), Type::U8) => bytes.push(*v),
            (Val::S8(v), Type::S8) => bytes.push(*v as u8),
            (Val::U16(v), Type::U16) => bytes.extend(v.to_le_bytes()),
            (Val::S16(v), Type::S16) => bytes.extend(v.to_le_bytes()),
            (Val::U32(v), Type::U32) => bytes.extend(v.to_le_bytes()),
            (Val::S32(v), Type::S32) => bytes.extend(v.to_le_bytes()),
            (Val::U64(v), Type::U64) => bytes.extend(v.to_le_bytes()),
            (Val::S64(v), Type::S64) => bytes.extend(v.to_le_bytes()),
            (Val::Float32(v), Type::Float32) => bytes.extend(v.to_bits().to_le_bytes()),
            (Val::Float64(v), Type::Float64) => bytes.extend(v.to_bits().to_le_bytes()),
            _ => return None,
        }
    }
    Some(bytes)
}
