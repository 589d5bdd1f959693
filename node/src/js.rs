//! A thin layer over the raw Node-API: every call checks its status, and a
//! failure becomes a pending JavaScript exception plus `Err(Thrown)`, which
//! callbacks return as "no value" so that Node throws it.
//!
//! The addon uses the raw API rather than napi-rs's generated glue because
//! exported wasm functions are the hot path: each is a bare `napi_callback`
//! whose data pointer is its function, with nothing between Node and Kiln.

use napi::sys;
use std::ffi::{c_void, CString};
use std::ptr;

pub(crate) use sys::napi_value as Value;

/// A JavaScript exception is pending; the callback must return promptly.
#[derive(Debug)]
pub(crate) struct Thrown;

pub(crate) type JsResult<T> = Result<T, Thrown>;

/// The environment of the current call. Only valid on the JS thread, for the
/// length of the callback that received it.
#[derive(Clone, Copy)]
pub(crate) struct Env(pub(crate) sys::napi_env);

/// Turns a status into a result, making sure an exception is pending on failure.
#[inline]
fn check(env: sys::napi_env, status: sys::napi_status) -> JsResult<()> {
    if status == sys::Status::napi_ok {
        return Ok(());
    }
    fail(env, status)
}

#[cold]
fn fail(env: sys::napi_env, status: sys::napi_status) -> JsResult<()> {
    let mut pending = false;
    // SAFETY: `env` is the live environment of the current call.
    unsafe { sys::napi_is_exception_pending(env, &mut pending) };
    if !pending {
        let mut info: *const sys::napi_extended_error_info = ptr::null();
        // SAFETY: as above; `info` is only read when the call succeeds.
        let message = unsafe {
            if sys::napi_get_last_error_info(env, &mut info) == sys::Status::napi_ok
                && !info.is_null()
                && !(*info).error_message.is_null()
            {
                std::ffi::CStr::from_ptr((*info).error_message)
                    .to_string_lossy()
                    .into_owned()
            } else {
                format!("Node-API call failed with status {status}")
            }
        };
        let message = c_string(&message);
        // SAFETY: as above; the message is a valid C string.
        unsafe { sys::napi_throw_error(env, ptr::null(), message.as_ptr()) };
    }
    Err(Thrown)
}

fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).expect("NULs were replaced")
}

/// Calls a Node-API function of `env` that writes one result.
macro_rules! call {
    ($env:expr, $f:ident($($arg:expr),*)) => {{
        let mut out = std::mem::MaybeUninit::uninit();
        // SAFETY: `$env` is the live environment of the current call and the
        // arguments are valid handles of it; `out` is written on success.
        let status = unsafe { napi::sys::$f($env.0, $($arg,)* out.as_mut_ptr()) };
        $crate::js::check_status($env, status).map(|()| {
            // SAFETY: the call succeeded, so it wrote `out`.
            unsafe { out.assume_init() }
        })
    }};
}
pub(crate) use call;

/// Calls a Node-API function of `env` that writes nothing.
macro_rules! call0 {
    ($env:expr, $f:ident($($arg:expr),*)) => {{
        // SAFETY: `$env` is the live environment of the current call and the
        // arguments are valid handles of it.
        let status = unsafe { napi::sys::$f($env.0, $($arg),*) };
        $crate::js::check_status($env, status)
    }};
}
pub(crate) use call0;

#[inline]
pub(crate) fn check_status(env: Env, status: sys::napi_status) -> JsResult<()> {
    check(env.0, status)
}

/// A strong reference to any JS value (see [`Env::hold`]); the holder
/// deletes it with [`Env::delete_reference`] on `reference`.
pub(crate) struct Held {
    pub reference: sys::napi_ref,
    boxed: bool,
}

/// The arguments, receiver and data pointer of a callback.
pub(crate) struct CallInfo<const N: usize> {
    pub args: [Value; N],
    /// How many arguments the caller passed (may exceed `N`).
    pub argc: usize,
    pub data: *mut c_void,
}

impl<const N: usize> CallInfo<N> {
    /// Argument `i`, or `undefined` when fewer were passed.
    pub fn arg(&self, i: usize) -> Value {
        self.args[i]
    }
}

