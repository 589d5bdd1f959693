"""The pooling allocator and the memory settings from Python: limits reached
are `KilnError`s naming them, a reused slot never shows the last tenant's
memory, and threads create and drop instances at once."""

import ctypes
import threading

import pytest

from kiln import (
    Config,
    Engine,
    Instance,
    KilnError,
    Memory,
    MemoryType,
    Limits,
    Module,
    PoolingAllocationConfig,
    Store,
    Table,
    TableType,
    ValType,
)
from kiln._errors import ArgumentTypeError

PAGE = 65536

TENANT = """(module
  (memory (export "memory") 1)
  (table (export "table") 1 funcref)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"""


def pooling(**limits):
    config = Config()
    config.allocation_strategy = PoolingAllocationConfig(**limits)
    return Engine(config)


def test_exhausting_each_pool_is_a_kiln_error_naming_its_limit():
    engine = pooling(total_core_instances=3, total_memories=2, total_tables=1)
    empty = Module(engine, "(module)")
    store = Store(engine)
    for _ in range(3):
        Instance(store, empty, [])
    with pytest.raises(KilnError) as e:
        Instance(store, empty, [])
    assert str(e.value) == "maximum concurrent limit of 3 for core instances reached"
    store.close()

    store = Store(engine)
    other = Store(engine)
    Memory(store, MemoryType(Limits(1, None)))
    Instance(other, Module(engine, "(module (memory 1))"), [])
    with pytest.raises(KilnError) as e:
        Memory(store, MemoryType(Limits(1, None)))
    assert str(e.value) == "maximum concurrent limit of 2 for memories reached"
    Table(store, TableType(ValType.funcref(), Limits(1, None)), None)
    with pytest.raises(KilnError) as e:
        Instance(other, Module(engine, "(module (table 1 funcref))"), [])
    assert str(e.value) == "maximum concurrent limit of 1 for tables reached"

    # Closing the stores gives their slots back.
    store.close()
    other.close()
    with Store(engine) as store:
        Memory(store, MemoryType(Limits(1, None)))
        Memory(store, MemoryType(Limits(1, None)))
        Table(store, TableType(ValType.funcref(), Limits(1, None)), None)


def test_a_memory_larger_than_a_slot_is_refused_and_cannot_grow_past_it():
    engine = pooling(max_memory_size=4 * PAGE, table_elements=10)
    with pytest.raises(KilnError) as e:
        Instance(Store(engine), Module(engine, "(module (memory 5))"), [])
    assert str(e.value) == (
        "memory minimum size of 5 pages exceeds the pooling allocator's limit of 4 pages"
        " (max_memory_size of 262144 bytes)"
    )
    with pytest.raises(KilnError) as e:
        Instance(Store(engine), Module(engine, "(module (table 11 funcref))"), [])
    assert str(e.value) == (
        "table minimum size of 11 elements exceeds the pooling allocator's limit"
        " (table_elements) of 10 elements"
    )
    store = Store(engine)
    ex = Instance(store, Module(engine, TENANT), []).exports(store)
    assert ex["grow"](store, 3) == 1
    assert ex["grow"](store, 1) == -1
    with pytest.raises(KilnError):
        ex["memory"].grow(store, 1)


def test_limits_a_slot_cannot_hold_are_refused_by_engine():
    config = Config()
    config.allocation_strategy = PoolingAllocationConfig(max_memory_size=(4 << 30) + PAGE)
    with pytest.raises(KilnError) as e:
        Engine(config)
    assert str(e.value) == (
        "the pooling allocator's max_memory_size of 4295032832 bytes is more than"
        " the 4294967296 bytes a memory can hold"
    )
    pool = PoolingAllocationConfig()
    pool.table_elements = 10_000_001
    config = Config()
    config.allocation_strategy = pool
    with pytest.raises(KilnError) as e:
        Engine(config)
    assert str(e.value) == (
        "the pooling allocator's table_elements of 10000001 is more than"
        " the 10000000 elements a table can hold"
    )


