'use strict';
// The WIT corpus through the TypeScript glue `kiln bindgen --lang ts`
// generates: the golden files (wit-tools/golden/ts, kept equal to a fresh
// generation by kiln-wit's golden test) are type-checked with
// `tsc --strict`, compiled, and every case file of wit-tools/tests/cases is
// replayed through them against the guest components (built by
// `cargo run -p kiln-wit-guests`, which run-tests.sh does), with a JS host
// per world implementing the imports as wit-tools/tests/README.md says.
// Tests listed in component-glue-known-failures.txt must fail (with the
// reason given there), and every other test must pass.

const { after, test } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ts = require('typescript');
const kiln = require('..');

const { component } = kiln;
const repo = path.join(__dirname, '..', '..');
const golden = path.join(repo, 'wit-tools', 'golden', 'ts');
const cases = path.join(repo, 'wit-tools', 'tests', 'cases');
const guests = path.join(process.env.CARGO_TARGET_DIR || path.join(repo, 'target'), 'wit-guests');
const WORLDS = ['scalars', 'lists', 'variants', 'resources', 'traps'];

/** Compiles every golden file with `tsc --strict` into a directory of its own. */
function compileGlue() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-ts-glue-'));
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) files.push(p);
    }
  };
  walk(golden);
  const options = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    typeRoots: [path.join(__dirname, '..', 'node_modules', '@types')],
    baseUrl: golden,
    paths: { 'kiln-wasm': [path.join(__dirname, '..', 'index.d.ts')] },
    rootDir: golden,
    outDir: out,
  };
  const program = ts.createProgram(files, options);
  const emitted = program.emit();
  const diagnostics = ts.getPreEmitDiagnostics(program).concat(emitted.diagnostics);
  const text = ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => golden,
    getNewLine: () => '\n',
  });
  fs.mkdirSync(path.join(out, 'node_modules'));
  fs.symlinkSync(path.join(__dirname, '..'), path.join(out, 'node_modules', 'kiln-wasm'), 'dir');
  return { out, files, text };
}

const glue = compileGlue();

test('the generated TypeScript passes tsc --strict', () => {
  assert.strictEqual(glue.files.length, 9, 'the five corpus worlds and the four edge worlds');
  assert.strictEqual(glue.text, '');
});

// Values of the case files (see wit-tools/tests/README.md) as JS values.

function expand(v) {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    if ('repeat' in v) {
      const item = expand(v.repeat);
      if (typeof item === 'string') return item.repeat(v.count);
      const out = [];
      for (let i = 0; i < v.count; i++) out.push(...item);
      return out;
    }
    if ('concat' in v) {
      const parts = v.concat.map(expand);
      return typeof parts[0] === 'string' ? parts.join('') : parts.flat(1);
    }
  }
  return v;
}

function float(v, f32) {
  const x = v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v;
  return f32 ? Math.fround(x) : x;
}

const TYPED = {
  u8: Uint8Array, s8: Int8Array, u16: Uint16Array, s16: Int16Array, u32: Uint32Array, s32: Int32Array,
  u64: BigUint64Array, s64: BigInt64Array, f32: Float32Array, f64: Float64Array,
};

/** The JS value of case value `v` of type `ty`; `env.resources` binds handle names. */
function toJs(v, ty, env) {
  if (typeof ty === 'string') {
    switch (ty) {
      case 'u64': case 's64': return BigInt(v);
      case 'f32': return float(v, true);
      case 'f64': return float(v, false);
      case 'string': return expand(v);
      default: return v;
    }
  }
  if (ty.list) {
    const items = expand(v).map((x) => toJs(x, ty.list, env));
    return ty.typed ? TYPED[ty.list].from(items) : items;
  }
  if (ty.tuple) return ty.tuple.map((t, i) => toJs(v[i], t, env));
  if (ty.option !== undefined) {
    if (v === null) return ty.tagged ? { tag: 'none' } : undefined;
    const inner = toJs(v.some, ty.option, env);
    return ty.tagged ? { tag: 'some', val: inner } : inner;
  }
  if (ty.result) {
    const [tag, side] = 'ok' in v ? ['ok', ty.result[0]] : ['err', ty.result[1]];
    return side === null ? { tag } : { tag, val: toJs(v[tag], side, env) };
  }
  if (ty.record) {
    const o = {};
    for (const [wit, js, t] of ty.record) o[js] = toJs(v[wit], t, env);
    return o;
  }
  if (ty.variant) {
    const [, t] = ty.variant.find(([name]) => name === v.case);
    return t === null ? { tag: v.case } : { tag: v.case, val: toJs(v.value, t, env) };
  }
  if (ty.enum) return v;
  if (ty.flags) {
    const o = {};
    for (const [wit, js] of ty.flags) o[js] = v.includes(wit);
    return o;
  }
  if (ty.own || ty.borrow) {
    const r = env.resources.get(v.resource);
    assert.ok(r !== undefined, `the handle ${v.resource} is bound`);
    if (ty.own) env.resources.delete(v.resource);
    return r;
  }
  throw new Error(`unknown type ${JSON.stringify(ty)}`);
}

