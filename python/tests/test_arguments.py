"""Arguments of the wrong type raise one exception, a TypeError that is
also the AttributeError wasmtime-py raises for many of them."""

import pytest

from kiln import (
    Engine,
    Func,
    FuncType,
    Global,
    GlobalType,
    Instance,
    Limits,
    Linker,
    Memory,
    MemoryType,
    Module,
    Store,
    Table,
    TableType,
    Val,
    ValType,
)


def raises_argument_type_error(call, message):
    with pytest.raises(TypeError) as e:
        call()
    assert isinstance(e.value, AttributeError)
    assert type(e.value).__name__ == "ArgumentTypeError"
    assert str(e.value) == message


def test_an_engine_argument_must_be_an_engine():
    raises_argument_type_error(lambda: Store(3), "expected an Engine, got int")
    raises_argument_type_error(lambda: Module(1, b""), "expected an Engine, got int")
    raises_argument_type_error(lambda: Module.validate(1, b""), "expected an Engine, got int")
    raises_argument_type_error(lambda: Module.deserialize("x", b""), "expected an Engine, got str")
    raises_argument_type_error(lambda: Linker(2), "expected an Engine, got int")
    raises_argument_type_error(lambda: Engine(5), "expected a Config, got int")


def test_a_store_argument_must_be_a_store_or_caller(engine, store):
    ty = FuncType([], [])
    raises_argument_type_error(lambda: Func(1, ty, lambda: None), "expected a Store or a Caller, got int")
    raises_argument_type_error(
        lambda: Memory(None, MemoryType(Limits(1))), "expected a Store or a Caller, got NoneType"
    )
    raises_argument_type_error(
        lambda: Global(1, GlobalType(ValType.i32(), True), Val.i32(1)),
        "expected a Store or a Caller, got int",
    )
    memory = Memory(store, MemoryType(Limits(1)))
    raises_argument_type_error(lambda: memory.size(engine), "expected a Store or a Caller, got Engine")
    func = Func(store, ty, lambda: None)
    raises_argument_type_error(lambda: func("store"), "expected a Store or a Caller, got str")


def test_a_module_argument_must_be_a_module(engine, store):
    raises_argument_type_error(lambda: Instance(store, 1, []), "expected a Module, got int")
    raises_argument_type_error(lambda: Linker(engine).instantiate(store, 3), "expected a Module, got int")
    raises_argument_type_error(lambda: Linker(engine).instantiate_pre("m"), "expected a Module, got str")


def test_a_type_argument_must_be_that_type(store):
    raises_argument_type_error(lambda: Func(store, 1, lambda: None), "expected a FuncType, got int")
    raises_argument_type_error(lambda: Memory(store, 1), "expected a MemoryType, got int")
    raises_argument_type_error(lambda: Table(store, 1, None), "expected a TableType, got int")
    raises_argument_type_error(lambda: Global(store, 1, Val.i32(1)), "expected a GlobalType, got int")


def test_names_must_be_str(engine, store):
    linker = Linker(engine)
    func = Func(store, FuncType([], []), lambda: None)
    raises_argument_type_error(lambda: linker.define(store, 2, "", func), "expected a name as str, got int")
    raises_argument_type_error(lambda: linker.define(store, "", 2, func), "expected a name as str, got int")
    raises_argument_type_error(
        lambda: linker.define_func(b"m", "f", FuncType([], []), print), "expected a name as str, got bytes"
    )


def test_an_extern_argument_must_be_an_extern(engine, store):
    module = Module(engine, '(module (import "" "" (func)))')
    raises_argument_type_error(lambda: Instance(store, module, [1]), "expected a Func, Memory, Table or Global, got int")
    raises_argument_type_error(
        lambda: Linker(engine).define(store, "", "", 2), "expected a Func, Memory, Table or Global, got int"
    )


def test_a_value_of_the_wrong_type_is_a_plain_type_error(store):
    global_ = Global(store, GlobalType(ValType.i32(), True), Val.i32(1))
    with pytest.raises(TypeError) as e:
        global_.set_value(store, global_)
    assert not isinstance(e.value, AttributeError)
    assert str(e.value) == "'kiln.Global' object cannot be interpreted as an integer"