impl Env {
    pub fn cb_info<const N: usize>(self, info: sys::napi_callback_info) -> JsResult<CallInfo<N>> {
        let mut args = [ptr::null_mut(); N];
        let mut argc = N;
        let mut this = ptr::null_mut();
        let mut data = ptr::null_mut();
        // SAFETY: `info` is the callback info of the current call; `args` has
        // room for `argc` values (missing ones are filled with `undefined`).
        let status = unsafe {
            sys::napi_get_cb_info(
                self.0,
                info,
                &mut argc,
                args.as_mut_ptr(),
                &mut this,
                &mut data,
            )
        };
        check(self.0, status)?;
        Ok(CallInfo { args, argc, data })
    }

    pub fn undefined(self) -> JsResult<Value> {
        call!(self, napi_get_undefined())
    }

    pub fn null(self) -> JsResult<Value> {
        call!(self, napi_get_null())
    }

    pub fn global(self) -> JsResult<Value> {
        call!(self, napi_get_global())
    }

    pub fn boolean(self, b: bool) -> JsResult<Value> {
        call!(self, napi_get_boolean(b))
    }

    pub fn int32(self, v: i32) -> JsResult<Value> {
        call!(self, napi_create_int32(v))
    }

    pub fn uint32(self, v: u32) -> JsResult<Value> {
        call!(self, napi_create_uint32(v))
    }

    pub fn double(self, v: f64) -> JsResult<Value> {
        call!(self, napi_create_double(v))
    }

    pub fn bigint_i64(self, v: i64) -> JsResult<Value> {
        call!(self, napi_create_bigint_int64(v))
    }

    pub fn bigint_u64(self, v: u64) -> JsResult<Value> {
        call!(self, napi_create_bigint_uint64(v))
    }

    pub fn string(self, s: &str) -> JsResult<Value> {
        call!(
            self,
            napi_create_string_utf8(s.as_ptr() as *const _, s.len() as isize)
        )
    }

    pub fn object(self) -> JsResult<Value> {
        call!(self, napi_create_object())
    }

    pub fn array(self, len: usize) -> JsResult<Value> {
        call!(self, napi_create_array_with_length(len))
    }

    pub fn type_of(self, v: Value) -> JsResult<sys::napi_valuetype> {
        call!(self, napi_typeof(v))
    }

    pub fn array_len(self, v: Value) -> JsResult<u32> {
        call!(self, napi_get_array_length(v))
    }

    pub fn element(self, array: Value, i: u32) -> JsResult<Value> {
        call!(self, napi_get_element(array, i))
    }

    pub fn set_element(self, array: Value, i: u32, v: Value) -> JsResult<()> {
        call0!(self, napi_set_element(array, i, v))
    }

    pub fn named(self, obj: Value, name: &str) -> JsResult<Value> {
        let name = c_string(name);
        call!(self, napi_get_named_property(obj, name.as_ptr()))
    }

    pub fn set_named(self, obj: Value, name: &str, v: Value) -> JsResult<()> {
        let name = c_string(name);
        call0!(self, napi_set_named_property(obj, name.as_ptr(), v))
    }

    pub fn get_bool(self, v: Value) -> JsResult<bool> {
        call!(self, napi_get_value_bool(v))
    }

    pub fn get_i32(self, v: Value) -> JsResult<i32> {
        call!(self, napi_get_value_int32(v))
    }

    pub fn get_f64(self, v: Value) -> JsResult<f64> {
        call!(self, napi_get_value_double(v))
    }

    /// `v`'s value if it is a Number, without coercion (and without throwing).
    #[inline]
    pub fn number_i32(self, v: Value) -> Option<i32> {
        let mut out = 0;
        // SAFETY: `v` is a handle of the current call; a non-Number only
        // makes the call return a status, with no exception.
        let status = unsafe { sys::napi_get_value_int32(self.0, v, &mut out) };
        (status == sys::Status::napi_ok).then_some(out)
    }

    /// As [`Env::number_i32`], as a double.
    #[inline]
    pub fn number_f64(self, v: Value) -> Option<f64> {
        let mut out = 0.0;
        // SAFETY: as in `number_i32`.
        let status = unsafe { sys::napi_get_value_double(self.0, v, &mut out) };
        (status == sys::Status::napi_ok).then_some(out)
    }

