// `node dist/scripts/bench-pubsub.js [--seconds 3] [--subscribers 50] [--connections 4] [--only pubsub|tx]
// [--node-args "--cpu-prof --cpu-prof-dir=/tmp/prof"]`:
// keyraft against Debian's redis-server on the same machine, as ratios.
//
// 1. Pub/Sub fan-out: 50 raw-socket subscribers on one channel, one publisher pipelining PUBLISH
//    (64 in flight) for N seconds; reports messages delivered per second (publishes x receivers,
//    counted from the bytes the subscribers received, each message frame having a fixed size).
// 2. Transactions: a few connections each pipelining MULTI / SET / INCR / EXEC groups (16 groups
//    in flight per connection) for N seconds; reports transactions per second.
//
// Both servers run one at a time with nothing else from this script, so each has the machine's
// share it can get; on a shared, loaded machine the absolute numbers drift, the ratios of one run
// are what to read. Server CPU time per operation is printed too (steadier than wall time).

import { connect, type Socket } from 'node:net';
import { arg, cpuMs, encode, PipeClient, startServer, stopServer, type Proc } from './bench-util.js';

const SECONDS = Number(arg('seconds', '3'));
const SUBSCRIBERS = Number(arg('subscribers', '50'));
const CONNECTIONS = Number(arg('connections', '4'));
/** Extra node flags for keyraft, e.g. --node-args "--cpu-prof --cpu-prof-dir=/tmp/prof". */
const NODE_ARGS = arg('node-args', '').split(' ').filter((a) => a !== '');
/** Run only one part: "pubsub", "tx" or "all". */
const ONLY = arg('only', 'all');
/** PUBLISH commands in flight on the publisher connection. */
const PUBLISH_WINDOW = 64;
/** MULTI/SET/INCR/EXEC groups in flight per transaction connection (4 replies each). */
const TX_WINDOW_GROUPS = 16;
/** Commands written per PipeClient.run batch (between checks of the clock). */
const BATCH = 2000;
/** How long to wait for subscribers to drain after the last publish. */
const DRAIN_WAIT_MS = 10_000;

const CHANNEL = 'bench-channel';
const MESSAGE = 'x'.repeat(32);
/** RESP2 frame of one delivered message: *3 $7 message $13 bench-channel $32 xxx… */
const FRAME_BYTES = Buffer.byteLength(`*3\r\n$7\r\nmessage\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n$${MESSAGE.length}\r\n${MESSAGE}\r\n`);

interface Result {
  perSecond: number;
  cpuUsPerOp: number;
}

async function subscriber(port: number, counter: { bytes: number }): Promise<Socket> {
  const sock = connect({ port, host: '127.0.0.1' });
  await new Promise((r) => sock.once('connect', r));
  const confirm = `*3\r\n$9\r\nsubscribe\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n:1\r\n`.length;
  let skipped = 0;
  sock.on('data', (d: Buffer) => {
    // The subscription confirmation comes first; everything after it is message frames.
    if (skipped < confirm) {
      const take = Math.min(confirm - skipped, d.length);
      skipped += take;
      counter.bytes += d.length - take;
    } else counter.bytes += d.length;
  });
  sock.write(encode(['SUBSCRIBE', CHANNEL]));
  return sock;
}

async function benchPubsub(p: Proc): Promise<Result> {
  const counter = { bytes: 0 };
  const subs = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => subscriber(p.port, counter)));
  const pub = await PipeClient.open(p.port);
  // Let every SUBSCRIBE be processed before publishing.
  await new Promise((r) => setTimeout(r, 200));
  const publish = encode(['PUBLISH', CHANNEL, MESSAGE]);
  const cpu0 = cpuMs(p.child.pid!);
  const start = performance.now();
  let published = 0;
  while (performance.now() - start < SECONDS * 1000) {
    await pub.run(
      (function* () {
        for (let i = 0; i < BATCH; i++) yield publish;
      })(),
      PUBLISH_WINDOW,
    );
    published += BATCH;
  }
  const expected = published * SUBSCRIBERS * FRAME_BYTES;
  const drainUntil = performance.now() + DRAIN_WAIT_MS;
  while (counter.bytes < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 2));
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = cpuMs(p.child.pid!) - cpu0;
  const delivered = counter.bytes / FRAME_BYTES;
  if (counter.bytes < expected) console.log(`  ${p.name}: only ${delivered} of ${published * SUBSCRIBERS} messages arrived`);
  pub.close();
  for (const s of subs) s.destroy();
  return { perSecond: delivered / elapsedS, cpuUsPerOp: (cpu * 1000) / Math.max(1, delivered) };
}

async function benchTransactions(p: Proc): Promise<Result> {
  const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => PipeClient.open(p.port)));
  const cpu0 = cpuMs(p.child.pid!);
  const start = performance.now();
  let groups = 0;
  await Promise.all(
    clients.map(async (c, ci) => {
      const multi = encode(['MULTI']);
      const set = encode(['SET', `tx:key:${ci}`, 'value-1234567890']);
      const incr = encode(['INCR', `tx:counter:${ci}`]);
      const exec = encode(['EXEC']);
      while (performance.now() - start < SECONDS * 1000) {
        await c.run(
          (function* () {
            for (let i = 0; i < BATCH / 4; i++) {
              yield multi;
              yield set;
              yield incr;
              yield exec;
            }
          })(),
          TX_WINDOW_GROUPS * 4,
        );
        groups += BATCH / 4;
      }
    }),
  );
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = cpuMs(p.child.pid!) - cpu0;
  for (const c of clients) c.close();
  return { perSecond: groups / elapsedS, cpuUsPerOp: (cpu * 1000) / groups };
}

async function run(name: 'keyraft' | 'redis', bench: (p: Proc) => Promise<Result>): Promise<Result> {
  const p = await startServer(name, name === 'keyraft' ? NODE_ARGS : []);
  try {
    return await bench(p);
  } finally {
    await stopServer(p);
  }
}

function report(label: string, unit: string, k: Result, r: Result): void {
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log(`${label}`);
  console.log(`  keyraft: ${fmt(k.perSecond)} ${unit}/s  (server CPU ${k.cpuUsPerOp.toFixed(2)} µs per ${unit.replace(/s$/, '')})`);
  console.log(`  redis:   ${fmt(r.perSecond)} ${unit}/s  (server CPU ${r.cpuUsPerOp.toFixed(2)} µs per ${unit.replace(/s$/, '')})`);
  console.log(`  ratio keyraft/redis: ${(k.perSecond / r.perSecond).toFixed(2)}x throughput, ${(r.cpuUsPerOp / k.cpuUsPerOp).toFixed(2)}x CPU efficiency (target >= 0.8x)`);
}

async function main(): Promise<void> {
  console.log(`bench-pubsub: ${SECONDS}s per run, ${SUBSCRIBERS} subscribers, ${CONNECTIONS} transaction connections`);
  if (ONLY !== 'tx') {
    const kp = await run('keyraft', benchPubsub);
    const rp = await run('redis', benchPubsub);
    report(`PUBLISH fan-out to ${SUBSCRIBERS} subscribers (messages delivered)`, 'messages', kp, rp);
  }
  if (ONLY !== 'pubsub') {
    const kt = await run('keyraft', benchTransactions);
    const rt = await run('redis', benchTransactions);
    report(`MULTI/SET/INCR/EXEC pipelined on ${CONNECTIONS} connections`, 'transactions', kt, rt);
  }
}

await main();
