//! `dev.kiln.Engine`: compilation settings and the engine they make.

use crate::errors::{run, Failure, JResult};
use crate::handles::{borrow, free, into_handle};
use jni::objects::{JClass, JLongArray, JString};
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
    memory_reservation: jlong,
    memory_guard_size: jlong,
    memory_reservation_for_growth: jlong,
    memory_may_move: jboolean,
    pooling: JLongArray<'_>,
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
        // Settings below zero are unset (`Config` refuses negative ones).
        if let Ok(bytes) = u64::try_from(memory_reservation) {
            config.memory_reservation(bytes);
        }
        if let Ok(bytes) = u64::try_from(memory_guard_size) {
            config.memory_guard_size(bytes);
        }
        if let Ok(bytes) = u64::try_from(memory_reservation_for_growth) {
            config.memory_reservation_for_growth(bytes);
        }
        config.memory_may_move(memory_may_move != 0);
        if !pooling.is_null() {
            config.allocation_strategy(pool(env, &pooling)?);
        }
        Ok(into_handle(kiln::Engine::new(&config)?))
    })
}

/// The pooling allocator's limits from `PoolingAllocationConfig.limits`, in
/// its index order; an entry below zero keeps the default.
fn pool(env: &mut JNIEnv<'_>, limits: &JLongArray<'_>) -> JResult<kiln::PoolingAllocationConfig> {
    let mut values = [-1i64; 7];
    if env.get_array_length(limits)? as usize != values.len() {
        return Err(Failure::Argument(
            "the pooling allocator takes 7 limits".to_string(),
        ));
    }
    env.get_long_array_region(limits, 0, &mut values)?;
    let mut pool = kiln::PoolingAllocationConfig::new();
    let count = |v: i64| u32::try_from(v).ok();
    let size = |v: i64| usize::try_from(v).ok();
    if let Some(n) = count(values[0]) {
        pool.total_core_instances(n);
    }
    if let Some(n) = count(values[1]) {
        pool.total_memories(n);
    }
    if let Some(n) = count(values[2]) {
        pool.total_tables(n);
    }
    if let Some(n) = size(values[3]) {
        pool.max_memory_size(n);
    }
    if let Some(n) = size(values[4]) {
        pool.table_elements(n);
    }
    if let Some(n) = size(values[5]) {
        pool.linear_memory_keep_resident(n);
    }
    if let Some(n) = size(values[6]) {
        pool.table_keep_resident(n);
    }
    Ok(pool)
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
pub extern "system" fn Java_dev_kiln_Engine_memoriesMayMove(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) -> jboolean {
    // SAFETY: the Java `Engine` has just made the handle and holds it.
    jboolean::from(unsafe { borrow::<kiln::Engine>(handle) }.memories_may_move())
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
