//! Components: `kiln.component` in JavaScript (see `lib/component.js`).
//!
//! Two paths call a component's functions. The dynamic one (`funcCall`,
//! host functions defined with `linkerFunc`) converts JS values to and from
//! `Val`s by the functions' types (`convert`). The typed one, which the glue
//! `kiln bindgen --lang ts` generates uses, makes a call in steps (`flat`):
//! the glue lowers and lifts the values itself, straight in the guest's
//! memory, and the addon only runs `realloc`, the core function, handle
//! operations and `post-return`.
//!
//! Every instance has a store of its own, made by `linkerInstantiate`: a
//! component never shares a store with core modules of the JS API.

mod compile;
mod convert;
mod flat;
mod handles;

use crate::js::{call, callback, Env, JsResult, Thrown, Value};
use handles::{external, handle, Handle};
use kiln::component::types::{ComponentFunc, ComponentItem};
use kiln::component::{Component, Func, Instance, Linker, ResourceAny, ResourceType, Val};
use kiln::AsContextMut;
use napi::sys;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

pub(crate) use compile::component_compile;
pub(crate) use flat::{
    flat_abandon, flat_begin, flat_call, flat_finish, flat_lift_handle, flat_lower_handle,
    flat_memory, flat_realloc, flat_realloc_many, flat_slots, linker_func_flat,
};

/// What a component store holds besides wasm state: the way back to its
/// cell, and the types of the functions its component imports (by
/// [`import_key`]), which host functions of the dynamic path convert by.
pub(crate) struct CData {
    cell: Weak<CStore>,
    imports: HashMap<String, ComponentFunc>,
}

/// The key of the imported function `name` of the instance at `path`.
fn import_key(path: &[String], name: &str) -> String {
    let mut key = path.join("#");
    key.push('#');
    key.push_str(name);
    key
}

/// The types of the functions `items` holds, under `path`.
fn import_types(
    items: &mut dyn Iterator<Item = (&str, &ComponentItem)>,
    path: &mut Vec<String>,
    out: &mut HashMap<String, ComponentFunc>,
) {
    for (name, item) in items {
        match item {
            ComponentItem::ComponentFunc(f) => {
                out.insert(import_key(path, name), f.clone());
            }
            ComponentItem::ComponentInstance(i) => {
                path.push(name.to_string());
                import_types(&mut i.exports(), path, out);
                path.pop();
            }
            _ => {}
        }
    }
}

type CContext<'a> = kiln::StoreContextMut<'a, CData>;

/// A component instance's store, shared by the JS objects of the instance.
pub(crate) struct CStore {
    store: UnsafeCell<kiln::Store<CData>>,
    /// The context a running host function of this store lent to JS.
    lent: Cell<Option<kiln::RawStoreContext<CData>>>,
    /// Whether an operation holds the store itself.
    busy: Cell<bool>,
    /// The store's count of memory growths when an operation last ended.
    growths: Cell<u64>,
}

pub(crate) type CStoreRef = Rc<CStore>;

impl CStore {
    fn new() -> CStoreRef {
        let engine = &crate::store::engines().plain;
        Rc::new_cyclic(|weak| CStore {
            store: UnsafeCell::new(kiln::Store::new(
                engine,
                CData {
                    cell: weak.clone(),
                    imports: HashMap::new(),
                },
            )),
            lent: Cell::new(None),
            busy: Cell::new(false),
            growths: Cell::new(0),
        })
    }