    /// A BigInt's value modulo 2^64, as the JS API's `ToBigInt64` gives it.
    pub fn get_bigint_i64(self, v: Value) -> JsResult<i64> {
        let mut lossless = false;
        let mut out = 0i64;
        // SAFETY: `v` is a handle of the current call; both outputs are valid.
        let status =
            unsafe { sys::napi_get_value_bigint_int64(self.0, v, &mut out, &mut lossless) };
        check(self.0, status)?;
        Ok(out)
    }

    /// A BigInt's value, if it is from 0 to 2^64 - 1 (`None` otherwise).
    pub fn get_bigint_u64(self, v: Value) -> JsResult<Option<u64>> {
        let mut lossless = false;
        let mut out = 0u64;
        // SAFETY: `v` is a handle of the current call; both outputs are valid.
        let status =
            unsafe { sys::napi_get_value_bigint_uint64(self.0, v, &mut out, &mut lossless) };
        check(self.0, status)?;
        Ok(lossless.then_some(out))
    }

    /// A JS string's UTF-16 code units, exactly (a lone surrogate stays one).
    pub fn get_string_utf16(self, v: Value) -> JsResult<Vec<u16>> {
        let mut len = 0usize;
        // SAFETY: a null buffer asks for the length only.
        let status =
            unsafe { sys::napi_get_value_string_utf16(self.0, v, ptr::null_mut(), 0, &mut len) };
        check(self.0, status)?;
        let mut buf = vec![0u16; len + 1];
        // SAFETY: `buf` has room for the string and its terminating NUL.
        let status = unsafe {
            sys::napi_get_value_string_utf16(self.0, v, buf.as_mut_ptr(), len + 1, &mut len)
        };
        check(self.0, status)?;
        buf.truncate(len);
        Ok(buf)
    }

