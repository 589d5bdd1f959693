//! `dev.kiln.Table`: tables of references; one value at a time passes
//! through slot 0 of the store (and `refs[0]`).

use crate::errors::{run, Failure, JResult};
use crate::store::{enter, Item};
use crate::types;
use crate::values;
use jni::objects::{JClass, JLongArray, JObject, JObjectArray};
use jni::sys::{jint, jlong};
use jni::JNIEnv;

fn index(index: jlong) -> JResult<u64> {
    u64::try_from(index).map_err(|_| Failure::Bounds(format!("table index {index} is negative")))
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Table_newTable(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    ty: JLongArray<'_>,
    refs: JObjectArray<'_>,
) -> jint {
    run(&mut env, |env| {
        let ty = types::decode_table(&types::from_java(env, &ty)?)?;
        let mut entered = enter(env, &store, handle)?;
        let init = values::read_first(env, entered.sb, ty.element(), &refs)?;
        let table = kiln::Table::new(entered.cx(), ty, init)?;
        Ok(entered.sb.number(Item::Table(table)))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Table_type<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    store: JObject<'l>,
    handle: jlong,
    table: jint,
) -> JLongArray<'l> {
    run(&mut env, |env| {
        let codes = {
            let mut entered = enter(env, &store, handle)?;
            let table = entered.sb.table(table)?;
            types::encode(&kiln::ExternType::Table(table.ty(entered.cx())))
        };
        types::to_java(env, &codes)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Table_size(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    table: jint,
) -> jlong {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let table = entered.sb.table(table)?;
        Ok(table.size(entered.cx()) as jlong)
    })
}

/// Leaves element `at` in slot 0.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Table_get(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    table: jint,
    at: jlong,
    refs: JObjectArray<'_>,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let table = entered.sb.table(table)?;
        let value = table
            .get(entered.cx(), index(at)?)
            .ok_or_else(|| Failure::Bounds(format!("table index {at} is out of bounds")))?;
        values::write_first(env, entered.sb, &value, &refs)
    })
}

/// Sets element `at` to the value in slot 0.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_kiln_Table_set(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    table: jint,
    at: jlong,
    refs: JObjectArray<'_>,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let table = entered.sb.table(table)?;
        let element = table.ty(entered.cx()).element();
        let value = values::read_first(env, entered.sb, element, &refs)?;
        let size = table.size(entered.cx());
        if index(at)? >= size {
            return Err(Failure::Bounds(format!(
                "table index {at} is out of bounds (the table has {size} elements)"
            )));
        }
        Ok(table.set(entered.cx(), index(at)?, value)?)
    })
}

/// Grows by `delta` elements set to the value in slot 0; returns the old
/// size.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_kiln_Table_grow(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    table: jint,
    delta: jlong,
    refs: JObjectArray<'_>,
) -> jlong {
    run(&mut env, |env| {
        let delta = u64::try_from(delta)
            .map_err(|_| Failure::Argument(format!("cannot grow a table by {delta} elements")))?;
        let mut entered = enter(env, &store, handle)?;
        let table = entered.sb.table(table)?;
        let element = table.ty(entered.cx()).element();
        let init = values::read_first(env, entered.sb, element, &refs)?;
        Ok(table.grow(entered.cx(), delta, init)? as jlong)
    })
}
