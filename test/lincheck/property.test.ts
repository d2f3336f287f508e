// Property tests: the WGL checker agrees with a brute-force oracle on small random histories —
// arbitrary ones, ones recorded from a real sequential execution (always linearizable), and those
// mutated to be (probably) wrong. Also run through the register and "" -initialised kv models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkKvHistory,
  checkOperations,
  casRegisterModel,
  jepsenKvModel,
  type KvOp,
  type Operation,
  type RegisterInput,
  type RegisterOutput,
  type KvInput,
  type KvOutput,
} from '../../src/lincheck/index.js';
import { bruteForceLinearizable } from './brute.js';

const VALUES = ['x', 'y', 'z'];
const RUNS = Number(process.env.LINCHECK_PROPERTY_RUNS ?? 400);

interface Shape {
  kind: KvOp['kind'];
  key: string;
  value: string;
  expected: string | null;
  call: number;
  dur: number;
  lpFrac: number;
  tookEffect: boolean;
  randomOut: string | null | boolean;
}

const shapeArb = (keys: string[], kinds: KvOp['kind'][]): fc.Arbitrary<Shape> =>
  fc.record({
    kind: fc.constantFrom(...kinds),
    key: fc.constantFrom(...keys),
    value: fc.constantFrom(...VALUES),
    expected: fc.constantFrom<string | null>(null, '', 'x', 'y', 'z', 'xy'),
    call: fc.integer({ min: 0, max: 12 }),
    dur: fc.integer({ min: 0, max: 8 }),
    lpFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    tookEffect: fc.boolean(),
    randomOut: fc.constantFrom<string | null | boolean>(null, '', 'x', 'y', 'z', 'xy', 'yx', true, false),
  });

const unknownArb = fc.integer({ min: 0, max: 4 }).map((k) => k === 0);

/** Arbitrary histories: outputs chosen at random (usually not linearizable). */
function randomHistory(shapes: Shape[], unknowns: boolean[]): KvOp[] {
  return shapes.map((s, i) => {
    const op: KvOp = { client: i, kind: s.kind, key: s.key, call: s.call, ret: unknowns[i] ? null : s.call + s.dur };
    if (s.kind !== 'get') op.value = s.value;
    if (s.kind === 'cas') op.expected = s.expected;
    if (op.ret !== null) {
      if (s.kind === 'get') op.output = typeof s.randomOut === 'boolean' ? null : s.randomOut;
      if (s.kind === 'cas') op.output = typeof s.randomOut === 'boolean' ? s.randomOut : s.randomOut === null;
    }
    return op;
  });
}

/** Histories recorded from a sequential execution at linearization points inside each interval. */
function executedHistory(shapes: Shape[], unknowns: boolean[], initial: string | null): KvOp[] {
  const ops = randomHistory(shapes, unknowns);
  const lp = shapes.map((s) => s.call + s.lpFrac * s.dur);
  const order = ops.map((_, i) => i).sort((a, b) => lp[a]! - lp[b]! || a - b);
  const store = new Map<string, string | null>();
  for (const i of order) {
    const op = ops[i]!;
    const s = shapes[i]!;
    if (op.ret === null && !s.tookEffect) continue; // unknown outcome, never happened
    const cur = store.has(op.key) ? store.get(op.key)! : initial;
    switch (op.kind) {
      case 'get':
        if (op.ret !== null) op.output = cur;
        break;
      case 'put':
        store.set(op.key, op.value!);
        break;
      case 'append':
        store.set(op.key, (cur ?? '') + op.value!);
        break;
      case 'cas': {
        const ok = cur === op.expected;
        if (ok) store.set(op.key, op.value!);
        if (op.ret !== null) op.output = ok;
        break;
      }
    }
  }
  return ops;
}

/** One mutation: change an output, flip a cas result, move a time, or mark an op unknown. */
function mutate(ops: KvOp[], which: number, how: number, value: string | null): KvOp[] {
  const out = ops.map((o) => ({ ...o }));
  const op = out[which % out.length]!;
  switch (how) {
    case 0:
      if (op.kind === 'get' && op.ret !== null) op.output = op.output === value ? (value === null ? 'x' : null) : value;
      else if (op.kind === 'cas' && op.ret !== null) op.output = !op.output;
      else if (op.kind !== 'get') op.value = op.value === 'x' ? 'y' : 'x';
      break;
    case 1:
      if (op.ret !== null) op.call = Math.min(op.ret, op.call + 3);
      break;
    case 2:
      if (op.ret !== null) op.ret = Math.max(op.call, op.ret - 3);
      break;
    case 3:
      op.ret = null;
      break;
  }
  return out;
}

