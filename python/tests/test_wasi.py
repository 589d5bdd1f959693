import pytest

from kiln import ExitTrap, Linker, Module, Store, WasiConfig

# Writes argv, NUL-separated, to stdout: args_sizes_get, args_get, fd_write.
ARGS = """(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (drop (call $get (i32.const 100) (i32.const 1000)))
    (i32.store (i32.const 16) (i32.const 1000))
    (i32.store (i32.const 20) (i32.load (i32.const 4)))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))"""

ENV = ARGS.replace('"args_sizes_get"', '"environ_sizes_get"').replace('"args_get"', '"environ_get"')

EXIT = """(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 3)) unreachable))"""

# Copies in.txt to out.txt in the pre-opened directory (fd 3), and echoes
# what it read to stderr.
FILES = """(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 200) "in.txt")
  (data (i32.const 220) "out.txt")
  (func $check (param i32) (if (local.get 0) (then (call $exit (i32.add (i32.const 100) (local.get 0))))))
  (func (export "_start")
    ;; in.txt, read-only: its fd at 0
    (call $check (call $open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 6) (i32.const 0)
      (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
    ;; iovec at 16: 1000 bytes at 1000
    (i32.store (i32.const 16) (i32.const 1000))
    (i32.store (i32.const 20) (i32.const 1000))
    (call $check (call $read (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i32.const 24)))
    (drop (call $close (i32.load (i32.const 0))))
    ;; out.txt, created and truncated, written: its fd at 4
    (call $check (call $open (i32.const 3) (i32.const 0) (i32.const 220) (i32.const 7) (i32.const 9)
      (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 4)))
    (i32.store (i32.const 20) (i32.load (i32.const 24)))
    (call $check (call $write (i32.load (i32.const 4)) (i32.const 16) (i32.const 1) (i32.const 28)))
    (drop (call $close (i32.load (i32.const 4))))
    (call $check (call $write (i32.const 2) (i32.const 16) (i32.const 1) (i32.const 28)))))"""


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


def test_nothing_is_granted_by_default(engine, tmp_path):
    run(engine, ARGS, WasiConfig())


def test_exit_code(engine):
    with pytest.raises(ExitTrap) as e:
        run(engine, EXIT, WasiConfig())
    assert e.value.code == 3
    assert str(e.value) == "exited with code 3"


def test_preopened_directory_read_and_write(engine, tmp_path):
    (tmp_path / "in.txt").write_bytes(b"copied through wasm")
    config = WasiConfig()
    config.preopen_dir(str(tmp_path), "/")
    config.stderr_file = tmp_path / "err"
    run(engine, FILES, config)
    assert (tmp_path / "out.txt").read_bytes() == b"copied through wasm"
    assert (tmp_path / "err").read_bytes() == b"copied through wasm"


def test_read_only_directory_refuses_writes(engine, tmp_path):
    (tmp_path / "in.txt").write_bytes(b"x")
    config = WasiConfig()
    config.preopen_dir(tmp_path, "/", read_only=True)
    with pytest.raises(ExitTrap) as e:
        run(engine, FILES, config)
    # path_open of out.txt failed with errno 69, EROFS.
    assert e.value.code == 100 + 69
    assert not (tmp_path / "out.txt").exists()


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
