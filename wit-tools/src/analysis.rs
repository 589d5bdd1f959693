//! Loading WIT and analysing one world once, for every back end.

use crate::error::WitError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use wit_bindgen_core::{TypeInfo, Types};
use wit_parser::abi::{AbiVariant, WasmSignature};
use wit_parser::{
    Function, FunctionKind, Handle, InterfaceId, LiveTypes, PackageId, Resolve, SizeAlign, Type,
    TypeDefKind, TypeId, TypeOwner, WorldId, WorldItem, WorldKey,
};

/// A parsed and resolved WIT package, with its dependencies.
///
/// ```
/// let wit = kiln_wit::Wit::load("../wit-tools/tests/wit".as_ref())?;
/// assert!(wit.world_names().contains(&"scalars".to_string()));
/// let world = wit.analyse(Some("scalars"))?;
/// assert_eq!(world.name(), "scalars");
/// # Ok::<(), kiln_wit::WitError>(())
/// ```
pub struct Wit {
    resolve: Resolve,
    package: PackageId,
    files: Vec<PathBuf>,
}

impl Wit {
    /// Parses `path`: a directory holding a WIT package (its `*.wit` files,
    /// with dependencies under `deps/`), or a single `.wit` file.
    ///
    /// A syntax or name-resolution error is reported at its `file:line:col`.
    pub fn load(path: &Path) -> Result<Wit, WitError> {
        if !path.exists() {
            return Err(WitError::new(format!(
                "{}: no such file or directory",
                path.display()
            )));
        }
        let mut resolve = Resolve::default();
        match resolve.push_path(path) {
            Ok((package, sources)) => Ok(Wit {
                files: sources.paths().map(Path::to_path_buf).collect(),
                resolve,
                package,
            }),
            Err(err) => Err(WitError::from_resolve(&resolve, &err)),
        }
    }

    /// The resolved packages.
    pub fn resolve(&self) -> &Resolve {
        &self.resolve
    }

    /// Every WIT file read.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The names of the worlds of the main package, in source order.
    pub fn world_names(&self) -> Vec<String> {
        self.resolve.packages[self.package]
            .worlds
            .keys()
            .cloned()
            .collect()
    }

    /// Analyses the world `name`, or the package's only world when `name` is
    /// `None`.
    pub fn analyse(&self, name: Option<&str>) -> Result<WorldAnalysis, WitError> {
        if let Some(name) = name {
            if !self.resolve.packages[self.package]
                .worlds
                .contains_key(name)
                && !name.contains(':')
            {
                return Err(WitError::new(format!(
                    "no world named `{name}` in package `{}` (its worlds: {})",
                    self.resolve.packages[self.package].name,
                    self.world_names().join(", ")
                )));
            }
        } else if self.resolve.packages[self.package].worlds.len() > 1 {
            return Err(WitError::new(format!(
                "package `{}` has several worlds ({}): choose one with --world",
                self.resolve.packages[self.package].name,
                self.world_names().join(", ")
            )));
        }
        let world = self
            .resolve
            .select_world(&[self.package], name)
            .map_err(|e| WitError::new(e.to_string()))?;
        WorldAnalysis::new(self.resolve.clone(), world)
    }
}

/// Whether a world item is imported (the host implements it) or exported
/// (the guest implements it and the host calls it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Imported by the world: the host provides it.
    Import,
    /// Exported by the world: the guest provides it.
    Export,
}

/// Where a list element's string is (see [`WorldAnalysis::element_strings`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StringPlace {
    /// The element is the string.
    Element,
    /// The record field of this WIT name.
    Field(String),
    /// The tuple member at this index.
    TupleItem(usize),
}

