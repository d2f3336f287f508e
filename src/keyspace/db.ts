// One logical database: keys, values, expiry times, and the per-key access clock.
//
// Layout: `index` (a KeyIndex, key-index.ts) maps a key to a slot; `keys`/`values` are
// parallel arrays indexed by slot; freed slots are reused. Slots never move while a database is
// dense enough, which is what gives SCAN Redis's guarantee cheaply: the cursor is a slot number, and a key that stays in the
// database for a whole iteration sits in one slot the whole time, so it is returned exactly once.
// When the database becomes sparse (live < capacity / 4) the slots are compacted; the cursor
// carries a compaction epoch, and a cursor from an older epoch restarts from slot 0 — duplicates
// are allowed by SCAN's contract, misses are not.
//
// Expiry: reads treat a key whose time has passed as absent without removing it (so a read
// never mutates state and reads stay off the write path in cluster mode); writes remove it; the
// active cycle (expireCycle) reclaims the rest through a heap ordered by expiry time. All of it
// takes `now` from the caller: code that applies writes never reads the clock itself.
//
// Per-key metadata Redis keeps in its object header lives beside the slots: the LRU access time
// (OBJECT IDLETIME) and the LFU counter (OBJECT FREQ) in typed arrays, and, only for the rare keys
// that need them, exact expiry times beyond 2^53 ms and string-encoding marks in side maps.

import { ExpiryHeap } from './expiry-heap.js';
import { KeyIndex } from './key-index.js';
import type { Value } from '../types/value.js';

/**
 * Copy-on-write barrier of a point-in-time snapshot in progress (persistence/bgsave.ts). The Db
 * tells it before a collection or MutableString is handed out for in-place change (getForWrite)
 * and before a key's expiry time changes, so the snapshot can keep what it had at its start.
 */
export interface SnapshotBarrier {
  beforeMutate(value: Value): void;
  beforeExpireChange(key: string, expires: Map<string, number>, exact: Map<string, bigint> | null): void;
}

/** What a point-in-time snapshot captures of a Db at its start (see Db.capture). */
export interface DbCapture {
  keys: (string | undefined)[];
  values: (Value | undefined)[];
  expires: Map<string, number>;
  exact: Map<string, bigint> | null;
}

const COMPACT_CAPACITY_MIN = 1024;
const EPOCH_SHIFT = 2 ** 32;
const EPOCHS = 1 << 16;

/**
 * Redis's encodings for string values that keyraft stores as plain strings. 'int' marks an
 * integer that is its own object rather than one of Redis's shared integers (a COPY of one).
 */
export type StringEncoding = 'raw' | 'embstr' | 'int';

/** Redis's LFU_INIT_VAL: the access counter of a new key (OBJECT FREQ, LFU eviction). */
export const LFU_INIT_VAL = 5;
/** Redis's lfu-log-factor and lfu-decay-time defaults (keyraft has no directives for them). */
const LFU_LOG_FACTOR = 10;
const LFU_DECAY_MINUTES = 1;

/** A seconds clock for OBJECT IDLETIME, shared by all databases. */
export const lruClock = { seconds: 0 };

/**
 * Redis's LFULogIncr probability 1/((counter - LFU_INIT_VAL) * lfu-log-factor + 1), as a bound
 * on a uniform 32-bit draw, per counter value (precomputed: this runs on every key access).
 */
const LFU_INCREMENT_BELOW = Float64Array.from({ length: 256 }, (_, c) =>
  c <= LFU_INIT_VAL ? 2 ** 32 : 2 ** 32 / ((c - LFU_INIT_VAL) * LFU_LOG_FACTOR + 1),
);

const lfuClock = { seconds: -1, minutes: 0 };

/**
 * Whether key accesses update the LFU counters (about 15 ns per access). As in Redis, where the
 * same field holds either the LRU clock or the LFU data, counters are kept only while
 * maxmemory-policy is an LFU policy (the server switches this with the policy).
 */
export const lfuTracking = { enabled: false };

/** Redis's LFUGetTimeInMinutes: minutes on the shared clock, modulo 2^16 (cached per second). */
function lfuMinutes(): number {
  if (lruClock.seconds !== lfuClock.seconds) {
    lfuClock.seconds = lruClock.seconds;
    lfuClock.minutes = Math.floor(lruClock.seconds / 60) & 0xffff;
  }
  return lfuClock.minutes;
}

