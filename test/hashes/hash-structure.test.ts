// Property tests of types/hash.ts against a naive model (a JS Map, which keeps insertion order
// like Redis's listpack): random interleavings of set, delete, long values and bulk inserts.
// Checks get/has/size after every step, the encoding rule (512 entries, 64-byte fields and
// values, one-way conversion), exact insertion order while listpack, random fields reaching
// every field, distinct samples, and HSCAN-style iteration completeness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HASH_MAX_LISTPACK_ENTRIES, HASH_MAX_LISTPACK_VALUE, RedisHash } from '../../src/types/hash.js';
import { Random } from '../../src/util/random.js';

type Op =
  | { kind: 'set'; f: string; v: string }
  | { kind: 'bulk'; base: number; n: number }
  | { kind: 'del'; f: string }
  | { kind: 'delMost' }
  | { kind: 'clone' };

const fieldArb = fc.constantFrom('a', 'b', 'c', '', 'x\x00', '\xff', 'f1', 'f2', 'L'.repeat(65));
const valueArb = fc.oneof(fc.constantFrom('1', '', 'v', 'V'.repeat(64)), fc.constant('W'.repeat(65)).filter(() => Math.random() < 0.2));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ f: fieldArb, v: valueArb }).map((r) => ({ kind: 'set', ...r }) as Op) },
  { weight: 1, arbitrary: fc.record({ base: fc.integer({ min: 0, max: 700 }), n: fc.integer({ min: 1, max: 300 }) }).map((r) => ({ kind: 'bulk', ...r }) as Op) },
  { weight: 4, arbitrary: fieldArb.map((f) => ({ kind: 'del', f }) as Op) },
  { weight: 1, arbitrary: fc.constant({ kind: 'delMost' } as Op) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clone' } as Op) },
);

test('RedisHash behaves like a Map, keeps listpack insertion order and encoding rules', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 50 }), fc.integer(), (ops, seed) => {
      const rnd = new Random(seed);
      let h = new RedisHash();
      const model = new Map<string, string>();
      let listpack = true;
      const set = (f: string, v: string) => {
        if (f.length > HASH_MAX_LISTPACK_VALUE || v.length > HASH_MAX_LISTPACK_VALUE) listpack = false;
        const isNew = !model.has(f);
        model.set(f, v);
        if (model.size > HASH_MAX_LISTPACK_ENTRIES) listpack = false;
        assert.equal(h.set(f, v), isNew);
      };
      for (const op of ops) {
        switch (op.kind) {
          case 'set':
            set(op.f, op.v);
            break;
          case 'bulk':
            for (let i = 0; i < op.n; i++) set(`k${op.base + i}`, String(i));
            break;
          case 'del':
            assert.equal(h.delete(op.f), model.delete(op.f));
            break;
          case 'delMost':
            for (const f of [...model.keys()].slice(0, Math.floor((model.size * 9) / 10))) {
              assert.ok(h.delete(f));
              model.delete(f);
            }
            break;
          case 'clone': {
            const c = h.clone();
            c.set('clone-only', '1');
            assert.equal(h.has('clone-only'), model.has('clone-only'));
            h = h.clone();
            break;
          }
        }
        assert.equal(h.size, model.size);
        assert.equal(h.encoding(), listpack ? 'listpack' : 'hashtable');
        for (const [f, v] of model) assert.equal(h.get(f), v);
        if (listpack) {
          assert.deepEqual(h.fields(), [...model.keys()]);
          assert.deepEqual(h.values(), [...model.values()]);
        } else {
          assert.deepEqual(h.fields().sort(), [...model.keys()].sort());
        }
        const entries = h.entries();
        assert.equal(entries.length, model.size * 2);
        for (let i = 0; i < entries.length; i += 2) assert.equal(model.get(entries[i]!), entries[i + 1]);
        if (model.size > 0) {
          const slot = h.randomSlot(() => rnd.next());
          assert.ok(model.has(h.t.keys[slot]!));
          const count = Math.max(1, Math.floor(model.size / 2));
          if (count < model.size) {
            const slots = h.sampleDistinct(count, () => rnd.next());
            assert.equal(new Set(slots).size, count);
            for (let i = 1; i < slots.length; i++) assert.ok(slots[i - 1]! < slots[i]!, 'samples in slot order');
          }
        }
        // A full scan (no churn) returns each field exactly once.
        const seen: string[] = [];
        let cursor = 0;
        do cursor = h.scan(cursor, 7, (f) => seen.push(f));
        while (cursor !== 0);
        assert.deepEqual(seen.sort(), [...model.keys()].sort());
      }
    }),
    { numRuns: 150 },
  );
});

test('random fields reach every field with a plausible distribution', () => {
  for (const big of [false, true]) {
    const h = new RedisHash();
    const n = big ? 1200 : 100;
    for (let i = 0; i < n; i++) h.set(`f${i}`, 'v');
    for (let i = 0; i < n; i += 4) h.delete(`f${i}`);
    assert.equal(h.encoding(), big ? 'hashtable' : 'listpack');
    const live = h.size;
    const rnd = new Random(big ? 3 : 4);
    const counts = new Map<string, number>();
    for (let i = 0; i < live * 200; i++) {
      const f = h.t.keys[h.randomSlot(() => rnd.next())]!;
      counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    assert.equal(counts.size, live, 'every field reachable');
    for (const [f, c] of counts) assert.ok(c > 100 && c < 320, `field ${f} drawn ${c} times of ~200`);
  }
});
