//! Calls of functions of numbers, through slots shared with JS.
//!
//! An exported wasm function whose parameters and results are all numbers is
//! a JS function made by `lib/calls.js`: it converts its arguments, writes
//! them into an ArrayBuffer shared with the addon, writes the id this module
//! gave the function, and calls [`invoke_numeric`] with no arguments, which
//! reads the slots, calls wasm and writes the results back. Passing values
//! through Node-API costs a call into the engine per argument and result;
//! typed-array reads and writes are compiled inline.
//!
//! A JS function imported with a type of numbers is called the other way:
//! the host function writes the arguments into the slots and calls a
//! trampoline from `lib/calls.js`, which reads them, calls the import, and
//! writes its converted results back.

use crate::func::{call_with_timeout, throw_call_error, FuncHandle};
use crate::js::{callback, Env, JsResult, Value};
use kiln::RawFunc;
use napi::sys;
use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::rc::Rc;

/// Bytes per slot: Kiln's raw value form.
const SLOT_BYTES: usize = std::mem::size_of::<u128>();
/// Where the id of the function to call is, after the slots: the buffer
/// holds as many as a raw call passes each way, `RawFunc::MAX_VALUES`, which
/// `lib/calls.js` sizes it by (see [`slot_count`]).
const ID_OFFSET: usize = RawFunc::MAX_VALUES * SLOT_BYTES;

/// The live numeric functions, by id; an id is reused once its function is
/// collected.
struct Registry {
    funcs: Vec<Option<Registered>>,
    free: Vec<u32>,
}

/// A live numeric function: its handle, and the function prepared for raw
/// calls.
#[derive(Clone)]
struct Registered {
    handle: Rc<FuncHandle>,
    raw: RawFunc,
}

/// This thread's shared buffer and numeric functions: one thread-local, as
/// each access to one from a shared library is a call.
struct Numeric {
    /// The shared buffer's bytes (held alive by the globals).
    shared: Cell<*mut u8>,
    registry: RefCell<Registry>,
}

thread_local! {
    static NUMERIC: Numeric = const {
        Numeric {
            shared: Cell::new(std::ptr::null_mut()),
            registry: RefCell::new(Registry { funcs: Vec::new(), free: Vec::new() }),
        }
    };
}

/// The number of slots `lib/calls.js` makes the shared buffer hold, which
/// the addon exports as `numericSlots`: the engine's, so that the number
/// lives in one place.
pub(crate) fn slot_count(env: Env) -> JsResult<Value> {
    env.uint32(RawFunc::MAX_VALUES as u32)
}

/// Takes the buffer `lib/calls.js` made; `init` calls it once per thread.
pub(crate) fn init(env: Env, buffer: Value) -> JsResult<()> {
    let mut data: *mut c_void = std::ptr::null_mut();
    let mut len = 0usize;
    crate::js::call0!(env, napi_get_arraybuffer_info(buffer, &mut data, &mut len))?;
    if len < ID_OFFSET + 4 || data.is_null() {
        return Err(env.throw_type_error(&format!(
            "kiln-wasm: the shared call buffer holds {len} bytes, fewer than {} slots of \
             {SLOT_BYTES} bytes and a function id need",
            RawFunc::MAX_VALUES
        )));
    }
    // Calls hand the buffer to wasm as its slots, which must be aligned as
    // Kiln's raw values are; Node allocates ArrayBuffers with `calloc`.
    if !(data as usize).is_multiple_of(SLOT_BYTES) {
        return Err(
            env.throw_type_error("kiln-wasm: the shared call buffer is not 16-byte aligned")
        );
    }
    NUMERIC.with(|n| n.shared.set(data as *mut u8));
    Ok(())
}

/// The signature code `lib/calls.js` builds a function for ("ii:i"), if
/// `ty` can be called through the slots: the engine's raw calls take it,
/// and it has no `v128`, which JS cannot pass.
pub(crate) fn signature(ty: &kiln::FuncType) -> Option<String> {
    if !RawFunc::fits(ty) || !ty.numbers_only() {
        return None;
    }
    let code = |t: &kiln::ValType| match t {
        kiln::ValType::I32 => 'i',
        kiln::ValType::I64 => 'I',
        kiln::ValType::F32 => 'f',
        _ => 'F',
    };
    let mut s: String = ty.params().iter().map(code).collect();
    s.push(':');
    s.extend(ty.results().iter().map(code));
    Some(s)
}

