//! The module of support code at the root of each generated file
//! (`__kiln_rt`): access to the component's memory for the typed path, and
//! conversions between the generated types and `kiln::component::Val`.

use super::names::Names;
use crate::source::Source;
use wit_parser::TypeDefKind;

/// The name of the module at the file's root.
pub const RT: &str = "__kiln_rt";

/// The arities of the tuples the world uses.
fn tuple_arities(names: &Names<'_>) -> Vec<usize> {
    let resolve = names.analysis.resolve();
    let mut arities: Vec<usize> = names
        .analysis
        .types()
        .iter()
        .filter_map(|&id| match &resolve.types[id].kind {
            TypeDefKind::Tuple(t) => Some(t.types.len()),
            _ => None,
        })
        .collect();
    arities.sort_unstable();
    arities.dedup();
    arities
}

/// The module of conversions between Rust values and `Val`, at the root.
pub fn rt_module(names: &Names<'_>, src: &mut Source) {
    src.blank();
    src.line("/// Conversions between the types above and `kiln::component::Val`.");
    src.line("#[doc(hidden)]");
    src.line(&format!("pub mod {RT} {{"));
    src.line(RT_BODY);
    for n in tuple_arities(names) {
        let vars: Vec<String> = (0..n).map(|i| format!("T{i}")).collect();
        let generics = vars.join(", ");
        let bounds_lower = vars
            .iter()
            .map(|v| format!("{v}: Lower"))
            .collect::<Vec<_>>()
            .join(", ");
        let bounds_lift = vars
            .iter()
            .map(|v| format!("{v}: Lift"))
            .collect::<Vec<_>>()
            .join(", ");
        let tuple = if n == 1 {
            "(T0,)".to_string()
        } else {
            format!("({generics})")
        };
        src.blank();
        src.line(&format!("impl<{bounds_lower}> Lower for {tuple} {{"));
        src.line("fn lower(&self) -> Val {");
        src.line(&format!(
            "Val::Tuple(vec![{}])",
            (0..n)
                .map(|i| format!("self.{i}.lower()"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        src.line("}");
        src.line("}");
        src.blank();
        src.line(&format!("impl<{bounds_lift}> Lift for {tuple} {{"));
        src.line(&format!("fn lift(v: &Val) -> ::kiln::Result<{tuple}> {{"));
        src.line(&format!("let items = tuple(v, {n})?;"));
        src.line(&format!(
            "Ok(({}{}))",
            (0..n)
                .map(|i| format!("T{i}::lift(&items[{i}])?"))
                .collect::<Vec<_>>()
                .join(", "),
            if n == 1 { "," } else { "" }
        ));
        src.line("}");
        src.line("}");
    }
    src.line("}");
}

const RT_BODY: &str = r#"pub use ::kiln::component::Val;
use ::kiln::{Error, ErrorKind, Result};

/// A value the host gives the component.
pub trait Lower {
fn lower(&self) -> Val;
/// The payload of a case holding this type (`None` only for `()`).
fn lower_payload(&self) -> Option<Box<Val>> {
Some(Box::new(self.lower()))
}
}

/// A value the host takes from the component.
pub trait Lift: Sized {
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
Val::Record(got) if got.len() == fields.len() && got.iter().zip(fields).all(|((n, _), f)| n == f) => {
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
pub fn resource(v: &Val, ty: &str) -> Result<::kiln::component::ResourceAny> {
match v {
Val::Resource(r) => Ok(r.clone()),
other => Err(mismatch(&format!("resource `{ty}`"), kind(other))),
}
}

/// A handle to the host resource `rep` of the Rust type `R`.
pub fn host_resource<R: 'static>(rep: u32, own: bool) -> Val {
let ty = ::kiln::component::ResourceType::host::<R>();
let handle = if own {
::kiln::component::ResourceAny::new_own(ty, rep)
} else {
::kiln::component::ResourceAny::new_borrow(ty, rep)
};
Val::Resource(handle.expect("a host resource type makes host handles"))
}

/// The host's number for a host resource.
pub fn host_rep(v: &Val, ty: &str) -> Result<u32> {
resource(v, ty)?
.rep()
.ok_or_else(|| mismatch(&format!("host resource `{ty}`"), "a guest resource"))
}

/// The `i`th argument a host function receives.
pub fn arg(params: &[Val], i: usize) -> Result<&Val> {
params
.get(i)
.ok_or_else(|| mismatch(&format!("at least {} arguments", i + 1), "fewer"))
}

/// Sets the one result of a host function.
pub fn set_result(results: &mut [Val], v: Val) -> Result<()> {
match results {
[slot] => {
*slot = v;
Ok(())
}
_ => Err(mismatch("room for one result", "another number")),
}
}

/// The room for `N` results of a call.
pub fn results<const N: usize>() -> [Val; N] {
core::array::from_fn(|_| Val::Bool(false))
}

/// A missing export.
pub fn missing(what: &str) -> Error {
Error::new(ErrorKind::Link, format!("the component does not export {what}"))
}

// --- The typed path: flat values and the component's memory. ---

pub use ::kiln::component::FlatContext;

macro_rules! access {
($($load:ident, $store:ident, $t:ty;)*) => {$(
/// Reads a value at `addr + offset` of the component's memory.
pub fn $load<T>(cx: &FlatContext<'_, '_, T>, addr: i32, offset: u32) -> Result<$t> {
let at = (addr as u32).checked_add(offset).ok_or_else(|| ::kiln::component::abi_trap("pointer overflow"))?;
let bytes = cx.bytes(at, core::mem::size_of::<$t>() as u32)?;
Ok(<$t>::from_le_bytes(bytes.try_into().expect("the size asked for")))
}
/// Writes a value at `addr + offset` of the component's memory.
pub fn $store<T>(cx: &mut FlatContext<'_, '_, T>, addr: i32, offset: u32, value: $t) -> Result<()> {
let at = (addr as u32).checked_add(offset).ok_or_else(|| ::kiln::component::abi_trap("pointer overflow"))?;
cx.bytes_mut(at, core::mem::size_of::<$t>() as u32)?.copy_from_slice(&value.to_le_bytes());
Ok(())
}
)*};
}

access! {
load_u8, store_u8, u8;
load_i8, store_i8, i8;
load_u16, store_u16, u16;
load_i16, store_i16, i16;
load_i32, store_i32, i32;
load_i64, store_i64, i64;
load_f32, store_f32, f32;
load_f64, store_f64, f64;
}

/// A number whose list elements are copied as they are (little-endian).
pub trait Canon: Copy {
/// Its size in bytes, which is also its alignment.
const SIZE: usize;
fn from_le(bytes: &[u8]) -> Self;
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
.ok_or_else(|| ::kiln::component::abi_trap("list too long for the component"))
}

/// A list of numbers from the component's memory.
pub fn lift_canon<T, E: Canon>(cx: &FlatContext<'_, '_, T>, ptr: i32, len: i32) -> Result<Vec<E>> {
let bytes = cx.list(ptr as u32, len as u32, E::SIZE as u32, E::SIZE as u32)?;
Ok(bytes.chunks_exact(E::SIZE).map(E::from_le).collect())
}

/// A list of numbers copied into memory the component allocates.
pub fn lower_canon<T, E: Canon>(cx: &mut FlatContext<'_, '_, T>, items: &[E]) -> Result<(i32, i32)> {
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
char::from_u32(v as u32).ok_or_else(|| {
::kiln::component::abi_trap(format!("invalid char value {:#x}", v as u32))
})
}

/// The trap for a discriminant out of range.
pub fn invalid_discriminant(what: &str, d: u32) -> Error {
::kiln::component::abi_trap(format!("invalid {what} discriminant {d}"))
}

/// The representation of a host resource.
pub fn rep(r: &::kiln::component::ResourceAny) -> Result<u32> {
r.rep().ok_or_else(|| ::kiln::component::abi_trap("a guest resource where a host resource was expected"))
}

/// A handle to the host resource `rep`.
pub fn host_handle(ty: &::kiln::component::ResourceType, rep: u32, own: bool) -> Result<::kiln::component::ResourceAny> {
if own {
::kiln::component::ResourceAny::new_own(ty.clone(), rep)
} else {
::kiln::component::ResourceAny::new_borrow(ty.clone(), rep)
}
}"#;
