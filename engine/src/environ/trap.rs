//! Runtime traps: why WebAssembly stopped, and where.

use std::fmt;

/// Why WebAssembly execution stopped. The display text is the wording the spec
/// testsuite uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrapCode {
    /// The call stack grew past the configured maximum (deep or infinite recursion).
    StackOverflow,
    /// A load or store outside linear memory.
    MemoryOutOfBounds,
    /// A table access outside the table's bounds.
    TableOutOfBounds,
    /// `call_indirect` on an index past the end of the table.
    UndefinedElement,
    /// `call_indirect` on a null table element.
    UninitializedElement,
    /// `call_indirect` whose callee has a different signature.
    IndirectCallTypeMismatch,
    /// Integer overflow (`INT_MIN / -1`, or a float too large to convert).
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Conversion of NaN to an integer.
    BadConversionToInteger,
    /// The `unreachable` instruction.
    Unreachable,
    /// A null reference was dereferenced.
    NullReference,
    /// A host function returned an error or panicked.
    HostError,
    /// The store ran out of fuel (see [`Config::consume_fuel`](crate::Config::consume_fuel)).
    OutOfFuel,
    /// The engine's epoch reached the store's deadline (see
    /// [`Config::epoch_interruption`](crate::Config::epoch_interruption)).
    Interrupt,
    /// An atomic access at an address that is not a multiple of its size.
    HeapMisaligned,
    /// `memory.atomic.wait32` or `wait64` on a memory that is not shared.
    AtomicWaitNonSharedMemory,
}

impl TrapCode {
    /// A stable number for this code, the one every binding exposes (C's
    /// `KILN_TRAP_CODE_*`, Python's `TrapCode`): numbers never change
    /// meaning, and new codes get new numbers.
    ///
    /// ```
    /// use kiln::TrapCode;
    /// assert_eq!(TrapCode::StackOverflow.number(), 0);
    /// assert_eq!(TrapCode::Interrupt.number(), 13);
    /// ```
    pub fn number(&self) -> u8 {
        match self {
            TrapCode::StackOverflow => 0,
            TrapCode::MemoryOutOfBounds => 1,
            TrapCode::TableOutOfBounds => 2,
            TrapCode::UndefinedElement => 3,
            TrapCode::UninitializedElement => 4,
            TrapCode::IndirectCallTypeMismatch => 5,
            TrapCode::IntegerOverflow => 6,
            TrapCode::IntegerDivisionByZero => 7,
            TrapCode::BadConversionToInteger => 8,
            TrapCode::Unreachable => 9,
            TrapCode::NullReference => 10,
            TrapCode::HostError => 11,
            TrapCode::OutOfFuel => 12,
            TrapCode::Interrupt => 13,
            TrapCode::HeapMisaligned => 14,
            TrapCode::AtomicWaitNonSharedMemory => 15,
        }
    }

    /// The code whose [`number`](Self::number) is `number`, if any: for
    /// bindings that carry a code across as its number.
    ///
    /// ```
    /// use kiln::TrapCode;
    /// assert_eq!(TrapCode::from_number(13), Some(TrapCode::Interrupt));
    /// assert_eq!(TrapCode::from_number(200), None);
    /// ```
    pub fn from_number(number: u8) -> Option<TrapCode> {
        const ALL: [TrapCode; 16] = [
            TrapCode::StackOverflow,
            TrapCode::MemoryOutOfBounds,
            TrapCode::TableOutOfBounds,
            TrapCode::UndefinedElement,
            TrapCode::UninitializedElement,
            TrapCode::IndirectCallTypeMismatch,
            TrapCode::IntegerOverflow,
            TrapCode::IntegerDivisionByZero,
            TrapCode::BadConversionToInteger,
            TrapCode::Unreachable,
            TrapCode::NullReference,
            TrapCode::HostError,
            TrapCode::OutOfFuel,
            TrapCode::Interrupt,
            TrapCode::HeapMisaligned,
            TrapCode::AtomicWaitNonSharedMemory,
        ];
        ALL.get(usize::from(number)).copied()
    }

