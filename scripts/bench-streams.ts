// `node dist/scripts/bench-streams.js`: stream commands, keyraft against Debian's redis-server on
// this machine, side by side (servers started one after the other on free loopback ports, rounds
// alternate so drift on a loaded machine hits both). Prints requests/s and the ratio keyraft/Redis
// (higher is better; the target is ≥ 0.8 at -P 1).
//
// - XADD: `redis-benchmark -c 50 -n N -P 1 XADD s * f v` (custom command mode).
// - XRANGE 100: a stream preloaded with 1000 entries, `XRANGE r - + COUNT 100`.
// - XREADGROUP + XACK: redis-benchmark cannot feed one reply's ID into the next command, so a
//   small client loop here: 50 connections, each a consumer doing XREADGROUP COUNT 1 `>` then XACK
//   of the ID it got, one command at a time (-P 1). Reported as pairs/s.
//
// An LPUSH row runs the same way as a reference for how this machine treats the two servers.
//
// - Big stream: --big N entries (default 1,000,000) loaded with pipelined XADDs (explicit IDs),
//   then 10,000 XRANGE … COUNT 100 at spread-out starts, 10,000 XREVRANGE … COUNT 100, and 100
//   XTRIM MAXLEN steps of 5,000 (exact) then 100 with `~`: wall time of each phase per server,
//   pipelined 32 deep (throughput, not latency).
//
// Options: --requests N (default 100000), --clients N (default 50), --rounds N (default 2),
// --big N (default 1000000; 0 skips the phase).

import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { arg, encode, PipeClient, startServer, stopServer } from './bench-util.js';

const REQUESTS = Number(arg('requests', '100000'));
const CLIENTS = Number(arg('clients', '50'));
const ROUNDS = Number(arg('rounds', '2'));
const BIG = Number(arg('big', '1000000'));

interface BigResult {
  load: number;
  xrange: number;
  xrevrange: number;
  trimExact: number;
  trimApprox: number;
  len: string;
}

async function bigStream(name: 'keyraft' | 'redis'): Promise<BigResult> {
  const server = await startServer(name);
  try {
    const c = await PipeClient.open(server.port);
    const timed = async (gen: () => Generator<string>): Promise<number> => {
      const t = performance.now();
      await c.run(gen(), 32);
      return performance.now() - t;
    };
    const base = 1_700_000_000_000;
    const load = await timed(function* () {
      for (let i = 0; i < BIG; i++) yield encode(['XADD', 'big', `${base + (i >> 1)}-${i & 1}`, 'field', `value:${i}`]);
    });
    const spread = (i: number): string => `${base + ((i * 7919) % (BIG >> 1))}`;
    const xrange = await timed(function* () {
      for (let i = 0; i < 10_000; i++) yield encode(['XRANGE', 'big', spread(i), '+', 'COUNT', '100']);
    });
    const xrevrange = await timed(function* () {
      for (let i = 0; i < 10_000; i++) yield encode(['XREVRANGE', 'big', spread(i), '-', 'COUNT', '100']);
    });
    const trimExact = await timed(function* () {
      for (let i = 1; i <= 100; i++) yield encode(['XTRIM', 'big', 'MAXLEN', String(BIG - i * 5000)]);
    });
    const trimApprox = await timed(function* () {
      for (let i = 1; i <= 100; i++) yield encode(['XTRIM', 'big', 'MAXLEN', '~', String(BIG / 2 - i * 2000)]);
    });
    c.close();
    const probe = await Conn.open(server.port);
    const len = (await probe.call(['XLEN', 'big'])).trim();
    probe.close();
    return { load, xrange, xrevrange, trimExact, trimApprox, len };
  } finally {
    await stopServer(server);
  }
}

function benchmark(port: number, argv: string[], requests = REQUESTS): number {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(CLIENTS), '-n', String(requests), '-P', '1', '--csv', ...argv];
  const r = spawnSync('redis-benchmark', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('"') && !l.startsWith('"test"'));
  if (!line) throw new Error(`no result line in: ${r.stdout}`);
  return Number(line.split(',')[1]!.replace(/"/g, ''));
}

/** One request/response connection that hands back each raw reply (enough for flat replies). */
class Conn {
  private buf = '';
  private waiter: ((s: string) => void) | null = null;
  private constructor(private readonly sock: Socket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      this.buf += d;
      if (this.waiter && this.complete()) {
        const w = this.waiter;
        const s = this.buf;
        this.waiter = null;
        this.buf = '';
        w(s);
      }
    });
  }
  /** A reply is complete when it ends with CRLF and, for XREADGROUP, holds its whole entry. */
  private complete(): boolean {
    if (!this.buf.endsWith('\r\n')) return false;
    if (this.buf[0] !== '*' || this.buf.startsWith('*-1')) return true;
    // *1 *2 $k key *1 *2 $id id *2 $f f $v v  → 12 CRLF-terminated lines for one entry of one field.
    return this.buf.split('\r\n').length - 1 >= 12;
  }
  static async open(port: number): Promise<Conn> {
    const sock = connect({ port, host: '127.0.0.1' });
    await new Promise((r) => sock.once('connect', r));
    sock.setNoDelay(true);
    return new Conn(sock);
  }
  call(argv: string[]): Promise<string> {
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.sock.write(encode(argv));
    });
  }
  close(): void {
    this.sock.destroy();
  }
}

