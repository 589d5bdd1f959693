"""The host side of each corpus world, written against the generated glue's
Protocols (wit-tools/tests/README.md, "What the host implements")."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Union

from kiln.component import Err, Ok, Some


class HostFailure(Exception):
    """What the traps world's `fail` import raises."""


class ScalarsHost:
    """scalar-host, host-info and the world's own imports."""

    def __init__(self) -> None:
        self.value = 0

    def set_host_value(self, x: int) -> None:
        self.value = x

    def get_host_value(self) -> int:
        return self.value

    def echo_bool(self, x: bool) -> bool:
        return x

    def echo_u8(self, x: int) -> int:
        return x

    def echo_u16(self, x: int) -> int:
        return x

    def echo_u32(self, x: int) -> int:
        return x

    def echo_u64(self, x: int) -> int:
        return x

    def echo_s8(self, x: int) -> int:
        return x

    def echo_s16(self, x: int) -> int:
        return x

    def echo_s32(self, x: int) -> int:
        return x

    def echo_s64(self, x: int) -> int:
        return x

    def echo_f32(self, x: float) -> float:
        return x

    def echo_f64(self, x: float) -> float:
        return x

    def echo_char(self, x: str) -> str:
        return x

    def many_params(
        self, a: int, b: int, c: int, d: int, e: int, f: int, g: int, h: int, i: float, j: float,
        k: str, l: bool, m: int, n: int, o: int, p: int, q: float, r: float,  # noqa: E741
    ) -> Tuple[float, float, int, int, int, int, bool, str, float, float, int, int, int, int,
               int, int, int, int]:
        return (r, q, p, o, n, m, l, k, j, i, h, g, f, e, d, c, b, a)

    def greet(self, who: str) -> str:
        return "hello, " + who


class ListsHost:
    """list-host."""

    def __init__(self, glue: Any) -> None:
        self.glue = glue

    def reverse_string(self, s: str) -> str:
        return s[::-1]

    def echo_bytes(self, b: bytes) -> bytes:
        return b

    def split_words(self, s: str) -> List[str]:
        return [w for w in s.split(" ") if w]

    def sort_scores(self, s: List[Any]) -> List[Any]:
        return sorted(s, key=lambda r: -r.value)

    def echo_nested(self, x: List[List[int]]) -> List[List[int]]:
        return x

    def make_line(self, a: Any, b: Any, label: str) -> Any:
        return self.glue.Line(a, b, label)

    def rotate_triple(self, t: Tuple[int, str, float]) -> Tuple[float, int, str]:
        return (t[2], t[0], t[1])


DIRECTIONS = ["NORTH", "EAST", "SOUTH", "WEST"]


class VariantsHost:
    """variant-host."""

    def __init__(self, glue: Any) -> None:
        self.glue = glue

    def echo_shape(self, s: Any) -> Any:
        return s

    def echo_number(self, n: Any) -> Any:
        return n

    def turn_right(self, d: Any) -> Any:
        members: List[Any] = [m for m in self.glue.Direction]
        return members[(members.index(d) + 1) % 4]

    def echo_wide(self, w: Any) -> Any:
        return w

    def invert_full(self, f: Any) -> Any:
        everything = self.glue.Full(0)
        for member in self.glue.Full:
            everything |= member
        return everything & ~f

    def echo_nested_option(self, x: Optional[Some[Optional[int]]]) -> Optional[Some[Optional[int]]]:
        return x

    def safe_div(self, a: int, b: int) -> Union[Ok[int], Err[Any]]:
        errors = self.glue.MathError
        if b == 0:
            return Err(errors.DIVIDE_BY_ZERO)
        if a == -(2**31) and b == -1:
            return Err(errors.OVERFLOW)
        q = abs(a) // abs(b)
        return Ok(q if (a < 0) == (b < 0) else -q)

    def echo_nested_result(self, r: Any) -> Any:
        return r

    def check_positive(self, x: int) -> Union[Ok[None], Err[None]]:
        return Ok(None) if x > 0 else Err(None)


class Blob:
    """The host's blob: a byte buffer."""

    def __init__(self, init: bytes) -> None:
        self.data = bytearray(init)

    def bytes_(self) -> bytes:
        return bytes(self.data)

    def append(self, more: bytes) -> None:
        self.data.extend(more)

    def size(self) -> int:
        return len(self.data)


class BlobsHost:
    """blobs: counts the blobs made and not yet destroyed."""

    def __init__(self) -> None:
        self.live: Dict[int, Blob] = {}
        self.destroyed = 0

    def new_blob(self, init: bytes) -> Blob:
        blob = Blob(init)
        self.live[id(blob)] = blob
        return blob

    def blob_concat(self, a: Blob, b: Blob) -> Blob:
        return self.new_blob(bytes(a.data + b.data))

    def live_blobs(self) -> int:
        return len(self.live)

    def drop_blob(self, blob: Blob) -> None:
        del self.live[id(blob)]
        self.destroyed += 1


class TrapsHost:
    """trap-host."""

    def __init__(self) -> None:
        self.notes: List[int] = []

    def note(self, x: int) -> None:
        self.notes.append(x)

    def fail(self, msg: str) -> None:
        raise HostFailure(msg)
