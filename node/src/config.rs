//! `configureEngine(options)`: the memory settings and the allocation
//! strategy the engines are made with, set before the first module.

use crate::js::{callback, Env, JsResult, Value};
use napi::sys;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// What `configureEngine` asked for; `None` keeps the engine's default.
#[derive(Clone, Default)]
struct Settings {
    memory_reservation: Option<u64>,
    memory_guard_size: Option<u64>,
    memory_reservation_for_growth: Option<u64>,
    memory_may_move: Option<bool>,
    pooling: Option<kiln::PoolingAllocationConfig>,
}

impl Settings {
    fn apply(&self, config: &mut kiln::Config) {
        if let Some(bytes) = self.memory_reservation {
            config.memory_reservation(bytes);
        }
        if let Some(bytes) = self.memory_guard_size {
            config.memory_guard_size(bytes);
        }
        if let Some(bytes) = self.memory_reservation_for_growth {
            config.memory_reservation_for_growth(bytes);
        }
        if let Some(enable) = self.memory_may_move {
            config.memory_may_move(enable);
        }
        if let Some(pool) = &self.pooling {
            config.allocation_strategy(pool.clone());
        }
    }
}

/// The settings `configureEngine` stored, for the engines to be made with.
static SETTINGS: Mutex<Option<Settings>> = Mutex::new(None);

/// Whether the engines' memories may move when they grow, which obliges
/// every entry into JS from wasm to detach the buffers of memories that
/// grew (see [`memories_may_move`]).
static MAY_MOVE: AtomicBool = AtomicBool::new(false);

/// Applies the stored settings to `config`, the configuration the engines
/// are made with; called once, as they are made.
pub(crate) fn apply(config: &mut kiln::Config) {
    let settings = SETTINGS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(settings) = settings {
        settings.apply(config);
    }
}

/// Records whether the engines' memories may move, as the engine made with
/// the settings says (`kiln::Engine::memories_may_move`).
pub(crate) fn set_memories_may_move(may_move: bool) {
    MAY_MOVE.store(may_move, Ordering::Relaxed);
}

/// Whether a memory may move when it grows. When one may, a buffer taken
/// before wasm grew a memory must be detached before any JS runs, not only
/// when the call into wasm returns: its bytes may be unmapped.
#[inline]
pub(crate) fn memories_may_move() -> bool {
    MAY_MOVE.load(Ordering::Relaxed)
}

/// A byte count: a non-negative integral Number (up to 2^53) or BigInt.
fn bytes(env: Env, options: Value, name: &str) -> JsResult<Option<u64>> {
    let value = env.named(options, name)?;
    let range = || env.throw_range_error(&format!("{name} must be a non-negative integer"));
    match env.type_of(value)? {
        sys::ValueType::napi_undefined => Ok(None),
        sys::ValueType::napi_bigint => {
            let n = env.get_bigint_u64(value)?.ok_or_else(range)?;
            Ok(Some(n))
        }
        sys::ValueType::napi_number => {
            let n = env.get_f64(value)?;
            if !(0.0..=9_007_199_254_740_992.0).contains(&n) || n.fract() != 0.0 {
                return Err(range());
            }
            Ok(Some(n as u64))
        }
        _ => Err(env.throw_type_error(&format!("{name} must be a number or a bigint of bytes"))),
    }
}

/// A count or size that must fit `T` (a `u32` count or a `usize` size).
fn limit<T: TryFrom<u64>>(env: Env, options: Value, name: &str) -> JsResult<Option<T>> {
    match bytes(env, options, name)? {
        None => Ok(None),
        Some(n) => T::try_from(n)
            .map(Some)
            .map_err(|_| env.throw_range_error(&format!("{name} of {n} is too large"))),
    }
}

/// `pooling`: `true` for the default limits, an object of limits, or
/// `false`/`undefined` for instances made on demand.
fn pooling(env: Env, options: Value) -> JsResult<Option<kiln::PoolingAllocationConfig>> {
    let value = env.named(options, "pooling")?;
    match env.type_of(value)? {
        sys::ValueType::napi_undefined => return Ok(None),
        sys::ValueType::napi_boolean => {
            return Ok(env
                .get_bool(value)?
                .then(kiln::PoolingAllocationConfig::new))
        }
        sys::ValueType::napi_object => {}
        _ => {
            return Err(env.throw_type_error(
                "pooling must be true, false or an object of the pooling allocator's limits",
            ))
        }
    }
    let mut pool = kiln::PoolingAllocationConfig::new();
    if let Some(n) = limit(env, value, "totalCoreInstances")? {
        pool.total_core_instances(n);
    }
    if let Some(n) = limit(env, value, "totalMemories")? {
        pool.total_memories(n);
    }
    if let Some(n) = limit(env, value, "totalTables")? {
        pool.total_tables(n);
    }
    if let Some(n) = limit(env, value, "maxMemorySize")? {
        pool.max_memory_size(n);
    }
    if let Some(n) = limit(env, value, "tableElements")? {
        pool.table_elements(n);
    }
    if let Some(n) = limit(env, value, "linearMemoryKeepResident")? {
        pool.linear_memory_keep_resident(n);
    }
    if let Some(n) = limit(env, value, "tableKeepResident")? {
        pool.table_keep_resident(n);
    }
    Ok(Some(pool))
}

fn read_settings(env: Env, options: Value) -> JsResult<Settings> {
    if env.type_of(options)? != sys::ValueType::napi_object {
        return Err(env.throw_type_error("configureEngine takes an object of options"));
    }
    let memory_may_move = env.named(options, "memoryMayMove")?;
    let memory_may_move = match env.type_of(memory_may_move)? {
        sys::ValueType::napi_undefined => None,
        sys::ValueType::napi_boolean => Some(env.get_bool(memory_may_move)?),
        _ => return Err(env.throw_type_error("memoryMayMove must be a boolean")),
    };
    Ok(Settings {
        memory_reservation: bytes(env, options, "memoryReservation")?,
        memory_guard_size: bytes(env, options, "memoryGuardSize")?,
        memory_reservation_for_growth: bytes(env, options, "memoryReservationForGrowth")?,
        memory_may_move,
        pooling: pooling(env, options)?,
    })
}

/// `configureEngine(options)`: the settings of the engines every module is
/// compiled with. They bake them in, so it must come before the first
/// module (or memory, table or global) is made; a later call replaces an
/// earlier one. Settings the engine refuses are a `RangeError` with its
/// message, at once.
pub(crate) unsafe extern "C" fn configure_engine(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let settings = read_settings(env, ci.arg(0))?;
        if crate::store::engines_made() {
            return Err(env.throw_type_error(
                "configureEngine must be called before the first module is compiled",
            ));
        }
        // Make an engine now, so that settings it refuses are refused here
        // rather than when the first module is compiled.
        let mut config = kiln::Config::new();
        settings.apply(&mut config);
        kiln::Engine::new(&config).map_err(|e| env.throw_range_error(e.message()))?;
        *SETTINGS.lock().unwrap_or_else(|e| e.into_inner()) = Some(settings);
        env.undefined()
    })
}
