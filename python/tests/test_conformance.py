"""The shared conformance vectors (tests/conformance/vectors.json) through
the Python API: the same results, traps and host calls as every binding."""

import json
import math
import pathlib

import pytest

import kiln

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "conformance" / "vectors.json"
CASES = json.loads(VECTORS.read_text())["cases"]


def parse(text):
    kind, value = text.split(":", 1)
    if kind in ("i32", "i64"):
        return int(value)
    return float(value)


def same(actual, expected_text):
    expected = parse(expected_text)
    if isinstance(expected, float) and math.isnan(expected):
        return math.isnan(actual)
    return actual == expected


def instantiate(case):
    engine = kiln.Engine()
    store = kiln.Store(engine)
    linker = kiln.Linker(engine)
    i32 = kiln.ValType.i32()
    linker.define_func(
        "conformance", "double", kiln.FuncType([i32], [i32]), lambda x: (x * 2 + 2**31) % 2**32 - 2**31
    )

    def fail():
        raise RuntimeError("host failure")

    linker.define_func("conformance", "fail", kiln.FuncType([], []), fail)
    module = kiln.Module(engine, case["module"])
    return store, linker.instantiate(store, module)


def as_list(result, count):
    if count == 0:
        assert result is None
        return []
    if count == 1:
        return [result]
    return list(result)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_conformance_vector(case):
    store, instance = instantiate(case)
    exports = instance.exports(store)
    for step in case["steps"]:
        if "invoke" in step:
            func = exports[step["invoke"]]
            args = [parse(a) for a in step["args"]]
            if "trap" in step:
                # A host function's exception comes back as itself, not as a Trap.
                with pytest.raises(Exception) as raised:
                    func(store, *args)
                assert step["trap"] in str(raised.value)
            else:
                results = as_list(func(store, *args), len(step["expect"]))
                assert len(results) == len(step["expect"])
                for actual, expected in zip(results, step["expect"]):
                    assert same(actual, expected), (step, actual)
        elif "read_memory" in step:
            memory = exports[step["read_memory"]]
            want = bytes.fromhex(step["expect_hex"])
            offset = step["offset"]
            assert bytes(memory.read(store, offset, offset + len(want))) == want
        elif "read_global" in step:
            assert same(exports[step["read_global"]].value(store), step["expect"])
        else:
            raise AssertionError(f"unknown step {step}")


def test_every_case_is_run():
    assert len(CASES) == 12