/// A group of functions and types that the world imports or exports under
/// one name: an interface, or the world's own top-level functions (the root).
#[derive(Debug, Clone)]
pub struct Scope {
    /// Import or export.
    pub direction: Direction,
    /// The interface, or `None` for the world's top level.
    pub interface: Option<InterfaceId>,
    /// The name a component uses for it: the interface's full name
    /// (`kiln:corpus/list-api`, `kiln:shared/host-info@0.1.0`), a plain name
    /// for an interface declared in the world, or `""` for the root.
    pub name: String,
    /// The functions, in source order (resource functions included).
    pub funcs: Vec<Func>,
    /// The named types defined here (aliases made by `use` included), in an
    /// order where every type comes after those it refers to.
    pub types: Vec<TypeId>,
    /// The resource types defined here.
    pub resources: Vec<TypeId>,
}

impl Scope {
    /// Whether this is the world's top level.
    pub fn is_root(&self) -> bool {
        self.interface.is_none()
    }

    /// The name a host looks `func`, one of this scope's functions, up by:
    /// `iface#func` in an interface, `func` at the top level.
    pub fn wire_name(&self, func: &Func) -> String {
        if self.is_root() {
            func.func.name.clone()
        } else {
            format!("{}#{}", self.name, func.func.name)
        }
    }
}

/// A function with what the canonical ABI makes of it.
#[derive(Debug, Clone)]
pub struct Func {
    /// The function as wit-parser resolved it (its `name` is the one a
    /// component uses: `[method]counter.get` for a method).
    pub func: Function,
    /// The ABI variant the host's side of the call uses: `GuestImport` for a
    /// function the host implements, `GuestExport` for one it calls.
    pub variant: AbiVariant,
    /// The core signature of the lifted or lowered function.
    pub sig: WasmSignature,
    /// The resource a constructor, method or static function belongs to.
    pub resource: Option<TypeId>,
}

impl Func {
    /// The name in its scope: the function's own name, or the method's
    /// name for a method or static function (`get` for
    /// `[method]counter.get`), `new` for a constructor.
    pub fn item_name(&self) -> &str {
        match self.func.kind {
            FunctionKind::Constructor(_) => "new",
            _ => self.func.item_name(),
        }
    }
}

/// One world, analysed once for every back end: its scopes, its types in
/// dependency order, their sizes and alignments, and what each type holds
/// (lists, own and borrow handles).
pub struct WorldAnalysis {
    resolve: Resolve,
    world: WorldId,
    sizes: SizeAlign,
    info: Types,
    scopes: Vec<Scope>,
    types: Vec<TypeId>,
    scope_of_type: HashMap<TypeId, usize>,
}

impl WorldAnalysis {
    /// Analyses `world` of `resolve`, refusing what the generators do not
    /// support (async functions, futures, streams, maps, fixed-length lists
    /// and error contexts) with an error at its place in the WIT.
    pub fn new(resolve: Resolve, world: WorldId) -> Result<WorldAnalysis, WitError> {
        let mut sizes = SizeAlign::default();
        sizes
            .fill(&resolve)
            .map_err(|e| WitError::new(e.to_string()))?;
        let mut info = Types::default();
        info.analyze(&resolve);

        let mut live = LiveTypes::default();
        live.add_world(&resolve, world);
        let types: Vec<TypeId> = live.iter().collect();

        let mut analysis = WorldAnalysis {
            resolve,
            world,
            sizes,
            info,
            scopes: Vec::new(),
            types,
            scope_of_type: HashMap::new(),
        };
        analysis.check_supported()?;
        analysis.collect_scopes();
        Ok(analysis)
    }

