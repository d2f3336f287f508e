// The differential harness: sends the same command streams to keyraft and to Debian's
// redis-server and compares every reply byte for byte, errors included. Streams are written by
// hand or generated from a seed; a mismatch is reported with the seed and the shortest stream
// (greedy delta-debugging over the failing prefix) that still shows a difference. Every command
// family reuses it: write a generator `(rng) => argv`, then call `fuzzFamily`.

import assert from 'node:assert/strict';
import { RespConnection } from './resp.js';
import { referenceRedisSkipReason, startKeyraft, startRedis, type ServerProcess } from './servers.js';
import { before, after } from 'node:test';

export type Argv = string[];

/** A seeded PRNG for generators (mulberry32): the same seed makes the same stream. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A short string of bytes from `alphabet` (default: a few letters, digits and binary bytes). */
  bytes(maxLen: number, alphabet = 'abc01\x00\xff\r\n '): string {
    const n = this.int(0, maxLen);
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

export interface Mismatch {
  index: number;
  argv: Argv;
  keyraft: string;
  redis: string;
}

export interface HarnessOptions {
  /** Rewrites a raw reply before comparison, for replies that may legitimately differ. */
  normalize?: (argv: Argv, raw: string) => string;
}

function show(raw: string): string {
  return JSON.stringify(raw.length > 400 ? raw.slice(0, 400) + '…' : raw);
}

export function formatStream(stream: readonly Argv[]): string {
  return stream.map((argv) => '  ' + argv.map((a) => JSON.stringify(a)).join(' ')).join('\n');
}

export class DifferentialPair {
  private kc!: RespConnection;
  private rc!: RespConnection;

  private constructor(
    readonly keyraft: ServerProcess,
    readonly redis: ServerProcess,
  ) {}

  static async start(keyraftArgs: string[] = [], redisArgs: string[] = []): Promise<DifferentialPair> {
    const [k, r] = await Promise.all([startKeyraft(keyraftArgs), startRedis(redisArgs)]);
    const pair = new DifferentialPair(k, r);
    await pair.reconnect();
    return pair;
  }

  /** Fresh connections (client state such as SELECT and HELLO reset). */
  async reconnect(): Promise<void> {
    this.kc?.close();
    this.rc?.close();
    [this.kc, this.rc] = await Promise.all([this.keyraft.connect(), this.redis.connect()]);
  }

  /** Empties both servers and reconnects. */
  async reset(): Promise<void> {
    await this.reconnect();
    await Promise.all([this.kc.call('FLUSHALL'), this.rc.call('FLUSHALL')]);
  }

  /** Sends one command to both; returns the two raw replies. */
  async both(argv: Argv): Promise<[string, string]> {
    const [a, b] = await Promise.all([this.kc.call(...argv), this.rc.call(...argv)]);
    return [a.raw.latin1Slice(), b.raw.latin1Slice()];
  }

  /** Runs a stream on the current state; returns the first mismatch or null. */
  async runStream(stream: readonly Argv[], opts: HarnessOptions = {}): Promise<Mismatch | null> {
    for (let i = 0; i < stream.length; i++) {
      const argv = stream[i]!;
      let [k, r] = await this.both(argv);
      if (opts.normalize) {
        k = opts.normalize(argv, k);
        r = opts.normalize(argv, r);
      }
      if (k !== r) return { index: i, argv, keyraft: k, redis: r };
    }
    return null;
  }

  /** Shrinks a failing stream: the failing prefix, then greedily drops commands that are not needed. */
  async shrink(stream: readonly Argv[], mismatch: Mismatch, opts: HarnessOptions = {}): Promise<{ stream: Argv[]; mismatch: Mismatch }> {
    let current = stream.slice(0, mismatch.index + 1);
    let last = mismatch;
    for (let i = current.length - 2; i >= 0; i--) {
      const candidate = current.slice(0, i).concat(current.slice(i + 1));
      await this.reset();
      const m = await this.runStream(candidate, opts);
      if (m && m.index === candidate.length - 1) {
        current = candidate;
        last = m;
      }
    }
    return { stream: current, mismatch: last };
  }

  /** Runs a stream from an empty state and fails the test with a minimal reproduction. */
  async assertSame(name: string, stream: readonly Argv[], opts: HarnessOptions & { seed?: number } = {}): Promise<void> {
    await this.reset();
    const m = await this.runStream(stream, opts);
    if (!m) return;
    const small = await this.shrink(stream, m, opts);
    const seed = opts.seed !== undefined ? ` SEED=${opts.seed}` : '';
    assert.fail(
      `${name}:${seed} keyraft and redis differ at ${JSON.stringify(small.mismatch.argv)}\n` +
        `  keyraft: ${show(small.mismatch.keyraft)}\n  redis:   ${show(small.mismatch.redis)}\n` +
        `shortest stream showing it (${small.stream.length} commands):\n${formatStream(small.stream)}`,
    );
  }

  async stop(): Promise<void> {
    this.kc?.close();
    this.rc?.close();
    await Promise.all([this.keyraft.stop(), this.redis.stop()]);
  }
}

/** Seeds for random streams: DIFF_SEED=n pins one (to replay a failure), else a fixed batch. */
export function seedsToRun(defaultSeeds: readonly number[]): number[] {
  const pinned = process.env.DIFF_SEED;
  return pinned ? [Number(pinned)] : [...defaultSeeds];
}

/** Generates `length` commands from `gen` with the seed and checks both servers agree. */
export async function fuzzFamily(pair: DifferentialPair, name: string, seed: number, length: number, gen: (rng: Rng) => Argv, opts: HarnessOptions = {}): Promise<void> {
  const rng = new Rng(seed);
  const stream: Argv[] = [];
  for (let i = 0; i < length; i++) stream.push(gen(rng));
  await pair.assertSame(name, stream, { ...opts, seed });
}

/**
 * The pair a differential test file shares: started before its tests and stopped after them.
 * `skip` is the reason to skip (no reference redis-server here) or false; `pair` forwards to
 * the started pair, so it can be used from any test once `before` has run.
 */
export function useDifferentialPair(keyraftArgs: string[] = [], redisArgs: string[] = []): { skip: string | false; pair: DifferentialPair } {
  const skip = referenceRedisSkipReason();
  let started: DifferentialPair | undefined;
  before(async () => {
    if (!skip) started = await DifferentialPair.start(keyraftArgs, redisArgs);
  });
  after(async () => {
    await started?.stop();
  });
  const pair = new Proxy({} as DifferentialPair, {
    get(_target, prop) {
      if (started === undefined) throw new Error('the differential pair is not started (skipped, or used outside a test)');
      const value: unknown = Reflect.get(started, prop);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
  return { skip, pair };
}

/**
 * The keyspace events ("<event> <key>", db 0) a server publishes while `stream` runs on a
 * flushed db with notify-keyspace-events KEA; notifications are switched off again afterwards.
 */
export async function keyspaceEvents(server: ServerProcess, stream: Argv[]): Promise<string[]> {
  const c = await server.connect();
  const sub = await server.connect();
  try {
    await c.call('FLUSHALL');
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
    for (const argv of stream) await c.call(...argv);
    await c.call('SET', 'end-marker', '1');
    const out: string[] = [];
    for (;;) {
      const msg = (await sub.next()).value as { push: string[] } | string[];
      const parts = Array.isArray(msg) ? msg : msg.push;
      const event = `${parts[2]!.split(':').slice(1).join(':')} ${parts[3]}`;
      if (event === 'set end-marker') return out;
      out.push(event);
    }
  } finally {
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    c.close();
    sub.close();
  }
}
