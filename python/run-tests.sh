#!/usr/bin/env bash
# Builds and installs the Python package into a fresh virtual environment the
# way a user would (`pip install ./python`), then runs its pytest suite.
# KILN_PYTHON picks the interpreter (default: python3, which must be >= 3.9).
set -euo pipefail
cd "$(dirname "$0")"

python=${KILN_PYTHON:-python3}
venv="$(cd .. && pwd)/target/python-venv"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q pytest numpy mypy
# The dev profile shares the compiled engine with `cargo test` and builds in
# seconds instead of the minutes a release build of Cranelift takes; wheels
# for users are built with `maturin build --release`.
MATURIN_PEP517_ARGS="--profile dev" "$venv/bin/python" -m pip install -q --force-reinstall ./
cd tests
# The stubs must describe exactly what the installed module provides.
"$venv/bin/python" -m mypy.stubtest kiln
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider .
