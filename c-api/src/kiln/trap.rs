//! What kind of trap a `wasm_trap_t` is, and WASI exit statuses.

use crate::byte_vec::{wasm_byte_vec_t, wasm_message_t};
use crate::guard;
use crate::trap::{wasm_frame_t, wasm_trap_t};

/// Why wasm trapped (`kiln_trap_code`): the engine's stable trap numbers.
pub type kiln_trap_code_t = u8;
/// The call stack grew past the configured maximum.
pub const KILN_TRAP_CODE_STACK_OVERFLOW: kiln_trap_code_t = 0;
/// A load or store outside linear memory.
pub const KILN_TRAP_CODE_MEMORY_OUT_OF_BOUNDS: kiln_trap_code_t = 1;
/// A table access outside the table's bounds.
pub const KILN_TRAP_CODE_TABLE_OUT_OF_BOUNDS: kiln_trap_code_t = 2;
/// `call_indirect` on an index past the end of the table.
pub const KILN_TRAP_CODE_UNDEFINED_ELEMENT: kiln_trap_code_t = 3;
/// `call_indirect` on a null table element.
pub const KILN_TRAP_CODE_UNINITIALIZED_ELEMENT: kiln_trap_code_t = 4;
/// `call_indirect` whose callee has another signature.
pub const KILN_TRAP_CODE_INDIRECT_CALL_TYPE_MISMATCH: kiln_trap_code_t = 5;
/// Integer overflow.
pub const KILN_TRAP_CODE_INTEGER_OVERFLOW: kiln_trap_code_t = 6;
/// Integer division or remainder by zero.
pub const KILN_TRAP_CODE_INTEGER_DIVISION_BY_ZERO: kiln_trap_code_t = 7;
/// Conversion of NaN to an integer.
pub const KILN_TRAP_CODE_BAD_CONVERSION_TO_INTEGER: kiln_trap_code_t = 8;
/// The `unreachable` instruction.
pub const KILN_TRAP_CODE_UNREACHABLE: kiln_trap_code_t = 9;
/// A null reference was dereferenced.
pub const KILN_TRAP_CODE_NULL_REFERENCE: kiln_trap_code_t = 10;
/// A host function returned a trap.
pub const KILN_TRAP_CODE_HOST_ERROR: kiln_trap_code_t = 11;
/// The store's fuel ran out.
pub const KILN_TRAP_CODE_OUT_OF_FUEL: kiln_trap_code_t = 12;
/// The store's epoch deadline passed.
pub const KILN_TRAP_CODE_INTERRUPT: kiln_trap_code_t = 13;
/// An atomic access at an address that is not a multiple of its size.
pub const KILN_TRAP_CODE_HEAP_MISALIGNED: kiln_trap_code_t = 14;
/// `memory.atomic.wait32` or `wait64` on a memory that is not shared.
pub const KILN_TRAP_CODE_ATOMIC_WAIT_NON_SHARED_MEMORY: kiln_trap_code_t = 15;

/// Whether the trap was raised by wasm code (not made by `wasm_trap_new`
/// or by a failed call or link); if so, writes its code to `code`.
#[no_mangle]
pub unsafe extern "C" fn kiln_trap_code(
    trap: Option<&wasm_trap_t>,
    code: Option<&mut kiln_trap_code_t>,
) -> bool {
    guard(false, || match trap.and_then(|t| t.object().code) {
        Some(c) => {
            if let Some(code) = code {
                *code = c.number();
            }
            true
        }
        None => false,
    })
}

/// Whether the trap is a WASI program's exit (`proc_exit`), which is how a
/// call to a WASI command's `_start` ends; if so, writes the exit status to
/// `status`.
#[no_mangle]
pub unsafe extern "C" fn kiln_trap_exit_status(
    trap: Option<&wasm_trap_t>,
    status: Option<&mut i32>,
) -> bool {
    guard(false, || match trap.and_then(|t| t.object().exit_status) {
        Some(s) => {
            if let Some(status) = status {
                *status = s;
            }
            true
        }
        None => false,
    })
}

