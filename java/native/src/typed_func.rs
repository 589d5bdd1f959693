//! `dev.kiln.TypedFunc`: raw calls, the fast path.

use crate::errors::run;
use crate::store::enter;
use jni::objects::{JClass, JObject};
use jni::sys::jlong;
use jni::JNIEnv;

/// Calls a function of at most four parameters and one result, every one
/// a number, passed and returned as raw bits (`TypedFunc` converts them).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_kiln_TypedFunc_call4(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    raw: jlong,
    a: jlong,
    b: jlong,
    c: jlong,
    d: jlong,
) -> jlong {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let mut slots = [
            a as u64 as u128,
            b as u64 as u128,
            c as u64 as u128,
            d as u64 as u128,
        ];
        // SAFETY: `raw` is a `RawFunc` owned by this store's box (from
        // `Func.raw`), and `TypedFunc` checked that its type has at most
        // four numeric parameters and one numeric result, which the four
        // slots cover.
        unsafe { (*(raw as *const kiln::RawFunc)).call(entered.cx(), slots.as_mut_ptr()) }?;
        Ok(slots[0] as u64 as jlong)
    })
}

/// Calls a function with its parameters in the store's slots, leaving its
/// results there.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_TypedFunc_callSlots(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    raw: jlong,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let slots = entered.sb.slots(env, kiln::RawFunc::MAX_VALUES)?;
        // SAFETY: as in `call4`; the store's slots are at least
        // `MAX_VALUES` long, which covers every raw call, and `TypedFunc`
        // wrote every parameter.
        unsafe { (*(raw as *const kiln::RawFunc)).call(entered.cx(), slots) }?;
        Ok(())
    })
}
