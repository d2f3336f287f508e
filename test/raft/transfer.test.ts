import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Net, enc } from './harness.js';

test('leadership transfer to an up-to-date follower', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  assert.ok(net.node(1).raw.transferLeadership(2));
  net.settle();
  assert.deepEqual(net.leaders(), [2]);
  assert.equal(net.node(2).raw.raft.term, 3);
});

test('leadership transfer catches a lagging target up first, and proposals are refused meanwhile', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.filter = (m) => m.to !== 3 && m.from !== 3;
  for (let i = 0; i < 10; i++) net.node(1).raw.propose(enc('x' + i));
  net.settle();
  net.heal();
  net.filter = (m) => !(m.to === 3 && m.type === 'app');
  net.node(1).raw.transferLeadership(3);
  net.settle();
  assert.equal(net.node(1).raw.raft.role, 'leader');
  assert.deepEqual(net.node(1).raw.propose(enc('no')), { ok: false, reason: 'transferring', leader: 1 });
  net.heal();
  net.tick(1); // heartbeat → append → caught up → TimeoutNow
  assert.deepEqual(net.leaders(), [3]);
  assert.equal(net.node(3).raw.raft.log.term(net.node(3).raw.raft.log.lastIndex()), net.node(3).raw.raft.term);
});

test('leadership transfer is abandoned after an election timeout if the target is unreachable', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.isolate(3);
  net.node(1).raw.transferLeadership(3);
  assert.equal(net.node(1).raw.raft.leadTransferee, 3);
  net.filter = (m) => m.from !== 3 && m.to !== 3;
  net.tick(1, 10);
  assert.equal(net.node(1).raw.raft.leadTransferee, 0);
  assert.equal(net.node(1).raw.raft.role, 'leader');
  assert.ok(net.node(1).raw.propose(enc('ok')).ok);
});
