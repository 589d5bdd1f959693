//! Components: compiling them, a linker of host functions that receive flat
//! core values, instantiation, and what a host function sees of the call
//! (`kiln_component_cx_t`: memory, `realloc` and handle tables), over
//! `kiln::component`. These are the functions the C glue of
//! `kiln bindgen --lang c` calls for imports.

use super::error::{kiln_error_t, run};
use super::func::kiln_val_raw_t;
use crate::engine::wasm_engine_t;
use crate::guard;
use crate::reference::HostInfo;
use crate::store::{lend_while, store_mut, wasm_store_t, StoreData};
use crate::trap::wasm_trap_t;
use kiln::component::{
    Component, FlatCall, FlatContext, Func, Instance, Linker, LinkerInstance, ResourceAny,
    ResourceType,
};
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr};
use std::sync::{Mutex, OnceLock};

/// A compiled component (`kiln::component::Component`), owned by the
/// caller and released with `kiln_component_delete`.
pub struct kiln_component_t {
    component: Component,
}

/// Host definitions by interface and name (`kiln::component::Linker`),
/// usable with every store of its engine.
pub struct kiln_component_linker_t {
    pub(super) linker: Linker<StoreData>,
}

/// An instance of a component in a store, owned by the caller.
pub struct kiln_component_instance_t {
    instance: Instance,
    /// The resource types handed out by
    /// `kiln_component_instance_get_resource_type`, borrowed by the caller
    /// for as long as the instance lives. Boxed (clippy's `vec_box` aside)
    /// so that their addresses stay put while the vector grows.
    #[allow(clippy::vec_box)]
    types: Mutex<Vec<Box<kiln_component_resource_type_t>>>,
}

/// An exported function of an instance, owned by the caller.
pub struct kiln_component_func_t {
    pub(super) func: Func,
}

/// A resource type, borrowed: from the instance that exports it, or for
/// the process's lifetime (a host type from
/// `kiln_component_resource_type_host`).
pub struct kiln_component_resource_type_t {
    ty: ResourceType,
}

/// The host's handle to a resource (`kiln::component::ResourceAny`),
/// owned by the caller.
pub struct kiln_component_resource_t {
    pub(super) resource: ResourceAny,
}

/// A call between the host and a component in progress: the component's
/// memory, `realloc` and handle table, and its store. A host function's
/// callback borrows one for the length of the call; the glue calling an
/// export owns the one `kiln_component_func_enter` made until
/// `kiln_component_cx_exit`.
pub struct kiln_component_cx_t {
    call: CxCall,
    store: *mut wasm_store_t,
}

enum CxCall {
    /// A host function's call: the engine's context, valid while the
    /// callback runs.
    Import(*mut FlatContext<'static, 'static, StoreData>),
    /// A call of an export, made in steps by the glue.
    Export(FlatCall),
}

/// A C string as a name; an error naming `what` if it is NULL or not UTF-8.
///
/// # Safety
/// `s` is null or a null-terminated string.
unsafe fn str_arg<'a>(s: *const c_char, what: &str) -> Result<&'a str, Box<kiln_error_t>> {
    if s.is_null() {
        return Err(kiln_error_t::msg(format!("the {what} is NULL")));
    }
    // SAFETY: guaranteed by the caller.
    unsafe { CStr::from_ptr(s) }
        .to_str()
        .map_err(|_| kiln_error_t::msg(format!("the {what} is not UTF-8")))
}

/// A nullable C string as an optional name (NULL: the root).
///
/// # Safety
/// `s` is null or a null-terminated string.
unsafe fn opt_str_arg<'a>(
    s: *const c_char,
    what: &str,
) -> Result<Option<&'a str>, Box<kiln_error_t>> {
    if s.is_null() {
        return Ok(None);
    }
    // SAFETY: guaranteed by the caller.
    unsafe { str_arg(s, what) }.map(Some)
}

/// The instance name `interface` (NULL: the root) and the item `name` of
/// a definition; an error if either is not a valid string.
///
/// # Safety
/// Both are null or null-terminated strings.
pub(super) unsafe fn def_names<'a>(
    interface: *const c_char,
    name: *const c_char,
) -> Result<(Option<&'a str>, &'a str), Box<kiln_error_t>> {
    // SAFETY: guaranteed by the caller.
    unsafe {
        Ok((
            opt_str_arg(interface, "interface name")?,
            str_arg(name, "name")?,
        ))
    }
}

/// Runs `define` on the linker's instance `interface` (None: the root).
pub(super) fn define_in(
    linker: &mut kiln_component_linker_t,
    interface: Option<&str>,
    define: impl FnOnce(LinkerInstance<'_, StoreData>) -> kiln::Result<()>,
) -> Result<(), Box<kiln_error_t>> {
    match interface {
        None => define(linker.linker.root()),
        Some(i) => linker.linker.instance(i).and_then(define),
    }
    .map_err(err)
}

/// A Kiln error as a C error.
pub(super) fn err(e: kiln::Error) -> Box<kiln_error_t> {
    kiln_error_t::new(&e)
}

/// Compiles the component binary of `len` bytes at `bytes` for `engine`;
/// on success writes the owned component to `out`.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_new(
    engine: Option<&wasm_engine_t>,
    bytes: *const u8,
    len: usize,
    out: Option<&mut *mut kiln_component_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(engine), Some(out)) = (engine, out) else {
            return Err(kiln_error_t::msg("NULL engine or out"));
        };
        *out = std::ptr::null_mut();
        let bytes = if len == 0 {
            &[][..]
        } else if bytes.is_null() {
            return Err(kiln_error_t::msg("NULL bytes"));
        } else {
            // SAFETY: `bytes` points at `len` readable bytes (the caller's
            // guarantee), checked non-null above.
            unsafe { std::slice::from_raw_parts(bytes, len) }
        };
        let component = Component::from_binary(&engine.engine, bytes).map_err(err)?;
        *out = Box::into_raw(Box::new(kiln_component_t { component }));
        Ok(())
    })
}

/// Releases a component (NULL is allowed); its instances live on.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_delete(component: Option<Box<kiln_component_t>>) {
    guard((), || drop(component))
}

/// A linker with no definitions, for `engine`'s stores, owned by the
/// caller; NULL if `engine` is NULL.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_linker_new(
    engine: Option<&wasm_engine_t>,
) -> Option<Box<kiln_component_linker_t>> {
    guard(None, || {
        Some(Box::new(kiln_component_linker_t {
            linker: Linker::new(&engine?.engine),
        }))
    })
}

/// Releases a linker (NULL is allowed), running the finalizers of the
/// environments its definitions hold.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_linker_delete(
    linker: Option<Box<kiln_component_linker_t>>,
) {
    guard((), || drop(linker))
}

/// Defines the instance `interface` (null-terminated) if the linker has no
/// definition of it yet: an instance of types only, as a component imports
/// one for the types of an interface that has no functions.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_linker_define_instance(
    linker: Option<&mut kiln_component_linker_t>,
    interface: *const c_char,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let Some(linker) = linker else {
            return Err(kiln_error_t::msg("NULL linker"));
        };
        // SAFETY: `interface` is null or a null-terminated string.
        let interface = unsafe { str_arg(interface, "interface name")? };
        linker.linker.instance(interface).map_err(err)?;
        Ok(())
    })
}

/// A host function the guest calls with flat values: receives `env`, the
/// call (borrowed for its length) and the flat parameters in `nslots`
/// slots, and writes the flat results from the first slot on. Returns NULL
/// or an owned trap.
type kiln_component_callback_t = unsafe extern "C" fn(
    env: *mut c_void,
    cx: *mut kiln_component_cx_t,
    slots: *mut kiln_val_raw_t,
    nslots: usize,
) -> *mut wasm_trap_t;