/// Registers the handle `make` makes for the next free id, with `raw`, the
/// same function prepared for raw calls; returns both.
pub(crate) fn register_next(
    raw: RawFunc,
    make: impl FnOnce(u32) -> Rc<FuncHandle>,
) -> (u32, Rc<FuncHandle>) {
    NUMERIC.with(|n| {
        let mut r = n.registry.borrow_mut();
        let id = match r.free.pop() {
            Some(id) => id,
            None => {
                r.funcs.push(None);
                (r.funcs.len() - 1) as u32
            }
        };
        let handle = make(id);
        r.funcs[id as usize] = Some(Registered {
            handle: handle.clone(),
            raw,
        });
        (id, handle)
    })
}

/// Forgets function `id`, whose JS function was collected (or never made).
pub(crate) fn unregister(id: u32) {
    let handle = NUMERIC.with(|n| {
        let mut r = n.registry.borrow_mut();
        let handle = r.funcs.get_mut(id as usize).and_then(Option::take);
        if handle.is_some() {
            r.free.push(id);
        }
        handle
    });
    // Dropped outside the borrow: the last handle may free its store.
    drop(handle);
}

/// The JS function for numeric function `id`, made by `lib/calls.js` and
/// named after `index`, its index in its module.
/// Its closure holds `keepalive`, the store's keepalive array.
pub(crate) fn function(
    env: Env,
    signature: &str,
    id: u32,
    index: u32,
    keepalive: Value,
) -> JsResult<Value> {
    let make = crate::globals::get(env, |g| g.make_numeric_export)?;
    let args = [
        env.string(signature)?,
        env.uint32(id)?,
        env.uint32(index)?,
        keepalive,
    ];
    let this = env.undefined()?;
    env.call_function(this, make, &args)
}

/// The trampoline (made by `lib/calls.js`) through which wasm calls
/// `function`, imported with type `signature`.
pub(crate) fn import_trampoline(env: Env, signature: &str, function: Value) -> JsResult<Value> {
    let make = crate::globals::get(env, |g| g.make_numeric_import)?;
    let this = env.undefined()?;
    env.call_function(this, make, &[env.string(signature)?, function])
}

/// The shared buffer's bytes, once `init` has run.
fn shared(env: Env) -> JsResult<*mut u8> {
    let shared = NUMERIC.with(|n| n.shared.get());
    if shared.is_null() {
        return Err(env.throw_type_error("kiln-wasm's native addon was not initialised"));
    }
    Ok(shared)
}

/// Writes `values`, of `types`, into the shared slots.
pub(crate) fn write_shared(env: Env, values: &[u128], types: &[kiln::ValType]) -> JsResult<()> {
    // SAFETY: `shared` gives the live shared buffer.
    unsafe { store_slots(shared(env)?, values, types) };
    Ok(())
}

/// Reads `values`, of `types`, from the shared slots.
pub(crate) fn read_shared(env: Env, values: &mut [u128], types: &[kiln::ValType]) -> JsResult<()> {
    // SAFETY: as in `write_shared`.
    unsafe { load_slots(shared(env)?, values, types) };
    Ok(())
}

/// Stores `values`, of `types`, into the shared slots (the first
/// `RawFunc::MAX_VALUES`, which is all of them for a function that fits).
///
/// # Safety
/// `shared` must be the live shared buffer.
unsafe fn store_slots(shared: *mut u8, values: &[u128], types: &[kiln::ValType]) {
    let slots = shared as *mut u128;
    let n = RawFunc::MAX_VALUES;
    for (i, (value, ty)) in values.iter().zip(types).take(n).enumerate() {
        // SAFETY: `i < n`, and the buffer holds `n` slots and is 16-byte
        // aligned (both checked by `init`).
        unsafe { RawFunc::write_slot(slots.add(i), *ty, *value) };
    }
}

