#!/usr/bin/env python3
"""Replays the corpus's case files on wasmtime-py, the reference host.

For each world it instantiates the guest component (built by
`kiln-wit-guests` into <target>/wit-guests/<world>.wasm) once per test,
implements every import as ../README.md says, makes each test's calls and
checks every result, trap and host state exactly. It also checks that the
tests call every export and that the guests call every import.

    run.py [--guests DIR] [--cases DIR] [WORLD...]

Prints one line per failure and ends with "N passed, N failed" (one test is
one case: a named sequence of steps on a fresh instance).
"""

import argparse
import json
import math
import struct
import sys
from pathlib import Path

from wasmtime import Engine, Store, WasmtimeError
from wasmtime.component import (
    Bool, BorrowType, Char, Component, ComponentInstanceType, EnumType, F32, F64, FlagsType,
    FuncType, Linker, ListType, OptionType, OwnType, Record, RecordType, ResourceAny,
    ResourceHost, ResourceType, ResultType, S8, S16, S32, S64, String, TupleType, U8, U16, U32,
    U64, Variant, VariantType,
)

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
WORKSPACE = CORPUS.parent.parent

INT_RANGES = {
    U8: (0, 2**8 - 1), U16: (0, 2**16 - 1), U32: (0, 2**32 - 1), U64: (0, 2**64 - 1),
    S8: (-(2**7), 2**7 - 1), S16: (-(2**15), 2**15 - 1), S32: (-(2**31), 2**31 - 1),
    S64: (-(2**63), 2**63 - 1),
}


class CaseError(Exception):
    """The case file or a value in it does not fit the function's types."""


class HostFailure(Exception):
    """What the traps world's `fail` import raises."""


# --- values ------------------------------------------------------------------
#
# Three forms of a component value meet here:
#  * the case files' JSON encoding (../README.md);
#  * wasmtime-py's Python values (Record, Variant, bytes, set, ...), whose
#    shape for variants, options and results depends on whether the type is
#    "tagged" (VariantLikeType._tagged);
#  * a canonical form, which `canon` makes from either of the others and in
#    which two values are equal exactly when the component values are: u64
#    and s64 as ints, floats as their bits (any NaN as "nan"), lists expanded,
#    flags in declaration order, resources as Handle objects.


def expand_string(j):
    if isinstance(j, str):
        return j
    if isinstance(j, dict) and set(j) == {"repeat", "count"}:
        return expand_string(j["repeat"]) * j["count"]
    if isinstance(j, dict) and set(j) == {"concat"}:
        return "".join(expand_string(p) for p in j["concat"])
    raise CaseError("not a string: %r" % (j,))


def expand_list(j):
    if isinstance(j, (list, bytes)):
        return list(j)
    if isinstance(j, dict) and set(j) == {"repeat", "count"}:
        return expand_list(j["repeat"]) * j["count"]
    if isinstance(j, dict) and set(j) == {"concat"}:
        return [x for p in j["concat"] for x in expand_list(p)]
    raise CaseError("not a list: %r" % (j,))


def f32_round(x):
    if math.isnan(x) or math.isinf(x):
        return x
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def read_float(j, single):
    if isinstance(j, bool):
        raise CaseError("not a float: %r" % (j,))
    if isinstance(j, (int, float)):
        x = float(j)
    elif j == "nan":
        x = math.nan
    elif j == "inf":
        x = math.inf
    elif j == "-inf":
        x = -math.inf
    elif j == "-0":
        x = -0.0
    elif isinstance(j, str) and j.startswith("f32:") and single:
        x = struct.unpack("<f", struct.pack("<I", int(j[4:], 16)))[0]
    elif isinstance(j, str) and j.startswith("f64:") and not single:
        x = struct.unpack("<d", struct.pack("<Q", int(j[4:], 16)))[0]
    else:
        raise CaseError("not a float: %r" % (j,))
    return f32_round(x) if single else x


