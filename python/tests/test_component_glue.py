"""Replays the WIT corpus's case files (wit-tools/tests/cases) through the
Python glue `kiln bindgen --lang python` generates (the golden files under
wit-tools/golden/python, which the golden test keeps equal to a fresh
generation), with the hosts in component/hosts.py.

Each test of a case file runs on a fresh instance in a fresh store, as the
README says; a known failure (component/known-failures.txt, with its
reason) must fail, and an unexpected pass fails the run.

After the replay, <target>/wit-corpus/python.tsv holds one `world passed
failed known_failures` line (tab-separated) per world, for the
cross-language matrix (wit-tools/tests/matrix)."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import struct
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import kiln
from kiln.component import Component, Err, Ok, Resource, Some

HERE = Path(__file__).resolve().parent
WORKSPACE = HERE.parent.parent
CORPUS = WORKSPACE / "wit-tools" / "tests"
GOLDEN = WORKSPACE / "wit-tools" / "golden" / "python"
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", WORKSPACE / "target"))
GUESTS = Path(os.environ.get("KILN_WIT_GUESTS", TARGET / "wit-guests"))
WORLDS = ["scalars", "lists", "variants", "resources", "traps"]

sys.path.insert(0, str(HERE / "component"))
import hosts  # noqa: E402


def known_failures() -> Dict[str, str]:
    failures = {}
    for line in (HERE / "component" / "known-failures.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and not line.startswith("reference/"):
            name, _, reason = line.partition(" ")
            failures[name] = reason.strip()
    return failures


KNOWN = known_failures()


def glue(world: str) -> Any:
    name = "kiln_glue_" + world
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, GOLDEN / world / (world + ".py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_engine = kiln.Engine()
_components: Dict[str, Component] = {}


def component(world: str) -> Component:
    if world not in _components:
        _components[world] = Component.from_file(_engine, GUESTS / (world + ".wasm"))
    return _components[world]


# --- the component's own types, for the case files' names -------------------


def export_types(world: str) -> Dict[str, Any]:
    """{export name: FuncType}, `iface#name` for interfaces' functions."""
    out = {}
    for name, item in component(world).type.exports(_engine).items():
        ty = item.ty
        if isinstance(ty, kiln.component.FuncType):
            out[name] = ty
        elif isinstance(ty, kiln.component.ComponentInstanceType):
            for fname, fitem in ty.exports(_engine).items():
                if isinstance(fitem.ty, kiln.component.FuncType):
                    out[name + "#" + fname] = fitem.ty
    return out


# --- values ----------------------------------------------------------------

from kiln import component as kc  # noqa: E402

INTS = (kc.U8, kc.U16, kc.U32, kc.U64, kc.S8, kc.S16, kc.S32, kc.S64)


def expand_string(j: Any) -> str:
    if isinstance(j, str):
        return j
    if "repeat" in j:
        return expand_string(j["repeat"]) * j["count"]
    return "".join(expand_string(p) for p in j["concat"])


def expand_list(j: Any) -> List[Any]:
    if isinstance(j, list):
        return j
    if "repeat" in j:
        return expand_list(j["repeat"]) * j["count"]
    return [x for p in j["concat"] for x in expand_list(p)]


def read_float(j: Any, single: bool) -> float:
    x = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "-0": -0.0}.get(j, j) \
        if isinstance(j, str) else float(j)
    if single and not (math.isnan(x) or math.isinf(x)):
        x = struct.unpack("<f", struct.pack("<f", x))[0]
    return float(x)


def float_canon(x: float, single: bool) -> str:
    if math.isnan(x):
        return "nan"
    if single:
        return "f32:%08x" % struct.unpack("<I", struct.pack("<f", x))[0]
    return "f64:%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def field_of(name: str) -> str:
    """A WIT name as the glue's Python name."""
    s = name.replace("-", "_")
    return s + "_" if s in {"type", "from", "for", "while", "int", "str", "bytes"} else s


