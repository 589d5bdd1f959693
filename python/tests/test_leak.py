import gc
import os

from kiln import Func, FuncType, Instance, Module, Store, ValType

WAT = """(module (import "" "f" (func $f (param i32) (result i32)))
  (memory (export "mem") 1)
  (func (export "run") (param i32) (result i32) local.get 0 call $f))"""


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def plus_data_len(store):
    return lambda x: x + len(store.data)


def cycles(engine, module, n):
    for i in range(n):
        store = Store(engine)
        # The data and the callable both refer to their own store: cycles
        # that only the garbage collector can break.
        store.data = [store]
        f = Func(store, FuncType([ValType.i32()], [ValType.i32()]), plus_data_len(store))
        instance = Instance(store, module, [f])
        exports = instance.exports(store)
        assert exports["run"](store, i) == i + 1
        exports["mem"].write(store, b"x", 0)
        memoryview(exports["mem"].buffer(store))[1] = 2


def test_instantiate_call_drop_does_not_leak(engine):
    module = Module(engine, WAT)
    cycles(engine, module, 10_000)
    gc.collect()
    before = rss_bytes()
    count = 100_000
    cycles(engine, module, count)
    gc.collect()
    growth = rss_bytes() - before
    # 16 bytes a cycle: a leak of any object (a store, a closure, a buffer
    # view) is larger; the allocator's own drift is a few bytes.
    assert growth < 16 * count, f"RSS grew by {growth} bytes, {growth / count:.1f} a cycle"