/** Checks that `actual` (a JS value of type `ty`) is the case value `expected`. */
function check(actual, expected, ty, env, where) {
  if (typeof ty === 'string') {
    switch (ty) {
      case 'u64': case 's64':
        assert.strictEqual(actual, BigInt(expected), where);
        return;
      case 'f32': case 'f64': {
        const e = float(expected, ty === 'f32');
        if (Number.isNaN(e)) assert.ok(Number.isNaN(actual), `${where}: ${actual} is NaN`);
        else assert.ok(Object.is(actual, e), `${where}: ${actual} is ${e}`);
        return;
      }
      case 'string':
        assert.strictEqual(actual, expand(expected), where);
        return;
      default:
        assert.strictEqual(actual, expected, where);
        return;
    }
  }
  if (ty.list) {
    const items = expand(expected);
    if (ty.typed) assert.ok(actual instanceof TYPED[ty.list], `${where}: a ${TYPED[ty.list].name}`);
    else assert.ok(Array.isArray(actual), `${where}: an array`);
    assert.strictEqual(actual.length, items.length, `${where}: the length`);
    for (let i = 0; i < items.length; i++) check(actual[i], items[i], ty.list, env, `${where}[${i}]`);
    return;
  }
  if (ty.tuple) {
    assert.strictEqual(actual.length, ty.tuple.length, `${where}: the tuple's length`);
    ty.tuple.forEach((t, i) => check(actual[i], expected[i], t, env, `${where}[${i}]`));
    return;
  }
  if (ty.option !== undefined) {
    if (ty.tagged) {
      if (expected === null) assert.deepStrictEqual(actual, { tag: 'none' }, where);
      else {
        assert.strictEqual(actual.tag, 'some', where);
        check(actual.val, expected.some, ty.option, env, `${where}.val`);
      }
    } else if (expected === null) {
      assert.strictEqual(actual, undefined, where);
    } else {
      check(actual, expected.some, ty.option, env, where);
    }
    return;
  }
  if (ty.result) {
    const [tag, side] = 'ok' in expected ? ['ok', ty.result[0]] : ['err', ty.result[1]];
    assert.strictEqual(actual.tag, tag, where);
    if (side === null) assert.strictEqual(actual.val, undefined, where);
    else check(actual.val, expected[tag], side, env, `${where}.val`);
    return;
  }
  if (ty.record) {
    assert.deepStrictEqual(Object.keys(actual), ty.record.map(([, js]) => js), `${where}: the fields`);
    for (const [wit, js, t] of ty.record) check(actual[js], expected[wit], t, env, `${where}.${js}`);
    return;
  }
  if (ty.variant) {
    assert.strictEqual(actual.tag, expected.case, where);
    const [, t] = ty.variant.find(([name]) => name === expected.case);
    if (t === null) assert.ok(!('val' in actual), `${where}: no payload`);
    else check(actual.val, expected.value, t, env, `${where}.val`);
    return;
  }
  if (ty.enum) {
    assert.strictEqual(actual, expected, where);
    return;
  }
  if (ty.flags) {
    const o = {};
    for (const [wit, js] of ty.flags) o[js] = expected.includes(wit);
    assert.deepStrictEqual(actual, o, where);
    return;
  }
  if (ty.own || ty.borrow) {
    assert.ok(actual !== null && typeof actual === 'object', `${where}: a resource`);
    assert.ok(!env.resources.has(expected.resource), `${where}: ${expected.resource} is new`);
    env.resources.set(expected.resource, actual);
    return;
  }
  throw new Error(`unknown type ${JSON.stringify(ty)}`);
}

