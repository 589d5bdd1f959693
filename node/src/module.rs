//! Compiled modules: `Module`, `validate`, `compile` and serialization.

use crate::func::throw_kiln_error;
use crate::globals::{throw, ErrorClass};
use crate::js::{call, call0, callback, Env, JsResult, Value};
use crate::store::engines;
use napi::sys;
use std::ffi::c_void;
use std::sync::OnceLock;

/// What a JS `Module` holds: the code compiled for plain instances, and
/// (made on first need) for instances with fuel or a timeout.
pub(crate) struct ModuleHandle {
    /// The binary, when the module was compiled from one (not deserialized).
    bytes: Option<Vec<u8>>,
    pub plain: kiln::Module,
    metered: OnceLock<kiln::Module>,
}

impl ModuleHandle {
    /// The module compiled for `engine` (one of the two engines).
    pub fn for_engine(&self, env: Env, metered: bool) -> JsResult<&kiln::Module> {
        if !metered {
            return Ok(&self.plain);
        }
        if let Some(m) = self.metered.get() {
            return Ok(m);
        }
        let Some(bytes) = &self.bytes else {
            return Err(env.throw_type_error(
                "a deserialized module can only be instantiated without fuel or a timeout",
            ));
        };
        let module = kiln::Module::from_binary(&engines().metered, bytes)
            .map_err(|e| throw_kiln_error(env, e))?;
        Ok(self.metered.get_or_init(|| module))
    }
}

unsafe extern "C" fn finalize_module(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the `ModuleHandle` boxed by `module_external`, finalized once.
    drop(unsafe { Box::from_raw(data as *mut ModuleHandle) });
}

fn module_external(env: Env, handle: ModuleHandle) -> JsResult<Value> {
    let data = Box::into_raw(Box::new(handle));
    env.external(data as *mut c_void, finalize_module)
        .inspect_err(|_| {
            // SAFETY: the external was not made, so nothing else owns `data`.
            drop(unsafe { Box::from_raw(data) });
        })
}

/// The `ModuleHandle` of an external made by `module_external`.
pub(crate) fn module_handle<'a>(env: Env, v: Value) -> JsResult<&'a ModuleHandle> {
    let ptr = env.external_value(v)?;
    // SAFETY: the JS layer passes only externals made by `module_external`,
    // which live while the JS `Module` holding them does.
    Ok(unsafe { &*(ptr as *const ModuleHandle) })
}

/// The JS API's limit on the size of a module ("Limits" in the JS API): a
/// larger one is not valid, and compiling it is a `CompileError`.
const MAX_MODULE_BYTES: usize = 1 << 30;

/// The bytes of a `BufferSource` argument in place, or a TypeError.
///
/// # Safety
///
/// As for [`Env::buffer_source`]: no JS may run while the slice lives.
unsafe fn bytes_in_place<'a>(env: Env, v: Value) -> JsResult<&'a [u8]> {
    // SAFETY: the caller's guarantee.
    unsafe { env.buffer_source(v) }?.ok_or_else(|| {
        env.throw_type_error(
            "expected a BufferSource (an ArrayBuffer or a typed array) of wasm bytes",
        )
    })
}

fn too_large(len: usize) -> String {
    format!("the module is {len} bytes long; modules may be at most {MAX_MODULE_BYTES} bytes")
}

/// A copy of the bytes of a module to compile: a TypeError if `v` is not a
/// `BufferSource`, a `CompileError` if the module is too large to compile.
fn module_bytes(env: Env, v: Value) -> JsResult<Vec<u8>> {
    // SAFETY: the bytes are checked and copied before any JS runs.
    let bytes = unsafe { bytes_in_place(env, v) }?;
    if bytes.len() > MAX_MODULE_BYTES {
        return Err(throw(env, ErrorClass::Compile, &too_large(bytes.len())));
    }
    Ok(bytes.to_vec())
}

fn compile(bytes: Vec<u8>) -> kiln::Result<ModuleHandle> {
    // Only the binary format: the JS API does not compile text.
    let plain = kiln::Module::from_binary(&engines().plain, &bytes)?;
    Ok(ModuleHandle {
        bytes: Some(bytes),
        plain,
        metered: OnceLock::new(),
    })
}