/// Runs `callback` with the call `cx`, lending the call's store context to
/// the store's operations meanwhile.
fn call_flat_host(
    cx: &mut FlatContext<'_, '_, StoreData>,
    callback: kiln_component_callback_t,
    env: &HostInfo,
    slots: &mut [u128],
) -> kiln::Result<()> {
    let store = cx.data().this.0;
    let raw: *mut FlatContext<'_, '_, StoreData> = cx;
    let mut c_cx = kiln_component_cx_t {
        call: CxCall::Import(raw.cast()),
        store,
    };
    // SAFETY: `raw` is the call's context, live until this function
    // returns; the store context lent is its store, and each operation the
    // callback performs (through the store or through `c_cx`) uses one of
    // them for its own length only. The slots are live for the call, and a
    // `kiln_val_raw_t` has the layout of a `u128` slot.
    let trap = unsafe {
        lend_while(store, (*raw).store(), || {
            callback(
                env.info,
                &mut c_cx,
                slots.as_mut_ptr().cast::<kiln_val_raw_t>(),
                slots.len(),
            )
        })
    };
    if trap.is_null() {
        return Ok(());
    }
    // SAFETY: the callback returned an owned trap.
    let trap = unsafe { Box::from_raw(trap) };
    Err(trap.to_error())
}

/// Defines the function `name` of the instance `interface` (NULL: the
/// root) for flat calls: `callback` receives `env`, the call, and the flat
/// parameters in `slots` (as a core function of the lowered signature
/// would: a pointer to them when they are more than 16), and writes the
/// flat results from the first slot on (none when they go through the
/// return pointer, which is then the last parameter). `finalizer` (if not
/// NULL) runs with `env` when the linker is deleted, or at once if the
/// function cannot be defined.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_linker_define_func(
    linker: Option<&mut kiln_component_linker_t>,
    interface: *const c_char,
    name: *const c_char,
    callback: Option<
        unsafe extern "C" fn(
            *mut c_void,
            *mut kiln_component_cx_t,
            *mut kiln_val_raw_t,
            usize,
        ) -> *mut wasm_trap_t,
    >,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> Option<Box<kiln_error_t>> {
    // The environment is finalized even when the function is not defined.
    let env = HostInfo {
        info: env,
        finalizer,
    };
    run(|| {
        let (Some(linker), Some(callback)) = (linker, callback) else {
            return Err(kiln_error_t::msg("NULL linker or callback"));
        };
        // SAFETY: both are null or null-terminated strings.
        let (interface, name) = unsafe { def_names(interface, name)? };
        let body = move |cx: &mut FlatContext<'_, '_, StoreData>, slots: &mut [u128]| {
            call_flat_host(cx, callback, &env, slots)
        };
        define_in(linker, interface, |mut i| {
            i.func_new_flat(name, body).map(|_| ())
        })
    })
}

/// Defines the resource type `name` of the instance `interface` (NULL: the
/// root) as the host resource type `type`: `destructor` (if not NULL) runs
/// with `env` and the representation when a component drops an owned
/// handle to it, or the host drops one a component gave back, and returns
/// NULL or an owned trap.
/// `finalizer` (if not NULL) runs with `env` when the linker is deleted, or
/// at once if the resource cannot be defined.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_linker_define_resource(
    linker: Option<&mut kiln_component_linker_t>,
    interface: *const c_char,
    name: *const c_char,
    r#type: Option<&kiln_component_resource_type_t>,
    destructor: Option<unsafe extern "C" fn(*mut c_void, u32) -> *mut wasm_trap_t>,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> Option<Box<kiln_error_t>> {
    let env = HostInfo {
        info: env,
        finalizer,
    };
    run(|| {
        let (Some(linker), Some(ty)) = (linker, r#type) else {
            return Err(kiln_error_t::msg("NULL linker or type"));
        };
        // SAFETY: both are null or null-terminated strings.
        let (interface, name) = unsafe { def_names(interface, name)? };
        let dtor = move |store: kiln::StoreContextMut<'_, StoreData>, rep: u32| {
            // Captures the whole `HostInfo`, which may cross threads.
            let env = &env;
            let Some(destructor) = destructor else {
                return Ok(());
            };
            let this = store.data().this.0;
            // SAFETY: `this` is the store `store` belongs to; the destructor
            // reaches it only through the context lent meanwhile.
            let trap = unsafe { lend_while(this, store, || destructor(env.info, rep)) };
            if trap.is_null() {
                return Ok(());
            }
            // SAFETY: the destructor returned an owned trap.
            Err(unsafe { Box::from_raw(trap) }.to_error())
        };
        let ty = ty.ty.clone();
        define_in(linker, interface, |mut i| {
            i.resource(name, ty, dtor).map(|_| ())
        })
    })
}

