#!/usr/bin/env python3
"""Writes the corpus's case files, `<world>.json` beside this script.

The case files are the contract every runtime test replays (see ../README.md
for their format). They are generated so that large values stay short (the
`repeat` form) and so that each expected value is computed here, by plain
Python written from the WIT documentation, independently of the C guests.

    python3 generate.py          # rewrite the case files
    python3 generate.py --check  # fail if a case file differs from what this writes
"""

import json
import math
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --- value encoding (see ../README.md) ---------------------------------------


def u64(x):
    return str(x & (2**64 - 1))


def s64(x):
    x &= 2**64 - 1
    return str(x - 2**64 if x >= 2**63 else x)


def f32v(x):
    """The f32 nearest to x, as a Python float."""
    if math.isnan(x) or math.isinf(x):
        return x
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:  # rounds past the largest f32
        return math.copysign(math.inf, x)


def flt(x):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0 and math.copysign(1, x) < 0:
        return "-0"
    if x == int(x) and abs(x) < 2**53:
        return int(x) if abs(x) < 1e16 else x
    return x


def f32(x):
    return flt(f32v(x))


def some(v):
    return {"some": v}


NONE = None


def ok(v=None):
    return {"ok": v}


def err(v=None):
    return {"err": v}


def case(name, value=None, *, payload=True):
    return {"case": name, "value": value} if payload else {"case": name}


def repeat(item, count):
    return {"repeat": item, "count": count}


def concat(*parts):
    return {"concat": list(parts)}


def res(name):
    return {"resource": name}


# --- steps -------------------------------------------------------------------

NOTHING = object()


def call(fn, args, expect=NOTHING):
    step = {"call": fn, "args": args}
    if expect is not NOTHING:
        step["expect"] = expect
    return step


def trap(fn, args, kind, message=None):
    step = {"call": fn, "args": args, "trap": kind}
    if message is not None:
        step["message"] = message
    return step


def drop(name):
    return {"drop": name}


def host(state, expect):
    return {"host": state, "expect": expect}


def test(name, *steps):
    return {"name": name, "steps": list(steps)}


def single(fn, cases):
    """One test per function: each (args, expect) pair is one call."""
    return test(fn.split("#")[-1], *[call(fn, args, expect) for args, expect in cases])


# --- oracles -----------------------------------------------------------------


def wrap(x, bits, signed):
    x &= (1 << bits) - 1
    if signed and x >= 1 << (bits - 1):
        x -= 1 << bits
    return x


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def f64_bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def f64_from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def f32_from_bits(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def next_char(c):
    code = ord(c)
    if code == 0xD7FF:
        return "\ue000"
    if code == 0x10FFFF:
        return "\x00"
    return chr(code + 1)


def ieee_div(a, b):
    if b == 0:
        if math.isnan(a) or a == 0:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1, b)
    return a / b


# --- scalars -----------------------------------------------------------------


