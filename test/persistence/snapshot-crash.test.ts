// Crashes during snapshots: SIGKILL at random moments of a BGSAVE or a blocking SAVE of ~12 MB.
// The file is written to a temporary name, fsynced and renamed, so a restart must find either the
// previous snapshot or the new one, whole — never a damaged file (which would stop startup) and
// never a mix. Writing straight into dump.krdb makes this test fail (checked).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startOn, kill9, tempDir } from './aof-support.js';
import { RespConnection, encodeCommand } from '../helpers/resp.js';

test('SIGKILL at random moments of a BGSAVE or SAVE never damages the snapshot: a restart finds the old or the new one', async () => {
  const dir = tempDir();
  try {
    let k = await startOn(dir);
    const keys = 100_000;
    const PAD = 'p'.repeat(100);
    const fill = async (c: RespConnection, gen: number) => {
      for (let i = 0; i < keys; i += 5000) {
        const batch: Buffer[] = [];
        for (let j = i; j < i + 5000; j++) batch.push(encodeCommand(['SET', `key:${j}`, `gen${gen}-${j}-${PAD}`]));
        c.writeRaw(Buffer.concat(batch));
        for (let j = i; j < i + 5000; j++) await c.next();
      }
      assert.equal(await c.value('SET', 'gen', String(gen)), 'OK');
    };
    let c = await k.connect();
    await fill(c, 1);
    assert.equal(await c.value('SAVE'), 'OK');
    const seen = new Set<string>();
    let prev = 1;
    for (let round = 0; round < 5; round++) {
      const gen = round + 2;
      await fill(c, gen);
      // BGSAVE in even rounds, SAVE (killed while it blocks the loop) in odd ones.
      c.writeRaw(encodeCommand([round % 2 === 0 ? 'BGSAVE' : 'SAVE']));
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
      kill9(k);
      await k.waitExit();
      k = await startOn(dir);
      c = await k.connect();
      const onDisk = Number(await c.value('GET', 'gen'));
      assert.ok(onDisk === gen || onDisk === prev, `round ${round}: gen ${onDisk}, expected ${gen} or ${prev}`);
      assert.equal(await c.value('DBSIZE'), keys + 1);
      // Every key comes from the same generation as the marker.
      for (const j of [0, 7, keys >> 1, keys - 1]) assert.equal(await c.value('GET', `key:${j}`), `gen${onDisk}-${j}-${PAD}`);
      seen.add(onDisk === gen ? 'new' : 'old');
      prev = onDisk;
      // Make the next round start from a known snapshot.
      assert.equal(await c.value('SAVE'), 'OK');
    }
    c.close();
    kill9(k);
    await k.waitExit();
    console.log(`# outcomes after SIGKILL: ${[...seen].join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
