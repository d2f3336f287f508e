// Runs one seed end to end: the simulation, then the linearizability check of its history.
// Shared by the CLI and the tests so both judge a seed the same way.
import { checkKvHistory } from '../lincheck/index.js';
import { type SimOptions, type SimResult, defaultSimOptions, runSimulation } from './sim.js';

export interface SeedResult extends SimResult {
  lincheck: 'linearizable' | 'not-linearizable' | 'unknown' | 'skipped';
  lincheckMs: number;
}

export function runSeed(
  seed: number,
  nodes: 3 | 5 = 3,
  lincheckTimeoutMs = 10_000,
  overrides: Partial<SimOptions> = {},
  debug?: (line: string) => void,
): SeedResult {
  const r = runSimulation({ ...defaultSimOptions(seed, nodes), ...overrides }, debug);
  if (!r.ok) return { ...r, lincheck: 'skipped', lincheckMs: 0 };
  const v = checkKvHistory(r.history, { timeoutMs: lincheckTimeoutMs });
  const out: SeedResult = { ...r, lincheck: v.verdict, lincheckMs: v.elapsedMs };
  out.stats = { ...r.stats, lincheckMs: Math.round(v.elapsedMs) };
  if (v.verdict === 'not-linearizable') {
    out.ok = false;
    out.failure = `history not linearizable (key ${v.key ?? '?'}): ${v.explanation ?? ''}`;
  }
  return out;
}