def scalars():
    api = "kiln:corpus/scalar-api#"
    u8s = [0, 1, 127, 128, 255]
    u16s = [0, 1, 0x7FFF, 0x8000, 0xFFFF]
    u32s = [0, 1, 2**31 - 1, 2**31, 2**32 - 1]
    u64s = [0, 1, 2**53 + 1, 2**63, 2**64 - 1]
    s8s = [-128, -1, 0, 1, 127]
    s16s = [-32768, -1, 0, 1, 32767]
    s32s = [-(2**31), -1, 0, 1, 2**31 - 1]
    s64s = [-(2**63), -(2**53) - 1, -1, 0, 2**63 - 1]
    f32s = [0.0, -0.0, 1.5, 0.1, -2.5e-3, 3.4028234663852886e38, 1.401298464324817e-45,
            1.1754943508222875e-38, math.inf, -math.inf, math.nan]
    f64s = [0.0, -0.0, 0.1, -1e300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
            2.0**53 + 2, math.inf, -math.inf, math.nan]
    chars = ["a", "\x00", "\x7f", "\x80", "é", "\u07ff", "\u0800", "€", "\ud7ff", "\ue000",
             "\uffff", "\U00010000", "😀", "\U0010ffff"]
    tests = [
        single(api + "echo-bool", [([b], b) for b in [True, False]]),
        single(api + "echo-u8", [([x], x) for x in u8s]),
        single(api + "echo-u16", [([x], x) for x in u16s]),
        single(api + "echo-u32", [([x], x) for x in u32s]),
        single(api + "echo-u64", [([u64(x)], u64(x)) for x in u64s]),
        single(api + "echo-s8", [([x], x) for x in s8s]),
        single(api + "echo-s16", [([x], x) for x in s16s]),
        single(api + "echo-s32", [([x], x) for x in s32s]),
        single(api + "echo-s64", [([s64(x)], s64(x)) for x in s64s]),
        single(api + "echo-f32", [([f32(x)], f32(x)) for x in f32s]),
        single(api + "echo-f64", [([flt(x)], flt(x)) for x in f64s]),
        single(api + "echo-char", [([c], c) for c in chars]),
        single(api + "negate", [([b], not b) for b in [True, False]]),
        single(api + "add-u8", [([a, b], wrap(a + b, 8, False))
                                for a, b in [(1, 2), (255, 1), (200, 100), (0, 0)]]),
        single(api + "add-s16", [([a, b], wrap(a + b, 16, True))
                                 for a, b in [(1, -2), (32767, 1), (-32768, -1), (-5, 5)]]),
        single(api + "mul-u32", [([a, b], wrap(a * b, 32, False))
                                 for a, b in [(3, 4), (2**32 - 1, 2), (65536, 65536), (0, 7)]]),
        single(api + "mul-s32", [([a, b], wrap(a * b, 32, True))
                                 for a, b in [(-3, 4), (-(2**31), -1), (46341, 46341), (-1, -1)]]),
        single(api + "sub-u64", [([u64(a), u64(b)], u64(a - b))
                                 for a, b in [(5, 3), (0, 1), (2**63, 2**64 - 1), (2**64 - 1, 0)]]),
        single(api + "sub-s64", [([s64(a), s64(b)], s64(a - b))
                                 for a, b in [(-5, 3), (-(2**63), 1), (2**63 - 1, -1), (0, 0)]]),
        single(api + "u8-as-s8", [([x], wrap(x, 8, True)) for x in u8s]),
        single(api + "s8-as-u8", [([x], wrap(x, 8, False)) for x in s8s]),
        single(api + "u16-as-s16", [([x], wrap(x, 16, True)) for x in u16s]),
        single(api + "s16-as-u16", [([x], wrap(x, 16, False)) for x in s16s]),
        single(api + "u32-as-s32", [([x], wrap(x, 32, True)) for x in u32s]),
        single(api + "s32-as-u32", [([x], wrap(x, 32, False)) for x in s32s]),
        single(api + "u64-as-s64", [([u64(x)], s64(x)) for x in u64s]),
        single(api + "s64-as-u64", [([s64(x)], u64(x)) for x in s64s]),
        single(api + "mul-f32", [([f32(a), f32(b)], f32(f32v(a) * f32v(b)))
                                 for a, b in [(1.5, 2.0), (0.1, 0.1), (3e38, 10.0), (-0.0, 5.0),
                                              (math.inf, 0.0), (1e-30, 1e-30)]]),
        single(api + "div-f64", [([flt(a), flt(b)], flt(ieee_div(a, b)))
                                 for a, b in [(1.0, 3.0), (1.0, 0.0), (-1.0, 0.0), (0.0, 0.0),
                                              (1e308, 1e-308), (-0.0, 2.0)]]),
        single(api + "f32-bits", [([f32(x)], f32_bits(f32v(x)))
                                  for x in [0.0, -0.0, 1.0, 0.1, math.inf, -math.inf,
                                            1.401298464324817e-45]]),
        single(api + "f32-from-bits", [([b], f32(f32_from_bits(b)))
                                       for b in [0, 0x80000000, 0x3F800000, 0x7F800000, 0x00000001,
                                                 0x7FC00000, 0x7FC00001, 0xFFFFFFFF]]),
        single(api + "f64-bits", [([flt(x)], u64(f64_bits(x)))
                                  for x in [0.0, -0.0, 1.0, 0.1, math.inf, 5e-324]]),
        single(api + "f64-from-bits", [([u64(b)], flt(f64_from_bits(b)))
                                       for b in [0, 2**63, 0x3FF0000000000000, 0x7FF0000000000000,
                                                 1, 0x7FF8000000000000, 0x7FF0000000000001,
                                                 2**64 - 1]]),
        single(api + "f32-to-f64", [([f32(x)], flt(f32v(x)))
                                    for x in [0.1, -0.0, 3.4028234663852886e38, math.inf,
                                              math.nan, 1.401298464324817e-45]]),
        single(api + "f64-to-f32", [([flt(x)], f32(x))
                                    for x in [0.1, 1e39, -1e39, 1e-46, math.nan, -0.0,
                                              16777217.0]]),
        single(api + "next-char", [([c], next_char(c)) for c in chars]),
        single(api + "char-code", [([c], ord(c)) for c in chars]),
    ]

    many_sets = [
        [1, -2, 3, -4, 5, -6, u64(7), s64(-8), f32(1.5), flt(2.5), "x", True, 9, 10, 11, u64(12),
         f32(3.5), flt(4.5)],
        [255, -128, 65535, -32768, 2**32 - 1, -(2**31), u64(2**64 - 1), s64(-(2**63)),
         f32(math.inf), "nan", "😀", False, 0, 0, 0, u64(0), "-0", flt(5e-324)],
        [0, 127, 0, 32767, 0, 2**31 - 1, u64(2**63), s64(2**63 - 1), "nan", "-inf", "\U0010ffff",
         True, 128, 32768, 2**31, u64(2**53 + 1), f32(0.1), flt(0.1)],
    ]
    tests.append(single(api + "many-params", [(a, list(reversed(a))) for a in many_sets]))
    tests.append(single(api + "split-u64", [([u64(x)], [x >> 32, x & 0xFFFFFFFF])
                                            for x in [0, 1, 2**32, 2**64 - 1, 0x0123456789ABCDEF]]))
    tests.append(single(api + "swap", [([f32(a), flt(b)], [flt(b), f32(a)])
                                       for a, b in [(1.5, 2.5), (math.nan, -0.0), (0.1, 0.1)]]))

    echo_sets = [
        [True, 0, 0, 0, u64(0), -128, -32768, -(2**31), s64(-(2**63)), "-0", "-inf", "\x00"],
        [False, 255, 65535, 2**32 - 1, u64(2**64 - 1), 127, 32767, 2**31 - 1, s64(2**63 - 1),
         f32(3.4028234663852886e38), flt(1.7976931348623157e308), "\U0010ffff"],
        [True, 1, 2, 3, u64(4), -5, -6, -7, s64(-8), "nan", "nan", "é"],
    ]
    tests.append(single("host-echo-all", [(a, a) for a in echo_sets]))
    tests.append(single("host-many-params", [(a, list(reversed(a))) for a in many_sets]))
    big = "wörld 😀 "
    tests.append(single("host-greet", [([w], "hello, " + w) for w in
                                       ["world", "", "wörld 😀", "\x00"]]
                        + [([repeat(big, 10000)], concat("hello, ", repeat(big, 10000)))]))
    tests.append(test("guest-state",
                      call("get-value", [], u64(0)),
                      call("set-value", [u64(2**64 - 1)]),
                      call("get-value", [], u64(2**64 - 1)),
                      call("set-value", [u64(42)]),
                      call("get-value", [], u64(42))))
    tests.append(single("host-value-roundtrip", [([u64(x)], u64(x))
                                                 for x in [0, 2**64 - 1, 12345, 2**63]]))
    return tests


