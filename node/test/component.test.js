'use strict';
// kiln.component's dynamic path: components, the linker, instances and
// exported functions called with JS values converted by type, on the WIT
// corpus's guest components (built by `cargo run -p kiln-wit-guests`).

const { test } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const kiln = require('..');

const { component } = kiln;
const repo = path.join(__dirname, '..', '..');
const guests = path.join(process.env.CARGO_TARGET_DIR || path.join(repo, 'target'), 'wit-guests');
const load = (world) => new component.Component(fs.readFileSync(path.join(guests, `${world}.wasm`)));

function instance(world, define = () => {}) {
  const c = load(world);
  const linker = new component.Linker();
  define(linker);
  linker.defineUnknownImportsAsTraps(c);
  return linker.instantiate(c);
}

test('a component lists its imports and exports', () => {
  const c = load('traps');
  assert.deepStrictEqual(c.imports().find(([n]) => n === 'kiln:corpus/trap-host'), ['kiln:corpus/trap-host', 'instance']);
  assert.ok(c.exports().some(([n, k]) => n === 'echo' && k === 'function'));
  assert.throws(() => new component.Component(new Uint8Array([0, 1, 2])), kiln.CompileError);
});

test('Component.compile compiles off the JS thread', async () => {
  const c = await component.Component.compile(fs.readFileSync(path.join(guests, 'traps.wasm')));
  assert.ok(c instanceof component.Component);
  const linker = new component.Linker();
  linker.defineUnknownImportsAsTraps(c);
  assert.strictEqual(linker.instantiate(c).getFunc('echo').call(9), 9);
  await assert.rejects(component.Component.compile(new Uint8Array([0, 97, 115, 109])), kiln.CompileError);
  await assert.rejects(component.Component.compile(42), TypeError);
});

test('scalars convert by type', () => {
  const i = instance('scalars');
  const f = (name) => i.getFunc(`kiln:corpus/scalar-api#${name}`);
  assert.strictEqual(f('echo-u64').call(18446744073709551615n), 18446744073709551615n);
  assert.strictEqual(f('echo-s64').call(-9223372036854775808n), -9223372036854775808n);
  assert.strictEqual(f('echo-u8').call(255), 255);
  assert.strictEqual(f('echo-s8').call(-128), -128);
  assert.strictEqual(f('echo-f32').call(0.1), Math.fround(0.1));
  assert.strictEqual(f('echo-char').call('😀'), '😀');
  assert.strictEqual(f('echo-bool').call(true), true);
  assert.deepStrictEqual(f('split-u64').call(0x1_0000_0002n), [1, 2]);
  assert.strictEqual(i.getFunc(['kiln:corpus/scalar-api', 'add-u8']).call(200, 100), 44);
  assert.strictEqual(i.getFunc('kiln:corpus/scalar-api#missing'), undefined);
  assert.throws(() => f('echo-u8').call(256), RangeError);
  assert.throws(() => f('echo-u64').call(1), TypeError);
  assert.throws(() => f('echo-char').call('ab'), TypeError);
  assert.throws(() => f('echo-u8').call(), TypeError);
});

test('lists, records and tuples convert by type', () => {
  const i = instance('lists');
  const f = (name) => i.getFunc(`kiln:corpus/list-api#${name}`);
  const bytes = f('echo-bytes').call(new Uint8Array([1, 2, 3]));
  assert.ok(bytes instanceof Uint8Array);
  assert.deepStrictEqual([...bytes], [1, 2, 3]);
  assert.deepStrictEqual([...f('echo-bytes').call([4, 5])], [4, 5], 'an array is a list too');
  const u64s = f('echo-u64s').call(new BigUint64Array([1n, 2n]));
  assert.ok(u64s instanceof BigUint64Array);
  assert.deepStrictEqual(f('echo-strings').call(['a', 'é', '']), ['a', 'é', '']);
  assert.deepStrictEqual(f('echo-point').call({ x: 1, y: -2 }), { x: 1, y: -2 });
  assert.deepStrictEqual(f('echo-triple').call([2, 'x', 1.5]), [2, 'x', 1.5]);
  assert.deepStrictEqual(f('echo-scores').call([{ name: 'a', value: 0.5 }]), [{ name: 'a', value: 0.5 }]);
  assert.strictEqual(f('echo-string').call('héllo'), 'héllo');
});

test('variants, enums, flags, options and results convert by type', () => {
  const i = instance('variants');
  const f = (name) => i.getFunc(`kiln:corpus/variant-api#${name}`);
  assert.deepStrictEqual(f('echo-shape').call({ tag: 'circle', val: 1.5 }), { tag: 'circle', val: 1.5 });
  assert.strictEqual(f('turn-right').call('west'), 'north');
  const full = f('invert-full').call({ f0: true });
  assert.strictEqual(full.f0, false);
  assert.strictEqual(full.f31, true);
  assert.deepStrictEqual(f('echo-nested-option').call({ tag: 'some', val: undefined }), { tag: 'some', val: undefined });
  assert.deepStrictEqual(f('echo-nested-option').call({ tag: 'some', val: 3 }), { tag: 'some', val: 3 });
  assert.deepStrictEqual(f('echo-nested-option').call({ tag: 'none' }), { tag: 'none' });
  assert.deepStrictEqual(f('safe-div').call(7, 2), { tag: 'ok', val: 3 });
  assert.deepStrictEqual(f('safe-div').call(7, 0), { tag: 'err', val: 'divide-by-zero' });
  assert.deepStrictEqual(f('check-positive').call(-1), { tag: 'err' });
  assert.throws(() => f('turn-right').call('up'), TypeError);
  assert.throws(() => f('echo-shape').call({ tag: 'hexagon' }), TypeError);
});

