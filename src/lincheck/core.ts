// The generic linearizability search: Lowe's variant of the Wing–Gong algorithm (WGL), as in
// Porcupine. This module owns the search only — the entry list with lift/unlift, the memo of
// (linearized-set bitset, model state) pairs, the time budget, and the longest prefix kept for
// counterexamples. It knows nothing about registers or keys (see models.ts) and does no I/O, so
// the simulator can run it in-process and tests can compare it with a brute-force checker.
//
// Unknown outcomes: an operation whose `ret` is null may have taken effect at any point after its
// call, or not at all. It gets return time +Infinity (so it never constrains later operations),
// the model is asked to accept any output for it, and the search succeeds as soon as every
// operation with a definite outcome is linearized — unknown ones left over are "never happened".
// Exact reductions for them (see docs/LINCHECK.md): irrelevant ones are dropped, they are never
// placed as no-ops, the memo subsumes configurations with more of them linearized, and identical
// ones are placed in call order.

/** One operation of a history, for model M with inputs I and outputs O. */
export interface Operation<I, O> {
  client: number;
  input: I;
  /** Ignored when `ret` is null (the outcome is unknown). */
  output: O | undefined;
  call: number;
  /** Return time; null = outcome unknown (may or may not have taken effect). */
  ret: number | null;
}

/** A sequential specification. States must not be `undefined` (that value means "rejected"). */
export interface Model<S, I, O> {
  readonly name: string;
  init(): S;
  /**
   * Apply `input` to `state`. `known` false means the outcome is unknown: accept any output
   * (`output` is then undefined). Returns the next state, or undefined if the output is impossible.
   */
  step(state: S, input: I, output: O | undefined, known: boolean): S | undefined;
  /** Equal states must give equal keys; used to memoize the search. */
  stateKey(state: S): string;
  /** Inputs that never change the state; unknown-outcome operations with them are dropped. */
  readOnly?(input: I): boolean;
  /**
   * Inputs whose output does not depend on the state and which the model accepts in every state
   * (a write, a put, an append). If the model says which inputs are blind, an unknown-outcome
   * operation called after every non-blind definite operation has returned is dropped: nothing
   * that could observe it is left. (Models must accept any state for unknown outcomes.)
   */
  blind?(input: I): boolean;
  /**
   * Optional: a key that is equal exactly when two inputs are interchangeable (same kind and
   * arguments). Unknown-outcome operations with equal keys are then linearized in call order
   * only, which loses nothing: the earlier-called one can stand in for the later one anywhere.
   */
  inputKey?(input: I): string;
  describeOp(input: I, output: O | undefined, known: boolean): string;
  describeState(state: S): string;
}

export type Verdict = 'linearizable' | 'not-linearizable' | 'unknown';

export interface SearchOptions {
  /** Absolute deadline in Date.now() milliseconds; the search returns 'unknown' after it. */
  deadline?: number;
  /** Relative budget, used when `deadline` is absent. Default: no limit. */
  timeoutMs?: number;
  /** Give up ('unknown') after about this many search steps. Default: no limit. */
  maxSteps?: number;
  /**
   * Give up ('unknown') when the memo and interned states would use more than about this many
   * bytes, rather than exhausting the heap. Default DEFAULT_MAX_MEMORY_BYTES (1 GiB).
   */
  maxMemoryBytes?: number;
}

export const DEFAULT_MAX_MEMORY_BYTES = 1 << 30;

export interface SearchResult {
  verdict: Verdict;
  /** Indices into the input `ops` of the longest linearizable prefix found (not-linearizable only). */
  longestPrefix?: number[];
  /** Indices of operations that could have come next after that prefix but did not fit. */
  stuck?: number[];
  /** Search steps taken (for measurements). */
  steps: number;
  /** Why the verdict is 'unknown': the time, step or memory budget ran out. */
  reason?: 'time' | 'steps' | 'memory';
}

/**
 * The visited configurations (linearized set, state id), with subsumption for unknown outcomes:
 * a configuration is pruned if one with the same state, the same definite operations linearized
 * and a SUBSET of its unknown-outcome operations linearized was visited — an unknown operation
 * left unlinearized never has to be placed and never blocks anything, so the smaller set can do
 * everything the larger one can. With no unknown operations this is plain equality.
 *
 * Open addressing over typed arrays: slots index "keys" (state id + definite part, tagged by its
 * Zobrist hashes); each key chains the entries that differ only in unknown operations. An entry
 * costs ~16 bytes plus the bitset (4 bytes per 32 operations). A hit compares whole bitsets, so
 * a hash collision can never prune a configuration that was not actually visited.
 */
