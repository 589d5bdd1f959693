//! C names: the world's prefix, each scope's prefix, every type's C name
//! (anonymous types named by their structure), and which types need a
//! `_free` function.

use crate::analysis::{Direction, Func, WorldAnalysis};
use heck::{ToShoutySnakeCase, ToSnakeCase};
use std::collections::HashMap;
use wit_parser::{FunctionKind, Handle, Type, TypeDefKind, TypeId};

/// A snake_case C identifier for a WIT name.
pub fn snake(name: &str) -> String {
    let s = name.to_snake_case();
    const RESERVED: &[&str] = &[
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
        "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
        "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
        "union", "unsigned", "void", "volatile", "while", "bool", "true", "false",
    ];
    if RESERVED.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// An UPPER_SNAKE_CASE C identifier for a WIT name.
pub fn shouty(name: &str) -> String {
    name.to_shouty_snake_case()
}

/// The C names of one world.
pub struct CNames<'a> {
    pub analysis: &'a WorldAnalysis,
    /// The world's prefix (`lists`).
    pub prefix: String,
    /// Each scope's prefix (`lists_list_types`; the world's for the roots).
    scope_prefix: Vec<String>,
    /// The C names of anonymous types, by their structure, so structurally
    /// equal types share one definition.
    anonymous: HashMap<TypeId, String>,
}

impl<'a> CNames<'a> {
    pub fn new(analysis: &'a WorldAnalysis) -> CNames<'a> {
        let resolve = analysis.resolve();
        let prefix = snake(analysis.name());
        let short = |i: usize| {
            let scope = &analysis.scopes()[i];
            scope.interface.map(|id| {
                snake(
                    resolve.interfaces[id]
                        .name
                        .as_deref()
                        .unwrap_or(&scope.name),
                )
            })
        };
        let shorts: Vec<Option<String>> = (0..analysis.scopes().len()).map(short).collect();
        let scope_prefix = analysis
            .scopes()
            .iter()
            .enumerate()
            .map(|(i, scope)| match &shorts[i] {
                None => prefix.clone(),
                Some(s) => {
                    // Two scopes with the same interface name (from two
                    // packages, or imported and exported) use full names.
                    let clash = shorts
                        .iter()
                        .enumerate()
                        .any(|(j, o)| j != i && o.as_deref() == Some(s.as_str()));
                    if !clash {
                        return format!("{prefix}_{s}");
                    }
                    let iface = &resolve.interfaces[scope.interface.unwrap()];
                    let mut p = prefix.clone();
                    if scope.direction == Direction::Export {
                        p.push_str("_exports");
                    }
                    if let Some(pkg) = iface.package {
                        let name = &resolve.packages[pkg].name;
                        p.push_str(&format!(
                            "_{}_{}",
                            snake(&name.namespace),
                            snake(&name.name)
                        ));
                    }
                    format!("{p}_{s}")
                }
            })
            .collect();
        let mut names = CNames {
            analysis,
            prefix,
            scope_prefix,
            anonymous: HashMap::new(),
        };
        for &id in analysis.types() {
            if resolve.types[id].name.is_none() {
                let mangled = names.mangle(&Type::Id(id));
                names.anonymous.insert(id, mangled);
            }
        }
        names
    }

    /// The prefix of scope `index`'s names.
    pub fn scope_prefix(&self, index: usize) -> &str {
        &self.scope_prefix[index]
    }

    /// The prefix of the scope defining the named type `id`.
    fn owner_prefix(&self, id: TypeId) -> &str {
        match self.analysis.scope_index_of(id) {
            Some(i) => &self.scope_prefix[i],
            None => &self.prefix,
        }
    }

    /// The C type name of the named or anonymous type `id` (`..._t`).
    pub fn type_name(&self, id: TypeId) -> String {
        let def = &self.analysis.resolve().types[id];
        match &def.name {
            Some(name) => match def.kind {
                TypeDefKind::Resource => self.own_name(id),
                _ => format!("{}_{}_t", self.owner_prefix(id), snake(name)),
            },
            None => match &def.kind {
                TypeDefKind::Handle(Handle::Own(r)) => self.own_name(self.dealias(*r)),
                TypeDefKind::Handle(Handle::Borrow(r)) => self.borrow_name(self.dealias(*r)),
                TypeDefKind::Type(t) => self.c_type(t),
                _ => format!(
                    "{}_{}_t",
                    self.prefix,
                    self.anonymous
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| self.mangle(&Type::Id(id)))
                ),
            },
        }
    }

    fn dealias(&self, id: TypeId) -> TypeId {
        wit_bindgen_core::dealias(self.analysis.resolve(), id)
    }

    /// The name of a resource without the world prefix: `blobs_blob`.
    pub fn resource_stem(&self, resource: TypeId) -> String {
        let def = &self.analysis.resolve().types[resource];
        format!(
            "{}_{}",
            self.owner_prefix(resource),
            snake(def.name.as_deref().unwrap_or("resource"))
        )
    }

    /// The C type of an owned handle to `resource`.
    pub fn own_name(&self, resource: TypeId) -> String {
        self.handle_name(resource, "own")
    }

    /// The C type of a borrowed handle to `resource`.
    pub fn borrow_name(&self, resource: TypeId) -> String {
        self.handle_name(resource, "borrow")
    }

