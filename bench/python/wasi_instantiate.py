"""WASI instantiation through the Python packages: a new store with an
empty WASI configuration, then `linker.instantiate` of examples/ls.c's
module (bench/build/ls.wasm, made by bench/build-workloads) through a
linker with WASI defined, as wasmtime-py users write it.

    python wasi_instantiate.py kiln|wasmtime [--rounds N] [--count N]

Prints the microseconds per instantiation of each round and their median.
"""

import argparse
import pathlib
import statistics
import time

parser = argparse.ArgumentParser()
parser.add_argument("runtime", choices=["kiln", "wasmtime"])
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--count", type=int, default=2000)
args = parser.parse_args()

if args.runtime == "kiln":
    import kiln as rt
else:
    import wasmtime as rt

wasm = (pathlib.Path(__file__).parent.parent / "build" / "ls.wasm").read_bytes()
engine = rt.Engine()
module = rt.Module(engine, wasm)
linker = rt.Linker(engine)
linker.define_wasi()


def instantiate():
    store = rt.Store(engine)
    store.set_wasi(rt.WasiConfig())
    linker.instantiate(store, module)


for _ in range(100):
    instantiate()
rounds = []
for _ in range(args.rounds):
    start = time.perf_counter()
    for _ in range(args.count):
        instantiate()
    rounds.append((time.perf_counter() - start) / args.count * 1e6)
print(
    f"{args.runtime}: " + " ".join(f"{r:.1f}" for r in rounds)
    + f" us per instantiation; median {statistics.median(rounds):.1f} us"
)