const historyArb = (keys: string[], kinds: KvOp['kind'][]) =>
  fc.integer({ min: 1, max: 7 }).chain((n) =>
    fc.tuple(fc.array(shapeArb(keys, kinds), { minLength: n, maxLength: n }), fc.array(unknownArb, { minLength: n, maxLength: n })),
  );

function verdictOf(ops: KvOp[]): boolean {
  const r = checkKvHistory(ops, { timeoutMs: 10_000 });
  assert.notEqual(r.verdict, 'unknown');
  return r.verdict === 'linearizable';
}

test('checkKvHistory agrees with brute force on random histories', () => {
  let yes = 0;
  fc.assert(
    fc.property(historyArb(['a', 'b'], ['get', 'put', 'append', 'cas']), ([shapes, unknowns]) => {
      const ops = randomHistory(shapes, unknowns);
      const expected = bruteForceLinearizable(ops);
      if (expected) yes++;
      assert.equal(verdictOf(ops), expected, JSON.stringify(ops));
    }),
    { numRuns: RUNS },
  );
  if (process.env.LINCHECK_STATS) console.log('random: linearizable', yes, 'of', RUNS);
  assert.ok(yes > 0, 'some random histories should be linearizable');
});

test('histories from a real sequential execution are linearizable (checker and brute force)', () => {
  fc.assert(
    fc.property(historyArb(['a', 'b'], ['get', 'put', 'append', 'cas']), ([shapes, unknowns]) => {
      const ops = executedHistory(shapes, unknowns, null);
      assert.equal(bruteForceLinearizable(ops), true, JSON.stringify(ops));
      assert.equal(verdictOf(ops), true, JSON.stringify(ops));
    }),
    { numRuns: RUNS },
  );
});

test('mutated executions: checker agrees with brute force', () => {
  let no = 0;
  fc.assert(
    fc.property(
      historyArb(['a'], ['get', 'put', 'append', 'cas']),
      fc.nat(),
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom<string | null>(null, 'x', 'y', 'xy', 'z'),
      ([shapes, unknowns], which, how, value) => {
        const ops = mutate(executedHistory(shapes, unknowns, null), which, how, value);
        const expected = bruteForceLinearizable(ops);
        if (!expected) no++;
        assert.equal(verdictOf(ops), expected, JSON.stringify(ops));
      },
    ),
    { numRuns: RUNS },
  );
  if (process.env.LINCHECK_STATS) console.log('mutated: not linearizable', no, 'of', RUNS);
  assert.ok(no > 0, 'some mutations should break linearizability');
});

test('many interchangeable unknown operations: checker agrees with brute force', () => {
  fc.assert(
    fc.property(
      historyArb(['a'], ['get', 'put', 'append', 'cas']),
      fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
      fc.boolean(),
      ([shapes], unknowns, executed) => {
        for (const s of shapes) {
          s.value = 'x';
          if (s.expected !== null) s.expected = 'x';
        }
        const ops = executed ? executedHistory(shapes, unknowns, null) : randomHistory(shapes, unknowns);
        assert.equal(verdictOf(ops), bruteForceLinearizable(ops), JSON.stringify(ops));
      },
    ),
    { numRuns: RUNS },
  );
});

function toRegisterOps(ops: KvOp[]): Operation<RegisterInput, RegisterOutput>[] {
  return ops.map((o) => ({
    client: o.client,
    input:
      o.kind === 'get'
        ? { kind: 'read' }
        : o.kind === 'put'
          ? { kind: 'write', value: o.value! }
          : { kind: 'cas', from: o.expected as string, to: o.value! },
    output: o.output,
    call: o.call,
    ret: o.ret,
  }));
}

