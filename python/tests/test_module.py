import pytest

from kiln import (
    Config,
    Engine,
    ExportType,
    FuncType,
    GlobalType,
    ImportType,
    KilnError,
    Limits,
    MemoryType,
    Module,
    TableType,
    ValType,
    wat2wasm,
)

WAT = """
(module $example
  (import "env" "log" (func (param i32)))
  (import "env" "mem" (memory 1 2))
  (import "env" "tab" (table 3 funcref))
  (import "env" "g" (global (mut i64)))
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (global (export "pi") f64 (f64.const 3.5)))
"""


def test_text_and_binary_compile_to_the_same_exports(engine):
    text = Module(engine, '(module (func (export "f") (result i32) i32.const 1))')
    binary = Module(engine, bytes.fromhex("0061736d01000000" "0105016000017f" "03020100" "07050101660000" "0a0601040041010b"))
    assert [e.name for e in text.exports] == ["f"]
    assert [e.name for e in binary.exports] == ["f"]
    assert text.exports[0].type == binary.exports[0].type == FuncType([], [ValType.i32()])


def test_imports_and_exports_describe_the_module(engine):
    module = Module(engine, WAT)
    assert module.name == "example"
    imports = module.imports
    assert all(isinstance(i, ImportType) for i in imports)
    assert [(i.module, i.name) for i in imports] == [("env", "log"), ("env", "mem"), ("env", "tab"), ("env", "g")]
    assert imports[0].type == FuncType([ValType.i32()], [])
    assert imports[1].type == MemoryType(Limits(1, 2))
    assert imports[1].type.limits.min == 1
    assert imports[1].type.limits.max == 2
    assert imports[2].type == TableType(ValType.funcref(), Limits(3))
    assert imports[2].type.limits.max is None
    assert imports[3].type == GlobalType(ValType.i64(), True)
    assert imports[3].type.mutable is True
    exports = module.exports
    assert all(isinstance(e, ExportType) for e in exports)
    assert [e.name for e in exports] == ["add", "pi"]
    assert str(exports[0].type) == "(func (param i32 i32) (result i32))"
    assert exports[1].type.content == ValType.f64()
    assert exports[1].type.mutable is False


def test_invalid_modules_raise_kiln_error_with_the_reason(engine):
    with pytest.raises(KilnError) as e:
        Module(engine, b"\0asm\x02\0\0\0")
    assert str(e.value) == "unknown binary version:        0x2 (at offset 0x4)"
    with pytest.raises(KilnError) as e:
        Module(engine, "(module (func (result i32)))")
    assert str(e.value) == "type mismatch: expected i32 but nothing on stack (at offset 0x18)"
    with pytest.raises(TypeError) as e:
        Module(engine, 42)
    assert str(e.value) == "expected wasm as bytes or text as str, got int"


def test_validate(engine):
    assert Module.validate(engine, b"\0asm\x01\0\0\0") is None
    with pytest.raises(KilnError) as e:
        Module.validate(engine, b"\0asm\x01\0\0\0\x01")
    assert str(e.value) == "unexpected end-of-file (at offset 0x9)"


def test_validate_translates_text_first(engine):
    assert Module.validate(engine, '(module (func (export "f")))') is None
    with pytest.raises(KilnError) as e:
        Module.validate(engine, "(module (func (result i32)))")
    assert str(e.value) == "type mismatch: expected i32 but nothing on stack (at offset 0x18)"
    with pytest.raises(KilnError) as e:
        Module.validate(engine, "(module (func")
    assert str(e.value).startswith("expected `)`")


def test_disabled_features_are_rejected(engine):
    config = Config()
    config.wasm_simd = False
    with pytest.raises(KilnError) as e:
        Module(Engine(config), "(module (func (result v128) v128.const i64x2 0 0))")
    assert "SIMD support is not enabled" in str(e.value)


def test_serialize_round_trip(engine, store):
    from kiln import Instance

    module = Module(engine, '(module (func (export "f") (result i32) i32.const 42))')
    loaded = Module.deserialize(engine, module.serialize())
    assert Instance(store, loaded, []).exports(store)["f"](store) == 42


