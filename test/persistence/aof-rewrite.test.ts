// AOF rewrite with real processes (src/persistence/aof-rewrite.ts): BGREWRITEAOF shrinks the AOF
// and the multi-part files load back to the same dataset after SIGKILL; writes from many clients
// during a rewrite all survive; SIGKILL at random moments while rewrites run never loses an
// acknowledged write under appendfsync always; the automatic rewrite; CONFIG SET appendonly yes
// with data; a failed rewrite keeps the old files in use; BGREWRITEAOF during a BGSAVE is
// scheduled; damaged multi-part AOFs stop startup naming the file; keyraft-check-aof on the
// directory. AOF_REWRITE_SEED=n replays the random timings.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpDataset, expectStartFailure, killKeep, kill9, startOn, tempDir } from './aof-support.js';
import { REPO_ROOT, type ServerProcess } from '../helpers/servers.js';
import { RespError, type RespConnection, type RespValue } from '../helpers/resp.js';
import { parseManifest, type Manifest } from '../../src/persistence/aof-manifest.js';
import { AOF_HEADER } from '../../src/persistence/aof-format.js';

const procs: ServerProcess[] = [];
const dirs: string[] = [];
after(() => {
  for (const p of procs) kill9(p);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const seed = Number(process.env.AOF_REWRITE_SEED ?? Date.now() % 1_000_000);

function rng(s: number): () => number {
  let x = s >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function newDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

async function start(dir: string, args: string[] = []): Promise<ServerProcess> {
  const p = await startOn(dir, ['--appendonly', 'yes', ...args]);
  procs.push(p);
  return p;
}

async function info(c: RespConnection): Promise<Map<string, string>> {
  const text = (await c.value('INFO', 'persistence')) as string;
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const rewriteDone = (c: RespConnection) => waitFor('the rewrite to finish', async () => (await info(c)).get('aof_rewrite_in_progress') === '0');

function manifestOf(dir: string): Manifest {
  return parseManifest(readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1'));
}

function aofBytesOnDisk(dir: string): number {
  const m = manifestOf(dir);
  let n = 0;
  for (const f of [...(m.base ? [m.base] : []), ...m.incrs]) n += statSync(join(dir, 'appendonlydir', f.name)).size;
  return n;
}

function ok(v: RespValue, what: string): void {
  assert.ok(!(v instanceof RespError), `${what} -> ${v instanceof RespError ? v.message : ''}`);
}

/**
 * The whole of db 0 (keys, types, values, exact expiry) read with pipelined commands: the same
 * information as dumpDataset, fast enough for 60k keys.
 */
async function dumpDb0(c: RespConnection): Promise<string[]> {
  await c.value('SELECT', '0');
  const keys = ((await c.value('KEYS', '*')) as string[]).sort();
  const out: string[] = [];
  for (let i = 0; i < keys.length; i += 2000) {
    const chunk = keys.slice(i, i + 2000);
    const types = (await Promise.all(chunk.map((k) => c.value('TYPE', k)))) as string[];
    const values = await Promise.all(
      chunk.map((k, j) => {
        const t = types[j];
        if (t === 'string') return c.value('GET', k);
        if (t === 'list') return c.value('LRANGE', k, '0', '-1');
        if (t === 'hash') return c.value('HGETALL', k);
        if (t === 'set') return c.value('SMEMBERS', k);
        if (t === 'zset') return c.value('ZRANGE', k, '0', '-1', 'WITHSCORES');
        return Promise.resolve(`type ${t}`);
      }),
    );
    const expiries = await Promise.all(chunk.map((k) => c.value('PEXPIRETIME', k)));
    chunk.forEach((k, j) => out.push(`${JSON.stringify(k)} ${types[j]} ${JSON.stringify(values[j])} ${String(expiries[j])}`));
  }
  return out;
}

/** `n` keys `prefix:i` with ~`size`-byte values, in MSETs of 1000 pipelined. */
async function populate(c: RespConnection, prefix: string, n: number, size = 40): Promise<void> {
  const pad = 'x'.repeat(size);
  const batches: Promise<RespValue>[] = [];
  for (let i = 0; i < n; i += 1000) {
    const args: string[] = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) args.push(`${prefix}:${j}`, `${j}${pad}`);
    batches.push(c.value('MSET', ...args));
  }
  for (const r of await Promise.all(batches)) ok(r, 'MSET');
}

test('BGREWRITEAOF: replies, shrinks an AOF of overwrites, and the BASE + INCR files reload the same dataset after SIGKILL', async () => {
  const dir = newDir();
  let p = await start(dir, ['--appendfsync', 'always']);
  let c = await p.connect();
  // A first start writes the manifest, listing the single file of earlier versions as its INCR.
  assert.deepEqual(manifestOf(dir), { base: null, incrs: [{ name: 'appendonly.aof', seq: 1, type: 'i' }] });
  const writes: Promise<RespValue>[] = [];
  for (let i = 0; i < 3000; i++) writes.push(c.value('SET', `k${i % 20}`, `value-${i}`));
  writes.push(c.value('RPUSH', 'list', 'a', 'b', 'c'), c.value('HSET', 'h', 'f', '1', 'g', '2'), c.value('SADD', 's', 'x', 'y'));
  writes.push(c.value('ZADD', 'z', '1', 'a', '2.5', 'b'), c.value('SET', 'ttl', 'v', 'PX', '600000'), c.value('SELECT', '3'), c.value('SET', 'in3', 'v'), c.value('SELECT', '0'));
  writes.push(c.value('SET', 'gone', 'v', 'PX', '1'));
  for (const r of await Promise.all(writes)) ok(r, 'write');
  const sizeBefore = Number((await info(c)).get('aof_current_size'));
  assert.equal(aofBytesOnDisk(dir), sizeBefore);

  c.writeRaw('BGREWRITEAOF\r\nBGREWRITEAOF\r\n');
  assert.equal((await c.next()).value, 'Background append only file rewriting started');
  const second = (await c.next()).value;
  assert.ok(second instanceof RespError && second.message === 'ERR Background append only file rewriting already in progress', String(second));
  await rewriteDone(c);
  const i1 = await info(c);
  assert.equal(i1.get('aof_rewrites'), '1');
  assert.equal(i1.get('aof_last_bgrewrite_status'), 'ok');
  assert.equal(i1.get('aof_rewrites_consecutive_failures'), '0');
  assert.notEqual(i1.get('aof_last_rewrite_time_sec'), '-1');
  assert.equal(i1.get('aof_current_rewrite_time_sec'), '-1');
  const sizeAfter = Number(i1.get('aof_current_size'));
  assert.equal(i1.get('aof_base_size'), String(sizeAfter));
  assert.ok(sizeAfter * 20 < sizeBefore, `rewrite did not shrink the AOF enough: ${sizeBefore} -> ${sizeAfter} bytes`);
  const m = manifestOf(dir);
  assert.ok(m.base !== null && /^appendonly\.aof\.\d+\.base\.krdb$/.test(m.base.name), JSON.stringify(m));
  assert.equal(m.incrs.length, 1);
  await waitFor('old files removed', async () => !existsSync(join(dir, 'appendonlydir', 'appendonly.aof')));
  assert.deepEqual(readdirSync(join(dir, 'appendonlydir')).sort(), [m.base!.name, m.incrs[0]!.name, 'appendonly.aof.manifest'].sort());
  assert.equal(aofBytesOnDisk(dir), sizeAfter);

  // Writes after the rewrite go to the new INCR; SIGKILL and restart: same dataset.
  ok(await c.value('SET', 'after', 'rewrite'), 'SET');
  ok(await c.value('INCR', 'counter'), 'INCR');
  const before = await dumpDataset(c);
  c.close();
  await killKeep(p);
  p = await start(dir);
  c = await p.connect();
  assert.deepEqual(await dumpDataset(c), before);
  // And a second rewrite over the loaded BASE + INCR.
  assert.equal(await c.value('BGREWRITEAOF'), 'Background append only file rewriting started');
  await rewriteDone(c);
  assert.equal((await info(c)).get('aof_rewrites'), '1');
  c.close();
  await killKeep(p);
  p = await start(dir);
  c = await p.connect();
  assert.deepEqual(await dumpDataset(c), before);
  c.close();
  await killKeep(p);
});

test('writes from many clients during a rewrite are all there after SIGKILL and restart', async () => {
  const dir = newDir();
  let p = await start(dir, ['--appendfsync', 'everysec']);
  let c = await p.connect();
  await populate(c, 'fill', 40_000, 200); // ~10 MB: the rewrite spans many write batches
  const clients = await Promise.all(Array.from({ length: 8 }, () => p.connect()));
  assert.equal(await c.value('BGREWRITEAOF'), 'Background append only file rewriting started');
  let during = 0;
  const counts = clients.map(() => 0);
  await Promise.all(
    clients.map(async (cl, i) => {
      for (let round = 0; round < 25; round++) {
        const batch: Promise<RespValue>[] = [];
        for (let j = 0; j < 10; j++) {
          const n = counts[i]!++;
          batch.push(cl.value('SET', `c${i}:${n}`, String(n)), cl.value('INCR', `c${i}:ctr`), cl.value('RPUSH', `c${i}:list`, String(n)));
          // Overwrite and change in place keys the BASE is serializing (copy-on-write).
          batch.push(cl.value('APPEND', `fill:${(i * 7919 + n * 31) % 40_000}`, '!'), cl.value('DEL', `fill:${(i * 104729 + n * 17) % 40_000}`));
        }
        for (const r of await Promise.all(batch)) ok(r, 'write');
        if ((await info(c)).get('aof_rewrite_in_progress') === '1') during++;
      }
    }),
  );
  await rewriteDone(c);
  assert.ok(during > 0, 'no write batch ran while the rewrite was in progress');
  assert.equal((await info(c)).get('aof_last_bgrewrite_status'), 'ok');
  const before = await dumpDb0(c);
  for (const cl of clients) cl.close();
  c.close();
  await killKeep(p);
  p = await start(dir);
  c = await p.connect();
  const afterRestart = await dumpDb0(c);
  assert.equal(afterRestart.length, before.length);
  assert.deepEqual(afterRestart, before);
  for (let i = 0; i < 8; i++) assert.equal(await c.value('GET', `c${i}:ctr`), String(counts[i]));
  c.close();
  await killKeep(p);
});

function opFor(prefix: string, j: number): string[] {
  const i = Math.floor(j / 3);
  if (j % 3 === 0) return ['SET', `${prefix}:k:${i}`, String(i)];
  if (j % 3 === 1) return ['INCR', `${prefix}:ctr`];
  return ['RPUSH', `${prefix}:list`, String(i)];
}

/** How many ops of `prefix`'s sequence the server holds; throws unless it is an exact prefix. */
async function appliedPrefix(c: RespConnection, prefix: string, sent: number): Promise<number> {
  const ctr = await c.value('GET', `${prefix}:ctr`);
  const v = ctr === null ? 0 : Number(ctr);
  const n = Number(await c.value('LLEN', `${prefix}:list`));
  const maxI = Math.ceil(sent / 3) + 1;
  const values = (await c.value('MGET', ...Array.from({ length: maxI + 1 }, (_, i) => `${prefix}:k:${i}`))) as (string | null)[];
  let m = 0;
  while (m < values.length && values[m] === String(m)) m++;
  assert.ok(values.slice(m).every((x) => x === null), `${prefix}: keys after a gap at k:${m}`);
  const total = m + v + n;
  assert.deepEqual([m, v, n], [Math.floor((total + 2) / 3), Math.floor((total + 1) / 3), Math.floor(total / 3)], `${prefix}: not a prefix`);
  assert.ok(total <= sent, `${prefix}: ${total} applied but ${sent} sent`);
  return total;
}

test(`appendfsync always: SIGKILL at random moments while rewrites run never loses an acknowledged write (AOF_REWRITE_SEED=${seed})`, async (t) => {
  const random = rng(seed);
  const dir = newDir();
  const args = ['--appendfsync', 'always'];
  let p = await start(dir, args);
  const c0 = await p.connect();
  const FILL = 30_000;
  await populate(c0, 'fill', FILL, 100);
  c0.close();
  const verified = new Map<string, number>();
  let midRewrite = 0;
  const ROUNDS = 10;
  for (let r = 0; r < ROUNDS; r++) {
    const conns = await Promise.all(Array.from({ length: 4 }, () => p.connect()));
    const progress = conns.map(() => ({ sent: 0, acked: 0 }));
    const ctl = await p.connect();
    let stop = false;
    const hook: { started: (() => void) | null } = { started: null };
    // Back-to-back rewrites, so that most kills land inside one.
    const rewriter = (async () => {
      while (!stop) {
        try {
          if ((await ctl.value('BGREWRITEAOF')) === 'Background append only file rewriting started') hook.started?.();
          await new Promise((res) => setTimeout(res, 5 + random() * 30));
        } catch {
          return;
        }
      }
    })();
    const writers = conns.map(async (conn, i) => {
      const prefix = `r${r}c${i}`;
      const inflight: Promise<void>[] = [];
      let failed = false;
      for (let j = 0; !failed; j++) {
        progress[i]!.sent = j + 1;
        inflight.push(
          conn.value(...opFor(prefix, j)).then(
            (v) => {
              if (v instanceof RespError) throw new Error(v.message);
              progress[i]!.acked = j + 1;
            },
            () => {
              failed = true;
            },
          ),
        );
        if (inflight.length >= 8) await inflight.shift();
        if (conn.closed) failed = true;
      }
      await Promise.all(inflight);
    });
    await new Promise((res) => setTimeout(res, 150 + random() * 350));
    // Odd rounds kill 0-8 ms after a rewrite started (inside it, most likely); even rounds at
    // any moment.
    if (r % 2 === 1) {
      await Promise.race([new Promise<void>((res) => (hook.started = res)), new Promise((res) => setTimeout(res, 1000))]);
      await new Promise((res) => setTimeout(res, random() * 8));
    }
    await killKeep(p);
    stop = true;
    await Promise.all(writers);
    await rewriter;
    for (const x of [...conns, ctl]) x.close();
    const m = manifestOf(dir);
    if (m.incrs.length > 1) midRewrite++; // the intermediate manifest: killed between switch and finish
    p = await start(dir, args);
    const c = await p.connect();
    for (const [prefix, n] of verified) assert.equal(await appliedPrefix(c, prefix, n), n, `${prefix} changed after a later crash`);
    for (let i = 0; i < 4; i++) {
      const prefix = `r${r}c${i}`;
      const { sent, acked } = progress[i]!;
      const n = await appliedPrefix(c, prefix, sent);
      assert.ok(n >= acked, `${prefix}: ${acked} acknowledged but ${n} survived (round ${r})`);
      verified.set(prefix, n);
    }
    const sample = Array.from({ length: 50 }, () => Math.floor(random() * FILL));
    const got = (await c.value('MGET', ...sample.map((i) => `fill:${i}`))) as string[];
    assert.deepEqual(got, sample.map((i) => `${i}${'x'.repeat(100)}`), 'filler keys changed');
    c.close();
  }
  await killKeep(p);
  t.diagnostic(`${midRewrite} of ${ROUNDS} kills left the intermediate manifest (killed mid-rewrite)`);
  assert.ok(midRewrite > 0, 'no kill landed inside a rewrite');
});

test('automatic rewrite: auto-aof-rewrite-min-size / -percentage trigger it; CONFIG GET/SET them', async () => {
  const dir = newDir();
  const p = await start(dir, ['--auto-aof-rewrite-min-size', '20000']);
  const c = await p.connect();
  const got = (await c.value('CONFIG', 'GET', 'auto-aof-rewrite-*')) as string[];
  assert.deepEqual(new Map([[got[0], got[1]], [got[2], got[3]]]), new Map([['auto-aof-rewrite-min-size', '20000'], ['auto-aof-rewrite-percentage', '100']]));
  assert.equal(await c.value('CONFIG', 'SET', 'auto-aof-rewrite-percentage', '0'), 'OK');
  for (let i = 0; i < 600; i++) await c.value('SET', `k${i % 5}`, 'v'.repeat(50));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await info(c)).get('aof_rewrites'), '0', 'percentage 0 disables the automatic rewrite');
  assert.equal(await c.value('CONFIG', 'SET', 'auto-aof-rewrite-percentage', '100'), 'OK');
  await waitFor('an automatic rewrite', async () => (await info(c)).get('aof_rewrites') === '1');
  const i1 = await info(c);
  const base = Number(i1.get('aof_base_size'));
  assert.ok(base < 2000, `base ${base}`);
  assert.match(p.output, /Starting automatic rewriting of AOF on \d+% growth/);
  // Below min size nothing more happens even though the growth is large.
  assert.equal(await c.value('CONFIG', 'SET', 'auto-aof-rewrite-min-size', '100mb'), 'OK');
  assert.deepEqual(await c.value('CONFIG', 'GET', 'auto-aof-rewrite-min-size'), ['auto-aof-rewrite-min-size', '104857600']);
  for (let i = 0; i < 300; i++) await c.value('SET', `k${i % 5}`, 'v'.repeat(50));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await info(c)).get('aof_rewrites'), '1');
  c.close();
  await killKeep(p);
});

