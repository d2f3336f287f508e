import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Net } from './harness.js';

test('a node elects itself leader and commits an empty entry of its term', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  assert.deepEqual(net.leaders(), [1]);
  const r1 = net.node(1).raw.raft;
  assert.equal(r1.term, 2);
  for (const id of [2, 3]) {
    const r = net.node(id).raw.raft;
    assert.equal(r.role, 'follower');
    assert.equal(r.lead, 1);
    assert.equal(r.term, 2);
  }
  // The no-op entry of term 2 (after the bootstrap snapshot at 1) is committed and applied everywhere.
  for (const n of net.nodes.values()) {
    assert.equal(n.raw.raft.log.committed, 2);
    assert.equal(n.applied.length, 1);
    assert.equal(n.applied[0]!.term, 2);
  }
});

test('randomized election timeouts differ between nodes and fall in [T, 2T)', () => {
  const net = new Net([1, 2, 3, 4, 5]);
  const firstCampaign = new Map<number, number>();
  for (let t = 1; t <= 40; t++) {
    for (const n of net.nodes.values()) {
      n.raw.tick();
      if (!firstCampaign.has(n.id) && n.raw.raft.role !== 'follower') firstCampaign.set(n.id, t);
      // Keep them from hearing each other so every node campaigns on its own timer.
      while (n.raw.hasReady()) {
        n.raw.ready();
        n.raw.advance();
      }
    }
  }
  const ts = [...firstCampaign.values()];
  assert.equal(ts.length, 5);
  for (const t of ts) assert.ok(t >= 10 && t < 20, `timeout ${t}`);
  assert.ok(new Set(ts).size > 1, 'timeouts should be randomized');
});

test('PreVote: a partitioned node does not inflate its term, and rejoining does not depose the leader', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.isolate(3);
  net.tick(3, 100);
  const r3 = net.node(3).raw.raft;
  assert.equal(r3.term, 2, 'pre-candidate keeps its term');
  assert.equal(r3.role, 'preCandidate');
  net.heal();
  net.tickAll(3);
  assert.deepEqual(net.leaders(), [1]);
  assert.equal(net.node(1).raw.raft.term, 2);
  assert.equal(r3.lead, 1);
});

test('without PreVote a partitioned node bumps its term and disrupts on rejoin', () => {
  const net = new Net([1, 2, 3], { preVote: false, checkQuorum: false });
  net.elect(1);
  net.isolate(3);
  net.tick(3, 100);
  assert.ok(net.node(3).raw.raft.term > 2);
});

test('CheckQuorum: an isolated leader steps down within two election timeouts; the rest elect a new one', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.isolate(1);
  // The first check may still count acks from before the isolation; the second cannot.
  net.tick(1, 19);
  assert.equal(net.node(1).raw.raft.role, 'leader');
  net.tick(1, 1);
  assert.equal(net.node(1).raw.raft.role, 'follower');
  for (let i = 0; i < 60 && net.leaders().length === 0; i++) net.tickAll();
  const leaders = net.leaders().filter((id) => id !== 1);
  assert.equal(leaders.length, 1);
  assert.ok(net.node(leaders[0]!).raw.raft.term >= 3);
});

test('leader lease: followers hearing from a leader ignore vote requests', () => {
  const net = new Net([1, 2, 3], { preVote: false });
  net.elect(1);
  // Node 3 is cut off from the leader only, times out and campaigns at a higher term.
  net.filter = (m) => !((m.from === 1 && m.to === 3) || (m.from === 3 && m.to === 1));
  for (let i = 0; i < 30; i++) {
    net.tick(1);
    net.tick(2);
    net.tick(3);
  }
  assert.equal(net.node(2).raw.raft.lead, 1, 'node 2 stays with the leader');
  assert.equal(net.node(1).raw.raft.role, 'leader');
});

test('one leader per term across many random elections', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const net = new Net([1, 2, 3, 4, 5]);
    const leadersByTerm = new Map<number, number>();
    let x = seed;
    for (let step = 0; step < 300; step++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const down = (x >> 8) % 6; // 0..4 isolates that node, 5 heals
      if (step % 25 === 0) {
        if (down === 5) net.heal();
        else net.isolate(down + 1);
      }
      net.tickAll();
      for (const n of net.nodes.values()) {
        const r = n.raw.raft;
        if (r.role !== 'leader') continue;
        const prev = leadersByTerm.get(r.term);
        assert.ok(prev === undefined || prev === n.id, `two leaders in term ${r.term}`);
        leadersByTerm.set(r.term, n.id);
      }
    }
  }
});
