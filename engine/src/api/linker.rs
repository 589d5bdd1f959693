//! `Linker`: resolves a module's imports by name.

use super::engine::Engine;
use super::externals::Extern;
use super::func::{Caller, Func, HostFunc};
use super::instance::Instance;
use super::module::Module;
use super::store::{AsContext, AsContextMut};
use super::typed::IntoFunc;
use super::values::Val;
use crate::environ::error::{Error, Result};
use crate::environ::types::FuncType;
use rustc_hash::FxHashMap;
use std::sync::Arc;

#[derive(Clone)]
enum Definition {
    Extern(Extern),
    /// Placed in a store (once per store) when first used.
    HostFunc(Arc<HostFunc>),
}

/// Names host functions and other instances' exports so that modules can be
/// instantiated by import name instead of position.
///
/// ```
/// use kiln::{Engine, Store, Module, Linker, Caller};
/// let engine = Engine::default();
/// let module = Module::new(&engine, r#"
///     (module
///       (import "host" "double" (func $double (param i32) (result i32)))
///       (func (export "run") (result i32) i32.const 21 call $double))
/// "#).unwrap();
/// let mut linker = Linker::new(&engine);
/// linker.func_wrap("host", "double", |caller: Caller<'_, u32>, x: i32| x * 2).unwrap();
/// let mut store = Store::new(&engine, 0u32);
/// let instance = linker.instantiate(&mut store, &module).unwrap();
/// let run = instance.get_typed_func::<(), i32>(&mut store, "run").unwrap();
/// assert_eq!(run.call(&mut store, ()).unwrap(), 42);
/// ```
pub struct Linker<T> {
    engine: Engine,
    /// By module name, then name: looked up by `&str` with no allocation,
    /// once per import of every instantiation.
    definitions: FxHashMap<String, FxHashMap<String, Definition>>,
    allow_shadowing: bool,
    _marker: std::marker::PhantomData<fn(T)>,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Linker {
            engine: self.engine.clone(),
            definitions: self.definitions.clone(),
            allow_shadowing: self.allow_shadowing,
            _marker: std::marker::PhantomData,
        }
    }
}

