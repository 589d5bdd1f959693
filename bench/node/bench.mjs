// Kiln's Node package (kiln-wasm) against Node's own WebAssembly (V8), through
// the standard WebAssembly JavaScript API only.
//
// Measures: execution of run() in each workload of bench/build/{full,quick}/;
// a JS->wasm call of add(i32, i32); a wasm->JS call of an imported function;
// reading and writing 1 MiB of linear memory; compiling a generated module of
// 2,000 small functions and instantiating it; and, for Kiln, the floors under
// calls through its addon, taken from the benchmark probes (node/probes.js,
// in a package built with KILN_NODE_FEATURES=bench-probes, as bench/node/run
// builds it). Each figure is the best of several runs.
//
//     bench/build-workloads && node bench/node/bench.mjs [--quick] [--runs N] [--calls N]
//
// (`bench/node/run` does both, after building the Kiln package.)
//
// V8's flags are per process, so each configuration runs in a child process
// (`node [--no-liftoff] --no-concurrent-marking bench.mjs --child v8|kiln ...`)
// that writes its figures as JSON on stdout; this parent prints the table.
// Kiln's package is imported from ../../node/index.mjs; if it cannot be
// imported, the table has no Kiln columns and says why. Its probes come from
// ../../node/probes.js; if the package was built without them, their rows are
// n/a and a note says why.

