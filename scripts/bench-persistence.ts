// Persistence benchmark: redis-benchmark SET (-c 50, -P 1 and -P 16, random keys) against
// keyraft and Debian's redis-server, both configured alike — no persistence, appendonly yes with
// appendfsync everysec, and with always — all six running side by side and measured back to
// back in rounds, so drift on a shared machine hits every one of them alike. Prints requests per second and the two ratios the durability issue targets:
//   keyraft everysec / keyraft no persistence   (target >= 0.9)
//   keyraft always   / Redis always             (target >= 1.0)
// Redis gets the same settings keyraft does: --appendonly, --appendfsync, --save '' (no RDB
// snapshots), each server in its own fresh temp dir (on local disk: os.tmpdir()).
// Options: --requests N (per run, default 100000), --pipelines 1,16, --clients 50, --rounds N
// (default 7; the median and the best of the rounds are printed; ratios are medians of
// per-round ratios, see pairedRatio in bench-util.ts), --port-base P (servers on P, P+1, ... instead of
// free ephemeral ports), --warmup N (default 100000: requests of the same workload each fresh
// server gets before the measured run, unmeasured, so a row measures the steady state a running
// server has, not V8 compiling keyraft's hot path; Redis gets the same run). The load average is
// printed before and after.
//   npm run build && node dist/scripts/bench-persistence.js

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, arg, freePort, median, pairedRatio, waitPort, type Proc } from './bench-util.js';

const REQUESTS = Number(arg('requests', '100000'));
const PIPELINES = arg('pipelines', '1,16').split(',').map(Number);
const CLIENTS = Number(arg('clients', '50'));
const ROUNDS = Number(arg('rounds', '7'));
const PORT_BASE = Number(arg('port-base', '0'));
const WARMUP = Number(arg('warmup', '100000'));
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

function benchmark(port: number, pipeline: number, requests = REQUESTS): number {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(CLIENTS), '-n', String(requests), '-P', String(pipeline), '-t', 'set', '-r', '100000', '--csv'];
  const r = spawnSync('redis-benchmark', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('"SET'));
  if (!line) throw new Error(`no result line in: ${r.stdout}`);
  return Number(line.split(',')[1]!.replace(/"/g, ''));
}

const best = (xs: number[]) => Math.max(...xs);
const ratioSummary = (a: number[], b: number[]) => pairedRatio(a, b).text;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function main(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v redis-server && command -v redis-benchmark']).status !== 0) {
    console.error('redis-server and redis-benchmark are needed');
    process.exit(1);
  }
  console.log(`# redis-benchmark -t set -c ${CLIENTS} -n ${REQUESTS} -r 100000, rounds=${ROUNDS}, warm-up ${WARMUP} requests, node ${process.version}, load average before: ${load()}`);
  console.log('| pipeline | mode | keyraft rps median (best) | redis rps median (best) | keyraft/redis: median of rounds (range) |');
  console.log('|---|---|---|---|---|');
  const modes: Mode[] = ['none', 'everysec', 'always'];
  for (const pipeline of PIPELINES) {
    // Six servers (both, in each mode) run side by side for the whole pipeline depth, each warmed
    // up once; then every round measures them all back to back, so each ratio compares runs a
    // second or two apart (see ratioSummary). The order flips every round.
    const servers = new Map<string, Proc>();
    try {
      for (const mode of modes) {
        for (const name of ['keyraft', 'redis'] as const) {
          const p = await start(name, mode);
          servers.set(`${name}-${mode}`, p);
          if (WARMUP > 0) benchmark(p.port, pipeline, WARMUP);
        }
      }
      const samples = new Map<string, number[]>();
      for (let i = 0; i < ROUNDS; i++) {
        const order = [...servers.keys()];
        if (i % 2 === 1) order.reverse();
        for (const key of order) samples.set(key, [...(samples.get(key) ?? []), benchmark(servers.get(key)!.port, pipeline)]);
      }
      const get = (key: string) => samples.get(key)!;
      for (const mode of modes) {
        const ks = get(`keyraft-${mode}`);
        const rs = get(`redis-${mode}`);
        console.log(`| ${pipeline} | ${mode} | ${Math.round(median(ks))} (${Math.round(best(ks))}) | ${Math.round(median(rs))} (${Math.round(best(rs))}) | ${ratioSummary(ks, rs)} |`);
      }
      console.log(`P=${pipeline}: keyraft everysec / keyraft no persistence = ${ratioSummary(get('keyraft-everysec'), get('keyraft-none'))} (target >= 0.9)`);
      console.log(`P=${pipeline}: keyraft always / redis always = ${ratioSummary(get('keyraft-always'), get('redis-always'))} (target >= 1.0)`);
    } finally {
      for (const p of servers.values()) await stop(p);
    }
  }
  console.log(`# load average after: ${load()}`);
}

await main();
