"""kiln.component's dynamic path directly: type reflection, wasmtime-py's
value conventions, host functions and resources, and errors."""

import os
from pathlib import Path

import pytest

import kiln
from kiln.component import (
    Component, FuncType, Linker, ListType, OptionType, Record, RecordType, ResourceAny,
    ResourceHost, ResourceType, ResultType, U8, U32, Variant, VariantType,
)

WORKSPACE = Path(__file__).resolve().parent.parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", WORKSPACE / "target"))
GUESTS = Path(os.environ.get("KILN_WIT_GUESTS", TARGET / "wit-guests"))

ECHO = """(component
  (core module $m
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (global.get $next))
      (global.set $next (i32.add (local.get $ptr) (local.get 3)))
      (local.get $ptr))
    (func (export "echo") (param i32 i32) (result i32)
      (i32.store (i32.const 0) (local.get 0))
      (i32.store (i32.const 4) (local.get 1))
      (i32.const 0))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
  (core instance $i (instantiate $m))
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $i "echo")
      (memory (core memory $i "memory")) (realloc (core func $i "realloc"))))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add"))))"""


def instance(engine, wat=ECHO):
    store = kiln.Store(engine)
    return store, Linker(engine).instantiate(store, Component(engine, wat))


def test_calls_convert_values_by_type():
    engine = kiln.Engine()
    store, inst = instance(engine)
    assert inst.get_func(store, "echo")(store, "héllo") == "héllo"
    add = inst.get_func(store, "add")
    assert add(store, 40, 2) == 42
    assert add(store, 2**32 - 1, 1) == 0
    ty = add.type(store)
    assert isinstance(ty, FuncType)
    assert [n for n, _ in ty.params] == ["a", "b"]
    assert isinstance(ty.result, U32)
    assert inst.get_func(store, "nope") is None


def test_wrong_arguments_are_errors_and_leave_the_instance_usable():
    engine = kiln.Engine()
    store, inst = instance(engine)
    add = inst.get_func(store, "add")
    with pytest.raises(TypeError, match="wrong number of parameters provided: given 1, expected 2"):
        add(store, 1)
    with pytest.raises(TypeError, match="expected an int, got str"):
        add(store, "1", 2)
    with pytest.raises(ValueError, match="out of range for u32"):
        add(store, -1, 2)
    assert add(store, 1, 2) == 3
    other = kiln.Store(engine)
    with pytest.raises(kiln.KilnError, match="different store"):
        add(other, 1, 2)


def test_component_type_describes_imports_and_exports():
    engine = kiln.Engine()
    component = Component.from_file(engine, str(GUESTS / "variants.wasm"))
    exports = component.type.exports(engine)
    api = exports["kiln:corpus/variant-api"].ty.exports(engine)
    safe_div = api["safe-div"].ty
    assert isinstance(safe_div.result, ResultType)
    shape = api["echo-shape"].ty.params[0][1]
    assert isinstance(shape, VariantType)
    assert [n for n, _ in shape.cases][:3] == ["empty", "circle", "rect"]
    opt = api["echo-option-u32"].ty.result
    assert isinstance(opt, OptionType) and not opt._tagged()
    nested = api["echo-nested-option"].ty.result
    assert nested._tagged()
    imports = component.type.imports(engine)
    assert "kiln:corpus/variant-host" in imports


