//! Python names, classes, type hints and type specs for WIT types.
//!
//! A *spec* is the expression generated code hands the package's native
//! code once per function (see `kiln.component.TypedFunc`): nested tuples
//! naming each WIT type and the Python classes that stand for it, so that
//! lowering and lifting run in native code.

use crate::analysis::{Direction, WorldAnalysis};
use std::collections::HashMap;
use wit_parser::{Handle, Type, TypeDefKind, TypeId};

/// Python's keywords, and names the generated code uses itself: a WIT name
/// that is one gets a trailing underscore.
const RESERVED: &[&str] = &[
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "self",
    "store",
    "component",
    "bool",
    "int",
    "float",
    "str",
    "bytes",
];

/// `kebab-case` as `snake_case`, escaped if reserved.
pub fn snake(name: &str) -> String {
    let s = name.replace('-', "_");
    if RESERVED.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// `kebab-case` as `UPPER_SNAKE`, for enum and flag members.
pub fn upper(name: &str) -> String {
    name.replace('-', "_").to_uppercase()
}

/// `kebab-case` as `CamelCase`.
pub fn camel(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// The last part of an interface's name: `list-api` for
/// `kiln:corpus/list-api`, `host-info` for `kiln:shared/host-info@0.1.0`.
pub fn short_name(full: &str) -> &str {
    let name = full.rsplit('/').next().unwrap_or(full);
    name.split('@').next().unwrap_or(name)
}

/// The Python names of a world's named types.
pub struct Names<'a> {
    pub analysis: &'a WorldAnalysis,
    classes: HashMap<TypeId, String>,
    /// The functions whose `result` is returned as its `ok` value, its
    /// `err` raised as an exception: names as components give them
    /// (`iface#func`, `func` at the top level), or `*` for all.
    pub raising: Vec<String>,
}

impl<'a> Names<'a> {
    pub fn new(analysis: &'a WorldAnalysis, raising: Vec<String>) -> Names<'a> {
        let resolve = analysis.resolve();
        let named: Vec<TypeId> = analysis
            .types()
            .iter()
            .copied()
            .filter(|id| {
                matches!(
                    resolve.types[*id].kind,
                    TypeDefKind::Record(_)
                        | TypeDefKind::Variant(_)
                        | TypeDefKind::Enum(_)
                        | TypeDefKind::Flags(_)
                        | TypeDefKind::Resource
                )
            })
            .collect();
        let plain = |id: TypeId| camel(resolve.types[id].name.as_deref().unwrap_or("anonymous"));
        let mut count: HashMap<String, usize> = HashMap::new();
        for id in &named {
            *count.entry(plain(*id)).or_default() += 1;
        }
        let mut classes = HashMap::new();
        for id in named {
            let base = plain(id);
            let name = if count[&base] > 1 {
                let owner = analysis
                    .scope_of(id)
                    .map(|s| camel(short_name(&s.name)))
                    .unwrap_or_default();
                format!("{owner}{base}")
            } else {
                base
            };
            classes.insert(id, name);
        }
        Names {
            analysis,
            classes,
            raising,
        }
    }

    /// The class of a named record, variant (its `Union` alias), enum,
    /// flags or resource.
    pub fn class(&self, id: TypeId) -> &str {
        self.classes
            .get(&id)
            .map(String::as_str)
            .unwrap_or("_t.Any")
    }

    /// The class of one case of a variant.
    pub fn case_class(&self, id: TypeId, case: &str) -> String {
        format!("{}{}", self.class(id), camel(case))
    }

    /// The handle class of a resource, as the host holds it: the resource's
    /// name for the guest's resources, `<Name>Handle` for the host's own.
    pub fn handle_class(&self, id: TypeId) -> String {
        if self.analysis.is_host_resource(id) {
            format!("{}Handle", self.class(id))
        } else {
            self.class(id).to_string()
        }
    }

    fn def(&self, ty: &Type) -> Option<(TypeId, &TypeDefKind)> {
        match self.analysis.dealias(ty) {
            Type::Id(id) => Some((id, &self.analysis.resolve().types[id].kind)),
            _ => None,
        }
    }

    /// Whether a Python value of `ty` can be `None`: an option's payload
    /// of such a type needs `Some` around it.
    fn may_be_none(&self, ty: &Type) -> bool {
        matches!(self.def(ty), Some((_, TypeDefKind::Option(_))))
    }

    /// The type hint of a value of `ty`; `side` says whether the value
    /// crosses a call of an export (handles are handle classes) or of an
    /// import (the host's resources are its own objects).
    pub fn hint(&self, ty: &Type, side: Direction) -> String {
        self.hint_in(ty, side, false)
    }

    /// The type hint of a value of `ty` in an imported interface's
    /// `Protocol`, where the host's resources are the protocol's type
    /// variables (`_BlobT`), so that a host's own classes fit it.
    pub fn generic_hint(&self, ty: &Type) -> String {
        self.hint_in(ty, Direction::Import, true)
    }

    /// The name of the type variable standing for the host's resource `id`.
    pub fn type_var(&self, id: TypeId) -> String {
        format!("_{}T", self.class(id))
    }

    fn hint_in(&self, ty: &Type, side: Direction, generic: bool) -> String {
        let hint = |t: &Type| self.hint_in(t, side, generic);
        match self.analysis.dealias(ty) {
            Type::Bool => "bool".into(),
            Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::S8
            | Type::S16
            | Type::S32
            | Type::S64 => "int".into(),
            Type::F32 | Type::F64 => "float".into(),
            Type::Char | Type::String => "str".into(),
            Type::ErrorContext => "_t.Any".into(),
            Type::Id(id) => match &self.analysis.resolve().types[id].kind {
                TypeDefKind::Record(_)
                | TypeDefKind::Variant(_)
                | TypeDefKind::Enum(_)
                | TypeDefKind::Flags(_) => self.class(id).to_string(),
                TypeDefKind::List(t) => {
                    if matches!(self.analysis.dealias(t), Type::U8) {
                        "bytes".into()
                    } else {
                        format!("_t.List[{}]", hint(t))
                    }
                }
                TypeDefKind::Tuple(t) => {
                    if t.types.is_empty() {
                        "_t.Tuple[()]".into()
                    } else {
                        let inner: Vec<String> = t.types.iter().map(&hint).collect();
                        format!("_t.Tuple[{}]", inner.join(", "))
                    }
                }
                TypeDefKind::Option(t) => {
                    if self.may_be_none(t) {
                        format!("_t.Optional[_kc.Some[{}]]", hint(t))
                    } else {
                        format!("_t.Optional[{}]", hint(t))
                    }
                }
                TypeDefKind::Result(r) => {
                    let side_hint = |t: &Option<Type>| match t {
                        Some(t) => hint(t),
                        None => "None".into(),
                    };
                    format!(
                        "_t.Union[_kc.Ok[{}], _kc.Err[{}]]",
                        side_hint(&r.ok),
                        side_hint(&r.err)
                    )
                }
                TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
                    let r = wit_bindgen_core::dealias(self.analysis.resolve(), *r);
                    match side {
                        Direction::Import if self.analysis.is_host_resource(r) && generic => {
                            self.type_var(r)
                        }
                        Direction::Import if self.analysis.is_host_resource(r) => {
                            self.class(r).to_string()
                        }
                        Direction::Import => "_t.Any".into(),
                        Direction::Export => self.handle_class(r),
                    }
                }
                TypeDefKind::Resource => self.handle_class(id),
                _ => "_t.Any".into(),
            },
        }
    }

    /// The spec of `ty` (see the module's docs); the expression may refer
    /// to `w`, the world object, for its handle factories and tables.
    pub fn spec(&self, ty: &Type, side: Direction) -> String {
        match self.analysis.dealias(ty) {
            Type::Bool => "'bool'".into(),
            Type::U8 => "'u8'".into(),
            Type::U16 => "'u16'".into(),
            Type::U32 => "'u32'".into(),
            Type::U64 => "'u64'".into(),
            Type::S8 => "'s8'".into(),
            Type::S16 => "'s16'".into(),
            Type::S32 => "'s32'".into(),
            Type::S64 => "'s64'".into(),
            Type::F32 => "'f32'".into(),
            Type::F64 => "'f64'".into(),
            Type::Char => "'char'".into(),
            Type::String => "'string'".into(),
            Type::ErrorContext => "None".into(),
            Type::Id(id) => match &self.analysis.resolve().types[id].kind {
                TypeDefKind::Record(r) => {
                    let fields: Vec<String> = r
                        .fields
                        .iter()
                        .map(|f| format!("('{}', {})", snake(&f.name), self.spec(&f.ty, side)))
                        .collect();
                    format!("('record', {}, ({}))", self.class(id), tuple_items(&fields))
                }
                TypeDefKind::Variant(v) => {
                    let cases: Vec<String> = v
                        .cases
                        .iter()
                        .map(|c| {
                            let payload = match &c.ty {
                                Some(t) => self.spec(t, side),
                                None => "None".into(),
                            };
                            format!("({}, {payload})", self.case_class(id, &c.name))
                        })
                        .collect();
                    format!("('variant', ({}))", tuple_items(&cases))
                }
                TypeDefKind::Enum(_) => format!("('enum', {})", self.class(id)),
                TypeDefKind::Flags(f) => {
                    format!("('flags', {}, {})", self.class(id), f.flags.len())
                }
                TypeDefKind::List(t) => {
                    if matches!(self.analysis.dealias(t), Type::U8) {
                        "'bytes'".into()
                    } else {
                        format!("('list', {})", self.spec(t, side))
                    }
                }
                TypeDefKind::Tuple(t) => {
                    let items: Vec<String> = t.types.iter().map(|t| self.spec(t, side)).collect();
                    format!("('tuple', ({}))", tuple_items(&items))
                }
                TypeDefKind::Option(t) => {
                    let wrap = if self.may_be_none(t) { "True" } else { "False" };
                    format!("('option', {}, {wrap})", self.spec(t, side))
                }
                TypeDefKind::Result(r) => {
                    let s = |t: &Option<Type>| match t {
                        Some(t) => self.spec(t, side),
                        None => "None".into(),
                    };
                    format!("('result', {}, {})", s(&r.ok), s(&r.err))
                }
                TypeDefKind::Handle(h) => {
                    let (r, own) = match h {
                        Handle::Own(r) => (*r, true),
                        Handle::Borrow(r) => (*r, false),
                    };
                    let r = wit_bindgen_core::dealias(self.analysis.resolve(), r);
                    let kind = if own { "own" } else { "borrow" };
                    let rname = snake(
                        self.analysis.resolve().types[r]
                            .name
                            .as_deref()
                            .unwrap_or("r"),
                    );
                    match side {
                        Direction::Import => format!("('host-{kind}', w._table_{rname})"),
                        Direction::Export => format!("('{kind}', w._wrap_{rname})"),
                    }
                }
                _ => "None".into(),
            },
        }
    }
}

/// The items of a Python tuple display: `a,` for one.
pub fn tuple_items(items: &[String]) -> String {
    match items {
        [one] => format!("{one},"),
        _ => items.join(", "),
    }
}
