// The stream structure (src/types/stream.ts) against a naive model — a sorted array of live
// entries plus Redis's node layout (100 entries per node, tombstones kept) — under fast-check
// random operation sequences: append, get, range in both directions with exclusive bounds and
// COUNT, delete, exact and approximate MAXLEN / MINID trimming with LIMIT. Also the u64 ID
// helpers at the edges of the range, and a timing check on a million entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RedisStream, idCmp, idDecr, idIncr, idStr, parseU64, U64_MAX, type StreamId } from '../../src/types/stream.js';

interface ModelEntry {
  ms: number;
  seq: number;
  deleted: boolean;
}

/** The naive model: nodes of at most 100 appended entries, tombstones kept, as Redis lays them out. */
class Model {
  nodes: ModelEntry[][] = [];
  length = 0;
  append(ms: number, seq: number): void {
    const last = this.nodes[this.nodes.length - 1];
    if (!last || last.length >= 100) this.nodes.push([{ ms, seq, deleted: false }]);
    else last.push({ ms, seq, deleted: false });
    this.length++;
  }
  live(): ModelEntry[] {
    return this.nodes.flat().filter((e) => !e.deleted);
  }
  delete(ms: number, seq: number): boolean {
    for (let n = 0; n < this.nodes.length; n++) {
      const node = this.nodes[n]!;
      const e = node.find((x) => x.ms === ms && x.seq === seq && !x.deleted);
      if (e) {
        e.deleted = true;
        this.length--;
        if (node.every((x) => x.deleted)) this.nodes.splice(n, 1);
        return true;
      }
    }
    return false;
  }
  trim(maxlen: number, minid: StreamId | null, approx: boolean, limit: number): number {
    let deleted = 0;
    while (this.nodes.length > 0) {
      if (minid === null && this.length <= maxlen) break;
      const node = this.nodes[0]!;
      const live = node.filter((e) => !e.deleted).length;
      if (limit && deleted + live > limit) break;
      const lastE = node[node.length - 1]!;
      const remove = minid === null ? this.length - live >= maxlen : idCmp({ ms: lastE.ms, seq: lastE.seq }, minid) < 0;
      if (remove) {
        this.nodes.shift();
        this.length -= live;
        deleted += live;
        continue;
      }
      if (approx) break;
      for (const e of node) {
        if (minid === null ? this.length <= maxlen : idCmp({ ms: e.ms, seq: e.seq }, minid) >= 0) break;
        if (!e.deleted) {
          e.deleted = true;
          this.length--;
          deleted++;
        }
      }
      break;
    }
    return deleted;
  }
}

const key = (e: { ms: number | bigint; seq: number | bigint }): string => `${e.ms}-${e.seq}`;

type Op =
  | { t: 'add'; gap: number; seqGap: number }
  | { t: 'del'; pick: number }
  | { t: 'range'; a: number; b: number; rev: boolean; count: number; exA: boolean; exB: boolean }
  | { t: 'trim'; maxlen: number; minPick: number; byId: boolean; approx: boolean; limit: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ t: fc.constant('add' as const), gap: fc.nat(3), seqGap: fc.nat(2) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('del' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('range' as const), a: fc.nat(), b: fc.nat(), rev: fc.boolean(), count: fc.nat(5), exA: fc.boolean(), exB: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('trim' as const), maxlen: fc.nat(400), minPick: fc.nat(), byId: fc.boolean(), approx: fc.boolean(), limit: fc.oneof(fc.constant(0), fc.nat(250)) }),
  },
);

test('RedisStream matches a naive model under random operations (fast-check)', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof({ weight: 1, arbitrary: fc.constant<Op>({ t: 'add', gap: 1, seqGap: 0 }) }, { weight: 4, arbitrary: opArb }), { minLength: 1, maxLength: 700, size: 'max' }), (ops) => {
      const s = new RedisStream();
      const m = new Model();
      let ms = 1;
      let seq = 0;
      const allIds: StreamId[] = [];
      for (const op of ops) {
        if (op.t === 'add') {
          if (op.gap > 0) {
            ms += op.gap;
            seq = op.seqGap;
          } else seq += 1 + op.seqGap;
          const id = { ms, seq };
          s.append(id, ['f', key(id)]);
          m.append(ms, seq);
          allIds.push(id);
        } else if (op.t === 'del') {
          if (allIds.length === 0) continue;
          const id = allIds[op.pick % allIds.length]!;
          assert.equal(s.delete(id), m.delete(id.ms as number, id.seq as number));
        } else if (op.t === 'range') {
          const pickId = (n: number): StreamId => (allIds.length === 0 ? { ms: n % 7, seq: 0 } : allIds[n % allIds.length]!);
          let start: StreamId | null = pickId(op.a);
          let end: StreamId | null = pickId(op.b);
          if (op.exA) start = idIncr(start);
          if (op.exB) end = idDecr(end);
          if (start === null || end === null) continue;
          const got: string[] = [];
          s.range(start, end, op.rev, op.count, (e) => {
            got.push(key(e.id));
          });
          let want = m
            .live()
            .filter((e) => idCmp(e, start!) >= 0 && idCmp(e, end!) <= 0)
            .map(key);
          if (op.rev) want.reverse();
          if (op.count > 0) want = want.slice(0, op.count);
          assert.deepEqual(got, want);
        } else {
          let minid: StreamId | null = null;
          if (op.byId) minid = allIds.length ? allIds[op.minPick % allIds.length]! : { ms: 0, seq: 0 };
          const limit = op.approx ? op.limit : 0;
          assert.equal(s.trim(op.byId ? -1 : op.maxlen, minid, op.approx, limit), m.trim(op.maxlen, minid, op.approx, limit));
        }
        assert.equal(s.length, m.length);
        assert.equal(s.nodeCount, m.nodes.length);
        const live = m.live();
        const first = s.edgeId(true);
        assert.equal(first === null ? null : key(first), live.length ? key(live[0]!) : null);
        assert.equal(key(s.firstId), live.length ? key(live[0]!) : '0-0');
        if (live.length) assert.equal(s.get(live[live.length - 1]!)!.fields[1], key(live[live.length - 1]!));
      }
      const all: string[] = [];
      s.range({ ms: 0, seq: 0 }, { ms: U64_MAX, seq: U64_MAX }, false, 0, (e) => {
        all.push(key(e.id));
      });
      assert.deepEqual(all, m.live().map(key));
    }),
    { numRuns: 150, seed: 20261121 },
  );
});

