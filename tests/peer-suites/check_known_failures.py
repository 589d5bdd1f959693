#!/usr/bin/env python3
"""Compares a peer suite's per-test results with its known-failures file.

usage: check_known_failures.py js-api RESULTS.json KNOWN-FAILURES.txt
       check_known_failures.py wasmtime-py PYTEST-OUTPUT.txt KNOWN-FAILURES.txt

RESULTS.json is what `run-js-api` writes to $JSAPI_RESULTS; PYTEST-OUTPUT.txt
is the output of `run-wasmtime-py-tests -rA` (pytest's `PASSED`/`FAILED`/
`ERROR` lines). A known-failures file lists one test a line, then `#` and the
reason it fails:

    js-api:       <file> :: <subtest name>  # reason
    wasmtime-py:  <file>::<class>::<test>   # reason

The check goes both ways, so the list can only shrink: a test that fails and
is not listed fails the check, and so does a listed test that passes or that
the suite no longer has. The last line is `N passed, M failed`, where failed
counts the tests whose outcome differs from the list.
"""
import json
import re
import sys


def read_known(path):
    known = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            test, sep, reason = line.partition("  # ")
            test = test.strip()
            if not sep or not reason.strip() or not test:
                sys.exit(f"{path}:{number}: expected `<test>  # <reason>`, got {line.strip()!r}")
            if test in known:
                sys.exit(f"{path}:{number}: {test} is listed twice")
            known[test] = reason.strip()
    return known


def js_api_outcomes(path):
    with open(path, encoding="utf-8") as f:
        results = json.load(f)
    return {
        f"{file} :: {name}": status == "PASS"
        for file, subtests in results.items()
        for name, status in subtests.items()
    }


PYTEST_LINE = re.compile(r"^(PASSED|FAILED|ERROR) (\S+::\S+)")


def wasmtime_py_outcomes(path):
    outcomes = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = PYTEST_LINE.match(line)
            if m:
                test = m.group(2)
                if test.startswith("tests/"):
                    test = test[len("tests/"):]
                # A test whose teardown errors after it passed has failed.
                outcomes[test] = outcomes.get(test, True) and m.group(1) == "PASSED"
    return outcomes


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("js-api", "wasmtime-py"):
        sys.exit(__doc__)
    suite, results, known_path = sys.argv[1:]
    outcomes = (js_api_outcomes if suite == "js-api" else wasmtime_py_outcomes)(results)
    if not outcomes:
        sys.exit(f"{results}: no test results found")
    known = read_known(known_path)
    problems = []
    mismatches = 0
    for test, passed in sorted(outcomes.items()):
        if passed and test in known:
            problems.append(f"UNEXPECTED PASS {test} (listed: {known[test]}); remove it from {known_path}")
            mismatches += 1
        elif not passed and test not in known:
            problems.append(f"UNEXPECTED FAIL {test}")
            mismatches += 1
    for test in sorted(set(known) - set(outcomes)):
        problems.append(f"STALE ENTRY {test}: the suite has no such test; remove it from {known_path}")
    for p in problems:
        print(p)
    expected_failures = sum(1 for t, passed in outcomes.items() if not passed and t in known)
    print(f"# {suite}: {sum(outcomes.values())} of {len(outcomes)} tests pass; "
          f"{expected_failures} fail as {known_path} expects")
    stale = len(problems) - mismatches
    print(f"{len(outcomes) - mismatches} passed, {len(problems)} failed"
          + (f" ({stale} stale entries)" if stale else ""))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
