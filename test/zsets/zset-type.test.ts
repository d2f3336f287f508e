// The sorted-set structure (src/types/zset.ts over src/types/skiplist.ts) against a naive model —
// an array kept sorted by (score, member bytes) — with fast-check: random adds, score updates,
// removals, range deletions and pops, checking after each step rank, element-at-rank, ranges by
// rank, score (exclusive bounds, inf) and lex (exclusive bounds, -/+), and the skiplist's own
// invariants (spans add up, backward links mirror forward links, order is strict).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ZSet } from '../../src/types/zset.js';
import type { LexBound, LexRange, ScoreRange, SkipNode } from '../../src/types/skiplist.js';

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

function walk(from: SkipNode | null, dir: 'fwd' | 'back'): Entry[] {
  const out: Entry[] = [];
  for (let n = from; n !== null; n = dir === 'fwd' ? n.next[0]! : n.backward) out.push([n.member, n.score]);
  return out;
}

function checkInvariants(z: ZSet, model: Model): void {
  const zsl = z.zsl;
  assert.equal(zsl.length, model.items.length);
  assert.equal(z.size, model.items.length);
  assert.deepEqual(walk(zsl.first(), 'fwd'), model.items);
  assert.deepEqual(walk(zsl.tail, 'back'), [...model.items].reverse());
  // Every level's spans add up to the level-0 distance it skips.
  for (let lvl = 0; lvl < zsl.level; lvl++) {
    let pos = 0;
    let x: SkipNode = zsl.header;
    while (x.next[lvl] !== null && x.next[lvl] !== undefined) {
      const nx = x.next[lvl]!;
      pos += x.span[lvl]!;
      assert.equal(nx, zsl.getByRank(pos), `span at level ${lvl}`);
      x = nx;
    }
  }
  for (const [m, s] of model.items) assert.equal(z.score(m), s);
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

/** Ops over the given score generator (a constant one exercises lex ranges, which assume equal scores). */
function ops(scoreArb: fc.Arbitrary<number>): fc.Arbitrary<Op[]> {
  const o: fc.Arbitrary<Op> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ op: fc.constant<'set'>('set'), m: member, s: scoreArb }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant<'remove'>('remove'), m: member }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant<'delScore'>('delScore'), r: scoreRange }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant<'delLex'>('delLex'), r: fc.record({ min: lexBound, max: lexBound }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant<'delRank'>('delRank'), a: fc.integer({ min: 1, max: 12 }), b: fc.integer({ min: 1, max: 12 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant<'pop'>('pop'), max: fc.boolean() }) },
  );
  return fc.array(o, { maxLength: 120 });
}

type Op =
  | { op: 'set'; m: string; s: number }
  | { op: 'remove'; m: string }
  | { op: 'delScore'; r: ScoreRange }
  | { op: 'delLex'; r: LexRange }
  | { op: 'delRank'; a: number; b: number }
  | { op: 'pop'; max: boolean };


