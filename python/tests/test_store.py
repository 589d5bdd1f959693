import pytest

from kiln import Engine, Func, FuncType, Instance, KilnError, Module, Store, ValType


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
    from kiln import Config

    config = Config()
    config.consume_fuel = True
    engine = Engine(config)
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


def test_epoch_deadline_cannot_change_inside_a_host_function(engine):
    store = Store(engine)

    def f():
        store.set_epoch_deadline(1)

    with pytest.raises(KilnError) as e:
        Func(store, FuncType([], []), f)(store)
    assert str(e.value) == "the epoch deadline cannot change while wasm runs in the store"


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
    with pytest.raises(KilnError) as raised:
        exports["poke"](store, 0, 8)
    assert str(raised.value) == "the store is closed"
    with pytest.raises(KilnError, match="the store is closed"):
        exports["mem"].read(store, 0, 1)
    with pytest.raises(KilnError, match="the store is closed"):
        Instance(store, module, [])
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