// The hosts, one per world, with fresh state per test.

function hosts(world, state) {
  const echo = (x) => x;
  switch (world) {
    case 'scalars': {
      const scalarHost = {};
      for (const t of ['Bool', 'U8', 'U16', 'U32', 'U64', 'S8', 'S16', 'S32', 'S64', 'F32', 'F64', 'Char']) {
        scalarHost[`echo${t}`] = echo;
      }
      scalarHost.manyParams = (...args) => args.reverse();
      return {
        scalarHost,
        hostInfo: { greet: (who) => `hello, ${who}` },
        setHostValue: (x) => { state.value = x; },
        getHostValue: () => state.value ?? 0n,
      };
    }
    case 'lists':
      return {
        listHost: {
          reverseString: (s) => [...s].reverse().join(''),
          echoBytes: echo,
          splitWords: (s) => s.split(' ').filter((w) => w !== ''),
          sortScores: (s) => [...s].sort((a, b) => b.value - a.value),
          echoNested: echo,
          makeLine: (a, b, label) => ({ start: a, end: b, label }),
          rotateTriple: ([a, b, c]) => [c, a, b],
        },
      };
    case 'variants': {
      const turn = { north: 'east', east: 'south', south: 'west', west: 'north' };
      return {
        variantHost: {
          echoShape: echo,
          echoNumber: echo,
          turnRight: (d) => turn[d],
          echoWide: echo,
          invertFull: (f) => Object.fromEntries(Object.keys(f).map((k) => [k, !f[k]])),
          echoNestedOption: echo,
          safeDiv: (a, b) => {
            if (b === 0) return { tag: 'err', val: 'divide-by-zero' };
            if (a === -2147483648 && b === -1) return { tag: 'err', val: 'overflow' };
            return { tag: 'ok', val: Math.trunc(a / b) };
          },
          echoNestedResult: echo,
          checkPositive: (x) => ({ tag: x > 0 ? 'ok' : 'err' }),
        },
      };
    }
    case 'resources': {
      state.live = 0;
      class Blob {
        constructor(init) {
          this.data = Uint8Array.from(init);
          state.live++;
        }

        bytes() { return this.data.slice(); }

        append(more) {
          const next = new Uint8Array(this.data.length + more.length);
          next.set(this.data);
          next.set(more, this.data.length);
          this.data = next;
        }

        size() { return this.data.length; }

        static concat(a, b) {
          const both = new Uint8Array(a.data.length + b.data.length);
          both.set(a.data);
          both.set(b.data, a.data.length);
          return new Blob(both);
        }

        [Symbol.dispose]() {
          assert.ok(!this.disposed, 'a blob is destroyed once');
          this.disposed = true;
          state.live--;
        }
      }
      return { blobs: { Blob, liveBlobs: () => state.live } };
    }
    case 'traps':
      state.notes = [];
      return {
        trapHost: {
          note: (x) => { state.notes.push(x); },
          fail: (msg) => { throw new Error(msg); },
        },
      };
    default:
      throw new Error(`no host for ${world}`);
  }
}

const TRAPS = {
  unreachable: /unreachable/,
  'invalid-utf8': /invalid utf-8/,
  'invalid-char': /invalid char/,
  'invalid-discriminant': /discriminant/,
  'out-of-bounds': /out of bounds/,
  misaligned: /not aligned/,
  'unknown-handle': /handle/,
  poisoned: /cannot enter component instance/,
};