def cases_of(vt: Any) -> List[Tuple[str, Any]]:
    if isinstance(vt, kc.OptionType):
        return [("none", None), ("some", vt.payload)]
    if isinstance(vt, kc.ResultType):
        return [("ok", vt.ok), ("err", vt.err)]
    return list(vt.cases)


def case_json(vt: Any, j: Any) -> Tuple[str, Any]:
    if isinstance(vt, kc.OptionType):
        return ("none", None) if j is None else ("some", j["some"])
    if isinstance(vt, kc.ResultType):
        name = next(iter(j))
        return name, j[name]
    return j["case"], j.get("value")


class Handle:
    def __init__(self, value: Any) -> None:
        self.value = value


def to_glue(spec: Any, vt: Any, j: Any, res: Dict[str, Any]) -> Any:
    """A case file's value as the glue's Python value of spec `spec`."""
    if isinstance(spec, str):
        if spec in ("f32", "f64"):
            return read_float(j, spec == "f32")
        if spec in ("u64", "s64"):
            return int(j)
        if spec == "string":
            return expand_string(j)
        if spec == "bytes":
            return bytes(expand_list(j))
        return j
    tag = spec[0]
    if tag == "list":
        return [to_glue(spec[1], vt.element, x, res) for x in expand_list(j)]
    if tag == "record":
        return spec[1](*[to_glue(s, t, j[n], res) for (_, s), (n, t) in zip(spec[2], vt.fields)])
    if tag == "tuple":
        return tuple(to_glue(s, t, x, res) for s, t, x in zip(spec[1], vt.elements, j))
    if tag in ("variant", "option", "result"):
        name, payload = case_json(vt, j)
        names = [n for n, _ in cases_of(vt)]
        i = names.index(name)
        pvt = cases_of(vt)[i][1]
        if tag == "variant":
            cls, pspec = spec[1][i]
            return cls() if pspec is None else cls(to_glue(pspec, pvt, payload, res))
        if tag == "option":
            if name == "none":
                return None
            v = to_glue(spec[1], pvt, payload, res)
            return Some(v) if spec[2] else v
        pspec = spec[1] if name == "ok" else spec[2]
        v = None if pspec is None else to_glue(pspec, pvt, payload, res)
        return Ok(v) if name == "ok" else Err(v)
    if tag == "enum":
        return list(spec[1])[vt.names.index(j)]
    if tag == "flags":
        bits = 0
        for n in j:
            bits |= 1 << vt.names.index(n)
        return spec[1](bits)
    if tag in ("own", "borrow"):
        name = j["resource"]
        return res.pop(name) if tag == "own" else res[name]
    raise AssertionError("unknown spec %r" % (spec,))


def canon_glue(spec: Any, vt: Any, v: Any) -> Any:
    """The canonical form of the glue's value `v`."""
    if isinstance(spec, str):
        if spec in ("f32", "f64"):
            assert isinstance(v, float)
            return float_canon(v, spec == "f32")
        if spec == "bytes":
            assert isinstance(v, bytes)
            return list(v)
        return v
    tag = spec[0]
    if tag == "list":
        assert isinstance(v, list)
        return [canon_glue(spec[1], vt.element, x) for x in v]
    if tag == "record":
        assert isinstance(v, spec[1])
        return {n: canon_glue(s, t, getattr(v, a)) for (a, s), (n, t) in zip(spec[2], vt.fields)}
    if tag == "tuple":
        assert isinstance(v, tuple)
        return [canon_glue(s, t, x) for s, t, x in zip(spec[1], vt.elements, v)]
    if tag == "variant":
        for (cls, pspec), (name, pvt) in zip(spec[1], cases_of(vt)):
            if type(v) is cls:
                payload = None if pspec is None else canon_glue(pspec, pvt, v.value)
                return {"case": name, "value": payload} if pspec is not None else {"case": name}
        raise AssertionError("not a case: %r" % (v,))
    if tag == "option":
        if v is None:
            return None
        if spec[2]:
            assert isinstance(v, Some)
            v = v.value
        return {"some": canon_glue(spec[1], vt.payload, v)}
    if tag == "result":
        if isinstance(v, Ok):
            return {"ok": None if spec[1] is None else canon_glue(spec[1], vt.ok, v.value)}
        assert isinstance(v, Err)
        return {"err": None if spec[2] is None else canon_glue(spec[2], vt.err, v.value)}
    if tag == "enum":
        assert isinstance(v, spec[1])
        return vt.names[list(spec[1]).index(v)]
    if tag == "flags":
        assert isinstance(v, spec[1])
        return [n for i, n in enumerate(vt.names) if v.value & (1 << i)]
    if tag in ("own", "borrow"):
        assert isinstance(v, Resource)
        return Handle(v)
    raise AssertionError("unknown spec %r" % (spec,))


