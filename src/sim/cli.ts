// `npm run sim -- --seeds N [--start S] [--nodes 3|5] [--verbose] [--debug]`: runs N seeds of the cluster
// simulator, checks each history for linearizability, and exits non-zero if any seed failed.
// Every failure prints SEED=…; re-running with --start <seed> --seeds 1 replays it exactly.
import { runSeed } from './run.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v)) throw new Error(`${name} needs an integer`);
  return v;
}

const seeds = arg('--seeds', 10);
const start = arg('--start', 1);
const nodesArg = arg('--nodes', 3);
const verbose = process.argv.includes('--verbose');
// Prints every message delivery, disk write, crash and pause (use with --seeds 1 to study a replay).
const debug = process.argv.includes('--debug');
// Test-only: break reads on purpose to see a failure reported (`--sabotage local-reads`).
const sabotage = process.argv.includes('--sabotage') ? (process.argv[process.argv.indexOf('--sabotage') + 1] as 'local-reads') : undefined;
if (nodesArg !== 3 && nodesArg !== 5) throw new Error('--nodes must be 3 or 5');
const nodes = nodesArg;

let failures = 0;
let unknown = 0;
const t0 = Date.now();
for (let seed = start; seed < start + seeds; seed++) {
  const r = runSeed(seed, nodes, 10_000, sabotage !== undefined ? { sabotage } : {}, debug ? (l) => console.log(l) : undefined);
  if (!r.ok) {
    failures++;
    console.log(`FAIL SEED=${seed} nodes=${nodes}: ${r.failure}`);
    console.log(`  replay: npm run sim -- --start ${seed} --seeds 1 --nodes ${nodes}`);
  } else if (r.lincheck === 'unknown') {
    unknown++;
  }
  if (verbose || !r.ok) {
    console.log(`seed ${seed}: ${r.ok ? 'ok' : 'FAIL'} trace=${r.traceHash} lincheck=${r.lincheck} ${JSON.stringify(r.stats)}`);
  }
}
const secs = ((Date.now() - t0) / 1000).toFixed(1);
console.log(`${seeds} seeds (${start}..${start + seeds - 1}, ${nodes} nodes): ${failures} failed, ${unknown} with lincheck verdict unknown, ${secs} s`);
process.exit(failures > 0 ? 1 : 0);