def test_records_variants_and_bytes_follow_wasmtime_py():
    engine = kiln.Engine()
    component = Component.from_file(engine, str(GUESTS / "lists.wasm"))
    linker = Linker(engine)
    with linker.root() as root:
        with root.add_instance("kiln:shared/geometry@0.1.0"):
            pass
        with root.add_instance("kiln:corpus/list-types"):
            pass
        with root.add_instance("kiln:corpus/list-host") as host:
            for name in ["reverse-string", "split-words", "sort-scores", "echo-nested",
                         "make-line", "rotate-triple"]:
                host.add_func(name, lambda store, *args: None)
            host.add_func("echo-bytes", lambda store, b: b)
    store = kiln.Store(engine)
    inst = linker.instantiate(store, component)
    api = inst.get_export_index(store, "kiln:corpus/list-api")
    func = lambda name: inst.get_func(store, inst.get_export_index(store, name, api))  # noqa: E731
    assert func("echo-bytes")(store, b"\x00\xff") == b"\x00\xff"
    p = Record()
    p.x, p.y = 3, -4
    moved = func("translate")(store, p, 1, 1)
    assert isinstance(moved, Record) and (moved.x, moved.y) == (4, -3)
    assert isinstance(func("echo-point").type(store).result, RecordType)
    assert isinstance(func("echo-bytes").type(store).result, ListType)
    assert isinstance(func("echo-bytes").type(store).result.element, U8)
    with pytest.raises(TypeError, match="expected bytes, got list"):
        func("echo-bytes")(store, [1, 2])


def test_tagged_variants_are_variant_objects():
    engine = kiln.Engine()
    component = Component.from_file(engine, str(GUESTS / "variants.wasm"))
    linker = Linker(engine)
    linker.define_unknown_imports_as_traps(component)
    store = kiln.Store(engine)
    inst = linker.instantiate(store, component)
    api = inst.get_export_index(store, "kiln:corpus/variant-api")
    func = lambda name: inst.get_func(store, inst.get_export_index(store, name, api))  # noqa: E731
    assert func("echo-nested-option")(store, Variant("some", None)) == Variant("some", None)
    assert func("echo-option-u32")(store, None) is None
    assert func("echo-option-u32")(store, 7) == 7
    assert func("echo-small")(store, {"a", "c"}) == {"a", "c"}
    assert func("turn-right")(store, "west") == "north"
    with pytest.raises(ValueError, match="is not a case"):
        func("turn-right")(store, "up")


def test_host_resources_and_their_destructor():
    engine = kiln.Engine()
    component = Component.from_file(engine, str(GUESTS / "resources.wasm"))
    blobs = {}
    dropped = []
    linker = Linker(engine)
    with linker.root() as root:
        with root.add_instance("kiln:corpus/blobs") as inst:
            inst.add_resource("blob", ResourceType.host(7), lambda store, rep: dropped.append(rep))

            def new(store, init):
                rep = len(blobs) + 1
                blobs[rep] = bytearray(init)
                return ResourceHost.own(rep, 7)
            inst.add_func("[constructor]blob", new)
            inst.add_func("[method]blob.bytes", lambda store, b: bytes(blobs[b.to_host(store).rep]))
            inst.add_func("[method]blob.append",
                          lambda store, b, more: blobs[b.to_host(store).rep].extend(more))
            inst.add_func("[method]blob.size", lambda store, b: len(blobs[b.to_host(store).rep]))
            inst.add_func("[static]blob.concat", lambda store, a, b: None)
            inst.add_func("live-blobs", lambda store: len(blobs) - len(dropped))
    store = kiln.Store(engine)
    instance_ = linker.instantiate(store, component)
    make = instance_.get_func(store, "blob-make")
    b = make(store, b"ab")
    assert isinstance(b, ResourceAny) and b.owned
    host = b.to_host(store)
    assert (host.rep, host.type, host.owned) == (1, 7, True)
    assert instance_.get_func(store, "blob-peek")(store, b) == b"ab"
    b.drop(store)
    assert dropped == [1]
    assert b.dropped
    with pytest.raises(kiln.KilnError, match="dropped"):
        b.drop(store)
    assert instance_.get_func(store, "blob-roundtrip")(store, b"x", b"y") == b"xy"
    assert dropped == [1, 2]


def test_component_from_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    engine = kiln.Engine()
    missing = tmp_path / "missing.wasm"
    with pytest.raises(FileNotFoundError) as info:
        Component.from_file(engine, str(missing))
    assert info.value.filename == str(missing)
    wasm = (GUESTS / "traps.wasm").read_bytes()
    from_view = Component(engine, memoryview(wasm)).type.exports(engine)
    from_file = Component.from_file(engine, str(GUESTS / "traps.wasm")).type.exports(engine)
    assert sorted(from_view) == sorted(from_file)
    assert "echo" in from_view
