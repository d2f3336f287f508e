// BGSAVE is point-in-time: whatever is written while it runs (overwrites, deletes, in-place
// appends and pushes, expiry changes, renames, new keys, FLUSHDB, SWAPDB, FLUSHALL), the file holds
// the keyspace exactly as it was when BGSAVE started. Checked in process (a writer runs between
// the save's slices, from a printed seed) and with a real process (writes pipelined right behind
// BGSAVE, so they all land before the first slice is written). Plus: the decoder refuses every
// truncation of a file, and a big snapshot loads while the server answers -LOADING.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync, readFileSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../../src/config/config.js';
import { ServerState } from '../../src/server/state.js';
import { ReplyWriter } from '../../src/protocol/reply.js';
import { RedisList } from '../../src/types/list.js';
import { RedisHash } from '../../src/types/hash.js';
import { RedisSet } from '../../src/types/set.js';
import { ZSet } from '../../src/types/zset.js';
import { stringOf, type StringValue } from '../../src/types/value.js';
import { SnapshotDecoder, SnapshotEncoder, SnapshotError } from '../../src/persistence/snapshot-format.js';
import { PointInTimeView } from '../../src/persistence/bgsave.js';
import { Rng } from '../helpers/differential.js';
import { startOn, dumpDataset, kill9, tempDir } from './aof-support.js';
import { RespError, encodeCommand } from '../helpers/resp.js';

function makeServer(dir: string): { server: ServerState; run: (db: number, ...argv: string[]) => string } {
  const config = new Config();
  config.apply('dir', [dir], 'test');
  config.apply('save', [''], 'test');
  const server = new ServerState(config);
  const run = (db: number, ...argv: string[]): string => {
    const reply = new ReplyWriter();
    const cmd = server.commands.resolve(argv)!;
    server.engine.execute(cmd, argv, null, db, reply, Date.now());
    return reply.take().latin1Slice();
  };
  return { server, run };
}

/** Every live key of every db with its value (in the structure's own order) and exact expiry. */
function dump(server: ServerState): string[] {
  const now = Date.now();
  const out: string[] = [];
  for (const db of server.dbs) {
    for (const key of [...db.keys()].sort()) {
      const v = db.peek(key, now);
      if (v === undefined) continue;
      let text: unknown;
      if (v instanceof RedisList) text = v.toArray();
      else if (v instanceof RedisHash) text = v.entries();
      else if (v instanceof RedisSet) text = v.members();
      else if (v instanceof ZSet) {
        const pairs: (string | number)[] = [];
        v.each(0, false, (m, s) => void pairs.push(m, s));
        text = pairs;
      } else text = stringOf(v as StringValue);
      out.push(`${db.id} ${JSON.stringify(key)} ${JSON.stringify(text)} ${String(db.getExpireExact(key))}`);
    }
  }
  return out;
}

function populate(run: (db: number, ...argv: string[]) => string, rng: Rng, keysPerDb: number): void {
  for (let db = 0; db < 4; db++) {
    for (let i = 0; i < keysPerDb; i++) {
      const k = `k${i}`;
      switch (i % 7) {
        case 0:
          run(db, 'SET', k, `v${i}`);
          break;
        case 1:
          run(db, 'APPEND', k, `m${i}`); // a string that later appends change in place
          run(db, 'APPEND', k, 'x'.repeat(rng.int(0, 40)));
          break;
        case 2:
          run(db, 'RPUSH', k, 'a', 'b', String(i));
          break;
        case 3:
          run(db, 'HSET', k, 'f', String(i), 'g', 'h');
          break;
        case 4:
          run(db, 'SADD', k, String(i), String(i + 1), rng.next() < 0.5 ? 'str' : '7');
          break;
        case 5:
          run(db, 'ZADD', k, String(i), 'm', '1', 'n');
          break;
        case 6:
          run(db, 'SET', k, `t${i}`, 'PX', String(rng.next() < 0.1 ? 1 : 3_600_000));
          break;
      }
    }
  }
}