test('host functions of the dynamic path get and return JS values', () => {
  const notes = [];
  const i = instance('traps', (linker) => {
    linker.instance('kiln:corpus/trap-host')
      .func('note', (x) => { notes.push(x); })
      .func('fail', (msg) => { throw new Error(msg); });
  });
  assert.strictEqual(i.getFunc('echo').call(5), 5);
  assert.throws(() => i.getFunc('fail-via-host').call(2, 'boom'), { message: 'boom' });
  assert.deepStrictEqual(notes, [2]);
  assert.throws(() => i.getFunc('echo').call(1), { name: 'RuntimeError', message: /cannot enter/ });
});

test("host functions of the dynamic path convert by the import's types", () => {
  const echo = (x) => x;
  const seen = [];
  const i = instance('variants', (linker) => {
    linker.instance('kiln:corpus/variant-host')
      .func('echo-shape', (s) => { seen.push(s); return s; })
      .func('echo-nested-option', (x) => { seen.push(x); return x; })
      .func('invert-full', (f) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, !v])))
      .func('safe-div', (a, b) => (b === 0 ? { tag: 'err', val: 'divide-by-zero' } : { tag: 'ok', val: Math.trunc(a / b) }))
      .func('echo-nested-result', echo)
      .func('check-positive', (x) => ({ tag: x > 0 ? 'ok' : 'err' }));
  });
  const f = (name) => i.getFunc(name);
  assert.deepStrictEqual(f('host-echo-shape').call({ tag: 'rect', val: [2, 3] }), { tag: 'rect', val: [2, 3] });
  assert.deepStrictEqual(f('host-echo-nested-option').call({ tag: 'some', val: 7 }), { tag: 'some', val: 7 });
  assert.deepStrictEqual(f('host-echo-nested-option').call({ tag: 'none' }), { tag: 'none' });
  assert.deepStrictEqual(seen, [{ tag: 'rect', val: [2, 3] }, { tag: 'some', val: 7 }, { tag: 'none' }]);
  const inverted = f('host-invert-full').call({ f3: true });
  assert.strictEqual(inverted.f3, false);
  assert.strictEqual(inverted.f0, true);
  assert.deepStrictEqual(f('host-safe-div').call(9, 2), { tag: 'ok', val: 4 });
  assert.deepStrictEqual(f('host-safe-div').call(9, 0), { tag: 'err', val: 'divide-by-zero' });
  assert.deepStrictEqual(f('host-echo-nested-result').call({ tag: 'err', val: { tag: 'ok', val: 5 } }), { tag: 'err', val: { tag: 'ok', val: 5 } });
  assert.deepStrictEqual(f('host-check-positive').call(3), { tag: 'ok' });
});

test('guest resources are handles with drop and Symbol.dispose', () => {
  const i = instance('resources');
  const f = (name) => i.getFunc(`kiln:corpus/counters#${name}`);
  const c = f('[constructor]counter').call(3n);
  assert.ok(c instanceof component.Resource);
  assert.strictEqual(c.owned, true);
  assert.strictEqual(c.rep, undefined);
  assert.strictEqual(f('[method]counter.add').call(c, 2n), 5n);
  assert.strictEqual(f('[static]counter.live').call(), 1);
  c[Symbol.dispose]();
  assert.strictEqual(f('[static]counter.live').call(), 0);
  assert.throws(() => c.drop(), TypeError);
  assert.throws(() => f('[method]counter.get').call(c), TypeError);
  assert.ok(i.getResource(['kiln:corpus/counters', 'counter']) instanceof component.ResourceType);
});

test('host resources: a type from the linker, handles by rep, the destructor once', () => {
  const c = load('resources');
  const linker = new component.Linker();
  const dropped = [];
  const blobs = linker.instance('kiln:corpus/blobs');
  const blob = blobs.resource('blob', (rep) => dropped.push(rep));
  const seen = [];
  blobs.func('[method]blob.size', (self) => {
    seen.push([self.rep, self.owned]);
    return 42;
  });
  linker.defineUnknownImportsAsTraps(c);
  const i = linker.instantiate(c);
  const h = blob.host(7);
  assert.strictEqual(h.rep, 7);
  assert.strictEqual(h.owned, true);
  assert.strictEqual(i.getFunc('blob-consume').call(h), 42);
  assert.deepStrictEqual(seen, [[7, false]], 'the method borrowed the handle');
  assert.deepStrictEqual(dropped, [7], 'the guest dropped its own handle: the destructor ran once');
  assert.throws(() => h.drop(), TypeError, 'the handle moved into the component');
  assert.strictEqual(blob.host(8, false).owned, false);
});

test('the typed path refuses steps out of order', () => {
  assert.throws(() => component.flat.call(), TypeError);
  assert.throws(() => component.flat.finish(), TypeError);
  assert.throws(() => component.flat.realloc(1, 1), TypeError);
  assert.strictEqual(component.flat.abandon(), undefined);
});
