// Property tests of types/set.ts and types/slot-table.ts against a naive model (a JS Set):
// random interleavings of add, remove, pop, random pick, sampling and scan steps, through both
// the ordered (intset) and unordered (hashtable) modes and enough removals to compact the slots.
// Checks membership and size after every step, intset numeric order, the encoding rule, that
// SSCAN-style iteration returns every member present throughout, and that random picks reach
// every member with a plausible distribution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RedisSet, SET_MAX_INTSET_ENTRIES } from '../../src/types/set.js';
import { Random } from '../../src/util/random.js';

type Op =
  | { kind: 'add'; m: string }
  | { kind: 'addMany'; base: number; n: number; ints: boolean }
  | { kind: 'rem'; m: string }
  | { kind: 'remMost' }
  | { kind: 'pop' }
  | { kind: 'sample'; count: number }
  | { kind: 'clone' };

const memberArb = fc.oneof(fc.integer({ min: -50, max: 50 }).map(String), fc.constantFrom('a', 'b', '', '01', '-0', 'x\x00y', '\xff'));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: memberArb.map((m) => ({ kind: 'add', m }) as Op) },
  { weight: 2, arbitrary: fc.record({ base: fc.integer({ min: 0, max: 1000 }), n: fc.integer({ min: 1, max: 300 }), ints: fc.boolean() }).map((r) => ({ kind: 'addMany', ...r }) as Op) },
  { weight: 4, arbitrary: memberArb.map((m) => ({ kind: 'rem', m }) as Op) },
  { weight: 1, arbitrary: fc.constant({ kind: 'remMost' } as Op) },
  { weight: 3, arbitrary: fc.constant({ kind: 'pop' } as Op) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 50 }).map((count) => ({ kind: 'sample', count }) as Op) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clone' } as Op) },
);

function isInt(m: string): boolean {
  return /^(0|-?[1-9][0-9]*)$/.test(m);
}

test('RedisSet behaves like a Set, keeps intset order and encoding rules', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 60 }), fc.integer(), (ops, seed) => {
      const rnd = new Random(seed);
      const random = () => rnd.next();
      let set: RedisSet | undefined;
      const model = new Set<string>();
      let intset = true;
      const add = (m: string) => {
        if (set === undefined) {
          set = new RedisSet(m);
          intset = isInt(m);
        }
        const wasNew = !model.has(m);
        if (wasNew && (!isInt(m) || model.size >= SET_MAX_INTSET_ENTRIES)) intset = false;
        model.add(m);
        assert.equal(set.add(m), wasNew);
      };
      for (const op of ops) {
        switch (op.kind) {
          case 'add':
            add(op.m);
            break;
          case 'addMany':
            for (let i = 0; i < op.n; i++) add(op.ints ? String(op.base + i) : `m${op.base + i}`);
            break;
          case 'rem':
            assert.equal(set?.remove(op.m) ?? false, model.delete(op.m));
            break;
          case 'remMost':
            for (const m of [...model].slice(0, Math.floor((model.size * 9) / 10))) {
              assert.ok(set!.remove(m));
              model.delete(m);
            }
            break;
          case 'pop':
            if (model.size > 0) {
              const m = set!.pop(random);
              assert.ok(model.delete(m), `popped ${m} not in model`);
            }
            break;
          case 'sample':
            if (set !== undefined && op.count < model.size) {
              const picked = set.sampleDistinct(op.count, random);
              assert.equal(picked.length, op.count);
              assert.equal(new Set(picked).size, op.count);
              for (const m of picked) assert.ok(model.has(m));
            }
            break;
          case 'clone':
            if (set !== undefined) {
              const c = set.clone();
              c.add('clone-only');
              assert.equal(set.has('clone-only'), model.has('clone-only'));
              set = set.clone();
            }
            break;
        }
        if (set === undefined) continue;
        assert.equal(set.size, model.size);
        assert.equal(set.encoding(), intset ? 'intset' : 'hashtable');
        const members = set.members();
        assert.deepEqual([...members].sort(), [...model].sort());
        if (intset) {
          const sorted = [...members].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
          assert.deepEqual(members, sorted);
        }
        for (const m of model) assert.ok(set.has(m));
        if (model.size > 0) assert.ok(model.has(set.random(random)));
      }
    }),
    { numRuns: 200 },
  );
});

test('scan steps return every member present for the whole iteration, through churn and compaction', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 2000 }),
      fc.array(fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: -300, max: -1 }), fc.constant(0)), { maxLength: 40 }),
      fc.integer(),
      (stableCount, others, churn, seed) => {
        const rnd = new Random(seed);
        const set = new RedisSet('not-an-int');
        set.add('not-an-int');
        const stable: string[] = [];
        let next = 0;
        const other = new Set<string>();
        for (let i = 0; i < others; i++) {
          const m = `o${next++}`;
          set.add(m);
          other.add(m);
          if (stableCount > 0 && i % Math.max(1, Math.floor(others / stableCount)) === 0 && stable.length < stableCount) {
            stable.push(`s${i}`);
            set.add(`s${i}`);
          }
        }
        const seen = new Set<string>();
        let cursor = 0;
        let steps = 0;
        do {
          cursor = set.scan(cursor, 1 + (steps % 13), (m) => seen.add(m));
          // Churn for the first steps only, so the iteration is bound to finish.
          const c = steps < churn.length ? churn[steps]! : 0;
          if (c > 0) {
            for (let i = 0; i < c; i++) {
              const m = `o${next++}`;
              set.add(m);
              other.add(m);
            }
          } else if (c < 0) {
            // Remove many others (enough to force compactions).
            let n = -c * 4;
            for (const m of other) {
              if (n-- <= 0) break;
              set.remove(m);
              other.delete(m);
            }
          }
          steps++;
          assert.ok(steps < 20000, 'scan does not terminate');
        } while (cursor !== 0);
        for (const m of stable) assert.ok(seen.has(m), `stable member ${m} missed`);
        // Random picks stay O(1) on a sparse table: a pick always lands on a member.
        if (set.size > 0) for (let i = 0; i < 20; i++) assert.ok(set.has(set.random(() => rnd.next())));
      },
    ),
    { numRuns: 150 },
  );
});

test('random picks reach every member with a plausible distribution (intset and hashtable, after removals)', () => {
  for (const ints of [true, false]) {
    const set = new RedisSet(ints ? '0' : 'm0');
    for (let i = 0; i < 300; i++) set.add(ints ? String(i) : `m${i}`);
    // Removals leave holes in a hashtable; the intset splices.
    for (let i = 0; i < 300; i += 3) set.remove(ints ? String(i) : `m${i}`);
    const n = set.size;
    assert.equal(n, 200);
    const rnd = new Random(ints ? 7 : 8);
    const counts = new Map<string, number>();
    const draws = n * 200;
    for (let i = 0; i < draws; i++) {
      const m = set.random(() => rnd.next());
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    assert.equal(counts.size, n, 'every member reachable');
    for (const [m, c] of counts) assert.ok(c > 100 && c < 320, `member ${m} drawn ${c} times of ~200`);
    // Distinct samples: every member reachable too.
    const sampled = new Set<string>();
    for (let i = 0; i < 1200; i++) for (const m of set.sampleDistinct(5, () => rnd.next())) sampled.add(m);
    assert.equal(sampled.size, n);
    // Popping everything returns each member once.
    const popped = new Set<string>();
    while (set.size > 0) popped.add(set.pop(() => rnd.next()));
    assert.equal(popped.size, n);
  }
});
