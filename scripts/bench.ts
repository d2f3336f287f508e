// `npm run bench`: keyraft and Debian's redis-server side by side on this machine. Starts both on
// free loopback ports, runs redis-benchmark against each in rounds, back to back, and prints the
// median requests per second of each and the median of the per-round ratios keyraft / Redis
// (pairedRatio in bench-util.ts says why).
// Then loads 1,000,000 keys (16-byte keys, 32-byte values) into each and compares resident
// memory. Then runs the per-family custom-command benchmarks issue 8 adds to it, streams (XADD,
// XRANGE of 100, XREADGROUP + XACK) and HyperLogLog/geo (PFADD, PFCOUNT over three keys, GEOADD,
// GEOSEARCH BYRADIUS), each at -P 1 (bench-streams.js --big 0, bench-hll-geo.js). Not a test:
// numbers go to BENCHMARKS.md with the command that made them.
//
// Options: --requests N (per run, default 100000), --tests a,b,c, --rounds N (default 5),
//          --skip-memory,
//          --pipelines 1,16, --clients 50, --only-memory, --skip-families (also skipped when
//          --tests picks the tests)

import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arg, median, pairedRatio, startServer as start, stopServer as stop } from './bench-util.js';

const has = (name: string) => process.argv.includes(`--${name}`);

const REQUESTS = Number(arg('requests', '100000'));
/** redis-benchmark's default set (lowercase -t names map to these row names). */
const TESTS = arg('tests', 'PING_INLINE,PING_MBULK,SET,GET,INCR,LPUSH,RPUSH,LPOP,RPOP,SADD,HSET,SPOP,ZADD,ZPOPMIN,LRANGE_100,LRANGE_300,LRANGE_500,LRANGE_600,MSET').split(',');
const PIPELINES = arg('pipelines', '1,16').split(',').map(Number);
const CLIENTS = Number(arg('clients', '50'));
const ROUNDS = Number(arg('rounds', '5'));

function benchmark(port: number, test: string, pipeline: number, requests = REQUESTS): { rps: number; warnings: string } {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(CLIENTS), '-n', String(requests), '-P', String(pipeline), '-t', test, '--csv'];
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
    console.log('| test | -P | keyraft rps (median) | redis rps (median) | keyraft/redis: median of rounds (range) |');
    console.log('|---|---|---|---|---|');
    try {
      for (const pipeline of PIPELINES) {
        for (const test of TESTS) {
          // A short unmeasured run of the test on each first (V8's compiler for keyraft), then
          // rounds of the two back to back, the order flipping every round (see pairedRatio).
          benchmark(keyraft.port, test, pipeline, Math.ceil(REQUESTS / 5));
          benchmark(redis.port, test, pipeline, Math.ceil(REQUESTS / 5));
          const ks: number[] = [];
          const rs: number[] = [];
          for (let round = 0; round < ROUNDS; round++) {
            const pair = round % 2 === 0 ? [keyraft, redis] : [redis, keyraft];
            for (const server of pair) {
              const got = benchmark(server.port, test, pipeline);
              if (got.warnings && server === keyraft) console.log(`# keyraft warning: ${got.warnings}`);
              (server === keyraft ? ks : rs).push(got.rps);
            }
          }
          const ratio = pairedRatio(ks, rs);
          const row = `| ${test.padEnd(11)} | ${String(pipeline).padStart(2)} | ${median(ks).toFixed(0).padStart(9)} | ${median(rs).toFixed(0).padStart(9)} | ${ratio.text} |`;
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
