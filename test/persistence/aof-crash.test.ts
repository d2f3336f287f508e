// Crash tests with real processes. Several connections each run their own sequence of writes —
// SET k:i i, INCR ctr, RPUSH list i, for i = 0, 1, 2… — pipelined, recording how many were sent
// and how many acknowledged. The server is SIGKILLed at a random moment, restarted on the same
// directory, and each connection's state must be exactly a prefix of its sequence (never
// garbage, never a write that was not sent) of a length between what was acknowledged and what
// was sent. Under appendfsync always no acknowledged write may be missing; under everysec the
// loss is measured and reported (a process crash keeps the page cache, so it should be 0; only
// a machine crash can lose up to the last second, which SIGKILL cannot simulate).
// Earlier rounds' data must stay intact through every later crash and torn-tail truncation.
// AOF_CRASH_SEED=n replays the kill timings.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { killKeep, startOn, tempDir, kill9 } from './aof-support.js';
import type { ServerProcess } from '../helpers/servers.js';
import { RespError, type RespConnection } from '../helpers/resp.js';

const CONNECTIONS = 4;
/** Requests each connection keeps in flight. */
const PIPELINE_DEPTH = 8;

const procs: ServerProcess[] = [];
const dirs: string[] = [];
after(() => {
  for (const p of procs) kill9(p);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function opFor(prefix: string, j: number): string[] {
  const i = Math.floor(j / 3);
  if (j % 3 === 0) return ['SET', `${prefix}:k:${i}`, String(i)];
  if (j % 3 === 1) return ['INCR', `${prefix}:ctr`];
  return ['RPUSH', `${prefix}:list`, String(i)];
}

interface Progress {
  sent: number;
  acked: number;
}

/** Runs one connection's sequence until the connection dies. */
async function runWriter(conn: RespConnection, prefix: string, progress: Progress): Promise<void> {
  const inflight: Promise<void>[] = [];
  let failed = false;
  for (let j = 0; !failed; j++) {
    const op = opFor(prefix, j);
    progress.sent = j + 1;
    inflight.push(
      conn.value(...op).then(
        (v) => {
          if (v instanceof RespError) throw new Error(`${op.join(' ')} -> ${v.message}`);
          progress.acked = j + 1; // replies arrive in order
        },
        () => {
          failed = true;
        },
      ),
    );
    if (inflight.length >= PIPELINE_DEPTH) await inflight.shift();
    if (conn.closed) failed = true;
  }
  await Promise.all(inflight);
}

/** How many ops of `prefix`'s sequence the server holds; throws unless it is an exact prefix. */
async function appliedPrefix(c: RespConnection, prefix: string, sent: number): Promise<number> {
  const ctr = await c.value('GET', `${prefix}:ctr`);
  const v = ctr === null ? 0 : Number(ctr);
  const list = (await c.value('LRANGE', `${prefix}:list`, '0', '-1')) as string[];
  const n = list.length;
  assert.deepEqual(list, Array.from({ length: n }, (_, i) => String(i)), `${prefix}: list is not 0..n-1`);
  // Keys k:0..k:(m-1) with their values, and none after.
  let m = 0;
  const maxI = Math.ceil(sent / 3) + 1;
  const values = (await c.value('MGET', ...Array.from({ length: maxI + 1 }, (_, i) => `${prefix}:k:${i}`))) as (string | null)[];
  while (m < values.length && values[m] !== null) {
    assert.equal(values[m], String(m), `${prefix}:k:${m}`);
    m++;
  }
  assert.ok(values.slice(m).every((x) => x === null), `${prefix}: keys after a gap at k:${m}`);
  const p = m + v + n;
  assert.deepEqual([m, v, n], [Math.floor((p + 2) / 3), Math.floor((p + 1) / 3), Math.floor(p / 3)], `${prefix}: SET/INCR/RPUSH counts are not a prefix`);
  assert.ok(p <= sent, `${prefix}: ${p} ops applied but only ${sent} sent`);
  return p;
}

async function crashRounds(policy: 'always' | 'everysec', rounds: number, seed: number): Promise<{ lost: number[]; acked: number[]; rates: number[] }> {
  const random = rng(seed);
  const dir = tempDir();
  dirs.push(dir);
  const args = ['--appendonly', 'yes', '--appendfsync', policy];
  let proc = await startOn(dir, args);
  procs.push(proc);
  const verified = new Map<string, number>();
  const lost: number[] = [];
  const ackedPerRound: number[] = [];
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const conns = await Promise.all(Array.from({ length: CONNECTIONS }, () => proc.connect()));
    const progress = conns.map(() => ({ sent: 0, acked: 0 }));
    const started = Date.now();
    const writers = conns.map((c, i) => runWriter(c, `r${r}c${i}`, progress[i]!));
    await new Promise((res) => setTimeout(res, 150 + random() * 600));
    await killKeep(proc);
    const elapsedMs = Date.now() - started;
    await Promise.all(writers);
    for (const c of conns) c.close();
    proc = await startOn(dir, args);
    procs.push(proc);
    const c = await proc.connect();
    // Earlier rounds are untouched by this crash.
    for (const [prefix, p] of verified) assert.equal(await appliedPrefix(c, prefix, p), p, `${prefix} changed after a later crash`);
    let roundLost = 0;
    let roundAcked = 0;
    for (let i = 0; i < CONNECTIONS; i++) {
      const prefix = `r${r}c${i}`;
      const { sent, acked } = progress[i]!;
      const p = await appliedPrefix(c, prefix, sent);
      if (policy === 'always') assert.ok(p >= acked, `${prefix}: ${acked} writes acknowledged but only ${p} survived (appendfsync always)`);
      roundLost += Math.max(0, acked - p);
      roundAcked += acked;
      verified.set(prefix, p);
    }
    c.close();
    lost.push(roundLost);
    ackedPerRound.push(roundAcked);
    rates.push((roundAcked / elapsedMs) * 1000);
    assert.ok(roundAcked > 0, `round ${r}: nothing was acknowledged`);
  }
  await killKeep(proc);
  return { lost, acked: ackedPerRound, rates };
}

const seed = Number(process.env.AOF_CRASH_SEED ?? Date.now() % 1_000_000);

test(`appendfsync always: after each of 8 SIGKILLs every acknowledged write is there, as a prefix (AOF_CRASH_SEED=${seed})`, async (t) => {
  const { acked, rates } = await crashRounds('always', 8, seed);
  t.diagnostic(`acknowledged writes per round: ${acked.join(' ')}; ~${Math.round(rates.reduce((a, b) => a + b) / rates.length)} acks/s`);
});

test(`appendfsync everysec: acknowledged writes lost by SIGKILL are measured (AOF_CRASH_SEED=${seed})`, async (t) => {
  const { lost, acked, rates } = await crashRounds('everysec', 3, seed + 1);
  const rate = rates.reduce((a, b) => a + b) / rates.length;
  t.diagnostic(`lost/acknowledged per round: ${lost.map((l, i) => `${l}/${acked[i]}`).join(' ')} (~${Math.round(rate)} acks/s)`);
  // Replies leave only after the turn's write(2): a process crash should lose none; the bound
  // the policy promises (about one second of writes) is what a machine crash may lose.
  for (const l of lost) assert.ok(l <= rate, `${l} acknowledged writes lost, more than a second's worth`);
});
