import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSeed } from '../../src/sim/run.js';
import { defaultSimOptions, runSimulation } from '../../src/sim/sim.js';

function runBatch(start: number, count: number, nodes: 3 | 5): void {
  const failures: string[] = [];
  let unknown = 0;
  for (let seed = start; seed < start + count; seed++) {
    const r = runSeed(seed, nodes, 5_000);
    if (!r.ok) failures.push(`SEED=${seed} nodes=${nodes}: ${r.failure} (replay: npm run sim -- --start ${seed} --seeds 1 --nodes ${nodes})`);
    if (r.lincheck === 'unknown') unknown++;
  }
  if (unknown > 0) console.log(`# ${unknown} seeds with lincheck verdict unknown (not a failure)`);
  assert.deepEqual(failures, []);
}

test('simulator: 3-node seeds keep every invariant and produce linearizable histories', () => {
  runBatch(1, 600, 3);
});

test('simulator: 5-node seeds keep every invariant and produce linearizable histories', () => {
  runBatch(10_001, 250, 5);
});

test('simulator: the same seed gives the same trace hash and history; different seeds differ', () => {
  for (const [seed, nodes] of [[7, 3], [42, 3], [1234, 3], [8, 5], [99, 5]] as const) {
    const a = runSimulation(defaultSimOptions(seed, nodes));
    const b = runSimulation(defaultSimOptions(seed, nodes));
    assert.equal(a.traceHash, b.traceHash, `seed ${seed}`);
    assert.deepEqual(a.history, b.history);
    assert.deepEqual(a.stats, b.stats);
  }
  const hashes = new Set([1, 2, 3, 4, 5].map((s) => runSimulation(defaultSimOptions(s, 5)).traceHash));
  assert.equal(hashes.size, 5);
});

test('simulator: runs exercise the faults they claim to', () => {
  const total: Record<string, number> = {};
  for (let seed = 1; seed <= 40; seed++) {
    const r = runSimulation(defaultSimOptions(seed, 3));
    for (const [k, v] of Object.entries(r.stats)) total[k] = (total[k] ?? 0) + v;
  }
  for (const k of ['msgsDropped', 'msgsDuplicated', 'crashes', 'tornWrites', 'pauses', 'partitions', 'transfers', 'confChanges', 'snapshotsSent', 'writesOk', 'writesUnknown', 'readsOk', 'compactions']) {
    assert.ok((total[k] ?? 0) > 0, `${k} never happened in 40 seeds`);
  }
});

test('simulator: deliberately stale reads are caught by the linearizability check and reported with their seed', () => {
  const caught: string[] = [];
  for (let seed = 1; seed <= 40 && caught.length === 0; seed++) {
    const r = runSeed(seed, 3, 5_000, { sabotage: 'local-reads' });
    if (!r.ok) caught.push(`SEED=${seed}: ${r.failure}`);
  }
  assert.equal(caught.length, 1, 'some seed must expose the stale reads');
  assert.match(caught[0]!, /not linearizable/);
});

test('sim CLI: exit 0 when all seeds pass; on failure prints SEED= and a replay command and exits 1', async () => {
  const { spawnSync } = await import('node:child_process');
  const ok = spawnSync(process.execPath, ['dist/src/sim/cli.js', '--seeds', '3', '--nodes', '5'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /3 seeds \(1\.\.3, 5 nodes\): 0 failed/);
  const bad = spawnSync(process.execPath, ['dist/src/sim/cli.js', '--seeds', '2', '--sabotage', 'local-reads'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /FAIL SEED=1 nodes=3: history not linearizable/);
  assert.match(bad.stdout, /replay: npm run sim -- --start 1 --seeds 1 --nodes 3/);
});
