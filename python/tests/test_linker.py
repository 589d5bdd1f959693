import pytest

from kiln import Func, FuncType, Global, GlobalType, Instance, KilnError, Linker, Module, Store, Trap, ValType

I32 = ValType.i32()

PROVIDER = '(module (func (export "inc") (param i32) (result i32) local.get 0 i32.const 1 i32.add) (memory (export "mem") 1))'
CONSUMER = """(module (import "lib" "inc" (func $inc (param i32) (result i32)))
                (import "lib" "mem" (memory 1))
                (import "env" "k" (global i32))
                (func (export "run") (result i32) global.get 0 call $inc))"""


def test_define_instance_define_and_instantiate(engine, store):
    linker = Linker(engine)
    provider = linker.instantiate(store, Module(engine, PROVIDER))
    linker.define_instance(store, "lib", provider)
    linker.define(store, "env", "k", Global(store, GlobalType(I32, False), 41))
    run = linker.instantiate(store, Module(engine, CONSUMER)).exports(store)["run"]
    assert run(store) == 42
    assert isinstance(linker.get(store, "lib", "inc"), Func)
    with pytest.raises(KilnError) as e:
        linker.get(store, "lib", "nope")
    assert str(e.value) == "`lib::nope` is not defined in the linker"


def test_unknown_import(engine, store):
    with pytest.raises(KilnError) as e:
        Linker(engine).instantiate(store, Module(engine, CONSUMER))
    assert str(e.value) == "unknown import: `lib::inc` has not been defined"


def test_wrong_import_count_for_instance(engine, store):
    with pytest.raises(KilnError) as e:
        Instance(store, Module(engine, CONSUMER), [])
    assert str(e.value) == "the module requires 3 imports, but 0 were provided"


def test_shadowing(engine):
    linker = Linker(engine)
    ty = FuncType([], [I32])
    linker.define_func("m", "f", ty, lambda: 1)
    with pytest.raises(KilnError) as e:
        linker.define_func("m", "f", ty, lambda: 2)
    assert str(e.value) == "import `m::f` is defined twice"
    linker.allow_shadowing = True
    linker.define_func("m", "f", ty, lambda: 2)
    store = Store(engine)
    wat = '(module (import "m" "f" (func $f (result i32))) (func (export "run") (result i32) call $f))'
    assert linker.instantiate(store, Module(engine, wat)).exports(store)["run"](store) == 2


def test_define_func_with_caller(engine, store):
    linker = Linker(engine)

    def size(caller):
        return caller["memory"].size(caller)

    linker.define_func("host", "size", FuncType([], [I32]), size, access_caller=True)
    wat = '(module (import "host" "size" (func $s (result i32))) (memory (export "memory") 3) (func (export "run") (result i32) call $s))'
    assert linker.instantiate(store, Module(engine, wat)).exports(store)["run"](store) == 3


def test_linked_module_of_another_engine(engine, store):
    with pytest.raises(KilnError) as e:
        Linker(engine).instantiate(store, Module(Engine_other(), "(module)"))
    assert str(e.value) == "the module was compiled by a different engine than the store's"


def Engine_other():
    from kiln import Config, Engine

    config = Config()
    config.consume_fuel = True
    return Engine(config)


def test_define_module(engine, store):
    linker = Linker(engine)
    linker.define_module(store, "lib", Module(engine, PROVIDER))
    linker.define(store, "env", "k", Global(store, GlobalType(I32, False), 1))
    assert linker.instantiate(store, Module(engine, CONSUMER)).exports(store)["run"](store) == 2


def test_a_linker_names_its_engine_and_exports_are_listed_by_index(engine, store):
    linker = Linker(engine)
    assert linker.engine is engine
    exports = linker.instantiate(store, Module(engine, PROVIDER)).exports(store)
    by_index = exports.by_index
    assert [type(e).__name__ for e in by_index] == ["Func", "Memory"]
    assert by_index[0](store, 1) == 2
    with pytest.raises(IndexError):
        exports.by_index[2]
    assert exports.get("nope", 7) == 7 and exports.get("nope") is None


def test_unknown_imports_can_trap_or_return_defaults_and_a_module_can_be_checked_once(engine):
    module = Module(engine, """(module
        (import "env" "missing" (func $missing (result i32)))
        (func (export "run") (result i32) (call $missing)))""")
    traps = Linker(engine)
    traps.define_unknown_imports_as_traps(module)
    store = Store(engine)
    with pytest.raises(Trap) as e:
        traps.instantiate(store, module).exports(store)["run"](store)
    assert "unknown import `env::missing` was called" in str(e.value)

    defaults = Linker(engine)
    defaults.define_unknown_imports_as_default_values(store, module)
    assert defaults.instantiate(store, module).exports(store)["run"](store) == 0

    with pytest.raises(KilnError) as e:
        Linker(engine).instantiate_pre(module)
    assert str(e.value) == "unknown import: `env::missing` has not been defined"
    pre = defaults.instantiate_pre(module)
    for _ in range(2):
        other = Store(engine)
        assert pre.instantiate(other).exports(other)["run"](other) == 0

    # The default export of a name with none is a function that does nothing.
    assert Linker(engine).get_default(store, "app")(store) is None


def test_instance_pre_names_its_module(engine):
    module = Module(engine, "(module)")
    assert Linker(engine).instantiate_pre(module).module is module
