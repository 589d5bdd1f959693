//! `Linker`: the host's definitions that satisfy a component's imports, by
//! interface and function name.

use super::component::Component;
use super::flat::{FlatContext, FlatHostFn};
use super::instance::Instance;
use super::instantiate::{instantiate, Imports};
use super::items::{Exports, FuncItem, HostFuncItem, Item};
use super::plan::ImportShape;
use super::resources::{HostDtor, HostDtors, ResourceType};
use super::values::Val;
use crate::environ::error::{Error, Result};
use crate::{AsContextMut, Engine, StoreContextMut};
use std::collections::HashMap;
use std::sync::Arc;

/// A host function's body, typed by the store's data.
pub(crate) struct HostFn<T>(
    #[allow(clippy::type_complexity)]
    pub  Box<dyn Fn(StoreContextMut<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync>,
);

enum Definition<T> {
    Func(Arc<HostFn<T>>),
    FlatFunc(Arc<FlatHostFn<T>>),
    Instance(Definitions<T>),
    Resource(ResourceType),
    Module(crate::Module),
    /// An item of a component instance, bound to its store.
    Item(Item),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Func(f) => Definition::Func(f.clone()),
            Definition::FlatFunc(f) => Definition::FlatFunc(f.clone()),
            Definition::Instance(d) => Definition::Instance(d.clone()),
            Definition::Resource(r) => Definition::Resource(r.clone()),
            Definition::Module(m) => Definition::Module(m.clone()),
            Definition::Item(i) => Definition::Item(i.clone()),
        }
    }
}

impl<T> Definition<T> {
    fn kind(&self) -> &'static str {
        match self {
            Definition::Func(_) | Definition::FlatFunc(_) => "function",
            Definition::Instance(_) => "instance",
            Definition::Resource(_) => "resource type",
            Definition::Module(_) => "module",
            Definition::Item(i) => i.kind(),
        }
    }
}

struct Definitions<T> {
    items: HashMap<String, Definition<T>>,
}

impl<T> Clone for Definitions<T> {
    fn clone(&self) -> Self {
        Definitions {
            items: self.items.clone(),
        }
    }
}

impl<T> Default for Definitions<T> {
    fn default() -> Self {
        Definitions {
            items: HashMap::new(),
        }
    }
}

/// Defines what components import: host functions, host resource types and
/// core modules, at the root or inside named instances such as
/// `"wasi:cli/stdout"`; then instantiates components with them.
///
/// ```
/// use kiln::component::{Component, Linker, Val};
/// use kiln::{Engine, Store};
///
/// let engine = Engine::default();
/// let component = Component::new(&engine, r#"
///     (component
///       (import "host:demo/math" (instance $math
///         (export "double" (func (param "x" u32) (result u32)))))
///       (alias export $math "double" (func $double))
///       (core func $double (canon lower (func $double)))
///       (core module $m
///         (import "host" "double" (func $double (param i32) (result i32)))
///         (func (export "run") (result i32) (call $double (i32.const 21))))
///       (core instance $i (instantiate $m
///         (with "host" (instance (export "double" (func $double))))))
///       (func (export "run") (result u32) (canon lift (core func $i "run"))))
/// "#).unwrap();
///
/// let mut linker = Linker::<()>::new(&engine);
/// linker.instance("host:demo/math").unwrap()
///     .func_new("double", |_store, params, results| {
///         let Val::U32(x) = params[0] else { unreachable!() };
///         results[0] = Val::U32(x * 2);
///         Ok(())
///     })
///     .unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = linker.instantiate(&mut store, &component).unwrap();
/// let mut result = [Val::U32(0)];
/// instance.get_func(&mut store, "run").unwrap().call(&mut store, &[], &mut result).unwrap();
/// assert_eq!(result[0], Val::U32(42));
/// ```
pub struct Linker<T> {
    engine: Engine,
    root: Definitions<T>,
    dtors: Arc<HostDtors>,
    allow_shadowing: bool,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Linker {
            engine: self.engine.clone(),
            root: self.root.clone(),
            dtors: self.dtors.clone(),
            allow_shadowing: self.allow_shadowing,
        }
    }
}

