// The sorted-set structure (src/types/zset.ts over src/types/sorted-blocks.ts) against a naive
// model — an array kept sorted by (score, member bytes) — with fast-check: random adds, score
// updates, removals, range deletions by score, lex and rank, and pops, checking after each step
// the order both ways, element-at-rank, ranks, and the block bookkeeping (maxima, Fenwick sums),
// and at the end range searches by score (exclusive bounds, inf) and lex (exclusive, -/+). Tiny
// blocks (2–5 entries) make splits, merges and emptied blocks happen all the time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ZSet, type LexBound, type LexRange, type ScoreRange } from '../../src/types/zset.js';

type Entry = [string, number];

function cmp(a: Entry, b: Entry): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

class Model {
  items: Entry[] = [];
  find(m: string): number {
    return this.items.findIndex((e) => e[0] === m);
  }
  set(m: string, s: number): void {
    const i = this.find(m);
    // As Redis's zsetAdd: an equal score (0 and -0 included) changes nothing.
    if (i >= 0 && this.items[i]![1] === s) return;
    if (i >= 0) this.items.splice(i, 1);
    this.items.push([m, s]);
    this.items.sort(cmp);
  }
  remove(m: string): boolean {
    const i = this.find(m);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }
}

function inScore(s: number, r: ScoreRange): boolean {
  return (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max);
}
function geMin(m: string, b: LexBound): boolean {
  return b.kind === 'min' ? true : b.kind === 'max' ? false : b.exclusive ? m > b.value : m >= b.value;
}
function leMax(m: string, b: LexBound): boolean {
  return b.kind === 'max' ? true : b.kind === 'min' ? false : b.exclusive ? m < b.value : m <= b.value;
}

function walk(z: ZSet, reverse: boolean): Entry[] {
  const out: Entry[] = [];
  z.each(reverse ? z.size - 1 : 0, reverse, (m, s) => {
    out.push([m, s]);
  });
  return out;
}

function checkInvariants(z: ZSet, model: Model): void {
  z.seq.check();
  assert.equal(z.size, model.items.length);
  assert.equal(z.seq.length, model.items.length);
  assert.deepEqual(walk(z, false), model.items);
  assert.deepEqual(walk(z, true), [...model.items].reverse());
  model.items.forEach(([m, s], i) => {
    assert.equal(z.memberAt(i), m);
    assert.ok(Object.is(z.scoreAt(i), s));
    assert.equal(z.rank(m), i);
    assert.equal(z.score(m), s);
  });
}

const member = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\x00', '\xff', 'ab'), maxLength: 3 });
const score = fc.oneof(
  fc.constantFrom(0, -0, 1, 1, 2, -1, 1.5, Infinity, -Infinity),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: true, min: -10, max: 10 }),
);
const lexBound = fc.oneof(
  fc.constant<LexBound>({ kind: 'min' }),
  fc.constant<LexBound>({ kind: 'max' }),
  fc.record({ kind: fc.constant<'value'>('value'), value: member, exclusive: fc.boolean() }),
);
const scoreRange = fc.record({ min: score, max: score, minex: fc.boolean(), maxex: fc.boolean() });
const lexRange: fc.Arbitrary<LexRange> = fc.record({ min: lexBound, max: lexBound });

type Op =
  | { op: 'set'; m: string; s: number }
  | { op: 'remove'; m: string }
  | { op: 'delScore'; r: ScoreRange }
  | { op: 'delLex'; r: LexRange }
  | { op: 'delRank'; a: number; b: number }
  | { op: 'pop'; max: boolean };

/** Ops over the given score generator (a constant one exercises lex ranges, which assume equal scores). */
function ops(scoreArb: fc.Arbitrary<number>): fc.Arbitrary<Op[]> {
  const o: fc.Arbitrary<Op> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ op: fc.constant<'set'>('set'), m: member, s: scoreArb }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant<'remove'>('remove'), m: member }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant<'delScore'>('delScore'), r: scoreRange }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant<'delLex'>('delLex'), r: lexRange }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant<'delRank'>('delRank'), a: fc.integer({ min: 0, max: 12 }), b: fc.integer({ min: 0, max: 12 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant<'pop'>('pop'), max: fc.boolean() }) },
  );
  return fc.array(o, { maxLength: 150 });
}

