//! The Java classes and members the library calls into, looked up once.

use jni::errors::Result;
use jni::objects::{GlobalRef, JClass, JMethodID, JStaticMethodID};
use jni::JNIEnv;
use std::sync::OnceLock;

pub(crate) struct Classes {
    pub kiln_exception: GlobalRef,
    pub compile_exception: GlobalRef,
    pub link_exception: GlobalRef,
    pub illegal_state: GlobalRef,
    pub illegal_argument: GlobalRef,
    pub index_out_of_bounds: GlobalRef,
    pub errors: GlobalRef,
    /// `Errors.trap(String, int, String[], String[], int[], long[])`.
    pub errors_trap: JStaticMethodID,
    /// `Errors.exit(int, String)`.
    pub errors_exit: JStaticMethodID,
    /// `HostFunc.callNumeric(Store)`, returning 1 when the function ran.
    pub host_func_call_numeric: JMethodID,
    /// `HostFunc.call(Store, Object[])`, returning 1 when the function ran.
    pub host_func_call: JMethodID,
    /// `Store.setSlots(ByteBuffer)`: gives the store a buffer over new slots.
    pub store_set_slots: JMethodID,
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
    let errors = class(env, "dev/kiln/Errors")?;
    let host_func = class(env, "dev/kiln/HostFunc")?;
    let store = class(env, "dev/kiln/Store")?;
    let errors_class = <&JClass>::from(errors.as_obj());
    let errors_trap = env.get_static_method_id(
        errors_class,
        "trap",
        "(Ljava/lang/String;I[Ljava/lang/String;[Ljava/lang/String;[I[J)Ljava/lang/Throwable;",
    )?;
    let errors_exit = env.get_static_method_id(
        errors_class,
        "exit",
        "(ILjava/lang/String;)Ljava/lang/Throwable;",
    )?;
    let host_func_call_numeric = env.get_method_id(
        <&JClass>::from(host_func.as_obj()),
        "callNumeric",
        "(Ldev/kiln/Store;)I",
    )?;
    let host_func_call = env.get_method_id(
        <&JClass>::from(host_func.as_obj()),
        "call",
        "(Ldev/kiln/Store;[Ljava/lang/Object;)I",
    )?;
    let store_set_slots = env.get_method_id(
        <&JClass>::from(store.as_obj()),
        "setSlots",
        "(Ljava/nio/ByteBuffer;)V",
    )?;
    let classes = Classes {
        kiln_exception: class(env, "dev/kiln/KilnException")?,
        compile_exception: class(env, "dev/kiln/CompileException")?,
        link_exception: class(env, "dev/kiln/LinkException")?,
        illegal_state: class(env, "java/lang/IllegalStateException")?,
        illegal_argument: class(env, "java/lang/IllegalArgumentException")?,
        index_out_of_bounds: class(env, "java/lang/IndexOutOfBoundsException")?,
        errors,
        errors_trap,
        errors_exit,
        host_func_call_numeric,
        host_func_call,
        store_set_slots,
    };
    let _ = CLASSES.set(classes);
    Ok(())
}

/// The classes; `JNI_OnLoad` filled them before any native method runs.
pub(crate) fn get() -> &'static Classes {
    CLASSES
        .get()
        .expect("JNI_OnLoad looks the classes up before any native method runs")
}
