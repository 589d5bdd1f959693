//! The support code of the host glue `kiln bindgen` generates: conversions
//! between generated Rust types and [`Val`] (`Lower`, `Lift`), and checked
//! access to a component's memory for the typed path ([`FlatContext`]).
//! Generated files refer to it as `rt`; it is public for them, and kept here
//! so that every generated file shares one copy.
//!
//! ```
//! use kiln::component::bindgen::{Lift, Lower, Val};
//! let v = (7u32, Some("hi".to_string())).lower();
//! assert_eq!(<(u32, Option<String>)>::lift(&v).unwrap(), (7, Some("hi".into())));
//! assert!(matches!(v, Val::Tuple(_)));
//! ```

use super::{abi_trap, ResourceAny, ResourceType};
pub use super::{FlatContext, Val};
use crate::{Error, ErrorKind, Result};

/// A value the host gives the component.
pub trait Lower {
    /// The value as a `Val` of its component type.
    fn lower(&self) -> Val;
    /// The payload of a case holding this type (`None` only for `()`).
    fn lower_payload(&self) -> Option<Box<Val>> {
        Some(Box::new(self.lower()))
    }
}

/// A value the host takes from the component.
pub trait Lift: Sized {
    /// The value a `Val` of its component type holds; an error if `v` is
    /// of another type.
    fn lift(v: &Val) -> Result<Self>;
    /// From the payload of a case holding this type.
    fn lift_payload(v: Option<&Val>) -> Result<Self> {
        match v {
            Some(v) => Self::lift(v),
            None => Err(mismatch("a payload", "none")),
        }
    }
}

fn mismatch(expected: &str, got: &str) -> Error {
    Error::new(
        ErrorKind::Usage,
        format!("type mismatch in generated bindings: expected {expected}, found {got}"),
    )
}

fn kind(v: &Val) -> &'static str {
    match v {
        Val::Bool(_) => "bool",
        Val::S8(_) => "s8",
        Val::U8(_) => "u8",
        Val::S16(_) => "s16",
        Val::U16(_) => "u16",
        Val::S32(_) => "s32",
        Val::U32(_) => "u32",
        Val::S64(_) => "s64",
        Val::U64(_) => "u64",
        Val::Float32(_) => "f32",
        Val::Float64(_) => "f64",
        Val::Char(_) => "char",
        Val::String(_) => "string",
        Val::List(_) => "list",
        Val::Record(_) => "record",
        Val::Tuple(_) => "tuple",
        Val::Variant(..) => "variant",
        Val::Enum(_) => "enum",
        Val::Option(_) => "option",
        Val::Result(_) => "result",
        Val::Flags(_) => "flags",
        Val::Resource(_) => "resource",
    }
}

macro_rules! scalar {
($($t:ty => $case:ident,)*) => {$(
impl Lower for $t {
fn lower(&self) -> Val {
Val::$case(*self)
}
}
impl Lift for $t {
fn lift(v: &Val) -> Result<$t> {
match v {
Val::$case(x) => Ok(*x),
other => Err(mismatch(stringify!($case), kind(other))),
}
}
}
)*};
}

scalar! {
bool => Bool,
i8 => S8,
u8 => U8,
i16 => S16,
u16 => U16,
i32 => S32,
u32 => U32,
i64 => S64,
u64 => U64,
f32 => Float32,
f64 => Float64,
char => Char,
}

impl Lower for String {
    fn lower(&self) -> Val {
        Val::String(self.clone())
    }
}

impl Lower for &str {
    fn lower(&self) -> Val {
        Val::String(self.to_string())
    }
}

impl Lift for String {
    fn lift(v: &Val) -> Result<String> {
        match v {
            Val::String(s) => Ok(s.clone()),
            other => Err(mismatch("string", kind(other))),
        }
    }
}

impl Lower for () {
    fn lower(&self) -> Val {
        Val::Tuple(Vec::new())
    }
    fn lower_payload(&self) -> Option<Box<Val>> {
        None
    }
}