test('CONFIG SET appendonly yes with data: OK, rewrite in progress, then the AOF holds the dataset across SIGKILL', async () => {
  const dir = newDir();
  const p = await startOn(dir, []);
  procs.push(p);
  const c = await p.connect();
  await populate(c, 'd', 40_000);
  await c.value('HSET', 'h', 'a', '1');
  await c.value('SET', 'ttl', 'v', 'EX', '1000');
  c.writeRaw('CONFIG SET appendonly yes\r\nINFO persistence\r\n');
  assert.equal((await c.next()).value, 'OK');
  const i0 = (await c.next()).value as string;
  assert.match(i0, /aof_enabled:1/);
  assert.match(i0, /aof_rewrite_in_progress:1/);
  // Writes while the first BASE is written land in the new INCR.
  for (let i = 0; i < 200; i++) await c.value('SET', `d:${i}`, 'changed');
  await c.value('DEL', 'd:39999');
  await rewriteDone(c);
  assert.equal((await info(c)).get('aof_rewrites'), '1');
  const before = await dumpDb0(c);
  c.close();
  await killKeep(p);
  const p2 = await start(dir);
  const c2 = await p2.connect();
  assert.equal(Number(await c2.value('DBSIZE')), 40_001);
  assert.deepEqual(await dumpDb0(c2), before);
  c2.close();
  await killKeep(p2);
});

