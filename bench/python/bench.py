"""Kiln's Python package against wasmtime-py and pywasm3, in one run.

Measures: a Python->wasm call of add(i32, i32); a wasm->Python host call;
reading and writing 1 MiB of linear memory; compiling a module; and
instantiating it. Each figure is the best of several repetitions.

    python bench/python/bench.py            # needs kiln, wasmtime, pywasm3

(`bench/python/run` makes a virtual environment with all three.)
"""

import sys
import time

import kiln
import wasm3
import wasmtime

ADD_WAT = """(module
  (import "env" "host" (func $host (param i32)))
  (memory (export "memory") 32)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "call_host") (param $n i32)
    (loop $next
      (call $host (local.get $n))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $next))))"""

MIB = 1 << 20


def big_module_wat(functions=2000):
    """A module with many small functions, for compile and instantiate."""
    body = []
    for i in range(functions):
        body.append(
            f"(func (export \"f{i}\") (param i32) (result i32) "
            f"(i32.add (i32.mul (local.get 0) (i32.const {i})) (i32.const {i + 1})))"
        )
    return "(module (memory 1) " + " ".join(body) + ")"


def best(fn, repeat=5):
    """The fastest of `repeat` runs of `fn`, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_kiln(calls, add_wasm, big_wasm):
    engine = kiln.Engine()
    store = kiln.Store(engine)
    host = kiln.Func(store, kiln.FuncType([kiln.ValType.i32()], []), lambda x: None)
    module = kiln.Module(engine, add_wasm)
    exports = kiln.Instance(store, module, [host]).exports(store)
    add, call_host, memory = exports["add"], exports["call_host"], exports["memory"]
    view = memory.buffer(store)
    data = bytes(range(256)) * (MIB // 256)

    def call_loop():
        for _ in range(calls):
            add(store, 1, 2)

    def read():
        bytes(view[:MIB])

    def write():
        view[:MIB] = data

    big = kiln.Module(engine, big_wasm)
    return {
        "call": best(call_loop) / calls,
        "host_call": best(lambda: call_host(store, calls)) / calls,
        "read_1mib": best(read),
        "write_1mib": best(write),
        "compile": best(lambda: kiln.Module(engine, big_wasm), 3),
        "instantiate": best(lambda: kiln.Instance(kiln.Store(engine), big, []), 20),
    }


def bench_wasmtime(calls, add_wasm, big_wasm):
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    host = wasmtime.Func(store, wasmtime.FuncType([wasmtime.ValType.i32()], []), lambda x: None)
    module = wasmtime.Module(engine, add_wasm)
    instance = wasmtime.Instance(store, module, [host])
    exports = instance.exports(store)
    add, call_host, memory = exports["add"], exports["call_host"], exports["memory"]
    data = bytes(range(256)) * (MIB // 256)
    calls = max(1000, calls // 50)

    def call_loop():
        for _ in range(calls):
            add(store, 1, 2)

    big = wasmtime.Module(engine, big_wasm)
    return {
        "call": best(call_loop) / calls,
        "host_call": best(lambda: call_host(store, calls)) / calls,
        "read_1mib": best(lambda: memory.read(store, 0, MIB)),
        "write_1mib": best(lambda: memory.write(store, data, 0)),
        "compile": best(lambda: wasmtime.Module(engine, big_wasm), 3),
        "instantiate": best(
            lambda: wasmtime.Instance(wasmtime.Store(engine), big, []), 20
        ),
    }


def bench_wasm3(calls, add_wasm, big_wasm):
    env = wasm3.Environment()
    runtime = env.new_runtime(64 * 1024)
    module = env.parse_module(add_wasm)
    runtime.load(module)
    module.link_function("env", "host", "v(i)", lambda x: None)
    add = runtime.find_function("add")
    call_host = runtime.find_function("call_host")
    view = runtime.get_memory(0)
    data = bytes(range(256)) * (MIB // 256)

    def call_loop():
        for _ in range(calls):
            add(1, 2)

    def read():
        bytes(view[:MIB])

    def write():
        view[:MIB] = data

    def instantiate():
        rt = env.new_runtime(64 * 1024)
        rt.load(env.parse_module(big_wasm))

    return {
        "call": best(call_loop) / calls,
        "host_call": best(lambda: call_host(calls)) / calls,
        "read_1mib": best(read),
        "write_1mib": best(write),
        "compile": best(lambda: env.parse_module(big_wasm), 3),
        # wasm3 interprets: parsing plus loading is all its instantiation.
        "instantiate": best(instantiate, 20),
    }


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    add_wasm = bytes(wasmtime.wat2wasm(ADD_WAT))
    big_wasm = bytes(wasmtime.wat2wasm(big_module_wat()))
    results = {
        "kiln": bench_kiln(calls, add_wasm, big_wasm),
        "wasmtime-py": bench_wasmtime(calls, add_wasm, big_wasm),
        "pywasm3": bench_wasm3(calls, add_wasm, big_wasm),
    }
    rows = [
        ("Python->wasm call add(i32,i32)", "call", 1e6, "us"),
        ("wasm->Python host call", "host_call", 1e6, "us"),
        ("read 1 MiB of memory", "read_1mib", 1e6, "us"),
        ("write 1 MiB of memory", "write_1mib", 1e6, "us"),
        ("compile (2000 functions)", "compile", 1e3, "ms"),
        ("instantiate", "instantiate", 1e6, "us"),
    ]
    print("| measure | kiln | wasmtime-py | pywasm3 | kiln/wasmtime | kiln/pywasm3 |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, key, scale, unit in rows:
        k, w, m = (results[r][key] for r in ("kiln", "wasmtime-py", "pywasm3"))
        print(
            f"| {label} | {k * scale:.3f} {unit} | {w * scale:.3f} {unit} | "
            f"{m * scale:.3f} {unit} | {k / w:.3f} | {k / m:.2f} |"
        )


if __name__ == "__main__":
    main()