impl Lift for () {
    fn lift(_: &Val) -> Result<()> {
        Ok(())
    }
    fn lift_payload(v: Option<&Val>) -> Result<()> {
        match v {
            None => Ok(()),
            Some(other) => Err(mismatch("no payload", kind(other))),
        }
    }
}

impl<T: Lower> Lower for Vec<T> {
    fn lower(&self) -> Val {
        Val::List(self.iter().map(Lower::lower).collect())
    }
}

impl<T: Lower> Lower for &[T] {
    fn lower(&self) -> Val {
        Val::List(self.iter().map(Lower::lower).collect())
    }
}

impl<T: Lift> Lift for Vec<T> {
    fn lift(v: &Val) -> Result<Vec<T>> {
        match v {
            Val::List(items) => items.iter().map(T::lift).collect(),
            other => Err(mismatch("list", kind(other))),
        }
    }
}

impl<T: Lower> Lower for Option<T> {
    fn lower(&self) -> Val {
        Val::Option(self.as_ref().map(|x| Box::new(x.lower())))
    }
}

impl<T: Lift> Lift for Option<T> {
    fn lift(v: &Val) -> Result<Option<T>> {
        match v {
            Val::Option(None) => Ok(None),
            Val::Option(Some(x)) => Ok(Some(T::lift(x)?)),
            other => Err(mismatch("option", kind(other))),
        }
    }
}

impl<T: Lower, E: Lower> Lower for core::result::Result<T, E> {
    fn lower(&self) -> Val {
        Val::Result(match self {
            Ok(x) => Ok(x.lower_payload()),
            Err(e) => Err(e.lower_payload()),
        })
    }
}

impl<T: Lift, E: Lift> Lift for core::result::Result<T, E> {
    fn lift(v: &Val) -> Result<core::result::Result<T, E>> {
        match v {
            Val::Result(Ok(x)) => Ok(Ok(T::lift_payload(x.as_deref())?)),
            Val::Result(Err(e)) => Ok(Err(E::lift_payload(e.as_deref())?)),
            other => Err(mismatch("result", kind(other))),
        }
    }
}

/// The fields of a record, checked against the names of its type.
pub fn record<'a>(v: &'a Val, ty: &str, fields: &[&str]) -> Result<Vec<&'a Val>> {
    match v {
        Val::Record(got)
            if got.len() == fields.len() && got.iter().zip(fields).all(|((n, _), f)| n == f) =>
        {
            Ok(got.iter().map(|(_, v)| v).collect())
        }
        other => Err(mismatch(&format!("record `{ty}`"), kind(other))),
    }
}

/// The items of a tuple of `n`.
pub fn tuple(v: &Val, n: usize) -> Result<&[Val]> {
    match v {
        Val::Tuple(items) if items.len() == n => Ok(items),
        other => Err(mismatch(&format!("a tuple of {n}"), kind(other))),
    }
}

/// The case and payload of a variant.
pub fn variant<'a>(v: &'a Val, ty: &str) -> Result<(&'a str, Option<&'a Val>)> {
    match v {
        Val::Variant(case, payload) => Ok((case, payload.as_deref())),
        other => Err(mismatch(&format!("variant `{ty}`"), kind(other))),
    }
}

/// A case's payload, which it must have.
pub fn payload<'a>(v: Option<&'a Val>, ty: &str) -> Result<&'a Val> {
    v.ok_or_else(|| mismatch(&format!("a payload in `{ty}`"), "none"))
}

/// The case of an enum.
pub fn enum_case<'a>(v: &'a Val, ty: &str) -> Result<&'a str> {
    match v {
        Val::Enum(case) => Ok(case),
        other => Err(mismatch(&format!("enum `{ty}`"), kind(other))),
    }
}

/// The names of the flags set.
pub fn flags<'a>(v: &'a Val, ty: &str) -> Result<impl Iterator<Item = &'a str>> {
    match v {
        Val::Flags(names) => Ok(names.iter().map(String::as_str)),
        other => Err(mismatch(&format!("flags `{ty}`"), kind(other))),
    }
}