/// The host resource type keyed by the address `key` (any address the
/// program owns for as long as it uses the type, such as a static
/// variable's): the same type for every call with the same key, named
/// `name` after the first. Borrowed, valid for the process's lifetime; NULL
/// if `key` or `name` is NULL or `name` is not UTF-8.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_resource_type_host(
    key: *const c_void,
    name: *const c_char,
) -> *const kiln_component_resource_type_t {
    static TYPES: OnceLock<Mutex<HashMap<usize, &'static kiln_component_resource_type_t>>> =
        OnceLock::new();
    guard(std::ptr::null(), || {
        if key.is_null() {
            return std::ptr::null();
        }
        // SAFETY: `name` is null or a null-terminated string.
        let Ok(name) = (unsafe { str_arg(name, "name") }) else {
            return std::ptr::null();
        };
        let mut types = TYPES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let ty: &'static kiln_component_resource_type_t =
            types.entry(key as usize).or_insert_with(|| {
                // Leaked on purpose: one per key the program uses, handed
                // out for the process's lifetime.
                Box::leak(Box::new(kiln_component_resource_type_t {
                    ty: ResourceType::host_dynamic(key as usize as u64, name),
                }))
            });
        ty
    })
}

/// Instantiates `component` in `store` with the linker's definitions; on
/// success writes the owned instance to `out`.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_linker_instantiate(
    linker: Option<&kiln_component_linker_t>,
    store: *mut wasm_store_t,
    component: Option<&kiln_component_t>,
    out: Option<&mut *mut kiln_component_instance_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(linker), Some(component), Some(out)) = (linker, component, out) else {
            return Err(kiln_error_t::msg("NULL linker, component or out"));
        };
        *out = std::ptr::null_mut();
        if store.is_null() {
            return Err(kiln_error_t::msg("NULL store"));
        }
        // SAFETY: `store` is a live store (checked non-null; the caller's
        // guarantee).
        let store = unsafe { store_mut(store) };
        let instance = linker
            .linker
            .instantiate(store, &component.component)
            .map_err(err)?;
        *out = Box::into_raw(Box::new(kiln_component_instance_t {
            instance,
            types: Mutex::new(Vec::new()),
        }));
        Ok(())
    })
}

/// Releases an instance (NULL is allowed) and the resource types borrowed
/// from it; the store keeps what the instance made.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_instance_delete(
    instance: Option<Box<kiln_component_instance_t>>,
) {
    guard((), || drop(instance))
}

/// The exported function `name` of the exported instance `interface`
/// (NULL: the root) of `instance`, an instance of `store`; on success
/// writes the owned function to `out`.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_instance_get_func(
    instance: Option<&kiln_component_instance_t>,
    store: *mut wasm_store_t,
    interface: *const c_char,
    name: *const c_char,
    out: Option<&mut *mut kiln_component_func_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(instance), Some(out)) = (instance, out) else {
            return Err(kiln_error_t::msg("NULL instance or out"));
        };
        *out = std::ptr::null_mut();
        if store.is_null() {
            return Err(kiln_error_t::msg("NULL store"));
        }
        // SAFETY: both are null or null-terminated strings.
        let (interface, name) = unsafe { def_names(interface, name)? };
        // SAFETY: `store` is a live store (checked non-null).
        let store = unsafe { store_mut(store) };
        let func = match interface {
            None => instance.instance.get_func(store, name),
            Some(i) => instance.instance.get_func(store, (i, name)),
        };
        let Some(func) = func else {
            return Err(kiln_error_t::msg(format!(
                "no exported function `{}`",
                qualified(interface, name)
            )));
        };
        *out = Box::into_raw(Box::new(kiln_component_func_t { func }));
        Ok(())
    })
}

/// `interface/name`, or `name` at the root, for errors.
fn qualified(interface: Option<&str>, name: &str) -> String {
    match interface {
        Some(i) => format!("{i}/{name}"),
        None => name.to_string(),
    }
}

