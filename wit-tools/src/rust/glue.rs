//! The glue between the generated Rust types and `kiln::component`:
//! `add_to_linker` for imports and typed calls of exports, over the typed
//! path (`FlatFunc`, `LinkerInstance::func_new_flat`): the bodies, from
//! [`super::flat`], lower and lift every value through a `FlatContext`
//! with the canonical ABI's instructions ([`crate::abi::host_call`]).
//!
//! Each named type also converts to and from `kiln::component::Val`
//! (`rt::Lower`, `rt::Lift`), for tools that hold dynamic values.

use super::names::{relative, snake, Mode, Names};
use crate::analysis::{Func, Scope};
use crate::source::Source;
use wit_parser::{FunctionKind, TypeDefKind, TypeId};

/// The name of the module of conversions at the file's root.
pub const RT: &str = "__kiln_rt";

/// `use <root>::__kiln_rt as rt;` for a module at `path`.
pub fn use_rt(path: &[String], src: &mut Source) {
    src.line("#[allow(unused_imports)]");
    src.line(&format!("use {} as rt;", relative(path, &[], RT)));
}

/// The conversions of the named type `id` to and from `Val`.
pub fn conversions(names: &Names<'_>, id: TypeId, src: &mut Source) {
    let analysis = names.analysis;
    let def = &analysis.resolve().types[id];
    let name = names.type_name(id);
    let wit = def.name.as_deref().unwrap_or_default();
    match &def.kind {
        TypeDefKind::Record(r) => {
            src.blank();
            src.line(&format!("impl rt::Lower for {name} {{"));
            src.line("fn lower(&self) -> rt::Val {");
            src.line("rt::Val::Record(vec![");
            for f in &r.fields {
                src.line(&format!(
                    "({:?}.to_string(), rt::Lower::lower(&self.{})),",
                    f.name,
                    snake(&f.name)
                ));
            }
            src.line("])");
            src.line("}");
            src.line("}");
            src.blank();
            src.line(&format!("impl rt::Lift for {name} {{"));
            src.line(&format!(
                "fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{"
            ));
            src.line(&format!(
                "let fields = rt::record(v, {wit:?}, &[{}])?;",
                r.fields
                    .iter()
                    .map(|f| format!("{:?}", f.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            src.line(&format!("Ok({name} {{"));
            for (i, f) in r.fields.iter().enumerate() {
                src.line(&format!(
                    "{}: rt::Lift::lift(fields[{i}])?,",
                    snake(&f.name)
                ));
            }
            src.line("})");
            src.line("}");
            src.line("}");
        }
        TypeDefKind::Variant(v) => {
            src.blank();
            src.line(&format!("impl rt::Lower for {name} {{"));
            src.line("fn lower(&self) -> rt::Val {");
            src.line("match self {");
            for case in &v.cases {
                let cname = super::names::camel(&case.name);
                match &case.ty {
                    Some(_) => src.line(&format!(
                        "{name}::{cname}(x) => rt::Val::Variant({:?}.to_string(), Some(Box::new(rt::Lower::lower(x)))),",
                        case.name
                    )),
                    None => src.line(&format!(
                        "{name}::{cname} => rt::Val::Variant({:?}.to_string(), None),",
                        case.name
                    )),
                }
            }
            src.line("}");
            src.line("}");
            src.line("}");
            src.blank();
            src.line(&format!("impl rt::Lift for {name} {{"));
            src.line(&format!(
                "fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{"
            ));
            let binding = if v.cases.iter().any(|c| c.ty.is_some()) {
                "payload"
            } else {
                "_"
            };
            src.line(&format!(
                "let (case, {binding}) = rt::variant(v, {wit:?})?;"
            ));
            src.line("match case {");
            for case in &v.cases {
                let cname = super::names::camel(&case.name);
                match &case.ty {
                    Some(_) => src.line(&format!(
                        "{:?} => Ok({name}::{cname}(rt::Lift::lift(rt::payload(payload, {wit:?})?)?)),",
                        case.name
                    )),
                    None => src.line(&format!("{:?} => Ok({name}::{cname}),", case.name)),
                }
            }
            src.line(&format!("other => Err(rt::unknown_case({wit:?}, other)),"));
            src.line("}");
            src.line("}");
            src.line("}");
        }
        TypeDefKind::Enum(e) => {
            src.blank();
            src.line(&format!("impl rt::Lower for {name} {{"));
            src.line("fn lower(&self) -> rt::Val {");
            src.line("rt::Val::Enum(match self {");
            for case in &e.cases {
                src.line(&format!(
                    "{name}::{} => {:?},",
                    super::names::camel(&case.name),
                    case.name
                ));
            }
            src.line("}.to_string())");
            src.line("}");
            src.line("}");
            src.blank();
            src.line(&format!("impl rt::Lift for {name} {{"));
            src.line(&format!(
                "fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{"
            ));
            src.line(&format!("match rt::enum_case(v, {wit:?})? {{"));
            for case in &e.cases {
                src.line(&format!(
                    "{:?} => Ok({name}::{}),",
                    case.name,
                    super::names::camel(&case.name)
                ));
            }
            src.line(&format!("other => Err(rt::unknown_case({wit:?}, other)),"));
            src.line("}");
            src.line("}");
            src.line("}");
        }
        TypeDefKind::Flags(_) => {
            src.blank();
            src.line(&format!(
                "impl rt::Lower for {name} {{
fn lower(&self) -> rt::Val {{
rt::Val::Flags(self.names().map(str::to_string).collect())
}}
}}

impl rt::Lift for {name} {{
fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{
let mut flags = {name}::empty();
for flag in rt::flags(v, {wit:?})? {{
flags |= {name}::from_name(flag).ok_or_else(|| rt::unknown_case({wit:?}, flag))?;
}}
Ok(flags)
}}
}}"
            ));
        }
        TypeDefKind::Resource => {
            src.blank();
            if analysis.is_host_resource(id) {
                src.line(&format!(
                    "impl rt::Lower for {name} {{
fn lower(&self) -> rt::Val {{
rt::host_resource::<{name}>(self.rep, true)
}}
}}

impl rt::Lower for &{name} {{
fn lower(&self) -> rt::Val {{
rt::host_resource::<{name}>(self.rep, false)
}}
}}

impl rt::Lift for {name} {{
fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{
Ok({name}::new(rt::host_rep(v, {wit:?})?))
}}
}}"
                ));
            } else {
                src.line(&format!(
                    "impl rt::Lower for {name} {{
fn lower(&self) -> rt::Val {{
rt::Val::Resource(self.handle.clone())
}}
}}

impl rt::Lower for &{name} {{
fn lower(&self) -> rt::Val {{
rt::Val::Resource(self.handle.clone())
}}
}}

impl rt::Lift for {name} {{
fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{
Ok({name} {{ handle: rt::resource(v, {wit:?})? }})
}}
}}"
                ));
            }
        }
        _ => {}
    }
}

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