class Memo {
  private slots = new Int32Array(1 << 12); // entry index + 1 of a chain head; 0 = empty
  private keys = 0;
  private count = 0;
  private cap = 1 << 11;
  private sids = new Int32Array(this.cap);
  private tag1 = new Uint32Array(this.cap);
  private tag2 = new Uint32Array(this.cap);
  private chain = new Int32Array(this.cap); // next entry with the same key, or -1
  private sets: Uint32Array;

  /** `unknownMask` marks the unknown-outcome operations in a bitset. */
  constructor(
    private readonly words: number,
    private readonly unknownMask: Uint32Array,
  ) {
    this.sets = new Uint32Array(this.cap * words);
  }

  bytes(): number {
    return this.slots.byteLength + this.cap * (16 + 4 * this.words);
  }

  private slotOf(h1: number, h2: number, sid: number): number {
    let x = (h1 ^ Math.imul(sid, 0x9e3779b1) ^ Math.imul(h2, 0x85ebca6b)) >>> 0;
    x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
    return (x ^ (x >>> 15)) >>> 0;
  }

  /**
   * True if a configuration subsuming (bits, sid) was visited; otherwise records it and returns
   * false. h1/h2 must hash only the definite operations in `bits`.
   */
  visit(h1: number, h2: number, sid: number, bits: Uint32Array): boolean {
    const mask = this.slots.length - 1;
    const w = this.words;
    const um = this.unknownMask;
    for (let i = this.slotOf(h1, h2, sid) & mask; ; i = (i + 1) & mask) {
      const head = this.slots[i]! - 1;
      if (head < 0) {
        this.insert(i, -1, h1, h2, sid, bits);
        return false;
      }
      if (this.sids[head] !== sid || this.tag1[head] !== h1 || this.tag2[head] !== h2) continue;
      let sameKey = true;
      for (let k = 0, o = head * w; k < w; k++, o++) {
        if (((this.sets[o]! ^ bits[k]!) & ~um[k]!) !== 0) {
          sameKey = false;
          break;
        }
      }
      if (!sameKey) continue;
      for (let e = head; e >= 0; e = this.chain[e]!) {
        let subset = true;
        for (let k = 0, o = e * w; k < w; k++, o++) {
          if ((this.sets[o]! & ~bits[k]!) !== 0) {
            subset = false;
            break;
          }
        }
        if (subset) return true;
      }
      this.insert(i, head, h1, h2, sid, bits);
      return false;
    }
  }