/// The definitions at the root of a [`Linker`], or inside one of its
/// instances: where host functions and resources are defined.
///
/// ```
/// use kiln::component::{Linker, ResourceType, Val};
/// use kiln::Engine;
///
/// struct Handle;
/// let mut linker = Linker::<()>::new(&Engine::default());
/// let mut root = linker.root();
/// root.func_new("now", |_, _, results| {
///     results[0] = Val::U64(1_700_000_000);
///     Ok(())
/// }).unwrap();
/// let mut fs = root.instance("wasi:filesystem/types").unwrap();
/// fs.resource("descriptor", ResourceType::host::<Handle>(), |_, _| Ok(())).unwrap();
/// ```
pub struct LinkerInstance<'a, T> {
    defs: &'a mut Definitions<T>,
    dtors: &'a mut Arc<HostDtors>,
    allow_shadowing: bool,
    /// The instance's name, for errors (empty at the root).
    path: String,
}

impl<T: 'static> Linker<T> {
    /// An empty linker for components of `engine`.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            root: Definitions::default(),
            dtors: Arc::new(HostDtors::new()),
            allow_shadowing: false,
        }
    }

    /// The engine of this linker.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition may replace an earlier one of the same
    /// name (otherwise that is an error).
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    /// The root of the linker: what a component imports by plain name.
    pub fn root(&mut self) -> LinkerInstance<'_, T> {
        LinkerInstance {
            defs: &mut self.root,
            dtors: &mut self.dtors,
            allow_shadowing: self.allow_shadowing,
            path: String::new(),
        }
    }

    /// The instance called `name` at the root, made if it does not exist
    /// yet; the same as `linker.root().into_instance(name)`.
    pub fn instance(&mut self, name: &str) -> Result<LinkerInstance<'_, T>> {
        self.root().into_instance(name)
    }

    /// Defines every function `component` imports that this linker does
    /// not define as one that fails when called, with the error `unknown
    /// import: `NAME` has not been defined`, and every resource type it
    /// imports that the linker lacks as a resource type of its own: so that
    /// a component can be instantiated to call what does not need them.
    ///
    /// ```
    /// use kiln::component::{Component, Linker};
    /// use kiln::{Engine, Store};
    ///
    /// let engine = Engine::default();
    /// let component = Component::new(&engine, r#"(component
    ///     (import "demo:io/log" (instance $log (export "write" (func (param "s" string)))))
    ///     (export "write" (func $log "write")))"#).unwrap();
    /// let mut linker = Linker::<()>::new(&engine);
    /// linker.define_unknown_imports_as_traps(&component).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let instance = linker.instantiate(&mut store, &component).unwrap();
    /// let write = instance.get_func(&mut store, "write").unwrap();
    /// let err = write.call(&mut store, &[kiln::component::Val::String("x".into())], &mut []).unwrap_err();
    /// assert_eq!(err.to_string(), "unknown import: `demo:io/log/write` has not been defined");
    /// ```
    pub fn define_unknown_imports_as_traps(&mut self, component: &Component) -> Result<()> {
        for (name, shape) in &component.def().imports {
            define_unknown(&mut self.root(), name, shape)?;
        }
        Ok(())
    }

    /// Instantiates `component` in `store`, satisfying its imports with
    /// this linker's definitions.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        component: &Component,
    ) -> Result<Instance> {
        let mut store = store.as_context_mut();
        if !Engine::same(&self.engine, store.engine()) {
            return Err(Error::usage(
                "the linker and the store belong to different engines",
            ));
        }
        if !Engine::same(component.engine(), store.engine()) {
            return Err(Error::usage(
                "the component and the store belong to different engines",
            ));
        }
        let mut resolve = |name: &str, shape: &ImportShape| self.resolve(name, shape);
        let exports = instantiate(
            &mut store,
            component.def(),
            None,
            Imports::Linker(&mut resolve),
            &self.dtors,
        )?;
        Ok(Instance::new(exports, store.0.opaque.id))
    }

    fn resolve(&self, name: &str, shape: &ImportShape) -> Result<Item> {
        if let ImportShape::Type = shape {
            return Ok(Item::Type(None));
        }
        let def = self.root.items.get(name).ok_or_else(|| {
            Error::link(format!(
                "component imports {} `{name}`, but a matching implementation was not found in the linker",
                shape.kind()
            ))
        })?;
        item_of(def, name, shape)
    }
}