/// Releases a function (NULL is allowed).
#[no_mangle]
pub unsafe extern "C" fn kiln_component_func_delete(func: Option<Box<kiln_component_func_t>>) {
    guard((), || drop(func))
}

/// Begins a call of `func`, an export of an instance in `store`, writing
/// the call to `cx`: the glue lowers the arguments through it, calls
/// `kiln_component_cx_call`, lifts the results and ends with
/// `kiln_component_cx_exit`. Returns NULL or an owned trap (the instance
/// cannot be entered now, say), and then writes NULL to `cx`.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_func_enter(
    func: Option<&kiln_component_func_t>,
    store: *mut wasm_store_t,
    cx: Option<&mut *mut kiln_component_cx_t>,
) -> *mut wasm_trap_t {
    guard_trap(|| {
        let (Some(func), Some(cx)) = (func, cx) else {
            return trap_msg(store, "NULL function or call");
        };
        *cx = std::ptr::null_mut();
        if store.is_null() {
            return trap_msg(store, "NULL store");
        }
        // SAFETY: `store` is a live store (checked non-null).
        match func.func.flat_call(unsafe { store_mut(store) }) {
            Ok(call) => {
                *cx = Box::into_raw(Box::new(kiln_component_cx_t {
                    call: CxCall::Export(call),
                    store,
                }));
                std::ptr::null_mut()
            }
            Err(e) => trap_of(store, &e),
        }
    })
}

/// Runs the core function of the call `cx` made with
/// `kiln_component_func_enter`: `slots` holds its `nslots` flat parameters
/// and receives its result in the first slot, and must have room for both.
/// Returns NULL or an owned trap, after which the glue exits the call as
/// failed.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_cx_call(
    cx: Option<&mut kiln_component_cx_t>,
    slots: *mut kiln_val_raw_t,
    nslots: usize,
) -> *mut wasm_trap_t {
    guard_trap(|| {
        let Some(cx) = cx else {
            return trap_msg(std::ptr::null_mut(), "NULL call");
        };
        let store = cx.store;
        let CxCall::Export(call) = &mut cx.call else {
            return trap_msg(store, "a host function's call has no core function to call");
        };
        if slots.is_null() && nslots != 0 {
            return trap_msg(store, "NULL slots");
        }
        let slots: &mut [u128] = if nslots == 0 {
            &mut []
        } else {
            // SAFETY: `slots` points to `nslots` values (the caller's
            // guarantee), and a `kiln_val_raw_t` has the layout of a `u128`.
            unsafe { std::slice::from_raw_parts_mut(slots.cast::<u128>(), nslots) }
        };
        // SAFETY: `store` is the live store the call began in.
        match call.call(unsafe { store_mut(store) }, slots) {
            Ok(()) => std::ptr::null_mut(),
            Err(e) => trap_of(store, &e),
        }
    })
}

/// Ends and frees the call `cx` made with `kiln_component_func_enter`. If
/// the glue's call `failed` (a trap, or a value it could not lift), the
/// component instance is left unable to be entered again and NULL is
/// returned; otherwise the component's `post-return` runs and the call's
/// borrows are checked, and a trap in either is returned (owned).
#[no_mangle]
pub unsafe extern "C" fn kiln_component_cx_exit(
    cx: Option<Box<kiln_component_cx_t>>,
    failed: bool,
) -> *mut wasm_trap_t {
    guard_trap(|| {
        let Some(cx) = cx else {
            return std::ptr::null_mut();
        };
        let store = cx.store;
        let CxCall::Export(call) = cx.call else {
            // A host function's call lives on the engine's stack: it is not
            // the glue's to end. Leak the box rather than free it twice.
            Box::leak(cx);
            return trap_msg(store, "a host function's call cannot be exited");
        };
        if failed {
            drop(call);
            return std::ptr::null_mut();
        }
        // SAFETY: `store` is the live store the call began in.
        match call.finish(unsafe { store_mut(store) }) {
            Ok(()) => std::ptr::null_mut(),
            Err(e) => trap_of(store, &e),
        }
    })
}