# --- lists -------------------------------------------------------------------


def point(x, y):
    return {"x": x, "y": y}


def score(name, value):
    return {"name": name, "value": flt(value)}


def mixed(a, b, c, d, e, f, g, h):
    return {"a": a, "b": u64(b), "c": c, "d": f32(d), "e": e, "f": flt(f), "g": g, "h": h}


def lists():
    api = "kiln:corpus/list-api#"
    strings = ["", "a", "hello, wörld", "😀€é", "\x00", "a\x00b", "\U0010ffff\ud7ff"]
    big_unit = "aé€😀"
    big_count = 30000  # 10 bytes a unit: 300 KB, several 64 KiB pages
    tests = [
        single(api + "echo-string", [([s], s) for s in strings]
               + [([repeat(big_unit, big_count)], repeat(big_unit, big_count))]),
        single(api + "count-chars", [([s], len(s)) for s in strings]
               + [([repeat(big_unit, big_count)], 4 * big_count)]),
        single(api + "reverse-string", [([s], s[::-1]) for s in strings]
               + [([repeat(big_unit, big_count)], repeat(big_unit[::-1], big_count))]),
        single(api + "upper-ascii", [([s], "".join(c.upper() if "a" <= c <= "z" else c for c in s))
                                     for s in strings + ["straße éa"]]),
        single(api + "concat", [([a, b], a + b) for a, b in
                                [("", ""), ("a", ""), ("", "é"), ("foo", "bär"), ("😀", "😀")]]),
        single(api + "repeat-string", [([s, n], s * n) for s, n in
                                       [("ab", 0), ("", 5), ("é", 3), ("x", 1)]]
               + [([big_unit, 50000], repeat(big_unit, 50000))]),
        single(api + "echo-bytes", [([b], b) for b in [[], [0], [0, 255], list(range(256))]]
               + [([repeat(list(range(256)), 1000)], repeat(list(range(256)), 1000))]),
        single(api + "sum-bytes", [([b], u64(sum(b))) for b in [[], [255], [1, 2, 3]]]
               + [([repeat([255], 100000)], u64(255 * 100000))]),
        single(api + "make-bytes", [([n, seed], [(seed + i) % 256 for i in range(n)])
                                    for n, seed in [(0, 0), (5, 254), (1, 255)]]
               + [([256 * 300, 0], repeat(list(range(256)), 300))]),
        single(api + "echo-u16s", [([x], x) for x in [[], [0, 1, 65535], repeat([1, 65535], 5000)]]),
        single(api + "echo-s32s", [([x], x) for x in [[], [-(2**31), -1, 0, 2**31 - 1]]]),
        single(api + "echo-u64s", [([x], x) for x in
                                   [[], [u64(0), u64(2**64 - 1), u64(2**53 + 1)],
                                    repeat([u64(2**63)], 3000)]]),
        single(api + "echo-s64s", [([x], x) for x in [[], [s64(-(2**63)), s64(-1), s64(2**63 - 1)]]]),
        single(api + "echo-f32s", [([x], x) for x in
                                   [[], [f32(0.1), "-0", "nan", "inf", "-inf",
                                         f32(1.401298464324817e-45)]]]),
        single(api + "echo-f64s", [([x], x) for x in
                                   [[], [flt(0.1), "-0", "nan", "inf", flt(5e-324)]]]),
        single(api + "echo-bools", [([x], x) for x in [[], [True, False, True],
                                                       repeat([False, True, True], 3000)]]),
        single(api + "echo-chars", [([x], x) for x in [[], ["a", "é", "😀", "\x00", "\U0010ffff"]]]),
        single(api + "echo-strings", [([x], x) for x in
                                      [[], [""], ["a", "", "wörld", "😀"],
                                       repeat(["ab", "", "é"], 2000)]]),
        single(api + "join", [([p, sep], sep.join(p)) for p, sep in
                              [([], ","), (["a"], ","), (["a", "b", "c"], ", "), (["", ""], "é"),
                               (["x", "y"], "")]]),
        single(api + "split", [([s, sep], s.split(sep)) for s, sep in
                               [("", ","), ("a,b,c", ","), (",a,", ","), ("aébéc", "é"),
                                ("no", "😀"), ("😀x😀", "😀")]]),
        single(api + "echo-nested", [([x], x) for x in
                                     [[], [[]], [[1], [2, 3], []], [[2**32 - 1] * 3] * 2,
                                      repeat([[1, 2, 3], []], 2000)]]),
        single(api + "flatten", [([x], [v for inner in x for v in inner]) for x in
                                 [[], [[]], [[1], [2, 3], [], [4]]]]
               + [([repeat([[7, 8], [9]], 10000)], repeat([7, 8, 9], 10000))]),
        single(api + "echo-deep", [([x], x) for x in
                                   [[], [[]], [[[]]], [[["a", "b"], []], [["é"]], []]]]),
        single(api + "echo-point", [([p], p) for p in
                                    [point(0, 0), point(-(2**31), 2**31 - 1)]]),
        single(api + "translate", [([point(x, y), dx, dy], point(wrap(x + dx, 32, True),
                                                                wrap(y + dy, 32, True)))
                                   for x, y, dx, dy in [(1, 2, 3, 4), (2**31 - 1, -(2**31), 1, -1)]]),
        single(api + "echo-mixed", [([m], m) for m in
                                    [mixed(0, 0, 0, 0.0, False, 0.0, "\x00", 0),
                                     mixed(255, 2**64 - 1, 65535, math.inf, True, math.nan,
                                           "\U0010ffff", -128),
                                     mixed(1, 2**53 + 1, 3, 0.1, True, -0.0, "é", 127)]]),
        single(api + "echo-mixeds", [([x], x) for x in
                                     [[], [mixed(1, 2, 3, 4.5, True, 6.5, "z", -7),
                                           mixed(255, 2**64 - 1, 65535, -0.0, False, 5e-324, "😀", -1)],
                                      repeat([mixed(9, 2**40, 9, 0.5, True, 0.25, "q", -9)], 2000)]]),
        single(api + "echo-line", [([ln], ln) for ln in
                                   [{"start": point(0, 0), "end": point(1, -1), "label": ""},
                                    {"start": point(-5, 5), "end": point(2**31 - 1, 0),
                                     "label": "diagonal ↗"}]]),
        single(api + "echo-team", [([t], t) for t in
                                   [{"name": "", "members": [], "scores": [], "origin": point(0, 0)},
                                    {"name": "Équipe", "members": ["ana", "bo", ""],
                                     "scores": [score("ana", 1.5), score("bo", -0.0)],
                                     "origin": point(-1, 2)}]]),
        single(api + "echo-scores", [([x], x) for x in
                                     [[], [score("a", 1.0), score("", math.inf), score("é", math.nan)],
                                      repeat([score("player", 1234.5), score("other", -0.25)], 500)]]),
        single(api + "best-name", [([x], best) for x, best in
                                   [([], ""), ([score("a", 1.0)], "a"),
                                    ([score("a", 1.0), score("b", 2.0), score("c", 2.0)], "b"),
                                    ([score("x", -5.0), score("y", -7.0)], "x"),
                                    ([score("ünï", -math.inf), score("z", math.inf)], "z")]]),
        single(api + "echo-triple", [([t], t) for t in
                                     [[0, "", flt(0.0)], [255, "wörld", "nan"], [7, "x", "-inf"]]]),
        single(api + "swap-pair", [([[s, n]], [n, s]) for s, n in
                                   [("", 0), ("é😀", 2**32 - 1)]]),
        single(api + "echo-pairs", [([x], x) for x in
                                    [[], [["a", 1], ["", 0], ["é", 2**32 - 1]]]]),
        single(api + "echo-nested-tuple", [([t], t) for t in
                                           [[[0, s64(0)], ["", [f32(0.0), "\x00"]]],
                                            [[255, s64(-(2**63))], ["wörld", ["nan", "😀"]]]]]),
    ]
    # Through the host's list-host.
    tests += [
        single("host-reverse-string", [([s], s[::-1]) for s in strings]
               + [([repeat(big_unit, 20000)], repeat(big_unit[::-1], 20000))]),
        single("host-echo-bytes", [([b], b) for b in [[], [0, 255]]]
               + [([repeat(list(range(256)), 500)], repeat(list(range(256)), 500))]),
        single("host-split-words", [([s], [w for w in s.split(" ") if w]) for s in
                                    ["", "   ", "one", " two  words ", "é 😀 x"]]),
        single("host-sort-scores", [([x], sorted(x, key=lambda s: -float(s["value"])))
                                    for x in [[], [score("a", 1.0), score("b", 3.0), score("c", 2.0)],
                                              [score("p", 1.0), score("q", 1.0), score("r", 5.0)]]]),
        single("host-echo-nested", [([x], x) for x in [[], [[]], [[1, 2], [3]],
                                                       repeat([[1], [2, 3]], 1000)]]),
        single("host-make-line", [([a, b, label], {"start": a, "end": b, "label": label})
                                  for a, b, label in [(point(0, 0), point(1, 1), ""),
                                                      (point(-(2**31), 5), point(3, 2**31 - 1), "é")]]),
        single("host-rotate-triple", [([[a, s, f]], [f, a, s]) for a, s, f in
                                      [(0, "", flt(0.0)), (255, "wörld", "-inf"), (1, "x", "nan")]]),
    ]
    return tests