/** Runs one test of a case file; throws on the first step that fails. */
function runTest(world, mod, compiled, t) {
  const state = {};
  const exports = mod.instantiate(compiled, hosts(world, state));
  const env = { resources: new Map() };
  t.steps.forEach((step, n) => {
    const where = `${t.name} step ${n}`;
    if ('drop' in step) {
      const r = env.resources.get(step.drop);
      assert.ok(r !== undefined, `${where}: ${step.drop} is bound`);
      env.resources.delete(step.drop);
      r[Symbol.dispose]();
      return;
    }
    if ('host' in step) {
      assert.deepStrictEqual(state[step.host], step.expect, where);
      return;
    }
    const types = mod.exportTypes[step.call];
    assert.ok(types, `${where}: ${step.call} is an export`);
    const args = types.params.map((ty, i) => toJs(step.args[i], ty, env));
    const invoke = () => {
      if (types.path[0].startsWith('#')) {
        const [self, ...rest] = args;
        return self[types.path[0].slice(1)](...rest);
      }
      let target = exports;
      for (const key of types.path.slice(0, -1)) target = target[key];
      return target[types.path[types.path.length - 1]](...args);
    };
    if ('trap' in step) {
      assert.throws(invoke, (err) => {
        if (step.trap === 'host') {
          assert.ok(err instanceof Error && !(err instanceof kiln.RuntimeError), `${where}: the host's own error`);
          assert.strictEqual(err.message, step.message, where);
          return true;
        }
        assert.ok(err instanceof kiln.RuntimeError, `${where}: a RuntimeError, got ${err}`);
        assert.match(err.message, TRAPS[step.trap], where);
        return true;
      }, where);
      return;
    }
    const result = invoke();
    if (types.result === null) assert.strictEqual(result, undefined, where);
    else check(result, step.expect, types.result, env, where);
  });
  assert.strictEqual(env.resources.size, 0, `${t.name}: every handle was dropped`);
}

const known = new Map(
  fs.readFileSync(path.join(__dirname, 'component-glue-known-failures.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const at = l.indexOf(' ');
      return [l.slice(0, at), l.slice(at + 1).trim()];
    }),
);

// How each world's tests went, for the cross-language matrix
// (wit-tools/tests/matrix): passed (and not listed), failed (unlisted, or
// listed and passing), known failures (failed and listed).
const counts = new Map();

for (const world of WORLDS) {
  const file = JSON.parse(fs.readFileSync(path.join(cases, `${world}.json`), 'utf8'));
  const mod = require(path.join(glue.out, world, `${world}.js`));
  const compiled = new component.Component(fs.readFileSync(path.join(guests, `${world}.wasm`)));
  for (const t of file.tests) {
    const id = `${world}/${t.name}`;
    test(`glue replays ${id}`, () => {
      let failure;
      try {
        runTest(world, mod, compiled, t);
      } catch (e) {
        failure = e;
      }
      if (!counts.has(world)) counts.set(world, { passed: 0, failed: 0, known: 0 });
      const c = counts.get(world);
      if (failure === undefined) c[known.has(id) ? 'failed' : 'passed'] += 1;
      else c[known.has(id) ? 'known' : 'failed'] += 1;
      if (known.has(id)) {
        assert.ok(failure !== undefined, `${id} is listed as a known failure but passes: remove it`);
        return;
      }
      if (failure !== undefined) throw failure;
    });
  }
}

