"""Strings lowered by the typed path of the generated glue (the corpus's
`lists` world): the UTF-8 of ASCII and non-ASCII names, read from the
strings themselves on CPython 3.10 and later and encoded on 3.9, and a
lone surrogate, which UTF-8 cannot encode, raising UnicodeEncodeError."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import kiln
from kiln.component import Component

HERE = Path(__file__).resolve().parent
WORKSPACE = HERE.parent.parent
GOLDEN = WORKSPACE / "wit-tools" / "golden" / "python"
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", WORKSPACE / "target"))
GUESTS = Path(os.environ.get("KILN_WIT_GUESTS", TARGET / "wit-guests"))
sys.path[:0] = [str(GOLDEN / "lists"), str(HERE / "component")]

import hosts  # noqa: E402
import lists  # noqa: E402

ENGINE = kiln.Engine()


def make_lists() -> lists.Lists:
    component = Component.from_file(ENGINE, str(GUESTS / "lists.wasm"))
    return lists.Lists(kiln.Store(ENGINE), component, list_host=hosts.ListsHost(lists))


NAMES = ["", "ascii", "wörld", "€uro", "😀 emoji", "a" * 1000, "é" * 1000]


def test_strings_of_every_width_round_trip() -> None:
    world = make_lists()
    for name in NAMES:
        assert world.list_api.echo_string(name) == name
        assert world.list_api.count_chars(name) == len(name)
    assert world.list_api.echo_strings(NAMES) == NAMES


def test_record_names_of_every_width_are_lowered() -> None:
    world = make_lists()
    scores = [lists.Score(name, float(i)) for i, name in enumerate(NAMES)]
    assert world.list_api.best_name(scores) == NAMES[-1]
    scores.reverse()
    assert world.list_api.best_name(scores) == NAMES[-1]


def test_a_lone_surrogate_argument_raises_before_the_call() -> None:
    world = make_lists()
    with pytest.raises(UnicodeEncodeError):
        world.list_api.echo_string("bad \ud800")
    # Found before the call began: the instance is still usable.
    assert world.list_api.echo_string("fine") == "fine"


def test_a_lone_surrogate_in_a_record_raises() -> None:
    world = make_lists()
    with pytest.raises(UnicodeEncodeError):
        world.list_api.best_name([lists.Score("ok", 1.0), lists.Score("\udfff", 2.0)])
