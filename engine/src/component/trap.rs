//! The traps of the canonical ABI: each is an [`Error`] of kind
//! [`ErrorKind::Trap`](crate::ErrorKind::Trap) with a message saying which
//! rule the component broke.
//!
//! Out-of-bounds pointers carry [`TrapCode::MemoryOutOfBounds`], misaligned
//! ones [`TrapCode::HeapMisaligned`]; every other rule (invalid encodings,
//! discriminants and handles, reentrance) carries
//! [`TrapCode::HostError`], as the runtime's adapter code, not the guest's,
//! detects it.

use crate::environ::error::Error;
use crate::environ::trap::{Trap, TrapCode};

fn with_code(code: TrapCode, message: impl Into<String>) -> Error {
    Trap::new(code, message.into(), Vec::new()).into()
}

/// A broken canonical ABI rule.
#[cold]
pub(crate) fn trap(message: impl Into<String>) -> Error {
    with_code(TrapCode::HostError, message)
}

/// A pointer and length that leave the memory.
#[cold]
pub(crate) fn out_of_bounds(what: &str) -> Error {
    with_code(
        TrapCode::MemoryOutOfBounds,
        format!("{what} pointer/length out of bounds of memory"),
    )
}

/// A pointer not aligned as its type requires.
#[cold]
pub(crate) fn misaligned(what: &str, ptr: u32, align: u32) -> Error {
    with_code(
        TrapCode::HeapMisaligned,
        format!("{what} pointer {ptr:#x} is not aligned to {align} bytes"),
    )
}

/// A call into a component instance that may not be entered now.
#[cold]
pub(crate) fn cannot_enter() -> Error {
    trap("cannot enter component instance")
}

/// A call out of a component instance that may not leave now.
#[cold]
pub(crate) fn cannot_leave() -> Error {
    trap("cannot leave component instance")
}
