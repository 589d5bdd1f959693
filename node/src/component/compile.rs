//! `componentCompile(bytes)`: a component compiled off the JS thread, as
//! the JS API's `compile` does for modules.

use super::handles::{external, Handle};
use crate::js::{call, call0, callback, Env, JsResult, Value};
use kiln::component::Component;
use napi::sys;
use std::ffi::c_void;

struct CompileWork {
    bytes: Option<Vec<u8>>,
    result: Option<kiln::Result<Component>>,
    deferred: sys::napi_deferred,
    work: sys::napi_async_work,
}

unsafe extern "C" fn execute(_env: sys::napi_env, data: *mut c_void) {
    // SAFETY: `data` is the `CompileWork` queued by `component_compile`; the
    // pool thread has it to itself until `complete`.
    let work = unsafe { &mut *(data as *mut CompileWork) };
    if let Some(bytes) = work.bytes.take() {
        let engine = &crate::store::engines().plain;
        work.result = Some(Component::new(engine, bytes));
    }
}

unsafe extern "C" fn complete(env: sys::napi_env, _status: sys::napi_status, data: *mut c_void) {
    // SAFETY: as above; back on the JS thread, the work is finished and ours.
    let mut work = unsafe { Box::from_raw(data as *mut CompileWork) };
    let env = Env(env);
    let result = work.result.take();
    let settle = || -> JsResult<()> {
        match result {
            Some(Ok(component)) => {
                let handle = external(env, Handle::Component(component))?;
                call0!(env, napi_resolve_deferred(work.deferred, handle))
            }
            outcome => {
                let err = match outcome {
                    Some(Err(e)) => e,
                    _ => kiln::Error::msg("the compilation was cancelled"),
                };
                let crate::js::Thrown = super::throw_error(env, err);
                let error = env.take_exception().unwrap_or(std::ptr::null_mut());
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

/// `componentCompile(bytes)`: a Promise of a component handle, compiled
/// off the JS thread.
pub(crate) unsafe extern "C" fn component_compile(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let bytes = super::component_bytes(env, ci.arg(0))?;
        let mut deferred = std::ptr::null_mut();
        let promise = call!(env, napi_create_promise(&mut deferred))?;
        let work = Box::into_raw(Box::new(CompileWork {
            bytes: Some(bytes),
            result: None,
            deferred,
            work: std::ptr::null_mut(),
        }));
        let name = env.string("kiln-wasm component compile")?;
        let created = call!(
            env,
            napi_create_async_work(
                std::ptr::null_mut(),
                name,
                Some(execute),
                Some(complete),
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
        // SAFETY: `work` is live until `complete` frees it.
        unsafe { (*work).work = async_work };
        call0!(env, napi_queue_async_work(async_work))?;
        Ok(promise)
    })
}