# --- variants ----------------------------------------------------------------

WIDE = ["w%d" % i for i in range(257)]
FULL = ["f%d" % i for i in range(32)]
MEDIUM = ["m%d" % i for i in range(12)]
SMALL = ["a", "b", "c"]
DIRECTIONS = ["north", "east", "south", "west"]
COLORS = ["red", "green", "blue", "cyan", "magenta", "yellow", "black", "white"]


def flags(names, order):
    return [n for n in order if n in names]


def shapes():
    return [
        (case("empty", payload=False), 0),
        (case("circle", flt(1.5)), 1),
        (case("circle", "nan"), 1),
        (case("rect", [f32(2.0), f32(-0.5)]), 2),
        (case("polygon", []), 0),
        (case("polygon", [point(0, 0), point(1, 0), point(0, -1)]), 3),
        (case("labelled", ""), 0),
        (case("labelled", "wörld 😀"), 7),
        (case("tagged", u64(2**64 - 1)), 1),
        (case("signed", -128), 1),
        (case("colored", "magenta"), 1),
    ]


def numbers():
    return [
        (case("i", -(2**31)), float(-(2**31))),
        (case("l", s64(-(2**63))), float(-(2**63))),
        (case("l", s64(2**53 + 1)), float(2**53)),  # rounds to nearest even
        (case("f", f32(0.1)), f32v(0.1)),
        (case("f", "nan"), math.nan),
        (case("d", flt(-0.0)), -0.0),
        (case("d", "inf"), math.inf),
        (case("u", 255), 255.0),
    ]