/// Writes the trap's text as Wasmtime gives it, null-terminated, to `out`
/// (owned by the caller): for a trap that unwound wasm, its backtrace
/// ("error while executing at wasm backtrace:" and a line per frame), then
/// "Caused by:" and the cause, which is "wasm trap: " and Wasmtime's
/// wording of the code for wasm's own traps, the message for a host
/// function's. A trap without frames is its cause alone; a WASI program's
/// exit is "Exited with i32 exit status N". Bindings shaped like Wasmtime's
/// show this where Wasmtime's users expect it.
#[no_mangle]
pub unsafe extern "C" fn kiln_trap_report(trap: Option<&wasm_trap_t>, out: *mut wasm_message_t) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let text = trap.map_or_else(String::new, |t| {
            let object = t.object();
            if let Some(status) = object.exit_status {
                return kiln::wasmtime_exit_message(status);
            }
            kiln::wasmtime_trap_text(object.code, &object.message, object.frames())
        });
        let mut bytes = text.into_bytes();
        bytes.push(0);
        // SAFETY: `out` is writable storage for a vector.
        unsafe { out.write(wasm_byte_vec_t::from_vec(bytes)) }
    })
}

/// Writes `name` to `out` (owned by the caller, not null-terminated) if
/// there is one.
fn write_name(name: Option<&String>, out: *mut wasm_byte_vec_t) -> bool {
    match name {
        Some(name) if !out.is_null() => {
            // SAFETY: `out` is writable storage for a vector.
            unsafe { out.write(wasm_byte_vec_t::from_vec(name.as_bytes().to_vec())) };
            true
        }
        _ => false,
    }
}

/// Whether the frame's function has a name in its module's name section;
/// if so, writes it (not null-terminated) to `out`, owned by the caller.
#[no_mangle]
pub unsafe extern "C" fn kiln_frame_func_name(
    frame: Option<&wasm_frame_t>,
    out: *mut wasm_byte_vec_t,
) -> bool {
    guard(false, || {
        write_name(frame.and_then(|f| f.func_name.as_ref()), out)
    })
}

/// Whether the frame's module has a name in its name section; if so,
/// writes it (not null-terminated) to `out`, owned by the caller.
#[no_mangle]
pub unsafe extern "C" fn kiln_frame_module_name(
    frame: Option<&wasm_frame_t>,
    out: *mut wasm_byte_vec_t,
) -> bool {
    guard(false, || {
        write_name(frame.and_then(|f| f.module_name.as_ref()), out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln::TrapCode;

    #[test]
    fn c_trap_codes_are_the_engines_numbers() {
        let pairs = [
            (TrapCode::StackOverflow, KILN_TRAP_CODE_STACK_OVERFLOW),
            (
                TrapCode::MemoryOutOfBounds,
                KILN_TRAP_CODE_MEMORY_OUT_OF_BOUNDS,
            ),
            (
                TrapCode::TableOutOfBounds,
                KILN_TRAP_CODE_TABLE_OUT_OF_BOUNDS,
            ),
            (TrapCode::UndefinedElement, KILN_TRAP_CODE_UNDEFINED_ELEMENT),
            (
                TrapCode::UninitializedElement,
                KILN_TRAP_CODE_UNINITIALIZED_ELEMENT,
            ),
            (
                TrapCode::IndirectCallTypeMismatch,
                KILN_TRAP_CODE_INDIRECT_CALL_TYPE_MISMATCH,
            ),
            (TrapCode::IntegerOverflow, KILN_TRAP_CODE_INTEGER_OVERFLOW),
            (
                TrapCode::IntegerDivisionByZero,
                KILN_TRAP_CODE_INTEGER_DIVISION_BY_ZERO,
            ),
            (
                TrapCode::BadConversionToInteger,
                KILN_TRAP_CODE_BAD_CONVERSION_TO_INTEGER,
            ),
            (TrapCode::Unreachable, KILN_TRAP_CODE_UNREACHABLE),
            (TrapCode::NullReference, KILN_TRAP_CODE_NULL_REFERENCE),
            (TrapCode::HostError, KILN_TRAP_CODE_HOST_ERROR),
            (TrapCode::OutOfFuel, KILN_TRAP_CODE_OUT_OF_FUEL),
            (TrapCode::Interrupt, KILN_TRAP_CODE_INTERRUPT),
            (TrapCode::HeapMisaligned, KILN_TRAP_CODE_HEAP_MISALIGNED),
            (
                TrapCode::AtomicWaitNonSharedMemory,
                KILN_TRAP_CODE_ATOMIC_WAIT_NON_SHARED_MEMORY,
            ),
        ];
        for (code, c) in pairs {
            assert_eq!(code.number(), c, "{code:?}");
        }
    }
}
