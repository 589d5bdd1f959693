import ctypes
import numpy as np
import pytest

from conftest import exports
from kiln import Config, Engine, Global, GlobalType, KilnError, Limits, Memory, MemoryType, Store, Table, TableType, Trap, TrapCode, ValType

WAT = """
(module
  (memory (export "mem") 1 4)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))
"""


def test_size_read_write_grow(engine, store):
    ex = exports(store, engine, WAT)
    mem = ex["mem"]
    assert mem.type(store) == MemoryType(Limits(1, 4))
    assert mem.size(store) == 1
    assert mem.data_len(store) == 65536
    assert mem.write(store, b"\x01\x02\x03\x04", 16) == 4
    assert ex["load"](store, 16) == 0x04030201
    ex["store"](store, 32, 0x11223344)
    assert mem.read(store, 32, 36) == bytearray(b"\x44\x33\x22\x11")
    assert len(mem.read(store)) == 65536
    assert mem.write(store, bytearray(b"zz"), 0) == 2
    assert mem.write(store, memoryview(b"yy"), 2) == 2
    assert mem.read(store, 0, 4) == bytearray(b"zzyy")
    assert mem.grow(store, 2) == 1
    assert mem.size(store) == 3
    assert ex["grow"](store, 1) == 3
    with pytest.raises(KilnError) as e:
        mem.grow(store, 1)
    assert str(e.value) == "failed to grow memory of 4 pages by 1 pages"
    assert mem.read(store, 4 * 65536 - 2, 4 * 65536 + 2) == bytearray(2)
    with pytest.raises(IndexError) as e:
        mem.write(store, b"abc", 4 * 65536 - 2)
    assert str(e.value) == "cannot write 3 bytes at byte 262142 of a memory of 262144 bytes"


def test_read_and_write_take_positions_as_slices_do(store):
    mem = Memory(store, MemoryType(Limits(1)))
    size = 65536
    assert mem.write(store, b"\x01\x02\x03", -3) == 3
    assert mem.read(store, -3) == bytearray(b"\x01\x02\x03")
    assert mem.read(store, -3, -1) == bytearray(b"\x01\x02")
    assert mem.read(store, None, 2) == bytearray(2)
    assert len(mem.read(store, -10)) == 10
    assert len(mem.read(store, -2 * size)) == size
    assert mem.read(store, 10, 5) == bytearray()
    assert mem.read(store, size + 1) == bytearray()
    assert mem.write(store, b"ab") == 2
    assert mem.read(store, 0, 2) == bytearray(b"ab")
    assert mem.write(store, b"", 7) == 0


def test_writes_outside_memory_raise_index_error_and_change_nothing(store):
    mem = Memory(store, MemoryType(Limits(1)))
    with pytest.raises(IndexError) as e:
        mem.write(store, b"x", 65536)
    assert str(e.value) == "cannot write at byte 65536 of a memory of 65536 bytes"
    with pytest.raises(IndexError) as e:
        mem.write(store, b"", 65536)
    assert str(e.value) == "cannot write at byte 65536 of a memory of 65536 bytes"
    with pytest.raises(IndexError) as e:
        mem.write(store, b"xyz", -2)
    assert str(e.value) == "cannot write 3 bytes at byte 65534 of a memory of 65536 bytes"
    assert mem.read(store, -2) == bytearray(2)


def test_grow_by_a_negative_or_non_int_delta_raises(store):
    mem = Memory(store, MemoryType(Limits(1)))
    with pytest.raises(KilnError) as e:
        mem.grow(store, -1)
    assert str(e.value) == "cannot grow a memory by a negative number of pages (-1)"
    with pytest.raises(KilnError) as e:
        mem.grow(store, 2**32)
    assert str(e.value) == "failed to grow memory of 1 pages by 4294967296 pages"
    assert mem.size(store) == 1
    with pytest.raises(TypeError):
        mem.grow(store, "")
    assert mem.size(store) == 1


def test_out_of_bounds_access_traps(engine, store):
    ex = exports(store, engine, WAT)
    with pytest.raises(Trap) as e:
        ex["load"](store, 65534)
    assert e.value.code == TrapCode.MEMORY_OUT_OF_BOUNDS
    assert e.value.message == "out of bounds memory access"


def test_memoryview_sees_memory_in_place(engine, store):
    ex = exports(store, engine, WAT)
    mem = ex["mem"]
    view = memoryview(mem.buffer(store))
    assert view.format == "B"
    assert view.nbytes == 65536
    assert not view.readonly
    view[100:104] = b"\x78\x56\x34\x12"
    assert ex["load"](store, 100) == 0x12345678
    ex["store"](store, 200, -1)
    assert bytes(view[200:204]) == b"\xff\xff\xff\xff"


