import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../../src/raft/index.js';
import { Net, appliedData, enc, dec, type TNode } from './harness.js';

/** The "state machine" here is the list of applied payloads; its snapshot is that list as JSON. */
function compact(n: TNode): void {
  const idx = n.raw.raft.log.applied;
  const data = enc(JSON.stringify(appliedData(n)));
  n.raw.compact(idx, data);
}

test('MemoryStorage: append truncates an overlapping suffix; compaction keeps the boundary term', () => {
  const s = new MemoryStorage({ voters: [1], learners: [] });
  s.append([1, 2, 3, 4].map((i) => ({ term: 1, index: i, type: 'normal' as const, data: enc('' + i) })));
  s.append([{ term: 2, index: 3, type: 'normal', data: enc('x') }]);
  assert.equal(s.lastIndex(), 3);
  assert.equal(s.term(3), 2);
  s.createSnapshot(2, { voters: [1], learners: [] }, enc('snap'));
  assert.equal(s.firstIndex(), 3);
  assert.equal(s.term(2), 1);
  assert.equal(s.snapshot().meta.index, 2);
  assert.deepEqual(s.entries(3, 4, 1e9).map((e) => e.term), [2]);
});

test('a follower that fell behind a compacted log catches up through a chunked snapshot', () => {
  const net = new Net([1, 2, 3], { snapshotChunkBytes: 16 });
  net.elect(1);
  net.isolate(3);
  for (let i = 0; i < 30; i++) net.node(1).raw.propose(enc('value-' + i));
  net.settle();
  compact(net.node(1));
  assert.ok(net.node(1).raw.raft.log.firstIndex() > 20);
  net.heal();
  net.delivered = [];
  net.tickAll(30);
  const chunks = net.delivered.filter((m) => m.type === 'snap');
  const snapLen = net.node(1).storage.snapshot().data.length;
  assert.ok(chunks.length >= Math.ceil(snapLen / 16), `${chunks.length} chunks for ${snapLen} bytes`);
  for (const c of chunks) assert.ok(c.snapData!.length <= 16);
  const n3 = net.node(3);
  assert.equal(n3.storage.snapshot().meta.index, net.node(1).storage.snapshot().meta.index);
  const restored = JSON.parse(dec(n3.storage.snapshot().data)) as string[];
  assert.equal(restored.length, 30);
  assert.equal(n3.raw.raft.log.committed, net.node(1).raw.raft.log.committed);
  // It keeps replicating normally afterwards.
  net.node(1).raw.propose(enc('after'));
  net.settle();
  assert.equal(appliedData(n3).at(-1), 'after');
});

test('a node that lost its disk rejoins as a fresh learner and is rebuilt from a snapshot', () => {
  const net = new Net([1, 2, 3], { snapshotChunkBytes: 64 });
  net.elect(1);
  for (let i = 0; i < 20; i++) net.node(1).raw.propose(enc('k' + i));
  net.settle();
  compact(net.node(1));
  // Node 3's disk is gone: remove it, then add its replacement (new id, empty storage).
  net.node(1).raw.proposeConfChange({ type: 'removeNode', nodeId: 3 });
  net.settle();
  net.nodes.delete(3);
  net.add(4, new MemoryStorage());
  net.node(1).raw.proposeConfChange({ type: 'addLearner', nodeId: 4 });
  net.settle();
  net.tickAll(20);
  const n4 = net.node(4);
  assert.ok(n4.storage.snapshot().meta.index > 0, 'installed a snapshot');
  assert.equal(n4.raw.raft.log.committed, net.node(1).raw.raft.log.committed);
  assert.deepEqual(n4.raw.confState(), { voters: [1, 2], learners: [4] });
});

test('lost snapshot chunks are retransmitted', () => {
  const net = new Net([1, 2, 3], { snapshotChunkBytes: 8 });
  net.elect(1);
  net.isolate(3);
  for (let i = 0; i < 10; i++) net.node(1).raw.propose(enc('v' + i));
  net.settle();
  compact(net.node(1));
  let n = 0;
  net.filter = (m) => !(m.type === 'snap' && ++n % 3 === 0);
  net.tickAll(100);
  assert.equal(net.node(3).raw.raft.log.committed, net.node(1).raw.raft.log.committed);
});