/** One random write against the keyspace (keys k0…, dbs 0–3). */
function mutate(run: (db: number, ...argv: string[]) => string, rng: Rng, keysPerDb: number, allowFlushAll: boolean, allowFlushDb = true): void {
  const db = rng.int(0, 3);
  const k = `k${rng.int(0, keysPerDb - 1)}`;
  const r = rng.next();
  if (r < 0.1) run(db, 'SET', k, `new${rng.int(0, 1e6)}`);
  else if (r < 0.18) run(db, 'DEL', k);
  else if (r < 0.3) run(db, 'APPEND', k, 'APP');
  else if (r < 0.34) run(db, 'SETRANGE', k, String(rng.int(0, 10)), 'ZZ');
  else if (r < 0.44) run(db, 'RPUSH', k, 'pushed');
  else if (r < 0.48) run(db, 'LPOP', k);
  else if (r < 0.52) run(db, 'LSET', k, '0', 'lset');
  else if (r < 0.58) run(db, 'HSET', k, 'f', 'changed', `new${rng.int(0, 99)}`, 'x');
  else if (r < 0.6) run(db, 'HDEL', k, 'g');
  else if (r < 0.66) run(db, 'SADD', k, `s${rng.int(0, 99)}`);
  else if (r < 0.68) run(db, 'SREM', k, 'str', '7');
  else if (r < 0.74) run(db, 'ZADD', k, String(rng.int(-5, 5)), 'm', '3', `z${rng.int(0, 9)}`);
  else if (r < 0.76) run(db, 'ZINCRBY', k, '2.5', 'n');
  else if (r < 0.8) run(db, 'PEXPIRE', k, String(rng.int(1000, 100000)));
  else if (r < 0.83) run(db, 'PERSIST', k);
  else if (r < 0.87) run(db, 'RENAME', k, `renamed${rng.int(0, 1e6)}`);
  else if (r < 0.9) run(db, 'MOVE', k, String((db + 1) % 4));
  else if (r < 0.97) run(db, 'SET', `fresh${rng.int(0, 1e6)}`, 'v');
  else if (r < 0.985) run(db, 'SWAPDB', String(db), String((db + 2) % 4));
  else if (r < 0.995) {
    if (allowFlushDb) run(db, 'FLUSHDB');
  }
  else if (allowFlushAll) run(db, 'FLUSHALL');
}

