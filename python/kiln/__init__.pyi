"""Kiln: a WebAssembly runtime. Type stubs for the public API."""

import enum
from os import PathLike
from types import TracebackType
import ctypes
from typing import Any, Callable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union, final

_Buffer = Union[bytes, bytearray, memoryview]
_Path = Union[str, "PathLike[str]"]
_Extern = Union["Func", "Memory", "Table", "Global"]
_ExternType = Union["FuncType", "MemoryType", "TableType", "GlobalType"]
_StoreLike = Union["Store", "Caller"]
_Value = Union[int, float, None, "Func", "Val", Any]

__all__ = [
    "Caller",
    "Config",
    "Engine",
    "ExitTrap",
    "ExportType",
    "Frame",
    "Func",
    "FuncType",
    "Global",
    "GlobalType",
    "ImportType",
    "Instance",
    "InstanceExports",
    "InstancePre",
    "KilnError",
    "Limits",
    "Linker",
    "Memory",
    "MemoryType",
    "Module",
    "PoolingAllocationConfig",
    "Store",
    "Table",
    "TableType",
    "Trap",
    "TrapCode",
    "Val",
    "ValType",
    "WasiConfig",
    "wat2wasm",
]

class KilnError(Exception):
    """Base class of Kiln's errors; raised as is for invalid modules, link
    errors and misuse of the API."""

class TrapCode(enum.IntEnum):
    """Why WebAssembly stopped."""

    STACK_OVERFLOW = 0
    MEMORY_OUT_OF_BOUNDS = 1
    TABLE_OUT_OF_BOUNDS = 2
    UNDEFINED_ELEMENT = 3
    UNINITIALIZED_ELEMENT = 4
    INDIRECT_CALL_TYPE_MISMATCH = 5
    INTEGER_OVERFLOW = 6
    INTEGER_DIVISION_BY_ZERO = 7
    BAD_CONVERSION_TO_INTEGER = 8
    UNREACHABLE = 9
    NULL_REFERENCE = 10
    HOST_ERROR = 11
    OUT_OF_FUEL = 12
    INTERRUPT = 13
    HEAP_MISALIGNED = 14
    ATOMIC_WAIT_NON_SHARED_MEMORY = 15
    BAD_SIGNATURE = 5
    INDIRECT_CALL_TO_NULL = 4

@final
class Frame:
    """One wasm frame of a trap's backtrace."""

    func_index: int
    func_name: Optional[str]
    module_name: Optional[str]
    func_offset: Optional[int]
    module_offset: Optional[int]
    def __init__(
        self,
        func_index: int,
        func_name: Optional[str],
        module_name: Optional[str],
        func_offset: Optional[int],
        module_offset: Optional[int],
    ) -> None: ...

class Trap(KilnError):
    """WebAssembly stopped at runtime."""

    message: str
    code: Optional[TrapCode]
    frames: List[Frame]
    def __init__(
        self, message: str, code: Optional[TrapCode] = None, frames: Sequence[Frame] = ()
    ) -> None: ...
    @property
    def trap_code(self) -> Optional[TrapCode]:
        """The trap code, under wasmtime-py's name."""
    @property
    def trace(self) -> List[Frame]:
        """The backtrace, under wasmtime-py's name."""

class ExitTrap(KilnError):
    """A WASI program called ``proc_exit``; ``code`` is its exit status."""

    message: str
    code: int
    def __init__(self, message: str, code: int) -> None: ...

@final
class Config:
    """Settings for an `Engine`, set as attributes."""

    def __new__(cls) -> Config: ...
    wasm_multi_value: bool
    wasm_bulk_memory: bool
    wasm_reference_types: bool
    wasm_simd: bool
    wasm_sign_extension: bool
    wasm_saturating_float_to_int: bool
    wasm_mutable_global: bool
    wasm_multi_memory: bool
    wasm_extended_const: bool
    consume_fuel: bool
    epoch_interruption: bool
    explicit_bounds_checks: bool
    max_wasm_stack: int
    cranelift_opt_level: str
    wasm_threads: bool
    wasm_tail_call: bool
    wasm_memory64: bool
    wasm_exceptions: bool
    wasm_component_model: bool
    wasm_component_model_map: bool
    wasm_component_model_implements: bool
    shared_memory: bool
    wasm_function_references: bool
    wasm_wide_arithmetic: bool
    wasm_custom_page_sizes: bool
    wasm_gc: bool
    wasm_stack_switching: bool
    wasm_relaxed_simd: bool
    wasm_relaxed_simd_deterministic: bool
    debug_info: bool
    cranelift_debug_verifier: bool
    cranelift_nan_canonicalization: bool
    strategy: str
    cache: Union[bool, str, PathLike[str]]
    profiler: str
    target: str
    signals_based_traps: bool
    parallel_compilation: bool
    memory_init_cow: bool
    memory_may_move: bool
    gc_support: bool
    native_unwind_info: bool
    macos_use_mach_ports: bool
    memory_reservation: int
    memory_guard_size: int
    memory_reservation_for_growth: int
    allocation_strategy: Union[str, PoolingAllocationConfig]
    """`"on_demand"` (the default), `"pooling"` (the pooling allocator with
    its default limits) or a `PoolingAllocationConfig`."""
    def cranelift_flag_enable(self, flag: str) -> None: ...
    def cranelift_flag_set(self, flag: str, value: str) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> Config: ...
    def __exit__(self, ty: Any, value: Any, traceback: Any) -> None: ...

