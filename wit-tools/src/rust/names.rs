//! Rust names: identifiers, module paths of scopes, and the Rust spelling of
//! each WIT type from a given module.

use crate::analysis::{Direction, WorldAnalysis};
use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use wit_parser::{Handle, Type, TypeDefKind, TypeId, WorldKey};

/// Rust's keywords, which become raw identifiers (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
    "try", "typeof", "unsized", "virtual", "yield",
];

/// A snake_case identifier for a WIT name (functions, fields, modules).
pub fn snake(name: &str) -> String {
    let s = name.to_snake_case();
    if s == "self" || s == "Self" {
        return format!("{s}_");
    }
    if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// An UpperCamelCase identifier for a WIT name (types, cases).
pub fn camel(name: &str) -> String {
    let s = name.to_upper_camel_case();
    if s == "Self" {
        "Self_".to_string()
    } else {
        s
    }
}

/// A SHOUTY_SNAKE_CASE identifier for a WIT name (flag constants).
pub fn shouty(name: &str) -> String {
    name.to_shouty_snake_case()
}

/// How a type is spelled where it appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Inside a type definition, or a value the host owns (results, the
    /// arguments a host implementation receives): owned types, and a
    /// `borrow<R>` as the handle type itself.
    Owned,
    /// A parameter of a function the host implements: owned, but a
    /// `borrow<R>` at its top level is `&R`, lent for the call.
    ImportParam,
    /// A parameter of an export the host calls, at its top level: `&str`
    /// for a string and `&[T]` for a list, with `borrow<R>` as `&R` at any
    /// depth.
    ExportParam,
    /// Inside an export's parameter (an element of a list, ...): owned,
    /// but `borrow<R>` as `&R`.
    ExportParamInner,
}

/// Module paths and type spellings for one world.
pub struct Names<'a> {
    pub analysis: &'a WorldAnalysis,
    /// The module path of each scope, by scope index.
    paths: Vec<Vec<String>>,
    /// The names under which a module sees a type of another module (an
    /// alias `use` made there): `(module, type) -> name`.
    local: std::collections::HashMap<(Vec<String>, TypeId), String>,
}

