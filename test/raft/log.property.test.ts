import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Entry, MemoryStorage, RaftLog } from '../../src/raft/index.js';

// RaftLog over MemoryStorage against a naive model (one array of terms) under random appends
// (with truncation), persists (stableTo) and compactions.
type Op = { kind: 'append'; at: number; n: number; term: number } | { kind: 'persist' } | { kind: 'commit'; upTo: number } | { kind: 'compact'; upTo: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), at: fc.nat(40), n: fc.integer({ min: 1, max: 5 }), term: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('persist' as const) }),
  fc.record({ kind: fc.constant('commit' as const), upTo: fc.nat(40) }),
  fc.record({ kind: fc.constant('compact' as const), upTo: fc.nat(40) }),
);

test('RaftLog matches a naive model under appends, truncations, persists and compaction', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
      const storage = new MemoryStorage();
      const log = new RaftLog(storage, 0);
      const model: number[] = [0]; // model[i] = term of entry i (index 0 = dummy)
      let maxTerm = 1;
      for (const op of ops) {
        if (op.kind === 'append') {
          const at = Math.max(log.committed + 1, Math.min(op.at, log.lastIndex() + 1), log.firstIndex());
          // Terms in a log never decrease: use at least the term before `at`.
          const term = Math.max(op.term, model[at - 1] ?? 0, maxTerm);
          maxTerm = term;
          const ents: Entry[] = [];
          for (let k = 0; k < op.n; k++) ents.push({ term, index: at + k, type: 'normal', data: new Uint8Array([k]) });
          log.append(ents);
          model.length = at;
          for (const e of ents) model.push(e.term);
        } else if (op.kind === 'persist') {
          const ents = log.unstableEntries.slice();
          storage.append(ents);
          const last = ents.at(-1);
          if (last !== undefined) log.stableTo(last.index, last.term);
        } else if (op.kind === 'commit') {
          log.commitTo(Math.min(op.upTo, log.lastStableIndex(), log.lastIndex()));
        } else {
          const upTo = Math.min(op.upTo, log.committed, storage.lastIndex());
          if (upTo > storage.firstIndex()) storage.createSnapshot(upTo, { voters: [1], learners: [] }, new Uint8Array(0));
        }
        assert.equal(log.lastIndex(), model.length - 1);
        for (let i = log.firstIndex() - 1; i <= log.lastIndex(); i++) assert.equal(log.term(i), model[i], `term(${i})`);
        assert.equal(log.term(log.lastIndex() + 1), 0);
        if (log.lastIndex() >= log.firstIndex()) {
          const all = log.slice(log.firstIndex(), log.lastIndex() + 1, Infinity)!;
          assert.deepEqual(all.map((e) => e.term), model.slice(log.firstIndex()));
          assert.deepEqual(all.map((e) => e.index), model.map((_, i) => i).slice(log.firstIndex()));
        }
        // findConflictByTerm returns an index whose term is <= the asked term (or the compaction floor).
        const probe = log.findConflictByTerm(log.lastIndex(), 3);
        assert.ok(probe === log.firstIndex() - 1 || log.term(probe) <= 3);
      }
    }),
    { numRuns: 300, seed: 42 },
  );
});
