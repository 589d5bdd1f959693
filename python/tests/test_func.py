import math

import pytest

from conftest import exports
from kiln import Caller, Func, FuncType, Instance, KilnError, Linker, Module, Store, Trap, TrapCode, Val, ValType

I32, I64, F32, F64 = ValType.i32(), ValType.i64(), ValType.f32(), ValType.f64()

NUMBERS = """
(module
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "add64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "mulf") (param f32 f32) (result f32) local.get 0 local.get 1 f32.mul)
  (func (export "sqrt") (param f64) (result f64) local.get 0 f64.sqrt)
  (func (export "swap") (param i32 i64) (result i64 i32) local.get 1 local.get 0)
  (func (export "nothing"))
  (func (export "v") (param v128) (result v128) local.get 0)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func $inner unreachable)
  (func (export "deep") call $inner))
"""


def test_calls_convert_values(engine, store):
    ex = exports(store, engine, NUMBERS)
    assert ex["add"](store, 2, 3) == 5
    assert ex["add"](store, 0x7FFFFFFF, 1) == -0x80000000
    assert ex["add"](store, 0xFFFFFFFF, 0) == -1
    assert ex["add64"](store, 2**62, 2**62) == -(2**63)
    assert ex["add64"](store, 2**64 - 1, 0) == -1
    assert ex["mulf"](store, 1.5, 2) == 3.0
    assert ex["mulf"](store, 0.1, 1.0) == 0.10000000149011612
    assert ex["sqrt"](store, 2.0) == math.sqrt(2.0)
    assert math.isnan(ex["sqrt"](store, -1.0))
    assert ex["swap"](store, 7, 9) == [9, 7]
    assert ex["nothing"](store) is None
    assert ex["v"](store, 2**128 - 1) == 2**128 - 1


def test_calls_of_up_to_sixteen_numbers_and_beyond(engine, store):
    """Sixteen values each way go through raw slots, seventeen through values; both agree."""

    def summing(n):
        params = " ".join(["i64"] * n)
        body = " ".join(f"(i64.add (local.get {i}))" for i in range(1, n))
        results = " ".join(["i64"] * 16)
        spread = " ".join(f"(i64.add (local.get 0) (i64.const {i}))" for i in range(16))
        return (
            f'(func (export "sum{n}") (param {params}) (result i64) (local.get 0) {body})'
            f'(func (export "spread{n}") (param {params}) (result {results}) {spread})'
        )

    ex = exports(store, engine, f"(module {summing(16)} {summing(17)})")
    assert ex["sum16"](store, *range(1, 17)) == 136
    assert ex["sum17"](store, *range(1, 18)) == 153
    assert ex["sum16"](store, *([2**63 - 1] + [0] * 14 + [1])) == -(2**63)
    assert ex["spread16"](store, 10, *([0] * 15)) == list(range(10, 26))
    assert ex["spread17"](store, 10, *([0] * 16)) == list(range(10, 26))


def test_calls_accept_vals(engine, store):
    ex = exports(store, engine, NUMBERS)
    assert ex["add64"](store, Val.i64(5), Val.i64(6)) == 11
    assert ex["mulf"](store, Val.f32(2.5), Val.f32(2.0)) == 5.0
    with pytest.raises(TypeError) as e:
        ex["add"](store, Val.i64(1), 2)
    assert str(e.value) == "expected a value of type i32, got a Val of type i64"


def test_bad_arguments(engine, store):
    add = exports(store, engine, NUMBERS)["add"]
    # A wrong number of arguments is a KilnError, as in wasmtime-py.
    with pytest.raises(KilnError) as e:
        add(store, 1)
    assert type(e.value) is KilnError
    assert str(e.value) == "the function expects 2 arguments, got 1"
    with pytest.raises(TypeError) as e:
        add()
    assert str(e.value) == "a function is called with its store first: func(store, *args)"
    with pytest.raises(TypeError):
        add(1, 2)
    with pytest.raises(TypeError) as e:
        add(store, "1", 2)
    assert str(e.value) == "'str' object cannot be interpreted as an integer"
    with pytest.raises(OverflowError) as e:
        add(store, 2**32, 0)
    assert str(e.value) == "4294967296 does not fit in an i32"
    with pytest.raises(OverflowError) as e:
        add(store, -(2**70), 0)
    assert str(e.value) == "Python int too large to convert to C long"
    assert add(store, 2**32 - 1, 1) == 0
    assert add(store, -(2**31), -1) == 2**31 - 1
    with pytest.raises(TypeError) as e:
        exports(store, engine, NUMBERS)["sqrt"](store, "x")
    assert str(e.value) == "expected a float, got str"


