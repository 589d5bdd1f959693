//! `dev.kiln.FlatCall`: an export called in steps by generated glue, and
//! the operations on a call's context that it shares with `FlatContext`
//! (memory, `realloc`, handles).
//!
//! Java reads and writes the component's memory through a direct
//! `ByteBuffer` over it. Anything that may run guest code (`realloc`, the
//! core call) may grow the memory and move it, so those methods report
//! whether the memory changed since Java last fetched it, and Java fetches
//! a new buffer only then.

use crate::errors::{run, Failure, JResult};
use crate::handles::{borrow, free, into_handle};
use crate::store::{enter, StoreData};
use jni::objects::{JByteArray, JClass, JIntArray, JLongArray, JObject};
use jni::sys::{jboolean, jint, jlong};
use jni::JNIEnv;
use kiln::component::{FlatCall, FlatContext, ResourceAny, ResourceType};
use std::cell::{Cell, RefCell};

/// Where the memory was when Java last fetched it.
#[derive(Default)]
pub(crate) struct MemState {
    base: Cell<usize>,
    len: Cell<usize>,
}

impl MemState {
    /// Whether `cx`'s memory moved or changed size since the last fetch.
    fn changed(&self, cx: &FlatContext<'_, '_, StoreData>) -> bool {
        let mem = cx.memory();
        mem.as_ptr() as usize != self.base.get() || mem.len() != self.len.get()
    }

    /// A direct buffer over `cx`'s memory (null when it has none).
    pub(crate) fn fetch<'l>(
        &self,
        env: &mut JNIEnv<'l>,
        cx: &mut FlatContext<'_, '_, StoreData>,
    ) -> JResult<JObject<'l>> {
        let mem = cx.memory_mut();
        self.base.set(mem.as_ptr() as usize);
        self.len.set(mem.len());
        if mem.is_empty() {
            return Ok(JObject::null());
        }
        // SAFETY: the memory stays where it is until the component grows
        // it, which only guest code does; Java fetches a new buffer after
        // anything that runs guest code reports a change, and does not use
        // the buffer once the call is over (`FlatAccess` drops it).
        let buffer = unsafe { env.new_direct_byte_buffer(mem.as_mut_ptr(), mem.len()) }?;
        Ok(buffer.into())
    }

    /// `realloc`, with bit 32 set when the memory changed.
    pub(crate) fn realloc(
        &self,
        cx: &mut FlatContext<'_, '_, StoreData>,
        align: jint,
        size: jint,
    ) -> JResult<jlong> {
        let ptr = cx.realloc(align as u32, size as u32)?;
        let changed = i64::from(self.changed(cx)) << 32;
        Ok(i64::from(ptr) | changed)
    }

    /// `realloc` for each size in `sizes` (all aligned to `align`),
    /// replacing each by its pointer, and, unless `data` is null, fills the
    /// blocks with the first `data_len` bytes of `data` in order; returns
    /// whether the memory changed.
    pub(crate) fn realloc_many(
        &self,
        env: &mut JNIEnv<'_>,
        cx: &mut FlatContext<'_, '_, StoreData>,
        align: jint,
        sizes: &JIntArray<'_>,
        data: &JByteArray<'_>,
        data_len: jint,
    ) -> JResult<jboolean> {
        let n = env.get_array_length(sizes)? as usize;
        let mut values = vec![0i32; n];
        env.get_int_array_region(sizes, 0, &mut values)?;
        let bytes = if data.is_null() {
            None
        } else {
            let len = usize::try_from(data_len)
                .map_err(|_| Failure::Argument("negative data length".into()))?;
            let mut bytes = vec![0i8; len];
            env.get_byte_array_region(data, 0, &mut bytes)?;
            Some(bytes)
        };
        let mut at = 0usize;
        for v in values.iter_mut() {
            let size = *v as u32;
            let ptr = cx.realloc(align as u32, size)?;
            if let Some(bytes) = &bytes {
                let src = bytes.get(at..at + size as usize).ok_or_else(|| {
                    Failure::Argument("fewer bytes than the sizes add up to".into())
                })?;
                // SAFETY: `i8` and `u8` have the same size and alignment.
                let src: &[u8] = unsafe { &*(src as *const [i8] as *const [u8]) };
                cx.bytes_mut(ptr, size)?.copy_from_slice(src);
                at += size as usize;
            }
            *v = ptr as i32;
        }
        env.set_int_array_region(sizes, 0, &values)?;
        Ok(jboolean::from(self.changed(cx)))
    }
}