async function readgroupAck(port: number): Promise<number> {
  const pre = await PipeClient.open(port);
  const n = REQUESTS;
  function* load(): Generator<string> {
    yield encode(['DEL', 'q']);
    for (let i = 1; i <= n; i++) yield encode(['XADD', 'q', `${i}-0`, 'f', 'v']);
    yield encode(['XGROUP', 'CREATE', 'q', 'g', '0']);
  }
  await pre.run(load(), 64);
  pre.close();
  const conns = await Promise.all(Array.from({ length: CLIENTS }, () => Conn.open(port)));
  const perConn = Math.floor(n / CLIENTS);
  const t = performance.now();
  await Promise.all(
    conns.map(async (c, i) => {
      for (let k = 0; k < perConn; k++) {
        const r = await c.call(['XREADGROUP', 'GROUP', 'g', `c${i}`, 'COUNT', '1', 'STREAMS', 'q', '>']);
        const m = /\r\n(\d+-\d+)\r\n/.exec(r);
        if (!m) throw new Error(`unexpected XREADGROUP reply ${JSON.stringify(r)}`);
        const a = await c.call(['XACK', 'q', 'g', m[1]!]);
        if (a !== ':1\r\n') throw new Error(`unexpected XACK reply ${JSON.stringify(a)}`);
      }
    }),
  );
  const secs = (performance.now() - t) / 1000;
  for (const c of conns) c.close();
  return (perConn * CLIENTS) / secs;
}

async function preloadRange(port: number): Promise<void> {
  const pre = await PipeClient.open(port);
  function* load(): Generator<string> {
    for (let i = 1; i <= 1000; i++) yield encode(['XADD', 'r', `${i}-0`, 'field', `value-${i}`]);
  }
  await pre.run(load(), 64);
  pre.close();
}

type Row = 'LPUSH (reference)' | 'XADD' | 'XRANGE 100' | 'XREADGROUP+XACK';
const ROWS: Row[] = ['LPUSH (reference)', 'XADD', 'XRANGE 100', 'XREADGROUP+XACK'];

async function measure(name: 'keyraft' | 'redis'): Promise<Record<Row, number>> {
  const server = await startServer(name);
  try {
    // Warm-up (JIT for keyraft, allocator for both), then the measured run on a fresh key.
    benchmark(server.port, ['XADD', 'warm', '*', 'f', 'v'], Math.min(REQUESTS, 20000));
    const lpush = benchmark(server.port, ['LPUSH', 'l', 'v']);
    const xadd = benchmark(server.port, ['XADD', 's', '*', 'f', 'v']);
    await preloadRange(server.port);
    const xrange = benchmark(server.port, ['XRANGE', 'r', '-', '+', 'COUNT', '100']);
    const rg = await readgroupAck(server.port);
    return { 'LPUSH (reference)': lpush, XADD: xadd, 'XRANGE 100': xrange, 'XREADGROUP+XACK': rg };
  } finally {
    await stopServer(server);
  }
}

async function main(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v redis-server && command -v redis-benchmark']).status !== 0) {
    console.error('redis-server and redis-benchmark are needed');
    process.exit(1);
  }
  console.log(`# streams: redis-benchmark -c ${CLIENTS} -n ${REQUESTS} -P 1 (custom commands), rounds=${ROUNDS}, node ${process.version}`);
  const best: Record<'keyraft' | 'redis', Record<Row, number>> = {
    keyraft: { 'LPUSH (reference)': 0, XADD: 0, 'XRANGE 100': 0, 'XREADGROUP+XACK': 0 },
    redis: { 'LPUSH (reference)': 0, XADD: 0, 'XRANGE 100': 0, 'XREADGROUP+XACK': 0 },
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? (['keyraft', 'redis'] as const) : (['redis', 'keyraft'] as const)) {
      const r = await measure(name);
      for (const row of ROWS) best[name][row] = Math.max(best[name][row], r[row]);
    }
  }
  console.log('| command | keyraft req/s | redis req/s | keyraft/redis |');
  console.log('|---|---:|---:|---:|');
  for (const row of ROWS) {
    const k = best.keyraft[row];
    const r = best.redis[row];
    console.log(`| ${row} | ${k.toFixed(0)} | ${r.toFixed(0)} | ${(k / r).toFixed(2)} |`);
  }
  console.log('(best of the rounds per server; XREADGROUP+XACK counts pairs)');
  if (BIG > 0) {
    const k = await bigStream('keyraft');
    const r = await bigStream('redis');
    console.log(`\n# one stream of ${BIG} entries (ms, pipelined 32 deep); final XLEN keyraft ${k.len} redis ${r.len}`);
    console.log('| phase | keyraft ms | redis ms | keyraft/redis time |');
    console.log('|---|---:|---:|---:|');
    const rows: [string, keyof BigResult][] = [
      [`load ${BIG} XADD`, 'load'],
      ['10k XRANGE COUNT 100', 'xrange'],
      ['10k XREVRANGE COUNT 100', 'xrevrange'],
      ['100 XTRIM MAXLEN (5000 each)', 'trimExact'],
      ['100 XTRIM MAXLEN ~ (2000 each)', 'trimApprox'],
    ];
    for (const [label, f] of rows) {
      const a = k[f] as number;
      const b = r[f] as number;
      console.log(`| ${label} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a / b).toFixed(2)} |`);
    }
  }
}

await main();