    /// Runs `f` with exclusive use of the store: the context a running host
    /// function lent, or else the store's own.
    ///
    /// When a memory of the store grew meanwhile, the memory buffer shown to
    /// JS by the typed path (if it is this store's) is detached: the memory
    /// may have moved (see `flat::forget_shown`).
    pub(crate) fn with<R>(&self, env: Env, f: impl FnOnce(CContext<'_>) -> R) -> JsResult<R> {
        if let Some(raw) = self.lent.take() {
            // SAFETY: `raw` was lent by `lend`, whose host function is
            // running below us on this thread and does not use its context
            // meanwhile; taking it out of `lent` until `f` returns makes this
            // the only context made from it in use.
            let result = f(unsafe { raw.as_context_mut() });
            // SAFETY: as above; the context made for `f` is gone.
            let growths = unsafe { raw.as_context_mut() }.memory_growths();
            self.lent.set(Some(raw));
            self.check_growths(env, growths);
            return Ok(result);
        }
        if self.busy.get() {
            return Err(env.throw_type_error(
                "the component's store is busy: a call into it is already running",
            ));
        }
        self.busy.set(true);
        // SAFETY: `busy` was clear and no context is lent, so nothing else
        // borrows the store; single-threaded (the JS thread).
        let result = f(unsafe { &mut *self.store.get() }.as_context_mut());
        // SAFETY: as above; the context made for `f` is gone.
        let growths = unsafe { &*self.store.get() }.memory_growths();
        self.busy.set(false);
        self.check_growths(env, growths);
        Ok(result)
    }

    fn check_growths(&self, env: Env, growths: u64) {
        if self.growths.replace(growths) != growths {
            flat::forget_shown(env, self);
        }
    }

    /// Lends `cx` (a running host function's context) to the JS code `f`
    /// runs.
    fn lend<R>(&self, mut cx: CContext<'_>, f: impl FnOnce() -> R) -> R {
        let previous = self.lent.replace(Some(cx.as_raw()));
        let result = f();
        self.lent.set(previous);
        result
    }
}

thread_local! {
    static LOOSE: CStoreRef = CStore::new();
}

/// The store of host handles made by JS, which no instance owns.
fn loose_store() -> CStoreRef {
    LOOSE.with(Rc::clone)
}

/// Throws what a failed call should throw: the exception a host function
/// threw, unchanged, or the JS API's error for a Kiln error.
pub(crate) fn throw_error(env: Env, err: kiln::Error) -> Thrown {
    crate::func::throw_call_error(env, err)
}

fn kiln_result<T>(env: Env, r: kiln::Result<T>) -> JsResult<T> {
    r.map_err(|e| throw_error(env, e))
}

/// The strings of a JS array of strings.
fn strings(env: Env, v: Value) -> JsResult<Vec<String>> {
    let n = env.array_len(v)?;
    (0..n).map(|i| env.get_string(env.element(v, i)?)).collect()
}

fn pairs(env: Env, items: impl Iterator<Item = (String, String)>) -> JsResult<Value> {
    let items: Vec<_> = items.collect();
    let array = env.array(items.len())?;
    for (i, (a, b)) in items.into_iter().enumerate() {
        let pair = env.array(2)?;
        env.set_element(pair, 0, env.string(&a)?)?;
        env.set_element(pair, 1, env.string(&b)?)?;
        env.set_element(array, i as u32, pair)?;
    }
    Ok(array)
}

/// The bytes of a component: a BufferSource, or the text format as a string.
fn component_bytes(env: Env, v: Value) -> JsResult<Vec<u8>> {
    // SAFETY: no JS runs while the slice lives (it is copied at once).
    if let Some(bytes) = unsafe { env.buffer_source(v)? } {
        return Ok(bytes.to_vec());
    }
    if env.type_of(v)? != sys::ValueType::napi_string {
        return Err(
            env.throw_type_error("a component is a BufferSource, or the text format as a string")
        );
    }
    Ok(env.get_string(v)?.into_bytes())
}

/// `componentNew(bytes)`: compiles a component (binary or text).
pub(crate) unsafe extern "C" fn component_new(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let bytes = component_bytes(env, ci.arg(0))?;
        let engine = &crate::store::engines().plain;
        let component = kiln_result(env, Component::new(engine, bytes))?;
        external(env, Handle::Component(component))
    })
}

/// `componentImports(component)` / `componentExports(component)`: `[name, kind]` pairs.
pub(crate) unsafe extern "C" fn component_imports(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let Handle::Component(c) = handle(env, ci.arg(0))? else {
            return Err(env.throw_type_error("expected a component"));
        };
        pairs(
            env,
            c.imports().map(|(n, k)| (n.to_string(), k.to_string())),
        )
    })
}

