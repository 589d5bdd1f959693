//! `dev.kiln.FlatContext`: what a flat host function sees of the component
//! calling it. Java gets the address of an [`ImportCx`] on the stack of
//! the engine's callback, valid until the Java function returns (the Java
//! object refuses use after that).

use super::flat_call::{handle_op, MemState};
use crate::errors::{run, Failure, JResult};
use crate::store::StoreData;
use jni::objects::{JByteArray, JClass, JIntArray, JObject};
use jni::sys::{jboolean, jint, jlong};
use jni::JNIEnv;
use kiln::component::FlatContext;

/// A flat host function's context, and where Java last saw its memory.
pub(crate) struct ImportCx<'c, 'a, 's> {
    pub(crate) cx: &'c mut FlatContext<'a, 's, StoreData>,
    pub(crate) mem: MemState,
}

/// The context behind the address Java holds.
///
/// # Safety
/// `handle` is the address of a live `ImportCx` (see the module comment),
/// used by no one else while the returned reference lives.
unsafe fn import_cx<'x>(handle: jlong) -> JResult<&'x mut ImportCx<'x, 'x, 'x>> {
    if handle == 0 {
        return Err(Failure::State(
            "the flat context is no longer valid: its host function has returned".into(),
        ));
    }
    // SAFETY: as the caller guarantees; the lifetimes are those of the
    // callback that is still running below this native method.
    Ok(unsafe { &mut *(handle as *mut ImportCx<'x, 'x, 'x>) })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_FlatContext_memory<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: the Java `FlatContext` passes its address while valid.
        let icx = unsafe { import_cx(handle) }?;
        icx.mem.fetch(env, icx.cx)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_FlatContext_realloc(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
    align: jint,
    size: jint,
) -> jlong {
    run(&mut env, |_env| {
        // SAFETY: the Java `FlatContext` passes its address while valid.
        let icx = unsafe { import_cx(handle) }?;
        icx.mem.realloc(icx.cx, align, size)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_FlatContext_reallocMany(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
    align: jint,
    sizes: JIntArray<'_>,
    data: JByteArray<'_>,
    data_len: jint,
) -> jboolean {
    run(&mut env, |env| {
        // SAFETY: the Java `FlatContext` passes its address while valid.
        let icx = unsafe { import_cx(handle) }?;
        icx.mem
            .realloc_many(env, icx.cx, align, &sizes, &data, data_len)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_FlatContext_handle(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
    op: jint,
    value: jlong,
    ty: jlong,
    own: jboolean,
) -> jlong {
    run(&mut env, |_env| {
        // SAFETY: the Java `FlatContext` passes its address while valid.
        let icx = unsafe { import_cx(handle) }?;
        handle_op(icx.cx, op, value, ty, own)
    })
}