def safe_div(a, b):
    if b == 0:
        return err("divide-by-zero")
    if a == -(2**31) and b == -1:
        return err("overflow")
    q = abs(a) // abs(b)
    return ok(q if (a < 0) == (b < 0) else -q)


def parse_u32(s):
    if 1 <= len(s) <= 10 and all("0" <= c <= "9" for c in s) and int(s) < 2**32:
        return ok(int(s))
    return err()


def validate_name(s):
    if s == "":
        return err("empty")
    data = s.encode()
    for i, byte in enumerate(data):
        if not (ord("a") <= byte <= ord("z")):
            return err("invalid char at %d" % i)
    return ok()


def variants():
    api = "kiln:corpus/variant-api#"
    nested_options = [NONE, some(NONE), some(some(0)), some(some(255))]
    nested_results = [ok(NONE), ok(some("")), ok(some("wörld")), err(ok(255)), err(ok(0)),
                      err(err("")), err(err("é"))]
    tests = [
        single(api + "echo-shape", [([s], s) for s, _ in shapes()]),
        single(api + "echo-shapes", [([[s for s, _ in shapes()]], [s for s, _ in shapes()]),
                                     ([[]], []),
                                     ([repeat([case("circle", flt(2.5)), case("empty", payload=False)],
                                              1000)],
                                      repeat([case("circle", flt(2.5)), case("empty", payload=False)],
                                             1000))]),
        single(api + "shape-size", [([s], n) for s, n in shapes()]),
        single(api + "echo-signal", [([case(s, payload=False)], case(s, payload=False))
                                     for s in ["start", "stop", "pause"]]),
        single(api + "echo-signals", [([x], x) for x in
                                      [[], [case(s, payload=False) for s in ["pause", "start", "stop"]]]]),
        single(api + "echo-number", [([n], n) for n, _ in numbers()]),
        single(api + "number-to-f64", [([n], flt(v)) for n, v in numbers()]),
        single(api + "echo-direction", [([d], d) for d in DIRECTIONS]),
        single(api + "turn-right", [([d], DIRECTIONS[(i + 1) % 4]) for i, d in enumerate(DIRECTIONS)]),
        single(api + "echo-wide", [([w], w) for w in ["w0", "w1", "w127", "w128", "w255", "w256"]]),
        single(api + "wide-next", [([WIDE[i]], WIDE[(i + 1) % 257]) for i in [0, 254, 255, 256]]),
        single(api + "wide-ordinal", [([WIDE[i]], i) for i in [0, 1, 255, 256]]),
        single(api + "echo-color", [([c], c) for c in COLORS]),
        single(api + "echo-small", [([f], f) for f in [[], ["a"], ["b", "c"], SMALL]]),
        single(api + "echo-medium", [([f], f) for f in [[], ["m0"], ["m7", "m8"], ["m11"], MEDIUM]]),
        single(api + "echo-full", [([f], f) for f in [[], ["f0"], ["f31"], ["f0", "f15", "f16", "f31"],
                                                      FULL]]),
        single(api + "invert-full", [([f], [n for n in FULL if n not in f])
                                     for f in [[], FULL, ["f31"], ["f0", "f2", "f30"]]]),
        single(api + "union-small", [([a, b], flags(set(a) | set(b), SMALL))
                                     for a, b in [([], []), (["a"], ["c"]), (["a", "b"], ["b", "c"])]]),
        single(api + "count-full", [([f], len(f)) for f in [[], ["f31"], FULL, FULL[::2]]]),
        single(api + "echo-option-u32", [([x], x) for x in [NONE, some(0), some(2**32 - 1)]]),
        single(api + "echo-option-string", [([x], x) for x in [NONE, some(""), some("wörld")]]),
        single(api + "echo-nested-option", [([x], x) for x in nested_options]),
        single(api + "echo-triple-option", [([x], x) for x in
                                            [NONE, some(NONE), some(some(NONE)), some(some(some(""))),
                                             some(some(some("😀")))]]),
        single(api + "echo-option-point", [([x], x) for x in [NONE, some(point(-1, 1))]]),
        single(api + "echo-option-list", [([x], x) for x in
                                          [NONE, some([]), some([NONE, some(-(2**31)), NONE, some(7)])]]),
        single(api + "unwrap-or", [([x, s64(d)], x["some"] if x else s64(d)) for x, d in
                                   [(NONE, 5), (some(s64(-1)), 5), (some(s64(-(2**63))), 0),
                                    (NONE, 2**63 - 1)]]),
        single(api + "check-positive", [([x], ok() if x > 0 else err())
                                        for x in [1, 0, -1, 2**31 - 1, -(2**31)]]),
        single(api + "parse-u32", [([s], parse_u32(s)) for s in
                                   ["0", "42", "4294967295", "4294967296", "", "12a", "0000000001",
                                    "00000000001", "-1", "١"]]),
        single(api + "validate-name", [([s], validate_name(s)) for s in
                                       ["abc", "", "abC", "ab😀", "z", " a"]]),
        single(api + "safe-div", [([a, b], safe_div(a, b)) for a, b in
                                  [(7, 2), (-7, 2), (7, -2), (1, 0), (-(2**31), -1), (-(2**31), 1),
                                   (0, 5)]]),
        single(api + "echo-result", [([r], r) for r in [ok(""), ok("wörld"), err(0), err(2**32 - 1)]]),
        single(api + "echo-nested-result", [([r], r) for r in nested_results]),
        single(api + "echo-option-result", [([x], x) for x in
                                            [NONE, some(ok(0)), some(ok(2**32 - 1)), some(err("")),
                                             some(err("bad"))]]),
        single(api + "echo-results", [([x], x) for x in
                                      [[], [ok(-32768), err(f32(0.5)), err("nan"), ok(32767)],
                                       repeat([ok(1), err("-inf")], 1000)]]),
        single(api + "echo-empty-results", [([x], x) for x in [[], [ok(), err(), ok()],
                                                               repeat([err(), ok()], 1000)]]),
        single(api + "echo-id", [([u64(x)], u64(x)) for x in [0, 2**64 - 1]]),
        single(api + "echo-maybe-id", [([x], x) for x in [NONE, some(u64(0)), some(u64(2**64 - 1))]]),
        single(api + "echo-names", [([x], x) for x in [[], ["a", "", "é"]]]),
        single(api + "echo-tagged", [([t], t) for t in [
            {"id": u64(1), "tags": [], "shape": case("empty", payload=False), "note": NONE,
             "direction": "north"},
            {"id": u64(2**64 - 1), "tags": SMALL,
             "shape": case("polygon", [point(1, 2)]), "note": some("nötë"), "direction": "west"},
        ]]),
    ]
    tests += [
        single("host-echo-shape", [([s], s) for s, _ in shapes()]),
        single("host-echo-number", [([n], n) for n, _ in numbers()]),
        single("host-turn-right", [([d], DIRECTIONS[(i + 1) % 4]) for i, d in enumerate(DIRECTIONS)]),
        single("host-echo-wide", [([w], w) for w in ["w0", "w255", "w256"]]),
        single("host-invert-full", [([f], [n for n in FULL if n not in f])
                                    for f in [[], FULL, ["f0", "f31"]]]),
        single("host-echo-nested-option", [([x], x) for x in nested_options]),
        single("host-safe-div", [([a, b], safe_div(a, b)) for a, b in
                                 [(9, 3), (-9, 2), (1, 0), (-(2**31), -1)]]),
        single("host-echo-nested-result", [([r], r) for r in nested_results]),
        single("host-check-positive", [([x], ok() if x > 0 else err()) for x in [5, 0, -(2**31)]]),
    ]
    return tests


