//! `dev.kiln.Linker`: imports by name, host functions, WASI.

use crate::errors::{run, Failure, JResult};
use crate::handles::{borrow, free, into_handle};
use crate::host_func::{HostBody, JavaHost};
use crate::instance::extern_of;
use crate::store::{enter, Item, StoreData};
use crate::types;
use jni::objects::{JClass, JLongArray, JObject, JString};
use jni::sys::{jboolean, jint, jlong};
use jni::JNIEnv;
use std::sync::RwLock;

/// A linker; definitions take the lock for writing, instantiations for
/// reading, so one linker serves several threads.
type LinkerBox = RwLock<kiln::Linker<StoreData>>;

/// The linker behind `handle`.
///
/// # Safety
/// `handle` is a live linker handle (the Java `Linker` is acquired).
unsafe fn linker<'a>(handle: jlong) -> &'a LinkerBox {
    // SAFETY: as the caller guarantees.
    unsafe { borrow(handle) }
}

fn write(
    handle: jlong,
    f: impl FnOnce(&mut kiln::Linker<StoreData>) -> JResult<()>,
) -> JResult<()> {
    // SAFETY: the Java `Linker` is acquired for this call.
    let lock = unsafe { linker(handle) };
    let mut linker = lock.write().unwrap_or_else(|e| e.into_inner());
    f(&mut linker)
}

fn string(env: &mut JNIEnv<'_>, s: &JString<'_>) -> JResult<String> {
    if s.is_null() {
        return Err(Failure::Argument("a name must not be null".into()));
    }
    Ok(env.get_string(s)?.into())
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Linker_newLinker(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    engine: jlong,
) -> jlong {
    // SAFETY: the Java `Engine` is acquired for this call.
    let engine: &kiln::Engine = unsafe { borrow(engine) };
    into_handle::<LinkerBox>(RwLock::new(kiln::Linker::new(engine)))
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Linker_free(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `Linker`'s cleaner frees its handle once, when no
    // method uses it.
    unsafe { free::<LinkerBox>(handle) }
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Linker_allowShadowing(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
    allow: jboolean,
) {
    run(&mut env, |_| {
        write(handle, |l| {
            l.allow_shadowing(allow != 0);
            Ok(())
        })
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Linker_defineHost(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
    module: JString<'_>,
    name: JString<'_>,
    ty: JLongArray<'_>,
    host: JObject<'_>,
) {
    run(&mut env, |env| {
        let module = string(env, &module)?;
        let name = string(env, &name)?;
        let ty = types::decode_func(&types::from_java(env, &ty)?)?;
        let host = JavaHost(env.new_global_ref(host)?);
        write(handle, |l| {
            match HostBody::new(&ty, host) {
                HostBody::Numeric(h) => {
                    l.func_new_numeric(&module, &name, ty, move |c, s| h.call_numeric(c, s))?
                }
                HostBody::Dynamic(h) => {
                    l.func_new(&module, &name, ty, move |c, p, r| h.call_dynamic(c, p, r))?
                }
            };
            Ok(())
        })
    })
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_kiln_Linker_define(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
    module: JString<'_>,
    name: JString<'_>,
    code: jlong,
) {
    run(&mut env, |env| {
        let module = string(env, &module)?;
        let name = string(env, &name)?;
        let mut entered = enter(env, &store, store_handle)?;
        let item = extern_of(entered.sb, code)?;
        write(handle, |l| {
            l.define(entered.cx(), &module, &name, item)?;
            Ok(())
        })
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Linker_defineInstance(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
    module: JString<'_>,
    instance: jint,
) {
    run(&mut env, |env| {
        let module = string(env, &module)?;
        let mut entered = enter(env, &store, store_handle)?;
        let instance = entered.sb.instance(instance)?;
        write(handle, |l| {
            l.instance(entered.cx(), &module, instance)?;
            Ok(())
        })
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Linker_defineWasi(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    run(&mut env, |_| {
        write(handle, |l| {
            kiln_wasi::add_to_linker(l, |data: &mut StoreData| &mut data.wasi)?;
            Ok(())
        })
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Linker_defineUnknownImportsAsTraps(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
    module: jlong,
) {
    run(&mut env, |_| {
        // SAFETY: the Java `Module` is acquired for this call.
        let module: &kiln::Module = unsafe { borrow(module) };
        write(handle, |l| {
            l.define_unknown_imports_as_traps(module)?;
            Ok(())
        })
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Linker_instantiate(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
    module: jlong,
) -> jint {
    run(&mut env, |env| {
        // SAFETY: the Java `Module` is acquired for this call.
        let module: &kiln::Module = unsafe { borrow(module) };
        let mut entered = enter(env, &store, store_handle)?;
        // Host functions run during instantiation (the start function) may
        // use this linker: cloning it releases the lock first.
        let linker = {
            // SAFETY: the Java `Linker` is acquired for this call.
            let lock = unsafe { linker(handle) };
            let guard = lock.read().unwrap_or_else(|e| e.into_inner());
            guard.instantiate_pre(module)?
        };
        let instance = linker.instantiate(entered.cx())?;
        Ok(entered.sb.number(Item::Instance(instance)))
    })
}
