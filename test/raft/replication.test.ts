import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Entry, type Message, MemoryStorage, makeMessage } from '../../src/raft/index.js';
import { Net, appliedData, enc } from './harness.js';

test('proposals replicate and apply in the same order everywhere', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  for (let i = 0; i < 50; i++) {
    const r = net.node(1).raw.propose(enc('v' + i));
    assert.ok(r.ok);
  }
  net.settle();
  const want = Array.from({ length: 50 }, (_, i) => 'v' + i);
  for (const n of net.nodes.values()) assert.deepEqual(appliedData(n), want);
});

test('followers reject proposals and name the leader', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  const r = net.node(2).raw.propose(enc('x'));
  assert.deepEqual(r, { ok: false, reason: 'not-leader', leader: 1 });
});

test('batching: proposals between two Readys travel in one AppendEntries per follower', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.delivered = [];
  for (let i = 0; i < 100; i++) net.node(1).raw.propose(enc('b' + i));
  net.settle();
  const apps = net.delivered.filter((m) => m.type === 'app' && m.entries.length > 0);
  assert.equal(apps.length, 2, 'one batch per follower');
  assert.equal(apps[0]!.entries.length, 100);
});

test('pending proposals are bounded: a leader that cannot commit rejects when full', () => {
  const net = new Net([1, 2, 3], { uncommittedEntriesMax: 20 });
  net.elect(1);
  net.isolate(1);
  let accepted = 0;
  let full = 0;
  for (let i = 0; i < 50; i++) {
    const r = net.node(1).raw.propose(enc('p'));
    if (r.ok) accepted++;
    else if (r.reason === 'full') full++;
  }
  assert.equal(accepted, 20);
  assert.equal(full, 30);
});

test('flow control: inflight AppendEntries to a silent follower are bounded by count', () => {
  const net = new Net([1, 2, 3], { inflightMessagesMax: 4 });
  net.elect(1);
  // Follower 3 receives but its acks are lost: the leader stays in replicate state with a full window.
  net.filter = (m) => !(m.from === 3 && m.type === 'appResp');
  net.delivered = [];
  for (let i = 0; i < 20; i++) {
    net.node(1).raw.propose(enc('f' + i));
    net.settle();
  }
  const to3 = net.delivered.filter((m) => m.type === 'app' && m.to === 3 && m.entries.length > 0);
  assert.equal(to3.length, 4, 'window of 4 messages');
  const to2 = net.delivered.filter((m) => m.type === 'app' && m.to === 2 && m.entries.length > 0);
  assert.equal(to2.length, 20);
  // Once acks flow again the follower catches up.
  net.heal();
  net.tickAll(2);
  assert.equal(net.node(3).raw.raft.log.lastIndex(), net.node(1).raw.raft.log.lastIndex());
});

test('flow control: inflight bytes are bounded too', () => {
  const net = new Net([1, 2, 3], { inflightMessagesMax: 100, inflightBytesMax: 1000 });
  net.elect(1);
  net.filter = (m) => !(m.from === 3 && m.type === 'appResp');
  net.delivered = [];
  for (let i = 0; i < 20; i++) {
    net.node(1).raw.propose(new Uint8Array(300));
    net.settle();
  }
  const to3 = net.delivered.filter((m) => m.type === 'app' && m.to === 3 && m.entries.length > 0);
  assert.ok(to3.length <= 4 && to3.length >= 3, `sent ${to3.length}`);
});

function storageWithLog(terms: number[], hsTerm: number, voters: number[]): MemoryStorage {
  const s = new MemoryStorage({ voters, learners: [] });
  const ents: Entry[] = terms.map((t, i) => ({ term: t, index: i + 1, type: 'normal', data: enc('e' + (i + 1)) }));
  s.append(ents);
  s.setHardState({ term: hsTerm, vote: 0, commit: 0 });
  return s;
}

test('fast backtracking: one rejection per conflicting term, not per entry', () => {
  const voters = [1, 2, 3];
  const net = new Net([]);
  // Leader-to-be has 1,1,1 then 5x term 4; follower 2 has 1,1,1 then 30 entries of term 2/3.
  net.add(1, storageWithLog([1, 1, 1, 4, 4, 4, 4, 4], 4, voters));
  net.add(2, storageWithLog([1, 1, 1, ...Array(15).fill(2), ...Array(15).fill(3)], 3, voters));
  net.add(3, storageWithLog([1, 1, 1, 4, 4, 4, 4, 4], 4, voters));
  net.elect(1);
  net.delivered = [];
  net.tickAll(3);
  const rejects = net.delivered.filter((m) => m.type === 'appResp' && m.from === 2 && m.reject);
  assert.ok(rejects.length <= 3, `${rejects.length} rejections`);
  const l = net.node(1).raw.raft.log;
  const f = net.node(2).raw.raft.log;
  assert.equal(f.lastIndex(), l.lastIndex());
  for (let i = 1; i <= l.lastIndex(); i++) assert.equal(f.term(i), l.term(i));
});