def float_canon(x, single):
    if math.isnan(x):
        return "nan"
    if single:
        return "f32:%08x" % struct.unpack("<I", struct.pack("<f", x))[0]
    return "f64:%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def read_int(ty, j):
    if isinstance(j, bool):
        raise CaseError("not an integer: %r" % (j,))
    if isinstance(j, str) and isinstance(ty, (U64, S64)):
        j = int(j, 10)
    if not isinstance(j, int):
        raise CaseError("not an integer: %r" % (j,))
    low, high = INT_RANGES[type(ty)]
    if not low <= j <= high:
        raise CaseError("%d out of range for %s" % (j, type(ty).__name__))
    return j


def variant_cases(ty):
    if isinstance(ty, OptionType):
        return [("none", None), ("some", ty.payload)]
    if isinstance(ty, ResultType):
        return [("ok", ty.ok), ("err", ty.err)]
    return ty.cases


def case_of(ty, j):
    """(case name, payload JSON) of a variant, option or result value."""
    if isinstance(ty, OptionType):
        if j is None:
            return "none", None
        if isinstance(j, dict) and set(j) == {"some"}:
            return "some", j["some"]
    elif isinstance(ty, ResultType):
        if isinstance(j, dict) and len(j) == 1 and next(iter(j)) in ("ok", "err"):
            name = next(iter(j))
            return name, j[name]
    elif isinstance(j, dict) and "case" in j and set(j) <= {"case", "value"}:
        return j["case"], j.get("value")
    raise CaseError("not a value of %s: %r" % (type(ty).__name__, j))


def make_case(ty, name, payload):
    if isinstance(ty, OptionType):
        return None if name == "none" else {"some": payload}
    if isinstance(ty, ResultType):
        return {name: payload}
    return {"case": name, "value": payload} if payload is not None else {"case": name}


class Handle:
    """A resource handle in canonical form."""

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return "<resource>"


def to_python(ty, j, resources):
    """A case file's (or canonical) value as wasmtime-py's value of type `ty`.

    `{"resource": name}` is looked up in `resources`; for `own` the name is
    taken out (the handle moves). Handle objects and wasmtime-py resources
    pass through."""
    if isinstance(ty, Bool):
        if not isinstance(j, bool):
            raise CaseError("not a bool: %r" % (j,))
        return j
    if type(ty) in INT_RANGES:
        return read_int(ty, j)
    if isinstance(ty, (F32, F64)):
        return read_float(j, isinstance(ty, F32))
    if isinstance(ty, Char):
        if not isinstance(j, str) or len(j) != 1:
            raise CaseError("not a char: %r" % (j,))
        return j
    if isinstance(ty, String):
        return expand_string(j)
    if isinstance(ty, ListType):
        items = expand_list(j)
        if ty._is_bytes():
            return bytes(read_int(U8(), x) for x in items)
        element = ty.element
        return [to_python(element, x, resources) for x in items]
    if isinstance(ty, RecordType):
        fields = ty.fields
        if not isinstance(j, dict) or set(j) != {name for name, _ in fields}:
            raise CaseError("record fields differ: %r" % (j,))
        record = Record()
        for name, field_ty in fields:
            setattr(record, name, to_python(field_ty, j[name], resources))
        return record
    if isinstance(ty, TupleType):
        elements = ty.elements
        if not isinstance(j, list) or len(j) != len(elements):
            raise CaseError("tuple of %d: %r" % (len(elements), j))
        return tuple(to_python(t, x, resources) for t, x in zip(elements, j))
    if isinstance(ty, (VariantType, OptionType, ResultType)):
        name, payload_json = case_of(ty, j)
        cases = dict(variant_cases(ty))
        if name not in cases:
            raise CaseError("no case %r" % name)
        payload_ty = cases[name]
        if payload_ty is None:
            if payload_json is not None:
                raise CaseError("case %r has no payload" % name)
            payload = None
        else:
            payload = to_python(payload_ty, payload_json, resources)
        if ty._tagged():
            return Variant(name, payload)
        return payload
    if isinstance(ty, EnumType):
        if not isinstance(j, str):
            raise CaseError("not an enum case: %r" % (j,))
        return j
    if isinstance(ty, FlagsType):
        if not isinstance(j, list) or not set(j) <= set(ty.names):
            raise CaseError("not flags of %r: %r" % (ty.names, j))
        return set(j)
    if isinstance(ty, (OwnType, BorrowType)):
        if isinstance(j, Handle):
            return j.value
        if isinstance(j, (ResourceAny, ResourceHost)):
            return j
        if not isinstance(j, dict) or set(j) != {"resource"}:
            raise CaseError("not a resource: %r" % (j,))
        name = j["resource"]
        if name not in resources:
            raise CaseError("no resource named %r here" % name)
        return resources.pop(name) if isinstance(ty, OwnType) else resources[name]
    raise CaseError("unsupported type %r" % ty)


