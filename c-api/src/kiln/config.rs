//! Engine settings beyond `wasm_config_new`'s defaults: WebAssembly
//! features, resource control, stack size and optimisation.

use crate::engine::wasm_config_t;
use crate::guard;

/// How hard the code generator optimises (`kiln_config_opt_level_set`).
pub type kiln_opt_level_t = u8;
/// No optimisation: the fastest compilation.
pub const KILN_OPT_LEVEL_NONE: kiln_opt_level_t = 0;
/// Optimise for speed (the default).
pub const KILN_OPT_LEVEL_SPEED: kiln_opt_level_t = 1;
/// Optimise for speed and code size.
pub const KILN_OPT_LEVEL_SPEED_AND_SIZE: kiln_opt_level_t = 2;

/// Declares `kiln_config_<name>_set(config, enable)` for a boolean setting.
macro_rules! bool_setting {
    ($(#[$doc:meta])* $c_name:ident => $method:ident) => {
        $(#[$doc])*
        #[no_mangle]
        pub unsafe extern "C" fn $c_name(config: Option<&mut wasm_config_t>, enable: bool) {
            guard((), || {
                if let Some(config) = config {
                    config.config.$method(enable);
                }
            })
        }
    };
}

bool_setting!(
    /// Multiple results and block parameters (on by default).
    kiln_config_wasm_multi_value_set => wasm_multi_value
);
bool_setting!(
    /// Bulk memory and table operations (on by default).
    kiln_config_wasm_bulk_memory_set => wasm_bulk_memory
);
bool_setting!(
    /// `funcref`/`externref` values and multiple tables (on by default).
    kiln_config_wasm_reference_types_set => wasm_reference_types
);
bool_setting!(
    /// 128-bit SIMD (on by default).
    kiln_config_wasm_simd_set => wasm_simd
);
bool_setting!(
    /// Sign-extension operators (on by default).
    kiln_config_wasm_sign_extension_set => wasm_sign_extension
);
bool_setting!(
    /// Non-trapping float-to-int conversions (on by default).
    kiln_config_wasm_saturating_float_to_int_set => wasm_saturating_float_to_int
);
bool_setting!(
    /// Import and export of mutable globals (on by default).
    kiln_config_wasm_mutable_global_set => wasm_mutable_global
);
bool_setting!(
    /// More than one memory per module (off by default).
    kiln_config_wasm_multi_memory_set => wasm_multi_memory
);
bool_setting!(
    /// Extended constant expressions (off by default).
    kiln_config_wasm_extended_const_set => wasm_extended_const
);
bool_setting!(
    /// Fuel metering (off by default): compiled code consumes fuel as it
    /// runs and traps once the store's fuel is gone. A store starts with no
    /// fuel; give it some with `kiln_store_set_fuel`.
    kiln_config_consume_fuel_set => consume_fuel
);
bool_setting!(
    /// Epoch interruption (off by default): compiled code traps once the
    /// engine's epoch (`kiln_engine_increment_epoch`) reaches the store's
    /// deadline (`kiln_store_set_epoch_deadline`).
    kiln_config_epoch_interruption_set => epoch_interruption
);

/// The most stack, in bytes, wasm may use before it traps (512 KiB by
/// default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_max_wasm_stack_set(
    config: Option<&mut wasm_config_t>,
    bytes: usize,
) {
    guard((), || {
        if let Some(config) = config {
            config.config.max_wasm_stack(bytes);
        }
    })
}

/// How hard the code generator optimises (`KILN_OPT_LEVEL_*`); an unknown
/// level is ignored.
#[no_mangle]
pub unsafe extern "C" fn kiln_config_opt_level_set(
    config: Option<&mut wasm_config_t>,
    level: kiln_opt_level_t,
) {
    guard((), || {
        let level = match level {
            KILN_OPT_LEVEL_NONE => kiln::OptLevel::None,
            KILN_OPT_LEVEL_SPEED => kiln::OptLevel::Speed,
            KILN_OPT_LEVEL_SPEED_AND_SIZE => kiln::OptLevel::SpeedAndSize,
            _ => return,
        };
        if let Some(config) = config {
            config.config.cranelift_opt_level(level);
        }
    })
}
