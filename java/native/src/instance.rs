//! `dev.kiln.Instance`: instantiation with imports by position, and exports.

use crate::errors::{run, Failure, JResult};
use crate::handles::borrow;
use crate::store::{enter, Item, StoreBox};
use jni::objects::{JClass, JLongArray, JObject, JObjectArray, JString};
use jni::sys::{jint, jlong};
use jni::JNIEnv;

/// The extern behind an item code (see `StoreBox::code`).
pub(crate) fn extern_of(sb: &StoreBox, code: jlong) -> JResult<kiln::Extern> {
    match sb.item(code as u32 as jint)? {
        Item::Func(f) => Ok(f.into()),
        Item::Memory(m) => Ok(m.into()),
        Item::Table(t) => Ok(t.into()),
        Item::Global(g) => Ok(g.into()),
        Item::Instance(_) => Err(Failure::Argument("an instance is not an extern".into())),
    }
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Instance_newInstance(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    module: jlong,
    imports: JLongArray<'_>,
) -> jint {
    run(&mut env, |env| {
        let len = env.get_array_length(&imports)? as usize;
        let mut codes = vec![0i64; len];
        env.get_long_array_region(&imports, 0, &mut codes)?;
        let mut entered = enter(env, &store, handle)?;
        let externs = codes
            .iter()
            .map(|c| extern_of(entered.sb, *c))
            .collect::<JResult<Vec<_>>>()?;
        // SAFETY: the Java `Module` is acquired for this call.
        let module: &kiln::Module = unsafe { borrow(module) };
        let instance = kiln::Instance::new(entered.cx(), module, &externs)?;
        Ok(entered.sb.number(Item::Instance(instance)))
    })
}

/// The export's item code, or -1 when there is none of that name.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Instance_getExport(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    instance: jint,
    name: JString<'_>,
) -> jlong {
    run(&mut env, |env| {
        let name: String = env.get_string(&name)?.into();
        let mut entered = enter(env, &store, handle)?;
        let instance = entered.sb.instance(instance)?;
        Ok(match instance.get_export(entered.cx(), &name) {
            Some(e) => entered.sb.code(Item::from_extern(e)),
            None => -1,
        })
    })
}

/// The exports in order, as `[String[] names, long[] item codes]`.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Instance_exports<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    store: JObject<'l>,
    handle: jlong,
    instance: jint,
) -> JObjectArray<'l> {
    run(&mut env, |env| {
        let exports = {
            let mut entered = enter(env, &store, handle)?;
            let instance = entered.sb.instance(instance)?;
            let exports = instance.exports(entered.cx());
            exports
                .into_iter()
                .map(|(name, e)| (name, entered.sb.code(Item::from_extern(e))))
                .collect::<Vec<_>>()
        };
        names_and_codes(env, &exports)
    })
}

/// `[String[] names, long[] codes]` for Java.
pub(crate) fn names_and_codes<'l>(
    env: &mut JNIEnv<'l>,
    entries: &[(String, jlong)],
) -> JResult<JObjectArray<'l>> {
    let names = env.new_object_array(entries.len() as i32, "java/lang/String", JObject::null())?;
    for (i, (name, _)) in entries.iter().enumerate() {
        let name = env.new_string(name)?;
        env.set_object_array_element(&names, i as i32, name)?;
    }
    let codes = env.new_long_array(entries.len() as i32)?;
    let values: Vec<jlong> = entries.iter().map(|(_, c)| *c).collect();
    env.set_long_array_region(&codes, 0, &values)?;
    let out = env.new_object_array(2, "java/lang/Object", JObject::null())?;
    env.set_object_array_element(&out, 0, names)?;
    env.set_object_array_element(&out, 1, codes)?;
    Ok(out)
}
