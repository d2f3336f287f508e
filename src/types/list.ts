// The list value: a ring buffer of latin1 strings whose capacity is a power of two and doubles
// when full (halves when a quarter full), so push and pop at either end are O(1) amortised, an
// index is one mask away (LINDEX, LSET, LRANGE from any offset), and LRANGE replies straight
// from the slots without building an intermediate array. Inserting or removing in the middle
// shifts the shorter side, as Redis's quicklist also costs O(n) there.
//
// Why not chunks: a chunked deque (Redis's quicklist of listpacks) saves the occasional O(n)
// copy when the ring grows, but every index needs a chunk lookup and every element a second
// indirection; measured on the push/pop/LRANGE benchmarks the flat ring was the faster one, and
// a grow copies only pointers (a 1M-element list grows in about a millisecond).
//
// OBJECT ENCODING: Redis 7.0 stores every list as a quicklist (listpack-encoded small lists only
// arrived in 7.2), so encoding() reports "quicklist" whatever the size: the name reflects what
// Redis 7.0 answers, not our layout.

import type { RedisCollection } from './value.js';

const CAPACITY_MIN = 8;

/**
 * A packed array of `cap` empty slots. `new Array(cap)` would make a holey array, and past about
 * 100k slots V8 gives it dictionary elements, which made every index a hash lookup.
 */
function slots(cap: number): (string | undefined)[] {
  const a: (string | undefined)[] = [];
  for (let i = 0; i < cap; i++) a.push(undefined);
  return a;
}

export class RedisList implements RedisCollection {
  readonly type = 'list' as const;
  /** Slots; the element at logical index i lives at (head + i) & mask. */
  private buf: (string | undefined)[];
  private head = 0;
  private mask: number;
  private len = 0;

  constructor(capacity = CAPACITY_MIN) {
    let cap = CAPACITY_MIN;
    while (cap < capacity) cap *= 2;
    this.buf = slots(cap);
    this.mask = cap - 1;
  }

  /** A list holding `values` in order. */
  static from(values: readonly string[]): RedisList {
    const l = new RedisList(values.length);
    for (let i = 0; i < values.length; i++) l.buf[i] = values[i];
    l.len = values.length;
    return l;
  }

  get length(): number {
    return this.len;
  }

  encoding(): string {
    return 'quicklist';
  }

  clone(): RedisList {
    const l = new RedisList();
    l.buf = this.buf.slice();
    l.head = this.head;
    l.mask = this.mask;
    l.len = this.len;
    return l;
  }

  /** Re-lays the elements from slot 0 in a buffer of `cap` slots (shrinking). */
  private resize(cap: number): void {
    const next: (string | undefined)[] = [];
    const buf = this.buf;
    const mask = this.mask;
    const head = this.head;
    for (let i = 0; i < this.len; i++) next.push(buf[(head + i) & mask]);
    for (let i = this.len; i < cap; i++) next.push(undefined);
    this.buf = next;
    this.head = 0;
    this.mask = cap - 1;
  }

  /**
   * Doubles a full ring with two native copies: concatenated with itself, the ring's elements
   * sit in order at [head, head + cap), so head stays; the stale copies around them are cleared.
   */
  private grow(): void {
    const cap = this.mask + 1;
    const next = this.buf.concat(this.buf);
    const h = this.head;
    if (h > 0) next.fill(undefined, 0, h);
    next.fill(undefined, h + cap, 2 * cap);
    this.buf = next;
    this.mask = 2 * cap - 1;
  }

  private shrinkIfSparse(): void {
    const cap = this.mask + 1;
    if (cap > CAPACITY_MIN && this.len < cap >>> 2) this.resize(Math.max(CAPACITY_MIN, cap >>> 1));
  }

  pushRight(value: string): void {
    if (this.len > this.mask) this.grow();
    this.buf[(this.head + this.len) & this.mask] = value;
    this.len++;
  }

  pushLeft(value: string): void {
    if (this.len > this.mask) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = value;
    this.len++;
  }

  /** Removes and returns the first element (undefined when empty). */
  popLeft(): string | undefined {
    if (this.len === 0) return undefined;
    const h = this.head;
    const v = this.buf[h];
    this.buf[h] = undefined;
    this.head = (h + 1) & this.mask;
    this.len--;
    if (this.len < (this.mask + 1) >>> 2) this.shrinkIfSparse();
    return v;
  }

