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
