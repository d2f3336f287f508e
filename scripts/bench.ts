// `npm run bench`: keyraft and Debian's redis-server side by side on this machine. Starts both on
// free loopback ports, runs redis-benchmark against each in turn (alternating, so drift on a
// shared machine hits both alike) and prints requests per second and the ratio keyraft / Redis.
// Then loads 1,000,000 keys (16-byte keys, 32-byte values) into each and compares resident
// memory. Then runs the per-family custom-command benchmarks issue 8 adds to it, streams (XADD,
// XRANGE of 100, XREADGROUP + XACK) and HyperLogLog/geo (PFADD, PFCOUNT over three keys, GEOADD,
// GEOSEARCH BYRADIUS), each at -P 1 (bench-streams.js --big 0, bench-hll-geo.js). Not a test:
// numbers go to BENCHMARKS.md with the command that made them.
//
// Options: --requests N (default 200000), --tests a,b,c, --rounds N (default 1), --skip-memory,
//          --pipelines 1,16, --clients 50, --only-memory, --skip-families (also skipped when
//          --tests picks the tests)

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const has = (name: string) => process.argv.includes(`--${name}`);

const REQUESTS = Number(arg('requests', '200000'));
/** redis-benchmark's default set (lowercase -t names map to these row names). */
const TESTS = arg('tests', 'PING_INLINE,PING_MBULK,SET,GET,INCR,LPUSH,RPUSH,LPOP,RPOP,SADD,HSET,SPOP,ZADD,ZPOPMIN,LRANGE_100,LRANGE_300,LRANGE_500,LRANGE_600,MSET').split(',');
const PIPELINES = arg('pipelines', '1,16').split(',').map(Number);
const CLIENTS = Number(arg('clients', '50'));
const ROUNDS = Number(arg('rounds', '1'));

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

interface Proc {
  name: string;
  port: number;
  child: ChildProcess;
  dir: string;
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        res(true);
      });
      s.on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} never opened`);
}

async function start(name: 'keyraft' | 'redis', extra: string[] = []): Promise<Proc> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const child =
    name === 'keyraft'
      ? spawn(process.execPath, [...extra, join(ROOT, 'dist/src/bin/keyraft-server.js'), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], { stdio: 'ignore' })
      : spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await waitPort(port);
  return { name, port, child, dir };
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode === null) {
    const exited = new Promise((r) => p.child.once('exit', r));
    process.kill(p.child.pid!, 'SIGTERM');
    await exited;
  }
  rmSync(p.dir, { recursive: true, force: true });
}

function benchmark(port: number, test: string, pipeline: number): { rps: number; warnings: string } {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(CLIENTS), '-n', String(REQUESTS), '-P', String(pipeline), '-t', test, '--csv'];
  if (test !== 'PING_INLINE' && test !== 'PING_MBULK') args.push('-r', '100000');
  const r = spawnSync('redis-benchmark', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  // Some tests print a warm-up line first ("LPUSH (needed to benchmark LRANGE)"): take the
  // line named after the test itself.
  const line = r.stdout.split('\n').find((l) => l.startsWith(`"${test}`));
  if (!line) throw new Error(`no result line in: ${r.stdout}`);
  const rps = Number(line.split(',')[1]!.replace(/"/g, ''));
  return { rps, warnings: r.stderr.trim() };
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Loads `count` keys "key:%012d" (16 bytes) with 32-byte values through MSET pipelines. */
async function loadKeys(port: number, count: number): Promise<void> {
  const sock = connect({ port, host: '127.0.0.1' });
  await new Promise((r) => sock.once('connect', r));
  const value = 'v'.repeat(32);
  const perMset = 100;
  let expected = 0;
  let received = 0;
  let pending = Buffer.alloc(0);
  const done = new Promise<void>((res) => {
    sock.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      let idx: number;
      while ((idx = pending.indexOf('\r\n')) >= 0) {
        pending = pending.subarray(idx + 2);
        received++;
      }
      if (received === expected && sentAll) res();
    });
  });
  let sentAll = false;
  for (let i = 0; i < count; i += perMset) {
    const n = Math.min(perMset, count - i);
    const parts = [`*${1 + 2 * n}\r\n$4\r\nMSET\r\n`];
    for (let j = 0; j < n; j++) {
      const key = `key:${String(i + j).padStart(12, '0')}`;
      parts.push(`$16\r\n${key}\r\n$32\r\n${value}\r\n`);
    }
    expected++;
    if (!sock.write(parts.join(''))) await new Promise((r) => sock.once('drain', r));
  }
  sentAll = true;
  if (received < expected) await done;
  sock.destroy();
}