for (const [name, scoreArb] of [
  ['mixed scores', score],
  ['equal scores (lex ranges)', fc.constant(0)],
] as const) {
  test(`zset structure matches a sorted-array model: ${name}`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), ops(scoreArb), fc.array(fc.tuple(scoreRange, lexRange), { minLength: 3, maxLength: 3 }), (blockMax, list, queries) => {
        const z = new ZSet(blockMax);
        z.big = true; // keep -0 as is and use the searches (the listpack rules are tested over the wire)
        const model = new Model();
        for (const o of list) {
          if (o.op === 'set') {
            assert.equal(z.set(o.m, o.s), model.find(o.m) < 0);
            model.set(o.m, o.s);
          } else if (o.op === 'remove') {
            assert.equal(z.remove(o.m), model.remove(o.m));
          } else if (o.op === 'delScore') {
            const n = z.deleteRangeByScore(o.r);
            const kept = model.items.filter((e) => !inScore(e[1], o.r));
            assert.equal(n, model.items.length - kept.length);
            model.items = kept;
          } else if (o.op === 'delLex') {
            // Lex ranges are defined only when every score is equal (as in Redis).
            if (model.items.some((e) => e[1] !== model.items[0]![1])) continue;
            const n = z.deleteRangeByLex(o.r);
            const kept = model.items.filter((e) => !(geMin(e[0], o.r.min) && leMax(e[0], o.r.max)));
            assert.equal(n, model.items.length - kept.length);
            model.items = kept;
          } else if (o.op === 'delRank') {
            const a = Math.min(o.a, o.b);
            const b = Math.max(o.a, o.b);
            const n = a < z.size ? z.deleteRangeByRank(a, b) : 0;
            assert.equal(n, model.items.slice(a, b + 1).length);
            model.items.splice(a, b - a + 1);
          } else {
            if (model.items.length === 0) continue;
            const got = z.pop(o.max);
            const e = o.max ? model.items.pop() : model.items.shift();
            assert.deepEqual(got, e);
          }
          checkInvariants(z, model);
        }
        assert.equal(z.rank('nope-not-a-member'), -1);
        const flat = new ZSet(blockMax);
        flat.big = true;
        for (const [m] of model.items) flat.insert(m, 0);
        const flatItems = model.items.map((e) => e[0]).sort();
        for (const [sr, lr] of queries) {
          const ranks = model.items.map((e, i) => (inScore(e[1], sr) ? i : -1)).filter((i) => i >= 0);
          assert.equal(z.firstInRange(sr), ranks.length ? ranks[0] : -1);
          assert.equal(z.lastInRange(sr), ranks.length ? ranks[ranks.length - 1] : -1);
          const inL = flatItems.map((m, i) => (geMin(m, lr.min) && leMax(m, lr.max) ? i : -1)).filter((i) => i >= 0);
          assert.equal(flat.firstInLexRange(lr), inL.length ? inL[0] : -1);
          assert.equal(flat.lastInLexRange(lr), inL.length ? inL[inL.length - 1] : -1);
          assert.equal(flat.lexCount(lr), inL.length);
          // The listpack walk gives the same answers when scores are equal.
          flat.big = false;
          assert.equal(flat.firstInLexRange(lr), inL.length ? inL[0] : -1);
          assert.equal(flat.lastInLexRange(lr), inL.length ? inL[inL.length - 1] : -1);
          assert.equal(flat.lexCount(lr), inL.length);
          flat.big = true;
        }
        assert.deepEqual(walk(z.clone(), false), model.items);
      }),
      { numRuns: 300 },
    );
  });
}

