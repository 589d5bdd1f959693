//! Instantiation: following a component's plan step by step, making core
//! instances, canonical functions and nested component instances in the
//! store.

use super::abi::Options;
use super::canon;
use super::items::{Closure, Exports, FuncItem, HostFuncItem, Item, LiftedFunc, OuterScope};
use super::plan::{ComponentDef, CoreSort, ImportShape, Init, ItemRef, OptionsDef, Sort};
use super::resources::{HostDtors, ResourceKind, ResourceType};
use super::state::InstanceState;
use super::types::ComponentFunc;
use crate::environ::error::{Error, ErrorKind, Result};
use crate::{Extern, Global, Memory, Module, StoreContextMut, Table};
use std::collections::HashMap;
use std::sync::Arc;
use wasmparser::component_types::ResourceId;

/// A core instance of a component: a module's instance, or a bundle of
/// existing core items.
enum CoreInstance {
    Instance(crate::Instance),
    Exports(HashMap<String, Extern>),
}

/// Where a component's imports come from.
pub(crate) enum Imports<'a> {
    /// The root component's, from a linker.
    Linker(&'a mut dyn FnMut(&str, &ImportShape) -> Result<Item>),
    /// A nested component's, from the arguments of its instantiation.
    Args(HashMap<String, Item>),
}

/// The index spaces of one component being instantiated.
struct Env {
    core_funcs: Vec<crate::Func>,
    core_tables: Vec<Table>,
    core_memories: Vec<Memory>,
    core_globals: Vec<Global>,
    core_instances: Vec<CoreInstance>,
    modules: Vec<Module>,
    components: Vec<Arc<Closure>>,
    instances: Vec<Arc<Exports>>,
    funcs: Vec<FuncItem>,
    resources: HashMap<ResourceId, ResourceType>,
    exports: Vec<(String, Item)>,
    outer: Option<Arc<OuterScope>>,
    state: Arc<InstanceState>,
}

fn internal(what: &str) -> Error {
    Error::new(
        ErrorKind::Instantiation,
        format!("internal error: {what} out of range"),
    )
}

fn get<'a, V>(items: &'a [V], index: u32, what: &str) -> Result<&'a V> {
    items.get(index as usize).ok_or_else(|| internal(what))
}

impl Env {
    fn resource(&self, id: &ResourceId) -> Result<ResourceType> {
        self.resources.get(id).cloned().ok_or_else(|| {
            Error::new(
                ErrorKind::Instantiation,
                "internal error: a resource type was not bound at instantiation",
            )
        })
    }

    /// A type this component declared, with its resources made concrete.
    fn func_type(&self, ty: &ComponentFunc) -> Result<ComponentFunc> {
        ty.map_resources(&mut |rt| match &rt.0.kind {
            ResourceKind::Declared(id) => self.resource(id),
            _ => Ok(rt.clone()),
        })
    }

    fn item(&self, r: &ItemRef) -> Result<Item> {
        Ok(match r {
            ItemRef::Func(i) => Item::Func(get(&self.funcs, *i, "function")?.clone()),
            ItemRef::Instance(i) => Item::Instance(get(&self.instances, *i, "instance")?.clone()),
            ItemRef::Module(i) => Item::Module(get(&self.modules, *i, "module")?.clone()),
            ItemRef::Component(i) => {
                Item::Component(get(&self.components, *i, "component")?.clone())
            }
            ItemRef::Type(Some(id)) => Item::Type(Some(self.resource(id)?)),
            ItemRef::Type(None) => Item::Type(None),
        })
    }

    /// Adds `item` to its index space.
    fn push(&mut self, item: Item) {
        match item {
            Item::Func(f) => self.funcs.push(f),
            Item::Instance(i) => self.instances.push(i),
            Item::Module(m) => self.modules.push(m),
            Item::Component(c) => self.components.push(c),
            Item::Type(_) => {}
        }
    }

