//! `dev.kiln.ComponentResource` (the host's handle to a resource) and
//! `dev.kiln.ComponentResourceType`.

use crate::errors::run;
use crate::handles::{borrow, free, into_handle};
use crate::store::enter;
use jni::objects::{JClass, JObject, JString};
use jni::sys::{jboolean, jint, jlong};
use jni::JNIEnv;
use kiln::component::{ResourceAny, ResourceType};

/// A new host resource type, identified by `key`.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentResourceType_host(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    key: jlong,
    name: JString<'_>,
) -> jlong {
    run(&mut env, |env| {
        let name: String = env.get_string(&name)?.into();
        Ok(into_handle(ResourceType::host_dynamic(key as u64, &name)))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentResourceType_same(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    a: jlong,
    b: jlong,
) -> jboolean {
    // SAFETY: the Java `ComponentResourceType`s are live for this call.
    let (a, b): (&ResourceType, &ResourceType) = unsafe { (borrow(a), borrow(b)) };
    jboolean::from(a == b)
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentResourceType_free(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `ComponentResourceType`'s cleaner frees it once.
    unsafe { free::<ResourceType>(handle) }
}

/// A handle to the host resource `rep` of type `ty`, owned or borrowed.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentResource_newHost(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    ty: jlong,
    rep: jint,
    owned: jboolean,
) -> jlong {
    run(&mut env, |_env| {
        // SAFETY: the Java `ComponentResourceType` is live for this call.
        let ty: &ResourceType = unsafe { borrow(ty) };
        let r = if owned != 0 {
            ResourceAny::new_own(ty.clone(), rep as u32)?
        } else {
            ResourceAny::new_borrow(ty.clone(), rep as u32)?
        };
        Ok(into_handle(r))
    })
}

/// The representation of a host resource, or -1 for a guest's.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentResource_rep(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) -> jlong {
    // SAFETY: the Java `ComponentResource` is live for this call.
    let r: &ResourceAny = unsafe { borrow(handle) };
    r.rep().map_or(-1, i64::from)
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentResource_owned(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) -> jboolean {
    // SAFETY: the Java `ComponentResource` is live for this call.
    let r: &ResourceAny = unsafe { borrow(handle) };
    jboolean::from(r.owned())
}

/// The handle's resource type, as a new `ComponentResourceType` handle.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentResource_type(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) -> jlong {
    // SAFETY: the Java `ComponentResource` is live for this call.
    let r: &ResourceAny = unsafe { borrow(handle) };
    into_handle(r.ty())
}

/// Drops the handle: runs the resource's destructor for an owned one.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentResource_drop(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
) {
    run(&mut env, |env| {
        // SAFETY: the Java `ComponentResource` is live for this call.
        let r: &ResourceAny = unsafe { borrow(handle) };
        let mut entered = enter(env, &store, store_handle)?;
        Ok(r.clone().resource_drop(entered.cx())?)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentResource_free(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `ComponentResource`'s cleaner frees its handle once.
    unsafe { free::<ResourceAny>(handle) }
}