def test_function_types(engine, store):
    ex = exports(store, engine, NUMBERS)
    ty = ex["swap"].type(store)
    assert ty == FuncType([I32, I64], [I64, I32])
    assert ty.params == [I32, I64]
    assert ty.results == [I64, I32]
    assert str(ty) == "(func (param i32 i64) (result i64 i32))"
    assert repr(I32) == "ValType.i32()"
    assert str(ValType.externref()) == "externref"
    assert {ValType.i32(), ValType.i32(), ValType.f64()} == {I32, F64}


def test_traps_carry_code_message_and_frames(engine, store):
    ex = exports(store, engine, NUMBERS)
    with pytest.raises(Trap) as e:
        ex["div"](store, 1, 0)
    assert e.value.code == TrapCode.INTEGER_DIVISION_BY_ZERO
    assert e.value.trap_code == TrapCode.INTEGER_DIVISION_BY_ZERO
    assert e.value.message == "integer divide by zero"
    assert [f.func_index for f in e.value.frames] == [7]
    with pytest.raises(Trap) as e:
        ex["div"](store, -(2**31), -1)
    assert e.value.code == TrapCode.INTEGER_OVERFLOW
    assert e.value.message == "integer overflow"
    with pytest.raises(Trap) as e:
        ex["deep"](store)
    assert e.value.code == TrapCode.UNREACHABLE
    assert [f.func_index for f in e.value.frames] == [8, 9]
    assert e.value.frames[0].func_name == "inner"
    assert e.value.frames[1].func_name is None
    assert e.value.message == "unreachable"
    assert str(e.value) == (
        "error while executing at wasm backtrace:\n"
        "    0:     0xb9 - <unknown>!inner\n"
        "    1:     0xbd - <unknown>!<wasm function 9>\n"
        "\n"
        "Caused by:\n"
        "    wasm trap: wasm `unreachable` instruction executed\n"
    )
    # The store stays usable after a trap.
    assert ex["add"](store, 1, 1) == 2


def test_str_of_a_trap_is_wasmtimes_report(engine, store):
    wat = """(module $m
        (func (export "run") (param i32) (result i32)
            (if (i32.eqz (local.get 0)) (then unreachable))
            (call $div (local.get 0)))
        (func $div (param i32) (result i32) (i32.div_u (i32.const 1) (i32.sub (local.get 0) (i32.const 1)))))"""
    ex = exports(store, engine, wat)
    with pytest.raises(Trap) as e:
        ex["run"](store, 1)
    assert e.value.message == "integer divide by zero"
    assert str(e.value) == (
        "error while executing at wasm backtrace:\n"
        "    0:     0x38 - m!div\n"
        "    1:     0x2c - m!<wasm function 0>\n"
        "\n"
        "Caused by:\n"
        "    wasm trap: integer divide by zero\n"
    )


def test_str_of_a_trap_made_from_a_message_is_the_message():
    assert str(Trap("custom")) == "custom"
    assert Trap("custom").message == "custom"
    assert Trap("custom").frames == []


def test_stack_overflow_traps(engine, store):
    ex = exports(store, engine, '(module (func $f (export "f") call $f))')
    with pytest.raises(Trap) as e:
        ex["f"](store)
    assert e.value.code == TrapCode.STACK_OVERFLOW
    assert e.value.message == "call stack exhausted"


def test_function_of_another_store(engine, store):
    add = exports(store, engine, NUMBERS)["add"]
    with pytest.raises(KilnError) as e:
        add(Store(engine), 1, 2)
    assert str(e.value) == "the function belongs to a different store"


CALLS_HOST = """
(module
  (import "host" "f" (func $f (param i32 i64 f32 f64) (result i64)))
  (func (export "run") (param i32) (result i64)
    local.get 0 i64.const -5 f32.const 1.5 f64.const 2.25 call $f))
"""


def test_host_function_gets_and_returns_values(engine, store):
    seen = []

    def f(a, b, c, d):
        seen.append((a, b, c, d))
        return a * 10

    host = Func(store, FuncType([I32, I64, F32, F64], [I64]), f)
    assert host.type(store) == FuncType([I32, I64, F32, F64], [I64])
    run = exports(store, engine, CALLS_HOST, [host])["run"]
    assert run(store, 4) == 40
    assert seen == [(4, -5, 1.5, 2.25)]
    # A host function can also be called directly.
    assert host(store, 1, 2, 3.0, 4.0) == 10


def test_host_function_with_several_results(engine, store):
    host = Func(store, FuncType([], [I32, I64]), lambda: (1, 2))
    ex = exports(
        store,
        engine,
        """(module (import "" "f" (func $f (result i32 i64)))
             (func (export "run") (result i64) (local i64) call $f local.set 0 i64.extend_i32_s local.get 0 i64.add))""",
        [host],
    )
    assert ex["run"](store) == 3


class Boom(Exception):
    pass


