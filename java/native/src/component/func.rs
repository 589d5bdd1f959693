//! `dev.kiln.ComponentFunc`: an exported function, called with
//! `ComponentVal`s or, by generated glue, in flat steps.

use super::flat_call::FlatCallBox;
use super::values::{decode_all, encode_all};
use crate::errors::run;
use crate::handles::{borrow, free, into_handle};
use crate::store::enter;
use jni::objects::{JByteArray, JClass, JObject};
use jni::sys::jlong;
use jni::JNIEnv;
use kiln::component::{Func, Val};

/// Calls the function with the encoded arguments; returns its encoded
/// results.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentFunc_call<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    store: JObject<'l>,
    store_handle: jlong,
    handle: jlong,
    args: JByteArray<'l>,
) -> JByteArray<'l> {
    run(&mut env, |env| {
        let args = decode_all(&env.convert_byte_array(&args)?)?;
        // SAFETY: the Java `ComponentFunc` is live for this call.
        let func: &Func = unsafe { borrow(handle) };
        let mut entered = enter(env, &store, store_handle)?;
        let n = func.results(entered.cx()).len();
        let mut results = vec![Val::Bool(false); n];
        func.call(entered.cx(), &args, &mut results)?;
        drop(entered);
        let bytes = encode_all(&results)?;
        Ok(env.byte_array_from_slice(&bytes)?)
    })
}

/// Begins a flat call (see `FlatCall`); returns its handle.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentFunc_flatCall(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
) -> jlong {
    run(&mut env, |env| {
        // SAFETY: the Java `ComponentFunc` is live for this call.
        let func: &Func = unsafe { borrow(handle) };
        let mut entered = enter(env, &store, store_handle)?;
        let call = func.flat_call(entered.cx())?;
        Ok(into_handle(FlatCallBox::new(call)))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentFunc_free(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `ComponentFunc`'s cleaner frees its handle once.
    unsafe { free::<Func>(handle) }
}