def canon_json(vt: Any, j: Any) -> Any:
    """The canonical form of a case file's value of type `vt`."""
    if isinstance(vt, (kc.F32, kc.F64)):
        return float_canon(read_float(j, isinstance(vt, kc.F32)), isinstance(vt, kc.F32))
    if isinstance(vt, INTS):
        return int(j)
    if isinstance(vt, kc.String):
        return expand_string(j)
    if isinstance(vt, kc.ListType):
        return [canon_json(vt.element, x) for x in expand_list(j)]
    if isinstance(vt, kc.RecordType):
        return {n: canon_json(t, j[n]) for n, t in vt.fields}
    if isinstance(vt, kc.TupleType):
        return [canon_json(t, x) for t, x in zip(vt.elements, j)]
    if isinstance(vt, (kc.VariantType, kc.OptionType, kc.ResultType)):
        name, payload = case_json(vt, j)
        pvt = dict(cases_of(vt))[name]
        value = None if pvt is None else canon_json(pvt, payload)
        if isinstance(vt, kc.OptionType):
            return None if name == "none" else {"some": value}
        if isinstance(vt, kc.ResultType):
            return {name: value}
        return {"case": name, "value": value} if pvt is not None else {"case": name}
    if isinstance(vt, kc.FlagsType):
        return [n for n in vt.names if n in j]
    return j


def compare(expected: Any, actual: Any, res: Dict[str, Any], path: str, errors: List[str]) -> None:
    if isinstance(actual, Handle):
        if not isinstance(expected, dict) or set(expected) != {"resource"}:
            errors.append("%s: expected %r, got a resource" % (path, expected))
        else:
            res[expected["resource"]] = actual.value
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            errors.append("%s: expected %d elements, got %d" % (path, len(expected), len(actual)))
            return
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, res, "%s[%d]" % (path, i), errors)
    elif isinstance(expected, dict) and isinstance(actual, dict):
        if set(expected) != set(actual):
            errors.append("%s: expected %r, got %r" % (path, expected, actual))
            return
        for k in expected:
            compare(expected[k], actual[k], res, "%s.%s" % (path, k), errors)
    elif type(expected) is not type(actual) or expected != actual:
        errors.append("%s: expected %.200r, got %.200r" % (path, expected, actual))


# --- traps -----------------------------------------------------------------

TRAP_TEXT = {
    "invalid-utf8": "invalid utf-8",
    "invalid-char": "invalid char",
    "invalid-discriminant": "discriminant",
    "out-of-bounds": "out of bounds",
    "misaligned": "not aligned",
    "unknown-handle": "unknown handle index",
    "poisoned": "cannot enter component instance",
}


def trap_problem(step: Dict[str, Any], error: BaseException) -> Any:
    kind = step["trap"]
    if kind == "host":
        if not isinstance(error, hosts.HostFailure):
            return "expected the host's failure, got %r" % (error,)
        if "message" in step and str(error) != step["message"]:
            return "expected the host's failure %r, got %r" % (step["message"], str(error))
        return None
    if not isinstance(error, kiln.Trap):
        return "expected a %s trap, got %r" % (kind, error)
    if kind == "unreachable":
        return None if error.code == kiln.TrapCode.UNREACHABLE else "not unreachable: %r" % error
    if TRAP_TEXT[kind] not in error.message:
        return "expected a %s trap, got %r" % (kind, error.message)
    return None


# --- running ---------------------------------------------------------------


