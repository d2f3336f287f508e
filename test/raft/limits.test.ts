import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Net, appliedData, enc, dec, type TNode } from './harness.js';

test('readRequestsMax: reads beyond the bound fail at once', () => {
  const net = new Net([1, 2, 3], { readRequestsMax: 5 });
  net.elect(1);
  net.isolate(1); // no round can complete, so reads pile up
  for (let i = 0; i < 8; i++) net.node(1).raw.readIndex('r' + i);
  net.settle();
  assert.deepEqual(net.node(1).failedReads, ['r5', 'r6', 'r7']);
});

test('committedEntriesBytesMax: committed entries are handed out in bounded pieces, in order', () => {
  const net = new Net([1, 2, 3], { committedEntriesBytesMax: 100 });
  net.elect(1);
  for (let i = 0; i < 40; i++) net.node(1).raw.propose(enc('entry-' + i));
  let maxPerReady = 0;
  const n2 = net.node(2);
  const origSettle = net.settle.bind(net);
  for (let round = 0; round < 200; round++) {
    for (const n of net.nodes.values()) {
      while (n.raw.hasReady()) {
        const rd = n.raw.ready();
        if (n === n2) maxPerReady = Math.max(maxPerReady, rd.committedEntries.length);
        n.storage.append(rd.entries);
        if (rd.hardState) n.storage.setHardState(rd.hardState);
        for (const m of [...rd.messages, ...rd.messagesAfterPersist]) net.queue.push(m);
        for (const e of rd.committedEntries) n.applied.push(e);
        n.raw.advance();
      }
    }
    for (const m of net.queue.splice(0)) net.node(m.to).raw.step(m);
  }
  origSettle();
  assert.ok(maxPerReady <= 3, `at most ~100 bytes per Ready, got ${maxPerReady} entries`);
  assert.deepEqual(appliedData(n2), Array.from({ length: 40 }, (_, i) => 'entry-' + i));
});

test('snapshotBytesMax: a follower refuses an oversized snapshot and the leader falls back to probing', () => {
  const net = new Net([1, 2, 3], { snapshotChunkBytes: 8, snapshotBytesMax: 20 });
  net.elect(1);
  net.isolate(3);
  for (let i = 0; i < 10; i++) net.node(1).raw.propose(enc('v' + i));
  net.settle();
  const n1: TNode = net.node(1);
  n1.storage.createSnapshot(n1.raw.raft.log.applied, n1.raw.confState(), enc(JSON.stringify(appliedData(n1))));
  net.heal();
  net.delivered = [];
  net.tickAll(5);
  const rejects = net.delivered.filter((m) => m.type === 'snapResp' && m.reject);
  assert.ok(rejects.length > 0);
  assert.equal(net.node(3).storage.snapshot().meta.index, 1, 'nothing installed');
  assert.ok(dec(n1.storage.snapshot().data).length > 20);
});