/// Lifts handle `index` of `ty` (own or borrow) into a new
/// `ComponentResource` handle.
pub(crate) fn lift(
    cx: &mut FlatContext<'_, '_, StoreData>,
    index: jint,
    ty: jlong,
    own: jboolean,
) -> JResult<jlong> {
    // SAFETY: the Java `ComponentResourceType` is live for this call.
    let ty: &ResourceType = unsafe { borrow(ty) };
    let r = if own != 0 {
        cx.lift_own(index as u32, ty)?
    } else {
        cx.lift_borrow(index as u32, ty)?
    };
    Ok(into_handle(r))
}

/// Lowers the `ComponentResource` handle `r` as `ty` (own or borrow).
pub(crate) fn lower(
    cx: &mut FlatContext<'_, '_, StoreData>,
    r: jlong,
    ty: jlong,
    own: jboolean,
) -> JResult<jint> {
    if r == 0 {
        return Err(Failure::State("the resource handle is closed".into()));
    }
    // SAFETY: the Java `ComponentResource` and `ComponentResourceType` are
    // live for this call.
    let (r, ty): (&ResourceAny, &ResourceType) = unsafe { (borrow(r), borrow(ty)) };
    let index = if own != 0 {
        cx.lower_own(r, ty)?
    } else {
        cx.lower_borrow(r, ty)?
    };
    Ok(index as jint)
}

/// Lifts handle `index` of the host resource type `ty`: its
/// representation.
pub(crate) fn lift_host(
    cx: &mut FlatContext<'_, '_, StoreData>,
    index: jint,
    ty: jlong,
    own: jboolean,
) -> JResult<jint> {
    // SAFETY: the Java `ComponentResourceType` is live for this call.
    let ty: &ResourceType = unsafe { borrow(ty) };
    let r = if own != 0 {
        cx.lift_own(index as u32, ty)?
    } else {
        cx.lift_borrow(index as u32, ty)?
    };
    r.rep()
        .map(|rep| rep as jint)
        .ok_or_else(|| Failure::Argument(format!("`{ty}` is not a host resource type")))
}

/// Lowers the host resource `rep` of host type `ty` (own or borrow).
pub(crate) fn lower_host(
    cx: &mut FlatContext<'_, '_, StoreData>,
    rep: jint,
    ty: jlong,
    own: jboolean,
) -> JResult<jint> {
    // SAFETY: the Java `ComponentResourceType` is live for this call.
    let ty: &ResourceType = unsafe { borrow(ty) };
    let index = if own != 0 {
        cx.lower_own(&ResourceAny::new_own(ty.clone(), rep as u32)?, ty)?
    } else {
        cx.lower_borrow(&ResourceAny::new_borrow(ty.clone(), rep as u32)?, ty)?
    };
    Ok(index as jint)
}

/// A flat call in progress and where Java last saw its memory.
pub(crate) struct FlatCallBox {
    call: RefCell<Option<FlatCall>>,
    mem: MemState,
}

impl FlatCallBox {
    pub(crate) fn new(call: FlatCall) -> FlatCallBox {
        FlatCallBox {
            call: RefCell::new(Some(call)),
            mem: MemState::default(),
        }
    }
}