test('a failed rewrite keeps the old files in use, reports err, and the next one succeeds', async () => {
  const dir = newDir();
  let p = await start(dir, ['--appendfsync', 'always']);
  let c = await p.connect();
  for (let i = 0; i < 50; i++) await c.value('SET', `k${i}`, String(i));
  // The rewrite will create INCR seq 2 and then BASE seq 3: a directory in the way of the
  // BASE's final rename makes it fail after the switch.
  const blocker = join(dir, 'appendonlydir', 'appendonly.aof.3.base.krdb');
  mkdirSync(join(blocker, 'x'), { recursive: true });
  assert.equal(await c.value('BGREWRITEAOF'), 'Background append only file rewriting started');
  await rewriteDone(c);
  const i1 = await info(c);
  assert.equal(i1.get('aof_last_bgrewrite_status'), 'err');
  assert.equal(i1.get('aof_rewrites_consecutive_failures'), '1');
  assert.equal(i1.get('aof_rewrites'), '0');
  // The intermediate manifest: the old file, then the new INCR the writer switched to.
  assert.deepEqual(manifestOf(dir).incrs.map((f) => f.name), ['appendonly.aof', 'appendonly.aof.2.incr.aof']);
  await c.value('SET', 'after-failure', '1');
  const before = await dumpDb0(c);
  c.close();
  await killKeep(p);
  rmSync(blocker, { recursive: true });
  p = await start(dir, ['--appendfsync', 'always']);
  c = await p.connect();
  assert.deepEqual(await dumpDb0(c), before);
  assert.equal(await c.value('BGREWRITEAOF'), 'Background append only file rewriting started');
  await rewriteDone(c);
  assert.equal((await info(c)).get('aof_last_bgrewrite_status'), 'ok');
  assert.equal(manifestOf(dir).incrs.length, 1);
  c.close();
  await killKeep(p);
  p = await start(dir);
  c = await p.connect();
  assert.deepEqual(await dumpDb0(c), before);
  c.close();
  await killKeep(p);
});