/// A case or flag the type does not have.
pub fn unknown_case(ty: &str, case: &str) -> Error {
    Error::new(
        ErrorKind::Usage,
        format!("type mismatch in generated bindings: `{ty}` has no case `{case}`"),
    )
}

/// The handle of a resource value.
pub fn resource(v: &Val, ty: &str) -> Result<ResourceAny> {
    match v {
        Val::Resource(r) => Ok(r.clone()),
        other => Err(mismatch(&format!("resource `{ty}`"), kind(other))),
    }
}

/// A handle to the host resource `rep` of the Rust type `R`.
pub fn host_resource<R: 'static>(rep: u32, own: bool) -> Val {
    let ty = ResourceType::host::<R>();
    let handle = if own {
        ResourceAny::new_own(ty, rep)
    } else {
        ResourceAny::new_borrow(ty, rep)
    };
    Val::Resource(handle.expect("a host resource type makes host handles"))
}

/// The host's number for a host resource.
pub fn host_rep(v: &Val, ty: &str) -> Result<u32> {
    resource(v, ty)?
        .rep()
        .ok_or_else(|| mismatch(&format!("host resource `{ty}`"), "a guest resource"))
}

/// The `i`th of a function's arguments, for tools that call through `Val`s.
pub fn arg(params: &[Val], i: usize) -> Result<&Val> {
    params
        .get(i)
        .ok_or_else(|| mismatch(&format!("at least {} arguments", i + 1), "fewer"))
}

/// A missing export.
pub fn missing(what: &str) -> Error {
    Error::new(
        ErrorKind::Link,
        format!("the component does not export {what}"),
    )
}

// The typed path: flat values and the component's memory.

macro_rules! access {
($($load:ident, $store:ident, $put:ident, $t:ty;)*) => {$(
/// Reads a value at `addr + offset` of the component's memory.
pub fn $load<T>(cx: &FlatContext<'_, '_, T>, addr: i32, offset: u32) -> Result<$t> {
let at = (addr as u32).checked_add(offset).ok_or_else(|| abi_trap("pointer overflow"))?;
let bytes = cx.bytes(at, core::mem::size_of::<$t>() as u32)?;
Ok(<$t>::from_le_bytes(bytes.try_into().expect("the size asked for")))
}
/// Writes a value at `addr + offset` of the component's memory.
pub fn $store<T>(cx: &mut FlatContext<'_, '_, T>, addr: i32, offset: u32, value: $t) -> Result<()> {
let at = (addr as u32).checked_add(offset).ok_or_else(|| abi_trap("pointer overflow"))?;
cx.bytes_mut(at, core::mem::size_of::<$t>() as u32)?.copy_from_slice(&value.to_le_bytes());
Ok(())
}
/// Writes a value at `offset` of a list element being assembled, which
/// [`store_bytes`] then copies into the component's memory.
#[inline]
pub fn $put(buf: &mut [u8], offset: usize, value: $t) {
buf[offset..offset + core::mem::size_of::<$t>()].copy_from_slice(&value.to_le_bytes());
}
)*};
}

access! {
load_u8, store_u8, put_u8, u8;
load_i8, store_i8, put_i8, i8;
load_u16, store_u16, put_u16, u16;
load_i16, store_i16, put_i16, i16;
load_i32, store_i32, put_i32, i32;
load_i64, store_i64, put_i64, i64;
load_f32, store_f32, put_f32, f32;
load_f64, store_f64, put_f64, f64;
}

/// Copies an assembled list element into the component's memory at `addr`.
pub fn store_bytes<T>(cx: &mut FlatContext<'_, '_, T>, addr: i32, bytes: &[u8]) -> Result<()> {
    let len = u32::try_from(bytes.len()).map_err(|_| abi_trap("list element too large"))?;
    cx.bytes_mut(addr as u32, len)?.copy_from_slice(bytes);
    Ok(())
}

