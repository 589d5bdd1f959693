//! The typed path for generated glue: an export call in steps and flat
//! host functions, with the guest's memory shown to JS as an ArrayBuffer.
//!
//! Flat core values travel through one shared buffer of 8-byte slots
//! (`flatSlots` hands it over once): glue writes a call's parameters there
//! before `flatCall`, which leaves the result in slot 0; a flat host
//! function finds its parameters there and leaves its results there.
//!
//! The steps of an export call (`flatBegin`, then `flatRealloc`,
//! `flatLowerHandle` and `flatMemory` while lowering, `flatCall`, then
//! `flatLiftHandle` and `flatMemory` while lifting, and `flatFinish` or
//! `flatAbandon`) and those a flat host function's glue takes (the same,
//! without begin, call and finish) act on the innermost call in progress,
//! kept in a stack of frames on the JS thread.
//!
//! The memory's ArrayBuffer is detached whenever the memory changes size
//! (or place): glue fetches it again after `flatRealloc` and `flatCall`
//! when its length reads 0.

use super::handles::{handle, Handle};
use super::{
    kiln_result, resource_of, resource_value, with_linker_instance, CData, CStoreRef, HostFn,
};
use crate::js::{call, call0, callback, Env, JsResult, Thrown, Value};
use kiln::component::{FlatCall, FlatContext, ResourceAny};
use napi::sys;
use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::rc::Rc;

/// How many slots the shared buffer holds: a lowered import takes at most
/// 16 flat parameters plus a return pointer, a lifted export 16.
pub(crate) const SLOTS: usize = 32;

enum Frame {
    /// An export call, between `flatBegin` and `flatFinish`.
    Export { store: CStoreRef, call: FlatCall },
    /// A flat host function running JS; the context lives on the engine's
    /// stack below, for as long as the frame is on the stack.
    Host {
        store: CStoreRef,
        cx: *mut FlatContext<'static, 'static, CData>,
    },
}

/// The memory buffer last shown to JS: where it points, its length, and a
/// weak reference to it.
struct Shown {
    ptr: usize,
    len: usize,
    buffer: sys::napi_ref,
    /// The store whose memory it is (compared, never dereferenced).
    store: *const super::CStore,
}

/// Detaches the memory buffer shown to JS if it is `store`'s: called when
/// a memory of `store` grew outside the typed path's steps (a call by the
/// dynamic path, a destructor), which may have moved it.
pub(crate) fn forget_shown(env: Env, store: &super::CStore) {
    SHOWN.with(|s| {
        let mut s = s.borrow_mut();
        if s.as_ref()
            .is_some_and(|shown| std::ptr::eq(shown.store, store))
        {
            if let Some(shown) = s.take() {
                let _ = detach(env, shown.buffer);
                env.delete_reference(shown.buffer);
            }
        }
    });
}

thread_local! {
    static FRAMES: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
    static SHARED: Cell<*mut u64> = const { Cell::new(std::ptr::null_mut()) };
    static SHOWN: RefCell<Option<Shown>> = const { RefCell::new(None) };
}

/// Runs `f` on the innermost frame's context.
fn with_top<R>(
    env: Env,
    f: impl FnOnce(&mut FlatContext<'_, '_, CData>, &CStoreRef) -> kiln::Result<R>,
) -> JsResult<R> {
    let Some(frame) = FRAMES.with(|f| f.borrow_mut().pop()) else {
        return Err(env.throw_type_error("no component call is in progress"));
    };
    let (frame, result) = match frame {
        Frame::Export { store, mut call } => {
            let r = store.with(env, |mut cx| match call.context(&mut cx) {
                Ok(mut fc) => {
                    let r = f(&mut fc, &store);
                    sync_memory(env, fc.memory_mut());
                    r
                }
                Err(e) => Err(e),
            });
            (Frame::Export { store, call }, r)
        }
        Frame::Host { store, cx } => {
            // SAFETY: the host function that pushed this frame is running
            // below on this thread and keeps `cx` alive and unused until it
            // pops the frame; the frame is off the stack while `f` runs, so
            // this is the only use of it.
            let fc = unsafe { &mut *cx };
            let r = f(fc, &store);
            sync_memory(env, fc.memory_mut());
            (Frame::Host { store, cx }, Ok(r))
        }
    };
    FRAMES.with(|f| f.borrow_mut().push(frame));
    kiln_result(env, result?)
}

/// Detaches the memory buffer shown to JS if the memory is no longer
/// where and as long as it was.
fn sync_memory(env: Env, memory: &mut [u8]) {
    let (ptr, len) = (memory.as_mut_ptr() as usize, memory.len());
    SHOWN.with(|s| {
        let mut s = s.borrow_mut();
        if let Some(shown) = &*s {
            if shown.ptr == ptr && shown.len == len {
                return;
            }
            let _ = detach(env, shown.buffer);
            env.delete_reference(shown.buffer);
            *s = None;
        }
    });
}