pub(crate) unsafe extern "C" fn component_exports(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let Handle::Component(c) = handle(env, ci.arg(0))? else {
            return Err(env.throw_type_error("expected a component"));
        };
        pairs(
            env,
            c.exports().map(|(n, k)| (n.to_string(), k.to_string())),
        )
    })
}

/// `linkerNew()`: an empty linker.
pub(crate) unsafe extern "C" fn linker_new(
    env: sys::napi_env,
    _info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let linker = Linker::<CData>::new(&crate::store::engines().plain);
        external(env, Handle::Linker(RefCell::new(linker)))
    })
}

/// Runs `f` on the linker instance at `path` (an array of instance names;
/// empty for the root).
fn with_linker_instance(
    env: Env,
    linker: Value,
    path: Value,
    f: impl FnOnce(&mut kiln::component::LinkerInstance<'_, CData>) -> kiln::Result<()>,
) -> JsResult<()> {
    let Handle::Linker(linker) = handle(env, linker)? else {
        return Err(env.throw_type_error("expected a linker"));
    };
    let path = strings(env, path)?;
    let mut linker = linker.borrow_mut();
    let done = (|| {
        let mut inst = linker.root();
        for name in &path {
            inst = inst.into_instance(name)?;
        }
        f(&mut inst)
    })();
    kiln_result(env, done)
}

/// A JS function held strongly for a host function or destructor.
pub(crate) struct HostFn {
    env: Env,
    function: sys::napi_ref,
}

// SAFETY: host functions are created, called and dropped only on the JS
// thread; Kiln's `Send + Sync` bound serves other embedders.
unsafe impl Send for HostFn {}
// SAFETY: as above.
unsafe impl Sync for HostFn {}

impl HostFn {
    fn new(env: Env, function: Value) -> JsResult<HostFn> {
        if env.type_of(function)? != sys::ValueType::napi_function {
            return Err(env.throw_type_error("expected a function"));
        }
        Ok(HostFn {
            env,
            function: env.reference(function, 1)?,
        })
    }

    fn function(&self) -> JsResult<Value> {
        self.env.reference_value(self.function)?.ok_or_else(|| {
            self.env
                .throw_type_error("internal error: a host function was collected")
        })
    }

    /// Runs `body` for wasm in its own handle scope, with `cx` lent to JS;
    /// a JS exception comes back as the host function's error.
    fn run(
        &self,
        mut cx: CContext<'_>,
        body: impl FnOnce(Env, &CStoreRef) -> JsResult<kiln::Result<()>>,
    ) -> kiln::Result<()> {
        let env = self.env;
        let Some(store) = cx.data().cell.upgrade() else {
            return Err(kiln::Error::msg("the component's store is gone"));
        };
        env.in_handle_scope(
            || match store.lend(cx.as_context_mut(), || body(env, &store)) {
                Ok(r) => r,
                Err(Thrown) => Err(crate::exception::take_as_error(env)),
            },
        )
    }
}

impl Drop for HostFn {
    fn drop(&mut self) {
        self.env.delete_reference(self.function);
    }
}

/// `linkerFunc(linker, path, name, fn)`: a host function of the dynamic
/// path: `fn` gets the arguments as JS values and returns the result, both
/// converted by the types the calling component gives the import.
pub(crate) unsafe extern "C" fn linker_func(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<4>(info)?;
        let name = env.get_string(ci.arg(2))?;
        let host = HostFn::new(env, ci.arg(3))?;
        let key = import_key(&strings(env, ci.arg(1))?, &name);
        with_linker_instance(env, ci.arg(0), ci.arg(1), |inst| {
            inst.func_new(&name, move |cx, params, results| {
                let ty = cx.data().imports.get(&key).cloned();
                host.run(cx, |env, store| {
                    let function = host.function()?;
                    let mut args = Vec::with_capacity(params.len());
                    for (i, p) in params.iter().enumerate() {
                        let v = match ty.as_ref().and_then(|t| t.params().nth(i)) {
                            Some((_, t)) => convert::to_js(env, store, p, t)?,
                            None => convert::to_js_untyped(env, store, p)?,
                        };
                        args.push(v);
                    }
                    let returned = env.call_function(env.undefined()?, function, &args)?;
                    if let Some(r) = results.first_mut() {
                        *r = match ty.as_ref().and_then(|t| t.results().next()) {
                            Some(t) => convert::from_js(env, returned, t)?,
                            None => convert::from_js_like(env, returned, r)?,
                        };
                    }
                    Ok(Ok(()))
                })
            })?;
            Ok(())
        })?;
        env.undefined()
    })
}

