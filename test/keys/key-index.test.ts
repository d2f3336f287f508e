// KeyIndex (the keyspace's key → slot table) against a Map, over random operations: inserts,
// updates, lookups and deletions from a small key space (so probe runs collide and wrap), with
// growth past many doublings and shrinking back, and clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyIndex, keyHash } from '../../src/keyspace/key-index.js';

type Op = { kind: 'set'; key: string; slot: number } | { kind: 'delete'; key: string } | { kind: 'get'; key: string } | { kind: 'clear' };

function check(index: KeyIndex, model: Map<string, number>, probe: readonly string[]): void {
  assert.equal(index.size, model.size);
  for (const k of probe) {
    assert.equal(index.get(k), model.get(k), `get ${JSON.stringify(k)}`);
    assert.equal(index.has(k), model.has(k));
  }
}

test('KeyIndex behaves as a Map of key to slot (property)', () => {
  // Keys from a small alphabet and length: many share hash buckets and long probe runs form.
  const key = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\u00ff', ':'), maxLength: 6 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), key, slot: fc.nat({ max: 1_000_000 }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('get' as const), key }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
      const index = new KeyIndex();
      const model = new Map<string, number>();
      const seen: string[] = [];
      for (const o of ops) {
        if (o.kind === 'set') {
          index.set(o.key, o.slot);
          model.set(o.key, o.slot);
          seen.push(o.key);
        } else if (o.kind === 'delete') {
          assert.equal(index.delete(o.key), model.delete(o.key));
        } else if (o.kind === 'get') {
          assert.equal(index.get(o.key), model.get(o.key));
        } else {
          index.clear();
          model.clear();
        }
      }
      check(index, model, seen);
    }),
    { numRuns: 500, seed: 21 },
  );
});

test('KeyIndex grows to 100,000 keys, deletes them in a scattered order and shrinks', () => {
  const index = new KeyIndex();
  const model = new Map<string, number>();
  const keys = Array.from({ length: 100_000 }, (_, i) => `key:${String(i).padStart(12, '0')}`);
  keys.forEach((k, i) => {
    index.set(k, i);
    model.set(k, i);
  });
  check(index, model, keys.filter((_, i) => i % 97 === 0));
  // Every third key, in a scattered order, then check all of them.
  for (let i = 0; i < keys.length; i += 3) {
    const k = keys[(i * 7919) % keys.length]!;
    assert.equal(index.delete(k), model.delete(k));
  }
  check(index, model, keys);
  for (const k of keys) {
    index.delete(k);
    model.delete(k);
  }
  check(index, model, keys.slice(0, 1000));
  assert.equal(index.size, 0);
});

test('keyHash depends on every character (prefix-sharing keys spread)', () => {
  const buckets = new Set<number>();
  for (let i = 0; i < 4096; i++) buckets.add(keyHash(`user:${String(i).padStart(10, '0')}`) & 4095);
  // A uniform hash fills about 1 - 1/e of 4,096 buckets with 4,096 keys (~2,589).
  assert.ok(buckets.size > 2400, `${buckets.size} of 4096 buckets used`);
});

test('KeyIndex.clone is an independent copy', () => {
  const a = new KeyIndex();
  for (let i = 0; i < 300; i++) a.set(`k${i}`, i);
  const b = a.clone();
  a.delete('k1');
  a.set('k2', 1000);
  b.set('new', 7);
  assert.equal(a.get('k1'), undefined);
  assert.equal(b.get('k1'), 1);
  assert.equal(a.get('k2'), 1000);
  assert.equal(b.get('k2'), 2);
  assert.equal(a.get('new'), undefined);
  assert.equal(b.get('new'), 7);
  assert.equal(a.size, 299);
  assert.equal(b.size, 301);
});
