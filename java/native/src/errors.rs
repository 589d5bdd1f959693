//! Failures of native methods, and the one function that turns each into a
//! Java exception.

use crate::classes;
use jni::objects::{GlobalRef, JClass, JObject, JThrowable, JValue};
use jni::signature::ReturnType;
use jni::JNIEnv;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Why a native method failed.
pub(crate) enum Failure {
    /// An engine error: compile, link, trap, exit, or a Java exception that
    /// a host function threw (its payload, [`JavaThrowable`]).
    Kiln(kiln::Error),
    /// A JNI call failed; when it is a Java exception, it is already pending.
    Jni(jni::errors::Error),
    /// The object cannot be used now: `IllegalStateException`.
    State(String),
    /// A wrong argument: `IllegalArgumentException`.
    Argument(String),
    /// An offset or index outside its object: `IndexOutOfBoundsException`.
    Bounds(String),
}

pub(crate) type JResult<T> = Result<T, Failure>;

impl From<kiln::Error> for Failure {
    fn from(e: kiln::Error) -> Failure {
        Failure::Kiln(e)
    }
}

impl From<jni::errors::Error> for Failure {
    fn from(e: jni::errors::Error) -> Failure {
        Failure::Jni(e)
    }
}

/// A Java exception thrown by a host function, travelling through wasm as
/// the payload of a [`kiln::Error`] to be thrown again, the same object, by
/// the native method that entered wasm.
pub(crate) struct JavaThrowable(pub GlobalRef);

impl fmt::Debug for JavaThrowable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JavaThrowable")
    }
}

impl fmt::Display for JavaThrowable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Java exception was thrown by a host function")
    }
}

impl std::error::Error for JavaThrowable {}

/// Takes the Java exception pending on this thread, if any, as an engine
/// error that carries it.
pub(crate) fn take_exception(env: &mut JNIEnv<'_>) -> Option<kiln::Error> {
    if !env.exception_check().unwrap_or(false) {
        return None;
    }
    let thrown = env.exception_occurred().ok()?;
    env.exception_clear().ok()?;
    let global = env.new_global_ref(thrown).ok()?;
    Some(kiln::Error::host(JavaThrowable(global)))
}

/// Runs the body of a native method: its failure, or a Rust panic, is
/// thrown as a Java exception and the method returns `R::default()`.
pub(crate) fn run<'l, R: Default>(
    env: &mut JNIEnv<'l>,
    body: impl FnOnce(&mut JNIEnv<'l>) -> JResult<R>,
) -> R {
    match catch_unwind(AssertUnwindSafe(|| body(&mut *env))) {
        Ok(Ok(value)) => value,
        Ok(Err(failure)) => {
            throw(env, failure);
            R::default()
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".to_string());
            throw(
                env,
                Failure::Kiln(kiln::Error::msg(format!("internal error in Kiln: {what}"))),
            );
            R::default()
        }
    }
}

/// Throws `failure` as the Java exception that stands for it (see the
/// exception table in `java/README.md`), unless one is already pending.
pub(crate) fn throw(env: &mut JNIEnv<'_>, failure: Failure) {
    if env.exception_check().unwrap_or(false) {
        return;
    }
    let classes = classes::get();
    let thrown = match failure {
        Failure::Kiln(err) => throw_kiln(env, err),
        Failure::Jni(jni::errors::Error::JavaException) => Ok(()),
        Failure::Jni(other) => throw_new(env, &classes.kiln_exception, &format!("JNI: {other}")),
        Failure::State(msg) => throw_new(env, &classes.illegal_state, &msg),
        Failure::Argument(msg) => throw_new(env, &classes.illegal_argument, &msg),
        Failure::Bounds(msg) => throw_new(env, &classes.index_out_of_bounds, &msg),
    };
    // A failure to throw leaves the JVM's own exception (out of memory)
    // pending, which is what the caller then sees.
    let _ = thrown;
}

fn throw_new(env: &mut JNIEnv<'_>, class: &GlobalRef, message: &str) -> jni::errors::Result<()> {
    env.throw_new(<&JClass>::from(class.as_obj()), message)
}