/// A Rust function's parameter list and result type for calling `func`.
fn export_signature(names: &Names<'_>, func: &Func, path: &[String]) -> (Vec<String>, String) {
    let params = func
        .func
        .params
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                snake(&p.name),
                names.ty(&p.ty, path, Mode::ExportParam)
            )
        })
        .collect();
    let result = match &func.func.result {
        Some(ty) => names.ty(ty, path, Mode::Owned),
        None => "()".to_string(),
    };
    (params, result)
}

/// The name of the field holding `func` in a guest struct.
fn field(names: &Names<'_>, func: &Func) -> String {
    match func.resource {
        Some(r) => format!(
            "{}_{}",
            snake(
                names.analysis.resolve().types[r]
                    .name
                    .as_deref()
                    .unwrap_or("resource")
            ),
            snake(func.item_name()).trim_start_matches("r#")
        ),
        None => snake(&func.func.name),
    }
}

/// The name of the method calling the export `func`.
pub fn method_name(func: &Func) -> String {
    match func.func.kind {
        FunctionKind::Constructor(_) => "call_constructor".to_string(),
        _ => format!("call_{}", snake(func.item_name()).trim_start_matches("r#")),
    }
}

/// The method calling `func` on a struct whose field `field` holds it.
fn call_method(names: &Names<'_>, func: &Func, path: &[String], field: &str, src: &mut Source) {
    let (params, result) = export_signature(names, func, path);
    let method = method_name(func);
    src.blank();
    src.docs("///", func.func.docs.contents.as_deref());
    let mut all = vec![
        "&self".to_string(),
        "mut store: impl ::kiln::AsContextMut<Data = T>".to_string(),
    ];
    all.extend(params);
    src.line(&format!(
        "pub fn {method}<T: 'static>({}) -> ::kiln::Result<{result}> {{",
        all.join(", ")
    ));
    call_body(names, func, path, field, src);
    src.line("}");
}