/// `linkerResource(linker, path, name, key, dtor)`: the host resource type
/// `name` (one per `key`, a number the JS side draws), whose destructor
/// `dtor(rep)` runs when an owned handle to it is dropped. Returns the type.
pub(crate) unsafe extern "C" fn linker_resource(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<5>(info)?;
        let name = env.get_string(ci.arg(2))?;
        let key = env.get_f64(ci.arg(3))? as u64;
        let host = HostFn::new(env, ci.arg(4))?;
        let ty = ResourceType::host_dynamic(key, &name);
        let defined = ty.clone();
        with_linker_instance(env, ci.arg(0), ci.arg(1), |inst| {
            inst.resource(&name, defined, move |cx, rep| {
                host.run(cx, |env, _| {
                    let function = host.function()?;
                    env.call_function(env.undefined()?, function, &[env.double(rep.into())?])?;
                    Ok(Ok(()))
                })
            })?;
            Ok(())
        })?;
        external(env, Handle::ResourceType(ty))
    })
}

/// `linkerDefineUnknownImportsAsTraps(linker, component)`.
pub(crate) unsafe extern "C" fn linker_unknown_traps(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let Handle::Linker(linker) = handle(env, ci.arg(0))? else {
            return Err(env.throw_type_error("expected a linker"));
        };
        let Handle::Component(c) = handle(env, ci.arg(1))? else {
            return Err(env.throw_type_error("expected a component"));
        };
        let done = linker.borrow_mut().define_unknown_imports_as_traps(c);
        kiln_result(env, done)?;
        env.undefined()
    })
}

/// `linkerInstantiate(linker, component)`: a new instance in a store of its own.
pub(crate) unsafe extern "C" fn linker_instantiate(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let Handle::Linker(linker) = handle(env, ci.arg(0))? else {
            return Err(env.throw_type_error("expected a linker"));
        };
        let Handle::Component(c) = handle(env, ci.arg(1))? else {
            return Err(env.throw_type_error("expected a component"));
        };
        let store = CStore::new();
        let linker = linker.borrow().clone();
        let mut imports = HashMap::new();
        import_types(
            &mut c.component_type().imports(),
            &mut Vec::new(),
            &mut imports,
        );
        let instance = store.with(env, |mut cx| {
            cx.data_mut().imports = imports;
            linker.instantiate(cx, c)
        })?;
        let instance = kiln_result(env, instance)?;
        external(env, Handle::Instance(store, instance))
    })
}

/// The instance and store of an instance handle.
fn instance_of(env: Env, v: Value) -> JsResult<(&'static CStoreRef, Instance)> {
    match handle(env, v)? {
        Handle::Instance(store, instance) => Ok((store, instance.clone())),
        _ => Err(env.throw_type_error("expected a component instance")),
    }
}

/// An export's name: `"f"` or `["interface", "f"]`.
fn export_name(env: Env, v: Value) -> JsResult<(Option<String>, String)> {
    if env.type_of(v)? == sys::ValueType::napi_string {
        let name = env.get_string(v)?;
        return Ok(match name.split_once('#') {
            Some((i, f)) => (Some(i.to_string()), f.to_string()),
            None => (None, name),
        });
    }
    let parts = strings(env, v)?;
    match parts.as_slice() {
        [f] => Ok((None, f.clone())),
        [i, f] => Ok((Some(i.clone()), f.clone())),
        _ => {
            Err(env.throw_type_error("an export name is \"f\", \"interface#f\" or [interface, f]"))
        }
    }
}

