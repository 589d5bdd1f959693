"""Resources' lifetimes and traps in the middle of a call, through the
generated glue of the corpus's `resources` and `traps` worlds (the golden
files). Type-checked with `mypy --strict` by run-tests.sh, as a program
that uses the glue."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

import pytest

import kiln
from kiln.component import Component

HERE = Path(__file__).resolve().parent
WORKSPACE = HERE.parent.parent
GOLDEN = WORKSPACE / "wit-tools" / "golden" / "python"
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", WORKSPACE / "target"))
GUESTS = Path(os.environ.get("KILN_WIT_GUESTS", TARGET / "wit-guests"))
sys.path[:0] = [str(GOLDEN / "resources"), str(GOLDEN / "traps"), str(HERE / "component")]

import hosts  # noqa: E402
import resources  # noqa: E402
import traps  # noqa: E402

ENGINE = kiln.Engine()


def make_resources() -> tuple[resources.Resources, hosts.BlobsHost]:
    host = hosts.BlobsHost()
    component = Component.from_file(ENGINE, str(GUESTS / "resources.wasm"))
    return resources.Resources(kiln.Store(ENGINE), component, blobs=host), host


def test_dropping_a_guest_resource_runs_its_destructor_once() -> None:
    world, _ = make_resources()
    counters = world.counters
    c = counters.new_counter(5)
    assert counters.counter_live() == 1
    c.drop()
    assert c.dropped
    assert counters.counter_live() == 0
    with pytest.raises(kiln.KilnError, match="dropped"):
        c.drop()
    assert counters.counter_live() == 0


def test_using_a_dropped_handle_raises_and_the_instance_stays_usable() -> None:
    world, _ = make_resources()
    c = world.counters.new_counter(1)
    c.drop()
    with pytest.raises(kiln.KilnError, match="dropped"):
        c.get()
    with pytest.raises(kiln.KilnError, match="dropped"):
        world.counters.total([c])
    d = world.counters.new_counter(2)
    assert d.add(3) == 5
    d.drop()


def test_a_moved_handle_is_dead() -> None:
    world, _ = make_resources()
    c = world.counters.new_counter(7)
    assert world.counters.counter_consume(c) == 7
    assert c.dropped
    with pytest.raises(kiln.KilnError, match="dropped"):
        c.get()
    assert world.counters.counter_live() == 0


def test_with_blocks_drop_handles() -> None:
    world, _ = make_resources()
    with world.counters.new_counter(3) as c:
        with c.duplicate() as d:
            assert d.get() == 3
            assert world.counters.counter_live() == 2
        assert world.counters.counter_live() == 1
    assert world.counters.counter_live() == 0
    with world.counters.new_counter(4) as e:
        world.counters.counter_consume(e)
    assert world.counters.counter_live() == 0


def test_the_host_destructor_runs_once_per_blob() -> None:
    world, host = make_resources()
    b = world.blob_make(b"ab")
    assert host.live_blobs() == 1
    assert world.blob_peek(b) == b"ab"
    b.drop()
    assert host.live_blobs() == 0
    assert host.destroyed == 1
    with pytest.raises(kiln.KilnError):
        b.drop()
    assert host.destroyed == 1
    assert world.blob_roundtrip(b"x", b"yz") == b"xyz"
    assert host.destroyed == 2


def test_a_guest_double_drop_traps() -> None:
    world, _ = make_resources()
    with pytest.raises(kiln.Trap, match="unknown handle index"):
        world.blob_double_drop()


def make_traps() -> tuple[traps.Traps, hosts.TrapsHost]:
    host = hosts.TrapsHost()
    component = Component.from_file(ENGINE, str(GUESTS / "traps.wasm"))
    return traps.Traps(kiln.Store(ENGINE), component, trap_host=host), host


def test_a_trap_after_an_import_call() -> None:
    world, host = make_traps()
    assert world.echo(3) == 3
    with pytest.raises(kiln.Trap) as info:
        world.trap_after_import(9)
    assert info.value.code == kiln.TrapCode.UNREACHABLE
    assert host.notes == [9]
    with pytest.raises(kiln.Trap, match="cannot enter component instance"):
        world.echo(1)


def test_a_host_failure_comes_back_as_itself() -> None:
    world, _ = make_traps()
    with pytest.raises(hosts.HostFailure, match="^no luck$") as info:
        world.fail_via_host(1, "no luck")
    assert isinstance(info.value.__cause__, kiln.Trap)


def test_invalid_values_from_the_guest_trap() -> None:
    calls: list[tuple[Callable[[traps.Traps], object], str]] = [
        (lambda w: w.bad_utf8(), "invalid utf-8"),
        (lambda w: w.bad_char(), "invalid char"),
        (lambda w: w.bad_enum(), "discriminant"),
        (lambda w: w.bad_list(), "out of bounds"),
        (lambda w: w.misaligned_list(), "not aligned"),
    ]
    for call, text in calls:
        world, _ = make_traps()
        with pytest.raises(kiln.Trap) as info:
            call(world)
        # Kiln's own wording (`str()` gives Wasmtime's, by trap code).
        assert text in info.value.message


def test_an_argument_of_the_wrong_type_is_a_type_error() -> None:
    world, _ = make_traps()
    with pytest.raises(TypeError, match="expected an int, got str"):
        world.echo("3")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="out of range for u32"):
        world.echo(-1)
