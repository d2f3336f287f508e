// Snapshots with real processes: every value type and edge case survives SAVE + restart on the same
// --dir (and DEBUG RELOAD, with the same OBJECT ENCODING as real Redis after its own DEBUG RELOAD);
// SHUTDOWN saves and SHUTDOWN NOSAVE does not; a `save 1 1` rule saves by itself; a corrupt or
// truncated snapshot stops startup with a clear message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startOn, stopKeep, expectStartFailure, dumpDataset, tempDir, kill9 } from './aof-support.js';
import { startKeyraft, startRedis, referenceRedisSkipReason } from '../helpers/servers.js';
import { RespConnection, RespError } from '../helpers/resp.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).latin1Slice();

/** Every value type in several encodings plus the edge cases, spread over the 16 databases. */
async function populate(c: RespConnection): Promise<void> {
  const ok = async (...argv: string[]) => {
    const r = await c.value(...argv);
    if (r instanceof RespError) throw new Error(`${argv.join(' ')}: ${r.message}`);
  };
  await ok('SET', 'empty', '');
  await ok('SET', 'binary', ALL_BYTES);
  await ok('SET', `key\0with\xffbytes`, 'v');
  await ok('SET', '', 'empty key');
  await ok('SET', 'int', '12345');
  await ok('SET', 'max', '9223372036854775807');
  await ok('SET', 'min', '-9223372036854775808');
  await ok('SET', 'bigger', '123456789012345678901234567890');
  await ok('INCRBY', 'counter', '9007199254740993');
  await ok('SET', 'float', '3.14');
  await ok('INCRBYFLOAT', 'float', '0.1');
  await ok('SET', 'large', 'x'.repeat(3 << 20));
  await ok('APPEND', 'appended', 'abc');
  await ok('APPEND', 'appended', 'def');
  await ok('SETRANGE', 'ranged', '1000', 'tail');
  await ok('SETBIT', 'bits', '100001', '1');
  await ok('SET', 'ttl', 'v', 'PX', '3600000');
  await ok('SET', 'ttl-far', 'v');
  await ok('PEXPIREAT', 'ttl-far', '9223372036854775807');
  await ok('RPUSH', 'list', 'a', '', ALL_BYTES, '-1', '99999999999999999999');
  const many = Array.from({ length: 5000 }, (_, i) => `e${i}`);
  await ok('RPUSH', 'biglist', ...many);
  await ok('PEXPIRE', 'biglist', '7200000');
  await ok('HSET', 'hash', 'f1', 'v1', 'f2', '', '', 'empty field');
  await ok('HSET', 'hash-long', 'f', 'y'.repeat(100));
  await ok('HSET', 'bighash', ...Array.from({ length: 1200 }, (_, i) => [`f${i}`, `v${i}`]).flat());
  await ok('HDEL', 'bighash', 'f7', 'f500');
  await ok('SADD', 'intset', '3', '1', '2', '-5', '9223372036854775807');
  await ok('SADD', 'bigintset', ...Array.from({ length: 600 }, (_, i) => String(i * 7)));
  await ok('SADD', 'strset', 'a', 'b', '', ALL_BYTES);
  await ok('SADD', 'mixed', '1', '2', 'x');
  await ok('SREM', 'mixed', 'x');
  await ok('ZADD', 'zset', '1', 'a', '2.5', 'b', '-0', 'c', 'inf', 'd', '-inf', 'e', '1e300', 'f');
  await ok('ZADD', 'bigzset', ...Array.from({ length: 300 }, (_, i) => [String(i / 3), `m${i}`]).flat());
  await ok('ZADD', 'zlong', '1', 'z'.repeat(80));
  await ok('ZADD', 'zneg0', '5', 'x'.repeat(70), '-0', 'negzero');
  await ok('XADD', 'stream', '1-1', 'a', '1');
  await ok('XADD', 'stream', '1-2', 'b', '');
  await ok('XADD', 'stream', '5-0', 'c', '3', 'd', ALL_BYTES);
  for (let i = 0; i < 250; i++) await ok('XADD', 'stream', `${10 + i}-0`, 'n', String(i));
  await ok('XDEL', 'stream', '1-2', '20-0');
  await ok('XGROUP', 'CREATE', 'stream', 'g1', '0');
  await ok('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '3', 'STREAMS', 'stream', '>');
  await ok('XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '2', 'STREAMS', 'stream', '>');
  await ok('XGROUP', 'CREATECONSUMER', 'stream', 'g1', 'carol');
  await ok('XGROUP', 'CREATE', 'stream', 'g2', '$');
  await ok('XADD', 'bigids', '9007199254740993-18446744073709551614', 'f', 'v');
  await ok('XADD', 'emptied', '1-1', 'f', 'v');
  await ok('XDEL', 'emptied', '1-1');
  for (let db = 1; db < 16; db++) {
    await ok('SELECT', String(db));
    await ok('SET', `db${db}`, String(db));
    if (db % 3 === 0) await ok('RPUSH', `l${db}`, 'x', 'y');
  }
  await ok('SELECT', '0');
}

async function encodings(c: RespConnection): Promise<string[]> {
  const out: string[] = [];
  const keys = ((await c.value('KEYS', '*')) as string[]).sort();
  for (const k of keys) out.push(`${JSON.stringify(k)} ${(await c.value('OBJECT', 'ENCODING', k)) as string}`);
  return out;
}

/** What dumpDataset leaves out for streams: entries, metadata, groups, consumers and PELs. */
async function streams(c: RespConnection): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const k of ['stream', 'bigids', 'emptied']) out.push(k, await c.value('XINFO', 'STREAM', k, 'FULL'), await c.value('XRANGE', k, '-', '+'));
  return out;
}