/// Runs `f` with the call behind `handle` and its context in the store.
fn with_cx<'l, R>(
    env: &mut JNIEnv<'l>,
    store: &JObject<'_>,
    store_handle: jlong,
    handle: jlong,
    f: impl FnOnce(&mut JNIEnv<'l>, &MemState, &mut FlatContext<'_, '_, StoreData>) -> JResult<R>,
) -> JResult<R> {
    // SAFETY: the Java `FlatCall` is live for this call.
    let fb: &FlatCallBox = unsafe { borrow(handle) };
    let mut entered = enter(env, store, store_handle)?;
    let mut call = fb.call.borrow_mut();
    let call = call
        .as_mut()
        .ok_or_else(|| Failure::State("the flat call is finished".into()))?;
    let mut cx = entered.cx();
    let mut fcx = call.context(&mut cx)?;
    f(env, &fb.mem, &mut fcx)
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_FlatCall_memory<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    store: JObject<'l>,
    store_handle: jlong,
    handle: jlong,
) -> JObject<'l> {
    run(&mut env, |env| {
        with_cx(env, &store, store_handle, handle, |env, mem, cx| {
            mem.fetch(env, cx)
        })
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_FlatCall_realloc(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
    align: jint,
    size: jint,
) -> jlong {
    run(&mut env, |env| {
        with_cx(env, &store, store_handle, handle, |_, mem, cx| {
            mem.realloc(cx, align, size)
        })
    })
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_kiln_FlatCall_reallocMany(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
    align: jint,
    sizes: JIntArray<'_>,
    data: JByteArray<'_>,
    data_len: jint,
) -> jboolean {
    run(&mut env, |env| {
        with_cx(env, &store, store_handle, handle, |env, mem, cx| {
            mem.realloc_many(env, cx, align, &sizes, &data, data_len)
        })
    })
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_kiln_FlatCall_handle(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
    op: jint,
    value: jlong,
    ty: jlong,
    own: jboolean,
) -> jlong {
    run(&mut env, |env| {
        with_cx(env, &store, store_handle, handle, |_, _, cx| {
            handle_op(cx, op, value, ty, own)
        })
    })
}

/// A handle operation of `FlatAccess`: 0 lifts a `ComponentResource`, 1
/// lowers one, 2 lifts a host resource's representation, 3 lowers one.
pub(crate) fn handle_op(
    cx: &mut FlatContext<'_, '_, StoreData>,
    op: jint,
    value: jlong,
    ty: jlong,
    own: jboolean,
) -> JResult<jlong> {
    match op {
        0 => lift(cx, value as jint, ty, own),
        1 => lower(cx, value, ty, own).map(jlong::from),
        2 => lift_host(cx, value as jint, ty, own).map(jlong::from),
        3 => lower_host(cx, value as jint, ty, own).map(jlong::from),
        _ => Err(Failure::Argument(format!("no handle operation {op}"))),
    }
}

/// Runs the core function with `slots` (each value in the low bits), the
/// result left in `slots[0]`; returns whether the memory changed.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_FlatCall_call(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
    slots: JLongArray<'_>,
) -> jboolean {
    run(&mut env, |env| {
        // SAFETY: the Java `FlatCall` is live for this call.
        let fb: &FlatCallBox = unsafe { borrow(handle) };
        let n = env.get_array_length(&slots)? as usize;
        let mut values = vec![0i64; n];
        env.get_long_array_region(&slots, 0, &mut values)?;
        let mut raw: Vec<u128> = values.iter().map(|v| u128::from(*v as u64)).collect();
        let mut entered = enter(env, &store, store_handle)?;
        let mut call = fb.call.borrow_mut();
        let call = call
            .as_mut()
            .ok_or_else(|| Failure::State("the flat call is finished".into()))?;
        let mut cx = entered.cx();
        // The engine checks that the slots have room for the parameters and
        // the result, and names what is missing.
        call.call(&mut cx, &mut raw)?;
        let changed = fb.mem.changed(&call.context(&mut cx)?);
        drop(entered);
        if call.core_results() == 1 {
            env.set_long_array_region(&slots, 0, &[raw[0] as u64 as i64])?;
        }
        Ok(jboolean::from(changed))
    })
}

/// Ends the call: `post-return`, and the check of its borrows.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_FlatCall_finish(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
) {
    run(&mut env, |env| {
        // SAFETY: the Java `FlatCall` is live for this call.
        let fb: &FlatCallBox = unsafe { borrow(handle) };
        let mut entered = enter(env, &store, store_handle)?;
        let call = fb
            .call
            .borrow_mut()
            .take()
            .ok_or_else(|| Failure::State("the flat call is finished".into()))?;
        Ok(call.finish(entered.cx())?)
    })
}

/// Frees the call; an unfinished one is abandoned, which leaves its
/// component instance unable to be entered again.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_FlatCall_free(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `FlatCall` frees its handle once, when closed.
    unsafe { free::<FlatCallBox>(handle) }
}