/// `instanceGetFunc(instance, name)`: the exported function, or `undefined`.
pub(crate) unsafe extern "C" fn instance_get_func(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let (store, instance) = instance_of(env, ci.arg(0))?;
        let (iface, name) = export_name(env, ci.arg(1))?;
        let func = store.with(env, |mut cx| match &iface {
            Some(i) => instance.get_func(&mut cx, (i.as_str(), name.as_str())),
            None => instance.get_func(&mut cx, name.as_str()),
        })?;
        match func {
            Some(func) => {
                let (params, results) = store.with(env, |cx| {
                    let ty = func.ty(&cx);
                    let params: Vec<_> = ty.params().map(|(_, t)| t.clone()).collect();
                    let results: Vec<_> = ty.results().cloned().collect();
                    (params, results)
                })?;
                external(
                    env,
                    Handle::Func(Box::new(FuncHandle {
                        store: store.clone(),
                        func,
                        params,
                        results,
                    })),
                )
            }
            None => env.undefined(),
        }
    })
}

/// `instanceGetResource(instance, name)`: an exported resource type, or `undefined`.
pub(crate) unsafe extern "C" fn instance_get_resource(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let (store, instance) = instance_of(env, ci.arg(0))?;
        let (iface, name) = export_name(env, ci.arg(1))?;
        let ty = store.with(env, |mut cx| match &iface {
            Some(i) => instance.get_resource(&mut cx, (i.as_str(), name.as_str())),
            None => instance.get_resource(&mut cx, name.as_str()),
        })?;
        match ty {
            Some(ty) => external(env, Handle::ResourceType(ty)),
            None => env.undefined(),
        }
    })
}

/// An exported function with its types.
pub(crate) struct FuncHandle {
    store: CStoreRef,
    func: Func,
    params: Vec<kiln::component::types::Type>,
    results: Vec<kiln::component::types::Type>,
}

/// `funcCall(func, args)`: calls by the dynamic path; returns the result
/// (`undefined` for none).
pub(crate) unsafe extern "C" fn func_call(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let Handle::Func(f) = handle(env, ci.arg(0))? else {
            return Err(env.throw_type_error("expected a component function"));
        };
        let args = ci.arg(1);
        let n = env.array_len(args)? as usize;
        if n != f.params.len() {
            return Err(env.throw_type_error(&format!(
                "the function takes {} arguments, {n} were given",
                f.params.len()
            )));
        }
        let mut params = Vec::with_capacity(n);
        for (i, ty) in f.params.iter().enumerate() {
            params.push(convert::from_js(env, env.element(args, i as u32)?, ty)?);
        }
        let mut results: Vec<Val> = vec![Val::Bool(false); f.results.len()];
        let done = f
            .store
            .with(env, |cx| f.func.call(cx, &params, &mut results))?;
        kiln_result(env, done)?;
        match (results.first(), f.results.first()) {
            (Some(v), Some(ty)) => convert::to_js(env, &f.store, v, ty),
            _ => env.undefined(),
        }
    })
}

/// A resource handle shown to JS, with the store it lives in.
pub(crate) struct ResourceHandle {
    store: CStoreRef,
    resource: ResourceAny,
    dropped: Cell<bool>,
}

/// `resourceDrop(resource)`: drops the handle (running the destructor of
/// an owned one); dropping it again is an error.
pub(crate) unsafe extern "C" fn resource_drop(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let Handle::Resource(r) = handle(env, ci.arg(0))? else {
            return Err(env.throw_type_error("expected a resource handle"));
        };
        if r.dropped.replace(true) {
            return Err(env.throw_type_error("the resource handle was already dropped"));
        }
        let resource = r.resource.clone();
        let done = r.store.with(env, |cx| resource.resource_drop(cx))?;
        kiln_result(env, done)?;
        env.undefined()
    })
}