    fn check_supported(&self) -> Result<(), WitError> {
        let resolve = &self.resolve;
        let unsupported = |span, what: &str| {
            let location = span_location(resolve, span);
            let message = format!("kiln bindgen does not support {what} yet");
            Err(match location {
                Some(l) => WitError::new(format!("{l}: {message}")),
                None => WitError::new(message),
            })
        };
        for &id in &self.types {
            let ty = &resolve.types[id];
            let what = match &ty.kind {
                TypeDefKind::Future(_) => "`future` types",
                TypeDefKind::Stream(_) => "`stream` types",
                TypeDefKind::Map(..) => "`map` types",
                TypeDefKind::FixedLengthList(..) => "fixed-length lists",
                _ if type_mentions_error_context(resolve, id) => "`error-context`",
                _ => continue,
            };
            return unsupported(ty.span, what);
        }
        // One interface both imported and exported would need two sets of
        // types (and of resources, the host's and the guest's).
        let world = &resolve.worlds[self.world];
        for (key, item) in world.exports.iter() {
            if let WorldItem::Interface { id, span, .. } = item {
                let imported = world
                    .imports
                    .values()
                    .any(|i| matches!(i, WorldItem::Interface { id: other, .. } if other == id));
                if imported {
                    let name = resolve.name_world_key(key);
                    return unsupported(
                        *span,
                        &format!("a world that imports and exports the same interface (`{name}`)"),
                    );
                }
            }
        }
        for func in self.world_functions() {
            if func.kind.is_async() {
                return unsupported(func.span, "async functions");
            }
            if matches!(
                func.kind,
                FunctionKind::Getter
                    | FunctionKind::Setter
                    | FunctionKind::MethodGetter(_)
                    | FunctionKind::MethodSetter(_)
            ) {
                return unsupported(func.span, "property getters and setters");
            }
            let types = func.params.iter().map(|p| &p.ty).chain(func.result.iter());
            if types.into_iter().any(|t| matches!(t, Type::ErrorContext)) {
                return unsupported(func.span, "`error-context`");
            }
        }
        Ok(())
    }

    fn world_functions(&self) -> Vec<&Function> {
        let world = &self.resolve.worlds[self.world];
        let mut funcs = Vec::new();
        for item in world.imports.values().chain(world.exports.values()) {
            match item {
                WorldItem::Function(f) => funcs.push(f),
                WorldItem::Interface { id, .. } => {
                    funcs.extend(self.resolve.interfaces[*id].functions.values())
                }
                WorldItem::Type { .. } => {}
            }
        }
        funcs
    }

    fn collect_scopes(&mut self) {
        let resolve = &self.resolve;
        let world = &resolve.worlds[self.world];
        let root = |direction| Scope {
            direction,
            interface: None,
            name: String::new(),
            funcs: Vec::new(),
            types: Vec::new(),
            resources: Vec::new(),
        };
        // Scope 0 is the root of imports (world-level types live there too),
        // scope 1 the root of exports; interfaces follow in world order.
        let mut scopes = vec![root(Direction::Import), root(Direction::Export)];
        let mut interface_scope: HashMap<InterfaceId, usize> = HashMap::new();
        for (direction, items) in [
            (Direction::Import, &world.imports),
            (Direction::Export, &world.exports),
        ] {
            let variant = match direction {
                Direction::Import => AbiVariant::GuestImport,
                Direction::Export => AbiVariant::GuestExport,
            };
            let root_index = if direction == Direction::Import { 0 } else { 1 };
            for (key, item) in items.iter() {
                match item {
                    WorldItem::Function(f) => {
                        scopes[root_index]
                            .funcs
                            .push(make_func(resolve, f, variant));
                    }
                    WorldItem::Interface { id, .. } => {
                        let iface = &resolve.interfaces[*id];
                        let name = match key {
                            WorldKey::Name(n) => n.clone(),
                            WorldKey::Interface(_) => resolve.name_world_key(key),
                        };
                        interface_scope.entry(*id).or_insert(scopes.len());
                        scopes.push(Scope {
                            direction,
                            interface: Some(*id),
                            name,
                            funcs: iface
                                .functions
                                .values()
                                .map(|f| make_func(resolve, f, variant))
                                .collect(),
                            types: Vec::new(),
                            resources: Vec::new(),
                        });
                    }
                    WorldItem::Type { .. } => {}
                }
            }
        }
        // Named types go to the scope of their owner, in dependency order.
        for &id in &self.types {
            let ty = &resolve.types[id];
            if ty.name.is_none() {
                continue;
            }
            let scope = match ty.owner {
                TypeOwner::Interface(i) => match interface_scope.get(&i) {
                    Some(&s) => s,
                    None => continue,
                },
                TypeOwner::World(_) => 0,
                TypeOwner::None => continue,
            };
            scopes[scope].types.push(id);
            if matches!(ty.kind, TypeDefKind::Resource) {
                scopes[scope].resources.push(id);
            }
            self.scope_of_type.insert(id, scope);
        }
        self.scopes = scopes;
    }