def instantiate(world: str, store: kiln.Store) -> Tuple[Any, Any]:
    g = glue(world)
    c = component(world)
    if world == "scalars":
        h: Any = hosts.ScalarsHost()
        return g.Scalars(store, c, imports=h, scalar_host=h, host_info=h), h
    if world == "lists":
        h = hosts.ListsHost(g)
        return g.Lists(store, c, list_host=h), h
    if world == "variants":
        h = hosts.VariantsHost(g)
        return g.Variants(store, c, variant_host=h), h
    if world == "resources":
        h = hosts.BlobsHost()
        return g.Resources(store, c, blobs=h), h
    h = hosts.TrapsHost()
    return g.Traps(store, c, trap_host=h), h


def run_test(world: str, test: Dict[str, Any]) -> List[str]:
    store = kiln.Store(_engine)
    w, host = instantiate(world, store)
    types = export_types(world)
    res: Dict[str, Any] = {}
    errors: List[str] = []
    for index, step in enumerate(test["steps"]):
        where = "step %d" % (index + 1)
        if "drop" in step:
            res.pop(step["drop"]).drop()
            continue
        if "host" in step:
            assert step["host"] == "notes"
            compare(step["expect"], list(host.notes), res, where, errors)
            continue
        name = step["call"]
        where += " (%s)" % name
        method, pspecs, rspec = w.exports[name]
        fty = types[name]
        args = [to_glue(s, t, a, res) for s, (_, t), a in zip(pspecs, fty.params, step["args"])]
        try:
            result = method(*args)
        except (kiln.KilnError, hosts.HostFailure) as error:
            if "trap" not in step:
                errors.append("%s: unexpected error: %r" % (where, error))
                break
            problem = trap_problem(step, error)
            if problem:
                errors.append("%s: %s" % (where, problem))
            continue
        if "trap" in step:
            errors.append("%s: expected a %s trap, got %r" % (where, step["trap"], result))
            continue
        if rspec is None:
            assert result is None
            continue
        compare(canon_json(fty.result, step["expect"]), canon_glue(rspec, fty.result, result),
                res, where, errors)
    if res and not errors:
        errors.append("the test leaves resources undropped: " + ", ".join(sorted(res)))
    return errors


def cases() -> List[Any]:
    out = []
    for world in WORLDS:
        data = json.loads((CORPUS / "cases" / (world + ".json")).read_text(encoding="utf-8"))
        for test in data["tests"]:
            out.append(pytest.param(world, test, id="%s/%s" % (world, test["name"])))
    return out


# Per world: [passed (and not listed), failed (unlisted, or listed and
# passing), known failures (failed and listed)].
COUNTS: Dict[str, List[int]] = {}


@pytest.fixture(scope="module", autouse=True)
def write_results() -> Iterator[None]:
    """Writes <target>/wit-corpus/python.tsv after the module's tests;
    <target> is CARGO_TARGET_DIR (relative to the repository) or its target/."""
    yield
    if COUNTS:
        out = WORKSPACE / TARGET / "wit-corpus"
        out.mkdir(parents=True, exist_ok=True)
        lines = ["%s\t%d\t%d\t%d\n" % (w, *c) for w, c in COUNTS.items()]
        (out / "python.tsv").write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("world,test", cases())
def test_case(world: str, test: Dict[str, Any]) -> None:
    label = "%s/%s" % (world, test["name"])
    counts = COUNTS.setdefault(world, [0, 0, 0])
    try:
        errors = run_test(world, test)
    except BaseException:
        counts[1] += 1
        raise
    counts[(2 if errors else 1) if label in KNOWN else (1 if errors else 0)] += 1
    if label in KNOWN:
        assert errors, "%s passes but is listed in known-failures.txt: remove it" % label
    else:
        assert not errors, "\n".join(errors)


def test_known_failures_exist() -> None:
    names = {"%s/%s" % (w, t["name"]) for w in WORLDS
             for t in json.loads((CORPUS / "cases" / (w + ".json")).read_text())["tests"]}
    assert set(KNOWN) <= names, "known-failures.txt names no test: %s" % (set(KNOWN) - names)
