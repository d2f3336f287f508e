// The hash type: field → value (binary-safe latin1 strings) with O(1) get, set, delete and
// random field, stored in a SlotTable (types/slot-table.ts) with the values in its parallel
// value array.
//
// Encoding and order, following Redis 7.0:
// - "listpack" while there are at most 512 fields (hash-max-listpack-entries) and no field or
//   value longer than 64 bytes (hash-max-listpack-value). Redis's listpack keeps insertion
//   order (an update keeps the field's place, a delete closes the gap), and so does keyraft in
//   this mode: HGETALL, HKEYS, HVALS, HSCAN and whole-hash HRANDFIELD replies match Redis byte
//   for byte (the slot table appends and never reuses a hole while ordered).
// - "hashtable" after the first field or value past those limits (one-way, as in Redis).
//   Redis's order is then its dict's (seeded, not reproducible); keyraft's is slot order:
//   insertion order until the first delete, after which freed slots are reused.
//
// The conversion checks are the command's business through `checkLengths` (Redis checks the
// argument lengths before inserting, hashTypeTryConversion) and happen again in set() (Redis's
// hashTypeSet converts before storing a too-long field or value, which HINCRBYFLOAT can make).

import type { RedisCollection } from './value.js';
import { SlotTable } from './slot-table.js';
import { sampleDistinctSlots } from './set.js';

/**
 * Redis 7.0's compiled-in hash-max-listpack-entries / hash-max-listpack-value defaults (the
 * redis.conf Redis ships says 128 entries, but a server started without it uses 512).
 */
export const HASH_MAX_LISTPACK_ENTRIES = 512;
export const HASH_MAX_LISTPACK_VALUE = 64;

export class RedisHash implements RedisCollection {
  readonly type = 'hash' as const;
  t = new SlotTable();

  get size(): number {
    return this.t.index.size;
  }

  encoding(): string {
    return this.t.ordered ? 'listpack' : 'hashtable';
  }

  /** Whether the hash is in its listpack form (whole-hash replies in one go, insertion order). */
  get small(): boolean {
    return this.t.ordered;
  }

  /** Converts when any of `args[from..to]` is too long for a listpack (hashTypeTryConversion). */
  checkLengths(args: readonly string[], from: number, to: number): void {
    if (!this.t.ordered) return;
    for (let i = from; i <= to; i++) {
      if (args[i]!.length > HASH_MAX_LISTPACK_VALUE) {
        this.t.unorder();
        return;
      }
    }
  }

  get(field: string): string | undefined {
    const slot = this.t.index.get(field);
    return slot === undefined ? undefined : this.t.vals[slot];
  }

  has(field: string): boolean {
    return this.t.index.has(field);
  }

  /** Sets a field; returns true when the field is new (Redis's hashTypeSet returning 0 = insert). */
  set(field: string, value: string): boolean {
    const t = this.t;
    if (t.ordered && (field.length > HASH_MAX_LISTPACK_VALUE || value.length > HASH_MAX_LISTPACK_VALUE)) t.unorder();
    const slot = t.index.get(field);
    if (slot !== undefined) {
      t.vals[slot] = value;
      return false;
    }
    t.insert(field, value);
    if (t.ordered && t.index.size > HASH_MAX_LISTPACK_ENTRIES) t.unorder();
    return true;
  }

  delete(field: string): boolean {
    return this.t.remove(field);
  }

  /** Fields and values in reply order, as [field, value, field, value…]. */
  entries(): string[] {
    const { keys, vals } = this.t;
    const out: string[] = [];
    for (let s = 0; s < keys.length; s++) {
      const k = keys[s];
      if (k !== undefined) out.push(k, vals[s]!);
    }
    return out;
  }

  fields(): string[] {
    const keys = this.t.keys;
    const out: string[] = [];
    for (let s = 0; s < keys.length; s++) {
      const k = keys[s];
      if (k !== undefined) out.push(k);
    }
    return out;
  }

  values(): string[] {
    const { keys, vals } = this.t;
    const out: string[] = [];
    for (let s = 0; s < keys.length; s++) if (keys[s] !== undefined) out.push(vals[s]!);
    return out;
  }

  /** A random slot (uniform over fields); the hash must not be empty. */
  randomSlot(random: () => number): number {
    return this.t.randomSlot(random);
  }

  /** `count` distinct random slots (count < size), in slot order (as Redis's listpack sampling). */
  sampleDistinct(count: number, random: () => number): number[] {
    return sampleDistinctSlots(this.t, count, random).sort((a, b) => a - b);
  }

  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    const { keys, vals } = this.t;
    return this.t.scan(cursor, count, (slot) => visit(keys[slot]!, vals[slot]!));
  }

  clone(): RedisHash {
    const c = new RedisHash();
    c.t = this.t.clone();
    return c;
  }
}
