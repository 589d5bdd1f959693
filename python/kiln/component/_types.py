"""Component types as wasmtime-py's ``wasmtime.component`` describes them,
built from the native module's descriptions, and the ``Record`` and
``Variant`` values of the dynamic path."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Set, Tuple

if TYPE_CHECKING:
    from . import ResourceAny, ResourceHost, ResourceType
else:
    from .. import _native

    ResourceAny = _native.component.ResourceAny
    ResourceHost = _native.component.ResourceHost
    ResourceType = _native.component.ResourceType


class Record:
    """A record value of the dynamic path: one attribute per field."""

    def __eq__(self, other: Any) -> bool:
        for key, value in self.__dict__.items():
            if not hasattr(other, key) or getattr(other, key) != value:
                return False
        return True

    def __repr__(self) -> str:
        fields = ", ".join("%s=%r" % kv for kv in self.__dict__.items())
        return "Record(%s)" % fields


@dataclass
class Variant:
    """A case of a variant, option or result whose cases' Python classes
    overlap (see ``VariantLikeType._tagged``)."""

    tag: str
    payload: Optional[Any] = None


class ValType(ABC):
    """The type of a component value."""

    @abstractmethod
    def add_classes(self, s: Set[type]) -> None:
        """Adds the Python classes values of this type are made of to ``s``."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __repr__(self) -> str:
        return type(self).__name__


class Bool(ValType):
    def add_classes(self, s: Set[type]) -> None:
        s.add(bool)


class _Int(ValType):
    def add_classes(self, s: Set[type]) -> None:
        s.add(int)


class S8(_Int):
    pass


class S16(_Int):
    pass


class S32(_Int):
    pass


class S64(_Int):
    pass


class U8(_Int):
    pass


class U16(_Int):
    pass


class U32(_Int):
    pass


class U64(_Int):
    pass


class F32(ValType):
    def add_classes(self, s: Set[type]) -> None:
        s.add(float)


class F64(ValType):
    def add_classes(self, s: Set[type]) -> None:
        s.add(float)


class Char(ValType):
    def add_classes(self, s: Set[type]) -> None:
        s.add(str)


class String(ValType):
    def add_classes(self, s: Set[type]) -> None:
        s.add(str)


class ErrorContext(ValType):
    """Not supported by Kiln yet; here for wasmtime-py's names."""

    def add_classes(self, s: Set[type]) -> None:
        s.add(object)


class ListType(ValType):
    def __init__(self, element: ValType) -> None:
        self.element = element

    def _is_bytes(self) -> bool:
        return isinstance(self.element, U8)

    def add_classes(self, s: Set[type]) -> None:
        s.add(bytes if self._is_bytes() else list)


class RecordType(ValType):
    def __init__(self, fields: List[Tuple[str, ValType]]) -> None:
        self.fields = fields

    def add_classes(self, s: Set[type]) -> None:
        s.add(Record)


class TupleType(ValType):
    def __init__(self, elements: List[ValType]) -> None:
        self.elements = elements

    def add_classes(self, s: Set[type]) -> None:
        s.add(tuple)


class VariantLikeType(ValType):
    @abstractmethod
    def _cases(self) -> List[Tuple[str, Optional[ValType]]]:
        """The cases: names and payload types (None for no payload)."""

    def add_classes(self, s: Set[type]) -> None:
        if self._tagged():
            s.add(Variant)
            return
        for _, ty in self._cases():
            if ty is None:
                s.add(object)
            else:
                ty.add_classes(s)

    def _tagged(self) -> bool:
        seen: Set[type] = set()
        for _, ty in self._cases():
            case: Set[type] = set()
            if ty is None:
                case.add(object)
            else:
                ty.add_classes(case)
            if case & seen:
                return True
            seen |= case
        return False


class VariantType(VariantLikeType):
    def __init__(self, cases: List[Tuple[str, Optional[ValType]]]) -> None:
        self.cases = cases

    def _cases(self) -> List[Tuple[str, Optional[ValType]]]:
        return self.cases


class EnumType(ValType):
    def __init__(self, names: List[str]) -> None:
        self.names = names

    def add_classes(self, s: Set[type]) -> None:
        s.add(str)


class OptionType(VariantLikeType):
    def __init__(self, payload: ValType) -> None:
        self.payload = payload

    def _cases(self) -> List[Tuple[str, Optional[ValType]]]:
        return [("none", None), ("some", self.payload)]


