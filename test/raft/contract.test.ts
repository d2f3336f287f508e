import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inflights, MemoryStorage, Progress, RawNode, defaultConfig, makeMessage } from '../../src/raft/index.js';
import { Net, enc, seededRandom } from './harness.js';

test('Ready: votes and acks wait for persistence; leader traffic may leave at once', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  const afterPersist = new Set<string>();
  const immediate = new Set<string>();
  // Inspect one round of Readys by hand.
  net.node(1).raw.propose(enc('x'));
  for (const n of net.nodes.values()) {
    if (!n.raw.hasReady()) continue;
    const rd = n.raw.ready();
    for (const m of rd.messages) immediate.add(m.type);
    for (const m of rd.messagesAfterPersist) afterPersist.add(m.type);
    n.storage.append(rd.entries);
    if (rd.hardState) n.storage.setHardState(rd.hardState);
    for (const m of [...rd.messages, ...rd.messagesAfterPersist]) net.queue.push(m);
    n.raw.advance();
  }
  for (const m of net.queue.splice(0)) net.node(m.to).raw.step(m);
  for (const n of net.nodes.values()) {
    if (!n.raw.hasReady()) continue;
    const rd = n.raw.ready();
    for (const m of rd.messages) immediate.add(m.type);
    for (const m of rd.messagesAfterPersist) afterPersist.add(m.type);
  }
  assert.ok(immediate.has('app'));
  assert.ok(afterPersist.has('appResp'));
  for (const t of immediate) assert.ok(['app', 'heartbeat', 'snap', 'timeoutNow', 'readIndex'].includes(t), t);
});

test('Ready: the leader does not count its own unpersisted entry towards commit', () => {
  const storage = MemoryStorage.bootstrap({ voters: [1], learners: [] });
  const node = new RawNode(defaultConfig(1, seededRandom(1)), storage);
  for (let i = 0; i < 30 && node.raft.role !== 'leader'; i++) {
    node.tick();
    while (node.hasReady()) {
      const rd = node.ready();
      storage.append(rd.entries);
      if (rd.hardState) storage.setHardState(rd.hardState);
      node.advance();
    }
  }
  assert.equal(node.raft.role, 'leader');
  const r = node.propose(enc('solo'));
  assert.ok(r.ok);
  const rd = node.ready();
  assert.equal(rd.entries.length, 1);
  assert.equal(rd.committedEntries.length, 0, 'not committed before it is durable');
  storage.append(rd.entries);
  node.advance();
  const rd2 = node.ready();
  assert.deepEqual(rd2.committedEntries.map((e) => e.index), [r.index]);
  assert.equal(rd2.hardState?.commit, r.index);
});

test('a persisted vote survives a restart: no second vote in the same term', () => {
  const net = new Net([1, 2, 3], { preVote: false, checkQuorum: false });
  const vote = makeMessage('vote', 1, 3, 5);
  vote.index = 1;
  vote.logTerm = 1;
  net.node(3).raw.step(vote);
  const rd = net.node(3).raw.ready();
  assert.deepEqual(rd.hardState, { term: 5, vote: 1, commit: 1 });
  assert.equal(rd.messagesAfterPersist[0]!.type, 'voteResp');
  net.node(3).storage.setHardState(rd.hardState!);
  net.node(3).raw.advance();
  const n3 = net.restart(3);
  const other = makeMessage('vote', 2, 3, 5);
  other.index = 1;
  other.logTerm = 1;
  n3.raw.step(other);
  const rd2 = n3.raw.ready();
  const resp = rd2.messagesAfterPersist.find((m) => m.type === 'voteResp')!;
  assert.equal(resp.reject, true);
});

test('an unpersisted vote is forgotten by a crash — and was never sent', () => {
  const net = new Net([1, 2, 3], { preVote: false, checkQuorum: false });
  const vote = makeMessage('vote', 1, 3, 5);
  vote.index = 1;
  vote.logTerm = 1;
  net.node(3).raw.step(vote);
  const rd = net.node(3).raw.ready();
  assert.equal(rd.messages.length, 0, 'the grant is only in messagesAfterPersist');
  const n3 = net.restart(3); // crash before persisting
  assert.equal(n3.raw.raft.term, 1);
  assert.equal(n3.raw.raft.vote, 0);
});

test('learners do not count towards quorum', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.add(4, new MemoryStorage());
  net.node(1).raw.proposeConfChange({ type: 'addLearner', nodeId: 4 });
  net.settle();
  net.tickAll(3);
  // With voters 2 and 3 unreachable, leader + learner are not a majority.
  net.filter = (m) => ![2, 3].includes(m.to) && ![2, 3].includes(m.from);
  const r = net.node(1).raw.propose(enc('needs-voters'));
  assert.ok(r.ok);
  net.tick(1, 3);
  assert.ok(net.node(1).raw.raft.log.committed < r.index);
  assert.equal(net.node(4).raw.raft.log.lastIndex(), r.index, 'the learner has it');
});

test('forwarded reads fail back to the follower when the leader steps down', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  // The leader hears the read but no heartbeat reply: the round never completes.
  net.filter = (m) => m.type !== 'heartbeatResp';
  net.node(2).raw.readIndex('fwd');
  net.settle();
  assert.deepEqual(net.node(2).reads, []);
  net.filter = (m) => m.type !== 'heartbeatResp' && m.type !== 'appResp';
  net.tick(1, 20); // CheckQuorum: no acks at all → steps down and fails the read
  net.settle();
  assert.equal(net.node(1).raw.raft.role, 'follower');
  assert.deepEqual(net.node(2).failedReads, ['fwd']);
});

test('Inflights and Progress: window bounds, freeing, probe/replicate transitions', () => {
  const inf = new Inflights(3, 100);
  inf.add(5, 10);
  inf.add(7, 10);
  inf.add(9, 10);
  assert.ok(inf.full());
  inf.freeLE(7);
  assert.equal(inf.count, 1);
  assert.ok(!inf.full());
  inf.add(12, 95);
  assert.ok(inf.full(), 'bytes bound');
  inf.freeFirstOne();
  assert.equal(inf.count, 1);

  const pr = new Progress(2, 10, false, 4, 1000);
  assert.equal(pr.state, 'probe');
  pr.sentEntries(3, 12, 30);
  assert.ok(pr.isPaused(), 'probe: one message outstanding');
  assert.equal(pr.maybeDecrTo(5, 3), false, 'stale rejection ignored');
  assert.equal(pr.maybeDecrTo(9, 3), true);
  assert.equal(pr.next, 4);
  assert.ok(pr.maybeUpdate(6));
  pr.becomeReplicate();
  assert.equal(pr.next, 7);
  for (let i = 0; i < 4; i++) pr.sentEntries(1, 7 + i, 10);
  assert.ok(pr.isPaused(), 'replicate: window full');
  pr.becomeSnapshot({ meta: { index: 50, term: 1, conf: { voters: [], learners: [] } }, data: new Uint8Array(10) });
  assert.ok(pr.isPaused());
  pr.maybeUpdate(50);
  pr.becomeProbe();
  assert.equal(pr.next, 51);
});