  private insert(slot: number, next: number, h1: number, h2: number, sid: number, bits: Uint32Array): void {
    if (this.count === this.cap) {
      this.cap *= 2;
      const grow = <T extends Int32Array | Uint32Array>(a: T, n: number): T => {
        const b = new (a.constructor as new (n: number) => T)(n);
        b.set(a);
        return b;
      };
      this.sids = grow(this.sids, this.cap);
      this.tag1 = grow(this.tag1, this.cap);
      this.tag2 = grow(this.tag2, this.cap);
      this.chain = grow(this.chain, this.cap);
      this.sets = grow(this.sets, this.cap * this.words);
    }
    const e = this.count++;
    this.sids[e] = sid;
    this.tag1[e] = h1;
    this.tag2[e] = h2;
    this.chain[e] = next;
    this.sets.set(bits, e * this.words);
    this.slots[slot] = e + 1;
    if (next < 0 && ++this.keys * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = slots.length - 1;
    for (const v of old) {
      if (v === 0) continue;
      const e = v - 1;
      let i = this.slotOf(this.tag1[e]!, this.tag2[e]!, this.sids[e]!) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = v;
    }
    this.slots = slots;
  }
}

const NIL = -1;

/** xorshift32, seeded: the Zobrist hashes must be reproducible but need no quality beyond mixing. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function now(): number {
  return Date.now();
}

/** Checks one independent history (one key). Throws on malformed times (ret < call, NaN). */
export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  opts: SearchOptions = {},
): SearchResult {
  const deadline = opts.deadline ?? (opts.timeoutMs !== undefined ? now() + opts.timeoutMs : Infinity);
  const maxSteps = opts.maxSteps ?? Infinity;

  const idx: number[] = [];
  const keep = relevant(model, ops);
  for (let i = 0; i < ops.length; i++) if (keep[i]) idx.push(i);
  const n = idx.length;
  const known = new Uint8Array(n);
  let definite = 0;
  for (let k = 0; k < n; k++) {
    if (ops[idx[k]!]!.ret !== null) {
      known[k] = 1;
      definite++;
    }
  }
  if (definite === 0) return { verdict: 'linearizable', steps: 0 };

  // Interchangeable unknown operations are linearized in call order: prevSame[k] must go first.
  const prevSame = new Int32Array(n).fill(-1);
  if (model.inputKey !== undefined && definite < n) {
    const byCall = [...Array(n).keys()].filter((k) => known[k] === 0);
    byCall.sort((a, b) => ops[idx[a]!]!.call - ops[idx[b]!]!.call || a - b);
    const lastWith = new Map<string, number>();
    for (const k of byCall) {
      const key = model.inputKey(ops[idx[k]!]!.input);
      prevSame[k] = lastWith.get(key) ?? -1;
      lastWith.set(key, k);
    }
  }

  // Entry list: entry 0 is the head sentinel; entry 2k+1 is op k's call, 2k+2 its return.
  // Sorted by time; at equal times calls come first, so touching intervals count as concurrent.
  const events: number[] = [];
  for (let k = 0; k < n; k++) events.push(2 * k + 1, 2 * k + 2);
  const timeOf = (e: number): number => {
    const o = ops[idx[(e - 1) >> 1]!]!;
    return (e & 1) === 1 ? o.call : (o.ret ?? Infinity);
  };
  events.sort((a, b) => {
    const ta = timeOf(a);
    const tb = timeOf(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    const ca = a & 1;
    const cb = b & 1;
    if (ca !== cb) return cb - ca; // call (odd) before return
    return a - b;
  });
  const size = 2 * n + 1;
  const nxt = new Int32Array(size);
  const prv = new Int32Array(size);
  let last = 0;
  for (const e of events) {
    nxt[last] = e;
    prv[e] = last;
    last = e;
  }
  nxt[last] = NIL;

  const lift = (call: number): void => {
    nxt[prv[call]!] = nxt[call]!;
    if (nxt[call] !== NIL) prv[nxt[call]!] = prv[call]!;
    const ret = call + 1;
    nxt[prv[ret]!] = nxt[ret]!;
    if (nxt[ret] !== NIL) prv[nxt[ret]!] = prv[ret]!;
  };
  const unlift = (call: number): void => {
    const ret = call + 1;
    nxt[prv[ret]!] = ret;
    if (nxt[ret] !== NIL) prv[nxt[ret]!] = ret;
    nxt[prv[call]!] = call;
    if (nxt[call] !== NIL) prv[nxt[call]!] = call;
  };

  // Memo of visited (linearized set, state) pairs, keyed by Zobrist hash of the set + state id.
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const rand = rng(0x9e3779b9);
  const z1 = new Uint32Array(n);
  const z2 = new Uint32Array(n);
  const unknownMask = new Uint32Array(words);
  for (let k = 0; k < n; k++) {
    // Only definite operations enter the hashes: configurations that differ only in unknown
    // operations share a memo key, so the memo can see that one subsumes another.
    const a = rand();
    const b = rand();
    if (known[k] === 1) {
      z1[k] = a;
      z2[k] = b;
    } else unknownMask[k >>> 5]! |= 1 << (k & 31);
  }
  let h1 = 0;
  let h2 = 0;
  // States are interned to small ids; the interned keys count towards the memory budget.
  const stateIds = new Map<string, number>();
  let stateChars = 0;
  const intern = (s: S): number => {
    const key = model.stateKey(s);
    let id = stateIds.get(key);
    if (id === undefined) {
      id = stateIds.size;
      stateIds.set(key, id);
      stateChars += key.length;
    }
    return id;
  };
  const memo = new Memo(words, unknownMask);
  const maxBytes = opts.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;

  const stackEntry: number[] = [];
  const stackState: S[] = [];
  let best: number[] = [];
  let bestDefinite = -1;
  const stackSid: number[] = [];
  let state = model.init();
  let sid = intern(state);
  let remaining = definite;
  let entry = nxt[0]!;
  let steps = 0;
  // Candidates (calls before the first remaining return) are tried in two passes: operations with
  // a definite outcome first, then unknown ones, which are thus linearized only when nothing else
  // fits. Every candidate is still tried at every node, so the search stays complete.
  const hasUnknown = definite < n;
  let unknownPass = false;

  for (;;) {
    if ((++steps & 1023) === 0) {
      if (now() > deadline) return { verdict: 'unknown', steps, reason: 'time' };
      if (steps > maxSteps) return { verdict: 'unknown', steps, reason: 'steps' };
      if (memo.bytes() + 2 * stateChars + 64 * stateIds.size > maxBytes) return { verdict: 'unknown', steps, reason: 'memory' };
    }
    if (entry !== NIL && (entry & 1) === 1) {
      const k = (entry - 1) >> 1;
      const isKnown = known[k] === 1;
      const before = prevSame[k]!;
      if (isKnown === unknownPass || (before >= 0 && (bits[before >>> 5]! & (1 << (before & 31))) === 0)) {
        entry = nxt[entry]!; // not this pass's kind of operation, or an interchangeable one is due first
        continue;
      }
      const o = ops[idx[k]!]!;
      const next = model.step(state, o.input, isKnown ? o.output : undefined, isKnown);
      if (next !== undefined) {
        bits[k >>> 5]! |= 1 << (k & 31);
        h1 = (h1 ^ z1[k]!) >>> 0;
        h2 = (h2 ^ z2[k]!) >>> 0;
        const nextSid = intern(next);
        // An unknown-outcome operation that leaves the state as it is (a cas whose comparison
        // fails, a write of the current value) is no use here: leaving it unlinearized allows
        // strictly more, as it never has to be placed. Skipping it prunes equivalent branches.
        if ((isKnown || nextSid !== sid) && !memo.visit(h1, h2, nextSid, bits)) {
          stackEntry.push(entry);
          stackState.push(state);
          stackSid.push(sid);
          state = next;
          sid = nextSid;
          if (isKnown) remaining--;
          lift(entry);
          if (remaining === 0) return { verdict: 'linearizable', steps };
          // The prefix the explanation shows: the one with the most definite operations (an
          // unknown-outcome one may or may not have happened, so it does not count as progress),
          // the longer one on a tie.
          const placed = definite - remaining;
          if (placed > bestDefinite || (placed === bestDefinite && stackEntry.length > best.length)) {
            bestDefinite = placed;
            best = stackEntry.map((e) => idx[(e - 1) >> 1]!);
          }
          entry = nxt[0]!;
          unknownPass = false;
          continue;
        }
        bits[k >>> 5]! &= ~(1 << (k & 31));
        h1 = (h1 ^ z1[k]!) >>> 0;
        h2 = (h2 ^ z2[k]!) >>> 0;
      }
      entry = nxt[entry]!;
    } else {
      // A return entry (or the end): every candidate of this pass has been tried.
      if (!unknownPass && hasUnknown) {
        unknownPass = true;
        entry = nxt[0]!;
        continue;
      }
      // The operation returning here must have been linearized already. Backtrack.
      if (stackEntry.length === 0) {
        return { verdict: 'not-linearizable', longestPrefix: best, stuck: stuckAfter(model, ops, best), steps };
      }
      entry = stackEntry.pop()!;
      state = stackState.pop()!;
      sid = stackSid.pop()!;
      const k = (entry - 1) >> 1;
      bits[k >>> 5]! &= ~(1 << (k & 31));
      h1 = (h1 ^ z1[k]!) >>> 0;
      h2 = (h2 ^ z2[k]!) >>> 0;
      if (known[k] === 1) remaining++;
      unknownPass = known[k] === 0;
      unlift(entry);
      entry = nxt[entry]!;
    }
  }
}

/**
 * Validates times and says which operations the search needs. Unknown-outcome operations are
 * irrelevant (exactly: dropping them changes no verdict) if they cannot change the state, or if
 * every definite operation whose output depends on the state returned before they were called —
 * such an operation may only be linearized after them, where nothing definite can observe it.
 */
function relevant<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): boolean[] {
  let lastObserver = -Infinity;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (!Number.isFinite(o.call)) throw new Error(`operation ${i}: call time ${o.call} is not a finite number`);
    if (o.ret !== null && (!Number.isFinite(o.ret) || o.ret < o.call)) {
      throw new Error(`operation ${i}: return time ${o.ret} is before call time ${o.call} or not finite`);
    }
    if (o.ret !== null && !(model.blind?.(o.input) ?? false)) lastObserver = Math.max(lastObserver, o.ret);
  }
  return ops.map(
    (o) => o.ret !== null || !(model.readOnly?.(o.input) || (model.blind !== undefined && o.call > lastObserver)),
  );
}

