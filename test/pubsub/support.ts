// Helpers for the notification tests: run commands on one connection while another is
// subscribed, and return what the subscriber received, split per command. Comparing the splits
// from keyraft and Redis names the exact command whose events differ.

import assert from 'node:assert/strict';
import type { Argv, DifferentialPair } from '../helpers/differential.js';
import type { ServerProcess } from '../helpers/servers.js';
import type { RespConnection, RespValue } from '../helpers/resp.js';

/** The channel a step marker is published on after each command. */
const STEP_CHANNEL = 'keyraft-test-step';
/** How long a subscriber waits for the next message before the test fails. */
const MESSAGE_WAIT_MS = 3000;

function show(v: RespValue): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'push' in v) return show(v.push);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ');
  return JSON.stringify(v);
}

/** Reads messages until the step marker `n` arrives. */
async function untilMarker(sub: RespConnection, n: number): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const m = show((await sub.next(MESSAGE_WAIT_MS)).value);
    if (m === `message ${STEP_CHANNEL} ${n}`) return out;
    out.push(m);
  }
}

export interface StepOptions {
  /** Commands run before subscribing (setup, CONFIG SET notify-keyspace-events…). */
  config?: Argv[];
  /** Patterns the subscriber listens to (default: every keyspace and keyevent channel). */
  patterns?: string[];
  /** Waits after a command before its marker is published (active expiry tests). */
  pauseAfterMs?: (argv: Argv) => number;
}

/** Runs `commands` and returns, per command, the messages the subscriber got because of it. */
export async function collectSteps(server: ServerProcess, commands: readonly Argv[], opts: StepOptions = {}): Promise<string[][]> {
  const sub = await server.connect();
  const pub = await server.connect();
  try {
    await pub.call('FLUSHALL');
    for (const c of opts.config ?? []) await pub.call(...c);
    const patterns = opts.patterns ?? ['__key*__:*'];
    await sub.call('PSUBSCRIBE', ...patterns);
    for (let i = 1; i < patterns.length; i++) await sub.next();
    await sub.call('SUBSCRIBE', STEP_CHANNEL);
    const steps: string[][] = [];
    let inMulti = false;
    for (let i = 0; i < commands.length; i++) {
      await pub.call(...commands[i]!);
      // Inside MULTI the marker would be queued too: the events of queued commands arrive with EXEC.
      const name = commands[i]![0]!.toUpperCase();
      if (name === 'MULTI') inMulti = true;
      else if (name === 'EXEC' || name === 'DISCARD') inMulti = false;
      if (inMulti) {
        steps.push([]);
        continue;
      }
      const pause = opts.pauseAfterMs?.(commands[i]!) ?? 0;
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      await pub.call('PUBLISH', STEP_CHANNEL, String(i));
      steps.push(await untilMarker(sub, i));
    }
    return steps;
  } finally {
    await pub.call('CONFIG', 'SET', 'notify-keyspace-events', '').catch(() => undefined);
    sub.close();
    pub.close();
  }
}

/** Each difference as text: the command, then both servers' messages. */
export function describeDifferences(commands: readonly Argv[], keyraft: string[][], redis: string[][]): string[] {
  const out: string[] = [];
  for (let i = 0; i < commands.length; i++) {
    const k = keyraft[i] ?? [];
    const r = redis[i] ?? [];
    if (JSON.stringify(k) === JSON.stringify(r)) continue;
    out.push(
      `${JSON.stringify(commands[i])}\n    keyraft: ${k.length ? k.join(' | ') : '(nothing)'}\n    redis:   ${r.length ? r.join(' | ') : '(nothing)'}`,
    );
  }
  return out;
}

/**
 * Runs the same commands against both servers and fails naming every command whose messages
 * differ. Requires Redis to have produced at least `minMessages` messages, so a stream that
 * exercises nothing cannot pass.
 */
export async function sameSteps(pair: DifferentialPair, name: string, commands: readonly Argv[], opts: StepOptions & { minMessages?: number } = {}): Promise<void> {
  const k = await collectSteps(pair.keyraft, commands, opts);
  const r = await collectSteps(pair.redis, commands, opts);
  const total = r.reduce((n, s) => n + s.length, 0);
  assert.ok(total >= (opts.minMessages ?? 1), `${name}: too few messages from Redis (${total}): the test is not exercising anything`);
  const diffs = describeDifferences(commands, k, r);
  assert.equal(diffs.length, 0, `${name}: keyspace events differ from Redis for ${diffs.length} command(s):\n  ${diffs.join('\n  ')}`);
}

/** The commands of `commands` keyraft does not implement (COMMAND INFO answers nil). */
export async function missingCommands(server: ServerProcess, commands: readonly Argv[]): Promise<Set<string>> {
  const c = await server.connect();
  try {
    const names = [...new Set(commands.map((a) => a[0]!.toLowerCase()))];
    const info = (await c.value('COMMAND', 'INFO', ...names)) as RespValue[];
    const missing = new Set<string>();
    names.forEach((n, i) => {
      if (info[i] === null) missing.add(n);
    });
    return missing;
  } finally {
    c.close();
  }
}
