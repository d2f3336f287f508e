// The set type: members (binary-safe latin1 strings) with O(1) add, remove, membership and
// random member, stored in a SlotTable (types/slot-table.ts).
//
// Encoding and order, following Redis 7.0 (which has only intset and hashtable for sets; the
// listpack set encoding came in 7.2):
// - "intset" while every member is an integer string2ll accepts and there are at most 512
//   (set-max-intset-entries). A set is created as an intset when its first member is such an
//   integer, and converts for good on the first non-integer member or the 513th member, as
//   Redis's setTypeAdd does. Redis's intset is sorted, so every whole-set reply (SMEMBERS,
//   SSCAN, SPOP/SRANDMEMBER of the whole set, set-operation results) lists an intset's members
//   in numeric order here too (sorted at most once per change, then cached).
// - "hashtable" otherwise. Redis's order is its dict's (seeded hash order, not reproducible),
//   so keyraft uses slot order: insertion order until the first removal, then freed slots are
//   reused. No client can depend on either.

import { parseInt64, type Int64 } from '../protocol/numbers.js';
import type { RedisCollection } from './value.js';
import { SlotTable } from './slot-table.js';

/** Redis's set-max-intset-entries default. */
export const SET_MAX_INTSET_ENTRIES = 512;

function compareInt(a: [Int64, string], b: [Int64, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

export class RedisSet implements RedisCollection {
  readonly type = 'set' as const;
  t = new SlotTable();
  private intset: boolean;
  /** The intset's members in numeric order, while unchanged (null = recompute). */
  private sorted: string[] | null = null;

  /** `first` decides the starting encoding, as Redis's setTypeCreate does. */
  constructor(first?: string) {
    this.intset = first === undefined || parseInt64(first) !== null;
    if (!this.intset) this.t.unorder();
  }

  get size(): number {
    return this.t.index.size;
  }

  encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }

  has(member: string): boolean {
    return this.t.index.has(member);
  }

  /** Adds a member; returns whether it was new. */
  add(member: string): boolean {
    const t = this.t;
    if (t.index.has(member)) return false;
    if (this.intset && (parseInt64(member) === null || t.index.size >= SET_MAX_INTSET_ENTRIES)) {
      this.intset = false;
      t.unorder();
    }
    t.insert(member);
    this.sorted = null;
    return true;
  }

  remove(member: string): boolean {
    if (!this.t.remove(member)) return false;
    this.sorted = null;
    return true;
  }

  /** A random member (uniform); the set must not be empty. */
  random(random: () => number): string {
    return this.t.keys[this.t.randomSlot(random)]!;
  }

  /** Removes and returns a random member; the set must not be empty. */
  pop(random: () => number): string {
    const slot = this.t.randomSlot(random);
    const m = this.t.keys[slot]!;
    this.t.removeSlot(slot);
    this.sorted = null;
    return m;
  }

  /**
   * All members in Redis's reply order for this encoding (numeric for an intset). The intset
   * order is cached until the next change; callers must not modify the array.
   */
  members(): readonly string[] {
    const keys = this.t.keys;
    if (this.intset) {
      if (this.sorted !== null) return this.sorted;
      const pairs: [Int64, string][] = [];
      for (let s = 0; s < keys.length; s++) {
        const k = keys[s];
        if (k !== undefined) pairs.push([parseInt64(k)!, k]);
      }
      pairs.sort(compareInt);
      return (this.sorted = pairs.map((p) => p[1]));
    }
    const out: string[] = [];
    for (let s = 0; s < keys.length; s++) {
      const k = keys[s];
      if (k !== undefined) out.push(k);
    }
    return out;
  }

  /** Visits members in reply order without copying; stops when `visit` returns false. */
  each(visit: (member: string) => boolean | void): void {
    if (this.intset) {
      for (const m of this.members()) if (visit(m) === false) return;
      return;
    }
    const keys = this.t.keys;
    for (let s = 0; s < keys.length; s++) {
      const k = keys[s];
      if (k !== undefined && visit(k) === false) return;
    }
  }

  /** Whole-set replies can be given in one go with cursor 0 (Redis does so for intsets). */
  get small(): boolean {
    return this.intset;
  }

  /** One SSCAN step over slot order; see SlotTable.scan. */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    const keys = this.t.keys;
    return this.t.scan(cursor, count, (slot) => visit(keys[slot]!));
  }

  /**
   * `count` distinct random members (count < size), for SRANDMEMBER / SPOP with a count.
   * Large counts shuffle the slot list (O(size)); small ones draw and reject repeats (O(count)
   * expected).
   */
  sampleDistinct(count: number, random: () => number): string[] {
    return sampleDistinctSlots(this.t, count, random).map((s) => this.t.keys[s]!);
  }

  clone(): RedisSet {
    const c = new RedisSet();
    c.intset = this.intset;
    c.t = this.t.clone();
    return c;
  }
}

/** `count` distinct occupied slots of `t` chosen uniformly (count < t.size). */
export function sampleDistinctSlots(t: SlotTable, count: number, random: () => number): number[] {
  if (count * 3 > t.size) {
    const slots = t.slots();
    // Partial Fisher–Yates: the first `count` positions become a uniform sample.
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (slots.length - i));
      const tmp = slots[i]!;
      slots[i] = slots[j]!;
      slots[j] = tmp;
    }
    slots.length = count;
    return slots;
  }
  const picked = new Set<number>();
  while (picked.size < count) picked.add(t.randomSlot(random));
  return [...picked];
}
