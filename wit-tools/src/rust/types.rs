//! Rust definitions of named WIT types: structs, enums, flags, aliases and
//! resource handles.

use super::names::{camel, shouty, snake, Mode, Names};
use crate::source::Source;
use wit_parser::{Flags, FlagsRepr, Record, Type, TypeDefKind, TypeId, Variant};

/// Writes the definition of the named type `id` into module `from`.
pub fn define(names: &Names<'_>, id: TypeId, from: &[String], src: &mut Source) {
    let analysis = names.analysis;
    let def = &analysis.resolve().types[id];
    let name = names.type_name(id);
    src.blank();
    src.docs("///", def.docs.contents.as_deref());
    match &def.kind {
        TypeDefKind::Record(r) => record(names, id, &name, r, from, src),
        TypeDefKind::Variant(v) => variant(names, id, &name, v, from, src),
        TypeDefKind::Enum(e) => {
            let repr = match e.cases.len() {
                0..=256 => "u8",
                257..=65536 => "u16",
                _ => "u32",
            };
            src.line("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]");
            src.line(&format!("#[repr({repr})]"));
            src.line(&format!("pub enum {name} {{"));
            for case in &e.cases {
                src.docs("///", case.docs.contents.as_deref());
                src.line(&format!("{},", camel(&case.name)));
            }
            src.line("}");
            src.blank();
            src.line(&format!("impl {name} {{"));
            src.line("/// The cases, by discriminant.");
            src.line(&format!(
                "pub const CASES: [{name}; {}] = [{}];",
                e.cases.len(),
                e.cases
                    .iter()
                    .map(|c| format!("{name}::{}", camel(&c.name)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            src.line("}");
        }
        TypeDefKind::Flags(f) => flags(&name, f, src),
        TypeDefKind::Resource => resource(names, id, &name, src),
        TypeDefKind::Type(t) => {
            let target = match t {
                Type::Id(id) if analysis.resolve().types[*id].name.is_some() => {
                    names.defining_path(*id, from)
                }
                _ => names.ty(t, from, Mode::Owned),
            };
            src.line(&format!("pub type {name} = {target};"));
        }
        TypeDefKind::Tuple(_)
        | TypeDefKind::Option(_)
        | TypeDefKind::Result(_)
        | TypeDefKind::List(_)
        | TypeDefKind::Handle(_) => {
            // `type triple = tuple<...>`: an alias of the structure.
            src.line(&format!(
                "pub type {name} = {};",
                names.structure(&def.kind, from, Mode::Owned)
            ));
        }
        other => unreachable!("{} refused by the analysis", other.as_str()),
    }
}

/// The derives a type holding `ty`s can have: `Copy` without lists or
/// handles, `Clone` and `PartialEq` without handles.
fn derives(names: &Names<'_>, id: TypeId) -> &'static str {
    let info = names.analysis.info(&Type::Id(id));
    if info.has_resource {
        "#[derive(Debug)]"
    } else if info.has_list {
        "#[derive(Clone, Debug, PartialEq)]"
    } else {
        "#[derive(Clone, Copy, Debug, PartialEq)]"
    }
}

fn record(
    names: &Names<'_>,
    id: TypeId,
    name: &str,
    r: &Record,
    from: &[String],
    src: &mut Source,
) {
    src.line(derives(names, id));
    src.line(&format!("pub struct {name} {{"));
    for field in &r.fields {
        src.docs("///", field.docs.contents.as_deref());
        src.line(&format!(
            "pub {}: {},",
            snake(&field.name),
            names.ty(&field.ty, from, Mode::Owned)
        ));
    }
    src.line("}");
}

fn variant(
    names: &Names<'_>,
    id: TypeId,
    name: &str,
    v: &Variant,
    from: &[String],
    src: &mut Source,
) {
    src.line(derives(names, id));
    src.line(&format!("pub enum {name} {{"));
    for case in &v.cases {
        src.docs("///", case.docs.contents.as_deref());
        match &case.ty {
            Some(ty) => src.line(&format!(
                "{}({}),",
                camel(&case.name),
                names.ty(ty, from, Mode::Owned)
            )),
            None => src.line(&format!("{},", camel(&case.name))),
        }
    }
    src.line("}");
}

/// The integer type holding a flags value's bits.
pub fn flags_int(f: &Flags) -> &'static str {
    match f.repr() {
        FlagsRepr::U8 => "u8",
        FlagsRepr::U16 => "u16",
        FlagsRepr::U32(1) => "u32",
        FlagsRepr::U32(_) => "u64",
    }
}

fn flags(name: &str, f: &Flags, src: &mut Source) {
    let int = flags_int(f);
    let all: u64 = if f.flags.len() == 64 {
        u64::MAX
    } else {
        (1u64 << f.flags.len()) - 1
    };
    src.line("#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]");
    src.line(&format!("pub struct {name} {{"));
    src.line(&format!("bits: {int},"));
    src.line("}");
    src.blank();
    src.line(&format!("impl {name} {{"));
    for (i, flag) in f.flags.iter().enumerate() {
        src.docs("///", flag.docs.contents.as_deref());
        src.line(&format!(
            "pub const {}: {name} = {name} {{ bits: 1 << {i} }};",
            shouty(&flag.name)
        ));
    }
    src.line(&format!(
        "/// The names of the flags, by bit.\nconst NAMES: [&'static str; {}] = [{}];",
        f.flags.len(),
        f.flags
            .iter()
            .map(|f| format!("{:?}", f.name))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    src.line(&format!(
        "
/// No flag set.
pub const fn empty() -> {name} {{
{name} {{ bits: 0 }}
}}

/// Every flag set.
pub const fn all() -> {name} {{
{name} {{ bits: {all:#x} }}
}}

/// The bits: flag `i` (in WIT order) is bit `i`.
pub const fn bits(self) -> {int} {{
self.bits
}}

/// The flags of `bits`, ignoring bits that are no flag.
pub const fn from_bits_truncate(bits: {int}) -> {name} {{
{name} {{ bits: bits & {all:#x} }}
}}

/// The flags of `bits`, or `None` when a bit set is no flag.
pub const fn from_bits(bits: {int}) -> Option<{name}> {{
if bits & !{all:#x} == 0 {{
Some({name} {{ bits }})
}} else {{
None
}}
}}

/// Whether no flag is set.
pub const fn is_empty(self) -> bool {{
self.bits == 0
}}

/// Whether every flag of `other` is set in `self`.
pub const fn contains(self, other: {name}) -> bool {{
self.bits & other.bits == other.bits
}}

/// Whether `self` and `other` have a flag in common.
pub const fn intersects(self, other: {name}) -> bool {{
self.bits & other.bits != 0
}}

/// Sets the flags of `other`.
pub fn insert(&mut self, other: {name}) {{
self.bits |= other.bits;
}}

/// Clears the flags of `other`.
pub fn remove(&mut self, other: {name}) {{
self.bits &= !other.bits;
}}

/// The WIT names of the flags set, in WIT order.
pub fn names(self) -> impl Iterator<Item = &'static str> {{
(0..Self::NAMES.len())
.filter(move |i| self.bits & (1 << i) != 0)
.map(|i| Self::NAMES[i])
}}

/// The flag named `name` in WIT.
pub fn from_name(name: &str) -> Option<{name}> {{
Self::NAMES
.iter()
.position(|n| *n == name)
.map(|i| {name} {{ bits: 1 << i }})
}}
}}

impl core::ops::BitOr for {name} {{
type Output = {name};
fn bitor(self, other: {name}) -> {name} {{
{name} {{ bits: self.bits | other.bits }}
}}
}}

impl core::ops::BitAnd for {name} {{
type Output = {name};
fn bitand(self, other: {name}) -> {name} {{
{name} {{ bits: self.bits & other.bits }}
}}
}}

impl core::ops::BitXor for {name} {{
type Output = {name};
fn bitxor(self, other: {name}) -> {name} {{
{name} {{ bits: self.bits ^ other.bits }}
}}
}}

impl core::ops::Sub for {name} {{
type Output = {name};
fn sub(self, other: {name}) -> {name} {{
{name} {{ bits: self.bits & !other.bits }}
}}
}}

impl core::ops::Not for {name} {{
type Output = {name};
fn not(self) -> {name} {{
{name} {{ bits: !self.bits & {all:#x} }}
}}
}}

impl core::ops::BitOrAssign for {name} {{
fn bitor_assign(&mut self, other: {name}) {{
self.bits |= other.bits;
}}
}}

impl core::ops::BitAndAssign for {name} {{
fn bitand_assign(&mut self, other: {name}) {{
self.bits &= other.bits;
}}
}}

impl core::fmt::Debug for {name} {{
fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {{
f.write_str(\"{name}(\")?;
for (i, name) in self.names().enumerate() {{
if i > 0 {{
f.write_str(\" | \")?;
}}
f.write_str(name)?;
}}
f.write_str(\")\")
}}
}}"
    ));
}

fn resource(names: &Names<'_>, id: TypeId, name: &str, src: &mut Source) {
    if names.analysis.is_host_resource(id) {
        src.line(&format!(
            "///
/// The host implements this resource: a `{name}` is the host's number
/// (`rep`) for one, which the host's code chooses and the guest only holds
/// through a handle.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct {name} {{
rep: u32,
}}

impl {name} {{
/// The resource the host numbers `rep`.
pub fn new(rep: u32) -> {name} {{
{name} {{ rep }}
}}

/// The host's number for this resource.
pub fn rep(&self) -> u32 {{
self.rep
}}
}}"
        ));
    } else {
        src.line(&format!(
            "///
/// The guest implements this resource: a `{name}` is the host's handle to
/// one. Dropping it in Rust leaks the resource until the instance goes
/// away; [`{name}::resource_drop`] runs the guest's destructor.
#[derive(Debug)]
pub struct {name} {{
handle: ::kiln::component::ResourceAny,
}}

impl {name} {{
/// The handle as the dynamic API sees it.
pub fn as_resource(&self) -> &::kiln::component::ResourceAny {{
&self.handle
}}

/// Wraps a handle of the dynamic API (which must be of this type).
pub fn from_resource(handle: ::kiln::component::ResourceAny) -> {name} {{
{name} {{ handle }}
}}

/// Drops the resource: the guest's destructor runs now.
pub fn resource_drop<T: 'static>(self, store: impl ::kiln::AsContextMut<Data = T>) -> ::kiln::Result<()> {{
self.handle.resource_drop(store)
}}
}}"
        ));
    }
}
