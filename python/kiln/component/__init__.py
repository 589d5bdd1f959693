"""WebAssembly components, shaped like wasmtime-py's ``wasmtime.component``.

    from kiln import Engine, Store
    from kiln.component import Component, Linker

    engine = Engine()
    component = Component.from_file(engine, "greeter.wasm")
    linker = Linker(engine)
    with linker.root() as root:
        root.add_func("log", lambda store, message: print(message))
    store = Store(engine)
    instance = linker.instantiate(store, component)
    greet = instance.get_func(store, "greet")
    print(greet(store, "world"))

Values of the dynamic path (``Func.__call__``) follow wasmtime-py: records
are ``Record`` objects, ``list<u8>`` is ``bytes``, flags are sets of names,
enums are names, and variants, options and results are plain payloads unless
their cases' Python classes overlap, when they are ``Variant(tag, payload)``.
Generated glue (``kiln bindgen --lang python``) uses ``TypedFunc`` instead.
"""

from .. import _native

Component = _native.component.Component
ExportIndex = _native.component.ExportIndex
Func = _native.component.Func
Instance = _native.component.Instance
Linker = _native.component.Linker
LinkerInstance = _native.component.LinkerInstance
ResourceAny = _native.component.ResourceAny
ResourceHost = _native.component.ResourceHost
ResourceType = _native.component.ResourceType
TypedFunc = _native.component.TypedFunc

from ._typed import (
    Err,
    Ok,
    Resource,
    ResourceTable,
    ResultError,
    Some,
    export_func,
    returning_result,
)
from ._types import (
    Bool,
    BorrowType,
    Char,
    ComponentInstanceType,
    ComponentItem,
    ComponentType,
    EnumType,
    ErrorContext,
    F32,
    F64,
    FlagsType,
    FuncType,
    FutureType,
    ListType,
    ModuleType,
    OptionType,
    OwnType,
    Record,
    RecordType,
    ResultType,
    S8,
    S16,
    S32,
    S64,
    StreamType,
    String,
    TupleType,
    U8,
    U16,
    U32,
    U64,
    ValType,
    Variant,
    VariantType,
)

__all__ = [
    "Bool", "BorrowType", "Char", "Component", "ComponentInstanceType", "ComponentItem",
    "ComponentType", "EnumType", "ErrorContext", "ExportIndex", "F32", "F64", "FlagsType",
    "Func", "FuncType", "FutureType", "Instance", "Linker", "LinkerInstance", "ListType",
    "ModuleType", "OptionType", "OwnType", "Record", "RecordType", "ResourceAny",
    "ResourceHost", "ResourceType", "ResultType", "S8", "S16", "S32", "S64", "StreamType",
    "String", "TupleType", "U8", "U16", "U32", "U64", "ValType", "Variant", "VariantType",
    "TypedFunc", "Ok", "Err", "Some", "Resource", "ResourceTable", "export_func",
    "ResultError", "returning_result",
]
