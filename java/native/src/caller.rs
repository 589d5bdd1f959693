//! `dev.kiln.Caller`: what a host function sees of the wasm that called it.

use crate::errors::{run, Failure};
use crate::store::{enter, Item};
use jni::objects::{JClass, JObject, JString};
use jni::sys::jlong;
use jni::JNIEnv;

/// The item code of the calling instance's export `name`, or -1 when it
/// has none.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Caller_getExport(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    name: JString<'_>,
) -> jlong {
    run(&mut env, |env| {
        let name: String = env.get_string(&name)?.into();
        let mut entered = enter(env, &store, handle)?;
        let Some(instance) = entered.calling_instance() else {
            return Err(Failure::State(
                "the caller has no instance: its host function was called by the host, \
                 or has returned"
                    .into(),
            ));
        };
        Ok(match instance.get_export(entered.cx(), &name) {
            Some(e) => entered.sb.code(Item::from_extern(e)),
            None => -1,
        })
    })
}