/// Renames a closure parameter that its body does not use.
fn param(body: &str, name: &str) -> String {
    let used = body.match_indices(name).any(|(i, _)| {
        let before = body[..i].chars().last();
        let after = body[i + name.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !ident(before) && !ident(after)
    });
    if used {
        name.to_string()
    } else {
        format!("_{name}")
    }
}

/// The body of a call of an export over the typed path: a closure lowering
/// the arguments, the core call, a closure lifting the results.
fn call_body(names: &Names<'_>, func: &Func, path: &[String], field: &str, src: &mut Source) {
    let params: Vec<String> = func
        .func
        .params
        .iter()
        .map(|p| format!("&{}", snake(&p.name)))
        .collect();
    let owner = match field.split_once('.') {
        Some((outer, _)) => format!("self.{outer}."),
        None => "self.".to_string(),
    };
    let resolve = names.analysis.resolve();
    let guest_types = move |r: wit_parser::TypeId| {
        format!(
            "{owner}{}_ty",
            snake(resolve.types[r].name.as_deref().unwrap_or("resource")).trim_start_matches("r#")
        )
    };
    let mut gen = super::flat::FlatGen::new(names, func, path, params, &guest_types, String::new());
    crate::abi::host_call(names.analysis, func, &mut gen);
    let lower = gen.lower.take().expect("a call of an export calls wasm");
    let lift = gen.finish();
    src.line(&format!("self.{field}.call("));
    src.line("&mut store,");
    src.line(&format!("|{}| {{", param(&lower, "cx")));
    for l in lower.lines() {
        src.verbatim(l);
    }
    src.line("},");
    src.line(&format!(
        "|{}, {}| {{",
        param(&lift, "cx"),
        param(&lift, "ret")
    ));
    for l in lift.lines() {
        src.verbatim(l);
    }
    src.line("},");
    src.line(")");
}

/// A method of the world struct calling its top-level export `func`.
pub fn world_call(names: &Names<'_>, func: &Func, field: &str, src: &mut Source) {
    call_method(names, func, &[], field, src);
}

/// The type of the field holding an export for flat calls.
pub fn flat_func_type(func: &Func) -> String {
    format!(
        "::kiln::component::FlatFunc<{}, {}>",
        super::flat::core_types(&func.sig.params, true),
        super::flat::core_types(&func.sig.results, false)
    )
}

/// The snake-case name of a resource, for the fields holding its type.
fn resource_field(names: &Names<'_>, resource: wit_parser::TypeId) -> String {
    snake(
        names.analysis.resolve().types[resource]
            .name
            .as_deref()
            .unwrap_or("resource"),
    )
    .trim_start_matches("r#")
    .to_string()
}

/// The lookup of `func` in `instance`, under `iface` (or the root), as a
/// function for flat calls.
pub fn lookup(func: &Func, iface: Option<&str>) -> String {
    let flat = format!(
        ".typed_flat::<{}, {}>(&store)?",
        super::flat::core_types(&func.sig.params, true),
        super::flat::core_types(&func.sig.results, false)
    );
    match iface {
        Some(iface) => format!(
            "instance.get_func(&mut store, ({iface:?}, {:?})).ok_or_else(|| rt::missing(\"`{iface}#{}`\"))?{flat}",
            func.func.name, func.func.name
        ),
        None => format!(
            "instance.get_func(&mut store, {:?}).ok_or_else(|| rt::missing(\"`{}`\"))?{flat}",
            func.func.name, func.func.name
        ),
    }
}

/// The `Guest` struct of an exported interface: its functions found in an
/// instance, with a typed method per function (resource functions through
/// `guest.<resource>()`).
pub fn guest_struct(names: &Names<'_>, scope: &Scope, path: &[String], src: &mut Source) {
    src.blank();
    src.line(&format!(
        "/// The functions of the exported interface `{}`, found in an instance.",
        scope.name
    ));
    src.line("#[derive(Clone, Debug)]");
    src.line("pub struct Guest {");
    for func in &scope.funcs {
        src.line(&format!(
            "{}: {},",
            field(names, func),
            flat_func_type(func)
        ));
    }
    for &resource in &scope.resources {
        src.line(&format!(
            "{}_ty: ::kiln::component::ResourceType,",
            resource_field(names, resource)
        ));
    }
    src.line("}");
    src.blank();
    src.line("impl Guest {");
    src.line("/// Finds the interface's functions in `instance`.");
    src.line("pub fn new(mut store: impl ::kiln::AsContextMut, instance: &::kiln::component::Instance) -> ::kiln::Result<Guest> {");
    if scope.funcs.is_empty() {
        src.line("let _ = (&mut store, instance);");
    }
    src.line("Ok(Guest {");
    for func in &scope.funcs {
        src.line(&format!(
            "{}: {},",
            field(names, func),
            lookup(func, Some(&scope.name))
        ));
    }
    for &resource in &scope.resources {
        let wit = names.analysis.resolve().types[resource]
            .name
            .clone()
            .unwrap_or_default();
        src.line(&format!(
            "{}_ty: instance.get_resource(&mut store, ({:?}, {wit:?})).ok_or_else(|| rt::missing(\"the resource `{}#{wit}`\"))?,",
            resource_field(names, resource),
            scope.name,
            scope.name
        ));
    }
    src.line("})");
    src.line("}");
    for &resource in &scope.resources {
        let rname = names.type_name(resource);
        let wit = names.analysis.resolve().types[resource]
            .name
            .clone()
            .unwrap_or_default();
        src.blank();
        src.line(&format!(
            "/// The constructor, methods and static functions of the resource `{wit}`."
        ));
        src.line(&format!(
            "pub fn {}(&self) -> Guest{rname}<'_> {{",
            snake(&wit).trim_start_matches("r#")
        ));
        src.line(&format!("Guest{rname} {{ guest: self }}"));
        src.line("}");
    }
    for func in scope.funcs.iter().filter(|f| f.resource.is_none()) {
        call_method(names, func, path, &field(names, func), src);
    }
    src.line("}");
    for &resource in &scope.resources {
        let rname = names.type_name(resource);
        let wit = names.analysis.resolve().types[resource]
            .name
            .clone()
            .unwrap_or_default();
        src.blank();
        src.line(&format!(
            "/// The functions of the resource `{wit}` that the guest exports."
        ));
        src.line("#[derive(Clone, Copy, Debug)]");
        src.line(&format!("pub struct Guest{rname}<'a> {{"));
        src.line("guest: &'a Guest,");
        src.line("}");
        src.blank();
        src.line(&format!("impl Guest{rname}<'_> {{"));
        for func in scope.funcs.iter().filter(|f| f.resource == Some(resource)) {
            call_method(
                names,
                func,
                path,
                &format!("guest.{}", field(names, func)),
                src,
            );
        }
        src.line("}");
    }
}

/// The `add_to_linker` of an imported interface (or, with `root`, the body
/// defining the world's top-level imports).
pub fn add_to_linker(names: &Names<'_>, scope: &Scope, path: &[String], src: &mut Source) {
    let trait_name = super::host_trait_name(names, scope);
    src.blank();
    src.line(&format!(
        "/// Defines the interface `{}` in `linker`, implemented by the `{trait_name}` that `get` finds in the store's data.",
        scope.name
    ));
    src.line(&format!("pub fn add_to_linker<T: 'static, U: {trait_name} + 'static>(linker: &mut ::kiln::component::Linker<T>, get: fn(&mut T) -> &mut U) -> ::kiln::Result<()> {{"));
    src.line(&format!(
        "let mut inst = linker.instance({:?})?;",
        scope.name
    ));
    define_funcs(names, scope, path, src);
    src.line("Ok(())");
    src.line("}");
}

/// `inst.resource(...)` and `inst.func_new(...)` for every resource and
/// function of `scope`, into the linker instance `inst`.
pub fn define_funcs(names: &Names<'_>, scope: &Scope, path: &[String], src: &mut Source) {
    let analysis = names.analysis;
    for &resource in &scope.resources {
        let rname = names.type_name(resource);
        let wit = analysis.resolve().types[resource]
            .name
            .clone()
            .unwrap_or_default();
        src.line(&format!(
            "inst.resource({wit:?}, ::kiln::component::ResourceType::host::<{rname}>(), move |mut store, rep| Host{rname}::drop(get(store.data_mut()), {rname}::new(rep)))?;"
        ));
    }
    for func in &scope.funcs {
        let trait_name = match func.resource {
            Some(r) => format!("Host{}", names.type_name(r)),
            None => super::host_trait_name(names, scope),
        };
        let params: Vec<String> = func
            .sig
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| super::flat::from_slot(*t, i))
            .collect();
        let no_guest_types = |_: wit_parser::TypeId| -> String {
            unreachable!("an imported function refers to imported resources only")
        };
        let host_call = format!("{trait_name}::{}", snake(func.item_name()));
        let mut gen =
            super::flat::FlatGen::new(names, func, path, params, &no_guest_types, host_call);
        crate::abi::host_call(analysis, func, &mut gen);
        let body = gen.finish();
        src.line(&format!(
            "inst.func_new_flat({:?}, move |cx, {}| {{",
            func.func.name,
            param(&body, "slots")
        ));
        for l in body.lines() {
            src.verbatim(l);
        }
        src.line("})?;");
    }
}
