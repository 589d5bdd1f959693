"""The dynamic path (kiln.component's Func called with Python values) on
the WIT corpus: wit-tools/tests/reference/run.py, written for wasmtime-py
50's `wasmtime.component`, replays every case file on Kiln's package, which
it imports as `wasmtime` (the names wasmtime-py has, and `WasmtimeError` for
`KilnError`). Failures it reports must be exactly those listed with a
`reference/` prefix in component/known-failures.txt."""

from __future__ import annotations

import importlib.util
import io
import os
import sys
import types
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any, Dict, List

import pytest

import kiln
import kiln.component

HERE = Path(__file__).resolve().parent
WORKSPACE = HERE.parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", WORKSPACE / "target"))
GUESTS = Path(os.environ.get("KILN_WIT_GUESTS", TARGET / "wit-guests"))
CASES = WORKSPACE / "wit-tools" / "tests" / "cases"
WORLDS = ["scalars", "lists", "variants", "resources", "traps"]


def known() -> Dict[str, str]:
    out = {}
    for line in (HERE / "component" / "known-failures.txt").read_text().splitlines():
        if line.startswith("reference/"):
            name, _, reason = line.partition(" ")
            out[name[len("reference/"):]] = reason.strip()
    return out


@pytest.fixture(scope="module")
def run() -> Any:
    """run.py, importing kiln as wasmtime."""
    saved = {k: sys.modules.get(k) for k in ("wasmtime", "wasmtime.component")}
    shim = types.ModuleType("wasmtime")
    for name in kiln.__all__:
        setattr(shim, name, getattr(kiln, name))
    setattr(shim, "WasmtimeError", kiln.KilnError)
    setattr(shim, "component", kiln.component)
    sys.modules["wasmtime"] = shim
    sys.modules["wasmtime.component"] = kiln.component
    try:
        path = WORKSPACE / "wit-tools" / "tests" / "reference" / "run.py"
        spec = importlib.util.spec_from_file_location("kiln_reference_run", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


@pytest.mark.parametrize("world", WORLDS)
def test_reference_run(run: Any, world: str) -> None:
    with redirect_stdout(io.StringIO()):
        passed, failures = run.run_world(kiln.Engine(), GUESTS, CASES, world)
    failed = {label: errors for label, errors in failures}
    expected = {k for k in known() if k.startswith(world + "/")}
    unexpected: List[str] = ["%s: %s" % (k, v) for k, v in failed.items() if k not in expected]
    assert not unexpected, "\n".join(unexpected)
    passing = expected - set(failed)
    assert not passing, "listed in known-failures.txt but passes: %s" % sorted(passing)
