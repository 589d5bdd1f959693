//! Java names: the package and class of a world, a class per scope, a
//! nested type per named WIT type (records, variants, enums, flags,
//! resources), and the Java spelling of each WIT type.

use crate::analysis::{Direction, WorldAnalysis};
use heck::{ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeSet, HashMap};
use wit_parser::{Handle, Type, TypeDefKind, TypeId};

/// Java's keywords and literals, and contextual keywords that cannot name
/// a type or a variable: an identifier that is one gets a `_` appended.
const KEYWORDS: &[&str] = &[
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "final",
    "finally",
    "float",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "try",
    "void",
    "volatile",
    "while",
    "true",
    "false",
    "null",
    "var",
    "record",
    "yield",
    "sealed",
    "permits",
    "_",
];

fn escape(s: String) -> String {
    if KEYWORDS.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// A lowerCamelCase identifier (methods, fields, parameters).
pub fn lower(name: &str) -> String {
    escape(name.to_lower_camel_case())
}

/// An UpperCamelCase identifier (classes, records, cases).
pub fn upper(name: &str) -> String {
    escape(name.to_upper_camel_case())
}

/// An UPPER_SNAKE_CASE identifier (enum constants).
pub fn shouty(name: &str) -> String {
    escape(name.to_shouty_snake_case())
}

/// A Java package name segment.
pub fn package_segment(name: &str) -> String {
    escape(name.to_snake_case())
}

/// The Java names of one world.
pub struct JNames<'a> {
    pub analysis: &'a WorldAnalysis,
    /// The package (`kiln.corpus.lists`).
    pub package: String,
    /// The world's class (`Lists`).
    pub class: String,
    /// Each scope's class or interface; the root export's is the world's.
    pub scope_class: Vec<String>,
    /// Each scope's field in the world object (exported interfaces) or
    /// parameter of `addToLinker` (imports).
    pub scope_var: Vec<String>,
    /// The nested type of each record, variant, enum, flags and resource.
    type_names: HashMap<TypeId, String>,
    /// The arities of the tuples the world uses.
    pub tuples: BTreeSet<usize>,
}

impl<'a> JNames<'a> {
    pub fn new(analysis: &'a WorldAnalysis) -> JNames<'a> {
        let resolve = analysis.resolve();
        let world = &resolve.worlds[analysis.world()];
        let mut package: Vec<String> = Vec::new();
        if let Some(pkg) = world.package {
            let name = &resolve.packages[pkg].name;
            package.push(package_segment(&name.namespace));
            package.push(package_segment(&name.name));
        }
        package.push(package_segment(analysis.name()));
        let class = upper(analysis.name());

        let mut taken: BTreeSet<String> = BTreeSet::new();
        taken.insert(class.clone());
        let mut scope_class = Vec::new();
        let mut scope_var = Vec::new();
        let shorts: Vec<Option<String>> = analysis
            .scopes()
            .iter()
            .map(|s| {
                s.interface
                    .map(|id| upper(resolve.interfaces[id].name.as_deref().unwrap_or(&s.name)))
            })
            .collect();
        for (i, scope) in analysis.scopes().iter().enumerate() {
            let name = match (&shorts[i], scope.direction) {
                (None, Direction::Import) => "Imports".to_string(),
                (None, Direction::Export) => class.clone(),
                (Some(s), direction) => {
                    let clash = shorts
                        .iter()
                        .enumerate()
                        .any(|(j, o)| j != i && o.as_deref() == Some(s.as_str()));
                    if clash {
                        let iface = &resolve.interfaces[scope.interface.unwrap()];
                        let pkg = iface
                            .package
                            .map(|p| upper(&resolve.packages[p].name.name))
                            .unwrap_or_default();
                        let side = match direction {
                            Direction::Import => "Imports",
                            Direction::Export => "Exports",
                        };
                        format!("{pkg}{s}{side}")
                    } else {
                        s.clone()
                    }
                }
            };
            taken.insert(name.clone());
            let var = if scope.is_root() {
                "imports".to_string()
            } else {
                lower(&name)
            };
            scope_var.push(var);
            scope_class.push(name);
        }

        let mut type_names = HashMap::new();
        let mut tuples = BTreeSet::new();
        for &id in analysis.types() {
            let def = &resolve.types[id];
            match &def.kind {
                TypeDefKind::Record(_)
                | TypeDefKind::Variant(_)
                | TypeDefKind::Enum(_)
                | TypeDefKind::Flags(_)
                | TypeDefKind::Resource => {
                    let base = upper(def.name.as_deref().unwrap_or("anonymous"));
                    let mut name = base.clone();
                    if taken.contains(&name) || name.starts_with("Tuple") {
                        let prefix = analysis
                            .scope_index_of(id)
                            .map(|i| shorts[i].clone().unwrap_or_default())
                            .unwrap_or_default();
                        name = format!("{prefix}{base}");
                        let mut n = 2;
                        while taken.contains(&name) {
                            name = format!("{prefix}{base}{n}");
                            n += 1;
                        }
                    }
                    taken.insert(name.clone());
                    type_names.insert(id, name);
                }
                TypeDefKind::Tuple(t) => {
                    tuples.insert(t.types.len());
                }
                _ => {}
            }
        }
        JNames {
            analysis,
            package: package.join("."),
            class,
            scope_class,
            scope_var,
            type_names,
            tuples,
        }
    }

    /// The nested type of the named type `id`.
    pub fn type_name(&self, id: TypeId) -> String {
        let id = wit_bindgen_core::dealias(self.analysis.resolve(), id);
        self.type_names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| panic!("type {id:?} has no Java name"))
    }

