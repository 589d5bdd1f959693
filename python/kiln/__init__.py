"""Kiln: a WebAssembly runtime.

Shaped like wasmtime-py, so that code ports by changing the import::

    from kiln import Engine, Store, Module, Instance

    engine = Engine()
    store = Store(engine)
    module = Module(engine, '(module (func (export "add") (param i32 i32) (result i32)'
                            ' local.get 0 local.get 1 i32.add))')
    instance = Instance(store, module, [])
    assert instance.exports(store)["add"](store, 2, 3) == 5
"""

from ._errors import ExitTrap, Frame, KilnError, Trap, TrapCode
from ._native import (
    Caller,
    Config,
    Engine,
    ExportType,
    Func,
    FuncType,
    Global,
    GlobalType,
    ImportType,
    Instance,
    InstanceExports,
    InstancePre,
    Limits,
    Linker,
    Memory,
    MemoryType,
    Module,
    PoolingAllocationConfig,
    Store,
    Table,
    TableType,
    Val,
    ValType,
    WasiConfig,
    wat2wasm,
)

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
