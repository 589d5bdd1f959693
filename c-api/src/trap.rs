//! Traps and their frames.

use crate::byte_vec::{wasm_byte_vec_t, wasm_message_t};
use crate::guard;
use crate::instance::wasm_instance_t;
use crate::reference::{wasm_ref_t, RefKind, TrapObject, TrapTrace};
use crate::store::wasm_store_t;
use kiln::{FrameInfo, Instance};
use std::sync::Arc;

/// Why a call failed: a message and the wasm frames, innermost first.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_trap_t {
    pub(crate) r: wasm_ref_t,
}

declare_ref!(wasm_trap_t, trap, r, |r| matches!(
    r.which,
    RefKind::Trap(_)
));

/// The trap a host callback returned, carried inside the [`kiln::Error`]
/// that unwinds through wasm, so the call that entered wasm hands the same
/// trap object back to C.
#[derive(Clone)]
pub(crate) struct HostTrap(Arc<TrapObject>);

impl std::fmt::Display for HostTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::fmt::Debug for HostTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HostTrap({:?})", self.0.message)
    }
}

impl std::error::Error for HostTrap {}

impl wasm_trap_t {
    fn new(store: *mut wasm_store_t, object: Arc<TrapObject>) -> Box<wasm_trap_t> {
        Box::new(wasm_trap_t {
            r: wasm_ref_t::new(store, RefKind::Trap(object)),
        })
    }

    /// A trap describing `err`: the trap a host callback returned, when
    /// `err` carries one (see [`HostTrap`]); else its trap's message and
    /// frames, or for other errors (link failures, wrong arguments) just
    /// the message. `store` may
    /// be null when there is none; frames then name no instance.
    pub(crate) fn from_error(
        store: *mut wasm_store_t,
        err: &kiln::Error,
        origin: Option<Instance>,
    ) -> Box<wasm_trap_t> {
        // The very trap a host callback returned, so that the caller sees
        // the object the callback made.
        let trace = TrapTrace {
            frames: err.trap().map_or_else(Vec::new, |t| t.backtrace().to_vec()),
            origin: origin.filter(|_| !store.is_null()),
        };
        if let Some(host) = err.downcast_ref::<HostTrap>() {
            // A trap returned again keeps the backtrace it first got.
            let _ = host.0.trace.set(trace);
            return wasm_trap_t::new(store, host.0.clone());
        }
        let object = TrapObject {
            trace: trace.into(),
            code: err.trap().map(|t| t.code()),
            exit_status: err.i32_exit(),
            ..TrapObject::new(err.to_string())
        };
        wasm_trap_t::new(store, Arc::new(object))
    }

    /// The trap as an error a host function returns, carrying the trap
    /// object itself up through wasm.
    pub(crate) fn to_error(&self) -> kiln::Error {
        match &self.r.which {
            RefKind::Trap(object) => kiln::Error::host(HostTrap(object.clone())),
            _ => unreachable!("a trap is always a trap"),
        }
    }

    pub(crate) fn object(&self) -> &TrapObject {
        match &self.r.which {
            RefKind::Trap(t) => t,
            _ => unreachable!("a trap is always a trap"),
        }
    }

    pub(crate) fn message(&self) -> &str {
        &self.object().message
    }

    fn frame(&self, info: &FrameInfo) -> Box<wasm_frame_t> {
        Box::new(wasm_frame_t {
            func_index: info.func_index,
            func_name: info.func_name.clone(),
            module_name: info.module_name.clone(),
            func_offset: info.func_offset.unwrap_or(0),
            module_offset: info.module_offset.unwrap_or(0),
            instance: self
                .object()
                .origin()
                .map(|i| Box::new(wasm_instance_t::new(self.r.store, i))),
        })
    }
}

/// One wasm frame of a trap's backtrace.
#[derive(Clone)]
pub struct wasm_frame_t {
    func_index: u32,
    pub(crate) func_name: Option<String>,
    pub(crate) module_name: Option<String>,
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
    store: *mut wasm_store_t,
    message: Option<&wasm_message_t>,
) -> Option<Box<wasm_trap_t>> {
    guard(None, || {
        // SAFETY: `message` is a valid byte vector.
        let bytes = message.map_or(&[][..], |m| unsafe { m.as_slice() });
        let bytes = bytes.strip_suffix(b"\0").unwrap_or(bytes);
        let message = String::from_utf8_lossy(bytes).into_owned();
        Some(wasm_trap_t::new(store, Arc::new(TrapObject::new(message))))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_message(trap: Option<&wasm_trap_t>, out: *mut wasm_message_t) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let mut bytes = trap.map_or_else(Vec::new, |t| t.message().as_bytes().to_vec());
        bytes.push(0);
        // SAFETY: `out` is writable storage for a vector.
        unsafe { out.write(wasm_byte_vec_t::from_vec(bytes)) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_origin(trap: Option<&wasm_trap_t>) -> Option<Box<wasm_frame_t>> {
    guard(None, || {
        let trap = trap?;
        Some(trap.frame(trap.object().frames().first()?))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_trace(trap: Option<&wasm_trap_t>, out: *mut wasm_frame_vec_t) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let frames = trap.map_or_else(Vec::new, |t| {
            t.object()
                .frames()
                .iter()
                .map(|f| Some(t.frame(f)))
                .collect()
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
