//! Traps and their frames.

use crate::byte_vec::{wasm_byte_vec_t, wasm_message_t};
use crate::guard;
use crate::instance::wasm_instance_t;
use crate::store::wasm_store_t;
use kiln::FrameInfo;

/// Why a call failed: a message and the wasm frames, innermost first.
#[derive(Clone)]
pub struct wasm_trap_t {
    message: String,
    frames: Vec<FrameInfo>,
    /// The instance whose export was called, which frames report as theirs.
    origin: Option<wasm_instance_t>,
}

impl wasm_trap_t {
    /// A trap describing `err`: its trap's message and frames, or for other
    /// errors (link failures, wrong arguments) just the message.
    pub(crate) fn from_error(
        _store: *mut wasm_store_t,
        err: &kiln::Error,
        origin: Option<wasm_instance_t>,
    ) -> Box<wasm_trap_t> {
        let frames = err.trap().map_or_else(Vec::new, |t| t.backtrace().to_vec());
        Box::new(wasm_trap_t {
            message: err.to_string(),
            frames,
            origin,
        })
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    fn frame(&self, info: &FrameInfo) -> Box<wasm_frame_t> {
        Box::new(wasm_frame_t {
            func_index: info.func_index,
            func_offset: info.func_offset.unwrap_or(0),
            module_offset: info.module_offset.unwrap_or(0),
            instance: self.origin.clone().map(Box::new),
        })
    }
}

/// One wasm frame of a trap's backtrace.
#[derive(Clone)]
pub struct wasm_frame_t {
    func_index: u32,
    func_offset: usize,
    module_offset: usize,
    instance: Option<Box<wasm_instance_t>>,
}

declare_vec!(
    wasm_frame_vec_t, Option<Box<wasm_frame_t>>,
    wasm_frame_vec_new_empty, wasm_frame_vec_new_uninitialized, wasm_frame_vec_new,
    wasm_frame_vec_copy, wasm_frame_vec_delete,
    uninit: None, copy: |f: &Option<Box<wasm_frame_t>>| f.clone(), drop: drop,
);

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_new(
    _store: *mut wasm_store_t,
    message: Option<&wasm_message_t>,
) -> Option<Box<wasm_trap_t>> {
    guard(None, || {
        // SAFETY: `message` is a valid byte vector.
        let bytes = message.map_or(&[][..], |m| unsafe { m.as_slice() });
        let bytes = bytes.strip_suffix(b"\0").unwrap_or(bytes);
        Some(Box::new(wasm_trap_t {
            message: String::from_utf8_lossy(bytes).into_owned(),
            frames: Vec::new(),
            origin: None,
        }))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_delete(trap: Option<Box<wasm_trap_t>>) {
    guard((), || drop(trap))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_copy(trap: Option<&wasm_trap_t>) -> Option<Box<wasm_trap_t>> {
    guard(None, || trap.map(|t| Box::new(t.clone())))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_message(trap: Option<&wasm_trap_t>, out: *mut wasm_message_t) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let mut bytes = trap.map_or_else(Vec::new, |t| t.message.as_bytes().to_vec());
        bytes.push(0);
        // SAFETY: `out` is writable storage for a vector.
        unsafe { out.write(wasm_byte_vec_t::from_vec(bytes)) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_origin(trap: Option<&wasm_trap_t>) -> Option<Box<wasm_frame_t>> {
    guard(None, || {
        let trap = trap?;
        Some(trap.frame(trap.frames.first()?))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_trace(trap: Option<&wasm_trap_t>, out: *mut wasm_frame_vec_t) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let frames = trap.map_or_else(Vec::new, |t| {
            t.frames.iter().map(|f| Some(t.frame(f))).collect()
        });
        // SAFETY: `out` is writable storage for a vector.
        unsafe { out.write(wasm_frame_vec_t::from_vec(frames)) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_delete(frame: Option<Box<wasm_frame_t>>) {
    guard((), || drop(frame))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_copy(
    frame: Option<&wasm_frame_t>,
) -> Option<Box<wasm_frame_t>> {
    guard(None, || frame.map(|f| Box::new(f.clone())))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_instance(frame: Option<&wasm_frame_t>) -> *mut wasm_instance_t {
    guard(std::ptr::null_mut(), || {
        frame
            .and_then(|f| f.instance.as_deref())
            .map_or(std::ptr::null_mut(), |i| i as *const _ as *mut _)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_index(frame: Option<&wasm_frame_t>) -> u32 {
    guard(0, || frame.map_or(0, |f| f.func_index))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_offset(frame: Option<&wasm_frame_t>) -> usize {
    guard(0, || frame.map_or(0, |f| f.func_offset))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_module_offset(frame: Option<&wasm_frame_t>) -> usize {
    guard(0, || frame.map_or(0, |f| f.module_offset))
}
