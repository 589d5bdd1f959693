//! Go names: the package, each scope's accessor, every named type's Go
//! name (prefixed by its interface when two scopes define the same name),
//! and the Go type of every WIT type.

use crate::analysis::{Direction, Func, WorldAnalysis};
use heck::{ToLowerCamelCase, ToUpperCamelCase};
use std::collections::HashMap;
use wit_parser::{FunctionKind, Handle, Type, TypeDefKind, TypeId};

/// An exported Go identifier for a WIT name (`list-api` → `ListApi`).
pub fn upper(name: &str) -> String {
    name.to_upper_camel_case()
}

/// Names the generated code declares itself, which parameters must not
/// shadow.
const TAKEN: &[&str] = &[
    "g", "w", "a", "r", "result", "err", "slots", "call", "host", "linker", "kiln", "math", "fmt",
    "utf8", "binary", "errors",
];

/// A Go identifier for a parameter named `name` (`start-at` → `startAt`),
/// kept clear of Go's keywords and the glue's own names.
pub fn param(name: &str) -> String {
    let s = name.to_lower_camel_case();
    const KEYWORDS: &[&str] = &[
        "break",
        "case",
        "chan",
        "const",
        "continue",
        "default",
        "defer",
        "else",
        "fallthrough",
        "for",
        "func",
        "go",
        "goto",
        "if",
        "import",
        "interface",
        "map",
        "package",
        "range",
        "return",
        "select",
        "struct",
        "switch",
        "type",
        "var",
        "string",
        "bool",
        "rune",
        "byte",
        "len",
        "make",
        "new",
        "nil",
        "true",
        "false",
    ];
    let generated = s
        .trim_start_matches(|c: char| c.is_ascii_lowercase())
        .chars()
        .all(|c| c.is_ascii_digit())
        && s.chars().any(|c| c.is_ascii_digit());
    if KEYWORDS.contains(&s.as_str()) || TAKEN.contains(&s.as_str()) || generated {
        format!("{s}Arg")
    } else {
        s
    }
}

/// The Go names of one world.
pub struct GoNames<'a> {
    pub analysis: &'a WorldAnalysis,
    /// The package name (`lists`; `onlyexports` for `only-exports`).
    pub package: String,
    /// The world's type (`Lists`).
    pub world: String,
    /// Each scope's Go name (`ListApi`; empty for the roots).
    scope_names: Vec<String>,
    /// The Go names of the named types (records, variants, enums, flags,
    /// resources).
    types: HashMap<TypeId, String>,
}

impl<'a> GoNames<'a> {
    pub fn new(analysis: &'a WorldAnalysis) -> GoNames<'a> {
        let resolve = analysis.resolve();
        let package: String = analysis
            .name()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        let world = upper(analysis.name());
        let short = |i: usize| {
            let scope = &analysis.scopes()[i];
            scope.interface.map(|id| {
                upper(
                    resolve.interfaces[id]
                        .name
                        .as_deref()
                        .unwrap_or(&scope.name),
                )
            })
        };
        let shorts: Vec<Option<String>> = (0..analysis.scopes().len()).map(short).collect();
        let scope_names: Vec<String> = analysis
            .scopes()
            .iter()
            .enumerate()
            .map(|(i, scope)| match &shorts[i] {
                None => String::new(),
                Some(s) => {
                    let clash = shorts
                        .iter()
                        .enumerate()
                        .any(|(j, o)| j != i && o.as_deref() == Some(s.as_str()));
                    if !clash {
                        return s.clone();
                    }
                    let iface = &resolve.interfaces[scope.interface.unwrap()];
                    let mut p = String::new();
                    if scope.direction == Direction::Export {
                        p.push_str("Exports");
                    }
                    if let Some(pkg) = iface.package {
                        let name = &resolve.packages[pkg].name;
                        p.push_str(&upper(&name.namespace));
                        p.push_str(&upper(&name.name));
                    }
                    format!("{p}{s}")
                }
            })
            .collect();
        // Named types, by their WIT name; a name two scopes define is
        // prefixed by each one's interface.
        let named: Vec<TypeId> = analysis
            .types()
            .iter()
            .copied()
            .filter(|&id| {
                let def = &resolve.types[id];
                def.name.is_some() && !matches!(def.kind, TypeDefKind::Type(_))
            })
            .collect();
        let mut types = HashMap::new();
        for &id in &named {
            let name = resolve.types[id].name.as_deref().unwrap();
            let clash = named
                .iter()
                .any(|&o| o != id && resolve.types[o].name.as_deref() == Some(name));
            let mut go = upper(name);
            if clash {
                if let wit_parser::TypeOwner::Interface(iface) = resolve.types[id].owner {
                    go = format!(
                        "{}{go}",
                        upper(resolve.interfaces[iface].name.as_deref().unwrap_or(""))
                    );
                }
            }
            types.insert(id, go);
        }
        GoNames {
            analysis,
            package,
            world,
            scope_names,
            types,
        }
    }

    /// The Go name of scope `index` (empty for a root).
    pub fn scope_name(&self, index: usize) -> &str {
        &self.scope_names[index]
    }

    /// The Go name of the named type `id`.
    pub fn type_name(&self, id: TypeId) -> String {
        let id = wit_bindgen_core::dealias(self.analysis.resolve(), id);
        self.types
            .get(&id)
            .cloned()
            .unwrap_or_else(|| panic!("type {id:?} has a Go name"))
    }

    /// The Go type of a value of `ty`.
    pub fn go_type(&self, ty: &Type) -> String {
        self.spell(ty, "")
    }

    /// The Go type of a value of `ty` as another package spells it, the
    /// glue's package imported as `pkg` (`pkg.Option[pkg.Point]`).
    pub fn go_type_from(&self, ty: &Type, pkg: &str) -> String {
        self.spell(ty, &format!("{pkg}."))
    }

    /// The Go type of `ty`, each of the glue's own types prefixed by `q`.
    fn spell(&self, ty: &Type, q: &str) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "uint8".into(),
            Type::U16 => "uint16".into(),
            Type::U32 => "uint32".into(),
            Type::U64 => "uint64".into(),
            Type::S8 => "int8".into(),
            Type::S16 => "int16".into(),
            Type::S32 => "int32".into(),
            Type::S64 => "int64".into(),
            Type::F32 => "float32".into(),
            Type::F64 => "float64".into(),
            Type::Char => "rune".into(),
            Type::String => "string".into(),
            Type::ErrorContext => unreachable!("rejected by the analysis"),
            Type::Id(id) => self.spell_id(*id, q),
        }
    }

    fn spell_id(&self, id: TypeId, q: &str) -> String {
        let resolve = self.analysis.resolve();
        let def = &resolve.types[id];
        match &def.kind {
            TypeDefKind::Type(t) => self.spell(t, q),
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
                let r = wit_bindgen_core::dealias(resolve, *r);
                self.spell_resource(r, q)
            }
            TypeDefKind::Resource => self.spell_resource(id, q),
            TypeDefKind::List(Type::U8) => "[]byte".into(),
            TypeDefKind::List(t) => format!("[]{}", self.spell(t, q)),
            TypeDefKind::Option(t) => format!("{q}Option[{}]", self.spell(t, q)),
            TypeDefKind::Result(r) => format!(
                "{q}Result[{}, {}]",
                self.spell_opt(r.ok.as_ref(), q),
                self.spell_opt(r.err.as_ref(), q)
            ),
            TypeDefKind::Tuple(t) => format!(
                "{q}Tuple{}[{}]",
                t.types.len(),
                t.types
                    .iter()
                    .map(|t| self.spell(t, q))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!("{q}{}", self.type_name(id)),
        }
    }

    /// The Go type of an optional payload: `struct{}` for none.
    pub fn opt_type(&self, ty: Option<&Type>) -> String {
        self.spell_opt(ty, "")
    }

    fn spell_opt(&self, ty: Option<&Type>, q: &str) -> String {
        ty.map(|t| self.spell(t, q))
            .unwrap_or_else(|| "struct{}".into())
    }

    /// The Go type of a handle to `resource`, `q` before the glue's name:
    /// `*Counter` for a guest's, `Blob` (the host's representation) for
    /// the host's.
    fn spell_resource(&self, resource: TypeId, q: &str) -> String {
        if self.analysis.is_host_resource(resource) {
            format!("{q}{}", self.type_name(resource))
        } else {
            format!("*{q}{}", self.type_name(resource))
        }
    }

    /// The `ok` and `err` types of the `result<T, E>` that `func` returns,
    /// when it returns one (through aliases too). Go returns such a
    /// result as `(T, error)`, or `error` without a `T`, the err case a
    /// `*ResultError[E]`; a result anywhere else stays a `Result[T, E]`.
    pub fn returned_result(&self, func: &Func) -> Option<(Option<Type>, Option<Type>)> {
        let ty = self.analysis.dealias(func.func.result.as_ref()?);
        let Type::Id(id) = ty else {
            return None;
        };
        match &self.analysis.resolve().types[id].kind {
            TypeDefKind::Result(r) => Some((r.ok, r.err)),
            _ => None,
        }
    }

    /// The name of the host resource type's variable (`blobType`).
    pub fn host_type_var(&self, resource: TypeId) -> String {
        let mut name = self.type_name(resource);
        name[..1].make_ascii_lowercase();
        format!("{name}ResourceType")
    }

    /// The Go method name of an export (on its scope's accessor, the
    /// world, or a resource) or of an import (on the Imports interface).
    pub fn func_name(&self, scope: usize, func: &Func) -> String {
        let resolve = self.analysis.resolve();
        let rname = |r: TypeId| self.type_name(wit_bindgen_core::dealias(resolve, r));
        let base = match &func.func.kind {
            FunctionKind::Constructor(r) => format!("New{}", rname(*r)),
            FunctionKind::Method(_) if func.variant != wit_parser::abi::AbiVariant::GuestImport => {
                upper(func.func.item_name())
            }
            FunctionKind::Method(r) | FunctionKind::Static(r) => {
                format!("{}{}", rname(*r), upper(func.func.item_name()))
            }
            _ => upper(&func.func.name),
        };
        match func.variant {
            wit_parser::abi::AbiVariant::GuestImport => {
                format!("{}{base}", self.scope_name(scope))
            }
            _ => base,
        }
    }

    /// The number of bytes of the Go integer type of an enum or flags
    /// representation.
    pub fn int_type(bytes: usize) -> &'static str {
        match bytes {
            1 => "uint8",
            2 => "uint16",
            _ => "uint32",
        }
    }
}