/// The item a definition provides for an import of `shape`.
fn item_of<T: 'static>(def: &Definition<T>, path: &str, shape: &ImportShape) -> Result<Item> {
    let wrong = || {
        Error::link(format!(
            "component imports {} `{path}`, but the linker defines a {} of that name",
            shape.kind(),
            def.kind()
        ))
    };
    Ok(match (shape, def) {
        (ImportShape::Func(ty), Definition::Func(f)) => {
            Item::Func(FuncItem::Host(Arc::new(HostFuncItem {
                func: f.clone(),
                flat: false,
                ty: ty.clone(),
                name: path.to_string(),
            })))
        }
        (ImportShape::Func(ty), Definition::FlatFunc(f)) => {
            Item::Func(FuncItem::Host(Arc::new(HostFuncItem {
                func: f.clone(),
                flat: true,
                ty: ty.clone(),
                name: path.to_string(),
            })))
        }
        (ImportShape::Instance(shapes), Definition::Instance(defs)) => {
            let mut items = Vec::with_capacity(shapes.len());
            for (name, shape) in shapes {
                let inner = format!("{path}/{name}");
                // Types other than resources need no definition, and a
                // resource type equal to one bound elsewhere neither: what
                // instantiation finds missing is an error there.
                if let ImportShape::Type | ImportShape::Resource(_) = shape {
                    if !defs.items.contains_key(name) {
                        items.push((name.clone(), Item::Type(None)));
                        continue;
                    }
                }
                let def = defs.items.get(name).ok_or_else(|| {
                    Error::link(format!(
                        "component imports instance `{path}`, which needs a {} `{name}`, but the linker defines none",
                        shape.kind()
                    ))
                })?;
                items.push((name.clone(), item_of(def, &inner, shape)?));
            }
            Item::Instance(Arc::new(Exports::new(items)))
        }
        (ImportShape::Resource(_), Definition::Resource(rt)) => Item::Type(Some(rt.clone())),
        (ImportShape::Module, Definition::Module(m)) => Item::Module(m.clone()),
        (shape, Definition::Item(item)) => {
            check_item(shape, item, path)?;
            item.clone()
        }
        (ImportShape::Component, _) => {
            return Err(Error::link(format!(
                "component imports component `{path}`, but linkers cannot define components"
            )))
        }
        _ => return Err(wrong()),
    })
}

