"""WebAssembly components, shaped like wasmtime-py's ``wasmtime.component``. Type stubs."""

from os import PathLike
from types import TracebackType
from typing import Any, Callable, Optional, Sequence, Type, Union, final

from .. import Caller, Engine, Module, Store
from ._typed import Err as Err
from ._typed import Ok as Ok
from ._typed import Resource as Resource
from ._typed import ResourceTable as ResourceTable
from ._typed import ResultError as ResultError
from ._typed import returning_result as returning_result
from ._typed import Some as Some
from ._typed import export_func as export_func
from ._types import F32 as F32
from ._types import F64 as F64
from ._types import S8 as S8
from ._types import S16 as S16
from ._types import S32 as S32
from ._types import S64 as S64
from ._types import U8 as U8
from ._types import U16 as U16
from ._types import U32 as U32
from ._types import U64 as U64
from ._types import Bool as Bool
from ._types import BorrowType as BorrowType
from ._types import Char as Char
from ._types import ComponentInstanceType as ComponentInstanceType
from ._types import ComponentItem as ComponentItem
from ._types import ComponentType as ComponentType
from ._types import EnumType as EnumType
from ._types import ErrorContext as ErrorContext
from ._types import FlagsType as FlagsType
from ._types import FuncType as FuncType
from ._types import FutureType as FutureType
from ._types import ListType as ListType
from ._types import ModuleType as ModuleType
from ._types import OptionType as OptionType
from ._types import OwnType as OwnType
from ._types import Record as Record
from ._types import RecordType as RecordType
from ._types import ResultType as ResultType
from ._types import StreamType as StreamType
from ._types import String as String
from ._types import TupleType as TupleType
from ._types import ValType as ValType
from ._types import Variant as Variant
from ._types import VariantType as VariantType

_StoreLike = Union[Store, Caller]

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

@final
class Component:
    """A compiled component."""

    def __new__(cls, engine: Engine, wasm: Union[str, bytes, bytearray, memoryview]) -> "Component": ...
    @staticmethod
    def from_file(engine: Engine, path: Union[str, "PathLike[str]"]) -> "Component": ...
    @property
    def type(self) -> ComponentType: ...

@final
class ResourceType:
    """A resource type; ``ResourceType.host(n)`` is the host's type number ``n``."""

    def __new__(cls) -> "ResourceType": ...
    @staticmethod
    def host(val: int) -> "ResourceType": ...
    @staticmethod
    def _declared() -> "ResourceType": ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class ResourceAny:
    """A handle to a resource."""

    def __new__(cls) -> "ResourceAny": ...
    @property
    def type(self) -> ResourceType: ...
    @property
    def owned(self) -> bool: ...
    @property
    def dropped(self) -> bool: ...
    def drop(self, store: _StoreLike) -> None: ...
    def to_host(self, store: _StoreLike) -> "ResourceHost": ...

@final
class ResourceHost:
    """A handle to a resource the host implements."""

    def __new__(cls) -> "ResourceHost": ...
    @staticmethod
    def own(rep: int, ty: int) -> "ResourceHost": ...
    @staticmethod
    def borrow(rep: int, ty: int) -> "ResourceHost": ...
    @property
    def rep(self) -> int: ...
    @property
    def type(self) -> int: ...
    @property
    def owned(self) -> bool: ...
    def to_any(self, store: _StoreLike) -> ResourceAny: ...

@final
class LinkerInstance:
    """A place in a ``Linker`` to define imports."""

    def __new__(cls) -> "LinkerInstance": ...
    def add_instance(self, name: str) -> "LinkerInstance": ...
    def add_func(self, name: str, func: Callable[..., Any]) -> None: ...
    def add_typed_func(self, name: str, params: Sequence[Any], result: Any, func: Callable[..., Any]) -> None: ...
    def add_resource(self, name: str, ty: ResourceType, dtor: Callable[[Any, int], None]) -> None: ...
    def add_module(self, name: str, module: Module) -> None: ...
    def __enter__(self) -> "LinkerInstance": ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...

@final
class Linker:
    """Defines what components import, then instantiates them."""

    def __new__(cls, engine: Engine) -> "Linker": ...
    @property
    def allow_shadowing(self) -> None: ...
    @allow_shadowing.setter
    def allow_shadowing(self, allow: bool) -> None: ...
    def root(self) -> LinkerInstance: ...
    def define_unknown_imports_as_traps(self, component: Component) -> None: ...
    def instantiate(self, store: _StoreLike, component: Component) -> "Instance": ...

@final
class ExportIndex:
    """An export of an instance."""

@final
class Func:
    """A function a component instance exports."""

    def __new__(cls) -> "Func": ...
    def __call__(self, store: _StoreLike, *args: Any) -> Any: ...
    def post_return(self, store: _StoreLike) -> None: ...
    def type(self, store: _StoreLike) -> FuncType: ...

@final
class Instance:
    """An instance of a component."""

    def __new__(cls) -> "Instance": ...
    def get_export_index(
        self, store: _StoreLike, name: str, instance: Optional[ExportIndex] = None
    ) -> Optional[ExportIndex]: ...
    def get_func(self, store: _StoreLike, index: Union[ExportIndex, str]) -> Optional[Func]: ...
    def get_resource(self, store: _StoreLike, name: str) -> Optional[ResourceType]: ...

@final
class TypedFunc:
    """An export called through the typed path of generated glue."""

    def __new__(cls, func: Func, params: Sequence[Any], result: Any) -> "TypedFunc": ...
    def __call__(self, store: _StoreLike, *args: Any) -> Any: ...