test('BGSAVE in process: the file equals the keyspace at the start whatever a concurrent writer does', async () => {
  const seed = Number(process.env.DIFF_SEED ?? Date.now() % 1e9);
  const dir = mkdtempSync(join(tmpdir(), 'keyraft-bgsave-'));
  try {
    const rng = new Rng(seed);
    const { server, run } = makeServer(dir);
    const keysPerDb = 15000;
    populate(run, rng, keysPerDb);
    await new Promise((r) => setTimeout(r, 5)); // let the PX 1 keys expire
    const expected = dump(server);
    assert.equal(server.rdb.startBgsave(), null);
    const view = server.rdb.bgsave!.view;
    // Writes before the first slice: every key may change before it is written.
    for (let i = 0; i < 3000; i++) mutate(run, rng, keysPerDb, false, false);
    let turns = 0;
    while (server.rdb.bgsave !== null) {
      for (let i = 0; i < 200; i++) mutate(run, rng, keysPerDb, turns > 3);
      turns++;
      await new Promise((r) => setImmediate(r));
      assert.ok(turns < 100000, 'BGSAVE never finished');
    }
    assert.ok(server.rdb.lastBgsaveOk, `BGSAVE failed (seed ${seed})`);
    assert.ok(turns >= 3, `the writer ran between only ${turns} slices`);
    assert.ok(view.cowClones > 100, `only ${view.cowClones} copies on write`);
    assert.notDeepEqual(dump(server), expected, 'the writer changed the keyspace');
    const { server: fresh } = makeServer(dir);
    const loaded = fresh.rdb.loadSync(fresh.dbs, false);
    assert.ok(loaded.keys > 0);
    const got = dump(fresh);
    assert.equal(got.length, expected.length, `seed ${seed}`);
    assert.deepEqual(got, expected, `seed ${seed}`);
    // Nothing is left attached once it is done.
    assert.ok(server.dbs.every((db) => db.cow === null));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two point-in-time views at once (a BGSAVE and another view) both see their own start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyraft-views-'));
  try {
    const rng = new Rng(42);
    const { server, run } = makeServer(dir);
    populate(run, rng, 500);
    await new Promise((r) => setTimeout(r, 5)); // let the PX 1 keys expire before either dump
    const atA = dump(server);
    const a = new PointInTimeView(server.dbs, Date.now(), true);
    for (let i = 0; i < 300; i++) mutate(run, rng, 500, false);
    const atB = dump(server);
    assert.equal(server.rdb.startBgsave(), null);
    for (let i = 0; i < 300; i++) mutate(run, rng, 500, false);
    while (server.rdb.bgsave !== null) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 300; i++) mutate(run, rng, 500, false);
    // View A, read only now, still gives the keyspace as it was at its start.
    const seen: string[] = [];
    const { server: scratch } = makeServer(dir);
    a.step(Infinity, (db, key, value, expire) => {
      scratch.dbs[db]!.set(key, value);
      if (expire !== undefined) scratch.dbs[db]!.setExpire(key, expire);
      seen.push(key);
    });
    a.release();
    assert.ok(seen.length > 1000);
    assert.deepEqual(dump(scratch), atA, 'view A');
    const { server: fresh } = makeServer(dir);
    fresh.rdb.loadSync(fresh.dbs, false);
    assert.deepEqual(dump(fresh), atB, 'the BGSAVE file');
    assert.ok(server.dbs.every((db) => db.cow === null));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SHUTDOWN during a BGSAVE stops it (no temporary file left, it never lands later) and saves the current state', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyraft-shutbg-'));
  try {
    const { server, run } = makeServer(dir);
    for (let i = 0; i < 100000; i++) server.dbs[0]!.set(`k${i}`, `v${i}`);
    assert.equal(server.rdb.startBgsave(), null);
    await new Promise((r) => setImmediate(r));
    run(0, 'SET', 'after-bgsave', 'x');
    assert.equal(server.rdb.prepareShutdown(true, false), true);
    assert.equal(server.rdb.bgsave, null);
    // Give the stopped writer time to notice; it must neither leave nor rename its file.
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(readdirSync(dir), ['dump.krdb']);
    const { server: fresh } = makeServer(dir);
    assert.equal(fresh.rdb.loadSync(fresh.dbs, false).keys, 100001);
    assert.equal(fresh.dbs[0]!.get('after-bgsave', Date.now()), 'x');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('BGSAVE with a real process: writes pipelined behind BGSAVE do not reach the file', async () => {
  const dir = tempDir();
  const k = await startOn(dir, ['--enable-debug-command', 'yes']);
  try {
    const c = await k.connect();
    const setup: string[][] = [];
    for (let i = 0; i < 3000; i++) {
      setup.push(['SET', `s${i}`, `v${i}`]);
      setup.push(['RPUSH', `l${i % 300}`, `e${i}`]);
      setup.push(['HSET', `h${i % 200}`, `f${i}`, `v${i}`]);
      setup.push(['APPEND', `m${i % 100}`, 'ab']);
    }
    setup.push(['ZADD', 'z', '1', 'a', '2', 'b'], ['SADD', 'set', '1', '2', '3'], ['SET', 'ttl', 'x', 'EX', '1000']);
    await Promise.all(setup.map((argv) => c.call(...argv)));
    const before = await dumpDataset(c, 2);
    // BGSAVE, then writes in the same packet (well under one 64 KiB socket read): they run in the
    // same turn as BGSAVE, before its first slice is serialized.
    const writes: string[][] = [['BGSAVE'], ['PERSIST', 'ttl'], ['ZADD', 'z', '5', 'a'], ['SADD', 'set', 'late'], ['RENAME', 's2999', 'moved']];
    for (let i = 0; i < 120; i++) {
      writes.push(['RPUSH', `l${i}`, 'late']);
      writes.push(['APPEND', `m${i % 100}`, 'late']);
      writes.push(['HSET', `h${i % 200}`, 'late', 'x']);
      writes.push(['SET', `s${i}`, 'late']);
      writes.push(['DEL', `s${i + 1000}`]);
    }
    writes.push(['SWAPDB', '0', '1'], ['FLUSHDB']);
    const packet = Buffer.concat(writes.map((argv) => encodeCommand(argv)));
    assert.ok(packet.length < 32 * 1024, `${packet.length} bytes`);
    c.writeRaw(packet);
    const replies = await Promise.all(writes.map(() => c.next()));
    assert.equal(replies[0]!.value, 'Background saving started');
    for (let i = 0; i < 500 && /rdb_bgsave_in_progress:1/.test((await c.value('INFO', 'persistence')) as string); i++) await new Promise((r) => setTimeout(r, 10));
    const info = (await c.value('INFO', 'persistence')) as string;
    assert.match(info, /rdb_bgsave_in_progress:0/);
    assert.match(info, /rdb_last_bgsave_status:ok/);
    assert.notDeepEqual(await dumpDataset(c, 2), before);
    assert.equal(await c.value('DEBUG', 'RELOAD', 'NOSAVE'), 'OK');
    assert.deepEqual(await dumpDataset(c, 2), before);
    c.close();
  } finally {
    kill9(k);
    await k.waitExit();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the decoder refuses every truncation and a flipped byte anywhere', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyraft-snapfmt-'));
  try {
    const { server, run } = makeServer(dir);
    populate(run, new Rng(7), 40);
    run(0, 'ZADD', 'zz', '1.5', 'a');
    server.rdb.save();
    const path = join(dir, 'dump.krdb');
    const good = readFileSync(path);
    const readAll = (bytes: Buffer): number => {
      writeFileSync(path, bytes);
      const dec = new SnapshotDecoder(path);
      try {
        let n = 0;
        while (dec.next() !== null) n++;
        return n;
      } finally {
        dec.close();
      }
    };
    const keys = readAll(good);
    assert.ok(keys > 100);
    for (let len = 0; len < good.length; len++) {
      assert.throws(() => readAll(good.subarray(0, len)), SnapshotError, `truncated to ${len} bytes`);
    }
    for (let at = 0; at < good.length; at += 7) {
      const bad = Buffer.from(good);
      bad[at]! ^= 0x20;
      assert.throws(() => readAll(bad), SnapshotError, `flipped byte ${at}`);
    }
    assert.throws(() => readAll(Buffer.concat([good, Buffer.from([0])])), SnapshotError, 'trailing byte');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a big snapshot loads while the server listens: -LOADING and loading:1 until it is done', async () => {
  const dir = tempDir();
  try {
    // 600k keys written straight with the encoder (quicker than through a server).
    const fd = openSync(join(dir, 'dump.krdb'), 'w');
    const enc = new SnapshotEncoder((chunk) => void writeSync(fd, chunk));
    enc.header([['keyraft-ver', 'test']]);
    enc.selectDb(0);
    const keys = 600_000;
    for (let i = 0; i < keys; i++) enc.record(`key:${i}`, `value:${i}`, undefined);
    enc.finish();
    closeSync(fd);
    const k = await startOnLoading(dir);
    try {
      const c = await k.connect();
      const first = await c.value('GET', 'key:1');
      const info = (await c.value('INFO', 'persistence')) as string;
      let sawLoading = first instanceof RespError;
      if (sawLoading) {
        assert.equal((first as RespError).message, 'LOADING Redis is loading the dataset in memory');
        assert.match(info, /loading:1\r\n[\s\S]*loading_total_bytes:\d+\r\n[\s\S]*loading_loaded_perc:/);
      }
      for (let i = 0; i < 1000; i++) {
        const r = await c.value('DBSIZE');
        if (r === keys) break;
        assert.ok(r instanceof RespError && r.message.startsWith('LOADING'), String(r));
        sawLoading = true;
        await new Promise((res) => setTimeout(res, 10));
      }
      assert.ok(sawLoading, 'never observed the loading state');
      assert.equal(await c.value('DBSIZE'), keys);
      assert.equal(await c.value('GET', 'key:599999'), 'value:599999');
      assert.match((await c.value('INFO', 'persistence')) as string, /loading:0/);
      c.close();
    } finally {
      kill9(k);
      await k.waitExit();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Starts keyraft and returns as soon as it accepts connections (it may still be loading). */
async function startOnLoading(dir: string) {
  const { spawn } = await import('node:child_process');
  const { KEYRAFT_BIN, ServerProcess, freePort } = await import('../helpers/servers.js');
  const port = await freePort();
  const child = spawn(process.execPath, [KEYRAFT_BIN, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = new ServerProcess('keyraft', port, child, dir);
  const deadline = Date.now() + 10000;
  for (;;) {
    if (proc.exited) throw new Error(`exited:\n${proc.output}`);
    try {
      const c = await proc.connect();
      c.close();
      return proc;
    } catch {
      if (Date.now() > deadline) throw new Error(`not listening:\n${proc.output}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