import { spawn } from "node:child_process";
import { readFileSync, readdirSync, writeSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";

const HERE = new URL("./", import.meta.url);
const KILN_INDEX = new URL("../../node/index.mjs", HERE);
const KILN_PROBES = new URL("../../node/probes.js", HERE);
const MIB = 1 << 20;
const BIG_FUNCTIONS = 2000;
const INSTANTIATIONS = 20;

// The configurations, one child process each. Every child gets
// --no-concurrent-marking: without it Node 20's V8 was seen to crash at random
// on the benchmark machine during long wasm runs.
const CONFIGS = [
  { key: "v8", label: "V8", impl: "v8", flags: [] },
  { key: "v8-no-liftoff", label: "V8 (--no-liftoff)", impl: "v8", flags: ["--no-liftoff"] },
  { key: "kiln", label: "Kiln", impl: "kiln", flags: [] },
];
const CHILD_FLAGS = ["--no-concurrent-marking"];

// ---------------------------------------------------------------------------
// A tiny wasm binary encoder: just enough for the modules below.

function uleb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n) {
  const out = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const vec = (items) => [...uleb(items.length), ...items.flat()];
const name = (s) => vec([...Buffer.from(s, "utf8")]);
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const funcType = (params, results) => [0x60, ...vec(params), ...vec(results)];
const body = (code) => vec([0x00, ...code]); // no locals beyond the parameters

const I32 = 0x7f;
const op = {
  end: 0x0b, loop: 0x03, void: 0x40, brIf: 0x0d, call: 0x10,
  localGet: 0x20, localTee: 0x22, i32Const: 0x41,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c,
};
const exportKind = { func: 0x00, memory: 0x02 };

function moduleBytes({ types, imports = [], funcs, memoryPages, exports, codes }) {
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  bytes.push(...section(1, vec(types)));
  if (imports.length) {
    bytes.push(
      ...section(2, vec(imports.map(([mod, field, type]) => [...name(mod), ...name(field), 0x00, ...uleb(type)]))),
    );
  }
  bytes.push(...section(3, vec(funcs.map(uleb))));
  bytes.push(...section(5, vec([[0x00, ...uleb(memoryPages)]])));
  bytes.push(...section(7, vec(exports.map(([field, kind, index]) => [...name(field), kind, ...uleb(index)]))));
  bytes.push(...section(10, vec(codes.map(body))));
  return new Uint8Array(bytes);
}

// (import "env" "host" (func $host (param i32)))
// (memory (export "memory") 32)
// (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
// (func (export "call_host") (param $n i32)
//   (loop $next (call $host (local.get $n))
//     (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
function callsModule() {
  return moduleBytes({
    types: [funcType([I32], []), funcType([I32, I32], [I32])],
    imports: [["env", "host", 0]],
    funcs: [1, 0],
    memoryPages: 32,
    exports: [["add", exportKind.func, 1], ["call_host", exportKind.func, 2], ["memory", exportKind.memory, 0]],
    codes: [
      [op.localGet, 0, op.localGet, 1, op.i32Add, op.end],
      [
        op.loop, op.void,
        op.localGet, 0, op.call, 0,
        op.localGet, 0, op.i32Const, ...sleb(1), op.i32Sub, op.localTee, 0, op.brIf, 0,
        op.end, op.end,
      ],
    ],
  });
}

// (memory 1) and BIG_FUNCTIONS times
// (func (export "fI") (param i32) (result i32)
//   (i32.add (i32.mul (local.get 0) (i32.const I + seed)) (i32.const I + 1)))
// `seed` makes each compile's bytes distinct, so no engine can answer from a
// cache of compiled modules.
function bigModule(seed) {
  const indices = Array.from({ length: BIG_FUNCTIONS }, (_, i) => i);
  return moduleBytes({
    types: [funcType([I32], [I32])],
    funcs: indices.map(() => 0),
    memoryPages: 1,
    exports: indices.map((i) => [`f${i}`, exportKind.func, i]),
    codes: indices.map((i) => [
      op.localGet, 0, op.i32Const, ...sleb(i + seed), op.i32Mul,
      op.i32Const, ...sleb(i + 1), op.i32Add, op.end,
    ]),
  });
}

// ---------------------------------------------------------------------------
// The child: measures one implementation and prints JSON.

function now() {
  return Number(process.hrtime.bigint());
}

/** The fastest of `repeat` runs of `fn`, in nanoseconds; `fn(i)` gets the run's index. */
function best(fn, repeat) {
  let min = Infinity;
  for (let i = 0; i < repeat; i++) {
    const start = now();
    fn(i);
    min = Math.min(min, now() - start);
  }
  return min;
}

/** `ns` nanoseconds in a readable unit, for progress lines. */
function human(ns) {
  const [scale, unit] = ns >= 1e6 ? [1e6, "ms"] : ns >= 1e3 ? [1e3, "µs"] : [1, "ns"];
  return `${(ns / scale).toFixed(1)} ${unit}`;
}

/** Kiln's WebAssembly namespace, or throws saying why it is unavailable. */
async function importKiln() {
  const mod = await import(KILN_INDEX.href);
  const candidates = [mod.WebAssembly, mod.default?.WebAssembly, mod.default, mod];
  const impl = candidates.find((c) => c && typeof c.Module === "function" && typeof c.Instance === "function");
  if (!impl) {
    throw new Error(
      `${fileURLToPath(KILN_INDEX)} exports no WebAssembly namespace ` +
        `(looked for a \`WebAssembly\` export, the default export, and the module itself)`,
    );
  }
  if (impl === globalThis.WebAssembly) {
    throw new Error(`${fileURLToPath(KILN_INDEX)} exports Node's own WebAssembly, not Kiln's`);
  }
  return impl;
}

/**
 * Kiln's benchmark probes (`emptyNativeCall`, `callJsFunction`,
 * `addThroughSlots`), or throws saying why they are unavailable (probes.js
 * throws when the addon was built without the `bench-probes` feature).
 */
async function importProbes() {
  return (await import(KILN_PROBES.href)).default;
}

function measureWorkloads(impl, files, runs, emit) {
  for (const file of files) {
    const workload = file.replace(/^.*\//, "").replace(/\.wasm$/, "");
    try {
      const module = new impl.Module(readFileSync(file));
      let result;
      const ns = bestOfInstances(impl, module, runs, (r) => {
        if (result !== undefined && r !== result) throw new Error(`run() returned ${result}, then ${r}`);
        result = r;
      });
      emit("workloads", workload, { ns, result: String(result) });
    } catch (e) {
      emit("workloads", workload, { error: String(e?.stack ?? e) });
    }
  }
}

/**
 * Best time of run() alone over `runs` fresh instances of `module`, in ns. A
 * fresh instance per run, as the Rust harness does; run() re-initialises its
 * state, so its result is the same either way.
 */
function bestOfInstances(impl, module, runs, onResult) {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const instance = new impl.Instance(module, {});
    const start = now();
    const result = instance.exports.run();
    min = Math.min(min, now() - start);
    onResult(result);
  }
  return min;
}

/** `probes` is Kiln's benchmark probes, or null (V8, or a build without them). */
function measureMicro(impl, probes, runs, calls, emit) {
  const measure = (key, fn) => {
    try {
      emit("micro", key, { ns: fn() });
    } catch (e) {
      emit("micro", key, { error: String(e?.stack ?? e) });
    }
  };

  let hostCalls = 0;
  const instance = new impl.Instance(new impl.Module(callsModule()), {
    env: { host: () => { hostCalls++; } },
  });
  const { add, call_host: callHost, memory } = instance.exports;

  measure("call", () => {
    let sum = 0;
    const ns = best(() => {
      sum = 0;
      for (let i = 0; i < calls; i++) sum = add(sum, 1);
    }, runs);
    if (sum !== calls) throw new Error(`add() loop summed to ${sum}, expected ${calls}`);
    return ns / calls;
  });

  measure("host_call", () => {
    hostCalls = 0;
    const ns = best(() => callHost(calls), runs);
    if (hostCalls !== calls * runs) throw new Error(`host called ${hostCalls} times, expected ${calls * runs}`);
    return ns / calls;
  });

  // Each copy goes through a fresh `new Uint8Array(memory.buffer)`, as code
  // that must not keep a view across a possible grow would do.
  const copies = 10;
  const data = new Uint8Array(MIB).map((_, i) => i & 0xff);
  measure("write_1mib", () => best(() => {
    for (let i = 0; i < copies; i++) new Uint8Array(memory.buffer).set(data);
  }, runs) / copies);
  const out1 = new Uint8Array(MIB);
  measure("read_1mib", () => best(() => {
    for (let i = 0; i < copies; i++) out1.set(new Uint8Array(memory.buffer, 0, MIB));
  }, runs) / copies);
  // slice() allocates a new ArrayBuffer each time, so this includes V8's
  // allocation (and first touch) of 1 MiB as well as the copy.
  measure("slice_1mib", () => {
    let copy;
    const ns = best(() => {
      for (let i = 0; i < copies; i++) copy = new Uint8Array(memory.buffer).slice(0, MIB);
    }, runs) / copies;
    for (const bytes of [out1, copy]) {
      if (bytes.length !== MIB || bytes[MIB - 1] !== 0xff || bytes[12345] !== (12345 & 0xff)) {
        throw new Error("read back different bytes from those written");
      }
    }
    return ns;
  });

  // Generated outside the timed region; one distinct module per compile.
  const bigs = Array.from({ length: runs }, (_, i) => bigModule(i + 1));
  let big;
  let seed = 1;
  measure("compile", () => best((i) => {
    big = new impl.Module(bigs[i]);
    seed = i + 1;
  }, runs));
  measure("instantiate", () => {
    const module = big ?? new impl.Module(bigs[0]);
    let last;
    const ns = best(() => { last = new impl.Instance(module, {}); }, INSTANTIATIONS);
    const got = last.exports.f7(3);
    if (got !== 3 * (7 + seed) + 8) throw new Error(`f7(3) returned ${got}, expected ${3 * (7 + seed) + 8}`);
    return ns;
  });

  // Node 20's V8 compiles function bodies lazily, on their first call, so its
  // "compile" is decoding and validation only; compiling, instantiating and
  // calling every function once is comparable work in every engine.
  const firstCalls = Array.from({ length: runs }, (_, i) => bigModule(runs + i + 1));
  measure("compile_and_call", () => best((i) => {
    const { exports } = new impl.Instance(new impl.Module(firstCalls[i]), {});
    let sum = 0;
    for (let f = 0; f < BIG_FUNCTIONS; f++) sum = (sum + exports[`f${f}`](1)) | 0;
    const seed = runs + i + 1;
    const expected = (BIG_FUNCTIONS * (BIG_FUNCTIONS - 1) + BIG_FUNCTIONS * (seed + 1)) | 0;
    if (sum !== expected) throw new Error(`sum of f*(1) was ${sum}, expected ${expected}`);
  }, runs));

  if (!probes) return;
  const empty = probes.emptyNativeCall;
  measure("empty_native_call", () => best(() => {
    for (let i = 0; i < calls; i++) empty();
  }, runs) / calls);
  // The floor under a call from JS into wasm through the shared slots: the
  // same JS function and native call, adding the slots without wasm.
  const addThroughSlots = probes.addThroughSlots;
  measure("slots_floor_call", () => {
    let sum = 0;
    const ns = best(() => {
      sum = 0;
      for (let i = 0; i < calls; i++) sum = addThroughSlots(sum, 1);
    }, runs) / calls;
    if (sum !== calls) throw new Error(`addThroughSlots loop summed to ${sum}, expected ${calls}`);
    return ns;
  });
  // The floor under a call from wasm into JS: native code calling an empty
  // JS function through Node-API, each call in its own handle scope.
  let called = 0;
  const fn = () => { called++; };
  measure("native_to_js_call", () => {
    const ns = best(() => probes.callJsFunction(fn, calls), runs) / calls;
    if (called !== calls * runs) throw new Error(`fn called ${called} times, expected ${calls * runs}`);
    return ns;
  });
}

/**
 * The child writes one JSON line per figure as soon as it has it, so that if
 * the process dies (an engine crash, say) the parent still has what was
 * measured before; the last line is {"done": true}.
 */
async function child(args) {
  const line = (object) => writeSync(1, JSON.stringify(object) + "\n");
  let impl = globalThis.WebAssembly;
  let probes = null;
  if (args.child === "kiln") {
    try {
      impl = await importKiln();
    } catch (e) {
      line({ unavailable: String(e?.message ?? e) });
      return;
    }
    try {
      probes = await importProbes();
    } catch (e) {
      line({ probesUnavailable: String(e?.message ?? e) });
    }
  }
  const emit = (section, key, figure) => {
    line({ section, key, figure });
    const text = figure.error
      ? figure.error.split("\n")[0]
      : `${human(figure.ns)}${figure.result !== undefined ? `, run() = ${figure.result}` : ""}`;
    process.stderr.write(`[${args.label}] ${key}: ${text}\n`);
  };
  measureWorkloads(impl, args.files, args.runs, emit);
  measureMicro(impl, probes, args.runs, args.calls, emit);
  line({ done: true });
}

// ---------------------------------------------------------------------------
// The parent: runs the children and prints the table.

function parseArgs(argv) {
  const args = { quick: false, runs: 5, calls: null, child: null, label: null, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === "--quick") args.quick = true;
    else if (arg === "--runs") args.runs = Number(value());
    else if (arg === "--calls") args.calls = Number(value());
    else if (arg === "--child") args.child = value();
    else if (arg === "--label") args.label = value();
    else if (arg === "--file") args.files.push(value());
    else throw new Error(`unknown argument ${arg}; usage: bench.mjs [--quick] [--runs N] [--calls N]`);
  }
  for (const key of ["runs", "calls"]) {
    if (args[key] !== null && !(Number.isInteger(args[key]) && args[key] > 0)) {
      throw new Error(`--${key} must be a positive integer`);
    }
  }
  args.calls ??= args.quick ? 200_000 : 2_000_000;
  return args;
}

