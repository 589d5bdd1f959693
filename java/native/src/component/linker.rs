//! `dev.kiln.ComponentLinker`: the host's definitions for components'
//! imports: functions (dynamic and flat), host resource types, instances.

use super::classes;
use super::flat_call::MemState;
use super::flat_context::ImportCx;
use super::pending;
use super::values::{decode_into, encode_all};
use crate::errors::to_kiln;
use crate::errors::{run, Failure, JResult};
use crate::handles::{borrow, free, into_handle};
use crate::store::callback_env;
use crate::store::{enter, StoreData};
use jni::objects::{GlobalRef, JClass, JObject, JString, JValue};
use jni::signature::{Primitive, ReturnType};
use jni::sys::jlong;
use jni::JNIEnv;
use kiln::component::{FlatContext, Linker, LinkerInstance, ResourceType};
use std::sync::RwLock;

type LinkerBox = RwLock<Linker<StoreData>>;

fn string(env: &mut JNIEnv<'_>, s: &JString<'_>) -> JResult<String> {
    if s.is_null() {
        return Err(Failure::Argument("a name must not be null".into()));
    }
    Ok(env.get_string(s)?.into())
}

/// Runs `f` on the linker's instance `instance` ("" for the root).
fn define(
    handle: jlong,
    instance: &str,
    f: impl FnOnce(&mut LinkerInstance<'_, StoreData>) -> kiln::Result<()>,
) -> JResult<()> {
    // SAFETY: the Java `ComponentLinker` is acquired for this call.
    let lock: &LinkerBox = unsafe { borrow(handle) };
    let mut linker = lock.write().unwrap_or_else(|e| e.into_inner());
    let mut target = if instance.is_empty() {
        linker.root()
    } else {
        linker.instance(instance)?
    };
    Ok(f(&mut target)?)
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentLinker_newLinker(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    engine: jlong,
) -> jlong {
    // SAFETY: the Java `Engine` is acquired for this call.
    let engine: &kiln::Engine = unsafe { borrow(engine) };
    into_handle::<LinkerBox>(RwLock::new(Linker::new(engine)))
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentLinker_free(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `ComponentLinker`'s cleaner frees its handle once.
    unsafe { free::<LinkerBox>(handle) }
}

/// Defines a function of `ComponentVal`s: `ComponentVal.dispatch` decodes
/// the arguments, runs the Java function and encodes its result.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentLinker_funcNew(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
    instance: JString<'_>,
    name: JString<'_>,
    func: JObject<'_>,
) {
    run(&mut env, |env| {
        let instance = string(env, &instance)?;
        let name = string(env, &name)?;
        let func: GlobalRef = env.new_global_ref(func)?;
        define(handle, &instance, move |target| {
            target.func_new(&name, move |store, params, results| {
                let (sb, mut env) = callback_env(store.data())?;
                let (_, java_store) = sb.java();
                let outcome = env.with_local_frame(8, |env| -> JResult<kiln::Result<()>> {
                    // SAFETY: `java_store` is the live local reference to
                    // the Java `Store` of the native method that entered wasm.
                    let java_store = unsafe { JObject::from_raw(java_store) };
                    let bytes = encode_all(params)?;
                    let bytes = env.byte_array_from_slice(&bytes)?;
                    let c = classes::get();
                    // SAFETY: `val_dispatch` is `ComponentVal.dispatch(
                    // ComponentHostFunc, Store, byte[], int)` returning
                    // `Object[] {byte[], ComponentVal}`; the arguments match.
                    let out = unsafe {
                        env.call_static_method_unchecked(
                            <&JClass>::from(c.component_val.as_obj()),
                            c.val_dispatch,
                            ReturnType::Object,
                            &[
                                JValue::Object(func.as_obj()).as_jni(),
                                JValue::Object(&java_store).as_jni(),
                                JValue::Object(&bytes).as_jni(),
                                JValue::Int(results.len() as i32).as_jni(),
                            ],
                        )
                    };
                    let out = match out {
                        Ok(v) => v.l()?,
                        Err(jni::errors::Error::JavaException) => {
                            return Ok(pending(env));
                        }
                        Err(e) => return Err(e.into()),
                    };
                    // `out` (a local reference until this callback returns)
                    // holds the result, and so the resources the bytes name.
                    let out = jni::objects::JObjectArray::from(out);
                    let bytes = env.get_object_array_element(&out, 0)?;
                    let bytes = env.convert_byte_array(jni::objects::JByteArray::from(bytes))?;
                    decode_into(&bytes, results)?;
                    Ok(Ok(()))
                });
                match outcome {
                    Ok(done) => done,
                    Err(f) => Err(to_kiln(&mut env, f)),
                }
            })?;
            Ok(())
        })
    })
}

/// Defines a flat function: `FlatContext.dispatch` hands the Java function
/// the flat arguments in a `long[]` and the call's context.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentLinker_funcNewFlat(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
    instance: JString<'_>,
    name: JString<'_>,
    func: JObject<'_>,
) {
    run(&mut env, |env| {
        let instance = string(env, &instance)?;
        let name = string(env, &name)?;
        let func: GlobalRef = env.new_global_ref(func)?;
        define(handle, &instance, move |target| {
            target.func_new_flat(&name, move |cx, slots| {
                let (sb, mut env) = callback_env(cx.data())?;
                let (_, java_store) = sb.java();
                call_flat(&mut env, &func, java_store, cx, slots)
            })?;
            Ok(())
        })
    })
}

fn call_flat(
    env: &mut JNIEnv<'_>,
    func: &GlobalRef,
    java_store: jni::sys::jobject,
    cx: &mut FlatContext<'_, '_, StoreData>,
    slots: &mut [u128],
) -> kiln::Result<()> {
    let outcome = env.with_local_frame(4, |env| -> JResult<kiln::Result<()>> {
        let values: Vec<i64> = slots.iter().map(|s| *s as u64 as i64).collect();
        let array = env.new_long_array(values.len() as i32)?;
        env.set_long_array_region(&array, 0, &values)?;
        let c = classes::get();
        let mut icx = ImportCx {
            cx: &mut *cx,
            mem: MemState::default(),
        };
        let cx_ptr = &mut icx as *mut ImportCx<'_, '_, '_> as *mut std::ffi::c_void as jlong;
        // SAFETY: `java_store` is the live local reference to the Java
        // `Store` of the native method that entered wasm.
        let java_store = unsafe { JObject::from_raw(java_store) };
        // SAFETY: `flat_dispatch` is `FlatContext.dispatch(FlatHostFunc,
        // Store, long, long[])` returning nothing; the arguments match. The
        // context's address stays valid until the call returns, and the
        // Java `FlatContext` made over it refuses use after that.
        let ran = unsafe {
            env.call_static_method_unchecked(
                <&JClass>::from(c.flat_context.as_obj()),
                c.flat_dispatch,
                ReturnType::Primitive(Primitive::Void),
                &[
                    JValue::Object(func.as_obj()).as_jni(),
                    JValue::Object(&java_store).as_jni(),
                    JValue::Long(cx_ptr).as_jni(),
                    JValue::Object(&array).as_jni(),
                ],
            )
        };
        match ran {
            Ok(_) => {}
            Err(jni::errors::Error::JavaException) => return Ok(pending(env)),
            Err(e) => return Err(e.into()),
        }
        let mut values = vec![0i64; slots.len()];
        env.get_long_array_region(&array, 0, &mut values)?;
        for (slot, v) in slots.iter_mut().zip(values) {
            *slot = u128::from(v as u64);
        }
        Ok(Ok(()))
    });
    match outcome {
        Ok(done) => done,
        Err(f) => Err(to_kiln(env, f)),
    }
}

/// Defines the host resource type `name` as `ty`; the Java destructor
/// runs with the representation when a component drops an owned handle.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentLinker_resource(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
    instance: JString<'_>,
    name: JString<'_>,
    ty: jlong,
    dtor: JObject<'_>,
) {
    run(&mut env, |env| {
        let instance = string(env, &instance)?;
        let name = string(env, &name)?;
        // SAFETY: the Java `ComponentResourceType` is acquired for this call.
        let ty: &ResourceType = unsafe { borrow(ty) };
        let dtor: GlobalRef = env.new_global_ref(dtor)?;
        define(handle, &instance, move |target| {
            target.resource(&name, ty.clone(), move |store, rep| {
                let (_, mut env) = callback_env(store.data())?;
                let c = classes::get();
                // SAFETY: `drop_dispatch` is `ComponentLinker.dispatchDrop(
                // ResourceDestructor, int)` returning nothing; the arguments
                // match.
                let ran = unsafe {
                    env.call_static_method_unchecked(
                        <&JClass>::from(c.component_linker.as_obj()),
                        c.drop_dispatch,
                        ReturnType::Primitive(Primitive::Void),
                        &[
                            JValue::Object(dtor.as_obj()).as_jni(),
                            JValue::Int(rep as i32).as_jni(),
                        ],
                    )
                };
                match ran {
                    Ok(_) => Ok(()),
                    Err(jni::errors::Error::JavaException) => pending(&mut env),
                    Err(e) => Err(kiln::Error::msg(format!("JNI: {e}"))),
                }
            })?;
            Ok(())
        })
    })
}