def canon(ty, v, from_python):
    """The canonical form of `v`: a wasmtime-py value (from_python) or a
    case file's value of type `ty`."""
    if isinstance(ty, Bool):
        return v
    if type(ty) in INT_RANGES:
        return v if from_python else read_int(ty, v)
    if isinstance(ty, (F32, F64)):
        single = isinstance(ty, F32)
        return float_canon(v if from_python else read_float(v, single), single)
    if isinstance(ty, Char):
        return v
    if isinstance(ty, String):
        return v if from_python else expand_string(v)
    if isinstance(ty, ListType):
        element = ty.element
        items = list(v) if from_python else expand_list(v)
        return [canon(element, x, from_python) for x in items]
    if isinstance(ty, RecordType):
        return {name: canon(t, getattr(v, name) if from_python else v[name], from_python)
                for name, t in ty.fields}
    if isinstance(ty, TupleType):
        return [canon(t, x, from_python) for t, x in zip(ty.elements, v)]
    if isinstance(ty, (VariantType, OptionType, ResultType)):
        cases = variant_cases(ty)
        if not from_python:
            name, payload = case_of(ty, v)
        elif ty._tagged():
            name, payload = v.tag, v.payload
        else:
            # Untagged: the payload's Python class names the case.
            name, payload = None, v
            for case_name, case_ty in cases:
                if case_ty is None:
                    if v is None:
                        name = case_name
                        break
                    continue
                classes = set()
                case_ty.add_classes(classes)
                if isinstance(v, tuple(classes)):
                    name = case_name
                    break
        payload_ty = dict(cases)[name]
        value = None if payload_ty is None else canon(payload_ty, payload, from_python)
        return make_case(ty, name, value)
    if isinstance(ty, EnumType):
        return v
    if isinstance(ty, FlagsType):
        return [n for n in ty.names if n in v]
    if isinstance(ty, (OwnType, BorrowType)):
        return Handle(v) if from_python else v
    raise CaseError("unsupported type %r" % ty)


def compare(expected, actual, resources, path, errors):
    """Compares canonical forms; binds `{"resource": name}` to handles."""
    if isinstance(actual, Handle):
        if not isinstance(expected, dict) or set(expected) != {"resource"}:
            errors.append("%s: expected %s, got a resource" % (path, short(expected)))
        elif expected["resource"] in resources:
            errors.append("%s: resource name %r is already bound" % (path, expected["resource"]))
        else:
            resources[expected["resource"]] = actual.value
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            errors.append("%s: expected %d elements, got %d" % (path, len(expected), len(actual)))
            return
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, resources, "%s[%d]" % (path, i), errors)
    elif isinstance(expected, dict) and isinstance(actual, dict):
        if set(expected) != set(actual):
            errors.append("%s: expected %s, got %s" % (path, short(expected), short(actual)))
            return
        for key in expected:
            compare(expected[key], actual[key], resources, "%s.%s" % (path, key), errors)
    elif type(expected) is not type(actual) or expected != actual:
        errors.append("%s: expected %s, got %s" % (path, short(expected), short(actual)))


def short(v):
    text = json.dumps(v, ensure_ascii=False, default=repr)
    return text if len(text) <= 200 else text[:200] + "..."


