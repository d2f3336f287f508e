import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Net, enc } from './harness.js';

test('ReadIndex on the leader is served at the commit index after one heartbeat round, without a log write', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.node(1).raw.propose(enc('a'));
  net.settle();
  const last = net.node(1).raw.raft.log.lastIndex();
  net.node(1).raw.readIndex('r1');
  net.settle();
  assert.deepEqual(net.node(1).reads, [{ index: 3, context: 'r1' }]);
  assert.equal(net.node(1).raw.raft.log.lastIndex(), last, 'no entry was appended');
});

test('ReadIndex batching: one heartbeat round confirms many pending reads', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.delivered = [];
  // The first read starts a round; the 99 others queue behind it and share the next round.
  for (let i = 0; i < 100; i++) net.node(1).raw.readIndex('r' + i);
  net.settle();
  assert.equal(net.node(1).reads.length, 100);
  const hbs = net.delivered.filter((m) => m.type === 'heartbeat');
  assert.ok(hbs.length <= 4, `${hbs.length} heartbeats for 100 reads`);
});

test('ReadIndex from a follower is forwarded and answered with the leader commit index', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.node(1).raw.propose(enc('x'));
  net.settle();
  net.node(2).raw.readIndex('f1');
  net.settle();
  assert.deepEqual(net.node(2).reads, [{ index: 3, context: 'f1' }]);
});

test('a partitioned leader cannot confirm reads; they fail when it steps down', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.isolate(1);
  net.node(1).raw.readIndex('stale');
  net.settle();
  assert.deepEqual(net.node(1).reads, []);
  net.tick(1, 20); // CheckQuorum deposes it
  assert.equal(net.node(1).raw.raft.role, 'follower');
  assert.deepEqual(net.node(1).failedReads, ['stale']);
});

test('a new leader serves no read before committing an entry of its term', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.node(1).raw.propose(enc('a'));
  net.settle();
  // Node 2 wins term 2, but its empty entry cannot be replicated yet: only votes and heartbeats pass.
  net.filter = (m) => m.from !== 1 && m.to !== 1 && m.type !== 'app' && m.type !== 'appResp';
  let lead = 0;
  for (let i = 0; i < 100 && lead === 0; i++) {
    net.tick(2);
    net.tick(3);
    lead = net.leaders().find((id) => id !== 1) ?? 0;
  }
  assert.ok(lead !== 0);
  const nl = net.node(lead);
  assert.equal(nl.raw.raft.term, 3);
  nl.raw.readIndex('early');
  net.tick(lead, 3);
  assert.equal(nl.reads.length, 0, 'read waits for a commit in the new term');
  net.filter = (m) => m.from !== 1 && m.to !== 1;
  net.tick(lead, 2);
  assert.equal(nl.reads.length, 1);
  assert.equal(nl.reads[0]!.index, nl.raw.raft.log.committed);
  assert.equal(nl.raw.raft.log.term(nl.reads[0]!.index), 3);
});

test('a follower without a leader fails the read at once', () => {
  const net = new Net([1, 2, 3]);
  net.node(2).raw.readIndex('nobody');
  net.settle();
  assert.deepEqual(net.node(2).failedReads, ['nobody']);
});
