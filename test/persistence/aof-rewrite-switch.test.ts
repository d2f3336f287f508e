// The AOF writer's switch to a new INCR file (AppendOnlyFile.switchTo / whenIdle, used by the
// rewrite), in process through stand-in file ports that complete syncs when the test says so and
// lose unsynced bytes in a power cut. SIGKILL tests keep the page cache; these show that the
// switch keeps "synced before acknowledged" (appendfsync always) and puts every record appended
// before the switch in the old file and every later one in the new file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StandInFile, StandInClient, writer, turn, set, reply } from './aof-standins.js';
import { AOF_HEADER } from '../../src/persistence/aof-format.js';

test('always: the switch writes and syncs what was appended into the old file; later records go to the new one; replies keep their order', async () => {
  const old = new StandInFile();
  const next = new StandInFile();
  const aof = writer(old, 'always');
  const a = new StandInClient();
  aof.append(set('k1'));
  reply(aof, a, 'a1');
  await turn(); // written, a sync in flight on the old file
  assert.equal(old.syncs.length, 1);
  aof.append(set('k2')); // pending, not written yet
  reply(aof, a, 'a2');
  aof.whenIdle(() => aof.switchTo('(new)', next, AOF_HEADER.length));
  assert.deepEqual(old.keys(), ['k1', 'k2']);
  assert.equal(old.synced, old.written, 'the old file is synced by the switch');
  assert.deepEqual(a.received, ['a1', 'a2'], 'replies for records in the synced old file leave');
  assert.equal(old.closed, 0, 'a sync in flight on the old file: it is closed when that completes');
  aof.append(set('k3'));
  reply(aof, a, 'a3');
  await turn();
  assert.deepEqual(next.keys(), ['k3']);
  assert.deepEqual(a.received, ['a1', 'a2'], 'a3 waits for the new file');
  assert.equal(next.syncs.length, 0, 'one sync in flight at a time');
  old.completeSync();
  assert.equal(old.closed, 1);
  assert.equal(next.syncs.length, 1, 'then the new file is synced');
  next.completeSync();
  assert.deepEqual(a.received, ['a1', 'a2', 'a3']);
  assert.equal(aof.currentFileBytes, next.written);
  await aof.close();
  assert.equal(next.closed, 1);
  assert.equal(old.closed, 1);
});

test('everysec: whenIdle waits for the background write; records appended meanwhile still go to the old file', async () => {
  const old = new StandInFile();
  const next = new StandInFile();
  const aof = writer(old, 'everysec');
  aof.append(set('k1'));
  await turn(); // the background write starts
  aof.append(set('k2')); // accumulates while it runs
  let switched = false;
  aof.whenIdle(() => {
    aof.switchTo('(new)', next, AOF_HEADER.length);
    switched = true;
  });
  assert.equal(switched, false, 'not while a write is in flight');
  aof.append(set('k3'));
  await turn();
  await turn();
  assert.equal(switched, true);
  aof.append(set('k4'));
  await turn();
  await turn();
  assert.deepEqual(old.keys(), ['k1', 'k2', 'k3']);
  assert.deepEqual(next.keys(), ['k4']);
  assert.equal(old.closed, 1);
  await aof.close();
});

test('random schedules with a switch, then a power cut: every acknowledged write is in old + new, as a prefix', async () => {
  let seed = Number(process.env.DIFF_SEED ?? 12345);
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  for (let round = 0; round < 60; round++) {
    const old = new StandInFile();
    const next = new StandInFile();
    const aof = writer(old, 'always');
    const clients = [new StandInClient(), new StandInClient(), new StandInClient()];
    const ackedKeys = new Set<string>();
    const replyKey = new Map<string, string>();
    let n = 0;
    let switchAt = Math.floor(rand() * 40);
    const steps = 40 + Math.floor(rand() * 40);
    for (let s = 0; s < steps; s++) {
      const r = rand();
      if (r < 0.5) {
        const key = `k${n++}`;
        aof.append(set(key));
        const c = clients[Math.floor(rand() * clients.length)]!;
        replyKey.set(`${key}`, key);
        reply(aof, c, key);
      } else if (r < 0.75) await turn();
      else {
        for (const f of [old, next]) if (f.syncs.length > 0 && rand() < 0.7) f.completeSync();
      }
      if (switchAt-- === 0) aof.whenIdle(() => aof.switchTo('(new)', next, AOF_HEADER.length));
    }
    for (const c of clients) for (const k of c.received) ackedKeys.add(replyKey.get(k)!);
    // Power cut: each file keeps its synced bytes plus an arbitrary part of the rest.
    const survivors = [...old.keys(old.afterPowerCut(Math.floor(rand() * 200))), ...next.keys(next.afterPowerCut(Math.floor(rand() * 200)))];
    assert.deepEqual(survivors, Array.from({ length: survivors.length }, (_, i) => `k${i}`), `round ${round}: survivors are not a prefix`);
    for (const k of ackedKeys) assert.ok(survivors.includes(k), `round ${round}: acknowledged ${k} lost in a power cut`);
    await aof.close();
  }
});