/// `moduleNew(bytes)`: compiles synchronously.
pub(crate) unsafe extern "C" fn module_new(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let bytes = module_bytes(env, ci.arg(0))?;
        let handle = compile(bytes).map_err(|e| throw_kiln_error(env, e))?;
        module_external(env, handle)
    })
}

/// `validate(bytes)`.
pub(crate) unsafe extern "C" fn validate(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        // SAFETY: validation runs no JS, and the slice is not used after it.
        let bytes = unsafe { bytes_in_place(env, ci.arg(0)) }?;
        let ok = bytes.len() <= MAX_MODULE_BYTES
            && bytes.starts_with(b"\0asm")
            && kiln::Module::validate(&engines().plain, bytes).is_ok();
        env.boolean(ok)
    })
}

/// A compilation running on Node's thread pool.
struct CompileWork {
    bytes: Option<Vec<u8>>,
    result: Option<kiln::Result<ModuleHandle>>,
    deferred: sys::napi_deferred,
    work: sys::napi_async_work,
}

unsafe extern "C" fn compile_execute(_env: sys::napi_env, data: *mut c_void) {
    // SAFETY: `data` is the `CompileWork` queued by `module_compile`; the pool
    // thread has it to itself until `compile_complete`.
    let work = unsafe { &mut *(data as *mut CompileWork) };
    if let Some(bytes) = work.bytes.take() {
        work.result = Some(compile(bytes));
    }
}

unsafe extern "C" fn compile_complete(
    env: sys::napi_env,
    _status: sys::napi_status,
    data: *mut c_void,
) {
    // SAFETY: as above; back on the JS thread, the work is finished and ours.
    let mut work = unsafe { Box::from_raw(data as *mut CompileWork) };
    let env = Env(env);
    let result = work.result.take();
    let settle = || -> JsResult<()> {
        match result {
            Some(Ok(handle)) => {
                let external = module_external(env, handle)?;
                call0!(env, napi_resolve_deferred(work.deferred, external))
            }
            outcome => {
                let message = match outcome {
                    Some(Err(e)) => e.to_string(),
                    _ => "the compilation was cancelled".to_string(),
                };
                let constructor = crate::globals::get(env, |g| g.compile_error)?;
                let message = env.string(&message)?;
                let error = env.new_instance(constructor, &[message])?;
                call0!(env, napi_reject_deferred(work.deferred, error))
            }
        }
    };
    if settle().is_err() {
        if let Some(exception) = env.take_exception() {
            // SAFETY: the deferred has not been settled (settling failed).
            unsafe { sys::napi_reject_deferred(env.0, work.deferred, exception) };
        }
    }
    // SAFETY: the work item is complete and deleted once.
    unsafe { sys::napi_delete_async_work(env.0, work.work) };
}

/// `moduleCompile(bytes)`: a Promise of a module handle, compiled off the
/// JS thread.
pub(crate) unsafe extern "C" fn module_compile(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let bytes = module_bytes(env, ci.arg(0))?;
        let mut deferred = std::ptr::null_mut();
        let promise = call!(env, napi_create_promise(&mut deferred))?;
        let work = Box::into_raw(Box::new(CompileWork {
            bytes: Some(bytes),
            result: None,
            deferred,
            work: std::ptr::null_mut(),
        }));
        let name = env.string("kiln-wasm compile")?;
        let created = call!(
            env,
            napi_create_async_work(
                std::ptr::null_mut(),
                name,
                Some(compile_execute),
                Some(compile_complete),
                work as *mut c_void
            )
        );
        let async_work = match created {
            Ok(w) => w,
            Err(thrown) => {
                // SAFETY: the work item was not made, so `work` is still ours.
                drop(unsafe { Box::from_raw(work) });
                return Err(thrown);
            }
        };
        // SAFETY: `work` is live until `compile_complete` frees it.
        unsafe { (*work).work = async_work };
        call0!(env, napi_queue_async_work(async_work))?;
        Ok(promise)
    })
}

fn kind_name(ty: &kiln::ExternType) -> &'static str {
    match ty {
        kiln::ExternType::Func(_) => "function",
        kiln::ExternType::Memory(_) => "memory",
        kiln::ExternType::Table(_) => "table",
        kiln::ExternType::Global(_) => "global",
    }
}