fn detach(env: Env, r: sys::napi_ref) -> JsResult<()> {
    if let Some(buffer) = env.reference_value(r)? {
        if !call!(env, napi_is_detached_arraybuffer(buffer))? {
            call0!(env, napi_detach_arraybuffer(buffer))?;
        }
    }
    Ok(())
}

unsafe extern "C" fn finalize_buffer(_env: sys::napi_env, _data: *mut c_void, hint: *mut c_void) {
    // SAFETY: `hint` is the store boxed by `flat_memory`, finalized once.
    drop(unsafe { Box::from_raw(hint as *mut CStoreRef) });
}

/// `flatSlots(buffer, Resource)`: hands over the shared slots (an
/// ArrayBuffer of `SLOTS` 8-byte slots, held for good) and the class
/// resource handles are shown to JS as (`new Resource(external)`).
pub(crate) unsafe extern "C" fn flat_slots(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        super::set_resource_class(env, ci.arg(1))?;
        let mut data = std::ptr::null_mut();
        let mut len = 0usize;
        call0!(
            env,
            napi_get_arraybuffer_info(ci.arg(0), &mut data, &mut len)
        )?;
        if len < SLOTS * 8 || !(data as usize).is_multiple_of(8) {
            return Err(env.throw_type_error("the slots need an aligned buffer of 256 bytes"));
        }
        // Held for good: the slots are used for the life of the process.
        env.reference(ci.arg(0), 1)?;
        SHARED.with(|s| s.set(data as *mut u64));
        env.uint32(SLOTS as u32)
    })
}

fn shared(env: Env) -> JsResult<&'static mut [u64; SLOTS]> {
    let p = SHARED.with(Cell::get);
    if p.is_null() {
        return Err(env.throw_type_error("internal error: the shared slots were not set"));
    }
    // SAFETY: `p` points to the `SLOTS` aligned slots of the ArrayBuffer
    // `flat_slots` holds for good; the JS thread is the only user, and no
    // JS runs while the reference lives.
    Ok(unsafe { &mut *(p as *mut [u64; SLOTS]) })
}

/// `flatMemory()`: the innermost call's memory as an ArrayBuffer.
pub(crate) unsafe extern "C" fn flat_memory(
    env: sys::napi_env,
    _info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let (ptr, len, store) = with_top(env, |cx, store| {
            let m = cx.memory_mut();
            Ok((m.as_mut_ptr(), m.len(), store.clone()))
        })?;
        let cached = SHOWN.with(|s| s.borrow().as_ref().map(|s| s.buffer));
        if let Some(r) = cached {
            if let Some(buffer) = env.reference_value(r)? {
                return Ok(buffer);
            }
        }
        if len == 0 {
            return super::empty_buffer(env);
        }
        let hint = Box::into_raw(Box::new(store.clone()));
        let buffer = call!(
            env,
            napi_create_external_arraybuffer(
                ptr as *mut c_void,
                len,
                Some(finalize_buffer),
                hint as *mut c_void
            )
        )
        .inspect_err(|_| {
            // SAFETY: the buffer was not made, so its finalizer will not run.
            drop(unsafe { Box::from_raw(hint) });
        })?;
        let r = env.reference(buffer, 0)?;
        let owner = Rc::as_ptr(&store);
        let old = SHOWN.with(|s| {
            s.borrow_mut().replace(Shown {
                ptr: ptr as usize,
                len,
                buffer: r,
                store: owner,
            })
        });
        if let Some(old) = old {
            detach(env, old.buffer)?;
            env.delete_reference(old.buffer);
        }
        Ok(buffer)
    })
}

/// `flatBegin(func)`: begins a call of an exported function.
pub(crate) unsafe extern "C" fn flat_begin(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let Handle::Func(f) = handle(env, ci.arg(0))? else {
            return Err(env.throw_type_error("expected a component function"));
        };
        let call = f.store.with(env, |mut cx| {
            let mut call = f.func.flat_call(&mut cx)?;
            let mut fc = call.context(&mut cx)?;
            sync_memory(env, fc.memory_mut());
            Ok::<_, kiln::Error>(call)
        })?;
        let call = kiln_result(env, call)?;
        FRAMES.with(|fr| {
            fr.borrow_mut().push(Frame::Export {
                store: f.store.clone(),
                call,
            })
        });
        env.undefined()
    })
}

