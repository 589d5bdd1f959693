import threading
import time

import pytest

from kiln import Instance, KilnError, Module, Store

COUNT = """(module (func (export "count") (param i32) (result i32) (local i32)
  (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
  local.get 1))"""

ITERATIONS = 300_000_000


def test_two_stores_run_in_parallel(engine):
    module = Module(engine, COUNT)
    barrier = threading.Barrier(2)
    spans = {}
    results = {}

    def run(name):
        store = Store(engine)
        count = Instance(store, module, []).exports(store)["count"]
        barrier.wait()
        start = time.perf_counter()
        results[name] = count(store, ITERATIONS)
        spans[name] = (start, time.perf_counter())

    threads = [threading.Thread(target=run, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"a": ITERATIONS, "b": ITERATIONS}
    # With the GIL held during the calls, one call would start only after
    # the other ended; released, they overlap.
    latest_start = max(s for s, _ in spans.values())
    earliest_end = min(e for _, e in spans.values())
    assert latest_start < earliest_end


def test_a_store_running_wasm_refuses_other_threads(engine, store):
    count = Instance(store, Module(engine, COUNT), []).exports(store)["count"]
    running = threading.Event()
    errors = []

    def other():
        running.wait()
        try:
            count(store, 1)
        except KilnError as e:
            errors.append(str(e))

    thread = threading.Thread(target=other)
    thread.start()

    # A host function would be the natural place to signal; a long call in
    # this thread with the other thread trying meanwhile does the same.
    def trigger():
        time.sleep(0.02)
        running.set()

    threading.Thread(target=trigger).start()
    count(store, 2_000_000_000)
    thread.join()
    assert errors == ["the store is in use by another thread"]


DOWN = """(module (func $down (export "down") (param i32) (result i32)
  (if (result i32) (i32.eqz (local.get 0))
    (then (i32.const 0))
    (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))"""


@pytest.mark.parametrize("stack_size", [128 << 10, 512 << 10, 8 << 20])
def test_deep_recursion_traps_on_a_thread_with_a_small_stack(engine, stack_size):
    from kiln import Trap, TrapCode

    module = Module(engine, DOWN)
    outcome = []

    def recurse():
        store = Store(engine)
        down = Instance(store, module, []).exports(store)["down"]
        try:
            down(store, 1_000_000)
        except Trap as trap:
            outcome.append((trap.code, trap.message))
        outcome.append(down(store, 100))

    previous = threading.stack_size(stack_size)
    try:
        thread = threading.Thread(target=recurse)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    assert outcome == [(TrapCode.STACK_OVERFLOW, "call stack exhausted"), 100]