/**
 * The operations that could be linearized right after `prefix` by real-time order: not in the
 * prefix, and called no later than the earliest return among the definite operations left.
 */
function stuckAfter<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], prefix: number[]): number[] {
  const done = new Set(prefix);
  const keep = relevant(model, ops);
  let minRet = Infinity;
  for (let i = 0; i < ops.length; i++) {
    const r = ops[i]!.ret;
    if (!done.has(i) && r !== null && r < minRet) minRet = r;
  }
  const out: number[] = [];
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (done.has(i) || o.call > minRet) continue;
    if (keep[i]) out.push(i);
  }
  return out;
}

function fmtTime(t: number | null): string {
  return t === null ? '?' : String(t);
}

/**
 * A readable account of why a history is not linearizable: the longest linearizable prefix the
 * search found (most recent `maxPrefix` operations, with the model state after each) and, for every
 * operation that could have come next, whether the model rejected it or it led only to dead ends.
 */
export function explain<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  result: SearchResult,
  maxPrefix = 20,
): string {
  if (result.verdict !== 'not-linearizable' || !result.longestPrefix) return `verdict: ${result.verdict}`;
  const line = (i: number): string => {
    const o = ops[i]!;
    const known = o.ret !== null;
    return `client ${o.client}  ${model.describeOp(o.input, known ? o.output : undefined, known)}  [call ${o.call}, ret ${fmtTime(o.ret)}]`;
  };
  const prefix = result.longestPrefix;
  const out: string[] = [];
  out.push(`longest linearizable prefix: ${prefix.length} of ${ops.length} operations`);
  let state = model.init();
  const skip = Math.max(0, prefix.length - maxPrefix);
  if (skip > 0) out.push(`  ... ${skip} earlier operations`);
  for (let j = 0; j < prefix.length; j++) {
    const o = ops[prefix[j]!]!;
    const known = o.ret !== null;
    const next = model.step(state, o.input, known ? o.output : undefined, known);
    if (next === undefined) throw new Error('internal error: longest prefix does not replay');
    state = next;
    if (j >= skip) out.push(`  ${j + 1}. ${line(prefix[j]!)}  => ${model.describeState(state)}`);
  }
  out.push(`state after the prefix: ${model.describeState(state)}`);
  out.push('could not place next:');
  for (const i of result.stuck ?? []) {
    const o = ops[i]!;
    const known = o.ret !== null;
    const ok = model.step(state, o.input, known ? o.output : undefined, known) !== undefined;
    const why = !known
      ? 'unknown outcome; placing it here does not help either'
      : ok
        ? 'fits here, but no order of the rest fits after it'
        : 'impossible in this state';
    out.push(`  - ${line(i)}  (${why})`);
  }
  return out.join('\n');
}

