// SCAN's guarantee — a key present for the whole iteration is returned at least once, however
// the table grows, shrinks or compacts meanwhile — checked twice: on Db.scan directly with
// fast-check (random interleavings of scan steps, inserts and deletes, including enough deletes
// to compact the slots), and over the wire against a running server with another client
// churning keys between SCAN calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Db } from '../../src/keyspace/db.js';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';
import type { RespConnection } from '../helpers/resp.js';
import { Rng } from '../helpers/differential.js';

type Op = { kind: 'add'; n: number } | { kind: 'del'; n: number } | { kind: 'delMost' } | { kind: 'scan'; count: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 20 }).map((count) => ({ kind: 'scan', count }) as Op) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 400 }).map((n) => ({ kind: 'add', n }) as Op) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 400 }).map((n) => ({ kind: 'del', n }) as Op) },
  { weight: 1, arbitrary: fc.constant({ kind: 'delMost' } as Op) },
);

test('Db.scan: keys present throughout are returned at least once under churn and compaction', () => {
  let compactions = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 3000 }),
      fc.array(opArb, { maxLength: 80 }),
      fc.integer(),
      (stableCount, initialOthers, ops, seed) => {
        const rng = new Rng(seed);
        const db = new Db(0);
        const stable: string[] = [];
        const others = new Set<string>();
        let nextOther = 0;
        const addOthers = (n: number) => {
          for (let i = 0; i < n; i++) {
            const k = `o${nextOther++}`;
            db.set(k, 'v');
            others.add(k);
          }
        };
        // Interleave the stable keys with the others so they sit all over the slot array.
        for (let i = 0; i < stableCount; i++) {
          addOthers(Math.floor(initialOthers / Math.max(1, stableCount)));
          stable.push(`s${i}`);
          db.set(`s${i}`, 'v');
        }
        addOthers(initialOthers % Math.max(1, stableCount));
        const deleteOthers = (n: number) => {
          const list = [...others];
          for (let i = 0; i < n && list.length > 0; i++) {
            const j = rng.int(0, list.length - 1);
            const k = list[j]!;
            list[j] = list[list.length - 1]!;
            list.pop();
            db.delete(k);
            others.delete(k);
          }
        };
        const seen = new Set<string>();
        let cursor = 0;
        let started = false;
        let opIndex = 0;
        // Scan to completion, applying the generated operations between steps; once they run
        // out the table is quiet and the iteration must end.
        for (let steps = 0; steps < 100000; steps++) {
          const op = ops[opIndex++];
          if (op !== undefined && op.kind !== 'scan') {
            if (op.kind === 'add') addOthers(op.n);
            else if (op.kind === 'del') deleteOthers(op.n);
            else deleteOthers(others.size - rng.int(0, 5));
            continue;
          }
          const before = cursor;
          cursor = db.scan(cursor, op?.count ?? 10, (key) => {
            seen.add(key);
          });
          if (cursor >= 2 ** 32 || (started && before >= 2 ** 32)) compactions++;
          started = true;
          if (cursor === 0) break;
        }
        assert.equal(cursor, 0, 'the iteration ends once the table stops changing');
        for (const k of stable) assert.ok(seen.has(k), `stable key ${k} was never returned`);
      },
    ),
    { numRuns: 300 },
  );
  assert.ok(compactions > 0, 'some runs compacted the table while scanning (else the property was not exercised)');
});

test('Db.scan: a quiet table returns every key exactly once', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 1, max: 50 }), (n, deletes, count) => {
      const db = new Db(0);
      for (let i = 0; i < n; i++) db.set(`k${i}`, 'v');
      for (let i = 0; i < Math.min(deletes, n); i += 2) db.delete(`k${i}`);
      const seen: string[] = [];
      let cursor = 0;
      do cursor = db.scan(cursor, count, (k) => seen.push(k));
      while (cursor !== 0);
      assert.equal(seen.length, db.size);
      assert.equal(new Set(seen).size, db.size);
    }),
    { numRuns: 100 },
  );
});

// ----- over the wire -------------------------------------------------------------------------

let server: ServerProcess;
let scanner: RespConnection;
let churner: RespConnection;

before(async () => {
  server = await startKeyraft();
  [scanner, churner] = await Promise.all([server.connect(), server.connect()]);
});
after(async () => {
  scanner?.close();
  churner?.close();
  await server?.stop();
});

async function pipeline(c: RespConnection, cmds: string[][]): Promise<void> {
  await Promise.all(cmds.map((argv) => c.call(...argv)));
}

test('SCAN returns every key present for the whole iteration while another client churns keys', async () => {
  const rng = new Rng(7);
  const stable = Array.from({ length: 400 }, (_, i) => `stable:${i}`);
  let nextOther = 0;
  const others: string[] = [];
  const addOthers = (n: number): string[][] =>
    Array.from({ length: n }, () => {
      const k = `other:${nextOther++}`;
      others.push(k);
      return ['SET', k, 'x'];
    });
  const delOthers = (n: number): string[][] => {
    const cmds: string[][] = [];
    for (let i = 0; i < n && others.length > 0; i++) {
      const j = rng.int(0, others.length - 1);
      cmds.push(['DEL', others[j]!]);
      others[j] = others[others.length - 1]!;
      others.pop();
    }
    return cmds;
  };
  await pipeline(churner, stable.flatMap((k) => [...addOthers(5), ['SET', k, 'v']]));

  let sawCompaction = false;
  for (let round = 0; round < 4; round++) {
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const reply = (await scanner.value('SCAN', cursor, 'COUNT', String(rng.int(5, 40)))) as [string, string[]];
      cursor = reply[0];
      for (const k of reply[1]) seen.add(k);
      if (BigInt(cursor) >= 2n ** 32n) sawCompaction = true;
      calls++;
      // Churn between calls: grow, shrink, and now and then delete nearly all the others so the
      // slot table compacts under the running iteration.
      const r = rng.next();
      if (r < 0.4) await pipeline(churner, addOthers(rng.int(10, 300)));
      else if (r < 0.8) await pipeline(churner, delOthers(rng.int(10, 300)));
      else if (r < 0.85) await pipeline(churner, [...delOthers(others.length), ...addOthers(rng.int(0, 2000))]);
    } while (cursor !== '0' && calls < 20000);
    assert.equal(cursor, '0', 'the iteration finished');
    const missing = stable.filter((k) => !seen.has(k));
    assert.deepEqual(missing, [], `round ${round}: stable keys never returned`);
  }
  assert.ok(sawCompaction, 'the table compacted during an iteration (cursor carried a new epoch)');
});
