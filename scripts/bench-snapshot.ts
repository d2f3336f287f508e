// `node dist/scripts/bench-snapshot.js [--keys 1000000] [--port 7720]`: snapshots side by side
// with Debian's redis-server (RDB), both started with `save ""` on their own temporary --dir:
//   1. load N string keys (SET key:<i> <16-byte value>, pipelined),
//   2. SAVE on each, timed from the client,
//   3. restart each on the same dir and time spawn → first PONG (PING answers -LOADING before),
//      minus the same measure for an empty dataset (process start-up: Node's is ~100x Redis's),
//      in wall time and in the server process's CPU time (all threads; steadier under load),
//   4. GET latency from 8 connections (one request in flight each) without and during a BGSAVE:
//      p50/p99/max; Redis forks, keyraft serializes in 1 ms slices with copy-on-write.
// Numbers on this shared 2-core machine drift; the ratios of one run are what to read.

import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '../..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

const KEYS = Number(arg('keys', '1000000'));
const BASE_PORT = Number(arg('port', '7720'));

type Kind = 'keyraft' | 'redis';

function spawnServer(kind: Kind, port: number, dir: string): ChildProcess {
  return kind === 'keyraft'
    ? spawn(process.execPath, [join(ROOT, 'dist/src/bin/keyraft-server.js'), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], { stdio: 'ignore' })
    : spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', 'dump.krdb'], { stdio: 'ignore' });
}