/// Loads `values`, of `types`, from the shared slots (as [`store_slots`]
/// stores them), each with a load of its type's width: JS stored it with
/// one, and a wider load could not be served from that store, stalling
/// until it reaches the cache.
///
/// # Safety
/// As for [`store_slots`].
unsafe fn load_slots(shared: *const u8, values: &mut [u128], types: &[kiln::ValType]) {
    let slots = shared as *const u128;
    let n = RawFunc::MAX_VALUES;
    for (i, (value, ty)) in values.iter_mut().zip(types).take(n).enumerate() {
        // SAFETY: `i < n`, and the buffer holds `n` slots and is 16-byte
        // aligned (both checked by `init`).
        *value = unsafe { RawFunc::read_slot(slots.add(i), *ty) };
    }
}

/// `invokeNumeric()`: calls the function whose id is in the shared buffer,
/// with its arguments in the slots, and leaves its results there.
///
/// The buffer itself is the call's slots: the trampoline reads every
/// argument before wasm runs and writes the results after it returns, so the
/// calls wasm makes meanwhile (which reuse the buffer) do not disturb them.
pub(crate) unsafe extern "C" fn invoke_numeric(
    env: sys::napi_env,
    _info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        // One thread-local access for both the buffer and the function. The
        // handle is cloned, so that the function outlives this call even if
        // its JS function is collected meanwhile.
        let found = NUMERIC.with(|n| {
            let shared = n.shared.get();
            if shared.is_null() {
                return None;
            }
            // SAFETY: `shared` is the start of the buffer `init` checked
            // holds at least `ID_OFFSET + 4` bytes; the globals keep it alive.
            let id = unsafe { (shared.add(ID_OFFSET) as *const u32).read_unaligned() };
            let registered = n.registry.borrow().funcs.get(id as usize).cloned();
            Some((shared, registered.flatten()))
        });
        let Some((shared, registered)) = found else {
            return Err(env.throw_type_error("kiln-wasm's native addon was not initialised"));
        };
        let Some(Registered { handle, raw }) = registered else {
            return Err(env.throw_type_error("kiln-wasm: no live exported function has this id"));
        };
        let slots = shared as *mut u128;
        let store = &handle.store;
        let called = store.with_idle(|mut cx| {
            // SAFETY: registered functions are wasm functions of numbers
            // that `RawFunc::fits`, so with at most `RawFunc::MAX_VALUES`
            // parameters and results, as many slots as the buffer holds;
            // `lib/calls.js` wrote each parameter, converted to its type,
            // into its slot; the buffer is 16-byte aligned (checked by
            // `init`) and kept alive by the globals.
            let outcome = unsafe { raw.call(&mut cx, slots) };
            (outcome, cx.memory_growths())
        });
        // A nested or metered call takes the general path.
        let (outcome, growths) = match called {
            Some(called) => called,
            None => call_with_timeout(store, |mut cx| {
                // SAFETY: as above.
                let outcome = unsafe { raw.call(&mut cx, slots) };
                (outcome, cx.memory_growths())
            })?,
        };
        store.refresh_buffers_after(env, growths)?;
        match outcome {
            Ok(()) => Ok(std::ptr::null_mut()),
            Err(err) => Err(throw_call_error(env, err)),
        }
    })
}

/// `addSlots()` (a benchmark probe, see `probes.js`): leaves the wrapping sum
/// of the i32s in slots 0 and 1 in slot 0. It is all a call through the slots
/// does besides finding the function and entering wasm: the benchmark's floor
/// under JS->wasm calls (see `lib/calls.js`).
#[cfg(feature = "bench-probes")]
pub(crate) unsafe extern "C" fn add_slots(
    env: sys::napi_env,
    _info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let slots = shared(env)? as *mut u128;
        // SAFETY: `shared` gives the live shared buffer, which holds
        // `RawFunc::MAX_VALUES` slots and is 16-byte aligned (checked by
        // `init`).
        unsafe {
            let a = RawFunc::read_slot(slots, kiln::ValType::I32) as u32;
            let b = RawFunc::read_slot(slots.add(1), kiln::ValType::I32) as u32;
            let sum = a.wrapping_add(b) as u128;
            RawFunc::write_slot(slots, kiln::ValType::I32, sum);
        }
        Ok(std::ptr::null_mut())
    })
}