def test_host_exception_is_reraised_as_the_same_object(engine, store):
    raised = Boom("no")

    def f(a, b, c, d):
        raise raised

    run = exports(store, engine, CALLS_HOST, [Func(store, FuncType([I32, I64, F32, F64], [I64]), f)])["run"]
    with pytest.raises(Boom) as e:
        run(store, 1)
    assert e.value is raised
    trap = e.value.__cause__
    assert isinstance(trap, Trap)
    assert trap.code == TrapCode.HOST_ERROR
    assert trap.message == "Boom: no"
    assert [f.func_index for f in trap.frames] == [1]
    # The store stays usable.
    ok = Func(store, FuncType([I32, I64, F32, F64], [I64]), lambda a, b, c, d: 7)
    assert exports(store, engine, CALLS_HOST, [ok])["run"](store, 1) == 7


def test_host_exception_keeps_its_own_cause(engine, store):
    def f():
        try:
            {}["missing"]
        except KeyError as k:
            raise ValueError("wrapped") from k

    run = exports(store, engine, '(module (import "" "f" (func $f)) (func (export "run") call $f))', [Func(store, FuncType([], []), f)])["run"]
    with pytest.raises(ValueError) as e:
        run(store)
    assert isinstance(e.value.__cause__, KeyError)


def test_host_exception_through_nested_wasm(engine, store):
    """wasm -> host -> wasm -> host raising: the innermost exception surfaces."""
    wat = """(module (import "" "f" (func $f (param i32)))
               (func (export "run") (param i32) local.get 0 call $f))"""
    raised = Boom("inner")
    holder = {}

    def f(depth):
        if depth == 0:
            raise raised
        holder["run"](store, depth - 1)

    holder["run"] = exports(store, engine, wat, [Func(store, FuncType([I32], []), f)])["run"]
    with pytest.raises(Boom) as e:
        holder["run"](store, 3)
    assert e.value is raised
    assert isinstance(e.value.__cause__, Trap)


def test_host_function_results_are_checked(engine, store):
    wat = '(module (import "" "f" (func $f (result i32))) (func (export "run") (result i32) call $f))'
    run = exports(store, engine, wat, [Func(store, FuncType([], [I32]), lambda: "x")])["run"]
    with pytest.raises(TypeError) as e:
        run(store)
    assert str(e.value) == "'str' object cannot be interpreted as an integer"
    # Too many or too few results is a KilnError, as in wasmtime-py; a
    # result that is no sequence at all, a TypeError.
    noresult = Func(store, FuncType([], []), lambda: 5)
    with pytest.raises(KilnError) as e:
        noresult(store)
    assert str(e.value) == "the host function returned a value, but its type has no results"
    two = Func(store, FuncType([], [I32, I32]), lambda: [1])
    with pytest.raises(KilnError) as e:
        two(store)
    assert str(e.value) == "the host function returned 1 values, but its type has 2 results"
    scalar = Func(store, FuncType([], [I32, I32]), lambda: 1)
    with pytest.raises(TypeError) as e:
        scalar(store)
    assert str(e.value) == "the host function must return a sequence of 2 values"


def test_host_function_reads_memory_through_the_store(engine, store):
    wat = """(module (import "" "log" (func $log (param i32 i32)))
               (memory (export "mem") 1) (data (i32.const 8) "hello")
               (func (export "run") i32.const 8 i32.const 5 call $log))"""
    got = []
    holder = {}
    log = Func(store, FuncType([I32, I32], []), lambda p, n: got.append(bytes(holder["mem"].read(store, p, p + n))))
    ex = exports(store, engine, wat, [log])
    holder["mem"] = ex["mem"]
    ex["run"](store)
    assert got == [b"hello"]


def test_access_caller(engine, store):
    wat = """(module (import "" "peek" (func $peek (param i32) (result i32)))
               (memory (export "memory") 1) (data (i32.const 0) "\\2a")
               (func (export "run") (result i32) i32.const 0 call $peek))"""
    kept = []

    def peek(caller, ptr):
        assert isinstance(caller, Caller)
        assert caller.get("missing") is None
        kept.append(caller)
        return caller["memory"].read(caller, ptr, ptr + 1)[0]

    ex = exports(store, engine, wat, [Func(store, FuncType([I32], [I32]), peek, access_caller=True)])
    assert ex["run"](store) == 42
    # Afterwards it has no exports, as in wasmtime-py, and using it as a
    # store is a ValueError, as using a closed store is.
    assert kept[0].get("memory") is None
    with pytest.raises(ValueError) as e:
        ex["memory"].size(kept[0])
    assert type(e.value) is ValueError
    assert str(e.value) == "a Caller is only valid while its host function runs"