def test_numpy_zero_copy_both_ways(engine, store):
    ex = exports(store, engine, WAT)
    mem = ex["mem"]
    array = np.frombuffer(mem.buffer(store), dtype=np.int32)
    assert array.shape == (16384,)
    assert array.flags.writeable
    array[10] = 123456
    assert ex["load"](store, 40) == 123456
    ex["store"](store, 44, -7)
    assert array[11] == -7
    ptr = mem.data_ptr(store)
    assert ctypes.addressof(ptr.contents) == array.ctypes.data
    assert (ptr[40], ptr[41]) == (0x40, 0xE2)


def test_view_across_grow_stays_valid(engine, store):
    ex = exports(store, engine, WAT)
    mem = ex["mem"]
    old = np.frombuffer(mem.buffer(store), dtype=np.uint8)
    ptr = ctypes.addressof(mem.data_ptr(store).contents)
    old[0] = 9
    assert mem.grow(store, 3) == 1
    # Memory never moves: the old view still reads and writes the same bytes.
    assert ctypes.addressof(mem.data_ptr(store).contents) == ptr
    assert old.shape == (65536,)
    assert old[0] == 9
    old[1] = 8
    assert mem.read(store, 0, 2) == bytearray(b"\x09\x08")
    new = np.frombuffer(mem.buffer(store), dtype=np.uint8)
    assert new.shape == (4 * 65536,)
    new[3 * 65536] = 5
    assert ex["load"](store, 3 * 65536) == 5


def test_view_keeps_the_store_alive(engine):
    store = Store(engine)
    ex = exports(store, engine, WAT)
    ex["store"](store, 0, 77)
    view = memoryview(ex["mem"].buffer(store))
    del store, ex
    import gc

    gc.collect()
    assert view[0] == 77
    view[0] = 78
    assert view[0] == 78


def test_host_created_memory_table_global(engine, store):
    mem = Memory(store, MemoryType(Limits(1)))
    assert mem.size(store) == 1
    assert mem.type(store).limits.max is None
    table = Table(store, TableType(ValType.externref(), Limits(2, 10)), None)
    obj = object()
    table.set(store, 1, obj)
    assert table.get(store, 0) is None
    assert table.get(store, 1) is obj
    assert table.size(store) == 2
    assert table.grow(store, 3, "x") == 2
    assert table.get(store, 4) == "x"
    assert table.type(store) == TableType(ValType.externref(), Limits(5, 10))
    # Past the end is None, as in wasmtime-py.
    assert table.get(store, 5) is None
    g = Global(store, GlobalType(ValType.i64(), True), 5)
    assert g.value(store) == 5
    g.set_value(store, -9)
    assert g.value(store) == -9
    assert g.type(store) == GlobalType(ValType.i64(), True)
    const = Global(store, GlobalType(ValType.f32(), False), 1.5)
    assert const.value(store) == 1.5
    with pytest.raises(KilnError):
        const.set_value(store, 2.0)
    wat = """(module (import "" "m" (memory 1)) (import "" "g" (global (mut i64)))
               (func (export "run") (result i64) i32.const 0 i32.const 42 i32.store8 global.get 0))"""
    ex = exports(store, engine, wat, [mem, g])
    assert ex["run"](store) == -9
    assert mem.read(store, 0, 1) == bytearray(b"\x2a")


def test_wasm_table_and_global_exports(engine, store):
    wat = """(module (table (export "t") 1 funcref) (global (export "g") (mut i32) (i32.const 3))
               (func $f (export "f") (result i32) global.get 0) (elem (i32.const 0) $f))"""
    ex = exports(store, engine, wat)
    f = ex["t"].get(store, 0)
    assert f(store) == 3
    ex["g"].set_value(store, 11)
    assert ex["f"](store) == 11
    ex["t"].set(store, 0, None)
    assert ex["t"].get(store, 0) is None
    ex["t"].set(store, 0, ex["f"])
    assert ex["t"].get(store, 0)(store) == 11


def test_handles_of_another_store(engine, store):
    mem = Memory(store, MemoryType(Limits(1)))
    with pytest.raises(KilnError) as e:
        mem.size(Store(engine))
    assert str(e.value) == "the memory belongs to a different store"


def test_memory_types_are_32_bit_unshared_with_64_kib_pages():
    from kiln import Engine
    store = Store()
    ty = MemoryType(Limits(1, None))
    assert (ty.is_64, ty.is_shared, ty.page_size, ty.page_size_log2) == (False, False, 65536, 16)
    memory = Memory(store, ty)
    assert (memory.page_size(store), memory.page_size_log2(store)) == (65536, 16)
    assert Engine().is_pulley() is False


