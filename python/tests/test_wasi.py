from pathlib import Path

import pytest

from kiln import ExitTrap, Linker, Module, Store, WasiConfig

PROGRAMS = Path(__file__).resolve().parents[2] / "tests" / "conformance" / "wasi"
ARGS = (PROGRAMS / "args.wat").read_text()
ENV = ARGS.replace('"args_sizes_get"', '"environ_sizes_get"').replace('"args_get"', '"environ_get"')
EXIT = (PROGRAMS / "exit.wat").read_text()
FILES = (PROGRAMS / "files.wat").read_text()


def run(engine, wat, config):
    store = Store(engine)
    store.set_wasi(config)
    linker = Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, Module(engine, wat))
    instance.exports(store)["_start"](store)


def test_args_to_stdout_file(engine, tmp_path):
    config = WasiConfig()
    config.argv = ["prog", "a b", "ü"]
    config.stdout_file = tmp_path / "out"
    run(engine, ARGS, config)
    assert (tmp_path / "out").read_bytes() == "prog\0a b\0ü\0".encode()


def test_env(engine, tmp_path):
    config = WasiConfig()
    config.env = [("A", "1"), ("B", "two")]
    config.stdout_file = str(tmp_path / "out")
    run(engine, ENV, config)
    assert (tmp_path / "out").read_bytes() == b"A=1\0B=two\0"
    config.env = {"C": "3"}
    run(engine, ENV, config)
    assert (tmp_path / "out").read_bytes() == b"C=3\0"


HELLO = """(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "leaked")
  (func (export "_start")
    (i32.store (i32.const 16) (i32.const 100))
    (i32.store (i32.const 20) (i32.const 6))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
    (drop (call $write (i32.const 2) (i32.const 16) (i32.const 1) (i32.const 24)))))"""


def test_nothing_is_granted_by_default(engine, tmp_path, capfd):
    # No arguments and no environment: the programs write nothing.
    for program in (ARGS, ENV):
        config = WasiConfig()
        config.stdout_file = tmp_path / "out"
        run(engine, program, config)
        assert (tmp_path / "out").read_bytes() == b""
    # No directory: path_open on descriptor 3 fails with EBADF (8).
    with pytest.raises(ExitTrap) as e:
        run(engine, FILES, WasiConfig())
    assert e.value.code == 8
    # No stdio: what the program writes reaches neither of this process's.
    run(engine, HELLO, WasiConfig())
    assert capfd.readouterr() == ("", "")


def test_exit_code(engine):
    with pytest.raises(ExitTrap) as e:
        run(engine, EXIT, WasiConfig())
    assert e.value.code == 3
    assert e.value.message == "exited with code 3"
    # str() is Wasmtime's wording, as wasmtime-py gives.
    assert str(e.value) == "Exited with i32 exit status 3"


def test_preopened_directory_read_and_write(engine, tmp_path):
    (tmp_path / "in.txt").write_bytes(b"copied through wasm")
    config = WasiConfig()
    config.preopen_dir(str(tmp_path), "/")
    config.stderr_file = tmp_path / "err"
    run(engine, FILES, config)
    assert (tmp_path / "out.txt").read_bytes() == b"copied through wasm"
    assert (tmp_path / "err").read_bytes() == b"copied through wasm"


@pytest.mark.parametrize(
    "grant",
    [
        # wasmtime-py's third argument is fs_mutable, so False by position
        # means read-only there and here.
        lambda config, path: config.preopen_dir(path, "/", False),
        lambda config, path: config.preopen_dir(path, "/", fs_mutable=False),
        lambda config, path: config.preopen_dir(path, "/", read_only=True),
    ],
    ids=["fs_mutable-by-position", "fs_mutable", "read_only"],
)
def test_read_only_directory_refuses_writes(engine, tmp_path, grant):
    (tmp_path / "in.txt").write_bytes(b"x")
    config = WasiConfig()
    grant(config, tmp_path)
    with pytest.raises(ExitTrap) as e:
        run(engine, FILES, config)
    # path_open of out.txt failed with errno 69, EROFS.
    assert e.value.code == 69
    assert not (tmp_path / "out.txt").exists()


def test_fs_mutable_true_by_position_grants_writes(engine, tmp_path):
    (tmp_path / "in.txt").write_bytes(b"copied through wasm")
    config = WasiConfig()
    config.preopen_dir(tmp_path, "/", True)
    run(engine, FILES, config)
    assert (tmp_path / "out.txt").read_bytes() == b"copied through wasm"


def test_stdin(engine, tmp_path):
    echo = """(module
      (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (i32.store (i32.const 16) (i32.const 1000))
        (i32.store (i32.const 20) (i32.const 100))
        (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
        (i32.store (i32.const 20) (i32.load (i32.const 24)))
        (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))"""
    config = WasiConfig()
    config.stdin_bytes = b"from bytes"
    config.stdout_file = tmp_path / "out"
    run(engine, echo, config)
    assert (tmp_path / "out").read_bytes() == b"from bytes"
    (tmp_path / "in").write_bytes(b"from a file")
    config.stdin_file = tmp_path / "in"
    run(engine, echo, config)
    assert (tmp_path / "out").read_bytes() == b"from a file"


def test_missing_preopen_directory(engine, tmp_path):
    config = WasiConfig()
    config.preopen_dir(tmp_path / "missing", "/")
    from kiln import KilnError

    with pytest.raises(KilnError) as e:
        Store(engine).set_wasi(config)
    assert str(e.value).startswith(f"cannot pre-open directory {tmp_path / 'missing'}: ")


def test_inherited_stdout_and_stderr(engine, capfd):
    config = WasiConfig()
    config.argv = ["to", "stdout"]
    config.inherit_stdout()
    run(engine, ARGS, config)
    assert capfd.readouterr().out == "to\0stdout\0"
    config.argv = ["to", "stderr"]
    config.inherit_stderr()
    run(engine, ARGS.replace("(call $write (i32.const 1)", "(call $write (i32.const 2)"), config)
    assert capfd.readouterr() == ("", "to\0stderr\0")


def test_stdio_paths_are_checked_when_set_and_env_takes_lists(tmp_path):
    from kiln import KilnError, Trap
    config = WasiConfig()
    with pytest.raises(KilnError) as e:
        config.stdin_file = tmp_path / "missing"
    assert str(e.value).startswith(f"cannot open {tmp_path / 'missing'}: ")
    with pytest.raises(KilnError) as e:
        config.stdout_file = tmp_path / "no-dir" / "out"
    assert str(e.value).startswith(f"cannot create {tmp_path / 'no-dir' / 'out'}: ")
    config.env = [["A", "1"], ("B", "2")]
    with pytest.raises(TypeError):
        config.env = [["A", "1", "extra"]]
    # A trap made by the host has a message and no code.
    trap = Trap("x")
    assert (trap.message, trap.trap_code) == ("x", None)



def test_stdout_and_stderr_can_be_python_functions(engine):
    printer = """(module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 100) "to stdout")
      (data (i32.const 200) "to stderr")
      (func (export "_start")
        (i32.store (i32.const 300) (i32.const 100))
        (i32.store (i32.const 304) (i32.const 9))
        (drop (call $write (i32.const 1) (i32.const 300) (i32.const 1) (i32.const 400)))
        (i32.store (i32.const 300) (i32.const 200))
        (drop (call $write (i32.const 2) (i32.const 300) (i32.const 1) (i32.const 400)))))"""
    out, err = [], []
    config = WasiConfig()
    config.stdout_custom = out.append
    config.stderr_custom = err.append
    run(engine, printer, config)
    assert (out, err) == ([b"to stdout"], [b"to stderr"])