  /** Removes and returns the last element (undefined when empty). */
  popRight(): string | undefined {
    if (this.len === 0) return undefined;
    const i = (this.head + this.len - 1) & this.mask;
    const v = this.buf[i];
    this.buf[i] = undefined;
    this.len--;
    if (this.len < (this.mask + 1) >>> 2) this.shrinkIfSparse();
    return v;
  }

  /** The element at index 0 ≤ i < length (no bounds check). */
  at(i: number): string {
    return this.buf[(this.head + i) & this.mask]!;
  }

  /** Replaces the element at index 0 ≤ i < length. */
  set(i: number, value: string): void {
    this.buf[(this.head + i) & this.mask] = value;
  }

  /** Inserts `value` so that it ends up at index 0 ≤ i ≤ length, shifting the shorter side. */
  insert(i: number, value: string): void {
    if (i <= 0) return this.pushLeft(value);
    if (i >= this.len) return this.pushRight(value);
    if (this.len > this.mask) this.grow();
    const buf = this.buf;
    const mask = this.mask;
    if (i < this.len >>> 1) {
      // Move elements [0, i) one slot to the left.
      const h = (this.head - 1) & mask;
      for (let k = 0; k < i; k++) buf[(h + k) & mask] = buf[(h + k + 1) & mask];
      this.head = h;
      buf[(h + i) & mask] = value;
    } else {
      // Move elements [i, len) one slot to the right.
      const h = this.head;
      for (let k = this.len; k > i; k--) buf[(h + k) & mask] = buf[(h + k - 1) & mask];
      buf[(h + i) & mask] = value;
    }
    this.len++;
  }

  /** Removes the element at index 0 ≤ i < length, shifting the shorter side. */
  removeAt(i: number): void {
    const buf = this.buf;
    const mask = this.mask;
    const h = this.head;
    if (i < this.len >>> 1) {
      for (let k = i; k > 0; k--) buf[(h + k) & mask] = buf[(h + k - 1) & mask];
      buf[h] = undefined;
      this.head = (h + 1) & mask;
    } else {
      for (let k = i; k < this.len - 1; k++) buf[(h + k) & mask] = buf[(h + k + 1) & mask];
      buf[(h + this.len - 1) & mask] = undefined;
    }
    this.len--;
    this.shrinkIfSparse();
  }

  /** Drops `left` elements from the head and `right` from the tail (clamped to the length). */
  trim(left: number, right: number): void {
    if (left + right >= this.len) {
      this.clear();
      return;
    }
    const buf = this.buf;
    const mask = this.mask;
    for (let k = 0; k < left; k++) buf[(this.head + k) & mask] = undefined;
    this.head = (this.head + left) & mask;
    this.len -= left;
    for (let k = this.len - right; k < this.len; k++) buf[(this.head + k) & mask] = undefined;
    this.len -= right;
    this.shrinkIfSparse();
  }

  clear(): void {
    this.buf = slots(CAPACITY_MIN);
    this.mask = CAPACITY_MIN - 1;
    this.head = 0;
    this.len = 0;
  }

  /** Index of the first element equal to `value` (searching from the head), or -1. */
  indexOf(value: string): number {
    const buf = this.buf;
    const mask = this.mask;
    const h = this.head;
    for (let i = 0; i < this.len; i++) if (buf[(h + i) & mask] === value) return i;
    return -1;
  }

  /**
   * Removes up to `count` elements equal to `value` (count 0: all of them), scanning from the
   * tail when `fromTail`. One compaction pass; returns how many were removed.
   */
  removeValue(value: string, count: number, fromTail: boolean): number {
    const buf = this.buf;
    const mask = this.mask;
    const h = this.head;
    const n = this.len;
    let removed = 0;
    if (!fromTail) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        const v = buf[(h + r) & mask];
        if (v === value && (count === 0 || removed < count)) {
          removed++;
          continue;
        }
        if (w !== r) buf[(h + w) & mask] = v;
        w++;
      }
      for (let k = w; k < n; k++) buf[(h + k) & mask] = undefined;
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const v = buf[(h + r) & mask];
        if (v === value && (count === 0 || removed < count)) {
          removed++;
          continue;
        }
        if (w !== r) buf[(h + w) & mask] = v;
        w--;
      }
      for (let k = 0; k <= w; k++) buf[(h + k) & mask] = undefined;
      this.head = (h + w + 1) & mask;
    }
    this.len = n - removed;
    if (removed > 0) this.shrinkIfSparse();
    return removed;
  }

  /** The elements in order (for tests and debugging; replies read with at()). */
  toArray(): string[] {
    const out: string[] = new Array(this.len);
    for (let i = 0; i < this.len; i++) out[i] = this.at(i);
    return out;
  }
}