    /// Whether the named type `id` has a Java declaration of its own.
    pub fn declares(&self, id: TypeId) -> bool {
        self.type_names.contains_key(&id)
    }

    /// The Java type of `ty`; `boxed` for a type argument.
    pub fn java_type(&self, ty: &Type, boxed: bool) -> String {
        let prim = |p: &str, b: &str| if boxed { b } else { p }.to_string();
        match ty {
            Type::Bool => prim("boolean", "Boolean"),
            Type::U8 | Type::S8 => prim("byte", "Byte"),
            Type::U16 | Type::S16 => prim("short", "Short"),
            Type::U32 | Type::S32 | Type::Char => prim("int", "Integer"),
            Type::U64 | Type::S64 => prim("long", "Long"),
            Type::F32 => prim("float", "Float"),
            Type::F64 => prim("double", "Double"),
            Type::String => "String".to_string(),
            Type::ErrorContext => unreachable!("the analysis refuses error-context"),
            Type::Id(id) => self.id_type(*id, boxed),
        }
    }

    fn id_type(&self, id: TypeId, boxed: bool) -> String {
        let resolve = self.analysis.resolve();
        match &resolve.types[id].kind {
            TypeDefKind::Type(t) => self.java_type(t, boxed),
            TypeDefKind::Record(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Resource => self.type_name(id),
            TypeDefKind::Flags(_) => format!("EnumSet<{}>", self.type_name(id)),
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => self.type_name(*r),
            TypeDefKind::Tuple(t) => {
                let args: Vec<String> = t.types.iter().map(|t| self.java_type(t, true)).collect();
                if args.is_empty() {
                    "Tuple0".to_string()
                } else {
                    format!("Tuple{}<{}>", args.len(), args.join(", "))
                }
            }
            TypeDefKind::Option(t) => format!("Optional<{}>", self.java_type(t, true)),
            TypeDefKind::Result(r) => {
                let side = |t: &Option<Type>| match t {
                    Some(t) => self.java_type(t, true),
                    None => "Void".to_string(),
                };
                format!("Result<{}, {}>", side(&r.ok), side(&r.err))
            }
            TypeDefKind::List(t) => match self.canonical_array(t) {
                Some(array) => array.to_string(),
                None => format!("List<{}>", self.java_type(t, true)),
            },
            other => unreachable!("the analysis refuses {other:?}"),
        }
    }

    /// The Java array a list of `element` is, when its elements are
    /// numbers copied in one piece.
    pub fn canonical_array(&self, element: &Type) -> Option<&'static str> {
        if !crate::abi::is_canonical_element(self.analysis.resolve(), element) {
            return None;
        }
        Some(match self.analysis.dealias(element) {
            Type::U8 | Type::S8 => "byte[]",
            Type::U16 | Type::S16 => "short[]",
            Type::U32 | Type::S32 => "int[]",
            Type::U64 | Type::S64 => "long[]",
            Type::F32 => "float[]",
            Type::F64 => "double[]",
            _ => return None,
        })
    }

    /// The name of a resource's own class or record.
    pub fn resource_name(&self, resource: TypeId) -> String {
        self.type_name(resource)
    }

    /// The world's field holding a guest resource type
    /// (`ComponentResourceType`), or the static field of a host one.
    pub fn resource_type_field(&self, resource: TypeId) -> String {
        let name = self.type_name(resource);
        if self.analysis.is_host_resource(resource) {
            format!("TYPE_{}", name.to_shouty_snake_case())
        } else {
            format!("type{name}")
        }
    }

    /// The method of the scope's class or interface for `func`:
    /// `newCounter` (constructor), `counterGet` (method or static
    /// function), or the function's own name.
    pub fn method_name(&self, func: &crate::analysis::Func) -> String {
        use wit_parser::FunctionKind as K;
        match (&func.func.kind, func.resource) {
            (K::Constructor(_), Some(r)) => format!("new{}", self.type_name(r)),
            (K::Method(_) | K::Static(_), Some(r)) => {
                let res = self.type_name(r);
                let item = func.func.item_name().to_upper_camel_case();
                let mut first = res.chars();
                let head: String = first
                    .next()
                    .map(|c| c.to_lowercase().collect())
                    .unwrap_or_default();
                format!("{head}{}{item}", first.as_str())
            }
            _ => lower(&func.func.name),
        }
    }

    /// The host interface's method that destroys a host resource.
    pub fn drop_method(&self, resource: TypeId) -> String {
        format!("drop{}", self.type_name(resource))
    }
}
