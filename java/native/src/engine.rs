//! `dev.kiln.Engine`: compilation settings and the engine they make.

use crate::errors::{run, Failure};
use crate::handles::{borrow, free, into_handle};
use jni::objects::{JClass, JString};
use jni::sys::{jboolean, jint, jlong};
use jni::JNIEnv;

/// The features `Config` can switch, in the bit order of `Config.FEATURE_*`.
const FEATURES: [fn(&mut kiln::Config, bool) -> &mut kiln::Config; 12] = [
    kiln::Config::wasm_multi_value,
    kiln::Config::wasm_bulk_memory,
    kiln::Config::wasm_reference_types,
    kiln::Config::wasm_simd,
    kiln::Config::wasm_sign_extension,
    kiln::Config::wasm_saturating_float_to_int,
    kiln::Config::wasm_mutable_global,
    kiln::Config::wasm_multi_memory,
    kiln::Config::wasm_extended_const,
    kiln::Config::wasm_memory64,
    kiln::Config::wasm_threads,
    kiln::Config::wasm_custom_page_sizes,
];

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_kiln_Engine_newEngine(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    features_set: jlong,
    features_on: jlong,
    consume_fuel: jboolean,
    epoch_interruption: jboolean,
    max_wasm_stack: jlong,
    opt_level: jint,
    cache_dir: JString<'_>,
) -> jlong {
    run(&mut env, |env| {
        let mut config = kiln::Config::new();
        for (bit, set) in FEATURES.iter().enumerate() {
            if features_set & (1 << bit) != 0 {
                set(&mut config, features_on & (1 << bit) != 0);
            }
        }
        config.consume_fuel(consume_fuel != 0);
        config.epoch_interruption(epoch_interruption != 0);
        if max_wasm_stack > 0 {
            config.max_wasm_stack(max_wasm_stack as usize);
        }
        config.cranelift_opt_level(match opt_level {
            0 => kiln::OptLevel::None,
            1 => kiln::OptLevel::Speed,
            2 => kiln::OptLevel::SpeedAndSize,
            other => {
                return Err(Failure::Argument(format!(
                    "unknown optimisation level {other}"
                )))
            }
        });
        if !cache_dir.is_null() {
            let dir: String = env.get_string(&cache_dir)?.into();
            config.cache(Some(kiln::CacheConfig::new(dir)));
        }
        Ok(into_handle(kiln::Engine::new(&config)?))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Engine_free(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `Engine`'s cleaner frees its handle once, when no
    // method uses it.
    unsafe { free::<kiln::Engine>(handle) }
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Engine_incrementEpoch(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `Engine` is acquired for this call.
    unsafe { borrow::<kiln::Engine>(handle) }.increment_epoch();
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Engine_currentEpoch(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) -> jlong {
    // SAFETY: the Java `Engine` is acquired for this call.
    unsafe { borrow::<kiln::Engine>(handle) }.current_epoch() as jlong
}
