import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Entry } from '../../src/raft/index.js';
import { Net, enc } from './harness.js';

// A second, independent harness for safety: fast-check drives a 3- or 5-node group on the
// synchronous test network with random ticks, proposals, reads, isolations, message loss, crashes
// (losing unpersisted state) and transfers; after every action the core safety properties hold.
type Action =
  | { a: 'tick'; node: number; n: number }
  | { a: 'tickAll'; n: number }
  | { a: 'propose'; node: number }
  | { a: 'isolate'; node: number }
  | { a: 'lossy'; pct: number }
  | { a: 'heal' }
  | { a: 'restart'; node: number }
  | { a: 'transfer'; to: number };

const action = (nodes: number): fc.Arbitrary<Action> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ a: fc.constant('tick' as const), node: fc.integer({ min: 1, max: nodes }), n: fc.integer({ min: 1, max: 12 }) }) },
    { weight: 4, arbitrary: fc.record({ a: fc.constant('tickAll' as const), n: fc.integer({ min: 1, max: 5 }) }) },
    { weight: 5, arbitrary: fc.record({ a: fc.constant('propose' as const), node: fc.integer({ min: 1, max: nodes }) }) },
    { weight: 1, arbitrary: fc.record({ a: fc.constant('isolate' as const), node: fc.integer({ min: 1, max: nodes }) }) },
    { weight: 1, arbitrary: fc.record({ a: fc.constant('lossy' as const), pct: fc.integer({ min: 10, max: 60 }) }) },
    { weight: 1, arbitrary: fc.record({ a: fc.constant('heal' as const) }) },
    { weight: 1, arbitrary: fc.record({ a: fc.constant('restart' as const), node: fc.integer({ min: 1, max: nodes }) }) },
    { weight: 1, arbitrary: fc.record({ a: fc.constant('transfer' as const), to: fc.integer({ min: 1, max: nodes }) }) },
  );

export function runScenario(nodes: number, actions: Action[]): void {
  const ids = Array.from({ length: nodes }, (_, i) => i + 1);
  const net = new Net(ids);
  let lossCounter = 0;
  const leaderOfTerm = new Map<number, number>();
  const applied = new Map<number, Entry>();
  const seen = new Map<number, number>(); // node → entries of `applied` already checked
  let seq = 0;
  const check = (): void => {
    for (const n of net.nodes.values()) {
      const r = n.raw.raft;
      if (r.role === 'leader') {
        const prev = leaderOfTerm.get(r.term);
        assert.ok(prev === undefined || prev === n.id, `two leaders in term ${r.term}`);
        leaderOfTerm.set(r.term, n.id);
      }
      for (let k = seen.get(n.id) ?? 0; k < n.applied.length; k++) {
        const e = n.applied[k]!;
        const prev = applied.get(e.index);
        if (prev === undefined) applied.set(e.index, e);
        else assert.ok(prev.term === e.term && prev.data === e.data, `nodes applied different entries at ${e.index}`);
      }
      seen.set(n.id, n.applied.length);
    }
  };
  for (const act of actions) {
    switch (act.a) {
      case 'tick':
        net.tick(act.node, act.n);
        break;
      case 'tickAll':
        net.tickAll(act.n);
        break;
      case 'propose':
        net.node(act.node).raw.propose(enc('p' + seq++));
        net.settle();
        break;
      case 'isolate':
        net.isolate(act.node);
        break;
      case 'lossy':
        net.filter = () => ++lossCounter % 100 >= act.pct;
        break;
      case 'heal':
        net.heal();
        break;
      case 'restart': {
        // Everything persisted survives; the node re-applies from its snapshot.
        seen.set(act.node, 0);
        net.restart(act.node);
        break;
      }
      case 'transfer': {
        const l = net.leaders()[0];
        if (l !== undefined) net.node(l).raw.transferLeadership(act.to);
        net.settle();
        break;
      }
    }
    check();
  }
  // Liveness once healed: within a bounded number of ticks a leader emerges and a proposal
  // commits everywhere (leaders may first step down via CheckQuorum, transfers may time out).
  net.heal();
  const describe = (): string =>
    JSON.stringify([...net.nodes.values()].map((n) => {
      const st = n.raw.status();
      return { id: n.id, role: st.role, term: st.term, lead: st.lead, last: st.lastIndex, commit: st.commit };
    }));
  let done = false;
  for (let i = 0; i < 300 && !done; i++) {
    net.tickAll();
    const maxTerm = Math.max(...[...net.nodes.values()].map((n) => n.raw.raft.term));
    const l = net.leaders().find((id) => net.node(id).raw.raft.term === maxTerm);
    if (l === undefined) continue;
    const r = net.node(l).raw.propose(enc('final' + i));
    if (!r.ok) continue;
    net.tickAll(2);
    done = [...net.nodes.values()].every((n) => n.raw.raft.log.committed >= r.index && n.raw.raft.log.term(r.index) === r.term);
  }
  assert.ok(done, `no commit everywhere within 300 ticks of healing: ${describe()}`);
  check();
}

test('random schedules on 3 nodes keep Election Safety and State Machine Safety, and recover', () => {
  fc.assert(fc.property(fc.array(action(3), { minLength: 10, maxLength: 80 }), (acts) => runScenario(3, acts)), { numRuns: 300, seed: 7 });
});

test('random schedules on 5 nodes keep Election Safety and State Machine Safety, and recover', () => {
  fc.assert(fc.property(fc.array(action(5), { minLength: 10, maxLength: 80 }), (acts) => runScenario(5, acts)), { numRuns: 150, seed: 11 });
});
