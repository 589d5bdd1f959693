"""str(trap) names each trap in Wasmtime's words (checked against Wasmtime
50), while trap.message keeps Kiln's."""

import pytest

from conftest import epoch_engine, exports, fuel_engine
from kiln import Store, Trap

CASES = [
    ("(module (table 1 funcref) (func (export \"run\") (drop (table.get 0 (i32.const 5)))))",
     "undefined element: out of bounds table access"),
    ("(module (table 1 funcref) (func (export \"run\") (call_indirect (i32.const 5))))",
     "undefined element: out of bounds table access"),
    ("(module (table 1 funcref) (func (export \"run\") (call_indirect (i32.const 0))))",
     "uninitialized element"),
    ("(module (table funcref (elem $f)) (func $f (param i32)) (func (export \"run\") (call_indirect (i32.const 0))))",
     "indirect call type mismatch"),
    ("(module (func (export \"run\") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1)))))",
     "integer overflow"),
    ("(module (func (export \"run\") (drop (i32.trunc_f32_s (f32.const nan)))))",
     "invalid conversion to integer"),
    ("(module (memory 1) (func (export \"run\") (drop (i32.load (i32.const 100000)))))",
     "out of bounds memory access"),
    ("(module (func (export \"run\") unreachable))",
     "wasm `unreachable` instruction executed"),
    ("(module (func $r (export \"run\") call $r))",
     "call stack exhausted"),
]


def caused_by(trap):
    text = str(trap)
    head, _, cause = text.partition("\n\nCaused by:\n    ")
    assert head.startswith("error while executing at wasm backtrace:\n")
    return cause


@pytest.mark.parametrize("wat,wording", CASES, ids=[w for _, w in CASES])
def test_each_trap_is_worded_as_wasmtime_words_it(engine, store, wat, wording):
    with pytest.raises(Trap) as e:
        exports(store, engine, wat)["run"](store)
    assert caused_by(e.value) == f"wasm trap: {wording}\n"


def test_fuel_and_epoch_traps_are_worded_as_wasmtime_words_them():
    engine = fuel_engine()
    store = Store(engine)
    store.set_fuel(100)
    with pytest.raises(Trap) as e:
        exports(store, engine, '(module (func (export "run") (loop br 0)))')["run"](store)
    assert e.value.message == "all fuel consumed"
    assert caused_by(e.value) == "wasm trap: all fuel consumed by WebAssembly\n"
    engine = epoch_engine()
    store = Store(engine)
    store.set_epoch_deadline(0)
    with pytest.raises(Trap) as e:
        exports(store, engine, '(module (func (export "run") (loop br 0)))')["run"](store)
    assert e.value.message == "interrupted"
    assert caused_by(e.value) == "wasm trap: interrupt\n"


def test_every_frame_gets_a_line_and_one_without_an_offset_shows_none():
    from kiln import Frame, TrapCode

    frames = [
        Frame(3, "inner", None, None, None),
        Frame(12, None, "m", 4, 0x1234567),
        Frame(1000, "outer", "m", 1, 0x22),
    ]
    trap = Trap("unreachable", TrapCode.UNREACHABLE, frames)
    assert str(trap) == (
        "error while executing at wasm backtrace:\n"
        "    0: <unknown>!inner\n"
        "    1: 0x1234567 - m!<wasm function 12>\n"
        "    2:     0x22 - m!outer\n"
        "\n"
        "Caused by:\n"
        "    wasm trap: wasm `unreachable` instruction executed\n"
    )


def test_a_host_error_trap_is_caused_by_the_host_message():
    from kiln import Frame, TrapCode

    trap = Trap("Boom: no", TrapCode.HOST_ERROR, [Frame(0, None, None, 1, 0x20)])
    assert str(trap).endswith("\n\nCaused by:\n    Boom: no\n")
    assert str(Trap("Boom: no", TrapCode.HOST_ERROR)) == "Boom: no"