    fn options<T>(&self, store: &StoreContextMut<'_, T>, def: &OptionsDef) -> Result<Options> {
        let memory = def
            .memory
            .map(|i| get(&self.core_memories, i, "core memory").copied())
            .transpose()?;
        if let Some(memory) = memory {
            if memory.ty(store).is_64() {
                return Err(super::convert::unsupported(
                    "a 64-bit memory as a canonical option",
                ));
            }
        }
        let func = |i: Option<u32>| {
            i.map(|i| get(&self.core_funcs, i, "core function").copied())
                .transpose()
        };
        let realloc = func(def.realloc)?
            .map(|f| f.typed::<(u32, u32, u32, u32), u32>(store))
            .transpose()?;
        Ok(Options {
            memory,
            realloc,
            post_return: func(def.post_return)?,
            encoding: def.encoding,
        })
    }

    fn core_export<T>(
        &self,
        store: &mut StoreContextMut<'_, T>,
        instance: u32,
        name: &str,
    ) -> Result<Extern> {
        let found = match get(&self.core_instances, instance, "core instance")? {
            CoreInstance::Instance(i) => i.get_export(&mut *store, name),
            CoreInstance::Exports(e) => e.get(name).copied(),
        };
        found.ok_or_else(|| {
            Error::link(format!(
                "core instance {instance} has no export named `{name}`"
            ))
        })
    }

    /// A snapshot of what a component defined now may alias outward.
    fn scope(&self) -> Arc<OuterScope> {
        Arc::new(OuterScope {
            modules: self.modules.clone(),
            components: self.components.clone(),
            resources: self.resources.clone(),
            parent: self.outer.clone(),
        })
    }
}

/// Binds the resource types an import provides, and gives its host
/// functions their types as this component sees them.
fn bind_import(env: &mut Env, name: &str, shape: &ImportShape, item: Item) -> Result<Item> {
    let mut found = Vec::new();
    shape.resources(&mut Vec::new(), &mut found);
    for (path, id) in found {
        match item.lookup(&path) {
            Some(Item::Type(Some(rt))) => {
                env.resources.insert(id, rt.clone());
            }
            // An export of a type equal to one bound already.
            _ if env.resources.contains_key(&id) => {}
            _ => {
                return Err(Error::link(format!(
                    "component imports {} `{name}`, which needs a resource type `{}`, but it was not given one",
                    shape.kind(),
                    path.join("/")
                )))
            }
        }
    }
    typed(env, shape, item)
}

fn typed(env: &Env, shape: &ImportShape, item: Item) -> Result<Item> {
    Ok(match (shape, item) {
        (ImportShape::Func(ty), Item::Func(FuncItem::Host(h))) => {
            Item::Func(FuncItem::Host(Arc::new(HostFuncItem {
                func: h.func.clone(),
                flat: h.flat,
                ty: env.func_type(ty)?,
                name: h.name.clone(),
            })))
        }
        (ImportShape::Instance(shapes), Item::Instance(exports)) => {
            let needs_types = shapes
                .iter()
                .any(|(_, s)| matches!(s, ImportShape::Func(_) | ImportShape::Instance(_)));
            if !needs_types {
                return Ok(Item::Instance(exports));
            }
            let items = exports
                .items
                .iter()
                .map(|(n, item)| {
                    let item = match shapes.iter().find(|(s, _)| s == n) {
                        Some((_, s)) => typed(env, s, item.clone())?,
                        None => item.clone(),
                    };
                    Ok((n.clone(), item))
                })
                .collect::<Result<_>>()?;
            Item::Instance(Arc::new(Exports::new(items)))
        }
        (_, item) => item,
    })
}