/// An array of objects, one per row, each with the row's string properties.
fn descriptors<'a, const N: usize>(
    env: Env,
    rows: impl ExactSizeIterator<Item = [(&'a str, &'a str); N]>,
) -> JsResult<Value> {
    let array = env.array(rows.len())?;
    for (i, row) in rows.enumerate() {
        let o = env.object()?;
        for (key, value) in row {
            env.set_named(o, key, env.string(value)?)?;
        }
        env.set_element(array, i as u32, o)?;
    }
    Ok(array)
}

/// `moduleImports(handle)`: `[{module, name, kind}]` in order.
pub(crate) unsafe extern "C" fn module_imports(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let module = &module_handle(env, ci.arg(0))?.plain;
        let imports: Vec<kiln::ImportType> = module.imports().collect();
        descriptors(
            env,
            imports.iter().map(|i| {
                [
                    ("module", i.module()),
                    ("name", i.name()),
                    ("kind", kind_name(i.ty())),
                ]
            }),
        )
    })
}

/// `moduleExports(handle)`: `[{name, kind}]` in order.
pub(crate) unsafe extern "C" fn module_exports(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let module = &module_handle(env, ci.arg(0))?.plain;
        let exports: Vec<kiln::ExportType> = module.exports().collect();
        descriptors(
            env,
            exports
                .iter()
                .map(|e| [("name", e.name()), ("kind", kind_name(e.ty()))]),
        )
    })
}

/// `moduleCustomSections(handle, name)`: a new ArrayBuffer per section.
///
/// The JS API compares each section's name, decoded from UTF-8, with `name`
/// as JS strings, code unit by code unit. Names in a valid module are valid
/// UTF-8, so a `name` holding a lone surrogate matches none (converting it
/// to UTF-8 would make the surrogate U+FFFD and match a name holding that).
pub(crate) unsafe extern "C" fn module_custom_sections(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let module = &module_handle(env, ci.arg(0))?.plain;
        let array = env.array(0)?;
        let Ok(name) = String::from_utf16(&env.get_string_utf16(ci.arg(1))?) else {
            return Ok(array);
        };
        for (i, data) in module.custom_sections(&name).enumerate() {
            let view = env.uint8_array(data)?;
            let buffer = env.named(view, "buffer")?;
            env.set_element(array, i as u32, buffer)?;
        }
        Ok(array)
    })
}

/// `moduleSerialize(handle)`: the compiled module as a Uint8Array.
pub(crate) unsafe extern "C" fn module_serialize(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let module = &module_handle(env, ci.arg(0))?.plain;
        let bytes = module.serialize().map_err(|e| throw_kiln_error(env, e))?;
        env.uint8_array(&bytes)
    })
}

/// `moduleDeserialize(bytes)`: a module from `moduleSerialize`'s bytes.
pub(crate) unsafe extern "C" fn module_deserialize(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        // SAFETY: the bytes are read before any JS runs, and not after.
        let bytes = unsafe { bytes_in_place(env, ci.arg(0)) }?;
        // SAFETY: `Module.deserialize` is documented to take only bytes from
        // `Module.prototype.serialize` of a trusted Kiln; format, version and
        // configuration mismatches are detected and refused.
        let plain = unsafe { kiln::Module::deserialize(&engines().plain, bytes) }
            .map_err(|e| throw(env, ErrorClass::Compile, &e.to_string()))?;
        module_external(
            env,
            ModuleHandle {
                bytes: None,
                plain,
                metered: OnceLock::new(),
            },
        )
    })
}

/// `wat2wasm(text)`: the binary of a module in the text format.
pub(crate) unsafe extern "C" fn wat2wasm(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        if env.type_of(ci.arg(0))? != sys::ValueType::napi_string {
            return Err(env.throw_type_error("wat2wasm takes the module's text as a string"));
        }
        let text = env.get_string(ci.arg(0))?;
        let bytes = wat::parse_str(&text).map_err(|e| {
            let message = e.to_string();
            let make = || -> JsResult<Value> {
                let global = env.global()?;
                let syntax_error = env.named(global, "SyntaxError")?;
                let message = env.string(&message)?;
                env.new_instance(syntax_error, &[message])
            };
            match make() {
                Ok(error) => env.throw(error),
                Err(thrown) => thrown,
            }
        })?;
        env.uint8_array(&bytes)
    })
}