# --- hosts -------------------------------------------------------------------
#
# Each world's imports, written over canonical values: a host function gets
# its arguments in canonical form and returns its result in canonical form
# (or a case file's form), so that it does not depend on wasmtime-py's
# tagged/untagged conventions.

FULL = ["f%d" % i for i in range(32)]
DIRECTIONS = ["north", "east", "south", "west"]
BLOB_TYPE = 1


def canon_float(c):
    return read_float(c, c.startswith("f32:"))


def host_safe_div(a, b):
    if b == 0:
        return {"err": "divide-by-zero"}
    if a == -(2**31) and b == -1:
        return {"err": "overflow"}
    q = abs(a) // abs(b)
    return {"ok": q if (a < 0) == (b < 0) else -q}


class Host:
    """The host side of one test: the import implementations and their state."""

    def __init__(self):
        self.value = 0
        self.notes = []
        self.blobs = {}
        self.next_blob = 1

    def functions(self):
        """{instance name or "": {function name: implementation}}."""
        echo = lambda *a: a[0]  # noqa: E731
        scalar = {"echo-" + t: echo for t in
                  ["bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64",
                   "char"]}
        scalar["many-params"] = lambda *a: list(reversed(a))
        return {
            "kiln:corpus/scalar-host": scalar,
            "kiln:shared/host-info@0.1.0": {"greet": lambda who: "hello, " + who},
            "": {"set-host-value": self.set_value, "get-host-value": lambda: self.value},
            "kiln:corpus/list-host": {
                "reverse-string": lambda s: s[::-1],
                "echo-bytes": echo,
                "split-words": lambda s: [w for w in s.split(" ") if w],
                "sort-scores": lambda s: sorted(s, key=lambda r: -canon_float(r["value"])),
                "echo-nested": echo,
                "make-line": lambda a, b, label: {"start": a, "end": b, "label": label},
                "rotate-triple": lambda t: [t[2], t[0], t[1]],
            },
            "kiln:corpus/variant-host": {
                "echo-shape": echo,
                "echo-number": echo,
                "turn-right": lambda d: DIRECTIONS[(DIRECTIONS.index(d) + 1) % 4],
                "echo-wide": echo,
                "invert-full": lambda f: [n for n in FULL if n not in f],
                "echo-nested-option": echo,
                "safe-div": host_safe_div,
                "echo-nested-result": echo,
                "check-positive": lambda x: {"ok": None} if x > 0 else {"err": None},
            },
            "kiln:corpus/blobs": {
                "[constructor]blob": self.blob_new,
                "[method]blob.bytes": lambda b: list(self.blob(b)),
                "[method]blob.append": self.blob_append,
                "[method]blob.size": lambda b: len(self.blob(b)),
                "[static]blob.concat": lambda a, b: self.blob_new(list(self.blob(a) + self.blob(b))),
                "live-blobs": lambda: len(self.blobs),
            },
            "kiln:corpus/trap-host": {"note": self.notes.append, "fail": self.fail},
        }

    def resources(self):
        """{instance name: {resource name: (resource type, destructor)}}."""
        return {"kiln:corpus/blobs": {"blob": (ResourceType.host(BLOB_TYPE), self.blob_drop)}}

    def state(self, name):
        if name == "notes":
            return list(self.notes)
        raise CaseError("no host state %r" % name)

    def set_value(self, x):
        self.value = x

    def fail(self, msg):
        raise HostFailure(msg)

    # A blob is a bytearray in self.blobs under its rep.
    def blob_new(self, init):
        rep = self.next_blob
        self.next_blob += 1
        self.blobs[rep] = bytearray(init)
        return Handle(ResourceHost.own(rep, BLOB_TYPE))

    def blob(self, handle):
        return self.blobs[handle.value.to_host(self.store).rep]

    def blob_append(self, handle, more):
        self.blob(handle).extend(more)

    def blob_drop(self, _store, rep):
        del self.blobs[rep]