/// The resource type `name` that `instance` exports from `interface`
/// (NULL: the root); on success writes it to `out`, borrowed from the
/// instance: valid until `kiln_component_instance_delete`.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_instance_get_resource_type(
    instance: Option<&kiln_component_instance_t>,
    store: *mut wasm_store_t,
    interface: *const c_char,
    name: *const c_char,
    out: Option<&mut *const kiln_component_resource_type_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(instance), Some(out)) = (instance, out) else {
            return Err(kiln_error_t::msg("NULL instance or out"));
        };
        *out = std::ptr::null();
        if store.is_null() {
            return Err(kiln_error_t::msg("NULL store"));
        }
        // SAFETY: both are null or null-terminated strings.
        let (interface, name) = unsafe { def_names(interface, name)? };
        // SAFETY: `store` is a live store (checked non-null).
        let store = unsafe { store_mut(store) };
        let ty = match interface {
            None => instance.instance.get_resource(store, name),
            Some(i) => instance.instance.get_resource(store, (i, name)),
        };
        let Some(ty) = ty else {
            return Err(kiln_error_t::msg(format!(
                "no exported resource type `{}`",
                qualified(interface, name)
            )));
        };
        let mut types = instance.types.lock().unwrap_or_else(|e| e.into_inner());
        let boxed = Box::new(kiln_component_resource_type_t { ty });
        // The box's address stays put while the vector grows.
        *out = &*boxed;
        types.push(boxed);
        Ok(())
    })
}

/// A trap for `e` in the call's store, as an owned pointer.
pub(super) fn trap_of(store: *mut wasm_store_t, e: &kiln::Error) -> *mut wasm_trap_t {
    Box::into_raw(wasm_trap_t::from_error(store, e, None))
}

/// A trap with just a message, as an owned pointer.
pub(super) fn trap_msg(store: *mut wasm_store_t, message: &str) -> *mut wasm_trap_t {
    trap_of(store, &kiln::Error::msg(message))
}

/// Runs `f`, returning an owned trap instead if it panics (made only then,
/// so that nothing leaks on success).
fn guard_trap(f: impl FnOnce() -> *mut wasm_trap_t) -> *mut wasm_trap_t {
    guard(None, || Some(f())).unwrap_or_else(|| trap_msg(std::ptr::null_mut(), "internal error"))
}

/// Runs `f` on the engine's context of the call `cx`.
///
/// # Safety
/// `cx` is a call passed to a host function that is still running, or one
/// `kiln_component_func_enter` made that has not exited.
unsafe fn with_cx<R>(
    cx: &mut kiln_component_cx_t,
    f: impl FnOnce(&mut FlatContext<'_, '_, StoreData>) -> kiln::Result<R>,
) -> kiln::Result<R> {
    match &mut cx.call {
        // SAFETY: the call's context lives while its host function runs (the
        // caller's guarantee), and no other use of it is live during `f`.
        CxCall::Import(flat) => f(unsafe { &mut **flat }),
        CxCall::Export(call) => {
            // SAFETY: the call's store is live while the call is (the
            // header's rule), and no other use of it is live during `f`.
            let mut store = unsafe { store_mut(cx.store) };
            f(&mut call.context(&mut store)?)
        }
    }
}

/// The store of the call (borrowed); NULL if `cx` is NULL.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_cx_store(
    cx: Option<&kiln_component_cx_t>,
) -> *mut wasm_store_t {
    guard(std::ptr::null_mut(), || {
        cx.map_or(std::ptr::null_mut(), |cx| cx.store)
    })
}

/// The memory of the call's canonical options, writing its length to
/// `len` (NULL and 0 if it has none): valid until the next call into wasm
/// (realloc may grow it).
#[no_mangle]
pub unsafe extern "C" fn kiln_component_cx_memory(
    cx: Option<&mut kiln_component_cx_t>,
    len: Option<&mut usize>,
) -> *mut u8 {
    guard(std::ptr::null_mut(), || {
        let (ptr, n) = match cx {
            // SAFETY: `cx` is a live call (the header's rule: a host
            // function's is borrowed for the call only).
            Some(cx) => unsafe {
                with_cx(cx, |f| {
                    let mem = f.memory_mut();
                    Ok(if mem.is_empty() {
                        (std::ptr::null_mut(), 0)
                    } else {
                        (mem.as_mut_ptr(), mem.len())
                    })
                })
            }
            .unwrap_or((std::ptr::null_mut(), 0)),
            None => (std::ptr::null_mut(), 0),
        };
        if let Some(len) = len {
            *len = n;
        }
        ptr
    })
}