/** Redis's LFUDecrAndReturn on a packed (minutes << 8 | counter) value. */
function lfuDecayed(packed: number, nowMinutes: number): number {
  const then = packed >>> 8;
  const counter = packed & 255;
  const elapsed = nowMinutes >= then ? nowMinutes - then : 65535 - then + nowMinutes;
  const periods = Math.floor(elapsed / LFU_DECAY_MINUTES);
  return periods > counter ? 0 : counter - periods;
}

export class Db {
  private index = new KeyIndex();
  private slotKeys: (string | undefined)[] = [];
  private slotValues: (Value | undefined)[] = [];
  private slotAccess = new Uint32Array(64);
  /**
   * Redis's LFU data per slot, packed as Redis packs it: (minutes & 0xffff) << 8 | counter. Kept
   * under every policy (a few ns per access), so OBJECT FREQ and LFU eviction have it whenever
   * the policy says LFU. The counter's coin flips come from a xorshift of the Db's own: a
   * replayed sequence of accesses gives the same counters.
   */
  private slotLfu = new Uint32Array(64);
  private lfuRandom = 0x9e3779b9;
  private freeSlots: number[] = [];
  private epoch = 0;
  /** Absolute expiry time in ms for keys that have one. */
  expires = new Map<string, number>();
  /**
   * Exact times for the rare TTLs beyond 2^53 ms (year 287,000), where the number in `expires`
   * is rounded: PEXPIREAT k 9223372036854775807 must read back exactly. An entry counts only
   * while `expires` holds its rounded value for the same key (getExpireExact checks).
   */
  private exactExpires: Map<string, bigint> | null = null;
  /**
   * OBJECT ENCODING for string values whose Redis encoding the bytes alone do not tell: APPEND
   * and SETRANGE leave a "raw" sds even when short, INCRBYFLOAT an "embstr" even when it looks
   * like an integer. Writers mark such values (setStringEncoding); any later store of the key
   * (set, replace, delete) drops the mark, as Redis then holds a new object.
   */
  private stringEncodings: Map<string, StringEncoding> | null = null;
  private heap = new ExpiryHeap();
  /**
   * The snapshot barrier while a BGSAVE runs (persistence/bgsave.ts), else null: every write
   * path pays one null check. Not swapped by SWAPDB (the barrier finds a db's data by identity).
   */
  cow: SnapshotBarrier | null = null;
  /**
   * Called when a key is added to this database (Redis's dbAdd, which fires the 'new' keyspace
   * event). Set by the keyspace notifier only while 'n' events are enabled, so the insert path
   * pays one null check otherwise. Not swapped by SWAPDB: it belongs to the database index.
   */
  onInsert: ((key: string, db: Db) => void) | null = null;

  constructor(readonly id: number) {}

  /** Number of keys stored, including expired ones not yet reclaimed (as Redis's DBSIZE). */
  get size(): number {
    return this.index.size;
  }

  get expiresCount(): number {
    return this.expires.size;
  }

  // ----- reads -------------------------------------------------------------------------------

  /** The value of a live key, or undefined. Does not mutate the keyspace. */
  get(key: string, now: number): Value | undefined {
    const slot = this.index.get(key);
    if (slot === undefined) return undefined;
    if (this.expires.size > 0) {
      const at = this.expires.get(this.slotKeys[slot]!);
      if (at !== undefined && at <= now) return undefined;
    }
    this.slotAccess[slot] = lruClock.seconds;
    if (lfuTracking.enabled) this.touchLfu(slot);
    return this.slotValues[slot];
  }

  /** Like get() but without updating the key's access time (OBJECT, TYPE in NO-TOUCH mode). */
  peek(key: string, now: number): Value | undefined {
    const slot = this.index.get(key);
    if (slot === undefined) return undefined;
    const at = this.expires.get(this.slotKeys[slot]!);
    if (at !== undefined && at <= now) return undefined;
    return this.slotValues[slot];
  }

  has(key: string, now: number): boolean {
    const slot = this.index.get(key);
    if (slot === undefined) return false;
    if (this.expires.size === 0) return true;
    const at = this.expires.get(this.slotKeys[slot]!);
    return at === undefined || at > now;
  }

  /** Seconds since the key was last accessed. */
  idleSeconds(key: string): number {
    const slot = this.index.get(key);
    if (slot === undefined) return 0;
    return Math.max(0, lruClock.seconds - this.slotAccess[slot]!);
  }

