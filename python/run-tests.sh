#!/usr/bin/env bash
# Builds the Python package's wheel the way `pip install ./python` does,
# installs it into fresh virtual environments and runs the stub check and
# the pytest suite. KILN_PYTHON picks the interpreter (default: python3,
# 3.9 or later); the one abi3 wheel is also tested on a CPython 3.9 when
# pyenv has one, since 3.9 is the oldest version it claims. It builds the
# WIT corpus's guest components first (target/wit-guests), for the tests of
# kiln.component and of the generated Python glue (wit-tools/golden/python),
# which are also type-checked with `mypy --strict`. KILN_BUILD_LOCK names a
# lock file that serialises the cargo builds with other builds in the
# checkout.
set -euo pipefail
cd "$(dirname "$0")"

lock=()
if [ -n "${KILN_BUILD_LOCK:-}" ]; then
    lock=(flock "$KILN_BUILD_LOCK")
fi
(cd .. && "${lock[@]}" cargo run --locked -q -p kiln-wit-guests)

target="$(cd .. && pwd)/target"
wheels="$target/python-wheels"

pythons=("${KILN_PYTHON:-python3}")
if command -v pyenv >/dev/null; then
    for p in "$(pyenv root)"/versions/3.9.*/bin/python3; do
        if [ -x "$p" ]; then
            pythons+=("$p")
            break
        fi
    done
fi

venv_for() {
    local python=$1 venv
    venv="$target/python-venv-$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    if [ ! -x "$venv/bin/python" ]; then
        "$python" -m venv "$venv"
        "$venv/bin/python" -m pip install -q --upgrade pip
    fi
    echo "$venv"
}

# The dev profile shares the compiled engine with `cargo test` and builds in
# seconds instead of the minutes a release build of Cranelift takes; wheels
# for users are built in the `dist` profile (fat LTO), which `pip install` and
# `maturin build` take from pyproject.toml.
first=$(venv_for "${pythons[0]}")
rm -rf "$wheels"
MATURIN_PEP517_ARGS="--profile dev" "${lock[@]}" "$first/bin/python" -m pip wheel -q --no-deps -w "$wheels" ./
wheel=$(ls "$wheels"/kiln_wasm-*-cp39-abi3-*.whl)

cd tests
for python in "${pythons[@]}"; do
    venv=$(venv_for "$python")
    echo "== pytest on $("$venv/bin/python" --version)"
    "$venv/bin/python" -m pip install -q pytest numpy
    "$venv/bin/python" -m pip install -q --force-reinstall --no-deps "$wheel"
    if [ "$venv" = "$first" ]; then
        # The stubs must describe exactly what the installed module provides.
        "$venv/bin/python" -m pip install -q mypy
        "$venv/bin/python" -m mypy.stubtest kiln
        # The generated glue, and a host and a test written against it, are
        # clean under mypy --strict.
        golden=../../wit-tools/golden/python
        MYPYPATH="component:$golden/resources:$golden/traps" "$venv/bin/python" -m mypy \
            --strict --no-incremental --cache-dir=/dev/null \
            "$golden"/*/*.py "$golden"/edge/*/*.py component/hosts.py test_component_lifetimes.py
        # The glue made with --raise-errors '*', and its test.
        raising=../../wit-tools/golden/python-raising/variants
        MYPYPATH="$raising" "$venv/bin/python" -m mypy --strict --no-incremental \
            --cache-dir=/dev/null "$raising/variants.py" test_component_raising.py
    fi
    "$venv/bin/python" -m pytest -q -p no:cacheprovider .
done