impl<'a> Names<'a> {
    pub fn new(analysis: &'a WorldAnalysis) -> Names<'a> {
        let resolve = analysis.resolve();
        let world = &resolve.worlds[analysis.world()];
        let paths: Vec<Vec<String>> = analysis
            .scopes()
            .iter()
            .map(|scope| {
                let Some(iface) = scope.interface else {
                    return Vec::new();
                };
                let mut path = Vec::new();
                if scope.direction == Direction::Export {
                    path.push("exports".to_string());
                }
                let interface = &resolve.interfaces[iface];
                let keyed_by_name = world
                    .imports
                    .keys()
                    .chain(world.exports.keys())
                    .any(|k| matches!(k, WorldKey::Name(n) if *n == scope.name));
                match (&interface.package, &interface.name) {
                    (Some(pkg), Some(name)) if !keyed_by_name => {
                        let pkg = &resolve.packages[*pkg].name;
                        path.push(snake(&pkg.namespace));
                        path.push(snake(&pkg.name));
                        path.push(snake(name));
                    }
                    _ => path.push(snake(&scope.name)),
                }
                path
            })
            .collect();
        let mut local = std::collections::HashMap::new();
        for (index, scope) in analysis.scopes().iter().enumerate() {
            for &id in &scope.types {
                let def = &resolve.types[id];
                if let TypeDefKind::Type(Type::Id(target)) = def.kind {
                    let target = wit_bindgen_core::dealias(resolve, target);
                    let same = resolve.types[target].name == def.name;
                    let key = (paths[index].clone(), target);
                    let name = camel(def.name.as_deref().unwrap_or_default());
                    if same || !local.contains_key(&key) {
                        local.insert(key, name);
                    }
                }
            }
        }
        Names {
            analysis,
            paths,
            local,
        }
    }

    /// The module path of scope `index` (empty for the roots).
    pub fn scope_path(&self, index: usize) -> &[String] {
        &self.paths[index]
    }

    /// The Rust name of the named type `id` (without its module path).
    pub fn type_name(&self, id: TypeId) -> String {
        let ty = &self.analysis.resolve().types[id];
        camel(ty.name.as_deref().expect("a named type"))
    }

    /// The path to the named type `id` from module `from`: its name if
    /// `from` defines it or an alias of it.
    pub fn type_path(&self, id: TypeId, from: &[String]) -> String {
        let target = wit_bindgen_core::dealias(self.analysis.resolve(), id);
        if let Some(name) = self.local.get(&(from.to_vec(), target)) {
            return name.clone();
        }
        self.defining_path(id, from)
    }

    /// The path to the named type `id` from module `from`, through the
    /// module that defines it.
    pub fn defining_path(&self, id: TypeId, from: &[String]) -> String {
        let name = self.type_name(id);
        let scope = self
            .analysis
            .scope_index_of(id)
            .expect("every named type belongs to a scope");
        relative(from, &self.paths[scope], &name)
    }

    /// How `ty` is spelled in module `from`.
    pub fn ty(&self, ty: &Type, from: &[String], mode: Mode) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "u8".into(),
            Type::U16 => "u16".into(),
            Type::U32 => "u32".into(),
            Type::U64 => "u64".into(),
            Type::S8 => "i8".into(),
            Type::S16 => "i16".into(),
            Type::S32 => "i32".into(),
            Type::S64 => "i64".into(),
            Type::F32 => "f32".into(),
            Type::F64 => "f64".into(),
            Type::Char => "char".into(),
            Type::String => match mode {
                Mode::ExportParam => "&str".into(),
                _ => "String".into(),
            },
            Type::ErrorContext => unreachable!("refused by the analysis"),
            Type::Id(id) => self.type_id(*id, from, mode),
        }
    }

    fn type_id(&self, id: TypeId, from: &[String], mode: Mode) -> String {
        let resolve = self.analysis.resolve();
        let def = &resolve.types[id];
        if def.name.is_some() {
            return self.type_path(id, from);
        }
        self.structure(&def.kind, from, mode)
    }

    /// How a type of kind `kind` is spelled by its structure (for a type
    /// without a name, or the right side of a named alias).
    pub fn structure(&self, kind: &TypeDefKind, from: &[String], mode: Mode) -> String {
        let inner = match mode {
            Mode::ExportParam | Mode::ExportParamInner => Mode::ExportParamInner,
            Mode::ImportParam | Mode::Owned => Mode::Owned,
        };
        match kind {
            TypeDefKind::List(t) => match mode {
                Mode::ExportParam => format!("&[{}]", self.ty(t, from, inner)),
                _ => format!("Vec<{}>", self.ty(t, from, inner)),
            },
            TypeDefKind::Option(t) => format!("Option<{}>", self.ty(t, from, inner)),
            TypeDefKind::Result(r) => {
                let side = |t: &Option<Type>| match t {
                    Some(t) => self.ty(t, from, inner),
                    None => "()".into(),
                };
                format!("Result<{}, {}>", side(&r.ok), side(&r.err))
            }
            TypeDefKind::Tuple(t) => {
                let mut s = String::from("(");
                for ty in &t.types {
                    s.push_str(&self.ty(ty, from, inner));
                    s.push_str(", ");
                }
                if t.types.len() > 1 {
                    s.truncate(s.len() - 2);
                }
                s.push(')');
                s
            }
            TypeDefKind::Handle(Handle::Own(r)) => self.resource_path(*r, from),
            TypeDefKind::Handle(Handle::Borrow(r)) => match mode {
                Mode::Owned => self.resource_path(*r, from),
                _ => format!("&{}", self.resource_path(*r, from)),
            },
            TypeDefKind::Type(t) => self.ty(t, from, mode),
            other => unreachable!("anonymous {} type", other.as_str()),
        }
    }

    fn resource_path(&self, id: TypeId, from: &[String]) -> String {
        let id = wit_bindgen_core::dealias(self.analysis.resolve(), id);
        self.type_path(id, from)
    }
}

/// The path from module `from` to the item `name` of module `to`.
pub fn relative(from: &[String], to: &[String], name: &str) -> String {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    let mut path = String::new();
    for _ in common..from.len() {
        path.push_str("super::");
    }
    for seg in &to[common..] {
        path.push_str(seg);
        path.push_str("::");
    }
    path.push_str(name);
    path
}