    /// The spec testsuite's wording for this trap.
    pub fn message(&self) -> &'static str {
        match self {
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::Unreachable => "unreachable",
            TrapCode::NullReference => "null reference",
            TrapCode::HostError => "host function error",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::Interrupt => "interrupted",
            TrapCode::HeapMisaligned => "unaligned atomic",
            TrapCode::AtomicWaitNonSharedMemory => "atomic wait on non-shared memory",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// One wasm frame of a trap's backtrace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// Index of the function in its module's function index space.
    pub func_index: u32,
    /// The function's name from the name section, if any.
    pub func_name: Option<String>,
    /// The module's name from the name section, if any.
    pub module_name: Option<String>,
    /// Byte offset of the instruction within the module, when known.
    pub module_offset: Option<usize>,
    /// Byte offset of the instruction from the start of its function's body.
    pub func_offset: Option<usize>,
}

impl TrapCode {
    /// How Wasmtime words this code after "wasm trap: " (its `Display`),
    /// for bindings shaped like Wasmtime's (wasmtime-py, wasmtime-go), whose
    /// users' code and tests match that text. Kiln's own [`message`]
    /// (Self::message) keeps the spec testsuite's wording; Wasmtime has
    /// one code for both of Kiln's table-bounds traps.
    ///
    /// ```
    /// use kiln::TrapCode;
    /// assert_eq!(TrapCode::Interrupt.wasmtime_message(), "interrupt");
    /// ```
    pub fn wasmtime_message(&self) -> &'static str {
        match self {
            TrapCode::TableOutOfBounds | TrapCode::UndefinedElement => {
                "undefined element: out of bounds table access"
            }
            TrapCode::Unreachable => "wasm `unreachable` instruction executed",
            TrapCode::OutOfFuel => "all fuel consumed by WebAssembly",
            TrapCode::Interrupt => "interrupt",
            other => other.message(),
        }
    }
}

/// The text Wasmtime gives an error that unwound wasm: a line per frame
/// (index, module offset, `module!function`), a blank line, then `cause`
/// under "Caused by:". With no frames it is `cause` alone. Bindings shaped
/// like Wasmtime's show this as a trap's text, so that ported code which
/// prints or matches it sees the same report.
///
/// ```
/// use kiln::{wasmtime_report, FrameInfo};
/// let frame = FrameInfo { func_index: 0, func_name: Some("f".into()), module_name: None,
///     module_offset: Some(0x1c), func_offset: None };
/// assert_eq!(wasmtime_report(&[frame], "wasm trap: interrupt"),
///     "error while executing at wasm backtrace:\n    0:     0x1c - <unknown>!f\n\n\
///      Caused by:\n    wasm trap: interrupt\n");
/// ```
pub fn wasmtime_report(frames: &[FrameInfo], cause: &str) -> String {
    use fmt::Write;
    if frames.is_empty() {
        return cause.to_string();
    }
    let mut text = String::from("error while executing at wasm backtrace:\n");
    for (i, frame) in frames.iter().enumerate() {
        let _ = write!(text, "  {i:>3}: ");
        if let Some(offset) = frame.module_offset {
            let _ = write!(text, "{offset:#8x} - ");
        }
        text.push_str(frame.module_name.as_deref().unwrap_or("<unknown>"));
        text.push('!');
        match &frame.func_name {
            Some(name) => text.push_str(name),
            None => {
                let _ = write!(text, "<wasm function {}>", frame.func_index);
            }
        }
        text.push('\n');
    }
    let _ = write!(text, "\nCaused by:\n    {cause}\n");
    text
}

