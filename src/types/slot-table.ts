// The storage shared by hashes and sets: an index from entry (member or field) to a slot, and
// dense parallel arrays of entries (and, for hashes, values) indexed by slot. The index is a Map
// until the table holds more than KEY_INDEX_ABOVE entries, then the keyspace's KeyIndex: V8
// hashes every fresh string a request brings in C++ for a Map lookup (with the Map's probe, a
// quarter of SADD's cycles at -P 16 into a 100k-member set), KeyIndex hashes in JavaScript for
// less; but an empty KeyIndex costs ~600 bytes more than a small Map, too much for the millions
// of small hashes and sets a dataset may hold.
//
// Why this shape: a plain Map gives O(1) add/remove/lookup but no O(1) random entry, which
// SPOP, SRANDMEMBER and HRANDFIELD need; the slot arrays give that (pick a random slot, retry
// on a hole). A removal leaves a hole, so it costs O(1); the table is compacted (order kept)
// once it gets sparse, which also bounds the expected probes of a random pick. Two modes:
//
// - ordered (Redis's listpack / intset sizes): inserts always append and holes are never
//   reused, so slot order is insertion order — the order Redis's listpack replies in. Compacted
//   when more than half the slots are holes.
// - unordered (Redis's hashtable): an insert reuses a hole, so an entry never moves while it
//   stays — which is what makes *SCAN's guarantee hold (the cursor is a slot number). Compacted
//   when live < capacity / 4; a compaction changes the cursor's epoch, and a cursor from an
//   older epoch restarts at 0 (duplicates are allowed by SCAN's contract, misses are not).
//
// Switching from ordered to unordered is one-way, as Redis never converts a hashtable back.

import { KeyIndex } from '../keyspace/key-index.js';

const COMPACT_CAPACITY_MIN = 64;
/** Tables with more entries than this index them with a KeyIndex (never back to a Map). */
const KEY_INDEX_ABOVE = 512;
/** Ordered tables compact from this size on when half their slots are holes. */
const ORDERED_COMPACT_CAPACITY_MIN = 16;
const EPOCH_SHIFT = 2 ** 32;
const EPOCHS = 1 << 16;
/** Random probes before falling back to a linear walk from the last probe. */
const RANDOM_PROBES_MAX = 64;

/** What SlotTable needs of its index (a Map or a KeyIndex). */
interface SlotIndex {
  readonly size: number;
  get(key: string): number | undefined;
  has(key: string): boolean;
  set(key: string, slot: number): void;
  delete(key: string): boolean;
}

export class SlotTable {
  index: SlotIndex = new Map<string, number>();
  keys: (string | undefined)[] = [];
  /** Values by slot (hashes only; sets leave it empty). */
  vals: (string | undefined)[] = [];
  ordered = true;
  /** Number of empty slots below capacity. */
  private holes = 0;
  /** Holes an unordered table reuses (always empty while ordered). */
  private free: number[] = [];
  private epoch = 0;

  get size(): number {
    return this.index.size;
  }