/// Instantiates `closure` (or the root component, with no closure) in
/// `store`; returns the new instance's exports.
pub(crate) fn instantiate<T: 'static>(
    store: &mut StoreContextMut<'_, T>,
    def: &Arc<ComponentDef>,
    outer: Option<Arc<OuterScope>>,
    mut imports: Imports<'_>,
    host_dtors: &Arc<HostDtors>,
) -> Result<Arc<Exports>> {
    let store_id = store.0.opaque.id;
    let mut env = Env {
        core_funcs: Vec::new(),
        core_tables: Vec::new(),
        core_memories: Vec::new(),
        core_globals: Vec::new(),
        core_instances: Vec::new(),
        modules: Vec::new(),
        components: Vec::new(),
        instances: Vec::new(),
        funcs: Vec::new(),
        resources: outer
            .as_ref()
            .map(|o| o.resources.clone())
            .unwrap_or_default(),
        exports: Vec::new(),
        outer,
        state: Arc::new(InstanceState::new(store_id, host_dtors.clone())),
    };
    for init in &def.inits {
        match init {
            Init::Module(i) => {
                let module = get(&def.modules, *i, "module")?.clone();
                env.modules.push(module);
            }
            Init::Component(i) => {
                let closure = Closure {
                    def: get(&def.components, *i, "component")?.clone(),
                    outer: env.scope(),
                };
                env.components.push(Arc::new(closure));
            }
            Init::Import { name, shape } => {
                let item = match &mut imports {
                    Imports::Linker(resolve) => resolve(name, shape)?,
                    Imports::Args(args) => args.get(name).cloned().ok_or_else(|| {
                        Error::link(format!("missing instantiation argument `{name}`"))
                    })?,
                };
                let item = bind_import(&mut env, name, shape, item)?;
                env.push(item);
            }
            Init::CoreInstantiate { module, args } => {
                let module = get(&env.modules, *module, "module")?.clone();
                let mut externs = Vec::new();
                for import in module.imports() {
                    let instance = args
                        .iter()
                        .find(|(n, _)| n == import.module())
                        .map(|(_, i)| *i)
                        .ok_or_else(|| {
                            Error::link(format!(
                                "no core instance given for import module `{}`",
                                import.module()
                            ))
                        })?;
                    externs.push(env.core_export(store, instance, import.name())?);
                }
                let instance = crate::Instance::new(&mut *store, &module, &externs)?;
                env.core_instances.push(CoreInstance::Instance(instance));
            }
            Init::CoreExports(exports) => {
                let mut map = HashMap::new();
                for (name, sort, index) in exports {
                    let item: Extern = match sort {
                        CoreSort::Func => (*get(&env.core_funcs, *index, "core function")?).into(),
                        CoreSort::Table => (*get(&env.core_tables, *index, "core table")?).into(),
                        CoreSort::Memory => {
                            (*get(&env.core_memories, *index, "core memory")?).into()
                        }
                        CoreSort::Global => {
                            (*get(&env.core_globals, *index, "core global")?).into()
                        }
                    };
                    map.insert(name.clone(), item);
                }
                env.core_instances.push(CoreInstance::Exports(map));
            }
            Init::AliasCoreExport {
                instance,
                name,
                sort,
            } => {
                let item = env.core_export(store, *instance, name)?;
                let wrong = || {
                    Error::link(format!(
                        "core export `{name}` is not a {}",
                        match sort {
                            CoreSort::Func => "function",
                            CoreSort::Table => "table",
                            CoreSort::Memory => "memory",
                            CoreSort::Global => "global",
                        }
                    ))
                };
                match sort {
                    CoreSort::Func => env.core_funcs.push(item.into_func().ok_or_else(wrong)?),
                    CoreSort::Table => env.core_tables.push(item.into_table().ok_or_else(wrong)?),
                    CoreSort::Memory => env
                        .core_memories
                        .push(item.into_memory().ok_or_else(wrong)?),
                    CoreSort::Global => {
                        env.core_globals.push(item.into_global().ok_or_else(wrong)?)
                    }
                }
            }
            Init::AliasExport {
                instance,
                name,
                sort,
            } => {
                let exports = get(&env.instances, *instance, "instance")?;
                let item = exports.get(name).cloned().ok_or_else(|| {
                    Error::link(format!("instance {instance} has no export named `{name}`"))
                })?;
                let matches = matches!(
                    (sort, &item),
                    (Sort::Func, Item::Func(_))
                        | (Sort::Instance, Item::Instance(_))
                        | (Sort::Module, Item::Module(_))
                        | (Sort::Component, Item::Component(_))
                        | (Sort::Type, Item::Type(_))
                );
                if !matches {
                    return Err(Error::link(format!(
                        "export `{name}` is a {}, not of the sort aliased",
                        item.kind()
                    )));
                }
                env.push(item);
            }
            Init::AliasOuter { sort, count, index } => {
                let item = if *count == 0 {
                    match sort {
                        Sort::Module => Item::Module(get(&env.modules, *index, "module")?.clone()),
                        _ => Item::Component(get(&env.components, *index, "component")?.clone()),
                    }
                } else {
                    let mut scope = env.outer.clone();
                    for _ in 1..*count {
                        scope = scope.and_then(|s| s.parent.clone());
                    }
                    let scope = scope.ok_or_else(|| internal("outer alias count"))?;
                    match sort {
                        Sort::Module => {
                            Item::Module(get(&scope.modules, *index, "module")?.clone())
                        }
                        _ => Item::Component(get(&scope.components, *index, "component")?.clone()),
                    }
                };
                env.push(item);
            }
            Init::Instantiate {
                component,
                args,
                resources,
            } => {
                let closure = get(&env.components, *component, "component")?.clone();
                let args = args
                    .iter()
                    .map(|(n, r)| Ok((n.clone(), env.item(r)?)))
                    .collect::<Result<HashMap<_, _>>>()?;
                let exports = instantiate(
                    store,
                    &closure.def,
                    Some(closure.outer.clone()),
                    Imports::Args(args),
                    host_dtors,
                )?;
                let item = Item::Instance(exports.clone());
                for (path, id) in resources {
                    match item.lookup(path) {
                        Some(Item::Type(Some(rt))) => {
                            env.resources.insert(*id, rt.clone());
                        }
                        _ => return Err(internal("resource export")),
                    }
                }
                env.instances.push(exports);
            }
            Init::InstanceExports(items) => {
                let items = items
                    .iter()
                    .map(|(n, r)| Ok((n.clone(), env.item(r)?)))
                    .collect::<Result<Vec<_>>>()?;
                env.instances.push(Arc::new(Exports::new(items)));
            }
            Init::DefineResource { id, dtor, name } => {
                let dtor = dtor
                    .map(|i| get(&env.core_funcs, i, "core function").copied())
                    .transpose()?;
                let rt = ResourceType::guest(env.state.clone(), dtor, name.clone());
                env.resources.insert(*id, rt);
            }
            Init::Lift {
                core_func,
                ty,
                opts,
            } => {
                let lifted = LiftedFunc {
                    ty: env.func_type(ty)?,
                    core: *get(&env.core_funcs, *core_func, "core function")?,
                    opts: env.options(store, opts)?,
                    inst: env.state.clone(),
                };
                env.funcs.push(FuncItem::Lifted(Arc::new(lifted)));
            }
            Init::Lower { func, ty, opts } => {
                let target = get(&env.funcs, *func, "function")?.clone();
                let ty = env.func_type(ty)?;
                let opts = env.options(store, opts)?;
                let core = canon::lower(store, target, ty, opts, env.state.clone());
                env.core_funcs.push(core);
            }
            Init::ResourceNew(id) => {
                let core = canon::resource_new(store, env.resource(id)?, env.state.clone());
                env.core_funcs.push(core);
            }
            Init::ResourceRep(id) => {
                let core = canon::resource_rep(store, env.resource(id)?, env.state.clone());
                env.core_funcs.push(core);
            }
            Init::ResourceDrop(id) => {
                let core = canon::resource_drop(store, env.resource(id)?, env.state.clone());
                env.core_funcs.push(core);
            }
            Init::Export { name, item } => {
                let item = env.item(item)?;
                env.exports.push((name.clone(), item.clone()));
                env.push(item);
            }
        }
    }
    Ok(Arc::new(Exports::new(env.exports)))
}