fn pop_export(env: Env) -> JsResult<(CStoreRef, FlatCall)> {
    let frame = FRAMES.with(|f| {
        let mut f = f.borrow_mut();
        match f.last() {
            Some(Frame::Export { .. }) => f.pop(),
            _ => None,
        }
    });
    match frame {
        Some(Frame::Export { store, call }) => Ok((store, call)),
        _ => Err(env.throw_type_error("no export call is in progress")),
    }
}

/// `flatCall()`: runs the core function with the parameters in the shared
/// slots; its result, if any, is left in slot 0.
pub(crate) unsafe extern "C" fn flat_call(
    env: sys::napi_env,
    _info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let (store, mut call) = pop_export(env)?;
        let mut slots = [0u128; SLOTS];
        let n = call.core_params().max(call.core_results());
        {
            let shared = shared(env)?;
            for (s, v) in slots.iter_mut().zip(&shared[..n]) {
                *s = u128::from(*v);
            }
        }
        let done = store.with(env, |mut cx| {
            let r = call.call(&mut cx, &mut slots[..n.max(1)]);
            if r.is_ok() {
                if let Ok(mut fc) = call.context(&mut cx) {
                    sync_memory(env, fc.memory_mut());
                }
            }
            r
        })?;
        // A failed call poisoned the instance; the call is dropped.
        kiln_result(env, done)?;
        shared(env)?[0] = slots[0] as u64;
        FRAMES.with(|f| f.borrow_mut().push(Frame::Export { store, call }));
        env.undefined()
    })
}

/// `flatFinish()`: ends the call (`post-return`, borrow checks).
pub(crate) unsafe extern "C" fn flat_finish(
    env: sys::napi_env,
    _info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let (store, call) = pop_export(env)?;
        let done = store.with(env, |cx| call.finish(cx))?;
        kiln_result(env, done)?;
        env.undefined()
    })
}

/// `flatAbandon(message?)`: gives up the innermost export call, which
/// poisons its instance (a value the glue could not lift is a trap);
/// returns the error to throw: a `RuntimeError` with `message`.
pub(crate) unsafe extern "C" fn flat_abandon(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let message = match env.type_of(ci.arg(0))? {
            sys::ValueType::napi_string => Some(env.get_string(ci.arg(0))?),
            _ => None,
        };
        if let Ok((store, call)) = pop_export(env) {
            let _ = store.with(env, |_| drop(call));
        } else {
            // Not in an export call: nothing to abandon.
            let _ = env.take_exception();
        }
        match message {
            Some(m) => {
                let Thrown = super::throw_error(env, kiln::component::abi_trap(m));
                Ok(env.take_exception().unwrap_or(std::ptr::null_mut()))
            }
            None => env.undefined(),
        }
    })
}

/// `flatRealloc(align, size)`: memory from the component's `realloc`.
pub(crate) unsafe extern "C" fn flat_realloc(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let align = env.get_i32(ci.arg(0))? as u32;
        let size = env.get_f64(ci.arg(1))?;
        if !(0.0..=u32::MAX as f64).contains(&size) {
            let err = kiln::component::abi_trap("list too long for the component");
            return Err(super::throw_error(env, err));
        }
        let ptr = with_top(env, |cx, _| cx.realloc(align, size as u32))?;
        env.double(ptr.into())
    })
}

/// `flatReallocMany(requests, n)`: `n` allocations with the component's
/// `realloc`, in order, in one call: `requests` (a `Uint32Array`) holds
/// `align, size` pairs, and each pair's `align` is replaced with the
/// pointer allocated. Glue that knows every allocation a value needs
/// (a list of records of strings, say) makes them all at once.
pub(crate) unsafe extern "C" fn flat_realloc_many(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let mut ty = 0;
        let mut length = 0usize;
        let mut data = std::ptr::null_mut();
        let mut buffer = std::ptr::null_mut();
        let mut offset = 0usize;
        call0!(
            env,
            napi_get_typedarray_info(
                ci.arg(0),
                &mut ty,
                &mut length,
                &mut data,
                &mut buffer,
                &mut offset
            )
        )?;
        if ty != sys::TypedarrayType::uint32_array {
            return Err(env.throw_type_error("the requests are a Uint32Array"));
        }
        let n = env.get_f64(ci.arg(1))? as usize;
        if n.checked_mul(2).is_none_or(|m| m > length) {
            return Err(env.throw_range_error("more requests than the array holds"));
        }
        let mut pairs = vec![0u32; 2 * n];
        if n > 0 {
            // SAFETY: the typed array has `length` >= 2n u32 elements at
            // `data` (checked above); no JS runs while they are copied.
            unsafe { std::ptr::copy_nonoverlapping(data as *const u32, pairs.as_mut_ptr(), 2 * n) };
        }
        with_top(env, |cx, _| {
            for pair in pairs.chunks_exact_mut(2) {
                pair[0] = cx.realloc(pair[0], pair[1])?;
            }
            Ok(())
        })?;
        if n > 0 {
            // SAFETY: as above: the same 2n elements, written back; the
            // realloc calls ran wasm only, which cannot reach the array.
            unsafe { std::ptr::copy_nonoverlapping(pairs.as_ptr(), data as *mut u32, 2 * n) };
        }
        env.undefined()
    })
}

