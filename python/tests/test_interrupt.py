import threading
import time

import pytest

from conftest import epoch_engine, fuel_engine
from kiln import Instance, KilnError, Module, Store, Trap, TrapCode

LOOP = """(module
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    local.get 1))"""


def test_fuel_controls():
    store = Store(fuel_engine())
    assert store.get_fuel() == 0
    store.set_fuel(1000)
    assert store.get_fuel() == 1000
    store.add_fuel(500)
    assert store.get_fuel() == 1500


def test_out_of_fuel_traps_and_refuel_resumes():
    engine = fuel_engine()
    store = Store(engine)
    ex = Instance(store, Module(engine, LOOP), []).exports(store)
    store.set_fuel(10_000)
    with pytest.raises(Trap) as e:
        ex["spin"](store)
    assert e.value.code == TrapCode.OUT_OF_FUEL
    assert e.value.message == "all fuel consumed"
    assert store.get_fuel() == 0
    store.set_fuel(1_000_000)
    assert ex["count"](store, 1000) == 1000
    used = 1_000_000 - store.get_fuel()
    assert 1000 < used < 10_000


def test_fuel_needs_the_config(store):
    with pytest.raises(KilnError) as e:
        store.set_fuel(1)
    assert str(e.value) == "fuel is not enabled: the engine was configured without fuel consumption"


def test_epoch_interrupts_a_running_loop():
    engine = epoch_engine()
    store = Store(engine)
    spin = Instance(store, Module(engine, LOOP), []).exports(store)["spin"]
    store.set_epoch_deadline(1)
    outcome = []
    started = threading.Event()

    def run():
        started.set()
        try:
            spin(store)
        except Trap as t:
            outcome.append(t)

    thread = threading.Thread(target=run)
    thread.start()
    started.wait()
    # The loop holds no GIL, so this thread keeps running and ticks the epoch
    # until the loop notices.
    while thread.is_alive():
        engine.increment_epoch()
        time.sleep(0.01)
    thread.join()
    assert len(outcome) == 1
    assert outcome[0].code == TrapCode.INTERRUPT
    assert outcome[0].message == "interrupted"


def test_new_store_deadline_is_already_reached():
    engine = epoch_engine()
    store = Store(engine)
    count = Instance(store, Module(engine, LOOP), []).exports(store)["count"]
    with pytest.raises(Trap) as e:
        count(store, 10)
    assert e.value.code == TrapCode.INTERRUPT
    store.set_epoch_deadline(10)
    assert count(store, 10) == 10
