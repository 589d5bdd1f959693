//! `dev.kiln.Global`: globals; the value passes through slot 0 of the
//! store (and `refs[0]`).

use crate::errors::run;
use crate::store::{enter, Item};
use crate::types;
use crate::values;
use jni::objects::{JClass, JLongArray, JObject, JObjectArray};
use jni::sys::{jint, jlong};
use jni::JNIEnv;

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Global_newGlobal(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    ty: JLongArray<'_>,
    refs: JObjectArray<'_>,
) -> jint {
    run(&mut env, |env| {
        let ty = types::decode_global(&types::from_java(env, &ty)?)?;
        let mut entered = enter(env, &store, handle)?;
        let value = values::read_first(env, entered.sb, ty.content(), &refs)?;
        let global = kiln::Global::new(entered.cx(), ty, value)?;
        Ok(entered.sb.number(Item::Global(global)))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Global_type<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    store: JObject<'l>,
    handle: jlong,
    global: jint,
) -> JLongArray<'l> {
    run(&mut env, |env| {
        let codes = {
            let mut entered = enter(env, &store, handle)?;
            let global = entered.sb.global(global)?;
            types::encode(&kiln::ExternType::Global(global.ty(entered.cx())))
        };
        types::to_java(env, &codes)
    })
}

/// Leaves the value in slot 0.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Global_get(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    global: jint,
    refs: JObjectArray<'_>,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let global = entered.sb.global(global)?;
        let value = global.get(entered.cx());
        values::write_first(env, entered.sb, &value, &refs)
    })
}

/// Sets the value from slot 0.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Global_set(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    global: jint,
    refs: JObjectArray<'_>,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let global = entered.sb.global(global)?;
        let ty = global.ty(entered.cx()).content();
        let value = values::read_first(env, entered.sb, ty, &refs)?;
        Ok(global.set(entered.cx(), value)?)
    })
}