/// `flatLowerHandle(type, handle, own)`: gives the component a handle of
/// resource `type` (a resource handle, or a host resource's rep as a
/// number); returns its index.
pub(crate) unsafe extern "C" fn flat_lower_handle(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<3>(info)?;
        let Handle::ResourceType(ty) = handle(env, ci.arg(0))? else {
            return Err(env.throw_type_error("expected a resource type"));
        };
        let own = env.get_bool(ci.arg(2))?;
        let r = if env.type_of(ci.arg(1))? == sys::ValueType::napi_number {
            let rep = env.get_f64(ci.arg(1))? as u32;
            let r = if own {
                ResourceAny::new_own(ty.clone(), rep)
            } else {
                ResourceAny::new_borrow(ty.clone(), rep)
            };
            kiln_result(env, r)?
        } else {
            resource_of(env, ci.arg(1))?
        };
        let index = with_top(env, |cx, _| {
            if own {
                cx.lower_own(&r, ty)
            } else {
                cx.lower_borrow(&r, ty)
            }
        })?;
        env.double(index.into())
    })
}

/// `flatLiftHandle(type, index, own)`: takes (or borrows) the handle
/// `index` of resource `type` from the component: a host resource's rep (a
/// number), or a resource handle.
pub(crate) unsafe extern "C" fn flat_lift_handle(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<3>(info)?;
        let Handle::ResourceType(ty) = handle(env, ci.arg(0))? else {
            return Err(env.throw_type_error("expected a resource type"));
        };
        let index = env.get_f64(ci.arg(1))? as u32;
        let own = env.get_bool(ci.arg(2))?;
        let (r, store) = with_top(env, |cx, store| {
            let r = if own {
                cx.lift_own(index, ty)
            } else {
                cx.lift_borrow(index, ty)
            };
            Ok((r?, store.clone()))
        })?;
        match r.rep() {
            Some(rep) => env.double(rep.into()),
            None => resource_value(env, &store, r),
        }
    })
}

/// `linkerFuncFlat(linker, path, name, fn)`: a host function of the typed
/// path: `fn()` finds the flat parameters in the shared slots, lifts and
/// lowers through `flatMemory`, `flatRealloc` and the handle functions,
/// and leaves its flat results in the slots.
pub(crate) unsafe extern "C" fn linker_func_flat(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<4>(info)?;
        let name = env.get_string(ci.arg(2))?;
        let host = HostFn::new(env, ci.arg(3))?;
        with_linker_instance(env, ci.arg(0), ci.arg(1), |inst| {
            inst.func_new_flat(&name, move |cx, slots| run_flat_host(&host, cx, slots))?;
            Ok(())
        })?;
        env.undefined()
    })
}

fn run_flat_host(
    host: &HostFn,
    cx: &mut FlatContext<'_, '_, CData>,
    slots: &mut [u128],
) -> kiln::Result<()> {
    let env = host.env;
    let Some(store) = cx.data().cell.upgrade() else {
        return Err(kiln::Error::msg("the component's store is gone"));
    };
    if slots.len() > SLOTS {
        return Err(kiln::Error::msg("a flat host function has too many slots"));
    }
    env.in_handle_scope(|| {
        let run = || -> JsResult<()> {
            let function = host.function()?;
            for (s, v) in shared(env)?.iter_mut().zip(slots.iter()) {
                *s = *v as u64;
            }
            sync_memory(env, cx.memory_mut());
            let ptr = (cx as *mut FlatContext<'_, '_, CData>)
                .cast::<FlatContext<'static, 'static, CData>>();
            FRAMES.with(|f| f.borrow_mut().push(Frame::Host { store, cx: ptr }));
            let called = env.call_function(function, function, &[]);
            let popped = FRAMES.with(|f| f.borrow_mut().pop());
            debug_assert!(matches!(popped, Some(Frame::Host { .. })));
            drop(popped);
            called?;
            for (s, v) in slots.iter_mut().zip(shared(env)?.iter()) {
                *s = u128::from(*v);
            }
            Ok(())
        };
        run().map_err(|Thrown| crate::exception::take_as_error(env))
    })
}