def define_imports(linker, component, engine, host, called):
    """Defines every import of `component` from `host`, recording in `called`
    the name of each import function as it is called."""
    functions = host.functions()
    resources = host.resources()

    def wrap(name, ty, impl):
        params = [t for _, t in ty.params]
        result = ty.result

        def call(store, *args):
            called.add(name)
            host.store = store
            value = impl(*[canon(t, a, True) for t, a in zip(params, args)])
            if result is None:
                return None
            return to_python(result, value, {})
        return call

    with linker.root() as root:
        for import_name, item in component.type.imports(engine).items():
            ty = item.ty
            if isinstance(ty, FuncType):
                root.add_func(import_name, wrap(import_name, ty, functions[""][import_name]))
            elif isinstance(ty, ComponentInstanceType):
                # Interfaces of types only are instances with nothing to define.
                impls = functions.get(import_name, {})
                with root.add_instance(import_name) as instance:
                    exports = ty.exports(engine)
                    for name, export in exports.items():
                        if isinstance(export.ty, ResourceType):
                            resource_ty, dtor = resources[import_name][name]
                            instance.add_resource(name, resource_ty, dtor)
                    for name, export in exports.items():
                        if isinstance(export.ty, FuncType):
                            if name not in impls:
                                raise CaseError("the host lacks %s#%s" % (import_name, name))
                            instance.add_func(name, wrap(import_name + "#" + name, export.ty,
                                                         impls[name]))
            elif isinstance(ty, ResourceType):
                # A world's `use` of an imported interface's resource is a
                # type import equal to that resource: nothing to define.
                continue
            else:
                raise CaseError("cannot define import %r" % import_name)


def import_functions(component, engine):
    names = set()
    for import_name, item in component.type.imports(engine).items():
        if isinstance(item.ty, FuncType):
            names.add(import_name)
        elif isinstance(item.ty, ComponentInstanceType):
            for name, export in item.ty.exports(engine).items():
                if isinstance(export.ty, FuncType):
                    names.add(import_name + "#" + name)
    return names


def export_functions(component, engine):
    names = set()
    for export_name, item in component.type.exports(engine).items():
        if isinstance(item.ty, FuncType):
            names.add(export_name)
        elif isinstance(item.ty, ComponentInstanceType):
            for name, export in item.ty.exports(engine).items():
                if isinstance(export.ty, FuncType):
                    names.add(export_name + "#" + name)
    return names


# --- traps -------------------------------------------------------------------

# What wasmtime says for each kind of trap a case file names; where Kiln's
# package (which this runner also drives, through a `wasmtime` alias) words
# a kind otherwise, its words follow.
TRAP_TEXT = {
    "unreachable": ("wasm `unreachable` instruction executed",),
    "invalid-utf8": ("invalid utf-8",),
    "invalid-char": ("out of range for `char`", "invalid char value"),
    "invalid-discriminant": ("discriminant",),
    "out-of-bounds": ("out of bounds",),
    "misaligned": ("not aligned",),
    "unknown-handle": ("unknown handle index",),
    "poisoned": ("cannot enter component instance",),
}


def check_trap(step, error):
    """None when `error` is the trap `step` expects, else what is wrong."""
    kind = step["trap"]
    if kind == "host":
        if not isinstance(error, HostFailure):
            return "expected the host's failure, got %r" % (error,)
        if "message" in step and str(error) != step["message"]:
            return "expected the host's failure %r, got %r" % (step["message"], str(error))
        return None
    if kind not in TRAP_TEXT:
        return "unknown trap kind %r" % kind
    text = str(error)
    if not isinstance(error, WasmtimeError) or not any(
        words.lower() in text.lower() for words in TRAP_TEXT[kind]
    ):
        return "expected a %s trap, got %s: %s" % (kind, type(error).__name__,
                                                   text.splitlines()[0] if text else "")
    return None


# --- running -----------------------------------------------------------------


def find_func(instance, store, name):
    if "#" in name:
        interface, func = name.split("#", 1)
        index = instance.get_export_index(store, interface)
        if index is None:
            return None
        index = instance.get_export_index(store, func, index)
        return None if index is None else instance.get_func(store, index)
    return instance.get_func(store, name)


