//! `dev.kiln.ComponentInstance`: an instantiated component's exports.

use crate::errors::run;
use crate::handles::{borrow, free, into_handle};
use crate::store::enter;
use jni::objects::{JClass, JObject, JString};
use jni::sys::jlong;
use jni::JNIEnv;
use kiln::component::Instance;

/// How the Java `ComponentInstance` names an export: `name` of the
/// component, or `name` of its exported instance `instance`.
fn lookup(
    env: &mut JNIEnv<'_>,
    instance: &JString<'_>,
    name: &JString<'_>,
) -> jni::errors::Result<(Option<String>, String)> {
    let instance = if instance.is_null() {
        None
    } else {
        Some(env.get_string(instance)?.into())
    };
    Ok((instance, env.get_string(name)?.into()))
}

/// The exported function's handle, or 0 when there is none.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentInstance_getFunc(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
    instance: JString<'_>,
    name: JString<'_>,
) -> jlong {
    run(&mut env, |env| {
        let (outer, name) = lookup(env, &instance, &name)?;
        // SAFETY: the Java `ComponentInstance` is live for this call.
        let inst: &Instance = unsafe { borrow(handle) };
        let mut entered = enter(env, &store, store_handle)?;
        let func = match &outer {
            Some(outer) => inst.get_func(entered.cx(), (outer.as_str(), name.as_str())),
            None => inst.get_func(entered.cx(), name.as_str()),
        };
        Ok(func.map_or(0, into_handle))
    })
}

/// The exported resource type's handle, or 0 when there is none.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentInstance_getResourceType(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
    instance: JString<'_>,
    name: JString<'_>,
) -> jlong {
    run(&mut env, |env| {
        let (outer, name) = lookup(env, &instance, &name)?;
        // SAFETY: the Java `ComponentInstance` is live for this call.
        let inst: &Instance = unsafe { borrow(handle) };
        let mut entered = enter(env, &store, store_handle)?;
        let ty = match &outer {
            Some(outer) => inst.get_resource(entered.cx(), (outer.as_str(), name.as_str())),
            None => inst.get_resource(entered.cx(), name.as_str()),
        };
        Ok(ty.map_or(0, into_handle))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentInstance_free(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `ComponentInstance`'s cleaner frees its handle once.
    unsafe { free::<Instance>(handle) }
}