fn throw_kiln(env: &mut JNIEnv<'_>, err: kiln::Error) -> jni::errors::Result<()> {
    let classes = classes::get();
    if let Some(JavaThrowable(thrown)) = err.downcast_ref::<JavaThrowable>() {
        let local = env.new_local_ref(thrown.as_obj())?;
        return env.throw(JThrowable::from(local));
    }
    if let Some(code) = err.i32_exit() {
        let message = env.new_string(err.to_string())?;
        let exception = call_errors(
            env,
            classes.errors_exit,
            &[
                JValue::Int(code).as_jni(),
                JValue::Object(&message).as_jni(),
            ],
        )?;
        return env.throw(JThrowable::from(exception));
    }
    if let Some(trap) = err.trap() {
        let frames = trap.backtrace();
        let names =
            env.new_object_array(frames.len() as i32, "java/lang/String", JObject::null())?;
        let modules =
            env.new_object_array(frames.len() as i32, "java/lang/String", JObject::null())?;
        let indices = env.new_int_array(frames.len() as i32)?;
        let offsets = env.new_long_array(frames.len() as i32)?;
        let mut index_values = Vec::with_capacity(frames.len());
        let mut offset_values = Vec::with_capacity(frames.len());
        for (i, frame) in frames.iter().enumerate() {
            if let Some(name) = &frame.func_name {
                let name = env.new_string(name)?;
                env.set_object_array_element(&names, i as i32, name)?;
            }
            if let Some(module) = &frame.module_name {
                let module = env.new_string(module)?;
                env.set_object_array_element(&modules, i as i32, module)?;
            }
            index_values.push(frame.func_index as i32);
            offset_values.push(frame.module_offset.map_or(-1, |o| o as i64));
        }
        env.set_int_array_region(&indices, 0, &index_values)?;
        env.set_long_array_region(&offsets, 0, &offset_values)?;
        let message = env.new_string(trap.message())?;
        let exception = call_errors(
            env,
            classes.errors_trap,
            &[
                JValue::Object(&message).as_jni(),
                JValue::Int(i32::from(trap.code().number())).as_jni(),
                JValue::Object(&names).as_jni(),
                JValue::Object(&modules).as_jni(),
                JValue::Object(&indices).as_jni(),
                JValue::Object(&offsets).as_jni(),
            ],
        )?;
        return env.throw(JThrowable::from(exception));
    }
    let class = match err.kind() {
        kiln::ErrorKind::Validation | kiln::ErrorKind::Compile => &classes.compile_exception,
        kiln::ErrorKind::Link => &classes.link_exception,
        kiln::ErrorKind::Usage => &classes.illegal_argument,
        _ => &classes.kiln_exception,
    };
    throw_new(env, class, &err.to_string())
}

fn call_errors<'l>(
    env: &mut JNIEnv<'l>,
    method: jni::objects::JStaticMethodID,
    args: &[jni::sys::jvalue],
) -> jni::errors::Result<JObject<'l>> {
    let classes = classes::get();
    // SAFETY: `method` is a static method of `Errors` looked up with the
    // signature whose arguments `args` match, returning an object.
    unsafe {
        env.call_static_method_unchecked(
            <&JClass>::from(classes.errors.as_obj()),
            method,
            ReturnType::Object,
            args,
        )
    }?
    .l()
}

/// Turns a failure inside a callback from the engine into the engine's
/// error: a pending Java exception travels as its payload.
pub(crate) fn to_kiln(env: &mut JNIEnv<'_>, failure: Failure) -> kiln::Error {
    match failure {
        Failure::Kiln(e) => e,
        Failure::Jni(jni::errors::Error::JavaException) => take_exception(env)
            .unwrap_or_else(|| kiln::Error::msg("a JNI call failed in a host function")),
        Failure::Jni(e) => kiln::Error::msg(format!("JNI: {e}")),
        Failure::State(m) | Failure::Argument(m) | Failure::Bounds(m) => kiln::Error::msg(m),
    }
}