// <target>/wit-corpus/ts.tsv: one `world passed failed known_failures` line
// (tab-separated) per world replayed. <target> is CARGO_TARGET_DIR (relative
// to the repository) or the repository's target/.
after(() => {
  if (counts.size === 0) return;
  const dir = path.join(path.resolve(repo, process.env.CARGO_TARGET_DIR || 'target'), 'wit-corpus');
  const lines = [...counts].map(([w, c]) => `${w}\t${c.passed}\t${c.failed}\t${c.known}\n`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ts.tsv'), lines.join(''));
});

test('every known failure names a test', () => {
  const ids = new Set();
  for (const world of WORLDS) {
    const file = JSON.parse(fs.readFileSync(path.join(cases, `${world}.json`), 'utf8'));
    for (const t of file.tests) ids.add(`${world}/${t.name}`);
  }
  for (const id of known.keys()) assert.ok(ids.has(id), `${id} is a test of the case files`);
  assert.strictEqual(ids.size, 151, 'the case files hold 151 tests');
});

// Resources' lifetimes through the glue.

function resourcesWorld() {
  const state = {};
  const mod = require(path.join(glue.out, 'resources', 'resources.js'));
  const compiled = new component.Component(fs.readFileSync(path.join(guests, 'resources.wasm')));
  return { state, ex: mod.instantiate(compiled, hosts('resources', state)) };
}

test('a guest resource is destroyed once, and a dropped one is a TypeError', () => {
  const { ex } = resourcesWorld();
  const { Counter } = ex.counters;
  const c = Counter.new(5n);
  assert.strictEqual(Counter.live(), 1);
  assert.strictEqual(c.add(2n), 7n);
  c[Symbol.dispose]();
  assert.strictEqual(Counter.live(), 0);
  assert.throws(() => c[Symbol.dispose](), { name: 'TypeError', message: 'this Counter was dropped' });
  assert.throws(() => c.get(), { name: 'TypeError', message: 'this Counter was dropped' });
  assert.strictEqual(Counter.live(), 0, 'the instance is still usable');
  // What `using d = Counter.new(-1n)` does at the end of its block
  // (Node 20 has Symbol.dispose but not the syntax).
  const d = Counter.new(-1n);
  try {
    assert.strictEqual(d.get(), -1n);
    assert.strictEqual(Counter.live(), 1);
  } finally {
    d[Symbol.dispose]();
  }
  assert.strictEqual(Counter.live(), 0);
});

test('a guest resource moved into the component is a TypeError to use', () => {
  const { ex } = resourcesWorld();
  const { Counter } = ex.counters;
  const c = Counter.new(9n);
  assert.strictEqual(Counter.consume(c), 9n);
  assert.strictEqual(Counter.live(), 0);
  assert.throws(() => c.get(), { name: 'TypeError', message: 'this Counter was moved into the component' });
  assert.throws(() => c[Symbol.dispose](), { name: 'TypeError' });
});

test("a host resource's destructor runs once, when its last handle is dropped", () => {
  const { ex, state } = resourcesWorld();
  const b = ex.blobMake(new Uint8Array([1, 2]));
  assert.strictEqual(state.live, 1);
  const same = ex.blobExtend(b, new Uint8Array([3]));
  assert.strictEqual(same, b, 'the host gets its own object back');
  assert.deepStrictEqual([...ex.blobPeek(b)], [1, 2, 3]);
  assert.strictEqual(ex.blobConsume(b), 3);
  assert.strictEqual(state.live, 0, 'the guest dropped it: the destructor ran');
  assert.deepStrictEqual([...ex.blobRoundtrip(new Uint8Array([7]), new Uint8Array([8]))], [7, 8]);
  assert.strictEqual(state.live, 0);
  assert.strictEqual(ex.hostLiveBlobs(), 0);
});

test('a trap in the middle of a call poisons the instance; a host error comes back as itself', () => {
  const mod = require(path.join(glue.out, 'traps', 'traps.js'));
  const compiled = new component.Component(fs.readFileSync(path.join(guests, 'traps.wasm')));
  const state = {};
  const ex = mod.instantiate(compiled, hosts('traps', state));
  assert.strictEqual(ex.echo(4), 4);
  const boom = new Error('boom');
  const failing = mod.instantiate(compiled, {
    trapHost: { note: () => {}, fail: () => { throw boom; } },
  });
  assert.throws(() => failing.failViaHost(1, 'x'), (e) => e === boom);
  assert.throws(() => ex.trapAfterImport(3), { name: 'RuntimeError', message: /unreachable/ });
  assert.deepStrictEqual(state.notes, [3], 'the import ran before the trap');
  assert.throws(() => ex.echo(1), { name: 'RuntimeError', message: /cannot enter component instance/ });
  assert.throws(() => ex.badUtf8(), { name: 'RuntimeError', message: /cannot enter/ });
});

test('the glue sees the memory again after a call grows it', () => {
  const mod = require(path.join(glue.out, 'lists', 'lists.js'));
  const compiled = new component.Component(fs.readFileSync(path.join(guests, 'lists.wasm')));
  const ex = mod.instantiate(compiled, hosts('lists', {}));
  assert.strictEqual(ex.listApi.echoString('before'), 'before');
  const big = new Uint8Array(4 << 20).fill(7);
  const grown = ex.listApi.echoBytes(big);
  assert.strictEqual(grown.length, big.length);
  assert.ok(grown.every((b) => b === 7));
  const names = Array.from({ length: 3000 }, (_, i) => ({ name: `n${i}`, value: i }));
  assert.strictEqual(ex.listApi.bestName(names), 'n2999');
  assert.strictEqual(ex.listApi.echoString('after'), 'after');
});

test('a value of the wrong kind or range is an error from the glue, before the call begins', () => {
  const mod = require(path.join(glue.out, 'lists', 'lists.js'));
  const compiled = new component.Component(fs.readFileSync(path.join(guests, 'lists.wasm')));
  const ex = mod.instantiate(compiled, hosts('lists', {}));
  assert.throws(() => ex.listApi.echoString(5), { name: 'TypeError', message: 'expected a string, got number' });
  assert.throws(() => ex.listApi.bestName([{ name: 7, value: 1 }]), { name: 'TypeError', message: 'expected a string, got number' });
  assert.throws(() => ex.listApi.echoPoint({ x: 1.5, y: 0 }), { name: 'RangeError', message: '1.5 is not a valid s32' });
  assert.strictEqual(ex.listApi.echoString('fine'), 'fine', 'the instance is still usable');

  const scalars = require(path.join(glue.out, 'scalars', 'scalars.js'));
  const s = scalars.instantiate(new component.Component(fs.readFileSync(path.join(guests, 'scalars.wasm'))), hosts('scalars', {}));
  const api = s.scalarApi;
  assert.throws(() => api.echoU8(256), { name: 'RangeError', message: '256 is not a valid u8' });
  assert.throws(() => api.echoS8(-129), { name: 'RangeError', message: '-129 is not a valid s8' });
  assert.throws(() => api.echoU32(-1), { name: 'RangeError', message: '-1 is not a valid u32' });
  assert.throws(() => api.echoU64(-1n), { name: 'RangeError', message: '-1 is not a valid u64' });
  assert.throws(() => api.echoS64(2n ** 63n), { name: 'RangeError', message: '9223372036854775808 is not a valid s64' });
  assert.throws(() => api.echoU64(1), { name: 'TypeError', message: 'expected a BigInt, got number' });
  assert.throws(() => api.echoF64('1'), { name: 'TypeError', message: 'expected a number, got string' });
  assert.throws(() => api.echoChar('ab'), { name: 'TypeError', message: 'a char is a string of one Unicode scalar value' });
  assert.throws(() => api.echoChar('\ud800'), TypeError);
  assert.strictEqual(api.echoU32(4294967295), 4294967295);
  assert.strictEqual(api.echoChar('😀'), '😀');
  assert.strictEqual(api.echoU8(255), 255, 'the instance is still usable');
});

test("an import's failure: the host's own error comes back as itself, a result out of range as a RangeError", () => {
  const lists = require(path.join(glue.out, 'lists', 'lists.js'));
  const compiled = new component.Component(fs.readFileSync(path.join(guests, 'lists.wasm')));
  const mine = new RangeError('mine');
  const throwing = lists.instantiate(compiled, {
    listHost: { ...hosts('lists', {}).listHost, reverseString: () => { throw mine; } },
  });
  assert.throws(() => throwing.hostReverseString('x'), (e) => e === mine);
  // A result of the wrong kind found while its strings are planned gives up
  // the plan: the next lists are lowered in their own batches, correctly.
  const wrong = lists.instantiate(compiled, {
    listHost: { ...hosts('lists', {}).listHost, splitWords: () => ['a', 7] },
  });
  assert.throws(() => wrong.hostSplitWords('a b'), { name: 'TypeError', message: 'expected a string, got number' });
  const fine = lists.instantiate(compiled, hosts('lists', {}));
  assert.deepStrictEqual(fine.hostSplitWords('p  q r'), ['p', 'q', 'r']);
  const names = Array.from({ length: 100 }, (_, i) => ({ name: `n${i}`, value: i }));
  assert.strictEqual(fine.listApi.bestName(names), 'n99');

  const scalars = require(path.join(glue.out, 'scalars', 'scalars.js'));
  const host = hosts('scalars', {});
  const s = scalars.instantiate(new component.Component(fs.readFileSync(path.join(guests, 'scalars.wasm'))), {
    ...host,
    scalarHost: { ...host.scalarHost, echoU8: () => 300 },
  });
  assert.throws(
    () => s.hostEchoAll(true, 1, 2, 3, 4n, 5, 6, 7, 8n, 1.5, 2.5, 'c'),
    { name: 'RangeError', message: '300 is not a valid u8' },
  );
});
