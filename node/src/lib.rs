//! The native addon behind `kiln-wasm`, the WebAssembly JavaScript API on
//! Kiln. The JavaScript half (`node/lib/`) shapes these functions into the
//! `WebAssembly`-compatible classes. Exported wasm functions are native
//! functions made here, called by JS directly, except those of numbers only,
//! which `lib/calls.js` makes (see `numeric`).

mod component;
mod config;
mod exception;
mod externals;
mod func;
mod globals;
mod instance;
mod js;
mod module;
mod numeric;
mod store;
mod values;
mod wasi;

use crate::js::{callback, Env, JsResult, Value};
use ::napi::sys;

type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> Value;

/// `init(globals)`: takes the JS objects the addon needs (see `globals`).
unsafe extern "C" fn init(env: sys::napi_env, info: sys::napi_callback_info) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        globals::init(env, ci.arg(0))?;
        env.undefined()
    })
}

const FUNCTIONS: &[(&str, Callback)] = &[
    ("init", init),
    ("validate", module::validate),
    ("moduleNew", module::module_new),
    ("moduleCompile", module::module_compile),
    ("moduleImports", module::module_imports),
    ("moduleExports", module::module_exports),
    ("moduleCustomSections", module::module_custom_sections),
    ("moduleSerialize", module::module_serialize),
    ("moduleDeserialize", module::module_deserialize),
    ("wat2wasm", module::wat2wasm),
    ("enableCompileCache", store::enable_compile_cache),
    ("configureEngine", config::configure_engine),
    ("instantiate", instance::instantiate),
    ("instanceFuel", instance::instance_fuel),
    ("instanceSetFuel", instance::instance_set_fuel),
    ("memoryNew", externals::memory_new),
    ("memoryBuffer", externals::memory_buffer),
    ("memoryByteLength", externals::memory_byte_length),
    ("memoryGrow", externals::memory_grow),
    ("tableNew", externals::table_new),
    ("tableLength", externals::table_length),
    ("tableGet", externals::table_get),
    ("tableSet", externals::table_set),
    ("tableGrow", externals::table_grow),
    ("globalNew", externals::global_new),
    ("globalGet", externals::global_get),
    ("globalSet", externals::global_set),
    ("globalType", externals::global_type),
    ("wasiImportObject", wasi::wasi_import_object),
    ("invokeNumeric", numeric::invoke_numeric),
    ("componentNew", component::component_new),
    ("componentCompile", component::component_compile),
    ("componentImports", component::component_imports),
    ("componentExports", component::component_exports),
    ("linkerNew", component::linker_new),
    ("linkerFunc", component::linker_func),
    ("linkerInstance", component::linker_instance),
    ("linkerFuncFlat", component::linker_func_flat),
    ("linkerResource", component::linker_resource),
    ("linkerUnknownTraps", component::linker_unknown_traps),
    ("linkerInstantiate", component::linker_instantiate),
    ("instanceGetFunc", component::instance_get_func),
    ("instanceGetResource", component::instance_get_resource),
    ("funcCall", component::func_call),
    ("resourceDrop", component::resource_drop),
    ("resourceInfo", component::resource_info),
    ("resourceHost", component::resource_host),
    ("flatSlots", component::flat_slots),
    ("flatMemory", component::flat_memory),
    ("flatBegin", component::flat_begin),
    ("flatCall", component::flat_call),
    ("flatFinish", component::flat_finish),
    ("flatAbandon", component::flat_abandon),
    ("flatRealloc", component::flat_realloc),
    ("flatReallocMany", component::flat_realloc_many),
    ("flatLowerHandle", component::flat_lower_handle),
    ("flatLiftHandle", component::flat_lift_handle),
];

/// The benchmark probes (`probes.js`): floors under the costs of calls
/// through the addon, registered only in builds with the `bench-probes`
/// feature (`KILN_NODE_FEATURES=bench-probes node scripts/build.js`).
#[cfg(feature = "bench-probes")]
const PROBES: &[(&str, Callback)] = &[
    ("emptyNativeCall", func::empty_native_call),
    ("callJsFunction", func::call_js_function),
    ("addSlots", numeric::add_slots),
];
#[cfg(not(feature = "bench-probes"))]
const PROBES: &[(&str, Callback)] = &[];

fn register(env: Env, exports: Value) -> JsResult<()> {
    for (name, f) in FUNCTIONS.iter().chain(PROBES) {
        let function = env.function(name, *f, std::ptr::null_mut())?;
        env.set_named(exports, name, function)?;
    }
    // How many slots the buffer of calls of numbers holds (see `numeric`).
    env.set_named(exports, "numericSlots", numeric::slot_count(env)?)
}

#[napi_derive::napi(module_exports)]
pub fn module_exports(
    exports: ::napi::bindgen_prelude::Object,
    env: ::napi::Env,
) -> ::napi::Result<()> {
    use ::napi::JsValue;
    register(Env(env.raw()), exports.raw()).map_err(|_| {
        ::napi::Error::from_reason("kiln-wasm: registering the native functions failed")
    })
}
