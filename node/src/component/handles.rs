//! The native objects behind `kiln.component`'s classes: externals tagged
//! as this module's, so that a handle of another kind (or another module's
//! external) is refused instead of misread.

use super::{CData, CStoreRef, FuncHandle, ResourceHandle};
use crate::js::{call, call0, Env, JsResult, Value};
use kiln::component::{Component, Instance, Linker, ResourceType};
use napi::sys;
use std::cell::RefCell;
use std::ffi::c_void;

/// What a component external holds.
pub(crate) enum Handle {
    Component(Component),
    Linker(RefCell<Linker<CData>>),
    Instance(CStoreRef, Instance),
    Func(Box<FuncHandle>),
    Resource(ResourceHandle),
    ResourceType(ResourceType),
}

/// The type tag of the externals made here.
static TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x6b69_6c6e_636f_6d70,
    upper: 0x6f6e_656e_7473_0001,
};

unsafe extern "C" fn finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the `Handle` boxed by `external`, finalized once.
    drop(unsafe { Box::from_raw(data as *mut Handle) });
}

/// A new external holding `h`.
pub(crate) fn external(env: Env, h: Handle) -> JsResult<Value> {
    let data = Box::into_raw(Box::new(h));
    let v = call!(
        env,
        napi_create_external(data as *mut c_void, Some(finalize), std::ptr::null_mut())
    )
    .inspect_err(|_| {
        // SAFETY: the external was not made, so nothing else owns `data`.
        drop(unsafe { Box::from_raw(data) });
    })?;
    call0!(env, napi_type_tag_object(v, &TAG))?;
    Ok(v)
}

/// The handle an external made by [`external`] holds. The reference is
/// valid while the external is alive, which the JS value `v` keeps it for
/// the callback's duration; callers use it only within the callback.
pub(crate) fn handle(env: Env, v: Value) -> JsResult<&'static Handle> {
    if env.type_of(v)? != sys::ValueType::napi_external
        || !call!(env, napi_check_object_type_tag(v, &TAG))?
    {
        return Err(env.throw_type_error("expected a handle made by kiln-wasm's component API"));
    }
    let data = call!(env, napi_get_value_external(v))?;
    // SAFETY: the tag shows `v` was made by `external`, whose data is a
    // boxed `Handle`, freed only by the finalizer, which cannot run while
    // the callback holds `v`.
    Ok(unsafe { &*(data as *const Handle) })
}
