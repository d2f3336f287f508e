// keyraft's own entry point: checks a history of KvOp (the shape the cluster simulator records)
// against keyraftKvModel, split per key. Owns validation of that input shape and its translation to
// the generic checker's operations; the search itself is in core.ts.

import { checkPartitions, type Operation, type Verdict } from './core.js';
import { keyraftKvModel, type KvInput, type KvOutput } from './models.js';

export interface KvOp {
  client: number; // client/process id
  kind: 'get' | 'put' | 'append' | 'cas';
  key: string;
  value?: string; // put/append value; cas new value
  expected?: string | null; // cas: expected current value (null = key absent)
  output?: string | null | boolean; // get: value or null; cas: true/false; put/append: undefined
  call: number; // invocation time
  ret: number | null; // return time; null = outcome unknown (may or may not have taken effect)
}

/** Default time budget of checkKvHistory when opts.timeoutMs is not given. */
export const DEFAULT_TIMEOUT_MS = 10_000;

function toInput(op: KvOp, i: number): KvInput {
  const bad = (why: string): never => {
    throw new Error(`checkKvHistory: operation ${i} (${op.kind} on key ${JSON.stringify(op.key)}): ${why}`);
  };
  switch (op.kind) {
    case 'get':
      if (op.ret !== null && op.output !== null && typeof op.output !== 'string') bad('get output must be a string or null');
      return { kind: 'get' };
    case 'put':
    case 'append':
      if (typeof op.value !== 'string') bad('value must be a string');
      return { kind: op.kind, value: op.value! };
    case 'cas':
      if (typeof op.value !== 'string') bad('value must be a string');
      if (op.expected !== null && typeof op.expected !== 'string') bad('expected must be a string or null');
      if (op.ret !== null && typeof op.output !== 'boolean') bad('cas output must be true or false');
      return { kind: 'cas', expected: op.expected!, value: op.value! };
    default:
      return bad('unknown kind');
  }
}

/**
 * Is this history of a key-value store linearizable? Keys are checked independently. Missing keys
 * read as null; put sets; append concatenates (absent counts as ""); cas succeeds iff the current
 * value === expected (null = absent). Operations with ret === null may or may not have taken
 * effect. Operation A precedes B in real time iff A.ret < B.call (equal times are concurrent).
 * Returns 'unknown' if the budget (default 10 s) runs out — never 'linearizable' on timeout.
 */
export function checkKvHistory(
  ops: KvOp[],
  opts?: { timeoutMs?: number },
): { verdict: Verdict; key?: string; explanation?: string; elapsedMs: number } {
  const partitions = new Map<string, Operation<KvInput, KvOutput>[]>();
  ops.forEach((op, i) => {
    if (typeof op.key !== 'string') throw new Error(`checkKvHistory: operation ${i}: key must be a string`);
    const input = toInput(op, i);
    let list = partitions.get(op.key);
    if (!list) partitions.set(op.key, (list = []));
    list.push({ client: op.client, input, output: op.output, call: op.call, ret: op.ret });
  });
  const r = checkPartitions(keyraftKvModel, partitions, { timeoutMs: opts?.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  const out: { verdict: Verdict; key?: string; explanation?: string; elapsedMs: number } = {
    verdict: r.verdict,
    elapsedMs: r.elapsedMs,
  };
  if (r.partition !== undefined) out.key = r.partition;
  if (r.explanation !== undefined) out.explanation = r.explanation;
  return out;
}