  /** Slots in use or holes: the range random picks and scans walk. */
  get capacity(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** Adds a key known to be absent; returns its slot. */
  insert(key: string, value?: string): number {
    let slot: number | undefined;
    if (!this.ordered) slot = this.free.pop();
    if (slot === undefined) {
      slot = this.keys.length;
      this.keys.push(key);
      if (value !== undefined) this.vals.push(value);
    } else {
      this.keys[slot] = key;
      if (value !== undefined) this.vals[slot] = value;
      this.holes--;
    }
    const index = this.index;
    index.set(key, slot);
    if (index.size > KEY_INDEX_ABOVE && index instanceof Map) this.index = toKeyIndex(index);
    return slot;
  }

  /** Removes a key; returns whether it was present. */
  remove(key: string): boolean {
    const slot = this.index.get(key);
    if (slot === undefined) return false;
    this.removeSlot(slot);
    return true;
  }

  removeSlot(slot: number): void {
    const key = this.keys[slot]!;
    this.index.delete(key);
    const keys = this.keys;
    const hasVals = this.vals.length > 0;
    if (slot === keys.length - 1 && (this.ordered || this.free.length === 0)) {
      // The last slot: shrink instead of leaving a hole (and, while ordered, drop the holes
      // before it; an unordered table only shrinks with no holes, so free stays in range).
      let end = slot;
      if (this.ordered) {
        while (end > 0 && keys[end - 1] === undefined) {
          end--;
          this.holes--;
        }
      }
      keys.length = end;
      if (hasVals) this.vals.length = end;
      return;
    }
    keys[slot] = undefined;
    if (hasVals) this.vals[slot] = undefined;
    this.holes++;
    if (!this.ordered) this.free.push(slot);
    this.maybeCompact();
  }

  /** Leaves ordered mode for good (Redis's conversion to a hashtable). */
  unorder(): void {
    if (!this.ordered) return;
    if (this.holes > 0) this.compact();
    this.ordered = false;
  }

  private maybeCompact(): void {
    const capacity = this.keys.length;
    if (this.ordered) {
      if (capacity >= ORDERED_COMPACT_CAPACITY_MIN && this.holes * 2 > capacity) this.compact();
      return;
    }
    if (capacity < COMPACT_CAPACITY_MIN || this.index.size * 4 >= capacity) return;
    this.compact();
  }

  private compact(): void {
    const hasVals = this.vals.length > 0;
    const keys: string[] = [];
    const vals: string[] = [];
    for (let slot = 0; slot < this.keys.length; slot++) {
      const k = this.keys[slot];
      if (k === undefined) continue;
      this.index.set(k, keys.length);
      keys.push(k);
      if (hasVals) vals.push(this.vals[slot]!);
    }
    this.keys = keys;
    this.vals = vals;
    this.free = [];
    this.holes = 0;
    this.epoch = (this.epoch + 1) % EPOCHS;
  }

  /** A random occupied slot; the table must not be empty. `random` returns [0, 1). */
  randomSlot(random: () => number): number {
    const capacity = this.keys.length;
    let slot = Math.floor(random() * capacity);
    if (this.holes === 0) return slot;
    for (let tries = 0; tries < RANDOM_PROBES_MAX; tries++) {
      if (this.keys[slot] !== undefined) return slot;
      slot = Math.floor(random() * capacity);
    }
    // Density is at least 1/4 (compaction; 1/2 while ordered), so reaching here is rare.
    while (this.keys[slot] === undefined) slot = (slot + 1) % capacity;
    return slot;
  }

  /** The occupied slots in slot order. */
  slots(): number[] {
    const out: number[] = [];
    const keys = this.keys;
    for (let s = 0; s < keys.length; s++) if (keys[s] !== undefined) out.push(s);
    return out;
  }

  /**
   * One *SCAN step: from `cursor`, visits occupied slots until `count` entries were seen or
   * 10×count slots were walked (Redis bounds empty-bucket visits the same way), and returns
   * the next cursor (0 when done).
   */
  scan(cursor: number, count: number, visit: (slot: number) => void): number {
    let slot = cursor % EPOCH_SHIFT;
    if (Math.floor(cursor / EPOCH_SHIFT) !== this.epoch) slot = 0;
    const keys = this.keys;
    const capacity = keys.length;
    let found = 0;
    let walked = 0;
    while (slot < capacity && found < count && walked < count * 10) {
      if (keys[slot] !== undefined) {
        visit(slot);
        found++;
      }
      slot++;
      walked++;
    }
    if (slot >= capacity) return 0;
    return this.epoch * EPOCH_SHIFT + slot;
  }

  clone(): SlotTable {
    const t = new SlotTable();
    t.ordered = this.ordered;
    if (this.holes === 0) {
      t.keys = this.keys.slice();
      t.vals = this.vals.slice();
      t.index = this.index instanceof KeyIndex ? this.index.clone() : new Map(this.index as Map<string, number>);
      return t;
    }
    for (let s = 0; s < this.keys.length; s++) {
      const k = this.keys[s];
      if (k !== undefined) t.insert(k, this.vals.length > 0 ? this.vals[s] : undefined);
    }
    return t;
  }
}

function toKeyIndex(map: Map<string, number>): KeyIndex {
  const index = new KeyIndex();
  for (const [key, slot] of map) index.add(key, slot);
  return index;
}