test('BGREWRITEAOF during a BGSAVE is scheduled and runs after it; with appendonly no it writes a BASE-only AOF', async () => {
  const dir = newDir();
  const p = await startOn(dir, []);
  procs.push(p);
  const c = await p.connect();
  await populate(c, 'k', 100_000);
  c.writeRaw('BGSAVE\r\nBGREWRITEAOF\r\nINFO persistence\r\n');
  assert.equal((await c.next()).value, 'Background saving started');
  assert.equal((await c.next()).value, 'Background append only file rewriting scheduled');
  const i0 = (await c.next()).value as string;
  assert.match(i0, /aof_rewrite_scheduled:1/);
  await waitFor('the scheduled rewrite', async () => (await info(c)).get('aof_rewrites') === '1');
  assert.equal((await info(c)).get('aof_rewrite_scheduled'), '0');
  const m = manifestOf(dir);
  assert.ok(m.base !== null);
  assert.deepEqual(m.incrs, []);
  c.close();
  await killKeep(p);
  // Starting with appendonly yes on it loads the BASE (and adds an INCR).
  const p2 = await start(dir);
  const c2 = await p2.connect();
  assert.equal(Number(await c2.value('DBSIZE')), 100_000);
  assert.equal(manifestOf(dir).incrs.length, 1);
  c2.close();
  await killKeep(p2);
});

