// The cost of calls across the JS/wasm boundary in Kiln's Node package,
// against the floors of any Node-API addon, over many processes.
//
// A single process's figures vary by up to 1.8x from one process to the
// next on a shared 2-core VM (V8's own empty API call is sometimes 8 ns,
// sometimes 14), so this runs `--processes` children (default 15), each
// measuring every figure once (best of 5 runs of `--calls` calls), and
// prints the median and range of each figure and of each ratio computed
// within a process.
//
//     node bench/node/calls.mjs [--processes N] [--calls N]
//
// Figures: add(i32, i32) called from JS; an imported JS function of one i32
// called from a wasm loop; and, from the benchmark probes (node/probes.js),
// emptyNativeCall (an addon function that does nothing); callJsFunction
// (native code calling an empty JS function, each call in its own handle
// scope, as a wasm->JS call is); addThroughSlots (an add(i32, i32) made as an
// exported function of numbers is, whose native call adds the slots without
// wasm). The probes need the package built with them:
//
//     (cd node && KILN_NODE_FEATURES=bench-probes npm install)   # or bench/node/run

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const KILN_INDEX = new URL("../../node/index.mjs", import.meta.url);
const KILN_PROBES = new URL("../../node/probes.js", import.meta.url);

function parseArgs(argv) {
  const args = { processes: 15, calls: 2_000_000, child: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${arg} needs a positive integer`);
      return v;
    };
    if (arg === "--processes") args.processes = value();
    else if (arg === "--calls") args.calls = value();
    else if (arg === "--child") args.child = true;
    else throw new Error(`unknown argument ${arg}; usage: calls.mjs [--processes N] [--calls N]`);
  }
  return args;
}

function best(fn, runs = 5) {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - start));
  }
  return min;
}

async function child(calls) {
  const kiln = (await import(KILN_INDEX)).default;
  // Throws, naming KILN_NODE_FEATURES=bench-probes, if the addon lacks them.
  const probes = (await import(KILN_PROBES)).default;
  const bytes = kiln.wat2wasm(`(module
    (import "env" "host" (func $host (param i32)))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "call_host") (param $n i32)
      (loop $next
        (call $host (local.get $n))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`);
  let hostCalls = 0;
  const { add, call_host: callHost } = new kiln.Instance(new kiln.Module(bytes), {
    env: { host: () => { hostCalls++; } },
  }).exports;
  const empty = probes.emptyNativeCall;
  const figures = {};
  let sum = 0;
  figures.add = best(() => {
    sum = 0;
    for (let i = 0; i < calls; i++) sum = add(sum, 1);
  }) / calls;
  if (sum !== calls) throw new Error(`add() loop summed to ${sum}, expected ${calls}`);
  figures.host = best(() => callHost(calls)) / calls;
  if (hostCalls !== 5 * calls) throw new Error(`host called ${hostCalls} times, expected ${5 * calls}`);
  figures.empty = best(() => {
    for (let i = 0; i < calls; i++) empty();
  }) / calls;
  const addThroughSlots = probes.addThroughSlots;
  figures.slots = best(() => {
    sum = 0;
    for (let i = 0; i < calls; i++) sum = addThroughSlots(sum, 1);
  }) / calls;
  if (sum !== calls) throw new Error(`addThroughSlots loop summed to ${sum}, expected ${calls}`);
  let jsCalls = 0;
  const fn = () => { jsCalls++; };
  figures.floor = best(() => probes.callJsFunction(fn, calls)) / calls;
  if (jsCalls !== 5 * calls) throw new Error(`fn called ${jsCalls} times, expected ${5 * calls}`);
  console.log(JSON.stringify(figures));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function parent({ processes, calls }) {
  const runs = [];
  for (let p = 0; p < processes; p++) {
    const result = spawnSync(
      process.execPath,
      ["--no-concurrent-marking", fileURLToPath(import.meta.url), "--child", "--calls", String(calls)],
      { encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`child ${p} failed:\n${result.stderr}`);
    runs.push(JSON.parse(result.stdout.trim().split("\n").pop()));
  }
  const rows = [
    ["JS->wasm call add(i32,i32)", (r) => r.add, "ns"],
    ["wasm->JS call of an import (param i32)", (r) => r.host, "ns"],
    ["empty native call (emptyNativeCall)", (r) => r.empty, "ns"],
    ["native->JS call of an empty function (callJsFunction)", (r) => r.floor, "ns"],
    ["JS->native add through the call slots, no wasm (addThroughSlots)", (r) => r.slots, "ns"],
    ["JS->wasm / empty native call", (r) => r.add / r.empty, "×"],
    ["JS->wasm / slots floor", (r) => r.add / r.slots, "×"],
    ["slots floor / empty native call", (r) => r.slots / r.empty, "×"],
    ["wasm->JS / empty native call", (r) => r.host / r.empty, "×"],
    ["wasm->JS / native->JS floor", (r) => r.host / r.floor, "×"],
  ];
  console.log(
    `\`node bench/node/calls.mjs --processes ${processes} --calls ${calls}\`: Node ${process.version}; ` +
      `each process best of 5 runs of ${calls.toLocaleString("en")} calls; ratios within each process.\n`,
  );
  console.log("| measure | median | lowest | highest |");
  console.log("|---|---:|---:|---:|");
  for (const [label, get, unit] of rows) {
    const values = runs.map(get);
    const fmt = (v) => `${v.toFixed(unit === "ns" ? 1 : 2)}${unit === "ns" ? " ns" : "×"}`;
    console.log(`| ${label} | ${fmt(median(values))} | ${fmt(Math.min(...values))} | ${fmt(Math.max(...values))} |`);
  }
}

const args = parseArgs(process.argv.slice(2));
if (args.child) await child(args.calls);
else parent(args);