impl<T: 'static> Linker<T> {
    /// An empty linker for modules of `engine`.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            definitions: FxHashMap::default(),
            allow_shadowing: false,
            _marker: std::marker::PhantomData,
        }
    }

    /// The engine of this linker.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition may replace an earlier one of the same name
    /// (otherwise that is an error).
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition) -> Result<&mut Self> {
        let names = self.definitions.entry(module.to_string()).or_default();
        if !self.allow_shadowing && names.contains_key(name) {
            return Err(Error::link(format!(
                "import `{module}::{name}` is defined twice"
            )));
        }
        names.insert(name.to_string(), def);
        Ok(self)
    }

    /// Defines `module::name` as `item`, which belongs to `store`.
    pub fn define(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self> {
        let item = item.into();
        store.as_inner().opaque.check(item.stored(), "definition")?;
        self.insert(module, name, Definition::Extern(item))
    }

    /// Defines `module::name` as a host function from a typed Rust closure.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self> {
        let host = Arc::new(func.into_host_func());
        self.insert(module, name, Definition::HostFunc(host))
    }

    /// Defines `module::name` as a dynamically typed host function.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let host = Arc::new(HostFunc::new(ty, func));
        self.insert(module, name, Definition::HostFunc(host))
    }

    /// Defines `module::name` as a host function of numbers and vectors
    /// that works on raw slots, as [`Func::new_numeric`] does; a type with
    /// references is an error of kind [`ErrorKind::Usage`](crate::ErrorKind::Usage).
    ///
    /// ```
    /// use kiln::{Engine, FuncType, Linker, Module, Store, ValType};
    /// let engine = Engine::default();
    /// let mut linker = Linker::<()>::new(&engine);
    /// let ty = FuncType::new([ValType::I64], [ValType::I64]);
    /// linker
    ///     .func_new_numeric("host", "double", ty, |_caller, slots| {
    ///         slots[0] = (slots[0] as u64).wrapping_mul(2) as u128;
    ///         Ok(())
    ///     })
    ///     .unwrap();
    /// let module = Module::new(&engine, r#"(module
    ///     (import "host" "double" (func $double (param i64) (result i64)))
    ///     (func (export "quad") (param i64) (result i64)
    ///         (call $double (call $double (local.get 0)))))"#).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let instance = linker.instantiate(&mut store, &module).unwrap();
    /// let quad = instance.get_typed_func::<i64, i64>(&mut store, "quad").unwrap();
    /// assert_eq!(quad.call(&mut store, 5).unwrap(), 20);
    /// ```
    pub fn func_new_numeric(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &mut [u128]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let host = Arc::new(HostFunc::numeric(ty, func)?);
        self.insert(module, name, Definition::HostFunc(host))
    }

    /// Defines every export of `instance` under the module name `module`.
    pub fn instance(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self> {
        for (name, item) in instance.exports(&mut store) {
            self.insert(module, &name, Definition::Extern(item))?;
        }
        Ok(self)
    }

    /// The `(module, name)` of every definition, in no particular order.
    ///
    /// ```
    /// use kiln::{Linker, Engine};
    /// let mut linker = Linker::<()>::new(&Engine::default());
    /// linker.func_wrap("env", "answer", || 42).unwrap();
    /// assert_eq!(linker.names().collect::<Vec<_>>(), [("env", "answer")]);
    /// ```
    pub fn names(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.definitions.iter().flat_map(|(module, names)| {
            names
                .keys()
                .map(move |name| (module.as_str(), name.as_str()))
        })
    }

    /// The definition of `module::name`, placed in `store` if it is a host function.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        match self.definitions.get(module)?.get(name)? {
            Definition::Extern(e) => Some(*e),
            Definition::HostFunc(f) => Some(Extern::Func(
                store.as_inner_mut().opaque.add_host_func(f.clone()),
            )),
        }
    }

    /// Defines each function import of `module` that is not defined yet as
    /// a function that traps, naming the import, when it is called: for
    /// instantiating a module whose unused imports the host does not
    /// provide.
    ///
    /// ```
    /// use kiln::{Engine, Linker, Module, Store};
    /// let engine = Engine::default();
    /// let module = Module::new(&engine, r#"(module
    ///     (import "env" "missing" (func $missing))
    ///     (func (export "run") (call $missing)))"#).unwrap();
    /// let mut linker = Linker::<()>::new(&engine);
    /// linker.define_unknown_imports_as_traps(&module).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let instance = linker.instantiate(&mut store, &module).unwrap();
    /// let run = instance.get_typed_func::<(), ()>(&mut store, "run").unwrap();
    /// let err = run.call(&mut store, ()).unwrap_err();
    /// assert_eq!(err.to_string(), "unknown import `env::missing` was called");
    /// ```
    pub fn define_unknown_imports_as_traps(&mut self, module: &Module) -> Result<&mut Self> {
        for (module_name, name, ty) in self.undefined_funcs(module) {
            let message = format!("unknown import `{module_name}::{name}` was called");
            self.func_new(&module_name, &name, ty, move |_, _, _| {
                Err(Error::msg(message.clone()))
            })?;
        }
        Ok(self)
    }

    /// Defines each function import of `module` that is not defined yet as
    /// a function that returns its results' default values (zeros and null
    /// references) and does nothing else.
    ///
    /// ```
    /// use kiln::{Engine, Linker, Module, Store};
    /// let engine = Engine::default();
    /// let module = Module::new(&engine, r#"(module
    ///     (import "env" "missing" (func $missing (result i32)))
    ///     (func (export "run") (result i32) (call $missing)))"#).unwrap();
    /// let mut linker = Linker::<()>::new(&engine);
    /// linker.define_unknown_imports_as_default_values(&module).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let instance = linker.instantiate(&mut store, &module).unwrap();
    /// let run = instance.get_typed_func::<(), i32>(&mut store, "run").unwrap();
    /// assert_eq!(run.call(&mut store, ()).unwrap(), 0);
    /// ```
    pub fn define_unknown_imports_as_default_values(
        &mut self,
        module: &Module,
    ) -> Result<&mut Self> {
        for (module_name, name, ty) in self.undefined_funcs(module) {
            // Result slots start out as their types' default values.
            self.func_new(&module_name, &name, ty, |_, _, _| Ok(()))?;
        }
        Ok(self)
    }

    /// The function imports of `module` this linker does not define.
    fn undefined_funcs(&self, module: &Module) -> Vec<(String, String, FuncType)> {
        module
            .imports()
            .filter(|i| !self.defines(i.module(), i.name()))
            .filter_map(|i| match i.ty() {
                crate::environ::types::ExternType::Func(ty) => {
                    Some((i.module().to_string(), i.name().to_string(), ty.clone()))
                }
                _ => None,
            })
            .collect()
    }

    fn defines(&self, module: &str, name: &str) -> bool {
        self.definitions
            .get(module)
            .is_some_and(|names| names.contains_key(name))
    }

    /// The default export of the module name `module`: its export named
    /// `""`, or else `_start`; or, when it has neither, a function of no
    /// parameters and results that does nothing (a module with nothing to
    /// run runs as an empty command).
    ///
    /// ```
    /// use kiln::{Engine, Linker, Store};
    /// let engine = Engine::default();
    /// let linker = Linker::<()>::new(&engine);
    /// let mut store = Store::new(&engine, ());
    /// let start = linker.get_default(&mut store, "app").unwrap();
    /// start.call(&mut store, &[], &mut []).unwrap();
    /// ```
    pub fn get_default(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
    ) -> Result<Func> {
        for name in ["", "_start"] {
            if let Some(item) = self.get(&mut store, module, name) {
                return item.into_func().ok_or_else(|| {
                    Error::link(format!(
                        "the default export `{module}::{name}` is not a function"
                    ))
                });
            }
        }
        Ok(Func::wrap(store, || {}))
    }

    /// Checks that every import of `module` is defined, and returns what
    /// instantiates it in any store from then on (see [`InstancePre`]).
    ///
    /// ```
    /// use kiln::{Engine, Linker, Module, Store};
    /// let engine = Engine::default();
    /// let module = Module::new(&engine, r#"(module (import "env" "f" (func)))"#).unwrap();
    /// let mut linker = Linker::<()>::new(&engine);
    /// assert!(linker.instantiate_pre(&module).is_err());
    /// linker.func_wrap("env", "f", || {}).unwrap();
    /// let pre = linker.instantiate_pre(&module).unwrap();
    /// for _ in 0..2 {
    ///     pre.instantiate(&mut Store::new(&engine, ())).unwrap();
    /// }
    /// ```
    pub fn instantiate_pre(&self, module: &Module) -> Result<InstancePre<T>> {
        for import in &module.0.info.imports {
            if !self.defines(&import.module, &import.name) {
                return Err(unknown_import(&import.module, &import.name));
            }
        }
        Ok(InstancePre {
            linker: self.clone(),
            module: module.clone(),
        })
    }

    /// Instantiates `module`, resolving each import by name.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance> {
        let imports_of = &module.0.info.imports;
        let mut imports = Vec::with_capacity(imports_of.len());
        for import in imports_of {
            let item = self
                .get(&mut store, &import.module, &import.name)
                .ok_or_else(|| unknown_import(&import.module, &import.name))?;
            imports.push(item);
        }
        Instance::new(store, module, &imports)
    }
}

fn unknown_import(module: &str, name: &str) -> Error {
    Error::link(format!(
        "unknown import: `{module}::{name}` has not been defined"
    ))
}

/// A module whose imports a [`Linker`] was checked to define, ready to be
/// instantiated in any store of the linker's engine (see
/// [`Linker::instantiate_pre`]). It keeps a copy of the linker's
/// definitions as they were then.
pub struct InstancePre<T> {
    linker: Linker<T>,
    module: Module,
}

impl<T> Clone for InstancePre<T> {
    fn clone(&self) -> Self {
        InstancePre {
            linker: self.linker.clone(),
            module: self.module.clone(),
        }
    }
}

impl<T: 'static> InstancePre<T> {
    /// The module this instantiates.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// Instantiates the module in `store`.
    pub fn instantiate(&self, store: impl AsContextMut<Data = T>) -> Result<Instance> {
        self.linker.instantiate(store, &self.module)
    }
}
