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
