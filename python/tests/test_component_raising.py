"""Glue generated with `kiln bindgen --lang python --raise-errors '*'`
(wit-tools/golden/python-raising/variants): a function returning
`result<T, E>` returns the `T` and raises the generated exception carrying
the `E`; a host's implementation of such an import does the same.
Type-checked with `mypy --strict` by run-tests.sh."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional, Union

import pytest

import kiln
from kiln.component import Component, Err, Ok, Some

HERE = Path(__file__).resolve().parent
WORKSPACE = HERE.parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", WORKSPACE / "target"))
GUESTS = Path(os.environ.get("KILN_WIT_GUESTS", TARGET / "wit-guests"))
sys.path.insert(0, str(WORKSPACE / "wit-tools" / "golden" / "python-raising" / "variants"))

import variants as v  # noqa: E402


class Host:
    """variant-host, raising its errors."""

    def echo_shape(self, s: v.Shape) -> v.Shape:
        return s

    def echo_number(self, n: v.Number) -> v.Number:
        return n

    def turn_right(self, d: v.Direction) -> v.Direction:
        members: List[v.Direction] = list(v.Direction)
        return members[(members.index(d) + 1) % 4]

    def echo_wide(self, w: v.Wide) -> v.Wide:
        return w

    def invert_full(self, f: v.Full) -> v.Full:
        everything = v.Full(0)
        for member in v.Full:
            everything |= member
        return everything & ~f

    def echo_nested_option(self, x: Optional[Some[Optional[int]]]) -> Optional[Some[Optional[int]]]:
        return x

    def safe_div(self, a: int, b: int) -> int:
        if b == 0:
            raise v.VariantHostSafeDivError(v.MathError.DIVIDE_BY_ZERO)
        if a == -(2**31) and b == -1:
            raise v.VariantHostSafeDivError(v.MathError.OVERFLOW)
        q = abs(a) // abs(b)
        return q if (a < 0) == (b < 0) else -q

    def echo_nested_result(
        self, r: Union[Ok[Optional[str]], Err[Union[Ok[int], Err[str]]]]
    ) -> Optional[str]:
        if isinstance(r, Err):
            raise v.VariantHostEchoNestedResultError(r.value)
        return r.value

    def check_positive(self, x: int) -> None:
        if x <= 0:
            raise v.VariantHostCheckPositiveError(None)


def world() -> v.Variants:
    engine = kiln.Engine()
    component = Component.from_file(engine, str(GUESTS / "variants.wasm"))
    return v.Variants(kiln.Store(engine), component, variant_host=Host())


def test_an_export_returns_ok_and_raises_err() -> None:
    w = world()
    assert w.variant_api.safe_div(7, -2) == -3
    with pytest.raises(v.VariantApiSafeDivError) as info:
        w.variant_api.safe_div(1, 0)
    assert info.value.value is v.MathError.DIVIDE_BY_ZERO
    assert isinstance(info.value, kiln.component.ResultError)
    assert w.variant_api.parse_u32("42") == 42
    with pytest.raises(v.VariantApiParseU32Error) as none:
        w.variant_api.parse_u32("x")
    assert none.value.value is None
    w.variant_api.check_positive(1)
    with pytest.raises(v.VariantApiCheckPositiveError):
        w.variant_api.check_positive(0)


def test_a_host_raises_for_an_err_and_the_guest_sees_it() -> None:
    w = world()
    assert w.host_safe_div(9, 3) == 3
    with pytest.raises(v.HostSafeDivError) as info:
        w.host_safe_div(-(2**31), -1)
    assert info.value.value is v.MathError.OVERFLOW
    w.host_check_positive(5)
    with pytest.raises(v.HostCheckPositiveError):
        w.host_check_positive(-5)
    assert w.host_echo_nested_result(Ok("a")) == "a"
    with pytest.raises(v.HostEchoNestedResultError) as nested:
        w.host_echo_nested_result(Err(Err("e")))
    assert nested.value.value == Err("e")


def test_results_inside_other_types_stay_values() -> None:
    w = world()
    assert w.variant_api.echo_option_result(Ok(3)) == Ok(3)
    assert w.variant_api.echo_option_result(Err("no")) == Err("no")
    assert w.variant_api.echo_option_result(None) is None