/// Allocates `new_size` bytes aligned to `align` with the `realloc` of the
/// call's canonical options, writing the pointer to `out`; a result
/// misaligned or out of bounds is a trap. Only fresh allocations are
/// supported: `old_ptr` and `old_size` must be 0 (the glue never grows a
/// block).
#[no_mangle]
pub unsafe extern "C" fn kiln_component_cx_realloc(
    cx: Option<&mut kiln_component_cx_t>,
    old_ptr: u32,
    old_size: u32,
    align: u32,
    new_size: u32,
    out: Option<&mut u32>,
) -> *mut wasm_trap_t {
    guard_trap(|| {
        let (Some(cx), Some(out)) = (cx, out) else {
            return trap_msg(std::ptr::null_mut(), "NULL call or out");
        };
        let store = cx.store;
        if old_ptr != 0 || old_size != 0 {
            return trap_msg(store, "kiln_component_cx_realloc only allocates anew");
        }
        // SAFETY: `cx` is a live call (the header's rule).
        match unsafe { with_cx(cx, |f| f.realloc(align, new_size)) } {
            Ok(ptr) => {
                *out = ptr;
                std::ptr::null_mut()
            }
            Err(e) => trap_of(store, &e),
        }
    })
}

/// Allocates `n` fresh blocks aligned to `align`, of the sizes at `sizes`,
/// with the `realloc` of the call's canonical options (in order, as `n`
/// calls of `kiln_component_cx_realloc` would), writing their pointers to
/// `out`: one crossing for a list's strings. A result misaligned or out of
/// bounds is a trap, after which `out` holds the blocks allocated so far.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_cx_realloc_many(
    cx: Option<&mut kiln_component_cx_t>,
    align: u32,
    sizes: *const u32,
    n: usize,
    out: *mut u32,
) -> *mut wasm_trap_t {
    guard_trap(|| {
        let Some(cx) = cx else {
            return trap_msg(std::ptr::null_mut(), "NULL call");
        };
        let store = cx.store;
        if n == 0 {
            return std::ptr::null_mut();
        }
        if sizes.is_null() || out.is_null() {
            return trap_msg(store, "NULL sizes or out");
        }
        // SAFETY: `sizes` and `out` point to `n` elements each (the
        // caller's guarantee), checked non-null; C's arrays do not overlap.
        let (sizes, out) = unsafe {
            (
                std::slice::from_raw_parts(sizes, n),
                std::slice::from_raw_parts_mut(out, n),
            )
        };
        // SAFETY: `cx` is a live call (the header's rule).
        let done = unsafe {
            with_cx(cx, |f| {
                for (size, ptr) in sizes.iter().zip(out.iter_mut()) {
                    *ptr = f.realloc(align, *size)?;
                }
                Ok(())
            })
        };
        match done {
            Ok(()) => std::ptr::null_mut(),
            Err(e) => trap_of(store, &e),
        }
    })
}

/// Lifts the handle `handle` of the call's instance, of type `type`: an
/// own handle leaves the instance's table, a borrow is valid for the call.
/// On success writes the owned resource to `out`; a handle of another
/// type, or none, traps.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_cx_resource_lift(
    cx: Option<&mut kiln_component_cx_t>,
    r#type: Option<&kiln_component_resource_type_t>,
    handle: u32,
    own: bool,
    out: Option<&mut *mut kiln_component_resource_t>,
) -> *mut wasm_trap_t {
    guard_trap(|| {
        let (Some(cx), Some(ty), Some(out)) = (cx, r#type, out) else {
            return trap_msg(std::ptr::null_mut(), "NULL call, type or out");
        };
        *out = std::ptr::null_mut();
        let store = cx.store;
        // SAFETY: `cx` is a live call (the header's rule).
        let lifted = unsafe {
            with_cx(cx, |f| {
                if own {
                    f.lift_own(handle, &ty.ty)
                } else {
                    f.lift_borrow(handle, &ty.ty)
                }
            })
        };
        match lifted {
            Ok(resource) => {
                *out = Box::into_raw(Box::new(kiln_component_resource_t { resource }));
                std::ptr::null_mut()
            }
            Err(e) => trap_of(store, &e),
        }
    })
}