/// Makes the instance `instance` if it is not defined yet: for a component
/// that imports an interface of types only.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentLinker_instance(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
    instance: JString<'_>,
) {
    run(&mut env, |env| {
        let instance = string(env, &instance)?;
        define(handle, &instance, |_| Ok(()))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentLinker_defineUnknownImportsAsTraps(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
    component: jlong,
) {
    run(&mut env, |_env| {
        // SAFETY: the Java `ComponentLinker` and `Component` are acquired
        // for this call.
        let (lock, component): (&LinkerBox, &kiln::component::Component) =
            unsafe { (borrow(handle), borrow(component)) };
        let mut linker = lock.write().unwrap_or_else(|e| e.into_inner());
        Ok(linker.define_unknown_imports_as_traps(component)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_ComponentLinker_instantiate(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    store_handle: jlong,
    handle: jlong,
    component: jlong,
) -> jlong {
    run(&mut env, |env| {
        // SAFETY: the Java `ComponentLinker` and `Component` are acquired
        // for this call.
        let (lock, component): (&LinkerBox, &kiln::component::Component) =
            unsafe { (borrow(handle), borrow(component)) };
        let linker = lock.read().unwrap_or_else(|e| e.into_inner()).clone();
        let mut entered = enter(env, &store, store_handle)?;
        let instance = linker.instantiate(entered.cx(), component)?;
        Ok(into_handle(instance))
    })
}