  /**
   * Gives `key` the access data (LRU time, LFU counter) of `fromKey` in `from`: RENAME and MOVE
   * keep the same object in Redis, and its access clock with it. Call before deleting `fromKey`.
   */
  carryAccess(key: string, from: Db, fromKey: string): void {
    const slot = this.index.get(key);
    const fromSlot = from.index.get(fromKey);
    if (slot === undefined || fromSlot === undefined) return;
    this.slotAccess[slot] = from.slotAccess[fromSlot]!;
    this.slotLfu[slot] = from.slotLfu[fromSlot]!;
  }

  /** The key's LFU access counter after decay (Redis's LFUDecrAndReturn), for OBJECT FREQ. */
  lfuCounter(key: string): number {
    const slot = this.index.get(key);
    if (slot === undefined) return 0;
    return lfuDecayed(this.slotLfu[slot]!, lfuMinutes());
  }

  /** Redis's updateLFU: decay by the idle minutes, then a logarithmic increment. */
  private touchLfu(slot: number): void {
    const minutes = lfuMinutes();
    const packed = this.slotLfu[slot]!;
    let counter = packed >>> 8 === minutes ? packed & 255 : lfuDecayed(packed, minutes);
    if (counter <= LFU_INIT_VAL) {
      counter++;
    } else if (counter < 255) {
      let x = this.lfuRandom;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.lfuRandom = x;
      if (x >>> 0 < LFU_INCREMENT_BELOW[counter]!) counter++;
    }
    const next = (minutes << 8) | counter;
    if (next !== packed) this.slotLfu[slot] = next;
  }

  /** The key's absolute expiry time in ms, or undefined when it has none. */
  getExpire(key: string): number | undefined {
    return this.expires.get(key);
  }

  /** The encoding a writer marked the key's string value with (setStringEncoding), if any. */
  getStringEncoding(key: string): StringEncoding | undefined {
    return this.stringEncodings === null ? undefined : this.stringEncodings.get(key);
  }

  /**
   * Marks the string value just stored under `key` with the encoding Redis would report for it
   * (call after set/replace, which clear the mark). Only needed where the bytes mislead:
   * APPEND/SETRANGE results ("raw"), INCRBYFLOAT results ("embstr").
   */
  setStringEncoding(key: string, encoding: StringEncoding): void {
    if (!this.index.has(key)) return;
    (this.stringEncodings ??= new Map()).set(key, encoding);
  }

  /** Like getExpire, but exact for times beyond 2^53 ms (a bigint then). */
  getExpireExact(key: string): number | bigint | undefined {
    const at = this.expires.get(key);
    if (at === undefined || this.exactExpires === null || Number.isSafeInteger(at)) return at;
    const exact = this.exactExpires.get(key);
    return exact !== undefined && Number(exact) === at ? exact : at;
  }

  // ----- writes ------------------------------------------------------------------------------

  /**
   * Lookup for a command that is about to write: an expired key is removed first and reported
   * through `onExpired`, so the write sees the key as absent, as Redis's expireIfNeeded does.
   */
  getForWrite(key: string, now: number, onExpired?: (key: string) => void): Value | undefined {
    const slot = this.index.get(key);
    if (slot === undefined) return undefined;
    if (this.expires.size > 0) {
      const at = this.expires.get(this.slotKeys[slot]!);
      if (at !== undefined && at <= now) {
        this.delete(key);
        onExpired?.(key);
        return undefined;
      }
    }
    this.slotAccess[slot] = lruClock.seconds;
    if (lfuTracking.enabled) this.touchLfu(slot);
    const value = this.slotValues[slot];
    if (this.cow !== null && typeof value === 'object') this.cow.beforeMutate(value!);
    return value;
  }

  /** Stores a value. The key's TTL is removed unless keepTtl is set (Redis's setKey). */
  set(key: string, value: Value, keepTtl = false): void {
    const slot = this.index.get(key);
    if (this.stringEncodings !== null) this.stringEncodings.delete(key);
    if (slot !== undefined) {
      this.slotValues[slot] = value;
      this.slotAccess[slot] = lruClock.seconds;
      if (!keepTtl && this.expires.size > 0) {
        const stored = this.slotKeys[slot]!;
        if (this.cow !== null) this.cow.beforeExpireChange(stored, this.expires, this.exactExpires);
        this.expires.delete(stored);
      }
      return;
    }
    this.insert(key, value);
  }

