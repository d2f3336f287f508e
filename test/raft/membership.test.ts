import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../../src/raft/index.js';
import { Net, appliedData, enc } from './harness.js';

test('add a learner: it catches up without voting, then is promoted to voter', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  for (let i = 0; i < 5; i++) net.node(1).raw.propose(enc('v' + i));
  net.settle();
  net.add(4, new MemoryStorage());
  assert.ok(net.node(1).raw.proposeConfChange({ type: 'addLearner', nodeId: 4 }).ok);
  net.settle();
  net.tickAll(3);
  const r1 = net.node(1).raw.raft;
  assert.ok(r1.learners.has(4));
  assert.equal(r1.voters.size, 3);
  assert.deepEqual(appliedData(net.node(4)), ['v0', 'v1', 'v2', 'v3', 'v4']);
  assert.ok(net.node(4).raw.raft.learners.has(4));
  // A learner never campaigns.
  net.isolate(4);
  net.tick(4, 50);
  assert.equal(net.node(4).raw.raft.role, 'follower');
  net.heal();
  assert.ok(net.node(1).raw.proposeConfChange({ type: 'addVoter', nodeId: 4 }).ok);
  net.settle();
  for (const n of net.nodes.values()) assert.deepEqual(n.raw.raft.confState(), { voters: [1, 2, 3, 4], learners: [] });
});

test('only one configuration change may be pending at a time', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.isolate(1);
  assert.ok(net.node(1).raw.proposeConfChange({ type: 'addLearner', nodeId: 4 }).ok);
  const second = net.node(1).raw.proposeConfChange({ type: 'addLearner', nodeId: 5 });
  assert.deepEqual(second, { ok: false, reason: 'conf-pending', leader: 1 });
  net.heal();
  net.tickAll(2);
  assert.ok(net.node(1).raw.proposeConfChange({ type: 'addLearner', nodeId: 5 }).ok);
});

test('invalid changes are refused', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  assert.equal(net.node(1).raw.proposeConfChange({ type: 'addLearner', nodeId: 2 }).ok, false);
  assert.equal(net.node(1).raw.proposeConfChange({ type: 'removeNode', nodeId: 9 }).ok, false);
});

test('removing a follower shrinks the quorum', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  assert.ok(net.node(1).raw.proposeConfChange({ type: 'removeNode', nodeId: 3 }).ok);
  net.settle();
  net.nodes.delete(3);
  assert.deepEqual(net.node(1).raw.raft.confState().voters, [1, 2]);
  net.isolate(2);
  const r = net.node(1).raw.propose(enc('x'));
  assert.ok(r.ok);
  net.settle();
  assert.ok(net.node(1).raw.raft.log.committed < r.index, 'needs 2 of 2');
  net.heal();
  net.tickAll(1);
  assert.ok(net.node(1).raw.raft.log.committed >= r.index);
});

test('removing the leader itself: it steps down once the change commits; the others elect a leader', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  assert.ok(net.node(1).raw.proposeConfChange({ type: 'removeNode', nodeId: 1 }).ok);
  net.settle();
  assert.equal(net.node(1).raw.raft.role, 'follower');
  assert.deepEqual(net.node(2).raw.raft.confState().voters, [2, 3]);
  // The removed node cannot campaign.
  for (let i = 0; i < 60 && net.leaders().length === 0; i++) net.tickAll();
  const leaders = net.leaders();
  assert.equal(leaders.length, 1);
  assert.notEqual(leaders[0], 1);
  const l = net.node(leaders[0]!);
  assert.ok(l.raw.propose(enc('after')).ok);
  net.settle();
  assert.deepEqual(appliedData(net.node(2)).at(-1), 'after');
});

test('a restarted node replays conf entries from its log to rebuild membership', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.add(4, new MemoryStorage());
  net.node(1).raw.proposeConfChange({ type: 'addLearner', nodeId: 4 });
  net.settle();
  const n2 = net.restart(2);
  assert.deepEqual(n2.raw.raft.confState().learners, [], 'before replay: snapshot membership');
  net.tickAll(2);
  assert.deepEqual(n2.raw.raft.confState().learners, [4]);
});