async function infoField(port: number, field: string): Promise<string> {
  const r = spawnSync('redis-cli', ['-p', String(port), 'INFO', 'memory'], { encoding: 'utf8' });
  const m = new RegExp(`^${field}:(\\S+)`, 'm').exec(r.stdout);
  return m ? m[1]! : '';
}

async function main(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v redis-server && command -v redis-benchmark']).status !== 0) {
    console.error('redis-server and redis-benchmark are needed: apt-get install -y redis-server redis-tools');
    process.exit(1);
  }
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`# keyraft vs ${version}`);
  console.log(`# redis-benchmark -c ${CLIENTS} -n ${REQUESTS} (random keys -r 100000), rounds=${ROUNDS}, node ${process.version}`);
  if (!has('only-memory')) {
    const keyraft = await start('keyraft');
    const redis = await start('redis');
    const rows: string[] = [];
    try {
      for (const pipeline of PIPELINES) {
        for (const test of TESTS) {
          let k = 0;
          let r = 0;
          for (let round = 0; round < ROUNDS; round++) {
            const a = benchmark(keyraft.port, test, pipeline);
            const b = benchmark(redis.port, test, pipeline);
            if (a.warnings) console.log(`# keyraft warning: ${a.warnings}`);
            k += a.rps;
            r += b.rps;
          }
          k /= ROUNDS;
          r /= ROUNDS;
          const row = `| ${test.padEnd(11)} | ${String(pipeline).padStart(2)} | ${k.toFixed(0).padStart(9)} | ${r.toFixed(0).padStart(9)} | ${(k / r).toFixed(2)} |`;
          rows.push(row);
          console.log(row);
        }
      }
    } finally {
      await stop(keyraft);
      await stop(redis);
    }
  }
  if (!has('skip-memory')) {
    const count = Number(arg('keys', '1000000'));
    const keyraft = await start('keyraft');
    const redis = await start('redis');
    try {
      const baseK = rssOf(keyraft.child.pid!);
      await loadKeys(keyraft.port, count);
      await loadKeys(redis.port, count);
      await new Promise((r) => setTimeout(r, 1000));
      const k = rssOf(keyraft.child.pid!);
      const r = Number(await infoField(redis.port, 'used_memory_rss'));
      const mb = (n: number) => (n / 1048576).toFixed(1);
      console.log(`| memory, ${count} keys (16 B keys, 32 B values) | keyraft RSS ${mb(k)} MiB (empty: ${mb(baseK)} MiB) | redis used_memory_rss ${mb(r)} MiB | ratio ${(k / r).toFixed(2)} |`);
    } finally {
      await stop(keyraft);
      await stop(redis);
    }
  }
  if (!has('skip-families') && !has('only-memory') && !has('tests')) {
    for (const [script, extra] of [['bench-streams.js', ['--big', '0']], ['bench-hll-geo.js', []]] as const) {
      console.log('');
      const r = spawnSync(process.execPath, [join(import.meta.dirname, script), ...extra, '--rounds', String(ROUNDS)], { stdio: 'inherit' });
      if (r.status !== 0) process.exitCode = 1;
    }
  }
}

void main();