for (const [name, scoreArb] of [
  ['mixed scores', score],
  ['equal scores (lex ranges)', fc.constant(0)],
] as const) test(`zset structure matches a sorted-array model: ${name}`, () => {
  fc.assert(
    fc.property(ops(scoreArb), fc.array(fc.tuple(scoreRange, fc.record({ min: lexBound, max: lexBound })), { minLength: 3, maxLength: 3 }), (ops, queries) => {
      const z = new ZSet();
      z.big = true; // keep -0 as is (the listpack -0 → 0 rule is tested over the wire)
      const model = new Model();
      for (const o of ops) {
        if (o.op === 'set') {
          assert.equal(z.set(o.m, o.s), model.find(o.m) < 0);
          model.set(o.m, o.s);
        } else if (o.op === 'remove') {
          assert.equal(z.remove(o.m), model.remove(o.m));
        } else if (o.op === 'delScore') {
          const gone: string[] = [];
          z.zsl.deleteRangeByScore(o.r, (n) => {
            z.dict.delete(n.member);
            gone.push(n.member);
          });
          const expect = model.items.filter((e) => inScore(e[1], o.r));
          assert.deepEqual(gone, expect.map((e) => e[0]));
          model.items = model.items.filter((e) => !inScore(e[1], o.r));
        } else if (o.op === 'delLex') {
          // Lex ranges are defined only when every score is equal (as in Redis).
          if (model.items.some((e) => e[1] !== model.items[0]![1])) continue;
          const gone: string[] = [];
          z.zsl.deleteRangeByLex(o.r, (n) => {
            z.dict.delete(n.member);
            gone.push(n.member);
          });
          const start = model.items.findIndex((e) => geMin(e[0], o.r.min));
          const expect: string[] = [];
          if (start >= 0) for (let i = start; i < model.items.length && leMax(model.items[i]![0], o.r.max); i++) expect.push(model.items[i]![0]);
          assert.deepEqual(gone, expect);
          model.items = model.items.filter((e) => !expect.includes(e[0]));
        } else if (o.op === 'delRank') {
          const a = Math.min(o.a, o.b);
          const b = Math.max(o.a, o.b);
          const gone: string[] = [];
          if (a <= z.size) {
            z.zsl.deleteRangeByRank(a, b, (n) => {
              z.dict.delete(n.member);
              gone.push(n.member);
            });
          }
          assert.deepEqual(gone, model.items.slice(a - 1, b).map((e) => e[0]));
          model.items.splice(a - 1, b - a + 1);
        } else {
          const n = o.max ? z.last() : z.first();
          const e = o.max ? model.items.pop() : model.items.shift();
          assert.deepEqual(n === null ? undefined : [n.member, n.score], e);
          if (n !== null) z.removeNode(n);
        }
        checkInvariants(z, model);
      }
      // Ranks and element-at-rank.
      model.items.forEach(([m], i) => {
        assert.equal(z.rank(m), i);
        assert.equal(z.rank(m, true), model.items.length - 1 - i);
        assert.equal(z.byRank(i)!.member, m);
      });
      assert.equal(z.rank('nope-not-a-member'), -1);
      assert.equal(z.byRank(model.items.length), null);
      // Range searches (lex over an all-equal-score copy, as lex commands assume).
      const flat = new ZSet();
      for (const [m] of model.items) flat.insert(m, 0);
      const flatItems = [...model.items.map((e) => e[0])].sort();
      for (const [sr, lr] of queries) {
        const inR = model.items.filter((e) => inScore(e[1], sr));
        const first = z.zsl.firstInRange(sr);
        const last = z.zsl.lastInRange(sr);
        assert.deepEqual(first && [first.member, first.score], inR[0] ?? null);
        assert.deepEqual(last && [last.member, last.score], inR[inR.length - 1] ?? null);
        const inL = flatItems.filter((m) => geMin(m, lr.min) && leMax(m, lr.max));
        assert.equal(flat.zsl.firstInLexRange(lr)?.member ?? null, inL[0] ?? null);
        assert.equal(flat.zsl.lastInLexRange(lr)?.member ?? null, inL[inL.length - 1] ?? null);
      }
      const copy = z.clone();
      assert.deepEqual(walk(copy.first(), 'fwd'), model.items);
    }),
    { numRuns: 300 },
  );
});

test('zset encoding: listpack until 128 members or a 65-byte member, then skiplist for good', () => {
  const z = new ZSet();
  for (let i = 0; i < 128; i++) z.insert(`m${i}`, i);
  assert.equal(z.encoding(), 'listpack');
  z.insert('one-more', 0);
  assert.equal(z.encoding(), 'skiplist');
  z.remove('one-more');
  assert.equal(z.encoding(), 'skiplist');
  const y = new ZSet();
  y.insert('x'.repeat(64), 1);
  assert.equal(y.encoding(), 'listpack');
  y.insert('x'.repeat(65), 1);
  assert.equal(y.encoding(), 'skiplist');
  assert.equal(y.clone().encoding(), 'skiplist');
});

test('zset big: many members keep ranks right', () => {
  const z = new ZSet();
  const n = 20000;
  for (let i = 0; i < n; i++) z.insert(`m${(i * 7919) % n}`, (i * 7919) % n);
  for (let i = 0; i < n; i += 997) {
    assert.equal(z.rank(`m${i}`), i);
    assert.equal(z.byRank(i)!.member, `m${i}`);
  }
  for (let i = 0; i < n; i += 2) z.remove(`m${i}`);
  for (let i = 1; i < n; i += 1000) assert.equal(z.rank(`m${i}`), (i - 1) / 2);
});
