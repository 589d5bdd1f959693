import ctypes

import pytest

from conftest import epoch_engine, fuel_engine
from kiln import Engine, Func, FuncType, Instance, KilnError, Module, Store, Trap, TrapCode, ValType


def test_data_and_engine(engine):
    store = Store(engine)
    assert store.data is None
    assert store.engine is engine
    store.data = {"calls": 0}
    assert store.data == {"calls": 0}
    assert Store(engine, data=5).data == 5
    assert isinstance(Store().engine, Engine)


def test_externrefs_are_freed_by_gc(engine):
    store = Store(engine)
    wat = '(module (table (export "t") 1 externref) (func (export "put") (param externref) i32.const 0 local.get 0 table.set 0))'
    ex = Instance(store, Module(engine, wat), []).exports(store)
    obj = object()
    ex["put"](store, obj)
    assert ex["t"].get(store, 0) is obj
    ex["put"](store, None)
    store.gc()
    assert ex["t"].get(store, 0) is None


def test_host_function_sees_store_data_through_caller(engine):
    store = Store(engine, data=[])

    def record(caller, x):
        assert caller.store is store
        caller.store.data.append(x)

    f = Func(store, FuncType([ValType.i32()], []), record, access_caller=True)
    f(store, 4)
    f(store, 5)
    assert store.data == [4, 5]


def test_fuel_from_inside_a_host_function():
    engine = fuel_engine()
    store = Store(engine)
    store.set_fuel(100)
    seen = []

    def refuel():
        seen.append(store.get_fuel())
        store.add_fuel(50)

    wat = '(module (import "" "refuel" (func $r)) (func (export "run") call $r))'
    run = Instance(store, Module(engine, wat), [Func(store, FuncType([], []), refuel)]).exports(store)["run"]
    run(store)
    # run's only block (call, end) paid 2 units before the call.
    assert seen == [98]
    assert store.get_fuel() == 148


HOST_THEN_LOOP = """(module (import "" "host" (func $host))
    (func $count (export "count") (param i32) (result i32) (local i32)
      (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      local.get 1)
    (func (export "run") call $host)
    (func (export "run_then_count") (param i32) (result i32) call $host local.get 0 call $count))"""


def test_set_fuel_from_inside_a_host_function():
    engine = fuel_engine()
    store = Store(engine)
    store.set_fuel(100)
    seen = []

    def refuel(caller):
        caller.store.set_fuel(7)
        seen.append(caller.store.get_fuel())

    host = Func(store, FuncType([], []), refuel, access_caller=True)
    run = Instance(store, Module(engine, HOST_THEN_LOOP), [host]).exports(store)["run"]
    run(store)
    # run's only block (call, end) paid before the call: what the host
    # function set is what is left.
    assert seen == [7]
    assert store.get_fuel() == 7


def test_epoch_deadline_set_inside_a_host_function_interrupts_later_wasm():
    engine = epoch_engine()
    store = Store(engine)
    store.set_epoch_deadline(1000)
    host = Func(store, FuncType([], []), lambda: store.set_epoch_deadline(1))
    ex = Instance(store, Module(engine, HOST_THEN_LOOP), [host]).exports(store)
    ex["run"](store)
    # Without the deadline the host function set, 1000 ticks away, the loop
    # would run to its end; with it, one tick stops it.
    engine.increment_epoch()
    with pytest.raises(Trap) as raised:
        ex["count"](store, 1_000_000)
    assert raised.value.code == TrapCode.INTERRUPT


def test_epoch_deadline_set_inside_a_host_function_interrupts_the_wasm_it_calls_next():
    engine = epoch_engine()
    store = Store(engine)
    store.set_epoch_deadline(1000)

    def arm():
        store.set_epoch_deadline(1)
        engine.increment_epoch()

    host = Func(store, FuncType([], []), arm)
    ex = Instance(store, Module(engine, HOST_THEN_LOOP), [host]).exports(store)
    with pytest.raises(Trap) as raised:
        ex["run_then_count"](store, 1_000_000)
    assert raised.value.code == TrapCode.INTERRUPT
    store.set_epoch_deadline(1000)
    assert ex["count"](store, 1000) == 1000


def test_limits_set_inside_a_host_function_bound_memory_growth():
    engine = Engine()
    store = Store(engine)
    module = Module(
        engine,
        """(module (import "" "host" (func $host)) (memory (export "mem") 1)
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
            (func (export "limit_then_grow") (result i32 i32)
              call $host (memory.grow (i32.const 1)) (memory.grow (i32.const 1))))""",
    )
    host = Func(store, FuncType([], []), lambda: store.set_limits(memory_size=2 * 65536))
    ex = Instance(store, module, [host]).exports(store)
    assert ex["limit_then_grow"](store) == [1, -1]
    assert ex["grow"](store, 1) == -1
    assert ex["mem"].size(store) == 2
    store.set_limits()
    assert ex["grow"](store, 1) == 2


def test_gc_inside_a_host_function_frees_nothing_until_wasm_returns(engine):
    import weakref

    class Host:
        pass

    store = Store(engine)
    wat = """(module (import "" "host" (func $host)) (table (export "t") 1 externref)
        (func (export "put") (param externref) i32.const 0 local.get 0 table.set 0)
        (func (export "run") call $host))"""
    seen = []

    def collect():
        store.gc()
        seen.append(ref() is not None)

    ex = Instance(store, Module(engine, wat), [Func(store, FuncType([], []), collect)]).exports(store)
    obj = Host()
    ref = weakref.ref(obj)
    ex["put"](store, obj)
    del obj
    ex["put"](store, None)
    ex["run"](store)
    # wasm frames may hold references the store cannot see, so a collection
    # while wasm runs keeps every host value.
    assert seen == [True]
    assert ref() is not None
    store.gc()
    assert ref() is None