/** A minimal client: one request in flight, replies read as raw lines/bulks. */
class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((s: string) => void) | null = null;
  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.pump();
    });
  }
  static open(port: number): Promise<Conn> {
    return new Promise((res, rej) => {
      const s = connect({ port, host: '127.0.0.1' }, () => res(new Conn(s)));
      s.on('error', rej);
    });
  }
  private pump(): void {
    if (this.waiting === null) return;
    const nl = this.buf.indexOf('\r\n');
    if (nl < 0) return;
    const line = this.buf.latin1Slice(0, nl);
    let end = nl + 2;
    let out = line;
    if (line[0] === '$' && Number(line.slice(1)) >= 0) {
      const n = Number(line.slice(1));
      if (this.buf.length < end + n + 2) return;
      out = this.buf.latin1Slice(end, end + n);
      end += n + 2;
    }
    this.buf = this.buf.subarray(end);
    const w = this.waiting;
    this.waiting = null;
    w(out);
  }
  cmd(...argv: string[]): Promise<string> {
    return new Promise((res) => {
      this.waiting = res;
      this.socket.write(`*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join(''));
    });
  }
  close(): void {
    this.socket.destroy();
  }
}

async function connectRetry(port: number, child: ChildProcess): Promise<Conn> {
  for (;;) {
    if (child.exitCode !== null) throw new Error('server exited');
    try {
      return await Conn.open(port);
    } catch {
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

/** CPU time (user + system, all threads) a process has used so far, in ms (Linux /proc). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s
}

/** Spawns and returns once PING answers PONG (not -LOADING); ms from spawn, CPU ms used. */
async function startTimed(kind: Kind, port: number, dir: string): Promise<{ child: ChildProcess; ms: number; cpu: number }> {
  const t0 = performance.now();
  const child = spawnServer(kind, port, dir);
  const c = await connectRetry(port, child);
  for (;;) {
    const r = await c.cmd('PING');
    if (r === '+PONG') break;
    await new Promise((res) => setTimeout(res, 1));
  }
  const ms = performance.now() - t0;
  const cpu = cpuMs(child.pid!);
  c.close();
  return { child, ms, cpu };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((res) => {
    child.once('exit', () => res());
    child.kill('SIGKILL');
  });
}

/** Loads N keys with pipelined SETs (10k per batch, replies counted). */
async function fill(port: number, n: number): Promise<void> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise((r) => socket.once('connect', r));
  let pending = 0;
  let resolveBatch: (() => void) | null = null;
  socket.on('data', (d: Buffer) => {
    for (let i = 0; i < d.length; i++) if (d[i] === 0x0a) pending--;
    if (pending === 0 && resolveBatch) resolveBatch();
  });
  const batch = 10000;
  for (let i = 0; i < n; i += batch) {
    let s = '';
    const end = Math.min(n, i + batch);
    for (let j = i; j < end; j++) {
      const k = `key:${j}`;
      const v = `value-${String(j).padStart(10, '0')}`;
      s += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;
    }
    pending = end - i;
    await new Promise<void>((r) => {
      resolveBatch = r;
      socket.write(s);
    });
  }
  socket.destroy();
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** GET latencies (ms) from `conns` connections until `until()` says stop. */
async function getLatencies(port: number, conns: number, until: () => boolean): Promise<number[]> {
  const lat: number[] = [];
  await Promise.all(
    Array.from({ length: conns }, async (_, ci) => {
      const c = await Conn.open(port);
      let i = ci;
      while (!until()) {
        const t = performance.now();
        await c.cmd('GET', `key:${(i = (i * 7919 + 13) % KEYS)}`);
        lat.push(performance.now() - t);
      }
      c.close();
    }),
  );
  return lat.sort((a, b) => a - b);
}

function fmt(l: number[]): string {
  return `n=${l.length} p50=${pct(l, 50).toFixed(3)} ms p99=${pct(l, 99).toFixed(3)} ms max=${(l[l.length - 1] ?? NaN).toFixed(1)} ms`;
}

async function run(kind: Kind, port: number): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), `bench-snap-${kind}-`));
  const res: Record<string, number | string> = {};
  try {
    const empty = await startTimed(kind, port, dir);
    res.startEmptyMs = empty.ms;
    res.startEmptyCpuMs = empty.cpu;
    await fill(port, KEYS);
    const c = await Conn.open(port);
    res.dbsize = await c.cmd('DBSIZE');
    let t = performance.now();
    const saved = await c.cmd('SAVE');
    res.saveMs = performance.now() - t;
    if (saved !== '+OK') throw new Error(`SAVE: ${saved}`);
    res.fileBytes = statSync(join(dir, 'dump.krdb')).size;

    // GET latency without, then during a BGSAVE.
    let stopAt = performance.now() + 2000;
    res.getIdle = fmt(await getLatencies(port, 8, () => performance.now() > stopAt));
    const ctl = await Conn.open(port);
    let inProgress = true;
    t = performance.now();
    const started = await ctl.cmd('BGSAVE');
    if (!started.startsWith('+Background')) throw new Error(`BGSAVE: ${started}`);
    const poll = (async () => {
      while (inProgress) {
        const info = await ctl.cmd('INFO', 'persistence');
        if (/rdb_bgsave_in_progress:0/.test(info)) {
          inProgress = false;
          res.bgsaveMs = performance.now() - t;
        } else await new Promise((r) => setTimeout(r, 5));
      }
    })();
    stopAt = Infinity;
    res.getDuringBgsave = fmt(await getLatencies(port, 8, () => !inProgress));
    await poll;
    ctl.close();
    c.close();
    await stop(empty.child);

    const loaded = await startTimed(kind, port, dir);
    res.startLoadedMs = loaded.ms;
    res.loadMs = loaded.ms - empty.ms;
    // CPU time is steadier than wall time on a shared machine.
    res.loadCpuMs = loaded.cpu - empty.cpu;
    const c2 = await Conn.open(port);
    res.dbsizeAfter = await c2.cmd('DBSIZE');
    c2.close();
    await stop(loaded.child);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return res;
}

const k = await run('keyraft', BASE_PORT);
const r = await run('redis', BASE_PORT + 1);
console.log(`bench-snapshot: ${KEYS} string keys, SAVE and restart on the same dir, GET latency with 8 connections`);
for (const [name, v] of [
  ['keyraft', k],
  ['redis', r],
] as const) {
  console.log(`\n${name}:`);
  for (const [key, val] of Object.entries(v)) console.log(`  ${key}: ${typeof val === 'number' ? val.toFixed(1) : val}`);
}
const ratio = (a: unknown, b: unknown) => ((a as number) / (b as number)).toFixed(2);
console.log(`\nratios keyraft/redis: SAVE ${ratio(k.saveMs, r.saveMs)}x, load (start minus empty start) ${ratio(k.loadMs, r.loadMs)}x wall ${ratio(k.loadCpuMs, r.loadCpuMs)}x CPU, start-to-PONG ${ratio(k.startLoadedMs, r.startLoadedMs)}x, file ${ratio(k.fileBytes, r.fileBytes)}x, BGSAVE ${ratio(k.bgsaveMs, r.bgsaveMs)}x`);
