// One call of `kiln:corpus/list-api#best-name: func(s: list<score>) ->
// string` with 1,000 `score { name: string, value: f64 }` records, through
// three paths, each with its own instance of the same component and its
// input built once, before timing:
//
// - Kiln's generated TypeScript glue (`kiln bindgen --lang ts`), which
//   lowers the records itself into the guest's memory (one reallocMany for
//   the list and the 1,000 names) over kiln-wasm's typed path;
// - Kiln's dynamic path, `ComponentFunc.call`, which converts the JS values
//   in the addon (Rust) to `Val`s and lowers those;
// - jco's transpiled JavaScript (`jco transpile --instantiation sync`) on
//   V8's WebAssembly.
//
// Each path makes 500 untimed calls, then `rounds` rounds of `calls` calls
// timed one by one, the paths' rounds in turn; a figure is the median over
// the rounds of each round's median call, and a ratio the median of the
// rounds' ratios. Run by ./run, which builds what this needs.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
};
const work = path.resolve(opt('work'));
const componentPath = path.resolve(opt('component'));
const ROUNDS = Number(opt('rounds', 50));
const CALLS = Number(opt('calls', 200));
const RECORDS = 1000;

const require = createRequire(import.meta.url);
const glue = require(path.join(work, 'glue', 'lists.js'));
const { component } = require(path.join(work, 'glue', 'node_modules', 'kiln-wasm'));
const jco = await import(path.join(work, 'jco', 'lists.js'));

// The records: names player-0 .. player-999, values spread over [0, 1000)
// in no order, with one maximum (as bench/src/components.rs makes them).
const records = [];
for (let i = 0; i < RECORDS; i++) {
  records.push({ name: `player-${i}`, value: ((i * 7919) % RECORDS) + (i % 7) / 8 });
}
const expected = records.reduce((best, r) => (r.value > best.value ? r : best)).name;

const bytes = readFileSync(componentPath);
const compiled = new component.Component(bytes);
const unused = () => {
  throw new Error('best-name calls no import');
};
const listHost = {
  reverseString: unused, echoBytes: unused, splitWords: unused, sortScores: unused,
  echoNested: unused, makeLine: unused, rotateTriple: unused,
};

const viaGlue = glue.instantiate(compiled, { listHost }).listApi;

const linker = new component.Linker();
linker.defineUnknownImportsAsTraps(compiled);
const dynamic = linker.instantiate(compiled).getFunc('kiln:corpus/list-api#best-name');

const jcoExports = jco.instantiate(
  (name) => new WebAssembly.Module(readFileSync(path.join(work, 'jco', name))),
  {
    'kiln:corpus/list-host': listHost,
    'kiln:corpus/list-types': {},
    'kiln:shared/geometry@0.1.0': {},
  },
);

const paths = [
  { key: 'glue', label: 'Kiln, generated TypeScript glue (`kiln bindgen --lang ts`)', call: () => viaGlue.bestName(records) },
  { key: 'dynamic', label: 'Kiln, dynamic path (`ComponentFunc.call`)', call: () => dynamic.call(records) },
  { key: 'jco', label: 'jco 1.35.0 transpiled, on V8', call: () => jcoExports.listApi.bestName(records) },
];

for (const p of paths) {
  const got = p.call();
  if (got !== expected) throw new Error(`${p.key} returned ${got}, not ${expected}`);
  for (let i = 0; i < 500; i++) p.call();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
const rounds = Object.fromEntries(paths.map((p) => [p.key, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const p of paths) {
    const times = new Float64Array(CALLS);
    for (let i = 0; i < CALLS; i++) {
      const t0 = process.hrtime.bigint();
      p.call();
      times[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    rounds[p.key].push(median(times));
  }
}

const fmt = (x) => x.toFixed(1);
const ratio = (a, b) => median(rounds[a].map((x, i) => x / rounds[b][i]));
console.log(`# Component call with a list of records on Node, ${new Date().toISOString().slice(0, 10)}\n`);
console.log(`- CPU: ${os.cpus()[0].model}, ${os.availableParallelism()} cores available`);
console.log(`- Node: ${process.version}\n`);
console.log('| path | median per call (µs) | best round (µs) | worst round (µs) |');
console.log('|---|---:|---:|---:|');
for (const p of paths) {
  const xs = rounds[p.key];
  console.log(`| ${p.label} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))} | ${fmt(Math.max(...xs))} |`);
}
console.log('\n| ratio (median of the rounds\' ratios) | value | goal |');
console.log('|---|---:|---|');
const speedup = ratio('dynamic', 'glue');
const vsJco = ratio('glue', 'jco');
console.log(`| Kiln dynamic / Kiln glue (speed-up of the glue) | ${speedup.toFixed(2)}× | ≥ 5× (${speedup >= 5 ? 'met' : '**not met**'}) |`);
console.log(`| Kiln glue / jco | ${vsJco.toFixed(2)} | < 1 (${vsJco < 1 ? 'met' : '**not met**'}) |`);