test('cas-register model (etcd) agrees with brute force', () => {
  fc.assert(
    fc.property(
      historyArb(['r'], ['get', 'put', 'cas']),
      fc.nat(),
      fc.integer({ min: 0, max: 3 }),
      fc.boolean(),
      ([shapes, unknowns], which, how, doMutate) => {
        // The register's cas compares with a value; never with "absent".
        for (const s of shapes) if (s.expected === null) s.expected = 'x';
        let ops = executedHistory(shapes, unknowns, null);
        if (doMutate) ops = mutate(ops, which, how, 'y');
        const r = checkOperations(casRegisterModel, toRegisterOps(ops), { timeoutMs: 10_000 });
        assert.equal(r.verdict === 'linearizable', bruteForceLinearizable(ops), JSON.stringify(ops));
      },
    ),
    { numRuns: RUNS / 2 },
  );
});

test('jepsen kv model (keys start as "") agrees with brute force', () => {
  fc.assert(
    fc.property(
      historyArb(['k'], ['get', 'put', 'append']),
      fc.nat(),
      fc.integer({ min: 0, max: 3 }),
      fc.boolean(),
      ([shapes, unknowns], which, how, doMutate) => {
        let ops = executedHistory(shapes, unknowns, '');
        if (doMutate) ops = mutate(ops, which, how, '');
        const kvOps: Operation<KvInput, KvOutput>[] = ops.map((o) => ({
          client: o.client,
          input: o.kind === 'get' ? { kind: 'get' } : { kind: o.kind as 'put' | 'append', value: o.value! },
          output: o.output,
          call: o.call,
          ret: o.ret,
        }));
        const r = checkOperations(jepsenKvModel, kvOps, { timeoutMs: 10_000 });
        assert.equal(r.verdict === 'linearizable', bruteForceLinearizable(ops, ''), JSON.stringify(ops));
      },
    ),
    { numRuns: RUNS / 2 },
  );
});

// Larger histories (beyond brute force): more than 32 operations per key exercises multi-word
// bitsets and memo growth. Executions must be linearizable; adding a final read of a value no
// operation ever writes ('w') must make them not linearizable. Times are drawn uniformly from a
// seeded PRNG rather than by fast-check, whose bias towards equal small values piles every
// operation onto one instant; proving a violation is exponential in concurrency and in unknown
// outcomes (limited to 2 here), which is a property of the problem, not something to test.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bigExecution(seed: number): Shape[] {
  const r = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const n = int(33, 90);
  const shapes: Shape[] = [];
  for (let i = 0; i < n; i++) {
    const call = int(0, 400);
    shapes.push({
      kind: pick(['get', 'put', 'append', 'cas'] as const),
      key: 'a',
      value: pick(VALUES),
      expected: pick([null, 'x', 'y', 'xy']),
      call,
      dur: int(0, 25),
      lpFrac: r(),
      tookEffect: r() < 0.5,
      randomOut: null,
    });
  }
  return shapes;
}

test('larger executed histories are linearizable; a final impossible read is caught', () => {
  fc.assert(
    fc.property(fc.integer(), (seed) => {
      const shapes = bigExecution(seed);
      const r0 = mulberry32(seed ^ 0x5bd1e995);
      const unknowns = shapes.map(() => r0() < 0.05);
      const ops = executedHistory(shapes, unknowns, null);
      const r = checkKvHistory(ops, { timeoutMs: 20_000 });
      assert.equal(r.verdict, 'linearizable', JSON.stringify(ops));
      const unknown = ops.filter((o) => o.ret === null).length;
      if (unknown > 2) return;
      const end = Math.max(...ops.map((o) => o.ret ?? o.call)) + 1;
      const bad = checkKvHistory([...ops, { client: 999, kind: 'get', key: 'a', output: 'w', call: end, ret: end + 1 }], { timeoutMs: 20_000 });
      assert.equal(bad.verdict, 'not-linearizable', JSON.stringify(ops));
      // The explanation's prefix is the one with the most definite operations: here all of the
      // original history's, so it stops at the final read. (Seed 373388227 once stopped at
      // another read, 68 of 71: a prefix with an unknown-outcome operation instead of one more
      // definite one won a tie.)
      assert.match(bad.explanation ?? '', /longest linearizable prefix: \d+ of \d+ operations[\s\S]*could not place next:/);
      assert.match(bad.explanation ?? '', /client 999 {2}get -> "w"/);
    }),
    // 373388227: two unknown outcomes; its explanation used to stop at another read (see above).
    { numRuns: 40, endOnFailure: true, examples: [[373388227]] },
  );
});