/// A number whose list elements are copied as they are (little-endian).
pub trait Canon: Copy {
    /// Its size in bytes, which is also its alignment.
    const SIZE: usize;
    /// The number stored little-endian in `bytes` (`SIZE` of them).
    fn from_le(bytes: &[u8]) -> Self;
    /// Stores the number little-endian in `out` (`SIZE` bytes).
    fn to_le(self, out: &mut [u8]);
}

macro_rules! canon {
($($t:ty),*) => {$(
impl Canon for $t {
const SIZE: usize = core::mem::size_of::<$t>();
fn from_le(bytes: &[u8]) -> $t {
<$t>::from_le_bytes(bytes.try_into().expect("an element"))
}
fn to_le(self, out: &mut [u8]) {
out.copy_from_slice(&self.to_le_bytes());
}
}
)*};
}

canon!(u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);

/// The bytes of `n` elements of `size` bytes, if the component can hold them.
pub fn list_bytes(n: usize, size: u32) -> Result<u32> {
    u32::try_from(n)
        .ok()
        .and_then(|n| n.checked_mul(size))
        .ok_or_else(|| abi_trap("list too long for the component"))
}

/// A list of numbers from the component's memory.
pub fn lift_canon<T, E: Canon>(cx: &FlatContext<'_, '_, T>, ptr: i32, len: i32) -> Result<Vec<E>> {
    let bytes = cx.list(ptr as u32, len as u32, E::SIZE as u32, E::SIZE as u32)?;
    Ok(bytes.chunks_exact(E::SIZE).map(E::from_le).collect())
}

/// A list of numbers copied into memory the component allocates.
pub fn lower_canon<T, E: Canon>(
    cx: &mut FlatContext<'_, '_, T>,
    items: &[E],
) -> Result<(i32, i32)> {
    let size = list_bytes(items.len(), E::SIZE as u32)?;
    let ptr = cx.realloc(E::SIZE as u32, size)?;
    let out = cx.bytes_mut(ptr, size)?;
    for (item, chunk) in items.iter().zip(out.chunks_exact_mut(E::SIZE)) {
        item.to_le(chunk);
    }
    Ok((ptr as i32, items.len() as i32))
}

/// A `char` from its code point; a surrogate or a value past U+10FFFF traps.
pub fn lift_char(v: i32) -> Result<char> {
    char::from_u32(v as u32).ok_or_else(|| abi_trap(format!("invalid char value {:#x}", v as u32)))
}

/// The trap for a discriminant out of range.
pub fn invalid_discriminant(what: &str, d: u32) -> Error {
    abi_trap(format!("invalid {what} discriminant {d}"))
}

/// The representation of a host resource.
pub fn rep(r: &ResourceAny) -> Result<u32> {
    r.rep()
        .ok_or_else(|| abi_trap("a guest resource where a host resource was expected"))
}

/// A handle to the host resource `rep`.
pub fn host_handle(ty: &ResourceType, rep: u32, own: bool) -> Result<ResourceAny> {
    if own {
        ResourceAny::new_own(ty.clone(), rep)
    } else {
        ResourceAny::new_borrow(ty.clone(), rep)
    }
}

/// `Lower` and `Lift` for a tuple of the types and positions given.
macro_rules! tuple {
    ($($t:ident $i:tt),+) => {
        impl<$($t: Lower),+> Lower for ($($t,)+) {
            fn lower(&self) -> Val {
                Val::Tuple(vec![$(self.$i.lower()),+])
            }
        }

        impl<$($t: Lift),+> Lift for ($($t,)+) {
            fn lift(v: &Val) -> Result<Self> {
                let items = tuple(v, [$($i),+].len())?;
                Ok(($($t::lift(&items[$i])?,)+))
            }
        }
    };
}

tuple!(A 0);
tuple!(A 0, B 1);
tuple!(A 0, B 1, C 2);
tuple!(A 0, B 1, C 2, D 3);
tuple!(A 0, B 1, C 2, D 3, E 4);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15, Q 16);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15, Q 16, R 17);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15, Q 16, R 17, S 18);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15, Q 16, R 17, S 18, T 19);
