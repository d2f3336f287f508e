// Round trip through the append-only file: a server with appendonly yes / appendfsync always
// runs a mix of writes (strings, binary values, TTLs, float and big-integer arithmetic,
// transactions with SELECT, every collection type, random pops, a served blocking pop, db moves
// and swaps), is killed with SIGKILL, and restarts on the same directory: every key, value, order
// and exact expiry time must come back — random pops included (SPOP is logged as the SREM of what
// it drew, so even a snapshot reload in between, which lays sets out afresh, replays the same).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpDataset, killKeep, startOn, stopKeep, tempDir, kill9 } from './aof-support.js';
import type { ServerProcess } from '../helpers/servers.js';
import { RespError } from '../helpers/resp.js';
import { scanAof } from '../../src/persistence/aof-format.js';

const procs: ServerProcess[] = [];
const dirs: string[] = [];
after(() => {
  for (const p of procs) kill9(p);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(dir: string, args: string[] = []): Promise<ServerProcess> {
  const p = await startOn(dir, ['--appendonly', 'yes', '--appendfsync', 'always', ...args]);
  procs.push(p);
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('every kind of write replays to the same dataset after SIGKILL and after a clean restart', async () => {
  const dir = tempDir();
  dirs.push(dir);
  let proc = await start(dir);
  const c = await proc.connect();
  const other = await proc.connect();
  const ok = async (...argv: string[]) => {
    const v = await c.value(...argv);
    assert.ok(!(v instanceof RespError), `${argv.join(' ')} -> ${v instanceof RespError ? v.message : ''}`);
    return v;
  };
  // Strings, binary values, TTLs.
  await ok('SET', 'plain', 'hello');
  await ok('SET', 'empty', '');
  await ok('SET', 'binary', '\x00\xff\r\n$*\x01 bytes');
  await ok('SET', 'ex', 'v', 'EX', '1000');
  await ok('SET', 'px', 'v', 'PX', '500000');
  await ok('SETEX', 'setex', '300', 'v');
  await ok('SET', 'keep', 'a', 'EX', '200');
  await ok('SET', 'keep', 'b', 'KEEPTTL');
  await ok('SET', 'abs', 'v');
  await ok('PEXPIREAT', 'abs', String(Date.now() + 777_777));
  await ok('SET', 'persisted', 'v', 'EX', '100');
  await ok('PERSIST', 'persisted');
  await ok('SET', 'big', '9223372036854775806');
  await ok('INCR', 'big');
  await ok('SET', 'f', '10.5');
  await ok('INCRBYFLOAT', 'f', '0.1');
  await ok('INCRBYFLOAT', 'f', '3.0e3');
  await ok('APPEND', 'plain', ' world');
  await ok('SETRANGE', 'plain', '20', 'far');
  await ok('SETBIT', 'bits', '77', '1');
  await ok('MSET', 'm1', '1', 'm2', '2');
  await ok('GETDEL', 'm2');
  await ok('GETEX', 'm1', 'PX', '600000');
  // A key that expires by itself, and one that expires and is then written again.
  await ok('SET', 'shortlived', 'v', 'PX', '30');
  await ok('SET', 'reborn', 'old', 'PX', '30');
  await sleep(80);
  await ok('RPUSH', 'reborn', 'new');
  // Lists.
  await ok('RPUSH', 'list', 'a', 'b', 'c', 'd', 'e');
  await ok('LPUSH', 'list', 'z');
  await ok('LPOP', 'list');
  await ok('LINSERT', 'list', 'BEFORE', 'c', 'bb');
  await ok('LSET', 'list', '0', 'A');
  await ok('LREM', 'list', '1', 'd');
  await ok('LMOVE', 'list', 'list2', 'RIGHT', 'LEFT');
  await ok('LTRIM', 'list', '0', '2');
  // Hashes.
  await ok('HSET', 'h', 'f1', 'v1', 'f2', 'v2', 'n', '5', 'fl', '1.5');
  await ok('HINCRBY', 'h', 'n', '-7');
  await ok('HINCRBYFLOAT', 'h', 'fl', '0.25');
  await ok('HDEL', 'h', 'f1');
  // Sets: random pops must replay to the same members.
  const members = Array.from({ length: 60 }, (_, i) => `m${i}`);
  await ok('SADD', 'set', ...members);
  await ok('SADD', 'ints', ...Array.from({ length: 40 }, (_, i) => String(i * 7)));
  for (let i = 0; i < 10; i++) await ok('SPOP', 'set');
  await ok('SPOP', 'set', '7');
  await ok('SPOP', 'ints', '5');
  await ok('SREM', 'set', 'm1', 'm2');
  await ok('SMOVE', 'set', 'set2', 'm3');
  await ok('SADD', 'set2', 'm4', 'x');
  await ok('SINTERSTORE', 'inter', 'set', 'set2');
  // Sorted sets.
  await ok('ZADD', 'z', '1', 'a', '2.5', 'b', '-inf', 'c', '+inf', 'd', '0.1', 'e', '3', 'f');
  await ok('ZINCRBY', 'z', '0.2', 'e');
  await ok('ZPOPMIN', 'z');
  await ok('ZREM', 'z', 'f');
  await ok('ZUNIONSTORE', 'zu', '2', 'z', 'set2', 'WEIGHTS', '2', '1');
  // Transactions with SELECT, and a one-command transaction with a random pop.
  await ok('MULTI');
  for (const argv of [['SET', 'tx', '1'], ['SELECT', '3'], ['SET', 'tx3', 'x'], ['INCR', 'ctr3'], ['SPOP', 'nothing'], ['SELECT', '99'], ['SET', 'still3', 'y'], ['SELECT', '0'], ['INCR', 'tx']]) {
    assert.equal(await c.value(...argv), 'QUEUED');
  }
  const exec = await c.value('EXEC');
  assert.ok(Array.isArray(exec) && exec.length === 9, JSON.stringify(exec));
  await ok('MULTI');
  await ok('SPOP', 'set');
  await ok('EXEC');
  await ok('MULTI');
  await ok('SPOP', 'set', '2');
  await ok('SADD', 'set', 'back');
  await ok('EXEC');
  // Databases: SELECT, MOVE, COPY, SWAPDB, FLUSHDB.
  await ok('SELECT', '5');
  await ok('SET', 'five', '5', 'EX', '9999');
  await ok('SET', 'mover', 'm');
  await ok('MOVE', 'mover', '6');
  await ok('COPY', 'five', 'five', 'DB', '7');
  await ok('SELECT', '8');
  await ok('RPUSH', 'eight', '8');
  await ok('SWAPDB', '8', '9');
  await ok('SELECT', '10');
  await ok('SET', 'gone', '1');
  await ok('FLUSHDB');
  await ok('SET', 'after-flush', '1');
  await ok('SELECT', '0');
  // Renames and deletes.
  await ok('SET', 'r1', 'v');
  await ok('RENAME', 'r1', 'r2');
  await ok('DEL', 'plain2', 'r2');
  // A blocking pop served by a later push is recorded and replays like the pop it was.
  const blocked = other.call('BLPOP', 'bq', '0');
  await sleep(50);
  await ok('RPUSH', 'bq', 'x', 'y');
  assert.deepEqual((await blocked).value, ['bq', 'x']);

  const before = await dumpDataset(c);
  assert.ok(before.length > 30, `dataset too small: ${before.length} keys`);
  assert.ok(!before.some((l) => l.includes('"shortlived"')), 'an expired key is listed');
  const info = (await c.value('INFO', 'persistence')) as string;
  assert.match(info, /aof_enabled:1/);
  assert.match(info, /aof_last_write_status:ok/);
  c.close();
  other.close();

  // Every acknowledged write is in the file (appendfsync always): SIGKILL, not a clean stop.
  await killKeep(proc);
  proc = await start(dir);
  let c2 = await proc.connect();
  assert.deepEqual(await dumpDataset(c2), before);
  c2.close();

  // A clean restart (SIGTERM) loads the same, and the file still checks record by record.
  await stopKeep(proc);
  const scan = scanAof(readFileSync(join(dir, 'appendonlydir', 'appendonly.aof')));
  assert.equal(scan.problem, null);
  assert.ok(scan.records > 70, `${scan.records} records`);
  proc = await start(dir);
  c2 = await proc.connect();
  assert.deepEqual(await dumpDataset(c2), before);
  // Writes after a restart append to the same file and survive the next one.
  await c2.value('SPOP', 'ints');
  await c2.value('SPOP', 'set', '3');
  await c2.value('SET', 'new', 'after restart', 'PX', '900000');
  const later = await dumpDataset(c2);
  assert.notDeepEqual(later, before);
  c2.close();
  await killKeep(proc);
  proc = await start(dir);
  c2 = await proc.connect();
  assert.deepEqual(await dumpDataset(c2), later);
  c2.close();
  await killKeep(proc);
});

// With data, CONFIG SET appendonly yes starts a rewrite: aof-rewrite.test.ts covers it.
test('CONFIG SET appendonly: allowed on an empty dataset, and off stops appending', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const p1 = await startOn(dir, []);
  procs.push(p1);
  const c = await p1.connect();
  assert.equal(await c.value('CONFIG', 'GET', 'appendonly').then((v) => (v as string[])[1]), 'no');
  assert.equal(await c.value('CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
  assert.match((await c.value('INFO', 'persistence')) as string, /aof_enabled:1/);
  await c.value('SET', 'k', 'v');
  await c.value('CONFIG', 'SET', 'appendonly', 'no');
  await c.value('SET', 'not-logged', 'v');
  c.close();
  await killKeep(p1);
  const p2 = await start(dir);
  const c2 = await p2.connect();
  assert.deepEqual(await c2.value('KEYS', '*'), ['k']);
  c2.close();
  await killKeep(p2);
});

test('appendfsync always: replies held for the fsync still arrive before QUIT closes the connection', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const p = await start(dir);
  const c = await p.connect();
  c.writeRaw('SET q1 v\r\nSET q2 v\r\nQUIT\r\n');
  assert.deepEqual([(await c.next()).value, (await c.next()).value, (await c.next()).value], ['OK', 'OK', 'OK']);
  await c.waitClosed();
  await killKeep(p);
  const p2 = await start(dir);
  const c2 = await p2.connect();
  assert.deepEqual(await c2.value('MGET', 'q1', 'q2'), ['v', 'v']);
  c2.close();
  await killKeep(p2);
});

test(
  'DEBUG RELOAD (snapshot reload) then SPOP: the AOF replay picks the same members',
  async () => {
    const dir = tempDir();
    dirs.push(dir);
    const p = await start(dir, ['--enable-debug-command', 'yes']);
    const c = await p.connect();
    await c.value('SADD', 's', ...Array.from({ length: 100 }, (_, i) => `m${i}`));
    await c.value('SREM', 's', ...Array.from({ length: 40 }, (_, i) => `m${i * 2}`));
    assert.equal(await c.value('DEBUG', 'RELOAD'), 'OK');
    await c.value('SPOP', 's', '5');
    // Contents only: the reload legitimately changes the member order SMEMBERS shows.
    const before = ((await c.value('SMEMBERS', 's')) as string[]).sort();
    c.close();
    await killKeep(p);
    const p2 = await start(dir);
    const c2 = await p2.connect();
    const afterRestart = ((await c2.value('SMEMBERS', 's')) as string[]).sort();
    c2.close();
    await killKeep(p2);
    assert.deepEqual(afterRestart, before);
  },
);
