//! Components: compiling them, a linker of host functions that receive flat
//! core values, instantiation, and what a host function sees of the call
//! (`kiln_component_cx_t`: memory, `realloc` and handle tables), over
//! `kiln::component`. These are the functions the C glue of
//! `kiln bindgen --lang c` calls for imports.

use super::error::kiln_error_t;
use super::func::kiln_val_raw_t;
use crate::engine::wasm_engine_t;
use crate::guard;
use crate::reference::HostInfo;
use crate::store::{lend_while, store_mut, wasm_store_t, StoreData};
use crate::trap::wasm_trap_t;
use kiln::component::{Component, FlatContext, Func, Instance, Linker, ResourceAny, ResourceType};
use std::ffi::{c_char, c_void, CStr};
use std::sync::Mutex;

/// A compiled component (`kiln::component::Component`), owned by the
/// caller and released with `kiln_component_delete`.
pub struct kiln_component_t {
    component: Component,
}

/// Host definitions by interface and name (`kiln::component::Linker`),
/// usable with every store of its engine.
pub struct kiln_component_linker_t {
    linker: Linker<StoreData>,
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
    #[allow(dead_code)]
    func: Func,
}

/// A resource type, borrowed from the instance that exports it.
pub struct kiln_component_resource_type_t {
    ty: ResourceType,
}

/// The host's handle to a resource (`kiln::component::ResourceAny`),
/// owned by the caller.
pub struct kiln_component_resource_t {
    resource: ResourceAny,
}

/// The host function call in progress, borrowed by the callback for the
/// length of the call: the calling component's memory, `realloc` and
/// handle table, and its store.
pub struct kiln_component_cx_t {
    /// The engine's context of the call, valid while the callback runs.
    cx: *mut FlatContext<'static, 'static, StoreData>,
    store: *mut wasm_store_t,
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

/// A Kiln error as a C error.
fn err(e: kiln::Error) -> Box<kiln_error_t> {
    kiln_error_t::new(&e)
}

/// Runs a fallible operation, turning its failure (or a panic) into an
/// error.
fn run(f: impl FnOnce() -> Result<(), Box<kiln_error_t>>) -> Option<Box<kiln_error_t>> {
    guard(Some(kiln_error_t::msg("internal error")), || f().err())
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
        cx: raw.cast(),
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
        let (interface, name) = unsafe {
            (
                opt_str_arg(interface, "interface name")?,
                str_arg(name, "name")?,
            )
        };
        let body = move |cx: &mut FlatContext<'_, '_, StoreData>, slots: &mut [u128]| {
            call_flat_host(cx, callback, &env, slots)
        };
        match interface {
            None => linker.linker.root().func_new_flat(name, body).map(|_| ()),
            Some(i) => linker
                .linker
                .instance(i)
                .and_then(|mut i| i.func_new_flat(name, body).map(|_| ())),
        }
        .map_err(err)
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
        let (interface, name) = unsafe {
            (
                opt_str_arg(interface, "interface name")?,
                str_arg(name, "name")?,
            )
        };
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
        let (interface, name) = unsafe {
            (
                opt_str_arg(interface, "interface name")?,
                str_arg(name, "name")?,
            )
        };
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
fn trap_of(store: *mut wasm_store_t, e: &kiln::Error) -> *mut wasm_trap_t {
    Box::into_raw(wasm_trap_t::from_error(store, e, None))
}

/// A trap with just a message, as an owned pointer.
fn trap_msg(store: *mut wasm_store_t, message: &str) -> *mut wasm_trap_t {
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
/// `cx` is a call passed to a host function that is still running.
unsafe fn with_cx<R>(
    cx: &mut kiln_component_cx_t,
    f: impl FnOnce(&mut FlatContext<'_, '_, StoreData>) -> R,
) -> R {
    // SAFETY: the call's context lives while its host function runs (the
    // caller's guarantee), and no other use of it is live during `f`.
    f(unsafe { &mut *cx.cx })
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
            // SAFETY: `cx` is the call of a running host function (the
            // header's rule: it is borrowed for the call only).
            Some(cx) => unsafe {
                with_cx(cx, |f| {
                    let mem = f.memory_mut();
                    if mem.is_empty() {
                        (std::ptr::null_mut(), 0)
                    } else {
                        (mem.as_mut_ptr(), mem.len())
                    }
                })
            },
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
        // SAFETY: `cx` is the call of a running host function.
        match unsafe { with_cx(cx, |f| f.realloc(align, new_size)) } {
            Ok(ptr) => {
                *out = ptr;
                std::ptr::null_mut()
            }
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
        // SAFETY: `cx` is the call of a running host function.
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
        // SAFETY: `cx` is the call of a running host function.
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