/** The workload modules under build/<scale>/: those exporting `run` and `memory`. */
function workloadFiles(scale) {
  const dir = new URL(`../build/${scale}/`, HERE);
  let names;
  try {
    names = readdirSync(dir).filter((f) => f.endsWith(".wasm")).sort();
  } catch {
    names = [];
  }
  const files = names.map((f) => fileURLToPath(new URL(f, dir))).filter((file) => {
    // build/full/large.wasm (the Rust harness's compile test) is not a workload.
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(file)));
    return ["run", "memory"].every((n) => exports.some((e) => e.name === n));
  });
  if (files.length === 0) {
    throw new Error(`no workloads in ${fileURLToPath(dir)}; run bench/build-workloads first`);
  }
  return files;
}

/**
 * Runs one configuration's child. Resolves to { workloads, micro } with the
 * figures it wrote, plus `unavailable` (it could not load the implementation),
 * `probesUnavailable` (it could not load Kiln's probes) or `failed` (it did
 * not finish).
 */
function runChild(config, args, files) {
  const argv = [
    ...config.flags, ...CHILD_FLAGS, fileURLToPath(import.meta.url),
    "--child", config.impl, "--label", config.label,
    "--runs", String(args.runs), "--calls", String(args.calls),
    ...files.flatMap((f) => ["--file", f]),
  ];
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
    const results = { workloads: {}, micro: {} };
    let finished = false;
    let stdout = "";
    let stderr = "";
    const take = (text) => {
      if (!text.trim()) return;
      let message;
      try {
        message = JSON.parse(text);
      } catch {
        stderr += `unexpected output: ${text}\n`;
        return;
      }
      if (message.unavailable !== undefined) results.unavailable = message.unavailable;
      else if (message.probesUnavailable !== undefined) results.probesUnavailable = message.probesUnavailable;
      else if (message.done) finished = true;
      else results[message.section][message.key] = message.figure;
    };
    proc.stdout.on("data", (d) => {
      stdout += d;
      const lines = stdout.split("\n");
      stdout = lines.pop();
      lines.forEach(take);
    });
    proc.stderr.on("data", (d) => {
      process.stderr.write(d);
      stderr += d;
    });
    proc.on("close", (code, signal) => {
      take(stdout);
      if (code !== 0 || !(finished || results.unavailable !== undefined)) {
        const tail = stderr.trim().split("\n").slice(-8).join("\n");
        results.failed = `child exited with ${signal ?? `code ${code}`} before finishing${tail ? `:\n${tail}` : ""}`;
      }
      resolve(results);
    });
  });
}