test('zset encoding: listpack until 128 members or a 65-byte member, then skiplist for good', () => {
  const z = new ZSet();
  for (let i = 0; i < 128; i++) z.insert(`m${i}`, i);
  assert.equal(z.encoding(), 'listpack');
  z.insert('one-more', 0);
  assert.equal(z.encoding(), 'skiplist');
  z.remove('one-more');
  assert.equal(z.encoding(), 'skiplist');
  const y = new ZSet();
  y.insert('x'.repeat(64), -0);
  assert.equal(y.encoding(), 'listpack');
  assert.ok(Object.is(y.score('x'.repeat(64)), 0), 'a listpack keeps -0 as 0');
  y.insert('x'.repeat(65), -0);
  assert.equal(y.encoding(), 'skiplist');
  assert.ok(Object.is(y.score('x'.repeat(65)), -0), 'a skiplist keeps -0');
  assert.equal(y.clone().encoding(), 'skiplist');
});

test('zset big: many members with default blocks keep ranks right through splits and deletes', () => {
  const z = new ZSet();
  const n = 20000;
  for (let i = 0; i < n; i++) z.insert(`m${(i * 7919) % n}`, (i * 7919) % n);
  z.seq.check();
  assert.ok(z.seq.blocks > 40);
  for (let i = 0; i < n; i += 997) {
    assert.equal(z.rank(`m${i}`), i);
    assert.equal(z.memberAt(i), `m${i}`);
  }
  for (let i = 0; i < n; i += 2) z.remove(`m${i}`);
  z.seq.check();
  for (let i = 1; i < n; i += 1000) assert.equal(z.rank(`m${i}`), (i - 1) / 2);
  assert.equal(z.deleteRangeByRank(100, 8999), 8900);
  z.seq.check();
  assert.equal(z.size, n / 2 - 8900);
  assert.equal(z.memberAt(100), `m${2 * 9000 + 1}`);
  while (z.size > 0) z.pop(z.size % 2 === 0);
  z.seq.check();
  assert.equal(z.seq.blocks, 0);
});

test('ZSCAN slots: members present throughout are all returned despite removals, inserts and rescoring', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 20 }), fc.array(fc.tuple(fc.nat(400), fc.nat(2)), { maxLength: 200 }), (initial, count, churn) => {
      const z = new ZSet();
      for (let i = 0; i < initial; i++) z.insert(`m${i}`, i % 7);
      // Members 0..49 (when present) stay for the whole scan; others come and go.
      const stable = new Set<string>();
      for (let i = 0; i < Math.min(50, initial); i++) stable.add(`m${i}`);
      const seen = new Set<string>();
      let cursor = 0;
      let step = 0;
      do {
        cursor = z.scanSlots(cursor, count, (m) => {
          seen.add(m);
        });
        for (let k = 0; k < 5 && step < churn.length; k++, step++) {
          const [n, what] = churn[step]!;
          const m = `m${50 + n}`;
          if (what === 0) z.remove(m);
          else if (what === 1) z.set(m, n);
          else if (n < 50 && z.score(`m${n}`) !== undefined) z.set(`m${n}`, -n); // rescore a stable one
        }
      } while (cursor !== 0);
      for (const m of stable) assert.ok(seen.has(m), `missed ${m}`);
    }),
    { numRuns: 200 },
  );
});

test('ZSCAN slots: a compaction mid-scan restarts the cursor (duplicates, no misses)', () => {
  const z = new ZSet();
  for (let i = 0; i < 1000; i++) z.insert(`m${i}`, i);
  const seen: string[] = [];
  let cursor = z.scanSlots(0, 100, (m) => seen.push(m));
  assert.notEqual(cursor, 0);
  for (let i = 100; i < 1000; i++) if (i % 10 !== 0) z.remove(`m${i}`); // sparse: compacts
  do cursor = z.scanSlots(cursor, 7, (m) => seen.push(m));
  while (cursor !== 0);
  for (let i = 0; i < 1000; i++) if (i < 100 || i % 10 === 0) assert.ok(seen.includes(`m${i}`), `missed m${i}`);
  assert.ok(seen.length > z.size, 'restarted after compaction, so some members came twice');
  assert.deepEqual([...new Set(seen)].filter((m) => z.score(m) === undefined).length, 0);
});