def test_allocation_strategy_takes_a_name_or_a_pool():
    config = Config()
    config.allocation_strategy = "pooling"
    config.allocation_strategy = "on_demand"
    with pytest.raises(KilnError) as e:
        config.allocation_strategy = "eager"
    assert str(e.value) == (
        'unknown allocation strategy `eager`: expected "on_demand", "pooling"'
        " or a PoolingAllocationConfig"
    )
    with pytest.raises(ArgumentTypeError):
        config.allocation_strategy = 3
    with pytest.raises(TypeError):
        PoolingAllocationConfig(100)  # type: ignore[misc]
    with pytest.raises(OverflowError):
        PoolingAllocationConfig(total_memories=-1)
    # The engine took a copy: changing the pool afterwards changes nothing.
    pool = PoolingAllocationConfig(total_core_instances=1)
    config = Config()
    config.allocation_strategy = pool
    pool.total_core_instances = 5
    engine = Engine(config)
    store = Store(engine)
    Instance(store, Module(engine, "(module)"), [])
    with pytest.raises(KilnError):
        Instance(store, Module(engine, "(module)"), [])


def test_a_reused_slot_never_shows_the_last_tenants_memory():
    # One memory slot, so the second tenant gets the first one's; part of
    # it stays resident and is zeroed by writing, the rest is given back.
    engine = pooling(total_memories=1, max_memory_size=8 * PAGE, linear_memory_keep_resident=PAGE + 4096)
    module = Module(engine, TENANT)
    secret = 0x5EC2E7E7
    store = Store(engine)
    ex = Instance(store, module, []).exports(store)
    assert ex["grow"](store, 3) == 1
    for address in [0, 4096, PAGE - 4, PAGE, 3 * PAGE + 100, 4 * PAGE - 4]:
        ex["store"](store, address, secret)
    ex["memory"].write(store, b"secret from the host", 2 * PAGE)
    slot = ctypes.addressof(ex["memory"].data_ptr(store).contents)
    store.close()

    store = Store(engine)
    ex = Instance(store, module, []).exports(store)
    memory = ex["memory"]
    assert ctypes.addressof(memory.data_ptr(store).contents) == slot, "the slot is reused"
    assert memory.data_len(store) == PAGE
    assert memory.read(store) == bytes(PAGE)
    assert memory.grow(store, 3) == 1
    assert memory.read(store) == bytes(4 * PAGE)
    assert ex["load"](store, 3 * PAGE + 100) == 0


def test_a_view_keeps_its_slot_from_the_next_tenant():
    engine = pooling(total_memories=1, max_memory_size=PAGE)
    module = Module(engine, TENANT)
    store = Store(engine)
    view = Instance(store, module, []).exports(store)["memory"].buffer(store)
    view[0] = 42
    store.close()
    # The closed store's memory stays mapped for the view, so its slot is
    # not free yet.
    with pytest.raises(KilnError) as e:
        Instance(Store(engine), module, [])
    assert str(e.value) == "maximum concurrent limit of 1 for memories reached"
    assert view[0] == 42
    view.release()
    del view
    store = Store(engine)
    assert Instance(store, module, []).exports(store)["memory"].read(store, 0, 1) == b"\0"


def test_threads_create_and_drop_instances_at_once():
    threads, rounds = 2, 300
    engine = pooling(total_core_instances=threads, total_memories=threads, total_tables=threads, max_memory_size=4 * PAGE)
    module = Module(engine, TENANT)
    errors = []

    def run(t):
        try:
            for round in range(rounds):
                with Store(engine) as store:
                    ex = Instance(store, module, []).exports(store)
                    # The last tenant's value must not be visible.
                    assert ex["load"](store, 64) == 0
                    ex["store"](store, 64, t * rounds + round + 1)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    # Every slot came back: the pool holds its whole count again.
    stores = [Store(engine) for _ in range(threads)]
    for store in stores:
        Instance(store, module, [])
    with pytest.raises(KilnError) as e:
        Instance(Store(engine), module, [])
    assert str(e.value) == "maximum concurrent limit of 2 for core instances reached"


def test_memories_never_move_under_python():
    config = Config()
    config.memory_may_move = True
    with pytest.raises(KilnError) as e:
        Engine(config)
    assert str(e.value) == "Kiln does not support these settings: memory_may_move=True"
    config = Config()
    config.memory_may_move = True
    config.memory_may_move = False
    config.memory_reservation = 2 * PAGE
    engine = Engine(config)
    store = Store(engine)
    memory = Memory(store, MemoryType(Limits(1, None)))
    assert memory.grow(store, 1) == 1
    with pytest.raises(KilnError) as e:
        memory.grow(store, 1)
    assert str(e.value) == "failed to grow memory of 2 pages by 1 pages"