# --- resources ---------------------------------------------------------------


def resources():
    c = "kiln:corpus/counters#"
    ctor, get, add = c + "[constructor]counter", c + "[method]counter.get", c + "[method]counter.add"
    dup, merge = c + "[method]counter.duplicate", c + "[static]counter.merge"
    consume, live = c + "[static]counter.consume", c + "[static]counter.live"
    many = ["m%d" % i for i in range(100)]
    tests = [
        test("counter-lifecycle",
             call(live, [], 0),
             call(ctor, [s64(5)], res("c1")),
             call(live, [], 1),
             call(get, [res("c1")], s64(5)),
             call(add, [res("c1"), s64(3)], s64(8)),
             call(dup, [res("c1")], res("c2")),
             call(add, [res("c2"), s64(-10)], s64(-2)),
             call(get, [res("c1")], s64(8)),
             call(live, [], 2),
             call(merge, [res("c1"), res("c2")], res("c3")),
             call(get, [res("c3")], s64(6)),
             call(live, [], 3),
             drop("c2"),
             call(live, [], 2),
             call(consume, [res("c3")], s64(6)),
             call(live, [], 1),
             drop("c1"),
             call(live, [], 0)),
        test("counter-wraps",
             call(ctor, [s64(2**63 - 1)], res("c")),
             call(add, [res("c"), s64(1)], s64(-(2**63))),
             call(add, [res("c"), s64(-1)], s64(2**63 - 1)),
             call(consume, [res("c")], s64(2**63 - 1)),
             call(live, [], 0)),
        test("counter-lists",
             call(c + "make-counters", [0], []),
             call(c + "make-counters", [3], [res("a"), res("b"), res("c")]),
             call(c + "total", [[res("a"), res("b"), res("c")]], s64(3)),
             call(c + "total", [[]], s64(0)),
             call(c + "total", [[res("c"), res("c")]], s64(4)),
             call(live, [], 3),
             drop("a"), drop("b"), drop("c"),
             call(live, [], 0),
             call(c + "make-counters", [100], [res(n) for n in many]),
             call(c + "total", [[res(n) for n in many]], s64(sum(range(100)))),
             call(live, [], 100),
             *[drop(n) for n in many],
             call(live, [], 0)),
        test("counter-options",
             call(c + "maybe-counter", [NONE], NONE),
             call(c + "maybe-counter", [some(s64(-4))], some(res("c"))),
             call(get, [res("c")], s64(-4)),
             call(live, [], 1),
             drop("c"),
             call(live, [], 0)),
        test("counter-in-record",
             call(c + "name-counter", ["nämé", s64(7)], {"name": "nämé", "counter": res("n")}),
             call(get, [res("n")], s64(7)),
             call(c + "unname", [{"name": "other", "counter": res("n")}], ["other", s64(7)]),
             call(live, [], 0)),
        test("blob-roundtrip",
             call("blob-roundtrip", [[1, 2], [3]], [1, 2, 3]),
             call("blob-roundtrip", [[], []], []),
             call("blob-roundtrip", [repeat(list(range(256)), 200), []],
                  repeat(list(range(256)), 200)),
             call("blob-roundtrip", [[], repeat([1, 2], 5000)], repeat([1, 2], 5000)),
             call("blob-roundtrip", [repeat([3], 70000), [4, 5]], concat(repeat([3], 70000), [4, 5])),
             call("host-live-blobs", [], 0)),
        test("blob-handles",
             call("host-live-blobs", [], 0),
             call("blob-make", [[1, 2, 3]], res("b1")),
             call("host-live-blobs", [], 1),
             call("blob-peek", [res("b1")], [1, 2, 3]),
             call("blob-extend", [res("b1"), [4]], res("b2")),
             call("host-live-blobs", [], 1),
             call("blob-peek", [res("b2")], [1, 2, 3, 4]),
             call("blob-make", [[9]], res("b3")),
             call("blob-concat", [res("b2"), res("b3")], res("b4")),
             call("host-live-blobs", [], 3),
             call("blob-peek", [res("b4")], [1, 2, 3, 4, 9]),
             call("blob-consume", [res("b4")], 5),
             call("host-live-blobs", [], 2),
             drop("b2"),
             drop("b3"),
             call("host-live-blobs", [], 0)),
        test("blob-double-drop", trap("blob-double-drop", [], "unknown-handle")),
        test("blob-use-after-drop", trap("blob-use-after-drop", [], "unknown-handle")),
    ]
    return tests