    /// The resolved packages the world belongs to.
    pub fn resolve(&self) -> &Resolve {
        &self.resolve
    }

    /// The world.
    pub fn world(&self) -> WorldId {
        self.world
    }

    /// The world's name.
    pub fn name(&self) -> &str {
        &self.resolve.worlds[self.world].name
    }

    /// Sizes and alignments of every type in the canonical ABI (wasm32).
    pub fn sizes(&self) -> &SizeAlign {
        &self.sizes
    }

    /// The scopes: the roots of imports and exports (always present, maybe
    /// empty), then each imported or exported interface.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// Every type the world uses, named or not, each after those it refers
    /// to.
    pub fn types(&self) -> &[TypeId] {
        &self.types
    }

    /// The scope that defines the named type `id`.
    pub fn scope_of(&self, id: TypeId) -> Option<&Scope> {
        self.scope_of_type.get(&id).map(|&i| &self.scopes[i])
    }

    /// The index in [`scopes`](Self::scopes) of the scope defining `id`.
    pub fn scope_index_of(&self, id: TypeId) -> Option<usize> {
        self.scope_of_type.get(&id).copied()
    }

    /// What the type holds: lists or strings, own or borrow handles.
    pub fn info(&self, ty: &Type) -> TypeInfo {
        match ty {
            Type::Id(id) => self.info.get(*id),
            Type::String => TypeInfo {
                has_list: true,
                ..TypeInfo::default()
            },
            _ => TypeInfo::default(),
        }
    }