test('damaged multi-part AOF: a bad middle INCR or a missing file stops startup naming the file; keyraft-check-aof checks the directory', async () => {
  const dir = newDir();
  const p = await start(dir);
  const c = await p.connect();
  for (let i = 0; i < 30; i++) await c.value('SET', `k${i}`, String(i));
  assert.equal(await c.value('BGREWRITEAOF'), 'Background append only file rewriting started');
  await rewriteDone(c);
  for (let i = 0; i < 30; i++) await c.value('SET', `k${i}`, `again${i}`);
  c.close();
  await killKeep(p);
  const adir = join(dir, 'appendonlydir');
  const m = manifestOf(dir);
  // A second INCR after the current one (as the intermediate manifest of a rewrite has).
  writeFileSync(join(adir, 'appendonly.aof.9.incr.aof'), AOF_HEADER);
  const two: Manifest = { base: m.base, incrs: [m.incrs[0]!, { name: 'appendonly.aof.9.incr.aof', seq: 9, type: 'i' }] };
  writeFileSync(join(adir, 'appendonly.aof.manifest'), `file ${two.base!.name} seq ${two.base!.seq} type b\n${two.incrs.map((f) => `file ${f.name} seq ${f.seq} type i\n`).join('')}`);
  const p2 = await start(dir);
  const c2 = await p2.connect();
  assert.equal(await c2.value('GET', 'k7'), 'again7');
  c2.close();
  await killKeep(p2);
  const checker = join(REPO_ROOT, 'dist/src/bin/keyraft-check-aof.js');
  const good = spawnSync(process.execPath, [checker, adir], { encoding: 'utf8' });
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /appendonly\.aof\.9\.incr\.aof/);
  // Cut the middle INCR: a torn tail is fatal there (only the last file may have one).
  const middle = join(adir, m.incrs[0]!.name);
  truncateSync(middle, statSync(middle).size - 3);
  const refused = await expectStartFailure(dir, ['--appendonly', 'yes']);
  assert.equal(refused.code, 1);
  assert.ok(refused.output.includes(middle) && /not the last file/.test(refused.output), refused.output);
  const bad = spawnSync(process.execPath, [checker, adir], { encoding: 'utf8' });
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  assert.ok(bad.stdout.includes(m.incrs[0]!.name), bad.stdout);
  // A listed file that is missing.
  rmSync(join(adir, m.base!.name));
  const missing = await expectStartFailure(dir, ['--appendonly', 'yes']);
  assert.match(missing.output, /base file .* doesn't exist/);
});

test('CONFIG SET appendonly yes / BGREWRITEAOF when the AOF directory cannot be created: errors, and the server keeps running', async () => {
  const dir = newDir();
  writeFileSync(join(dir, 'appendonlydir'), 'not a directory');
  const p = await startOn(dir, []);
  procs.push(p);
  const c = await p.connect();
  await c.value('SET', 'k', 'v');
  const r = await c.value('CONFIG', 'SET', 'appendonly', 'yes');
  assert.ok(r instanceof RespError && /Unable to turn on AOF/.test(r.message), String(r));
  assert.deepEqual(await c.value('CONFIG', 'GET', 'appendonly'), ['appendonly', 'no']);
  const b = await c.value('BGREWRITEAOF');
  assert.ok(b instanceof RespError && b.message.startsWith("ERR Can't execute an AOF background rewriting"), String(b));
  const i = await info(c);
  assert.equal(i.get('aof_enabled'), '0');
  assert.equal(i.get('aof_last_bgrewrite_status'), 'err');
  assert.equal(await c.value('GET', 'k'), 'v');
  c.close();
  await killKeep(p);
});