@final
class PoolingAllocationConfig:
    """The limits of the pooling allocator, for `Config.allocation_strategy`;
    limits not given keep the engine's defaults."""

    def __new__(
        cls,
        *,
        total_core_instances: Optional[int] = None,
        total_memories: Optional[int] = None,
        total_tables: Optional[int] = None,
        max_memory_size: Optional[int] = None,
        table_elements: Optional[int] = None,
        linear_memory_keep_resident: Optional[int] = None,
        table_keep_resident: Optional[int] = None,
    ) -> PoolingAllocationConfig: ...
    total_core_instances: int
    total_memories: int
    total_tables: int
    max_memory_size: int
    table_elements: int
    linear_memory_keep_resident: int
    table_keep_resident: int

@final
class Engine:
    """Compiles and runs WebAssembly with one configuration."""

    def __new__(cls, config: Optional[Config] = None) -> Engine: ...
    def is_pulley(self) -> bool: ...
    def increment_epoch(self) -> None:
        """Advances the epoch by one tick; safe from any thread."""
    def close(self) -> None:
        """Makes the engine unusable; what was made with it keeps working."""
    def __enter__(self) -> Engine: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...

@final
class Store:
    """Owns everything wasm creates; runs wasm on one thread at a time."""

    def __new__(cls, engine: Optional[Engine] = None, data: Any = None) -> Store: ...
    @property
    def engine(self) -> Engine:
        """The engine this store uses."""
    data: Any
    def set_fuel(self, fuel: int) -> None:
        """Sets the fuel left. Needs `Config.consume_fuel`."""
    def get_fuel(self) -> int:
        """The fuel left. Needs `Config.consume_fuel`."""
    def add_fuel(self, fuel: int) -> None:
        """Adds to the fuel left. Needs `Config.consume_fuel`."""
    def set_epoch_deadline(self, ticks: int) -> None:
        """Traps wasm with `TrapCode.INTERRUPT` `ticks` epochs from now.

        From a host function, it applies to the functions wasm calls next.
        """
    def set_limits(
        self,
        memory_size: int = -1,
        table_elements: int = -1,
        instances: int = -1,
        tables: int = -1,
        memories: int = -1,
    ) -> None:
        """Bounds the store's memory and table sizes and its instance, table and memory counts."""
    def set_wasi(self, config: WasiConfig) -> None:
        """Gives the store's wasm the WASI context `config` describes."""
    def gc(self) -> None:
        """Frees host values (externrefs) wasm no longer references.

        From a host function it frees nothing: the wasm below may hold them.
        """
    def close(self) -> None:
        """Frees everything in the store now; later use raises `ValueError`."""
    @property
    def closed(self) -> bool:
        """Whether `close` has been called."""
    def __enter__(self) -> Store: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...

@final
class Caller:
    """What a host function with `access_caller=True` receives first.

    It stands for the store wherever one is expected, while the host
    function runs.
    """

    @property
    def store(self) -> Store:
        """The store this caller stands for."""
    def get(self, name: str) -> Optional[_Extern]:
        """The export `name` of the calling instance, or `None`."""
    def __getitem__(self, key: str, /) -> _Extern: ...

