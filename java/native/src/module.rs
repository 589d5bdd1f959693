//! `dev.kiln.Module`: compiled code, and what it imports and exports.

use crate::errors::{run, JResult};
use crate::handles::{borrow, free, into_handle};
use crate::types;
use jni::objects::{JByteArray, JClass, JObject, JObjectArray, JString};
use jni::sys::jlong;
use jni::JNIEnv;

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Module_compile(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    engine: jlong,
    bytes: JByteArray<'_>,
) -> jlong {
    run(&mut env, |env| {
        let bytes = env.convert_byte_array(&bytes)?;
        // SAFETY: the Java `Engine` is acquired for this call.
        let engine: &kiln::Engine = unsafe { borrow(engine) };
        Ok(into_handle(kiln::Module::new(engine, &bytes)?))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Module_compileText(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    engine: jlong,
    text: JString<'_>,
) -> jlong {
    run(&mut env, |env| {
        let text: String = env.get_string(&text)?.into();
        // SAFETY: the Java `Engine` is acquired for this call.
        let engine: &kiln::Engine = unsafe { borrow(engine) };
        Ok(into_handle(kiln::Module::new(engine, text.as_bytes())?))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Module_validate(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    engine: jlong,
    bytes: JByteArray<'_>,
) {
    run(&mut env, |env| {
        let bytes = env.convert_byte_array(&bytes)?;
        // SAFETY: the Java `Engine` is acquired for this call.
        let engine: &kiln::Engine = unsafe { borrow(engine) };
        Ok(kiln::Module::validate(engine, &bytes)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Module_deserialize(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    engine: jlong,
    bytes: JByteArray<'_>,
) -> jlong {
    run(&mut env, |env| {
        let bytes = env.convert_byte_array(&bytes)?;
        // SAFETY: the Java `Engine` is acquired for this call.
        let engine: &kiln::Engine = unsafe { borrow(engine) };
        // SAFETY: `Module.deserialize` documents that the bytes must come
        // from `Module.serialize`; the artifact loader bounds-checks what it
        // reads and refuses artifacts of another engine.
        Ok(into_handle(unsafe {
            kiln::Module::deserialize(engine, &bytes)
        }?))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Module_serialize<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JByteArray<'l> {
    run(&mut env, |env| {
        // SAFETY: the Java `Module` is acquired for this call.
        let module: &kiln::Module = unsafe { borrow(handle) };
        Ok(env.byte_array_from_slice(&module.serialize()?)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Module_name<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: the Java `Module` is acquired for this call.
        let module: &kiln::Module = unsafe { borrow(handle) };
        Ok(match module.name() {
            Some(name) => env.new_string(name)?.into(),
            None => JObject::null(),
        })
    })
}

/// Imports as `[module, name, type, module, name, type, ...]`.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Module_imports<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JObjectArray<'l> {
    run(&mut env, |env| {
        // SAFETY: the Java `Module` is acquired for this call.
        let module: &kiln::Module = unsafe { borrow(handle) };
        let imports = module.imports().map(|i| {
            (
                Some(i.module().to_string()),
                i.name().to_string(),
                i.ty().clone(),
            )
        });
        entries(env, imports.collect())
    })
}

/// Exports as `[null, name, type, null, name, type, ...]`.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Module_exports<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JObjectArray<'l> {
    run(&mut env, |env| {
        // SAFETY: the Java `Module` is acquired for this call.
        let module: &kiln::Module = unsafe { borrow(handle) };
        let exports = module
            .exports()
            .map(|e| (None, e.name().to_string(), e.ty().clone()));
        entries(env, exports.collect())
    })
}

/// `[module, name, type, ...]` for Java, three elements an entry.
fn entries<'l>(
    env: &mut JNIEnv<'l>,
    entries: Vec<(Option<String>, String, kiln::ExternType)>,
) -> JResult<JObjectArray<'l>> {
    let out = env.new_object_array(
        3 * entries.len() as i32,
        "java/lang/Object",
        JObject::null(),
    )?;
    for (i, (module, name, ty)) in entries.iter().enumerate() {
        put(env, &out, 3 * i, module.as_deref(), name, ty)?;
    }
    Ok(out)
}

fn put(
    env: &mut JNIEnv<'_>,
    out: &JObjectArray<'_>,
    at: usize,
    module: Option<&str>,
    name: &str,
    ty: &kiln::ExternType,
) -> JResult<()> {
    if let Some(module) = module {
        let module = env.new_string(module)?;
        env.set_object_array_element(out, at as i32, module)?;
    }
    let name = env.new_string(name)?;
    env.set_object_array_element(out, at as i32 + 1, name)?;
    let ty = types::to_java(env, &types::encode(ty))?;
    env.set_object_array_element(out, at as i32 + 2, ty)?;
    Ok(())
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Module_free(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `Module`'s cleaner frees its handle once, when no
    // method uses it.
    unsafe { free::<kiln::Module>(handle) }
}