def test_limits_hold_64_bit_sizes_and_types_take_what_fits():
    assert Limits(2**40).min == 2**40
    assert Limits(1, 2**40).max == 2**40
    with pytest.raises(KilnError) as e:
        MemoryType(Limits(2**32))
    assert str(e.value) == "memory size must be at most 65536 pages for a 32-bit memory"
    with pytest.raises(KilnError) as e:
        TableType(ValType.funcref(), Limits(2**32))
    assert str(e.value) == "the minimum size of a table must be less than 2**32, got 4294967296"
    assert MemoryType(Limits(2**16)).limits == Limits(2**16)
    assert MemoryType(Limits(2**32 - 1), page_size_log2=0).limits == Limits(2**32 - 1)


def test_memory_type_options_are_checked_by_the_engine():
    cases = [
        (dict(shared=True), Limits(1), "shared memory must have a maximum size"),
        (dict(page_size_log2=5), Limits(1, 2), "invalid custom page size: 2^5 bytes (only 1 and 65536 are allowed)"),
        (dict(), Limits(2, 1), "memory maximum is below its minimum"),
    ]
    for options, limits, message in cases:
        with pytest.raises(KilnError) as e:
            MemoryType(limits, **options)
        assert str(e.value) == message
    assert MemoryType(Limits(1), False, False, 16) == MemoryType(Limits(1))
    shared = MemoryType(Limits(1, 2), True, True, 0)
    assert (shared.is_64, shared.is_shared, shared.page_size, shared.page_size_log2) == (True, True, 1, 0)


def test_get_buffer_ptr_gives_checked_bytes_in_place(store):
    mem = Memory(store, MemoryType(Limits(1)))
    mem.write(store, b"\x05\x06\x07", 100)
    whole = mem.get_buffer_ptr(store)
    assert isinstance(whole, ctypes.Array)
    assert len(whole) == 65536
    part = mem.get_buffer_ptr(store, 2, 101)
    assert bytes(part) == b"\x06\x07"
    part[0] = 9
    assert mem.read(store, 100, 103) == bytearray(b"\x05\x09\x07")
    assert np.frombuffer(mem.get_buffer_ptr(store, offset=65534), dtype=np.uint8).tolist() == [0, 0]
    with pytest.raises(IndexError) as e:
        mem.get_buffer_ptr(store, 3, 65534)
    assert str(e.value) == "3 bytes at byte 65534 are outside a memory of 65536 bytes"


def test_get_buffer_ptr_outlives_closing_its_store(engine):
    store = Store(engine)
    mem = Memory(store, MemoryType(Limits(1)))
    mem.write(store, b"\x2a", 0)
    array = mem.get_buffer_ptr(store, 1)
    store.close()
    assert array[0] == 42


def test_table_grow_by_a_negative_delta_raises(store):
    table = Table(store, TableType(ValType.funcref(), Limits(1)), None)
    with pytest.raises(KilnError) as e:
        table.grow(store, -1, None)
    assert str(e.value) == "cannot grow a table by a negative number of elements (-1)"
    assert table.grow(store, 2, None) == 1
    assert table.size(store) == 3


def test_a_64_bit_memory_type_may_exceed_4_gib_but_a_32_bit_one_may_not():
    ty = MemoryType(Limits(0x100000000, None), is_64=True)
    assert ty.is_64 and not ty.is_shared
    assert ty.limits == Limits(0x100000000, None)
    with pytest.raises(KilnError):
        MemoryType(Limits(0x100000000, None))
    with pytest.raises(KilnError):
        MemoryType(Limits(1, 0x100000000))
    with pytest.raises(KilnError):
        MemoryType(Limits(1, None), shared=True)


def test_a_64_bit_memory_grows_from_python_with_memory64_on():
    config = Config()
    config.wasm_memory64 = True
    store = Store(Engine(config))
    mem = Memory(store, MemoryType(Limits(1, 3), is_64=True))
    assert mem.type(store).is_64
    assert mem.grow(store, 2) == 1
    assert mem.size(store) == 3


def test_a_small_memory_reservation_keeps_memory_in_place():
    config = Config()
    config.memory_reservation = 4 * 65536
    config.memory_guard_size = 65536
    config.memory_reservation_for_growth = 0
    engine = Engine(config)
    store = Store(engine)
    ex = exports(store, engine, '(module (memory (export "mem") 1) (func (export "load") (param i32) (result i32) local.get 0 i32.load))')
    mem = ex["mem"]
    address = mem.data_ptr(store)
    mem.write(store, b"\x07", 0)
    assert mem.grow(store, 3) == 1
    assert ctypes.addressof(address.contents) == ctypes.addressof(mem.data_ptr(store).contents)
    with pytest.raises(KilnError) as e:
        mem.grow(store, 1)
    assert str(e.value) == "failed to grow memory of 4 pages by 1 pages"
    assert ex["load"](store, 0) == 7
    with pytest.raises(Trap):
        ex["load"](store, 4 * 65536 - 2)