/// `resourceInfo(resource)`: `[owned, rep]` (`rep` for a host resource,
/// else `undefined`).
pub(crate) unsafe extern "C" fn resource_info(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let Handle::Resource(r) = handle(env, ci.arg(0))? else {
            return Err(env.throw_type_error("expected a resource handle"));
        };
        let out = env.array(2)?;
        env.set_element(out, 0, env.boolean(r.resource.owned())?)?;
        let rep = match r.resource.rep() {
            Some(rep) => env.double(rep.into())?,
            None => env.undefined()?,
        };
        env.set_element(out, 1, rep)?;
        Ok(out)
    })
}

/// `resourceHost(type, rep, own)`: a handle to the host resource `rep` of
/// `type` (made by `linkerResource`), to pass to a component on the
/// dynamic path.
pub(crate) unsafe extern "C" fn resource_host(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<3>(info)?;
        let Handle::ResourceType(ty) = handle(env, ci.arg(0))? else {
            return Err(env.throw_type_error("expected a resource type"));
        };
        let rep = env.get_f64(ci.arg(1))? as u32;
        let own = env.get_bool(ci.arg(2))?;
        let r = if own {
            ResourceAny::new_own(ty.clone(), rep)
        } else {
            ResourceAny::new_borrow(ty.clone(), rep)
        };
        let r = kiln_result(env, r)?;
        // A host handle belongs to no store until it is passed to one; any
        // store can drop it (its destructor needs none of the store's state).
        resource_value(env, &loose_store(), r)
    })
}

thread_local! {
    static RESOURCE_CLASS: Cell<Option<sys::napi_ref>> = const { Cell::new(None) };
}

/// Keeps the JS class resource handles are shown as.
pub(crate) fn set_resource_class(env: Env, class: Value) -> JsResult<()> {
    let r = env.reference(class, 1)?;
    if let Some(old) = RESOURCE_CLASS.with(|c| c.replace(Some(r))) {
        env.delete_reference(old);
    }
    Ok(())
}

/// The JS value of a resource handle: a `Resource` wrapping its external.
pub(crate) fn resource_value(env: Env, store: &CStoreRef, r: ResourceAny) -> JsResult<Value> {
    let h = external(
        env,
        Handle::Resource(ResourceHandle {
            store: store.clone(),
            resource: r,
            dropped: Cell::new(false),
        }),
    )?;
    let class = RESOURCE_CLASS
        .with(Cell::get)
        .map(|r| env.reference_value(r))
        .transpose()?
        .flatten()
        .ok_or_else(|| env.throw_type_error("internal error: the Resource class is not set"))?;
    env.new_instance(class, &[h])
}

/// The resource behind a JS handle value (or the object `{ handle }` the
/// JS layer wraps one in).
pub(crate) fn resource_of(env: Env, v: Value) -> JsResult<ResourceAny> {
    let v = match env.type_of(v)? {
        sys::ValueType::napi_object => env.named(v, "handle")?,
        _ => v,
    };
    match handle(env, v)? {
        Handle::Resource(r) => {
            if r.dropped.get() {
                return Err(env.throw_type_error("the resource handle was dropped"));
            }
            Ok(r.resource.clone())
        }
        _ => Err(env.throw_type_error("expected a resource handle")),
    }
}

/// A JS ArrayBuffer with a copy of nothing, for `call!` users that need a
/// zero-length buffer.
pub(crate) fn empty_buffer(env: Env) -> JsResult<Value> {
    let mut data = std::ptr::null_mut();
    call!(env, napi_create_arraybuffer(0, &mut data))
}

/// `linkerInstance(linker, path)`: defines the instance at `path` (empty
/// until things are defined in it), for imported interfaces of types only.
pub(crate) unsafe extern "C" fn linker_instance(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        with_linker_instance(env, ci.arg(0), ci.arg(1), |_| Ok(()))?;
        env.undefined()
    })
}
