//! `dev.kiln.WasiConfig`: what a WASI program is granted, given to a store.

use crate::errors::{run, Failure, JResult};
use crate::store::enter;
use jni::objects::{JBooleanArray, JByteArray, JClass, JObject, JObjectArray, JString};
use jni::sys::{jboolean, jint, jlong};
use jni::JNIEnv;
use kiln_wasi::{WasiConfig, WasiPipe};

/// How a standard stream is given (`WasiConfig.Stream` ordinals; 0 is
/// nothing: reads see end of file, writes are dropped).
const INHERIT: jint = 1;
const FILE: jint = 2;
const CAPTURE: jint = 3;
const BYTES: jint = 4;

fn strings(env: &mut JNIEnv<'_>, array: &JObjectArray<'_>) -> JResult<Vec<String>> {
    if array.is_null() {
        return Ok(Vec::new());
    }
    let len = env.get_array_length(array)?;
    (0..len)
        .map(|i| {
            let s = JString::from(env.get_object_array_element(array, i)?);
            if s.is_null() {
                return Err(Failure::Argument("WASI strings must not be null".into()));
            }
            let value: String = env.get_string(&s)?.into();
            env.delete_local_ref(s)?;
            Ok(value)
        })
        .collect()
}

fn path(env: &mut JNIEnv<'_>, s: &JString<'_>) -> JResult<String> {
    if s.is_null() {
        return Err(Failure::Argument(
            "a WASI file path must not be null".into(),
        ));
    }
    Ok(env.get_string(s)?.into())
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_kiln_WasiConfig_apply(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    args: JObjectArray<'_>,
    env_pairs: JObjectArray<'_>,
    inherit_env: jboolean,
    stdin_mode: jint,
    stdin_path: JString<'_>,
    stdin_bytes: JByteArray<'_>,
    stdout_mode: jint,
    stdout_path: JString<'_>,
    stderr_mode: jint,
    stderr_path: JString<'_>,
    preopens: JObjectArray<'_>,
    read_only: JBooleanArray<'_>,
) {
    run(&mut env, |env| {
        let mut config = WasiConfig::new().args(strings(env, &args)?);
        if inherit_env != 0 {
            config = config.inherit_env();
        }
        let pairs = strings(env, &env_pairs)?;
        for pair in pairs.chunks(2) {
            if let [key, value] = pair {
                config = config.env(key, value);
            }
        }
        config = match stdin_mode {
            INHERIT => config.inherit_stdin(),
            FILE => config.stdin_file(path(env, &stdin_path)?),
            BYTES => config.stdin_bytes(env.convert_byte_array(&stdin_bytes)?),
            _ => config,
        };
        let stdout = WasiPipe::new();
        config = match stdout_mode {
            INHERIT => config.inherit_stdout(),
            FILE => config.stdout_file(path(env, &stdout_path)?),
            CAPTURE => config.stdout_pipe(&stdout),
            _ => config,
        };
        let stderr = WasiPipe::new();
        config = match stderr_mode {
            INHERIT => config.inherit_stderr(),
            FILE => config.stderr_file(path(env, &stderr_path)?),
            CAPTURE => config.stderr_pipe(&stderr),
            _ => config,
        };
        let dirs = strings(env, &preopens)?;
        let mut flags = vec![0u8; dirs.len() / 2];
        if !flags.is_empty() {
            env.get_boolean_array_region(&read_only, 0, &mut flags)?;
        }
        for (pair, read_only) in dirs.chunks(2).zip(&flags) {
            if let [host, guest] = pair {
                config = config.preopened_dir(host, guest.as_str(), *read_only != 0);
            }
        }
        let ctx = config.build()?;
        let mut entered = enter(env, &store, handle)?;
        entered.cx().data_mut().wasi = ctx;
        *entered.sb.stdout.borrow_mut() = (stdout_mode == CAPTURE).then_some(stdout);
        *entered.sb.stderr.borrow_mut() = (stderr_mode == CAPTURE).then_some(stderr);
        Ok(())
    })
}

/// What the program wrote to a captured stream so far (`null` when the
/// stream is not captured).
#[no_mangle]
pub extern "system" fn Java_dev_kiln_WasiConfig_captured<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    store: JObject<'l>,
    handle: jlong,
    stderr: jboolean,
) -> JObject<'l> {
    run(&mut env, |env| {
        let bytes = {
            let entered = enter(env, &store, handle)?;
            let pipe = if stderr != 0 {
                entered.sb.stderr.borrow()
            } else {
                entered.sb.stdout.borrow()
            };
            pipe.as_ref().map(WasiPipe::contents)
        };
        Ok(match bytes {
            Some(bytes) => env.byte_array_from_slice(&bytes)?.into(),
            None => JObject::null(),
        })
    })
}