# --- traps -------------------------------------------------------------------


def traps():
    return [
        test("trap-after-import",
             call("echo", [5], 5),
             trap("trap-after-import", [7], "unreachable"),
             host("notes", [7]),
             trap("echo", [1], "poisoned")),
        test("host-failure",
             trap("fail-via-host", [3, "boom ☠"], "host", "boom ☠"),
             host("notes", [3])),
        test("bad-utf8", trap("bad-utf8", [], "invalid-utf8")),
        test("bad-char", trap("bad-char", [], "invalid-char")),
        test("bad-enum", trap("bad-enum", [], "invalid-discriminant")),
        test("bad-list", trap("bad-list", [], "out-of-bounds")),
        test("misaligned-list", trap("misaligned-list", [], "misaligned")),
    ]


WORLDS = {
    "scalars": scalars,
    "lists": lists,
    "variants": variants,
    "resources": resources,
    "traps": traps,
}


def render(world):
    """The case file's text: one line per step, so that diffs stay readable."""

    def compact(value):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    tests = WORLDS[world]()
    names = [t["name"] for t in tests]
    assert len(names) == len(set(names)), "test names repeat in " + world
    lines = ["{", '  "world": %s,' % compact(world), '  "tests": [']
    for i, t in enumerate(tests):
        lines.append('    {"name": %s, "steps": [' % compact(t["name"]))
        for j, step in enumerate(t["steps"]):
            lines.append("      " + compact(step) + ("," if j + 1 < len(t["steps"]) else ""))
        lines.append("    ]}" + ("," if i + 1 < len(tests) else ""))
    lines += ["  ]", "}"]
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == {"world": world, "tests": tests}
    return text


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for world in WORLDS:
        path = HERE / (world + ".json")
        text = render(world)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run generate.py): " + ", ".join(stale), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