/** Result of checking a history split into independent partitions (e.g. one per key). */
export interface PartitionedResult {
  verdict: Verdict;
  /** The partition that decided the verdict (not-linearizable or unknown). */
  partition?: string;
  explanation?: string;
  elapsedMs: number;
}

/**
 * Checks every partition under one overall budget. Any not-linearizable partition makes the history
 * not linearizable; otherwise any partition whose search ran out of time or memory makes it
 * unknown. Partitions are searched round-robin in slices of search steps that grow fourfold each
 * round (restarting the search each time, so a key needing W steps costs less than 7W/3 in all),
 * so a cheap violation in one key is found before an expensive search in another eats the budget.
 */
export function checkPartitions<S, I, O>(
  model: Model<S, I, O>,
  partitions: ReadonlyMap<string, readonly Operation<I, O>[]>,
  opts: SearchOptions = {},
): PartitionedResult {
  const start = now();
  const deadline = opts.deadline ?? (opts.timeoutMs !== undefined ? start + opts.timeoutMs : Infinity);
  let pending = [...partitions.entries()].sort((a, b) => a[1].length - b[1].length);
  let gaveUp: { key: string; reason: string } | undefined;
  let slice = 20_000;
  while (pending.length > 0) {
    const again: typeof pending = [];
    for (const entry of pending) {
      const [key, ops] = entry;
      const r = checkOperations(model, ops, { ...opts, deadline, maxSteps: Math.min(slice, opts.maxSteps ?? Infinity) });
      if (r.verdict === 'not-linearizable') {
        return {
          verdict: 'not-linearizable',
          partition: key,
          explanation: `key ${JSON.stringify(key)}: ${explain(model, ops, r)}`,
          elapsedMs: now() - start,
        };
      }
      if (r.verdict === 'linearizable') continue;
      if (r.reason === 'steps' && slice < (opts.maxSteps ?? Infinity)) again.push(entry);
      else gaveUp ??= { key, reason: r.reason === 'memory' ? 'memory budget' : r.reason === 'steps' ? 'step budget' : 'time budget' };
      if (r.reason === 'time') {
        again.length = 0;
        break;
      }
    }
    pending = again;
    slice *= 4;
  }
  if (gaveUp !== undefined) {
    return {
      verdict: 'unknown',
      partition: gaveUp.key,
      explanation: `key ${JSON.stringify(gaveUp.key)}: the ${gaveUp.reason} ran out before the search finished`,
      elapsedMs: now() - start,
    };
  }
  return { verdict: 'linearizable', elapsedMs: now() - start };
}