def test_funcref_values(engine, store):
    wat = """(module (table (export "t") 2 funcref) (elem (i32.const 0) $one)
               (func $one (result i32) i32.const 1)
               (func (export "get") (param i32) (result funcref) local.get 0 table.get 0))"""
    ex = exports(store, engine, wat)
    f = ex["get"](store, 0)
    assert isinstance(f, Func)
    assert f(store) == 1
    assert ex["get"](store, 1) is None


def test_externref_values_round_trip(engine, store):
    ex = exports(store, engine, '(module (func (export "id") (param externref) (result externref) local.get 0))')
    obj = object()
    assert ex["id"](store, obj) is obj
    assert ex["id"](store, None) is None
    assert ex["id"](store, Val.externref(obj)) is obj


def test_val(engine):
    assert Val.i32(5).value == 5
    assert Val.i32(0xFFFFFFFF).value == -1
    assert Val.i64(-3).type == I64
    assert Val.f32(0.1).value == 0.10000000149011612
    assert Val.f64(0.1).value == 0.1
    assert Val.v128(3).value == 3
    assert Val.funcref(None).value is None
    assert Val.externref(None).type == ValType.externref()
    assert Val.i32(1) == Val.i32(1)
    assert Val.i32(1) != Val.i64(1)
    assert repr(Val.f64(1.5)) == "Val.f64(1.5)"
    # As in wasmtime-py: integers wrap, floats must be floats.
    assert Val.i32(2**32 + 5).as_i32() == 5
    assert Val.i64(2**64 - 1).as_i64() == -1
    with pytest.raises(TypeError):
        Val.f32(1)
    with pytest.raises(TypeError):
        Val.i32(1.5)
    assert (Val.i32(1).as_i64(), Val.f64(2.5).as_f64(), Val.f32(0.5).as_f32()) == (None, 2.5, 0.5)
    assert Val.externref(obj := object()).as_externref() is obj
    assert Val.funcref(None).as_funcref() is None


def test_linker_host_function_runs_in_any_store(engine):
    linker = Linker(engine)
    linker.define_func("host", "double", FuncType([I32], [I32]), lambda x: 2 * x)
    module = Module(engine, '(module (import "host" "double" (func $d (param i32) (result i32))) (func (export "run") (param i32) (result i32) local.get 0 call $d))')
    for n in range(3):
        store = Store(engine)
        assert linker.instantiate(store, module).exports(store)["run"](store, n) == 2 * n


def test_start_function_exception(engine, store):
    raised = Boom("start")

    def f():
        raise raised

    module = Module(engine, '(module (import "" "f" (func $f)) (start $f))')
    with pytest.raises(Boom) as e:
        Instance(store, module, [Func(store, FuncType([], []), f)])
    assert e.value is raised


def test_exports_by_name_and_index(engine, store):
    ex = exports(store, engine, NUMBERS)
    assert len(ex) == 9
    assert list(ex)[:3] == ["add", "add64", "mulf"]
    assert ex[0](store, 1, 2) == 3
    assert ex[-1].type(store) == FuncType([], [])
    assert "add" in ex
    assert "nope" not in ex
    assert ex.get("nope") is None
    assert ex.keys()[1] == "add64"
    assert [name for name, _ in ex.items()][:2] == ["add", "add64"]
    with pytest.raises(KeyError):
        ex["nope"]
    with pytest.raises(IndexError) as e:
        ex[9]
    assert str(e.value) == "export index 9 is out of range for 9 exports"


def test_type_checks_the_store_when_given(engine, store):
    add = exports(store, engine, NUMBERS)["add"]
    assert add.type() == add.type(store)
    with pytest.raises(KilnError) as e:
        add.type(Store(engine))
    assert str(e.value) == "the function belongs to a different store"


def test_val_ref_null_makes_null_references_of_reference_types_only():
    assert Val.ref_null(ValType.funcref()) == Val.funcref(None)
    assert Val.ref_null(ValType.externref()).type == ValType.externref()
    assert Val.ref_null(ValType.externref()).value is None
    with pytest.raises(KilnError) as e:
        Val.ref_null(ValType.i32())
    assert str(e.value) == "a null reference needs a reference type, not i32"


def test_access_caller_may_come_by_position(engine, store):
    seen = []
    func = Func(store, FuncType([], []), lambda caller: seen.append(type(caller).__name__), True)
    func(store)
    linker = Linker(engine)
    linker.define_func("", "f", FuncType([], []), lambda caller: seen.append(type(caller).__name__), True)
    instance = linker.instantiate(store, Module(engine, '(module (import "" "f" (func $f)) (func (export "run") call $f))'))
    instance.exports(store)["run"](store)
    assert seen == ["Caller", "Caller"]


def test_a_val_equals_the_plain_value_it_holds():
    assert Val.i32(1) == 1
    assert Val.f64(0.5) == 0.5
    assert Val.i32(1) != 2
    assert Val.i32(1) != "1"
    obj = object()
    assert Val.externref(obj) == obj