/// Defines `name` in `defs` for an import of `shape` if it is missing, as
/// [`Linker::define_unknown_imports_as_traps`] says.
fn define_unknown<T: 'static>(
    defs: &mut LinkerInstance<'_, T>,
    name: &str,
    shape: &ImportShape,
) -> Result<()> {
    let defined = defs.defs.items.get(name);
    match shape {
        ImportShape::Func(_) if defined.is_none() => {
            let path = defs.qualified(name);
            defs.func_new(name, move |_, _, _| {
                Err(Error::msg(format!(
                    "unknown import: `{path}` has not been defined"
                )))
            })?;
        }
        ImportShape::Resource(_) if defined.is_none() => {
            let ty = ResourceType::host_unique(name);
            defs.resource(name, ty, |_, _| Ok(()))?;
        }
        ImportShape::Instance(shapes)
            if defined.is_none() || matches!(defined, Some(Definition::Instance(_))) =>
        {
            let mut inner = defs.instance(name)?;
            for (name, shape) in shapes {
                define_unknown(&mut inner, name, shape)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Checks that a component instance's `item` has what an import of `shape`
/// needs.
fn check_item(shape: &ImportShape, item: &Item, path: &str) -> Result<()> {
    match (shape, item) {
        (ImportShape::Func(_), Item::Func(_))
        | (ImportShape::Resource(_), Item::Type(Some(_)))
        | (ImportShape::Type, Item::Type(_))
        | (ImportShape::Module, Item::Module(_))
        | (ImportShape::Component, Item::Component(_)) => Ok(()),
        (ImportShape::Instance(shapes), Item::Instance(exports)) => {
            for (name, shape) in shapes {
                match exports.get(name) {
                    Some(item) => check_item(shape, item, &format!("{path}/{name}"))?,
                    None if matches!(shape, ImportShape::Type) => {}
                    None => {
                        return Err(Error::link(format!(
                            "component imports instance `{path}`, which needs a {} `{name}`, but the instance given has none",
                            shape.kind()
                        )))
                    }
                }
            }
            Ok(())
        }
        _ => Err(Error::link(format!(
            "component imports {} `{path}`, but a {} was given",
            shape.kind(),
            item.kind()
        ))),
    }
}

impl<'a, T: 'static> LinkerInstance<'a, T> {
    fn insert(&mut self, name: &str, def: Definition<T>) -> Result<()> {
        if !self.allow_shadowing && self.defs.items.contains_key(name) {
            return Err(Error::link(format!(
                "`{}` is defined twice",
                self.qualified(name)
            )));
        }
        self.defs.items.insert(name.to_string(), def);
        Ok(())
    }

    fn qualified(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", self.path)
        }
    }

    /// Defines the function `name`, whose parameters and results are
    /// [`Val`]s of the types the importing component declares: `results`
    /// comes with room for them, each holding the zero value of its type
    /// (`0`, `""`, `none`, the first case, ...) until the function sets it.
    pub fn func_new(
        &mut self,
        name: &str,
        func: impl Fn(StoreContextMut<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        self.insert(name, Definition::Func(Arc::new(HostFn(Box::new(func)))))?;
        Ok(self)
    }

    /// Defines the function `name` for the typed fast path of generated
    /// glue: `func` receives the flat core arguments of the lowered import
    /// in `slots` (one per slot, in the raw form of
    /// [`Val::to_slot`](crate::Val::to_slot)) and leaves its flat results
    /// there, lifting and lowering through the calling component's memory
    /// with the [`FlatContext`]. Such a function can only be called by
    /// components, not with [`Func::call`](super::Func::call).
    ///
    /// ```
    /// use kiln::component::{Component, Linker, Val};
    /// use kiln::{Engine, Store};
    ///
    /// let engine = Engine::default();
    /// let component = Component::new(&engine, r#"
    ///     (component
    ///       (import "shout" (func $shout (param "s" string)))
    ///       (core module $libc (memory (export "memory") 1) (data (i32.const 8) "hey"))
    ///       (core instance $libc (instantiate $libc))
    ///       (core func $shout (canon lower (func $shout) (memory (core memory $libc "memory"))))
    ///       (core module $m
    ///         (import "" "shout" (func $shout (param i32 i32)))
    ///         (func (export "run") (call $shout (i32.const 8) (i32.const 3))))
    ///       (core instance $i (instantiate $m (with "" (instance (export "shout" (func $shout))))))
    ///       (func (export "run") (canon lift (core func $i "run"))))
    /// "#).unwrap();
    /// let mut linker = Linker::<Vec<String>>::new(&engine);
    /// linker.root().func_new_flat("shout", |cx, slots| {
    ///     let s = cx.load_string(slots[0] as u32, slots[1] as u32)?;
    ///     cx.data_mut().push(s.to_uppercase());
    ///     Ok(())
    /// }).unwrap();
    /// let mut store = Store::new(&engine, Vec::new());
    /// let instance = linker.instantiate(&mut store, &component).unwrap();
    /// instance.get_func(&mut store, "run").unwrap().call(&mut store, &[], &mut []).unwrap();
    /// assert_eq!(store.data(), &["HEY"]);
    /// ```
    pub fn func_new_flat(
        &mut self,
        name: &str,
        func: impl Fn(&mut FlatContext<'_, '_, T>, &mut [u128]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        self.insert(
            name,
            Definition::FlatFunc(Arc::new(FlatHostFn(Box::new(func)))),
        )?;
        Ok(self)
    }

    /// Defines the resource type `name` as the host resource type `ty`.
    /// `dtor` runs with the resource's representation when a component
    /// drops an owned handle to it (or the host drops one a component gave
    /// back, with [`ResourceAny::resource_drop`](super::ResourceAny::resource_drop)).
    ///
    /// ```
    /// use kiln::component::{Linker, ResourceType};
    /// use kiln::Engine;
    /// struct Connection;
    /// let mut linker = Linker::<Vec<u32>>::new(&Engine::default());
    /// linker.root().resource("connection", ResourceType::host::<Connection>(), |mut store, rep| {
    ///     store.data_mut().push(rep);
    ///     Ok(())
    /// }).unwrap();
    /// ```
    pub fn resource(
        &mut self,
        name: &str,
        ty: ResourceType,
        dtor: impl Fn(StoreContextMut<'_, T>, u32) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        if !ty.is_host() {
            return Err(Error::usage(format!(
                "`{}` must be a host resource type",
                self.qualified(name)
            )));
        }
        self.insert(name, Definition::Resource(ty.clone()))?;
        Arc::make_mut(self.dtors).insert(ty, Arc::new(HostDtor(Box::new(dtor))));
        Ok(self)
    }

    /// Defines `name` as an instance with the exports of the component
    /// instance `instance`, so that components instantiated later can
    /// import them (as `kiln wast`'s `register` does). The definition is
    /// only usable in the store `instance` belongs to.
    ///
    /// ```
    /// use kiln::component::{Component, Linker, Val};
    /// use kiln::{Engine, Store};
    ///
    /// let engine = Engine::default();
    /// let provider = Component::new(&engine, r#"(component
    ///     (core module $m (func (export "f") (result i32) i32.const 3))
    ///     (core instance $i (instantiate $m))
    ///     (func (export "three") (result u32) (canon lift (core func $i "f"))))"#).unwrap();
    /// let user = Component::new(&engine, r#"(component
    ///     (import "provider" (instance $p (export "three" (func (result u32)))))
    ///     (export "three-again" (func $p "three")))"#).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let mut linker = Linker::new(&engine);
    /// let p = linker.instantiate(&mut store, &provider).unwrap();
    /// linker.root().define_instance("provider", &p).unwrap();
    /// let u = linker.instantiate(&mut store, &user).unwrap();
    /// let mut out = [Val::U32(0)];
    /// u.get_func(&mut store, "three-again").unwrap().call(&mut store, &[], &mut out).unwrap();
    /// assert_eq!(out[0], Val::U32(3));
    /// ```
    pub fn define_instance(&mut self, name: &str, instance: &Instance) -> Result<&mut Self> {
        self.insert(name, Definition::Item(instance.as_item()))?;
        Ok(self)
    }

    /// Defines the core module `name`, for components that import one.
    pub fn module(&mut self, name: &str, module: &crate::Module) -> Result<&mut Self> {
        self.insert(name, Definition::Module(module.clone()))?;
        Ok(self)
    }

    /// The instance `name` inside this one, made if it does not exist yet.
    pub fn instance(&mut self, name: &str) -> Result<LinkerInstance<'_, T>> {
        let path = self.qualified(name);
        let entry = self
            .defs
            .items
            .entry(name.to_string())
            .or_insert_with(|| Definition::Instance(Definitions::default()));
        match entry {
            Definition::Instance(defs) => Ok(LinkerInstance {
                defs,
                dtors: &mut *self.dtors,
                allow_shadowing: self.allow_shadowing,
                path,
            }),
            other => Err(Error::link(format!(
                "`{path}` is already defined as a {}",
                other.kind()
            ))),
        }
    }

    /// Like [`LinkerInstance::instance`], consuming this one.
    pub fn into_instance(self, name: &str) -> Result<LinkerInstance<'a, T>> {
        let path = self.qualified(name);
        let entry = self
            .defs
            .items
            .entry(name.to_string())
            .or_insert_with(|| Definition::Instance(Definitions::default()));
        match entry {
            Definition::Instance(defs) => Ok(LinkerInstance {
                defs,
                dtors: self.dtors,
                allow_shadowing: self.allow_shadowing,
                path,
            }),
            other => Err(Error::link(format!(
                "`{path}` is already defined as a {}",
                other.kind()
            ))),
        }
    }
}