@final
class ValType:
    """The type of a WebAssembly value."""

    @staticmethod
    def i32() -> ValType: ...
    @staticmethod
    def i64() -> ValType: ...
    @staticmethod
    def f32() -> ValType: ...
    @staticmethod
    def f64() -> ValType: ...
    @staticmethod
    def v128() -> ValType: ...
    @staticmethod
    def funcref() -> ValType: ...
    @staticmethod
    def externref() -> ValType: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class FuncType:
    """The signature of a function."""

    def __new__(cls, params: Sequence[ValType], results: Sequence[ValType]) -> FuncType: ...
    @property
    def params(self) -> List[ValType]: ...
    @property
    def results(self) -> List[ValType]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Limits:
    """Size limits: of a memory in pages, of a table in elements."""

    def __new__(cls, min: int, max: Optional[int] = None) -> Limits: ...
    @property
    def min(self) -> int: ...
    @property
    def max(self) -> Optional[int]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class MemoryType:
    """The type of a linear memory."""

    def __new__(
        cls, limits: Limits, is_64: bool = False, shared: bool = False, page_size_log2: int = 16
    ) -> MemoryType:
        """A memory type: 64-bit with `is_64`, shared with `shared`, pages of 2**page_size_log2 bytes (16 or 0)."""
    @property
    def is_64(self) -> bool: ...
    @property
    def is_shared(self) -> bool: ...
    @property
    def page_size(self) -> int: ...
    @property
    def page_size_log2(self) -> int: ...
    @property
    def limits(self) -> Limits: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class TableType:
    """The type of a table."""

    def __new__(cls, element: ValType, limits: Limits) -> TableType: ...
    @property
    def element(self) -> ValType: ...
    @property
    def limits(self) -> Limits: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class GlobalType:
    """The type of a global."""

    def __new__(cls, content: ValType, mutable: bool) -> GlobalType: ...
    @property
    def content(self) -> ValType: ...
    @property
    def mutable(self) -> bool: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ImportType:
    """One import of a module."""

    @property
    def module(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> _ExternType: ...

@final
class ExportType:
    """One export of a module."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> _ExternType: ...

@final
class Val:
    """A WebAssembly value with its type."""

    @staticmethod
    def i32(value: int) -> Val: ...
    @staticmethod
    def i64(value: int) -> Val: ...
    @staticmethod
    def f32(value: float) -> Val: ...
    @staticmethod
    def f64(value: float) -> Val: ...
    @staticmethod
    def v128(value: int) -> Val: ...
    @staticmethod
    def funcref(value: Optional[Func]) -> Val: ...
    @staticmethod
    def externref(value: Any) -> Val: ...
    @staticmethod
    def ref_null(ty: ValType) -> Val:
        """A null reference of the reference type `ty`."""
    def as_i32(self) -> Optional[int]: ...
    def as_i64(self) -> Optional[int]: ...
    def as_f32(self) -> Optional[float]: ...
    def as_f64(self) -> Optional[float]: ...
    def as_v128(self) -> Optional[int]: ...
    def as_funcref(self) -> Optional[Func]: ...
    def as_externref(self) -> Any: ...
    @property
    def type(self) -> ValType: ...
    @property
    def value(self) -> Any: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Module:
    """Compiled WebAssembly."""

    def __new__(cls, engine: Engine, wasm: Union[str, _Buffer]) -> Module: ...
    @staticmethod
    def from_file(engine: Engine, path: _Path) -> Module: ...
    @staticmethod
    def validate(engine: Engine, wasm: Union[str, _Buffer]) -> None: ...
    def serialize(self) -> bytes: ...
    @staticmethod
    def deserialize(engine: Engine, data: _Buffer) -> Module: ...
    @staticmethod
    def deserialize_file(engine: Engine, path: _Path) -> Module: ...
    @property
    def imports(self) -> List[ImportType]: ...
    @property
    def exports(self) -> List[ExportType]: ...
    @property
    def name(self) -> Optional[str]: ...
    def close(self) -> None:
        """Lets go of the compiled code; later use raises `ValueError`."""
    def __enter__(self) -> Module: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...

@final
class Instance:
    """An instantiated module."""

    def __new__(cls, store: _StoreLike, module: Module, imports: Sequence[_Extern]) -> Instance: ...
    def exports(self, store: _StoreLike) -> InstanceExports: ...

@final
class InstanceExports:
    """The exports of an instance, by name or index."""

    def __getitem__(self, key: Union[str, int], /) -> _Extern: ...
    def get(self, name: str, default: Any = None) -> Any: ...
    def __len__(self) -> int: ...
    def __contains__(self, key: object, /) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...
    @property
    def by_index(self) -> List[_Extern]: ...
    def keys(self) -> List[str]: ...
    def values(self) -> List[_Extern]: ...
    def items(self) -> List[Tuple[str, _Extern]]: ...

@final
class Linker:
    """Defines imports by name and instantiates modules with them."""

    def __new__(cls, engine: Engine) -> Linker: ...
    @property
    def engine(self) -> Engine: ...
    allow_shadowing: bool
    def define(self, store: _StoreLike, module: str, name: str, item: _Extern) -> None: ...
    def define_func(
        self,
        module: str,
        name: str,
        ty: FuncType,
        func: Callable[..., Any],
        access_caller: bool = False,
    ) -> None: ...
    def define_wasi(self) -> None: ...
    def define_instance(self, store: _StoreLike, name: str, instance: Instance) -> None: ...
    def define_module(self, store: _StoreLike, name: str, module: Module) -> None: ...
    def instantiate(self, store: _StoreLike, module: Module) -> Instance: ...
    def get(self, store: _StoreLike, module: str, name: str) -> _Extern: ...
    def get_default(self, store: _StoreLike, name: str) -> Func: ...
    def define_unknown_imports_as_traps(self, module: Module) -> None: ...
    def define_unknown_imports_as_default_values(self, store: _StoreLike, module: Module) -> None: ...
    def instantiate_pre(self, module: Module) -> InstancePre: ...
    def close(self) -> None:
        """Drops the definitions; later use raises `ValueError`."""
    def __enter__(self) -> Linker: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...

@final
class InstancePre:
    """A module whose imports a Linker defines, ready to instantiate."""

    @property
    def module(self) -> Module:
        """The module this was made for."""
    def instantiate(self, store: _StoreLike) -> Instance: ...
    def close(self) -> None:
        """Drops what it holds; later use raises `ValueError`."""
    def __enter__(self) -> InstancePre: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...

@final
class Func:
    """A function; call it as `func(store, *args)`."""

    def __new__(
        cls,
        store: _StoreLike,
        ty: FuncType,
        func: Callable[..., Any],
        access_caller: bool = False,
    ) -> Func: ...
    def type(self, store: Optional[_StoreLike] = None) -> FuncType: ...
    def __call__(self, store: _StoreLike, *args: _Value) -> Any: ...

@final
class Memory:
    """A linear memory."""

    def __new__(cls, store: _StoreLike, ty: MemoryType) -> Memory: ...
    def type(self, store: _StoreLike) -> MemoryType: ...
    def size(self, store: _StoreLike) -> int: ...
    def page_size(self, store: _StoreLike) -> int: ...
    def page_size_log2(self, store: _StoreLike) -> int: ...
    def data_len(self, store: _StoreLike) -> int: ...
    def data_ptr(self, store: _StoreLike) -> "ctypes._Pointer[ctypes.c_ubyte]": ...
    def grow(self, store: _StoreLike, delta: int) -> int: ...
    def read(
        self, store: _StoreLike, start: Optional[int] = 0, stop: Optional[int] = None
    ) -> bytearray:
        """A copy of `memory[start:stop]`, positions taken as slices take them."""
    def write(self, store: _StoreLike, value: _Buffer, start: Optional[int] = None) -> int:
        """Copies `value` in at `start`; `IndexError` if it does not fit."""
    def buffer(self, store: _StoreLike) -> memoryview: ...
    def get_buffer_ptr(
        self, store: _StoreLike, size: Optional[int] = None, offset: int = 0
    ) -> "ctypes.Array[ctypes.c_ubyte]":
        """`size` bytes from `offset` in place, as a ctypes array; checked."""

@final
class Table:
    """A table of references."""

    def __new__(cls, store: _StoreLike, ty: TableType, init: _Value) -> Table: ...
    def type(self, store: _StoreLike) -> TableType: ...
    def size(self, store: _StoreLike) -> int: ...
    def get(self, store: _StoreLike, index: int) -> Any: ...
    def set(self, store: _StoreLike, index: int, value: _Value) -> None: ...
    def grow(self, store: _StoreLike, delta: int, init: _Value) -> int: ...

@final
class Global:
    """A global variable."""

    def __new__(cls, store: _StoreLike, ty: GlobalType, value: _Value) -> Global: ...
    def type(self, store: _StoreLike) -> GlobalType: ...
    def value(self, store: _StoreLike) -> Any: ...
    def set_value(self, store: _StoreLike, value: _Value) -> None: ...

@final
class WasiConfig:
    """What a WASI program may see and touch."""

    def __new__(cls) -> WasiConfig: ...
    argv: Sequence[str]
    env: Union[Sequence[Tuple[str, str]], Mapping[str, str]]
    stdin_file: _Path
    stdin_bytes: bytes
    stdout_file: _Path
    stderr_file: _Path
    stdout_custom: Callable[[bytes], Any]
    stderr_custom: Callable[[bytes], Any]
    def inherit_argv(self) -> None: ...
    def inherit_env(self) -> None: ...
    def inherit_stdin(self) -> None: ...
    def inherit_stdout(self) -> None: ...
    def inherit_stderr(self) -> None: ...
    def close(self) -> None:
        """Drops the configuration; later use raises `ValueError`."""
    def __enter__(self) -> WasiConfig: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...
    def preopen_dir(
        self, path: _Path, guest_path: str, fs_mutable: bool = True, *, read_only: bool = False
    ) -> None:
        """Grants `path` as `guest_path`; read-only if `fs_mutable` is false or `read_only`."""

def wat2wasm(wat: Union[str, _Buffer]) -> bytes:
    """Translates WebAssembly text to binary."""