test('u64 IDs: parsing, increment and decrement across 2^53 and 2^64 - 1', () => {
  assert.equal(parseU64('18446744073709551615'), U64_MAX);
  assert.equal(parseU64('18446744073709551616'), null);
  assert.equal(parseU64('9007199254740991'), 9007199254740991);
  assert.equal(typeof parseU64('9007199254740992'), 'bigint');
  assert.equal(idStr(idIncr({ ms: 5, seq: 9007199254740991 })!), '5-9007199254740992');
  assert.equal(idStr(idIncr({ ms: 5, seq: U64_MAX })!), '6-0');
  assert.equal(idIncr({ ms: U64_MAX, seq: U64_MAX }), null);
  assert.equal(idStr(idDecr({ ms: 6, seq: 0 })!), '5-18446744073709551615');
  assert.equal(idDecr({ ms: 0, seq: 0 }), null);
  const back = idDecr({ ms: 1, seq: 9007199254740992n });
  assert.equal(back!.seq, 9007199254740991);
  assert.equal(typeof back!.seq, 'number');
  assert.ok(idCmp({ ms: 9007199254740991, seq: 0 }, { ms: 9007199254740992n, seq: 0 }) < 0);
  const s = new RedisStream();
  s.append({ ms: 9007199254740993n, seq: 0 }, ['a', '1']);
  s.append({ ms: 9007199254740993n, seq: U64_MAX }, ['b', '2']);
  s.append({ ms: U64_MAX, seq: 1 }, ['c', '3']);
  const got: string[] = [];
  s.range({ ms: 9007199254740993n, seq: 1 }, { ms: U64_MAX, seq: U64_MAX }, false, 0, (e) => {
    got.push(idStr(e.id));
  });
  assert.deepEqual(got, ['9007199254740993-18446744073709551615', '18446744073709551615-1']);
});

test('a million entries: appends, range reads and trims stay fast', () => {
  const s = new RedisStream();
  const fields = ['f', 'v'];
  let t = performance.now();
  for (let i = 0; i < 1_000_000; i++) s.append({ ms: 1_700_000_000_000 + (i >> 2), seq: i & 3 }, fields);
  const appendMs = performance.now() - t;
  t = performance.now();
  let n = 0;
  for (let i = 0; i < 10_000; i++) {
    const at = (i * 97) % 250_000;
    n += s.range({ ms: 1_700_000_000_000 + at, seq: 0 }, { ms: U64_MAX, seq: U64_MAX }, i % 2 === 1, 100, () => {});
  }
  const rangeMs = performance.now() - t;
  assert.equal(n, 1_000_000);
  t = performance.now();
  let trimmed = 0;
  for (let i = 0; i < 1000; i++) trimmed += s.trim(1_000_000 - (i + 1) * 500, null, i % 2 === 0, 0);
  const trimMs = performance.now() - t;
  assert.equal(s.length, 500_000);
  assert.ok(trimmed >= 499_000);
  // Generous bounds (a loaded 2-core machine): each is ~10x the typical time.
  assert.ok(appendMs < 3000, `1e6 appends took ${appendMs} ms`);
  assert.ok(rangeMs < 2000, `10k range reads of 100 took ${rangeMs} ms`);
  assert.ok(trimMs < 1000, `1000 trims took ${trimMs} ms`);
  console.log(`# 1e6 appends ${appendMs.toFixed(0)} ms; 10k XRANGE-100 ${rangeMs.toFixed(0)} ms; 1000 trims of 500 ${trimMs.toFixed(1)} ms`);
});