/// Lowers `resource` (borrowed) into the call's instance as a handle of
/// type `type`, writing the handle to `handle`: an owned one moves in (the
/// host's handle is then spent, though the object is still released with
/// `kiln_component_resource_delete`), a borrow lasts for the call.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_cx_resource_lower(
    cx: Option<&mut kiln_component_cx_t>,
    r#type: Option<&kiln_component_resource_type_t>,
    resource: Option<&kiln_component_resource_t>,
    own: bool,
    handle: Option<&mut u32>,
) -> *mut wasm_trap_t {
    guard_trap(|| {
        let (Some(cx), Some(ty), Some(resource), Some(handle)) = (cx, r#type, resource, handle)
        else {
            return trap_msg(std::ptr::null_mut(), "NULL call, type, resource or handle");
        };
        let store = cx.store;
        // SAFETY: `cx` is a live call (the header's rule).
        let lowered = unsafe {
            with_cx(cx, |f| {
                if own {
                    f.lower_own(&resource.resource, &ty.ty)
                } else {
                    f.lower_borrow(&resource.resource, &ty.ty)
                }
            })
        };
        match lowered {
            Ok(h) => {
                *handle = h;
                std::ptr::null_mut()
            }
            Err(e) => trap_of(store, &e),
        }
    })
}

/// A new handle to the host resource `rep` of the host resource type
/// `type`: an owned one if `own`, else a borrow. Owned by the caller; NULL
/// if `type` is NULL or not a host resource type.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_resource_new_host(
    r#type: Option<&kiln_component_resource_type_t>,
    rep: u32,
    own: bool,
) -> *mut kiln_component_resource_t {
    guard(std::ptr::null_mut(), || {
        let Some(ty) = r#type else {
            return std::ptr::null_mut();
        };
        let made = if own {
            ResourceAny::new_own(ty.ty.clone(), rep)
        } else {
            ResourceAny::new_borrow(ty.ty.clone(), rep)
        };
        match made {
            Ok(resource) => Box::into_raw(Box::new(kiln_component_resource_t { resource })),
            Err(_) => std::ptr::null_mut(),
        }
    })
}

/// Whether `resource` is a host resource, writing its representation to
/// `rep` if so; false for a guest's resource (or NULL).
#[no_mangle]
pub unsafe extern "C" fn kiln_component_resource_host_rep(
    resource: Option<&kiln_component_resource_t>,
    rep: Option<&mut u32>,
) -> bool {
    guard(false, || {
        let Some(r) = resource.and_then(|r| r.resource.rep()) else {
            return false;
        };
        if let Some(rep) = rep {
            *rep = r;
        }
        true
    })
}

/// Drops the resource in `store` (the guest's destructor, or the host's,
/// runs for an owned handle; a borrow just ends) and releases the handle
/// object, also on failure. A handle already dropped, or moved into a
/// component, is an error.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_resource_drop(
    store: *mut wasm_store_t,
    resource: Option<Box<kiln_component_resource_t>>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let Some(resource) = resource else {
            return Err(kiln_error_t::msg("NULL resource"));
        };
        if store.is_null() {
            return Err(kiln_error_t::msg("NULL store"));
        }
        // SAFETY: `store` is a live store (checked non-null).
        let store = unsafe { store_mut(store) };
        resource.resource.resource_drop(store).map_err(err)
    })
}

/// Releases the handle object without dropping the resource (NULL is
/// allowed).
#[no_mangle]
pub unsafe extern "C" fn kiln_component_resource_delete(
    resource: Option<Box<kiln_component_resource_t>>,
) {
    guard((), || drop(resource))
}