/// The text Wasmtime gives a trap of `code` (none for a trap made from a
/// message alone) with Kiln's `message`, at `frames`: its report
/// ([`wasmtime_report`]) whose cause is "wasm trap: " and Wasmtime's
/// wording of the code when the message is the code's own, or the message
/// itself otherwise: for a host error, and for a trap raised with words of
/// its own (a canonical ABI rule a component broke carries a code, as an
/// out-of-bounds or misaligned pointer does, but its message says more).
///
/// ```
/// use kiln::{wasmtime_trap_text, TrapCode};
/// assert_eq!(wasmtime_trap_text(Some(TrapCode::Interrupt), "interrupted", &[]),
///     "wasm trap: interrupt");
/// assert_eq!(wasmtime_trap_text(Some(TrapCode::HostError), "boom", &[]), "boom");
/// assert_eq!(
///     wasmtime_trap_text(Some(TrapCode::HeapMisaligned),
///         "list pointer 0x2 is not aligned to 4 bytes", &[]),
///     "list pointer 0x2 is not aligned to 4 bytes");
/// ```
pub fn wasmtime_trap_text(code: Option<TrapCode>, message: &str, frames: &[FrameInfo]) -> String {
    match code {
        Some(code) if code != TrapCode::HostError && message == code.message() => {
            wasmtime_report(frames, &format!("wasm trap: {}", code.wasmtime_message()))
        }
        _ => wasmtime_report(frames, message),
    }
}

/// The text Wasmtime gives a WASI program's exit with `status`
/// (`proc_exit`), which bindings shaped like Wasmtime's show as the exit
/// error's text.
///
/// ```
/// assert_eq!(kiln::wasmtime_exit_message(3), "Exited with i32 exit status 3");
/// ```
pub fn wasmtime_exit_message(status: i32) -> String {
    format!("Exited with i32 exit status {status}")
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(m) = &self.module_name {
            write!(f, "{m}!")?;
        }
        match &self.func_name {
            Some(name) => write!(f, "{name}")?,
            None => write!(f, "<wasm function {}>", self.func_index)?,
        }
        if let Some(off) = self.module_offset {
            write!(f, " @ {off:#x}")?;
        }
        Ok(())
    }
}

/// WebAssembly stopped at runtime: a code, a message, and the wasm backtrace.
///
/// ```
/// use kiln::{Engine, Store, Module, Instance, TrapCode};
/// let engine = Engine::default();
/// let module = Module::new(&engine, r#"(module (func (export "boom") unreachable))"#).unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = Instance::new(&mut store, &module, &[]).unwrap();
/// let boom = instance.get_func(&mut store, "boom").unwrap();
/// let err = boom.call(&mut store, &[], &mut []).unwrap_err();
/// assert_eq!(err.trap().unwrap().code(), TrapCode::Unreachable);
/// ```
#[derive(Clone)]
pub struct Trap {
    code: TrapCode,
    message: String,
    backtrace: Vec<FrameInfo>,
}

impl Trap {
    pub(crate) fn new(code: TrapCode, message: String, backtrace: Vec<FrameInfo>) -> Trap {
        Trap {
            code,
            message,
            backtrace,
        }
    }

    /// The trap code.
    pub fn code(&self) -> TrapCode {
        self.code
    }

    /// The message: the trap code's wording, or the host error's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The wasm frames active when the trap happened, innermost first.
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.backtrace
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "trap: {}", self.message)?;
        if !self.backtrace.is_empty() {
            writeln!(f, "wasm backtrace:")?;
            for (i, frame) in self.backtrace.iter().enumerate() {
                writeln!(f, "  {i}: {frame}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

#[cfg(test)]
mod tests {
    use super::TrapCode;

    #[test]
    fn from_number_inverts_number_for_every_code() {
        let codes: Vec<TrapCode> = (0..=u8::MAX).filter_map(TrapCode::from_number).collect();
        assert_eq!(codes.len(), 16);
        for code in codes {
            assert_eq!(TrapCode::from_number(code.number()), Some(code));
        }
    }
}