def test_deserialize_refuses_another_configuration(engine):
    data = Module(engine, "(module)").serialize()
    config = Config()
    config.consume_fuel = True
    with pytest.raises(KilnError) as e:
        Module.deserialize(Engine(config), data)
    assert str(e.value) == "the compiled module was made by an engine with other fuel: `false` where this engine has `true`"
    with pytest.raises(KilnError):
        Module.deserialize(engine, b"not a module")


def test_from_file(engine, tmp_path):
    path = tmp_path / "m.wat"
    path.write_text('(module (func (export "f")))')
    assert [e.name for e in Module.from_file(engine, path).exports] == ["f"]
    # The OSError open() raises, as in wasmtime-py.
    with pytest.raises(FileNotFoundError) as e:
        Module.from_file(engine, tmp_path / "missing.wasm")
    assert str(e.value) == f"[Errno 2] No such file or directory: '{tmp_path / 'missing.wasm'}'"
    with pytest.raises(IsADirectoryError):
        Module.from_file(engine, tmp_path)
    binary = tmp_path / "m.wasm"
    binary.write_bytes(wat2wasm('(module (func (export "g")))'))
    assert [e.name for e in Module.from_file(engine, str(binary)).exports] == ["g"]


def test_config_options(engine):
    config = Config()
    config.wasm_multi_value = True
    config.wasm_bulk_memory = True
    config.wasm_reference_types = True
    config.wasm_sign_extension = True
    config.wasm_saturating_float_to_int = True
    config.wasm_mutable_global = True
    config.wasm_multi_memory = True
    config.wasm_extended_const = True
    config.max_wasm_stack = 1 << 20
    config.cranelift_opt_level = "none"
    config.explicit_bounds_checks = True
    Module(Engine(config), "(module (memory 1) (memory 1))")
    # The engine consumed the configuration, as in wasmtime-py.
    with pytest.raises(ValueError) as e:
        Engine(config)
    assert str(e.value) == "the configuration is closed"
    with pytest.raises(KilnError) as e:
        Config().cranelift_opt_level = "fast"
    assert str(e.value) == 'unknown optimisation level `fast`: expected "none", "speed" or "speed_and_size"'


def test_wat2wasm(engine):
    from kiln import wat2wasm

    binary = wat2wasm('(module (func (export "f") (result i32) i32.const 1))')
    assert binary == bytes.fromhex("0061736d01000000" "0105016000017f" "03020100" "07050101660000" "0a0601040041010b")
    assert [e.name for e in Module(engine, binary).exports] == ["f"]
    with pytest.raises(KilnError) as e:
        wat2wasm("(module (func bad))")
    assert str(e.value).startswith("unknown operator or unexpected token\n")


def test_every_wasmtime_py_setting_exists_and_what_kiln_lacks_is_refused_at_engine_creation():
    config = Config()
    config.wasm_tail_call = True
    config.wasm_gc = True
    config.wasm_gc = False
    config.strategy = "cranelift"
    config.parallel_compilation = False
    config.memory_init_cow = True
    with pytest.raises(KilnError) as e:
        config.strategy = "nonexistent"
    assert str(e.value).startswith("unknown compilation strategy `nonexistent`")
    with pytest.raises(KilnError) as e:
        config.target = "not-a-real-target"
    assert str(e.value).startswith("cannot compile for `not-a-real-target`")
    with pytest.raises(KilnError) as e:
        config.cache = "./cache.toml"
    assert str(e.value).startswith("cache configuration ./cache.toml: ")
    with pytest.raises(KilnError) as e:
        Engine(config)
    assert str(e.value) == "Kiln does not support these settings: wasm_tail_call"
    # Settings wasmtime-py 50 has for what Kiln lacks are recorded too.
    for name in ("shared_memory", "wasm_component_model_implements"):
        lacking = Config()
        setattr(lacking, name, True)
        with pytest.raises(KilnError) as e:
            Engine(lacking)
        assert str(e.value) == f"Kiln does not support these settings: {name}"
    # A configuration that asks for nothing Kiln lacks makes an engine.
    ok = Config()
    ok.shared_memory = False
    ok.wasm_threads = False
    ok.debug_info = False
    Engine(ok)