test('commit rule: an old-term entry on a majority is not committed by counting', () => {
  const voters = [1, 2, 3];
  const net = new Net([]);
  net.add(1, storageWithLog([1, 2], 2, voters));
  net.add(2, storageWithLog([1], 2, voters));
  net.add(3, storageWithLog([1], 2, voters));
  // Only votes pass, so node 1 wins term 3 but replicates nothing.
  net.filter = (m) => m.type === 'preVote' || m.type === 'preVoteResp' || m.type === 'vote' || m.type === 'voteResp';
  net.elect(1);
  const raft = net.node(1).raw.raft;
  assert.equal(raft.term, 3);
  assert.equal(raft.log.lastIndex(), 3); // 1:t1, 2:t2, 3:t3 (empty)
  const ack = (index: number): Message => {
    const m = makeMessage('appResp', 2, 1, 3);
    m.index = index;
    return m;
  };
  // Follower 2 holds index 2 (term 2): a majority (1 and 2) has it, but it is not of term 3.
  net.node(1).raw.step(ack(2));
  assert.equal(raft.log.committed, 0);
  net.node(1).raw.step(ack(3));
  assert.equal(raft.log.committed, 3);
});

test('a restarted node loses unpersisted entries but keeps what it persisted', () => {
  const net = new Net([1, 2, 3]);
  net.elect(1);
  net.node(1).raw.propose(enc('a'));
  net.settle();
  // Node 3 receives an entry but crashes before persisting the Ready.
  net.node(1).raw.propose(enc('b'));
  const leader = net.node(1).raw;
  const rd = leader.ready();
  for (const m of rd.messages) if (m.to === 3) net.node(3).raw.step(m);
  assert.equal(net.node(3).raw.raft.log.lastIndex(), 4);
  const n3 = net.restart(3);
  assert.equal(n3.raw.raft.log.lastIndex(), 3);
  assert.equal(n3.storage.hardState.term, 2);
  net.node(1).storage.append(rd.entries);
  leader.advance();
  net.settle();
  net.tickAll(2);
  assert.equal(n3.raw.raft.log.lastIndex(), 4);
});

test('Figure 8: an old-term entry replicated to a majority by a later leader can still be overwritten, so it must not commit', () => {
  const voters = [1, 2, 3, 4, 5];
  const net = new Net([], { appendEntriesBytesMax: 1, inflightMessagesMax: 1 });
  // State after (b): S1 led term 2 and got (2, t2) to S2; S5 led term 3 and wrote (2, t3) alone.
  net.add(1, storageWithLog([1, 2], 3, voters));
  net.add(2, storageWithLog([1, 2], 3, voters));
  net.add(3, storageWithLog([1], 3, voters));
  net.add(4, storageWithLog([1], 3, voters));
  net.add(5, storageWithLog([1, 3], 3, voters));
  // (c) S5 is down; S1 wins term 4 and copies (2, t2) to S3 — but its own term-4 entry reaches nobody.
  const stripEntry3 = (m: Message): boolean => {
    if (m.type === 'app') m.entries = m.entries.filter((e) => e.index < 3);
    return true;
  };
  net.filter = (m) => m.from !== 5 && m.to !== 5 && m.from !== 4 && m.to !== 4 && stripEntry3(m);
  net.elect(1);
  assert.equal(net.node(1).raw.raft.term, 4);
  net.tick(1, 3);
  assert.equal(net.node(3).raw.raft.log.term(2), 2, 'a majority (S1, S2, S3) now holds (2, t2)');
  assert.equal(net.node(1).raw.raft.log.committed, 0, 'but it is not of the leader term: not committed');
  // (d) S1 crashes; S5 can win term 5 with S2, S3, S4 (its last term 3 beats their 2) and overwrite index 2.
  net.nodes.delete(1);
  net.filter = (m) => !(m.from !== 5 && (m.type === 'preVote' || m.type === 'vote'));
  for (let i = 0; i < 12; i++) for (const id of [2, 3, 4]) net.tick(id);
  for (let i = 0; i < 100 && net.node(5).raw.raft.role !== 'leader'; i++) net.tick(5);
  assert.equal(net.node(5).raw.raft.role, 'leader');
  net.heal();
  net.tick(5, 3);
  for (const id of [2, 3, 4, 5]) {
    assert.equal(net.node(id).raw.raft.log.term(2), 3, `S${id} holds (2, t3)`);
    for (const e of net.node(id).applied) if (e.index === 2) assert.equal(e.term, 3);
  }
});