    pub fn get_string(self, v: Value) -> JsResult<String> {
        let mut len = 0usize;
        // SAFETY: a null buffer asks for the length only.
        let status =
            unsafe { sys::napi_get_value_string_utf8(self.0, v, ptr::null_mut(), 0, &mut len) };
        check(self.0, status)?;
        let mut buf = vec![0u8; len + 1];
        // SAFETY: `buf` has room for the string and its terminating NUL.
        let status = unsafe {
            sys::napi_get_value_string_utf8(
                self.0,
                v,
                buf.as_mut_ptr() as *mut _,
                len + 1,
                &mut len,
            )
        };
        check(self.0, status)?;
        buf.truncate(len);
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    /// `ToNumber(v)`, running user code (`valueOf`) as the JS API does.
    pub fn to_number(self, v: Value) -> JsResult<f64> {
        let n = call!(self, napi_coerce_to_number(v))?;
        self.get_f64(n)
    }

    /// The bytes of a `BufferSource` (an ArrayBuffer or any ArrayBuffer view)
    /// in place, or `None` when `v` is neither.
    ///
    /// # Safety
    ///
    /// No JavaScript may run while the slice lives: JS could detach, resize
    /// or free the buffer under it.
    pub unsafe fn buffer_source<'a>(self, v: Value) -> JsResult<Option<&'a [u8]>> {
        if call!(self, napi_is_arraybuffer(v))? {
            let mut data = ptr::null_mut();
            let mut len = 0usize;
            call0!(self, napi_get_arraybuffer_info(v, &mut data, &mut len))?;
            // SAFETY: Node reported `len` bytes at `data`; the caller keeps
            // JS from running while the slice lives.
            return Ok(Some(unsafe { bytes_at(data, len) }));
        }
        if call!(self, napi_is_typedarray(v))? {
            let mut ty = 0;
            let mut length = 0usize;
            let mut data = ptr::null_mut();
            let mut buffer = ptr::null_mut();
            let mut offset = 0usize;
            call0!(
                self,
                napi_get_typedarray_info(
                    v,
                    &mut ty,
                    &mut length,
                    &mut data,
                    &mut buffer,
                    &mut offset
                )
            )?;
            let element = match ty {
                sys::TypedarrayType::int16_array | sys::TypedarrayType::uint16_array => 2,
                sys::TypedarrayType::int32_array
                | sys::TypedarrayType::uint32_array
                | sys::TypedarrayType::float32_array => 4,
                sys::TypedarrayType::float64_array
                | sys::TypedarrayType::bigint64_array
                | sys::TypedarrayType::biguint64_array => 8,
                _ => 1,
            };
            // SAFETY: as above, for the view's `length` elements at `data`.
            return Ok(Some(unsafe { bytes_at(data, length * element) }));
        }
        if call!(self, napi_is_dataview(v))? {
            let mut len = 0usize;
            let mut data = ptr::null_mut();
            let mut buffer = ptr::null_mut();
            let mut offset = 0usize;
            call0!(
                self,
                napi_get_dataview_info(v, &mut len, &mut data, &mut buffer, &mut offset)
            )?;
            // SAFETY: as above, for the view's `len` bytes at `data`.
            return Ok(Some(unsafe { bytes_at(data, len) }));
        }
        Ok(None)
    }

    /// A new `Uint8Array` holding a copy of `bytes`.
    pub fn uint8_array(self, bytes: &[u8]) -> JsResult<Value> {
        let mut data: *mut c_void = ptr::null_mut();
        let buffer = call!(self, napi_create_arraybuffer(bytes.len(), &mut data))?;
        if !bytes.is_empty() {
            // SAFETY: the new buffer has `bytes.len()` writable bytes at `data`.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), data as *mut u8, bytes.len()) };
        }
        call!(
            self,
            napi_create_typedarray(sys::TypedarrayType::uint8_array, bytes.len(), buffer, 0)
        )
    }

    pub fn throw(self, error: Value) -> Thrown {
        // SAFETY: `error` is a handle of the current call.
        unsafe { sys::napi_throw(self.0, error) };
        Thrown
    }

    pub fn throw_type_error(self, message: &str) -> Thrown {
        let message = c_string(message);
        // SAFETY: the message is a valid C string.
        unsafe { sys::napi_throw_type_error(self.0, ptr::null(), message.as_ptr()) };
        Thrown
    }

    pub fn throw_range_error(self, message: &str) -> Thrown {
        let message = c_string(message);
        // SAFETY: the message is a valid C string.
        unsafe { sys::napi_throw_range_error(self.0, ptr::null(), message.as_ptr()) };
        Thrown
    }

    /// Takes the pending exception, if any.
    pub fn take_exception(self) -> Option<Value> {
        let mut pending = false;
        // SAFETY: the environment is live; `pending` is a valid output.
        unsafe { sys::napi_is_exception_pending(self.0, &mut pending) };
        if !pending {
            return None;
        }
        let mut exception = ptr::null_mut();
        // SAFETY: an exception is pending, so this clears and returns it.
        unsafe { sys::napi_get_and_clear_last_exception(self.0, &mut exception) };
        Some(exception)
    }

    /// Runs `f` in a handle scope of its own, so that the handles it makes
    /// are released when it returns (a loop of calls into JS would otherwise
    /// keep every one alive until the outer callback returns).
    pub fn in_handle_scope<R>(self, f: impl FnOnce() -> R) -> R {
        let mut scope = ptr::null_mut();
        // SAFETY: the environment is live; the scope is closed below, after
        // `f`, which made every handle opened inside it.
        unsafe { sys::napi_open_handle_scope(self.0, &mut scope) };
        let result = f();
        // SAFETY: `scope` was opened above on this environment.
        unsafe { sys::napi_close_handle_scope(self.0, scope) };
        result
    }

    /// A native function whose callback gets `data`.
    pub fn function(
        self,
        name: &str,
        cb: unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> Value,
        data: *mut c_void,
    ) -> JsResult<Value> {
        call!(
            self,
            napi_create_function(
                name.as_ptr() as *const _,
                name.len() as isize,
                Some(cb),
                data
            )
        )
    }

    pub fn call_function(self, this: Value, f: Value, args: &[Value]) -> JsResult<Value> {
        call!(self, napi_call_function(this, f, args.len(), args.as_ptr()))
    }

    pub fn new_instance(self, constructor: Value, args: &[Value]) -> JsResult<Value> {
        call!(
            self,
            napi_new_instance(constructor, args.len(), args.as_ptr())
        )
    }

    /// A reference to `v` that keeps it alive while its count is above zero.
    pub fn reference(self, v: Value, count: u32) -> JsResult<sys::napi_ref> {
        call!(self, napi_create_reference(v, count))
    }

    /// A strong reference to any value. Node-API (before version 10) refers
    /// only to objects, functions and symbols, so other values are boxed.
    pub fn hold(self, v: Value) -> JsResult<Held> {
        let boxed = !matches!(
            self.type_of(v)?,
            sys::ValueType::napi_object
                | sys::ValueType::napi_function
                | sys::ValueType::napi_symbol
        );
        let target = if boxed {
            let holder = self.object()?;
            self.set_named(holder, "value", v)?;
            holder
        } else {
            v
        };
        Ok(Held {
            reference: self.reference(target, 1)?,
            boxed,
        })
    }

    /// The value `held` holds.
    pub fn held_value(self, held: &Held) -> JsResult<Value> {
        let target = self.reference_value(held.reference)?.ok_or_else(|| {
            self.throw_type_error("internal error: a strongly held value was collected")
        })?;
        if held.boxed {
            self.named(target, "value")
        } else {
            Ok(target)
        }
    }

    /// The value of a reference, or `None` once a weak one's value is collected.
    pub fn reference_value(self, r: sys::napi_ref) -> JsResult<Option<Value>> {
        let v = call!(self, napi_get_reference_value(r))?;
        Ok((!v.is_null()).then_some(v))
    }

    pub fn delete_reference(self, r: sys::napi_ref) {
        // SAFETY: `r` is a live reference of this environment, deleted once.
        unsafe { sys::napi_delete_reference(self.0, r) };
    }

    /// Attaches `native` to `object`; `finalize` runs when `object` is collected.
    pub fn wrap(
        self,
        object: Value,
        native: *mut c_void,
        finalize: unsafe extern "C" fn(sys::napi_env, *mut c_void, *mut c_void),
    ) -> JsResult<()> {
        call0!(
            self,
            napi_wrap(
                object,
                native,
                Some(finalize),
                ptr::null_mut(),
                ptr::null_mut()
            )
        )
    }

    pub fn type_tag(self, object: Value, tag: &sys::napi_type_tag) -> JsResult<()> {
        call0!(self, napi_type_tag_object(object, tag))
    }

    /// The native object wrapped in `object` if it carries `tag`.
    pub fn unwrap_tagged(
        self,
        object: Value,
        tag: &sys::napi_type_tag,
    ) -> JsResult<Option<*mut c_void>> {
        match self.type_of(object)? {
            sys::ValueType::napi_object | sys::ValueType::napi_function => {}
            _ => return Ok(None),
        }
        if !call!(self, napi_check_object_type_tag(object, tag))? {
            return Ok(None);
        }
        call!(self, napi_unwrap(object)).map(Some)
    }

    pub fn external(
        self,
        native: *mut c_void,
        finalize: unsafe extern "C" fn(sys::napi_env, *mut c_void, *mut c_void),
    ) -> JsResult<Value> {
        call!(
            self,
            napi_create_external(native, Some(finalize), ptr::null_mut())
        )
    }

    pub fn external_value(self, v: Value) -> JsResult<*mut c_void> {
        if self.type_of(v)? != sys::ValueType::napi_external {
            return Err(self.throw_type_error("expected a handle made by kiln-wasm"));
        }
        call!(self, napi_get_value_external(v))
    }
}

/// The `len` bytes at `data` (which may be null when `len` is 0).
///
/// # Safety
///
/// `data` must point to `len` readable bytes that stay alive and unchanged
/// for `'a`.
unsafe fn bytes_at<'a>(data: *mut c_void, len: usize) -> &'a [u8] {
    if len == 0 {
        return &[];
    }
    // SAFETY: the caller's guarantee; `data` is not null since `len` > 0.
    unsafe { std::slice::from_raw_parts(data as *const u8, len) }
}

/// Runs a callback body, turning `Err(Thrown)` into the null value Node
/// expects when an exception is pending.
pub(crate) fn callback(env: sys::napi_env, body: impl FnOnce(Env) -> JsResult<Value>) -> Value {
    body(Env(env)).unwrap_or(ptr::null_mut())
}
