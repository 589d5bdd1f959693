"""Kiln's exceptions and trap codes, raised by the native module."""

from __future__ import annotations

import enum
from typing import List, Optional, Sequence

__all__ = ["KilnError", "Trap", "TrapCode", "ExitTrap", "Frame"]


class KilnError(Exception):
    """Base class of Kiln's errors; raised as is for invalid modules, link
    errors and misuse of the API."""


class ArgumentTypeError(TypeError, AttributeError):
    """An argument of the wrong type where Kiln expects one of its own objects
    (an ``Engine``, a ``Store``, a ``Module``, a type) or a name.

    It is a ``TypeError``, as Python's conventions want, and also an
    ``AttributeError``, because wasmtime-py raises that for many such
    arguments (it reaches into them before checking their type): code written
    for either catches it.
    """


class TrapCode(enum.IntEnum):
    """Why WebAssembly stopped."""

    STACK_OVERFLOW = 0
    """The call stack grew past the configured maximum."""
    MEMORY_OUT_OF_BOUNDS = 1
    """A load or store outside linear memory."""
    TABLE_OUT_OF_BOUNDS = 2
    """A table access outside the table."""
    UNDEFINED_ELEMENT = 3
    """``call_indirect`` past the end of the table."""
    UNINITIALIZED_ELEMENT = 4
    """``call_indirect`` on a null element."""
    INDIRECT_CALL_TYPE_MISMATCH = 5
    """``call_indirect`` whose callee has another signature."""
    INTEGER_OVERFLOW = 6
    """Integer overflow in division or float-to-int conversion."""
    INTEGER_DIVISION_BY_ZERO = 7
    """Integer division or remainder by zero."""
    BAD_CONVERSION_TO_INTEGER = 8
    """Conversion of NaN to an integer."""
    UNREACHABLE = 9
    """The ``unreachable`` instruction."""
    NULL_REFERENCE = 10
    """A null reference was dereferenced."""
    HOST_ERROR = 11
    """A host function raised an exception."""
    OUT_OF_FUEL = 12
    """The store ran out of fuel."""
    INTERRUPT = 13
    """The engine's epoch reached the store's deadline."""
    HEAP_MISALIGNED = 14
    """An atomic access at an address that is not a multiple of its size."""
    ATOMIC_WAIT_NON_SHARED_MEMORY = 15
    """``memory.atomic.wait32`` or ``wait64`` on a memory that is not shared."""

    # wasmtime-py's names, so that code ports unchanged.
    BAD_SIGNATURE = 5
    INDIRECT_CALL_TO_NULL = 4


class Frame:
    """One wasm frame of a trap's backtrace: ``func_index`` in the module's
    function index space, ``func_name`` and ``module_name`` from the name
    section (or ``None``), and the byte offsets of the instruction from the
    start of the function body (``func_offset``) and of the module
    (``module_offset``), when known."""

    __slots__ = ("func_index", "func_name", "module_name", "func_offset", "module_offset")

    def __init__(
        self,
        func_index: int,
        func_name: Optional[str],
        module_name: Optional[str],
        func_offset: Optional[int],
        module_offset: Optional[int],
    ) -> None:
        self.func_index = func_index
        self.func_name = func_name
        self.module_name = module_name
        self.func_offset = func_offset
        self.module_offset = module_offset

    def __repr__(self) -> str:
        name = self.func_name if self.func_name is not None else f"<wasm function {self.func_index}>"
        if self.module_name is not None:
            name = f"{self.module_name}!{name}"
        if self.module_offset is not None:
            name += f" @ {self.module_offset:#x}"
        return f"Frame({name})"


class Trap(KilnError):
    """WebAssembly stopped at runtime. ``code`` says why, ``message`` in the
    wording the spec testsuite uses, ``frames`` where (innermost first)."""

    def __init__(
        self, message: str, code: Optional[TrapCode] = None, frames: Sequence[Frame] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.frames: List[Frame] = list(frames)

    @property
    def trap_code(self) -> Optional[TrapCode]:
        """The trap code, under wasmtime-py's name."""
        return self.code

    @property
    def trace(self) -> List[Frame]:
        """The backtrace, under wasmtime-py's name."""
        return self.frames

    def __str__(self) -> str:
        """The report Wasmtime prints for this trap (what wasmtime-py's
        ``str(trap)`` gives), so that ported code that shows or matches it
        sees the same text; ``message`` keeps Kiln's own wording. A trap made
        from a message alone is that message."""
        # The native module has no stub of its own: its public part is
        # described by kiln/__init__.pyi.
        from kiln._native import wasmtime_trap_text  # type: ignore[import-not-found]

        frames = [
            (f.func_index, f.func_name, f.module_name, f.func_offset, f.module_offset)
            for f in self.frames
        ]
        code = None if self.code is None else int(self.code)
        text: str = wasmtime_trap_text(code, self.message, frames)
        return text


class ExitTrap(KilnError):
    """A WASI program called ``proc_exit``; ``code`` is its exit status.
    ``str()`` gives Wasmtime's wording, as wasmtime-py does; ``message`` is
    Kiln's."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        from kiln._native import wasmtime_exit_message  # type: ignore[import-not-found]

        text: str = wasmtime_exit_message(self.code)
        return text