def test_deserialize_file_loads_what_serialize_wrote(engine, store, tmp_path):
    from kiln import Instance

    path = tmp_path / "module.bin"
    path.write_bytes(Module(engine, '(module (func (export "f") (result i32) i32.const 7))').serialize())
    loaded = Module.deserialize_file(engine, str(path))
    assert Instance(store, loaded, []).exports(store)["f"](store) == 7
    with pytest.raises(KilnError) as e:
        Module.deserialize_file(engine, tmp_path / "missing.bin")
    assert str(e.value).startswith(f"failed to read {tmp_path / 'missing.bin'}: ")


def test_a_closed_module_raises_value_error_and_instances_keep_working(engine, store):
    from kiln import Instance, Linker

    with Module(engine, '(module (func (export "f") (result i32) i32.const 5))') as module:
        instance = Instance(store, module, [])
    for use in (
        lambda: module.exports,
        lambda: module.imports,
        lambda: module.name,
        lambda: module.serialize(),
        lambda: Instance(store, module, []),
        lambda: Linker(engine).instantiate(store, module),
    ):
        with pytest.raises(ValueError) as e:
            use()
        assert type(e.value) is ValueError
        assert str(e.value) == "the module is closed"
    module.close()
    assert instance.exports(store)["f"](store) == 5


def test_wat2wasm_takes_text_as_str_or_utf8_bytes():
    assert wat2wasm("(module)") == b"\0asm\x01\0\0\0"
    assert wat2wasm(b"(module)") == b"\0asm\x01\0\0\0"
    assert wat2wasm(bytearray(b"(module)")) == b"\0asm\x01\0\0\0"
    with pytest.raises(KilnError):
        wat2wasm(b"(modul")
    with pytest.raises(TypeError):
        wat2wasm(3)


def test_deserialize_refuses_text():
    with pytest.raises(TypeError) as e:
        Module.deserialize(Engine(), "(module)")
    assert str(e.value) == "expected a serialized module as bytes, got str"


CACHED_RUN = """
import sys, kiln
config = kiln.Config()
config.cache = sys.argv[1]
engine = kiln.Engine(config)
module = kiln.Module(engine, '(module (func (export "f") (result i32) i32.const 7))')
store = kiln.Store(engine)
print(kiln.Instance(store, module, []).exports(store)["f"](store))
"""


def test_cache_configuration_file_keeps_compiled_modules_for_the_next_process(tmp_path):
    import subprocess
    import sys

    settings = tmp_path / "cache.toml"
    settings.write_text('[cache]\ndirectory = "modules"\n')

    def run():
        done = subprocess.run([sys.executable, "-c", CACHED_RUN, str(settings)],
                              capture_output=True, text=True)
        assert done.stderr == ""
        return done.stdout

    assert run() == "7\n"
    entries = list((tmp_path / "modules").iterdir())
    assert len(entries) == 1
    assert entries[0].suffix == ".kiln"
    written = entries[0].stat().st_mtime_ns
    assert run() == "7\n"
    assert list((tmp_path / "modules").iterdir()) == entries
    assert entries[0].stat().st_mtime_ns == written


def test_cache_true_uses_kiln_cache_dir_and_bad_values_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("KILN_CACHE_DIR", str(tmp_path))
    config = Config()
    config.cache = True
    Module(Engine(config), "(module)")
    assert len(list(tmp_path.iterdir())) == 1
    config = Config()
    config.cache = False
    Module(Engine(config), "(module (func))")
    assert len(list(tmp_path.iterdir())) == 1
    with pytest.raises(TypeError) as e:
        Config().cache = 3
    assert str(e.value) == "expected a bool or a path, got int"
    bad = tmp_path / "bad.toml"
    bad.write_text("[cache]\nenabled = false\n")
    with pytest.raises(KilnError) as e:
        Config().cache = str(bad)
    assert "`enabled = false`" in str(e.value)
