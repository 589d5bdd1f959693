//! Runtime environment: `wasm_config_t` and `wasm_engine_t`.

use crate::guard;
use kiln::{Config, Engine};

/// Engine settings; Kiln's defaults.
pub struct wasm_config_t {
    pub(crate) config: Config,
}

/// A compilation environment shared by stores and modules.
pub struct wasm_engine_t {
    pub(crate) engine: Engine,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_config_new() -> Option<Box<wasm_config_t>> {
    guard(None, || {
        Some(Box::new(wasm_config_t {
            config: Config::new(),
        }))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_config_delete(config: Option<Box<wasm_config_t>>) {
    guard((), || drop(config))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_engine_new() -> Option<Box<wasm_engine_t>> {
    guard(None, || {
        let engine = Engine::new(&Config::new()).ok()?;
        Some(Box::new(wasm_engine_t { engine }))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_engine_new_with_config(
    config: Option<Box<wasm_config_t>>,
) -> Option<Box<wasm_engine_t>> {
    guard(None, || {
        let config = config?;
        let engine = Engine::new(&config.config).ok()?;
        Some(Box::new(wasm_engine_t { engine }))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_engine_delete(engine: Option<Box<wasm_engine_t>>) {
    guard((), || drop(engine))
}
