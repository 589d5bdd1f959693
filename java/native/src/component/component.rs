//! `dev.kiln.Component`: a compiled component.

use crate::errors::run;
use crate::handles::{borrow, free, into_handle};
use jni::objects::{JByteArray, JClass, JObjectArray};
use jni::sys::jlong;
use jni::JNIEnv;

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Component_compile(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    engine: jlong,
    bytes: JByteArray<'_>,
) -> jlong {
    run(&mut env, |env| {
        let bytes = env.convert_byte_array(&bytes)?;
        // SAFETY: the Java `Engine` is acquired for this call.
        let engine: &kiln::Engine = unsafe { borrow(engine) };
        Ok(into_handle(kiln::component::Component::new(
            engine, &bytes,
        )?))
    })
}

/// The names of the component's imports (`exports` false) or exports,
/// each followed by its kind.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Component_names<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    exports: jni::sys::jboolean,
) -> JObjectArray<'l> {
    run(&mut env, |env| {
        // SAFETY: the Java `Component` is acquired for this call.
        let component: &kiln::component::Component = unsafe { borrow(handle) };
        let names: Vec<(&str, &str)> = if exports != 0 {
            component.exports().collect()
        } else {
            component.imports().collect()
        };
        let array = env.new_object_array(
            (names.len() * 2) as i32,
            "java/lang/String",
            jni::objects::JObject::null(),
        )?;
        for (i, (name, kind)) in names.iter().enumerate() {
            let name = env.new_string(name)?;
            env.set_object_array_element(&array, (2 * i) as i32, name)?;
            let kind = env.new_string(kind)?;
            env.set_object_array_element(&array, (2 * i + 1) as i32, kind)?;
        }
        Ok(array)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Component_free(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `Component`'s cleaner frees its handle once.
    unsafe { free::<kiln::component::Component>(handle) }
}
