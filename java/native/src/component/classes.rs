//! The Java classes and methods the component classes call back into,
//! looked up once when the JVM loads the library.

use jni::errors::Result;
use jni::objects::{GlobalRef, JClass, JStaticMethodID};
use jni::JNIEnv;
use std::sync::OnceLock;

pub(crate) struct Classes {
    pub flat_context: GlobalRef,
    /// `FlatContext.dispatch(FlatHostFunc, Store, long, long[])`.
    pub flat_dispatch: JStaticMethodID,
    pub component_val: GlobalRef,
    /// `ComponentVal.dispatch(ComponentHostFunc, Store, byte[], int) -> Object[]`.
    pub val_dispatch: JStaticMethodID,
    pub component_linker: GlobalRef,
    /// `ComponentLinker.dispatchDrop(ResourceDestructor, int)`.
    pub drop_dispatch: JStaticMethodID,
}

static CLASSES: OnceLock<Classes> = OnceLock::new();

fn class(env: &mut JNIEnv<'_>, name: &str) -> Result<GlobalRef> {
    let class = env.find_class(name)?;
    env.new_global_ref(class)
}

pub(crate) fn init(env: &mut JNIEnv<'_>) -> Result<()> {
    if CLASSES.get().is_some() {
        return Ok(());
    }
    let flat_context = class(env, "dev/kiln/FlatContext")?;
    let flat_dispatch = env.get_static_method_id(
        <&JClass>::from(flat_context.as_obj()),
        "dispatch",
        "(Ldev/kiln/FlatHostFunc;Ldev/kiln/Store;J[J)V",
    )?;
    let component_val = class(env, "dev/kiln/ComponentVal")?;
    let val_dispatch = env.get_static_method_id(
        <&JClass>::from(component_val.as_obj()),
        "dispatch",
        "(Ldev/kiln/ComponentHostFunc;Ldev/kiln/Store;[BI)[Ljava/lang/Object;",
    )?;
    let component_linker = class(env, "dev/kiln/ComponentLinker")?;
    let drop_dispatch = env.get_static_method_id(
        <&JClass>::from(component_linker.as_obj()),
        "dispatchDrop",
        "(Ldev/kiln/ResourceDestructor;I)V",
    )?;
    let _ = CLASSES.set(Classes {
        flat_context,
        flat_dispatch,
        component_val,
        val_dispatch,
        component_linker,
        drop_dispatch,
    });
    Ok(())
}

/// The classes; `JNI_OnLoad` filled them before any native method runs.
pub(crate) fn get() -> &'static Classes {
    CLASSES
        .get()
        .expect("JNI_OnLoad looks the classes up before any native method runs")
}
