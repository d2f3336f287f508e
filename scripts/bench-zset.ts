// `node dist/scripts/bench-zset.js`: one big sorted set, keyraft against Debian's redis-server on
// this machine. Loads 1,000,000 members into one key with pipelined ZADDs (100 score/member pairs
// per command, random integer-and-fraction scores), then runs ZRANGE by rank in the middle of the
// set (10 members from rank 500,000) many times, and prints each server's time and the ratio
// keyraft / Redis (lower is better; the target is within 2x). Servers run one after the other
// so each has the machine to itself; on a shared machine run it more than once.
//
// Options: --members N (default 1000000), --ranges N (default 20000), --rounds N (default 1)

import { arg, encode, PipeClient, startServer, stopServer } from './bench-util.js';

const MEMBERS = Number(arg('members', '1000000'));
const RANGES = Number(arg('ranges', '20000'));
const ROUNDS = Number(arg('rounds', '1'));
const PER_COMMAND = 100;

/** Deterministic scores so both servers get the same set (xorshift32). */
function* zaddCommands(): Generator<string> {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < MEMBERS; i += PER_COMMAND) {
    const argv = ['ZADD', 'big'];
    for (let j = i; j < Math.min(MEMBERS, i + PER_COMMAND); j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      argv.push(String(((x >>> 0) % 1000000) / 4), `member:${j}`);
    }
    yield encode(argv);
  }
}

function* rangeCommands(): Generator<string> {
  const mid = Math.floor(MEMBERS / 2);
  for (let i = 0; i < RANGES; i++) yield encode(['ZRANGE', 'big', String(mid + (i % 100)), String(mid + (i % 100) + 9)]);
}

async function measure(name: 'keyraft' | 'redis'): Promise<{ load: number; range: number }> {
  const server = await startServer(name);
  try {
    const c = await PipeClient.open(server.port);
    let t = performance.now();
    await c.run(zaddCommands(), 32);
    const load = performance.now() - t;
    t = performance.now();
    await c.run(rangeCommands(), 32);
    const range = performance.now() - t;
    c.close();
    return { load, range };
  } finally {
    await stopServer(server);
  }
}

async function main(): Promise<void> {
  console.log(`# ${MEMBERS} members into one sorted set with ZADD (${PER_COMMAND} pairs per command, 32 in flight), then ${RANGES} x ZRANGE big <mid> <mid+9>`);
  console.log('| round | keyraft load ms | redis load ms | load ratio | keyraft range ms | redis range ms | range ratio |');
  console.log('|---|---|---|---|---|---|---|');
  for (let r = 1; r <= ROUNDS; r++) {
    const k = await measure('keyraft');
    const rd = await measure('redis');
    console.log(`| ${r} | ${k.load.toFixed(0)} | ${rd.load.toFixed(0)} | ${(k.load / rd.load).toFixed(2)} | ${k.range.toFixed(0)} | ${rd.range.toFixed(0)} | ${(k.range / rd.range).toFixed(2)} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