const geomean = (xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const ratio = (r) => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2));

function fmt(ns, scale) {
  const v = ns / scale;
  return v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3);
}

async function parent(args) {
  const scale = args.quick ? "quick" : "full";
  const files = workloadFiles(scale);
  const results = {};
  for (const config of CONFIGS) {
    results[config.key] = await runChild(config, args, files);
  }

  const failures = [];
  const notes = [];
  for (const config of CONFIGS) {
    const r = results[config.key];
    if (r.failed) failures.push(`${config.label}: ${r.failed}`);
  }
  const kiln = results.kiln;
  const measured = (r) => r.unavailable === undefined && (Object.keys(r.workloads).length || Object.keys(r.micro).length);
  const haveKiln = measured(kiln);
  notes.push(
    "V8 compiles function bodies lazily, on first call (`--wasm-lazy-compilation` is Node 20's default), " +
      "so its \"compile\" row is decoding and validation only; the \"compile, instantiate, call each\" row " +
      "is the comparable one.",
    "Memory copies go through a fresh `new Uint8Array(memory.buffer)` each time; `slice` also allocates " +
      "(and first touches) a new 1 MiB ArrayBuffer.",
  );
  if (kiln.unavailable) notes.push(`Kiln not measured: could not import it — ${kiln.unavailable}`);
  if (kiln.probesUnavailable) {
    notes.push(`Kiln's call floors not measured: could not load node/probes.js — ${kiln.probesUnavailable}`);
  }
  for (const config of CONFIGS) {
    if (results[config.key].failed) {
      notes.push(`${config.label}'s child process failed partway (see FAILURES); figures it did not reach are n/a.`);
    }
  }

  const shown = CONFIGS.filter((c) => measured(results[c.key]));
  const cell = (config, section, key) => results[config.key]?.[section]?.[key];

  // Results of run() must agree between every pair of implementations.
  const workloads = files.map((f) => f.replace(/^.*\//, "").replace(/\.wasm$/, ""));
  for (const w of workloads) {
    let reference = null;
    for (const config of shown) {
      const c = cell(config, "workloads", w);
      if (c?.error) {
        failures.push(`${config.label}, ${w}: ${c.error.split("\n")[0]}`);
      } else if (c) {
        reference ??= { config, result: c.result };
        if (c.result !== reference.result) {
          failures.push(`${w}: ${config.label} returned ${c.result}, ${reference.config.label} ${reference.result}`);
        }
      }
    }
  }
  for (const config of shown) {
    for (const [key, c] of Object.entries(results[config.key].micro ?? {})) {
      if (c.error) failures.push(`${config.label}, ${key}: ${c.error.split("\n")[0]}`);
    }
  }

  const v8 = CONFIGS[0];
  const v8nl = CONFIGS[1];
  const kilnConfig = CONFIGS[2];
  const header = ["measure", ...shown.map((c) => c.label)];
  const align = ["---", ...shown.map(() => "---:")];
  if (haveKiln) {
    header.push("Kiln/V8", "Kiln/V8-no-liftoff", "Kiln/empty native call");
    align.push("---:", "---:", "---:");
  }
  const lines = [`| ${header.join(" | ")} |`, `|${align.join("|")}|`];
  const value = (c) => (c && !c.error ? c.ns : null);
  const row = (label, section, key, scale, unit, floor = false) => {
    const cells = [label];
    for (const config of shown) {
      const c = cell(config, section, key);
      cells.push(c?.error ? "error" : c ? `${fmt(c.ns, scale)} ${unit}` : "n/a");
    }
    const ratios = {};
    if (haveKiln) {
      const k = value(cell(kilnConfig, section, key));
      for (const ref of [v8, v8nl]) {
        const r = value(cell(ref, section, key));
        ratios[ref.key] = k !== null && r !== null ? k / r : null;
        cells.push(ratios[ref.key] === null ? "" : ratio(ratios[ref.key]));
      }
      const empty = value(cell(kilnConfig, "micro", "empty_native_call"));
      cells.push(floor && k !== null && empty !== null ? ratio(k / empty) : "");
    }
    lines.push(`| ${cells.join(" | ")} |`);
    return ratios;
  };

  const execRatios = { [v8.key]: [], [v8nl.key]: [] };
  for (const w of workloads) {
    const results = shown.map((c) => cell(c, "workloads", w)?.result).filter((r) => r !== undefined);
    const label = `execute ${w}${results.length ? ` (run() = ${results[0]})` : ""}`;
    const ratios = row(label, "workloads", w, 1e6, "ms");
    for (const key of Object.keys(execRatios)) {
      if (ratios[key] != null) execRatios[key].push(ratios[key]);
    }
  }
  if (haveKiln) {
    const cells = ["**geometric mean of execution ratios**", ...shown.map(() => "")];
    for (const key of Object.keys(execRatios)) {
      cells.push(execRatios[key].length ? `**${ratio(geomean(execRatios[key]))}**` : "");
    }
    cells.push("");
    lines.push(`| ${cells.join(" | ")} |`);
  }
  row("JS->wasm call add(i32,i32)", "micro", "call", 1, "ns", true);
  row("wasm->JS call of an import (param i32)", "micro", "host_call", 1, "ns", true);
  row("read 1 MiB of memory (set into a Uint8Array)", "micro", "read_1mib", 1e3, "µs");
  row("read 1 MiB of memory (slice, allocating)", "micro", "slice_1mib", 1e3, "µs");
  row("write 1 MiB of memory (set)", "micro", "write_1mib", 1e3, "µs");
  row(`compile (${BIG_FUNCTIONS} functions, new Module)`, "micro", "compile", 1e6, "ms");
  row(`instantiate (${BIG_FUNCTIONS} functions)`, "micro", "instantiate", 1e3, "µs");
  row(`compile, instantiate, call each of ${BIG_FUNCTIONS} functions once`, "micro", "compile_and_call", 1e6, "ms");
  row("empty native call (emptyNativeCall)", "micro", "empty_native_call", 1, "ns");
  row("native->JS call of an empty function (callJsFunction)", "micro", "native_to_js_call", 1, "ns");
  row("JS->native add through the call slots, no wasm (addThroughSlots)", "micro", "slots_floor_call", 1, "ns", true);
  if (haveKiln) {
    const call = value(cell(kilnConfig, "micro", "call"));
    const slotsFloor = value(cell(kilnConfig, "micro", "slots_floor_call"));
    if (call !== null && slotsFloor !== null) {
      notes.push(
        `A call from JS into wasm goes through a JS function, the shared slots and one native call; the same ` +
          `with no wasm (\`addThroughSlots\`) costs ${ratio(slotsFloor / value(cell(kilnConfig, "micro", "empty_native_call")))}× ` +
          `the empty native call, and Kiln's JS->wasm call is ${ratio(call / slotsFloor)}× that floor.`,
      );
    }
    const hostCall = value(cell(kilnConfig, "micro", "host_call"));
    const floor = value(cell(kilnConfig, "micro", "native_to_js_call"));
    if (hostCall !== null && floor !== null) {
      notes.push(
        `A call from wasm into JS goes through Node-API's \`napi_call_function\`, whose own cost with nothing ` +
          `else (\`callJsFunction\`) is ${ratio(floor / value(cell(kilnConfig, "micro", "empty_native_call")))}× ` +
          `the empty native call; Kiln's wasm->JS call is ${ratio(hostCall / floor)}× that floor.`,
      );
    }
  }

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`# Kiln's Node package against V8 — ${new Date().toISOString().slice(0, 10)}\n`);
  console.log(
    `\`node bench/node/bench.mjs${args.quick ? " --quick" : ""} --runs ${args.runs} --calls ${args.calls}\`: ` +
      `Node ${process.version} (V8 ${process.versions.v8}), ${cpu}, ${os.availableParallelism()} cores; ` +
      `${scale} scale. Best of ${args.runs} runs; calls averaged over ${args.calls.toLocaleString("en")} calls, ` +
      `memory over 10 copies, instantiation best of ${INSTANTIATIONS}. ` +
      `Every configuration ran in its own process with ${CHILD_FLAGS.join(" ")}.\n`,
  );
  console.log(lines.join("\n"));
  console.log(`\n${notes.map((note) => `- ${note}`).join("\n")}`);
  if (failures.length) {
    console.log("\n## FAILURES\n");
    for (const f of failures) console.log(`- ${f.replace(/\n/g, "\n  ")}`);
    process.exitCode = 1;
  }
}

const args = parseArgs(process.argv.slice(2));
if (args.child) await child(args);
else await parent(args);