def run_test(engine, component, test, called_exports, called_imports):
    """Runs one test on a fresh instance; returns the list of failures."""
    store = Store(engine)
    host = Host()
    linker = Linker(engine)
    define_imports(linker, component, engine, host, called_imports)
    instance = linker.instantiate(store, component)
    resources = {}
    errors = []
    for index, step in enumerate(test["steps"]):
        where = "step %d" % (index + 1)
        if "drop" in step:
            name = step["drop"]
            if name not in resources:
                raise CaseError("%s: no resource named %r" % (where, name))
            resources.pop(name).drop(store)
            continue
        if "host" in step:
            compare(step["expect"], host.state(step["host"]), resources, where, errors)
            continue
        name = step["call"]
        where = "%s (%s)" % (where, name)
        func = find_func(instance, store, name)
        if func is None:
            raise CaseError("%s: no such export" % where)
        called_exports.add(name)
        ty = func.type(store)
        params = [t for _, t in ty.params]
        if len(params) != len(step["args"]):
            raise CaseError("%s: %d arguments for %d parameters" % (where, len(step["args"]),
                                                                    len(params)))
        args = [to_python(t, a, resources) for t, a in zip(params, step["args"])]
        try:
            result = func(store, *args)
        except (WasmtimeError, HostFailure) as error:
            if "trap" not in step:
                errors.append("%s: unexpected trap: %s" % (where, str(error).splitlines()[0]))
                break
            problem = check_trap(step, error)
            if problem:
                errors.append("%s: %s" % (where, problem))
            continue
        if "trap" in step:
            errors.append("%s: expected a %s trap, got a result" % (where, step["trap"]))
            continue
        if ty.result is None:
            if "expect" in step:
                errors.append("%s: expected a result, the function has none" % where)
            continue
        if "expect" not in step:
            raise CaseError("%s: the function has a result; the step expects none" % where)
        compare(canon(ty.result, step["expect"], False), canon(ty.result, result, True),
                resources, where, errors)
    if resources and not errors:
        errors.append("the test leaves resources undropped: " + ", ".join(sorted(resources)))
    return errors


def run_world(engine, guests, cases_dir, world):
    """Returns (passed, failures) for one world's case file."""
    case_file = json.loads((cases_dir / (world + ".json")).read_text(encoding="utf-8"))
    component = Component.from_file(engine, str(guests / (world + ".wasm")))
    called_exports, called_imports = set(), set()
    passed, failures = 0, []
    for test in case_file["tests"]:
        label = "%s/%s" % (world, test["name"])
        try:
            errors = run_test(engine, component, test, called_exports, called_imports)
        except CaseError as error:
            errors = ["case error: %s" % error]
        if errors:
            failures.append((label, errors))
        else:
            passed += 1
    uncalled = sorted(export_functions(component, engine) - called_exports)
    if uncalled:
        failures.append(("%s (exports)" % world, ["no test calls " + ", ".join(uncalled)]))
    unused = sorted(import_functions(component, engine) - called_imports)
    if unused:
        failures.append(("%s (imports)" % world, ["no call reaches " + ", ".join(unused)]))
    return passed, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guests", type=Path, default=WORKSPACE / "target" / "wit-guests")
    parser.add_argument("--cases", type=Path, default=CORPUS / "cases")
    parser.add_argument("worlds", nargs="*")
    options = parser.parse_args()
    worlds = options.worlds or sorted(p.stem for p in options.cases.glob("*.json"))
    engine = Engine()
    total_passed, total_failed = 0, 0
    for world in worlds:
        passed, failures = run_world(engine, options.guests, options.cases, world)
        for label, errors in failures:
            for error in errors:
                print("FAIL %s: %s" % (label, error))
        print("%s: %d passed, %d failed" % (world, passed, len(failures)))
        total_passed += passed
        total_failed += len(failures)
    print("%d passed, %d failed" % (total_passed, total_failed))
    sys.exit(1 if total_failed else 0)


if __name__ == "__main__":
    main()