  /** Adds a key known to be absent (RENAME, COPY, MOVE targets). */
  add(key: string, value: Value): void {
    this.set(key, value);
  }

  /** Replaces the value of an existing key, keeping its TTL (INCR, APPEND, collections). */
  replace(key: string, value: Value): void {
    const slot = this.index.get(key);
    if (this.stringEncodings !== null) this.stringEncodings.delete(key);
    if (slot === undefined) this.insert(key, value);
    else this.slotValues[slot] = value;
  }

  private insert(key: string, value: Value): void {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotKeys.length;
      this.slotKeys.push(key);
      this.slotValues.push(value);
      if (slot >= this.slotAccess.length) {
        const grown = new Uint32Array(this.slotAccess.length * 2);
        grown.set(this.slotAccess);
        this.slotAccess = grown;
        const grownLfu = new Uint32Array(grown.length);
        grownLfu.set(this.slotLfu);
        this.slotLfu = grownLfu;
      }
    } else {
      this.slotKeys[slot] = key;
      this.slotValues[slot] = value;
    }
    this.slotAccess[slot] = lruClock.seconds;
    this.slotLfu[slot] = (lfuMinutes() << 8) | LFU_INIT_VAL;
    this.index.add(key, slot);
    if (this.onInsert !== null) this.onInsert(key, this);
  }

  delete(key: string): boolean {
    const slot = this.index.get(key);
    if (slot === undefined) return false;
    this.index.delete(key);
    key = this.slotKeys[slot]!; // the stored string: its hash for the Maps below is computed
    this.slotKeys[slot] = undefined;
    this.slotValues[slot] = undefined;
    this.freeSlots.push(slot);
    if (this.cow !== null) this.cow.beforeExpireChange(key, this.expires, this.exactExpires);
    if (this.expires.size > 0) this.expires.delete(key);
    if (this.exactExpires !== null) this.exactExpires.delete(key);
    if (this.stringEncodings !== null) this.stringEncodings.delete(key);
    this.maybeCompact();
    return true;
  }

  /**
   * The key string the keyspace holds for `key` (`key` itself when absent). The TTL Maps are
   * keyed by it: V8 computes a string's hash the first time it is a Map key and keeps it in the
   * string, so the stored one hashes once, while each request's key is a fresh string V8 would
   * hash again (ComputeAndSetRawHash: 4% of EVALSHA INCR+EXPIRE's cycles). Reads with the slot
   * at hand use slotKeys[slot] directly.
   */
  private storedKey(key: string): string {
    const slot = this.index.get(key);
    return slot === undefined ? key : this.slotKeys[slot]!;
  }

  /** Sets the key's absolute expiry time in ms; a bigint keeps times beyond 2^53 exact. */
  setExpire(key: string, at: number | bigint): void {
    key = this.storedKey(key);
    const atMs = Number(at);
    if (this.cow !== null) this.cow.beforeExpireChange(key, this.expires, this.exactExpires);
    if (typeof at === 'bigint' && !Number.isSafeInteger(atMs)) (this.exactExpires ??= new Map()).set(key, at);
    else if (this.exactExpires !== null) this.exactExpires.delete(key);
    this.expires.set(key, atMs);
    this.heap.push(atMs, key);
    if (this.heap.size > 2 * this.expires.size + 1024) this.heap.rebuild(this.expires);
  }

  /** Removes the key's TTL; returns whether it had one. */
  persist(key: string): boolean {
    key = this.storedKey(key);
    if (this.cow !== null) this.cow.beforeExpireChange(key, this.expires, this.exactExpires);
    return this.expires.delete(key);
  }

  clear(): void {
    this.index.clear();
    this.slotKeys = [];
    this.slotValues = [];
    this.slotAccess = new Uint32Array(64);
    this.slotLfu = new Uint32Array(64);
    this.freeSlots = [];
    // A new map rather than clear(): a snapshot in progress may still read the old one.
    this.expires = new Map();
    this.exactExpires = null;
    this.stringEncodings = null;
    this.heap.clear();
    this.epoch = (this.epoch + 1) % EPOCHS;
  }

  /** Exchanges the contents of two databases (SWAPDB). */
  swapWith(other: Db): void {
    const fields = ['index', 'slotKeys', 'slotValues', 'slotAccess', 'slotLfu', 'freeSlots', 'expires', 'exactExpires', 'stringEncodings', 'heap'] as const;
    for (const f of fields) {
      const mine = this[f];
      (this as unknown as Record<string, unknown>)[f] = other[f];
      (other as unknown as Record<string, unknown>)[f] = mine;
    }
    this.epoch = (this.epoch + 1) % EPOCHS;
    other.epoch = (other.epoch + 1) % EPOCHS;
  }

  private maybeCompact(): void {
    const capacity = this.slotKeys.length;
    if (capacity < COMPACT_CAPACITY_MIN || this.index.size * 4 >= capacity) return;
    const keys: string[] = [];
    const values: Value[] = [];
    const access = new Uint32Array(Math.max(64, this.index.size * 2));
    const lfu = new Uint32Array(access.length);
    for (let slot = 0; slot < capacity; slot++) {
      const k = this.slotKeys[slot];
      if (k === undefined) continue;
      access[keys.length] = this.slotAccess[slot]!;
      lfu[keys.length] = this.slotLfu[slot]!;
      this.index.set(k, keys.length);
      keys.push(k);
      values.push(this.slotValues[slot]!);
    }
    this.slotKeys = keys;
    this.slotValues = values;
    this.slotAccess = access;
    this.slotLfu = lfu;
    this.freeSlots = [];
    this.epoch = (this.epoch + 1) % EPOCHS;
  }

  /**
   * The keys, values and expiry maps as they are now, for a point-in-time snapshot: the slot
   * arrays are copied (a few ms per million keys); the expiry maps are shared, and the snapshot's
   * barrier (`cow`) is told before any of their entries changes. Expired keys are included.
   */
  capture(): DbCapture {
    return { keys: this.slotKeys.slice(), values: this.slotValues.slice(), expires: this.expires, exact: this.exactExpires };
  }

  // ----- iteration ---------------------------------------------------------------------------

  /** All stored keys, expired ones included (callers filter with has()). */
  *keys(): IterableIterator<string> {
    const keys = this.slotKeys;
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot];
      if (key !== undefined) yield key;
    }
  }

  /**
   * One SCAN step: visits about `count` slots starting at `cursor`, calling `visit` for each key
   * found there, and returns the next cursor (0 when the iteration is complete).
   */
  scan(cursor: number, count: number, visit: (key: string, value: Value) => void): number {
    let slot = cursor % EPOCH_SHIFT;
    const epoch = Math.floor(cursor / EPOCH_SHIFT);
    if (epoch !== this.epoch) slot = 0;
    const capacity = this.slotKeys.length;
    let visited = 0;
    // Visit at least `count` slots, and keep going through empty ones up to 10x that, so a
    // sparse table still returns something per call (Redis bounds empty-bucket visits the same way).
    while (slot < capacity && visited < count * 10) {
      const key = this.slotKeys[slot];
      slot++;
      if (key !== undefined) {
        visit(key, this.slotValues[slot - 1]!);
        visited += 10;
      } else {
        visited += 1;
      }
    }
    if (slot >= capacity) return 0;
    return this.epoch * EPOCH_SHIFT + slot;
  }

  /** A random live key (reads may use any randomness), or undefined. */
  randomKey(now: number, random: () => number = Math.random): string | undefined {
    const capacity = this.slotKeys.length;
    if (this.index.size === 0) return undefined;
    for (let tries = 0; tries < 1000; tries++) {
      const key = this.slotKeys[Math.floor(random() * capacity)];
      if (key !== undefined && this.has(key, now)) return key;
    }
    for (const key of this.keys()) if (this.has(key, now)) return key;
    return undefined;
  }

  // ----- active expiry -----------------------------------------------------------------------

  /**
   * Removes up to `limit` keys whose expiry time is <= now, calling `onExpired` for each.
   * Returns how many were removed. Bounded so one call never stalls the event loop.
   */
  expireCycle(now: number, limit: number, onExpired?: (key: string) => void): number {
    let removed = 0;
    let examined = 0;
    while (this.heap.size > 0 && this.heap.peekTime() <= now && examined < limit * 4) {
      const key = this.heap.peekKey()!;
      const time = this.heap.peekTime();
      this.heap.pop();
      examined++;
      if (this.expires.get(key) !== time) continue; // stale heap entry
      this.delete(key);
      onExpired?.(key);
      if (++removed >= limit) break;
    }
    return removed;
  }

  /** The earliest expiry time that may still be pending, or Infinity. */
  nextExpiry(): number {
    return this.heap.peekTime();
  }
}