def test_memory_grown_and_written_inside_a_host_function_is_what_wasm_sees(engine):
    store = Store(engine)
    wat = """(module (import "" "host" (func $host)) (memory (export "memory") 1)
        (func (export "run") (result i32 i32)
          call $host memory.size (i32.load8_u (i32.const 65536))))"""
    seen = []

    def host(caller):
        memory = caller["memory"]
        before = ctypes.addressof(memory.data_ptr(caller).contents)
        assert memory.grow(caller, 1) == 1
        memory.write(caller, b"\x2a", 65536)
        view = memory.buffer(caller)
        after = ctypes.addressof(memory.data_ptr(caller).contents)
        seen.append((after == before, len(view), view[65536]))
        caller.store.data = memory.size(caller)

    f = Func(store, FuncType([], []), host, access_caller=True)
    ex = Instance(store, Module(engine, wat), [f]).exports(store)
    assert ex["run"](store) == [2, 42]
    assert seen == [(True, 2 * 65536, 42)]
    assert store.data == 2
    assert ex["memory"].read(store, 65536, 65537) == b"\x2a"


def test_nested_host_functions_each_reach_their_callers_exports(engine):
    store = Store(engine)
    wat = """(module (import "" "outer" (func $outer)) (import "" "inner" (func $inner))
        (memory (export "memory") 1)
        (func (export "run") call $outer)
        (func (export "call_inner") call $inner))"""
    holder = {}
    seen = []

    def inner(caller):
        caller["memory"].write(caller, b"in", 0)
        seen.append(("inner", caller["memory"].size(caller)))

    def outer(caller):
        memory = caller["memory"]
        holder["call_inner"](store)
        seen.append(("outer", bytes(memory.read(caller, 0, 2)), caller.get("memory") is not None))
        memory.grow(caller, 1)

    imports = [
        Func(store, FuncType([], []), outer, access_caller=True),
        Func(store, FuncType([], []), inner, access_caller=True),
    ]
    ex = Instance(store, Module(engine, wat), imports).exports(store)
    holder["call_inner"] = ex["call_inner"]
    ex["run"](store)
    assert seen == [("inner", 1), ("outer", b"in", True)]
    assert ex["memory"].size(store) == 2


def test_set_limits_bounds_memory_growth_and_instances():
    engine = Engine()
    store = Store(engine)
    store.set_limits(memory_size=2 * 65536, instances=1)
    module = Module(
        engine,
        """(module (memory (export "mem") 1)
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))""",
    )
    exports = Instance(store, module, []).exports(store)
    assert exports["grow"](store, 1) == 1
    assert exports["grow"](store, 1) == -1
    with pytest.raises(KilnError) as raised:
        Instance(store, module, [])
    assert str(raised.value) == (
        "the store's limit of 1 instances is reached: it holds 1 and 1 more are needed"
    )
    store.set_limits()
    assert exports["grow"](store, 1) == 2


MEMORY_WAT = """(module (memory (export "mem") 1)
    (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))"""


def test_store_as_context_manager_closes_it_and_later_use_raises(engine):
    module = Module(engine, MEMORY_WAT)
    with Store(engine) as store:
        assert not store.closed
        exports = Instance(store, module, []).exports(store)
        exports["poke"](store, 0, 7)
        assert exports["mem"].read(store, 0, 1) == b"\x07"
    assert store.closed
    # ValueError, as Python raises for a closed file and wasmtime-py for a
    # closed store.
    with pytest.raises(ValueError) as raised:
        exports["poke"](store, 0, 8)
    assert type(raised.value) is ValueError
    assert str(raised.value) == "the store is closed"
    with pytest.raises(ValueError, match="the store is closed"):
        exports["mem"].read(store, 0, 1)
    with pytest.raises(ValueError, match="the store is closed"):
        Instance(store, module, [])
    with pytest.raises(ValueError, match="the store is closed"):
        store.set_epoch_deadline(1)
    store.close()
    assert store.closed


def test_store_closes_when_its_block_raises(engine):
    with pytest.raises(ValueError, match="inside"):
        with Store(engine) as store:
            raise ValueError("inside")
    assert store.closed


def test_memory_view_outlives_closing_its_store(engine):
    store = Store(engine)
    exports = Instance(store, Module(engine, MEMORY_WAT), []).exports(store)
    exports["poke"](store, 3, 42)
    view = exports["mem"].buffer(store)
    store.close()
    assert view[3] == 42
    view[4] = 9
    assert bytes(view[3:5]) == b"\x2a\x09"
    del view


def test_store_cannot_be_closed_from_its_own_host_function(engine):
    store = Store(engine)
    seen = []

    def close_it():
        with pytest.raises(KilnError) as raised:
            store.close()
        seen.append(str(raised.value))

    host = Func(store, FuncType([], []), close_it)
    module = Module(engine, '(module (import "" "f" (func $f)) (func (export "run") call $f))')
    Instance(store, module, [host]).exports(store)["run"](store)
    assert seen == ["a store cannot be closed while wasm runs in it"]
    assert not store.closed