    /// The strings a list element's lowering allocates, when they are all
    /// it allocates: the element itself if it is a string, or the string
    /// fields of a record or tuple whose other fields hold no strings or
    /// lists. Glue allocates them for a whole list at once, before lowering
    /// the elements, which take them in this order.
    pub fn element_strings(&self, element: &Type) -> Option<Vec<StringPlace>> {
        let fields: Vec<(StringPlace, Type)> = match self.dealias(element) {
            Type::String => return Some(vec![StringPlace::Element]),
            Type::Id(id) => match &self.resolve().types[id].kind {
                TypeDefKind::Record(r) => r
                    .fields
                    .iter()
                    .map(|f| (StringPlace::Field(f.name.clone()), f.ty))
                    .collect(),
                TypeDefKind::Tuple(t) => t
                    .types
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (StringPlace::TupleItem(i), *t))
                    .collect(),
                _ => return None,
            },
            _ => return None,
        };
        let mut strings = Vec::new();
        for (place, ty) in fields {
            if self.dealias(&ty) == Type::String {
                strings.push(place);
            } else if self.info(&ty).has_list {
                return None;
            }
        }
        (!strings.is_empty()).then_some(strings)
    }

    /// Whether a value of `ty` owns something that must be released: memory
    /// (strings and lists) or an owned resource handle.
    pub fn needs_cleanup(&self, ty: &Type) -> bool {
        let info = self.info(ty);
        info.has_list || info.has_own_handle
    }

    /// Follows type aliases (`type a = b`, and `use`) to the type defined,
    /// a primitive type for `type id = u64`.
    pub fn dealias(&self, ty: &Type) -> Type {
        let mut ty = *ty;
        while let Type::Id(id) = ty {
            match &self.resolve.types[id].kind {
                TypeDefKind::Type(t) => ty = *t,
                _ => break,
            }
        }
        ty
    }

    /// The resource type a handle type refers to, with whether it is owned.
    pub fn handle(&self, id: TypeId) -> Option<(TypeId, bool)> {
        match &self.resolve.types[id].kind {
            TypeDefKind::Handle(Handle::Own(r)) => {
                Some((wit_bindgen_core::dealias(&self.resolve, *r), true))
            }
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                Some((wit_bindgen_core::dealias(&self.resolve, *r), false))
            }
            _ => None,
        }
    }

    /// The resources that values of `ty` hold handles to, each once, in
    /// the order met.
    pub fn resources_in(&self, ty: &Type, out: &mut Vec<TypeId>) {
        let Type::Id(id) = ty else { return };
        let recurse = |t: &Type, out: &mut Vec<TypeId>| self.resources_in(t, out);
        match &self.resolve.types[*id].kind {
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
                let r = wit_bindgen_core::dealias(&self.resolve, *r);
                if !out.contains(&r) {
                    out.push(r);
                }
            }
            TypeDefKind::Record(r) => r.fields.iter().for_each(|f| recurse(&f.ty, out)),
            TypeDefKind::Tuple(t) => t.types.iter().for_each(|t| recurse(t, out)),
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .filter_map(|c| c.ty.as_ref())
                .for_each(|t| recurse(t, out)),
            TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => recurse(t, out),
            TypeDefKind::Result(r) => {
                r.ok.iter()
                    .chain(r.err.iter())
                    .for_each(|t| recurse(t, out))
            }
            _ => {}
        }
    }

    /// The resources the guest implements that a scope's functions take or
    /// return: its own, and those of other exported interfaces.
    pub fn guest_resources_of(&self, scope: &Scope) -> Vec<TypeId> {
        let mut all = scope.resources.clone();
        for f in &scope.funcs {
            for t in f
                .func
                .params
                .iter()
                .map(|p| &p.ty)
                .chain(f.func.result.iter())
            {
                self.resources_in(t, &mut all);
            }
        }
        all.retain(|r| !self.is_host_resource(*r));
        all
    }

    /// Whether the resource `id` is implemented by the host (the world
    /// imports it) rather than by the guest.
    pub fn is_host_resource(&self, id: TypeId) -> bool {
        let id = wit_bindgen_core::dealias(&self.resolve, id);
        self.scope_of(id)
            .is_some_and(|s| s.direction == Direction::Import)
    }

    /// Where `span` is, as `file:line:col`.
    pub fn location(&self, span: wit_parser::Span) -> Option<String> {
        span_location(&self.resolve, span)
    }
}

fn make_func(resolve: &Resolve, func: &Function, variant: AbiVariant) -> Func {
    Func {
        sig: resolve.wasm_signature(variant, func),
        variant,
        resource: func
            .kind
            .resource()
            .map(|r| wit_bindgen_core::dealias(resolve, r)),
        func: func.clone(),
    }
}

fn span_location(resolve: &Resolve, span: wit_parser::Span) -> Option<String> {
    span.is_known().then(|| resolve.render_location(span))
}

fn type_mentions_error_context(resolve: &Resolve, id: TypeId) -> bool {
    let direct = |t: &Type| matches!(t, Type::ErrorContext);
    match &resolve.types[id].kind {
        TypeDefKind::Record(r) => r.fields.iter().any(|f| direct(&f.ty)),
        TypeDefKind::Tuple(t) => t.types.iter().any(direct),
        TypeDefKind::Variant(v) => v.cases.iter().filter_map(|c| c.ty.as_ref()).any(direct),
        TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => direct(t),
        TypeDefKind::Result(r) => r.ok.iter().chain(r.err.iter()).any(direct),
        _ => false,
    }
}
