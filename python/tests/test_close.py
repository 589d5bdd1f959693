"""What wasmtime-py lets you close can be closed here too: later use
raises ValueError, and what was made with the closed object keeps working."""

import pytest

from kiln import Engine, FuncType, Instance, Linker, Module, Store, WasiConfig

RUN = '(module (import "" "f" (func $f)) (func (export "run") call $f))'


def raises_closed(use, message):
    with pytest.raises(ValueError) as e:
        use()
    assert type(e.value) is ValueError
    assert str(e.value) == message


def test_a_closed_engine_makes_nothing_and_what_it_made_keeps_working():
    with Engine() as engine:
        store = Store(engine)
        module = Module(engine, '(module (func (export "f") (result i32) i32.const 3))')
    for use in (
        lambda: Store(engine),
        lambda: Module(engine, "(module)"),
        lambda: Module.validate(engine, b"\0asm\x01\0\0\0"),
        lambda: Linker(engine),
        lambda: engine.increment_epoch(),
    ):
        raises_closed(use, "the engine is closed")
    assert Instance(store, module, []).exports(store)["f"](store) == 3
    engine.close()


def test_a_closed_linker_refuses_use_and_its_instance_pre_keeps_working(engine, store):
    calls = []
    with Linker(engine) as linker:
        linker.define_func("", "f", FuncType([], []), lambda: calls.append(1))
        pre = linker.instantiate_pre(Module(engine, RUN))
    for use in (
        lambda: linker.instantiate(store, Module(engine, RUN)),
        lambda: linker.define_wasi(),
        lambda: linker.get(store, "", "f"),
    ):
        raises_closed(use, "the linker is closed")
    pre.instantiate(store).exports(store)["run"](store)
    assert calls == [1]
    linker.close()


def test_a_closed_instance_pre_refuses_to_instantiate(engine, store):
    linker = Linker(engine)
    linker.define_func("", "f", FuncType([], []), lambda: None)
    with linker.instantiate_pre(Module(engine, RUN)) as pre:
        instance = pre.instantiate(store)
    raises_closed(lambda: pre.instantiate(store), "the InstancePre is closed")
    instance.exports(store)["run"](store)
    pre.close()


def test_a_closed_wasi_config_refuses_use_and_stores_keep_what_they_got(engine):
    with WasiConfig() as config:
        config.argv = ["a"]
        store = Store(engine)
        store.set_wasi(config)

    def set_argv():
        config.argv = ["b"]

    for use in (set_argv, config.inherit_stdout, lambda: Store(engine).set_wasi(config)):
        raises_closed(use, "the WASI configuration is closed")
    config.close()
