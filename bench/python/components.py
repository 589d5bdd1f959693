"""One component call with a large argument, from Python (issue 23):
`best-name: func(s: list<score>) -> string` of the WIT corpus's `lists`
guest, called with 1,000 `score { name: string, value: f64 }` records,
through

  * the glue `kiln bindgen --lang python` generates (the golden file
    wit-tools/golden/python/lists/lists.py) over Kiln's typed path,
  * Kiln's dynamic path (`kiln.component.Func` with `Record`s),
  * wasmtime-py 50's dynamic `wasmtime.component` API (with its `Record`s),

each with its own store and instance of the same component and its input
built once, before timing, in its own representation. Rounds interleave the
paths; each round times a batch of calls per path, and the report gives
each path's median time per call and the ratios of medians taken within
rounds.

    components.py [--guests DIR] [--rounds N] [--calls N]
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

import kiln
import kiln.component as kc
import wasmtime
import wasmtime.component as wc

HERE = Path(__file__).resolve().parent
WORKSPACE = HERE.parent.parent
RECORDS = 1000


def record(i):
    """The `i`th record, as bench/src/components.rs makes them."""
    return "player-%d" % i, float((i * 7919) % RECORDS) + (i % 7) / 8.0


def expected():
    best = record(0)
    for i in range(1, RECORDS):
        r = record(i)
        if r[1] > best[1]:
            best = r
    return best[0]


def glue():
    path = WORKSPACE / "wit-tools" / "golden" / "python" / "lists" / "lists.py"
    spec = importlib.util.spec_from_file_location("kiln_glue_lists", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class ListHost:
    """The `list-host` imports; the call measured makes none of them."""

    def __init__(self, line):
        self.line = line

    def reverse_string(self, s):
        return s[::-1]

    def echo_bytes(self, b):
        return b

    def split_words(self, s):
        return [w for w in s.split(" ") if w]

    def sort_scores(self, s):
        return sorted(s, key=lambda r: -r.value)

    def echo_nested(self, x):
        return x

    def make_line(self, a, b, label):
        return self.line(a, b, label)

    def rotate_triple(self, t):
        return (t[2], t[0], t[1])


def dynamic_imports(linker, host, api):
    """Defines `kiln:corpus/list-host` from `host` on a wasmtime-py-shaped
    linker (the call measured makes no import; instantiation needs them)."""
    names = ["reverse-string", "echo-bytes", "split-words", "sort-scores", "echo-nested",
             "make-line", "rotate-triple"]
    with linker.root() as root:
        with root.add_instance("kiln:shared/geometry@0.1.0"):
            pass
        with root.add_instance("kiln:corpus/list-types"):
            pass
        with root.add_instance("kiln:corpus/list-host") as inst:
            for n in names:
                method = getattr(host, n.replace("-", "_"))
                inst.add_func(n, lambda store, *a, m=method: m(*a))


def kiln_glue_path(guest):
    g = glue()
    engine = kiln.Engine()
    store = kiln.Store(engine)
    world = g.Lists(store, kc.Component.from_file(engine, guest), list_host=ListHost(g.Line))
    scores = [g.Score(*record(i)) for i in range(RECORDS)]
    best = world.list_api.best_name
    return lambda: best(scores)


def dynamic_path(api, guest):
    engine = api.Engine() if api is kc else wasmtime.Engine()
    store = kiln.Store(engine) if api is kc else wasmtime.Store(engine)
    linker = api.Linker(engine)
    dynamic_imports(linker, ListHost(lambda a, b, label: None), api)
    instance = linker.instantiate(store, api.Component.from_file(engine, guest))
    iface = instance.get_export_index(store, "kiln:corpus/list-api")
    func = instance.get_func(store, instance.get_export_index(store, "best-name", iface))
    records = []
    for i in range(RECORDS):
        r = api.Record()
        r.name, r.value = record(i)
        records.append(r)
    return lambda: func(store, records)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = Path(os.environ.get("CARGO_TARGET_DIR", WORKSPACE / "target"))
    parser.add_argument("--guests", type=Path, default=target / "wit-guests")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--calls", type=int, default=50)
    options = parser.parse_args()
    guest = str(options.guests / "lists.wasm")
    kc.Engine = kiln.Engine  # the dynamic path's engine comes from the package
    paths = {
        "generated glue (Kiln, typed path)": kiln_glue_path(guest),
        "dynamic path (Kiln, kiln.component.Func)": dynamic_path(kc, guest),
        "wasmtime-py 50 (wasmtime.component.Func)": dynamic_path(wc, guest),
    }
    want = expected()
    for name, call in paths.items():
        got = call()
        assert got == want, "%s returned %r, not %r" % (name, got, want)
    times = {name: [] for name in paths}
    for _ in range(options.rounds):
        for name, call in paths.items():
            start = time.perf_counter()
            for _ in range(options.calls):
                call()
            times[name].append((time.perf_counter() - start) / options.calls)
    glue_name = next(iter(paths))
    print("best-name(list<score>) with %d records, %d rounds of %d calls; median per call:"
          % (RECORDS, options.rounds, options.calls))
    for name, ts in times.items():
        ratio = statistics.median(t / g for t, g in zip(ts, times[glue_name]))
        print("  %-44s %8.1f us   %5.2fx the glue" % (name, statistics.median(ts) * 1e6, ratio))


if __name__ == "__main__":
    main()
