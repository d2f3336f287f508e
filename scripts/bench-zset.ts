// `node dist/scripts/bench-zset.js`: one big sorted set, keyraft against Debian's redis-server on
// this machine. Loads 1,000,000 members into one key with pipelined ZADDs (100 score/member pairs
// per command, random integer-and-fraction scores), then runs ZRANGE by rank in the middle of the
// set (10 members from rank 500,000) many times, and prints each server's time and the ratio
// keyraft / Redis (lower is better; the target is within 2x). Servers run one after the other.
// Besides wall time it reports the CPU time each server used per phase (from /proc), which a
// loaded shared machine disturbs much less than wall time; on such a machine run several rounds.
//
// Options: --members N (default 1000000), --ranges N (default 200000: enough for the JIT to warm up and for 10 ms CPU ticks to resolve), --rounds N (default 1)

import { arg, cpuMs, encode, PipeClient, startServer, stopServer } from './bench-util.js';

const MEMBERS = Number(arg('members', '1000000'));
const RANGES = Number(arg('ranges', '200000'));
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

interface Result {
  load: number;
  range: number;
  loadCpu: number;
  rangeCpu: number;
}

async function measure(name: 'keyraft' | 'redis'): Promise<Result> {
  const server = await startServer(name);
  const pid = server.child.pid!;
  try {
    const c = await PipeClient.open(server.port);
    let t = performance.now();
    let cpu = cpuMs(pid);
    await c.run(zaddCommands(), 32);
    const load = performance.now() - t;
    const loadCpu = cpuMs(pid) - cpu;
    t = performance.now();
    cpu = cpuMs(pid);
    await c.run(rangeCommands(), 32);
    const range = performance.now() - t;
    const rangeCpu = cpuMs(pid) - cpu;
    c.close();
    return { load, range, loadCpu, rangeCpu };
  } finally {
    await stopServer(server);
  }
}

async function main(): Promise<void> {
  console.log(`# ${MEMBERS} members into one sorted set with ZADD (${PER_COMMAND} pairs per command, 32 in flight), then ${RANGES} x ZRANGE big <mid> <mid+9>`);
  console.log('| round | phase | keyraft wall ms | redis wall ms | wall ratio | keyraft cpu ms | redis cpu ms | cpu ratio |');
  console.log('|---|---|---|---|---|---|---|---|');
  const row = (r: number, phase: string, kw: number, rw: number, kc: number, rc: number) =>
    console.log(`| ${r} | ${phase} | ${kw.toFixed(0)} | ${rw.toFixed(0)} | ${(kw / rw).toFixed(2)} | ${kc.toFixed(0)} | ${rc.toFixed(0)} | ${(kc / rc).toFixed(2)} |`);
  for (let r = 1; r <= ROUNDS; r++) {
    const k = await measure('keyraft');
    const rd = await measure('redis');
    row(r, 'ZADD load', k.load, rd.load, k.loadCpu, rd.loadCpu);
    row(r, 'ZRANGE mid', k.range, rd.range, k.rangeCpu, rd.rangeCpu);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
