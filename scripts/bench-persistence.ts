// Persistence benchmark: redis-benchmark SET (-c 50, -P 1 and -P 16, random keys) against
// keyraft and Debian's redis-server, both configured alike — no persistence, appendonly yes with
// appendfsync everysec, and with always — alternating servers per row so drift on a shared
// machine hits both. Prints requests per second and the two ratios the durability issue targets:
//   keyraft everysec / keyraft no persistence   (target >= 0.9)
//   keyraft always   / Redis always             (target >= 1.0)
// Redis gets the same settings keyraft does: --appendonly, --appendfsync, --save '' (no RDB
// snapshots), each server in its own fresh temp dir (on local disk: os.tmpdir()).
// Options: --requests N (default 100000), --pipelines 1,16, --clients 50, --rounds N (default 1;
// both the best and the median of the rounds are printed, the ratios use the best — the
// least disturbed run on a shared machine), --port-base P (servers on P, P+1, ... instead of
// free ephemeral ports). The load average is printed before and after.
//   npm run build && node dist/scripts/bench-persistence.js

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, arg, freePort, waitPort, type Proc } from './bench-util.js';

const REQUESTS = Number(arg('requests', '100000'));
const PIPELINES = arg('pipelines', '1,16').split(',').map(Number);
const CLIENTS = Number(arg('clients', '50'));
const ROUNDS = Number(arg('rounds', '1'));
const PORT_BASE = Number(arg('port-base', '0'));
let portsUsed = 0;

type Mode = 'none' | 'everysec' | 'always';

async function start(name: 'keyraft' | 'redis', mode: Mode): Promise<Proc> {
  // Alternating over 20 ports from the base: a server just stopped has released its port.
  const port = PORT_BASE > 0 ? PORT_BASE + (portsUsed++ % 20) : await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-persist-${name}-`));
  const aof = mode === 'none' ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', mode];
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...aof];
  const child =
    name === 'keyraft'
      ? spawn(process.execPath, [join(ROOT, 'dist/src/bin/keyraft-server.js'), ...common], { stdio: 'ignore' })
      : spawn('redis-server', common, { stdio: 'ignore' });
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

function benchmark(port: number, pipeline: number): number {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(CLIENTS), '-n', String(REQUESTS), '-P', String(pipeline), '-t', 'set', '-r', '100000', '--csv'];
  const r = spawnSync('redis-benchmark', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('"SET'));
  if (!line) throw new Error(`no result line in: ${r.stdout}`);
  return Number(line.split(',')[1]!.replace(/"/g, ''));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (xs: number[]) => Math.max(...xs);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function measure(name: 'keyraft' | 'redis', mode: Mode, pipeline: number): Promise<number> {
  const p = await start(name, mode);
  try {
    return benchmark(p.port, pipeline);
  } finally {
    await stop(p);
  }
}

async function main(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v redis-server && command -v redis-benchmark']).status !== 0) {
    console.error('redis-server and redis-benchmark are needed');
    process.exit(1);
  }
  console.log(`# redis-benchmark -t set -c ${CLIENTS} -n ${REQUESTS} -r 100000, rounds=${ROUNDS}, node ${process.version}, load average before: ${load()}`);
  console.log('| pipeline | mode | keyraft rps best (median) | redis rps best (median) | keyraft/redis (best) |');
  console.log('|---|---|---|---|---|');
  const modes: Mode[] = ['none', 'everysec', 'always'];
  for (const pipeline of PIPELINES) {
    const got = new Map<string, number>();
    // Rounds on the outside: every mode and both servers are measured close together in time.
    const samples = new Map<string, number[]>();
    for (let i = 0; i < ROUNDS; i++) {
      for (const mode of modes) {
        for (const name of ['keyraft', 'redis'] as const) {
          const key = `${name}-${mode}`;
          samples.set(key, [...(samples.get(key) ?? []), await measure(name, mode, pipeline)]);
        }
      }
    }
    for (const mode of modes) {
      const ks = samples.get(`keyraft-${mode}`)!;
      const rs = samples.get(`redis-${mode}`)!;
      const kr = best(ks);
      const rr = best(rs);
      got.set(`keyraft-${mode}`, kr);
      got.set(`redis-${mode}`, rr);
      console.log(`| ${pipeline} | ${mode} | ${Math.round(kr)} (${Math.round(median(ks))}) | ${Math.round(rr)} (${Math.round(median(rs))}) | ${(kr / rr).toFixed(2)} |`);
    }
    const everysecRatio = got.get('keyraft-everysec')! / got.get('keyraft-none')!;
    const alwaysRatio = got.get('keyraft-always')! / got.get('redis-always')!;
    console.log(`P=${pipeline}: keyraft everysec / keyraft no persistence = ${everysecRatio.toFixed(2)} (target >= 0.9)`);
    console.log(`P=${pipeline}: keyraft always / redis always = ${alwaysRatio.toFixed(2)} (target >= 1.0)`);
  }
  console.log(`# load average after: ${load()}`);
}

await main();