test('every type and edge case survives SAVE and a restart on the same dir, and DEBUG RELOAD', async () => {
  const dir = tempDir();
  let k = await startOn(dir, ['--enable-debug-command', 'yes']);
  try {
    let c = await k.connect();
    await populate(c);
    const before = await dumpDataset(c);
    const streamsBefore = await streams(c);
    assert.ok(before.length > 40);
    assert.match(JSON.stringify(streamsBefore), /alice.*bob.*carol/);
    assert.equal(await c.value('SAVE'), 'OK');
    // DEBUG RELOAD: save, flush, load in place.
    assert.equal(await c.value('DEBUG', 'RELOAD'), 'OK');
    assert.deepEqual(await dumpDataset(c), before);
    assert.deepEqual(await streams(c), streamsBefore);
    c.close();
    await stopKeep(k);
    k = await startOn(dir, ['--enable-debug-command', 'yes']);
    c = await k.connect();
    assert.deepEqual(await dumpDataset(c), before);
    assert.deepEqual(await streams(c), streamsBefore);
    const info = (await c.value('INFO', 'persistence')) as string;
    assert.match(info, /rdb_last_load_keys_loaded:\d{2}/);
    assert.match(info, /loading:0/);
    c.close();
  } finally {
    kill9(k);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('after DEBUG RELOAD every key has the OBJECT ENCODING real Redis gives it after its own', { skip: referenceRedisSkipReason() }, async () => {
  const k = await startKeyraft(['--enable-debug-command', 'yes', '--save', '']);
  const r = await startRedis(['--enable-debug-command', 'yes']);
  try {
    const kc = await k.connect();
    const rc = await r.connect();
    await populate(kc);
    await populate(rc);
    assert.deepEqual(await encodings(kc), await encodings(rc), 'before reload');
    assert.equal(await kc.value('DEBUG', 'RELOAD'), 'OK');
    assert.equal(await rc.value('DEBUG', 'RELOAD'), 'OK');
    assert.deepEqual(await encodings(kc), await encodings(rc), 'after reload');
    kc.close();
    rc.close();
  } finally {
    await k.stop();
    await r.stop();
  }
});

test('SHUTDOWN saves when save points are set, SHUTDOWN NOSAVE does not, SHUTDOWN SAVE always does', async () => {
  const dir = tempDir();
  const file = join(dir, 'dump.krdb');
  try {
    let k = await startOn(dir, ['--save', '3600 1']);
    let c = await k.connect();
    await c.value('SET', 'a', '1');
    c.writeRaw(Buffer.from('SHUTDOWN\r\n'));
    assert.equal(await k.waitExit(10000), 0);
    assert.ok(existsSync(file), 'SHUTDOWN wrote the snapshot');
    assert.match(k.output, /Saving the final snapshot before exiting/);

    k = await startOn(dir, ['--save', '3600 1']);
    c = await k.connect();
    assert.equal(await c.value('GET', 'a'), '1');
    await c.value('SET', 'a', '2');
    c.writeRaw(Buffer.from('SHUTDOWN NOSAVE\r\n'));
    assert.equal(await k.waitExit(10000), 0);

    // No save points: plain SHUTDOWN does not save, SHUTDOWN SAVE does.
    k = await startOn(dir, ['--save', '']);
    c = await k.connect();
    assert.equal(await c.value('GET', 'a'), '1', 'NOSAVE left the older snapshot');
    await c.value('SET', 'a', '3');
    c.writeRaw(Buffer.from('SHUTDOWN\r\n'));
    assert.equal(await k.waitExit(10000), 0);
    k = await startOn(dir, ['--save', '']);
    c = await k.connect();
    assert.equal(await c.value('GET', 'a'), '1');
    await c.value('SET', 'a', '4');
    c.writeRaw(Buffer.from('SHUTDOWN SAVE\r\n'));
    assert.equal(await k.waitExit(10000), 0);
    k = await startOn(dir, ['--save', '']);
    c = await k.connect();
    assert.equal(await c.value('GET', 'a'), '4');
    // SIGTERM saves when save points are configured, as Redis does.
    await c.value('SET', 'a', '5');
    kill9(k);
    await k.waitExit();
    k = await startOn(dir, ['--save', '3600 1']);
    c = await k.connect();
    assert.equal(await c.value('GET', 'a'), '4', 'SIGKILL saved nothing');
    await c.value('SET', 'a', '6');
    c.close();
    await stopKeep(k);
    assert.match(k.output, /Received SIGTERM/);
    k = await startOn(dir);
    c = await k.connect();
    assert.equal(await c.value('GET', 'a'), '6', 'SIGTERM saved');
    c.close();
    kill9(k);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a `save 1 1` rule starts a BGSAVE by itself; LASTSAVE and INFO follow', async () => {
  const dir = tempDir();
  const k = await startOn(dir, ['--save', '1 1']);
  try {
    const c = await k.connect();
    const lastBefore = (await c.value('LASTSAVE')) as number;
    assert.equal(await c.value('SET', 'x', 'y'), 'OK');
    let info = (await c.value('INFO', 'persistence')) as string;
    assert.match(info, /rdb_changes_since_last_save:1\r\n/);
    const deadline = Date.now() + 5000;
    while (!/rdb_saves:[1-9]/.test(info)) {
      assert.ok(Date.now() < deadline, `no save within 5 s:\n${info}`);
      await new Promise((r) => setTimeout(r, 100));
      info = (await c.value('INFO', 'persistence')) as string;
    }
    assert.match(info, /rdb_changes_since_last_save:0\r\n/);
    assert.match(info, /rdb_last_bgsave_status:ok/);
    assert.ok(((await c.value('LASTSAVE')) as number) > lastBefore);
    assert.ok(existsSync(join(dir, 'dump.krdb')));
    assert.match(k.output, /1 changes in 1 seconds\. Saving\.\.\./);
    c.close();
  } finally {
    kill9(k);
    await k.waitExit();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SAVE and BGSAVE replies; BGSAVE arguments as Redis', async () => {
  const dir = tempDir();
  const k = await startOn(dir);
  try {
    const c = await k.connect();
    await c.value('SET', 'a', '1');
    assert.equal(await c.value('BGSAVE'), 'Background saving started');
    const again = await c.value('BGSAVE');
    // Either still running, or already finished on this tiny dataset.
    assert.ok(again === 'Background saving started' || (again instanceof RespError && again.message === 'ERR Background save already in progress'), String(again));
    const syntax = await c.value('BGSAVE', 'NOW');
    assert.ok(syntax instanceof RespError && syntax.message === 'ERR syntax error');
    for (let i = 0; i < 50 && /rdb_bgsave_in_progress:1/.test((await c.value('INFO', 'persistence')) as string); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await c.value('BGSAVE', 'SCHEDULE'), 'Background saving started');
    for (let i = 0; i < 50 && /rdb_bgsave_in_progress:1/.test((await c.value('INFO', 'persistence')) as string); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await c.value('SAVE'), 'OK');
    c.close();
  } finally {
    kill9(k);
    await k.waitExit();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt or truncated snapshot stops startup with a clear message', async () => {
  const dir = tempDir();
  const file = join(dir, 'dump.krdb');
  try {
    const k = await startOn(dir);
    const c = await k.connect();
    for (let i = 0; i < 200; i++) await c.value('SET', `k${i}`, `value-${i}`);
    await c.value('RPUSH', 'l', 'a', 'b');
    assert.equal(await c.value('SAVE'), 'OK');
    c.close();
    kill9(k);
    await k.waitExit();
    const good = readFileSync(file);

    const flipped = Buffer.from(good);
    flipped[Math.floor(good.length / 2)]! ^= 0x01;
    writeFileSync(file, flipped);
    let r = await expectStartFailure(dir);
    assert.equal(r.code, 1);
    assert.match(r.output, /FATAL: cannot load the snapshot: .*dump\.krdb (failed its checksum|is corrupt)/);

    writeFileSync(file, good.subarray(0, good.length - 3));
    r = await expectStartFailure(dir);
    assert.equal(r.code, 1);
    assert.match(r.output, /FATAL: cannot load the snapshot: .*(truncated|end of file)/);

    writeFileSync(file, Buffer.from('REDIS0010 this is not ours'));
    r = await expectStartFailure(dir);
    assert.match(r.output, /not a keyraft snapshot/);

    // The good file still loads.
    writeFileSync(file, good);
    assert.equal(statSync(file).size, good.length);
    const k2 = await startOn(dir);
    const c2 = await k2.connect();
    assert.equal(await c2.value('DBSIZE'), 201);
    c2.close();
    kill9(k2);
    await k2.waitExit();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed BGSAVE makes writes and PING answer -MISCONF as in Redis, until a save works or the option is off', { skip: referenceRedisSkipReason() }, async () => {
  const k = await startKeyraft(['--save', '3600 1']);
  const r = await startRedis(['--save', '3600 1']);
  try {
    const kc = await k.connect();
    const rc = await r.connect();
    const both = async (...argv: string[]) => {
      const [a, b] = [await kc.call(...argv), await rc.call(...argv)];
      assert.equal(a.raw.toString('latin1'), b.raw.toString('latin1'), argv.join(' '));
      return a.value;
    };
    await both('SET', 'a', '1');
    // The directory disappears: the next save cannot create its temporary file.
    rmSync(k.dir, { recursive: true, force: true });
    rmSync(r.dir, { recursive: true, force: true });
    await both('BGSAVE');
    for (const c of [kc, rc]) {
      for (let i = 0; i < 200 && !/rdb_bgsave_in_progress:0/.test((await c.value('INFO', 'persistence')) as string); i++) await new Promise((res) => setTimeout(res, 10));
      assert.match((await c.value('INFO', 'persistence')) as string, /rdb_last_bgsave_status:err/);
    }
    const denied = await both('SET', 'a', '2');
    assert.ok(denied instanceof RespError && denied.message.startsWith('MISCONF'));
    await both('PING');
    await both('GET', 'a');
    await both('MULTI');
    await both('SET', 'a', '3');
    await both('EXEC');
    await both('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no');
    await both('SET', 'a', '4');
    await both('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes');
    await both('DEL', 'a');
    await both('CONFIG', 'SET', 'save', '');
    await both('SET', 'a', '5');
    kc.close();
    rc.close();
  } finally {
    await k.stop();
    await r.stop();
  }
});