class ResultType(VariantLikeType):
    def __init__(self, ok: Optional[ValType], err: Optional[ValType]) -> None:
        self.ok = ok
        self.err = err

    def _cases(self) -> List[Tuple[str, Optional[ValType]]]:
        return [("ok", self.ok), ("err", self.err)]


class FlagsType(ValType):
    def __init__(self, names: List[str]) -> None:
        self.names = names

    def add_classes(self, s: Set[type]) -> None:
        s.add(set)


class StreamType(ValType):
    """Not supported by Kiln yet; here for wasmtime-py's names."""

    def add_classes(self, s: Set[type]) -> None:
        s.add(object)


class FutureType(ValType):
    """Not supported by Kiln yet; here for wasmtime-py's names."""

    def add_classes(self, s: Set[type]) -> None:
        s.add(object)


class OwnType(ValType):
    def __init__(self, resource: str) -> None:
        self.resource = resource

    def add_classes(self, s: Set[type]) -> None:
        s.add(ResourceAny)
        s.add(ResourceHost)


class BorrowType(ValType):
    def __init__(self, resource: str) -> None:
        self.resource = resource

    def add_classes(self, s: Set[type]) -> None:
        s.add(ResourceAny)
        s.add(ResourceHost)


class FuncType:
    """A component function's type: named parameters and an optional result."""

    def __init__(self, params: List[Tuple[str, ValType]], result: Optional[ValType]) -> None:
        self.params = params
        self.result = result

    def __repr__(self) -> str:
        return "FuncType(%r, %r)" % (self.params, self.result)


class ModuleType:
    """A core module's type (its details are not described yet)."""


class ComponentItem:
    """An import or export: its type is ``ty``."""

    def __init__(self, ty: Any) -> None:
        self.ty = ty


class ComponentInstanceType:
    """An instance's type: its exports."""

    def __init__(self, exports: Dict[str, ComponentItem]) -> None:
        self._exports = exports

    def exports(self, engine: Any) -> Dict[str, ComponentItem]:
        return dict(self._exports)


class ComponentType:
    """A component's type: its imports and exports."""

    def __init__(self, imports: List[Tuple[str, Any]], exports: List[Tuple[str, Any]]) -> None:
        # Types that are not resources have no runtime value: like
        # wasmtime-py, the lists leave them out.
        self._imports = {n: ComponentItem(from_item(d)) for n, d in imports if d[0] != "type"}
        self._exports = {n: ComponentItem(from_item(d)) for n, d in exports if d[0] != "type"}

    def imports(self, engine: Any) -> Dict[str, ComponentItem]:
        return dict(self._imports)

    def exports(self, engine: Any) -> Dict[str, ComponentItem]:
        return dict(self._exports)


_PRIMITIVES: Dict[str, Callable[[], ValType]] = {
    "bool": Bool, "s8": S8, "s16": S16, "s32": S32, "s64": S64, "u8": U8, "u16": U16,
    "u32": U32, "u64": U64, "f32": F32, "f64": F64, "char": Char, "string": String,
}


def from_desc(d: Any) -> ValType:
    """The type the native module describes as ``d``."""
    if isinstance(d, str):
        return _PRIMITIVES[d]()
    kind = d[0]
    if kind == "list":
        return ListType(from_desc(d[1]))
    if kind == "record":
        return RecordType([(n, from_desc(t)) for n, t in d[1]])
    if kind == "tuple":
        return TupleType([from_desc(t) for t in d[1]])
    if kind == "variant":
        return VariantType([(n, None if t is None else from_desc(t)) for n, t in d[1]])
    if kind == "enum":
        return EnumType(list(d[1]))
    if kind == "flags":
        return FlagsType(list(d[1]))
    if kind == "option":
        return OptionType(from_desc(d[1]))
    if kind == "result":
        return ResultType(None if d[1] is None else from_desc(d[1]),
                          None if d[2] is None else from_desc(d[2]))
    if kind == "own":
        return OwnType(d[1])
    if kind == "borrow":
        return BorrowType(d[1])
    raise ValueError("unknown type description %r" % (d,))


def from_item(d: Any) -> Any:
    """The type of an import or export the native module describes as ``d``."""
    kind = d[0]
    if kind == "func":
        return FuncType([(n, from_desc(t)) for n, t in d[1]],
                        None if d[2] is None else from_desc(d[2]))
    if kind == "instance":
        return ComponentInstanceType({n: ComponentItem(from_item(i)) for n, i in d[1].items()
                                      if i[0] != "type"})
    if kind == "resource":
        return ResourceType._declared()
    if kind == "module":
        return ModuleType()
    if kind == "component":
        return ComponentType([], [])
    return None
