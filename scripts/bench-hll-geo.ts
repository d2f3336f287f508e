// `node dist/scripts/bench-hll-geo.js`: HyperLogLog and geo commands, keyraft against Debian's
// redis-server on this machine, with redis-benchmark's custom-command mode at -P 1 (the issue's
// target: each >= 0.8x Redis). Both servers get the same preloaded data (three dense HLLs of
// 20,000 elements for PFCOUNT over three keys; 10,000 points in a 2x2 degree square for
// GEOSEARCH, about 25 within the 5 km radius), then each test runs on keyraft and Redis in turn,
// alternating over rounds so drift on a loaded machine hits both. Prints the median requests/s
// and the median of the per-round ratios keyraft / Redis (higher is better; see pairedRatio). INCR runs first as a baseline: at -P 1 most of a
// request's cost is the server's read/dispatch/write path, which every command shares.
//
// Options: --requests N (default 100000), --clients N (default 50), --rounds N (default 5)

import { spawnSync } from 'node:child_process';
import { arg, customBenchmark, encode, median, pairedRatio, PipeClient, startServer, stopServer, type Proc } from './bench-util.js';

const REQUESTS = Number(arg('requests', '100000'));
const CLIENTS = Number(arg('clients', '50'));
const ROUNDS = Number(arg('rounds', '5'));

const TESTS: { name: string; argv: string[] }[] = [
  // The server's own per-request overhead at -P 1, for reading the other ratios.
  { name: 'INCR (baseline)', argv: ['INCR', 'counter:__rand_int__'] },
  { name: 'PFADD', argv: ['PFADD', 'hll', '__rand_int__'] },
  { name: 'PFCOUNT (3 keys)', argv: ['PFCOUNT', 'hll1', 'hll2', 'hll3'] },
  { name: 'GEOADD', argv: ['GEOADD', 'geoadd', '13.__rand_int__', '52.__rand_int__', 'm:__rand_int__'] },
  { name: 'GEOSEARCH BYRADIUS', argv: ['GEOSEARCH', 'geo', 'FROMLONLAT', '13.4', '52.5', 'BYRADIUS', '5', 'km'] },
];

function* preload(): Generator<string> {
  for (let k = 1; k <= 3; k++) {
    for (let i = 0; i < 20000; i += 500) {
      const argv = [`PFADD`, `hll${k}`];
      for (let j = i; j < i + 500; j++) argv.push(`e${k}:${j}`);
      yield encode(argv);
    }
  }
  let x = 0x2545f491;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < 10000; i += 100) {
    const argv = ['GEOADD', 'geo'];
    for (let j = i; j < i + 100; j++) argv.push((12.4 + 2 * next()).toFixed(6), (51.5 + 2 * next()).toFixed(6), `p${j}`);
    yield encode(argv);
  }
}

function benchmark(port: number, argv: string[]): number {
  return customBenchmark(port, argv, { clients: CLIENTS, requests: REQUESTS });
}

async function main(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v redis-server && command -v redis-benchmark']).status !== 0) {
    console.error('redis-server and redis-benchmark are needed: apt-get install -y redis-server redis-tools');
    process.exit(1);
  }
  const servers: Proc[] = [await startServer('keyraft'), await startServer('redis')];
  try {
    for (const s of servers) {
      const c = await PipeClient.open(s.port);
      await c.run(preload());
      c.close();
    }
    console.log(`# redis-benchmark -c ${CLIENTS} -n ${REQUESTS} -P 1 -r 100000, rounds=${ROUNDS}, node ${process.version}`);
    console.log('| test | keyraft rps (median) | redis rps (median) | keyraft/redis: median of rounds (range) |');
    console.log('|---|---|---|---|');
    for (const t of TESTS) {
      const k: number[] = [];
      const r: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? servers : [...servers].reverse();
        for (const s of order) (s.name === 'keyraft' ? k : r).push(benchmark(s.port, t.argv));
      }
      console.log(`| ${t.name} | ${median(k).toFixed(0)} | ${median(r).toFixed(0)} | ${pairedRatio(k, r).text} |`);
    }
  } finally {
    for (const s of servers) await stopServer(s);
  }
}

await main();