    fn handle_name(&self, resource: TypeId, kind: &str) -> String {
        let owner = self.owner_prefix(resource);
        let name = snake(
            self.analysis.resolve().types[resource]
                .name
                .as_deref()
                .unwrap_or("resource"),
        );
        format!("{owner}_{kind}_{name}_t")
    }
    /// The C type of a value of `ty`.
    pub fn c_type(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "uint8_t".into(),
            Type::U16 => "uint16_t".into(),
            Type::U32 => "uint32_t".into(),
            Type::U64 => "uint64_t".into(),
            Type::S8 => "int8_t".into(),
            Type::S16 => "int16_t".into(),
            Type::S32 => "int32_t".into(),
            Type::S64 => "int64_t".into(),
            Type::F32 => "float".into(),
            Type::F64 => "double".into(),
            Type::Char => "uint32_t".into(),
            Type::String => format!("{}_string_t", self.prefix),
            Type::ErrorContext => unreachable!("refused by the analysis"),
            Type::Id(id) => self.type_name(*id),
        }
    }

    /// The structural name of a type, used to name anonymous types:
    /// `list_u8`, `option_string`, `tuple2_u32_string`, ...
    pub fn mangle(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "u8".into(),
            Type::U16 => "u16".into(),
            Type::U32 => "u32".into(),
            Type::U64 => "u64".into(),
            Type::S8 => "s8".into(),
            Type::S16 => "s16".into(),
            Type::S32 => "s32".into(),
            Type::S64 => "s64".into(),
            Type::F32 => "f32".into(),
            Type::F64 => "f64".into(),
            Type::Char => "char".into(),
            Type::String => "string".into(),
            Type::ErrorContext => unreachable!("refused by the analysis"),
            Type::Id(id) => {
                let def = &self.analysis.resolve().types[*id];
                // Aliases (`type id = u64`, and `use`) name the same type.
                if let TypeDefKind::Type(t) = &def.kind {
                    return self.mangle(t);
                }
                if let Some(name) = &def.name {
                    let owner = self.owner_prefix(*id);
                    let owner = owner
                        .strip_prefix(&self.prefix)
                        .map(|s| s.trim_start_matches('_'))
                        .unwrap_or(owner);
                    return if owner.is_empty() {
                        snake(name)
                    } else {
                        format!("{owner}_{}", snake(name))
                    };
                }
                match &def.kind {
                    TypeDefKind::List(t) => format!("list_{}", self.mangle(t)),
                    TypeDefKind::Option(t) => format!("option_{}", self.mangle(t)),
                    TypeDefKind::Result(r) => format!(
                        "result_{}_{}",
                        r.ok.as_ref().map_or("void".into(), |t| self.mangle(t)),
                        r.err.as_ref().map_or("void".into(), |t| self.mangle(t))
                    ),
                    TypeDefKind::Tuple(t) => format!(
                        "tuple{}_{}",
                        t.types.len(),
                        t.types
                            .iter()
                            .map(|t| self.mangle(t))
                            .collect::<Vec<_>>()
                            .join("_")
                    ),
                    TypeDefKind::Handle(Handle::Own(r)) => {
                        format!("own_{}", self.mangle(&Type::Id(self.dealias(*r))))
                    }
                    TypeDefKind::Handle(Handle::Borrow(r)) => {
                        format!("borrow_{}", self.mangle(&Type::Id(self.dealias(*r))))
                    }
                    TypeDefKind::Type(t) => self.mangle(t),
                    other => unreachable!("anonymous {}", other.as_str()),
                }
            }
        }
    }

    /// Whether a value of `ty` owns something its `_free` function releases:
    /// memory (strings, lists) or the host's handle object of a resource
    /// the guest implements.
    pub fn needs_free(&self, ty: &Type) -> bool {
        match ty {
            Type::String => true,
            Type::Id(id) => self.id_needs_free(*id),
            _ => false,
        }
    }

    fn id_needs_free(&self, id: TypeId) -> bool {
        let resolve = self.analysis.resolve();
        match &resolve.types[id].kind {
            TypeDefKind::List(_) => true,
            TypeDefKind::Record(r) => r.fields.iter().any(|f| self.needs_free(&f.ty)),
            TypeDefKind::Tuple(t) => t.types.iter().any(|t| self.needs_free(t)),
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .filter_map(|c| c.ty.as_ref())
                .any(|t| self.needs_free(t)),
            TypeDefKind::Option(t) | TypeDefKind::Type(t) => self.needs_free(t),
            TypeDefKind::Result(r) => r.ok.iter().chain(r.err.iter()).any(|t| self.needs_free(t)),
            TypeDefKind::Handle(Handle::Own(r)) => !self.analysis.is_host_resource(*r),
            TypeDefKind::Resource => !self.analysis.is_host_resource(id),
            _ => false,
        }
    }

    /// The `_free` function of the C type `c_type`.
    pub fn free_fn(&self, c_type: &str) -> String {
        format!("{}_free", c_type.strip_suffix("_t").unwrap_or(c_type))
    }

    /// The name of the function the host program implements for the
    /// imported function `func` of scope `scope`, or of the wrapper the
    /// host program calls for an exported one.
    pub fn func_name(&self, scope: usize, func: &Func) -> String {
        let base = self.scope_prefix(scope);
        let base = match func.variant {
            wit_parser::abi::AbiVariant::GuestImport => match base.strip_prefix(&self.prefix) {
                Some(rest) => format!("{}_imports{rest}", self.prefix),
                None => format!("{base}_imports"),
            },
            _ => base.to_string(),
        };
        let resolve = self.analysis.resolve();
        let rname = |r: TypeId| snake(resolve.types[r].name.as_deref().unwrap_or("resource"));
        match &func.func.kind {
            FunctionKind::Constructor(r) => format!("{base}_constructor_{}", rname(*r)),
            FunctionKind::Method(r) => {
                format!(
                    "{base}_method_{}_{}",
                    rname(*r),
                    snake(func.func.item_name())
                )
            }
            FunctionKind::Static(r) => {
                format!(
                    "{base}_static_{}_{}",
                    rname(*r),
                    snake(func.func.item_name())
                )
            }
            _ => format!("{base}_{}", snake(&func.func.name)),
        }
    }
}
