// The list value: a chunked deque. Elements (latin1 strings) live in fixed chunks of 256 slots;
// the chunks sit in a ring of chunk pointers that doubles when full. Push and pop at either end
// are O(1) with no big copy ever (a new chunk every 256 pushes; the ring only copies pointers,
// n/256 of them), an index is two loads (LINDEX, LSET, LRANGE from any offset), and LRANGE
// replies straight from the slots without an intermediate array. Inserting or removing in the
// middle shifts the shorter side, O(n) as in Redis's quicklist.
//
// Why chunks rather than one ring of values that doubles (the first version; both measured with
// lists of 1M-8M elements on this shared, loaded machine, so only the big differences count):
// the flat ring indexed at random 2-5x faster, but every doubling copied the whole list (the one
// push that grew a 1M list took ~19 ms, a 4M list ~140 ms) and draining 8M elements took 2-5x
// longer because of the halvings. Here no push or pop copies more than the pointer ring (n/256
// pointers), and sequential reads (LRANGE) cost the same. One spare chunk is kept so a list that
// goes back and forth across a chunk boundary (a stack at 256 elements) does not allocate.
//
// OBJECT ENCODING: Redis 7.0 stores every list as a quicklist (listpack-encoded small lists only
// arrived in 7.2; checked against redis-server 7.0.15), so encoding() reports "quicklist"
// whatever the size: the name reflects what Redis 7.0 answers, not our layout.

import type { RedisCollection } from './value.js';

/** Chunks of 2^8 = 256 slots once a list outgrows its first chunk. */
const CHUNK_BITS_MAX = 8;
/** A new list's one chunk has 2^3 = 8 slots and grows 4x at a time up to CHUNK_BITS_MAX. */
const CHUNK_BITS_FIRST = 3;
const CHUNK_BITS_GROWTH = 2;
const RING_MIN = 4;

type Chunk = (string | undefined)[];

/**
 * An array of `n` empty slots with exactly that capacity. (Past some 100k slots `new Array(n)`
 * would make a dictionary-mode array; chunks have at most 256 and the pointer ring is re-laid by
 * pushing.)
 */
function emptySlots<T>(n: number): (T | undefined)[] {
  return new Array<T | undefined>(n).fill(undefined);
}

export class RedisList implements RedisCollection {
  readonly type = 'list' as const;
  /** Ring of chunks; chunk k of the list is ring[(chead + k) & rmask], for k < nchunks. */
  private ring: (Chunk | undefined)[] = emptySlots<Chunk>(RING_MIN);
  private rmask = RING_MIN - 1;
  private chead = 0;
  private nchunks = 0;
  /** Slot of element 0 in the first chunk. Element i is at position p = head + i. */
  private head = 0;
  private len = 0;
  /** A freed, all-empty chunk kept for the next one needed. */
  private spare: Chunk | null = null;
  private bits: number;
  private chunkSize: number;
  private slotMask: number;
  /** Chunk size (log2) the list may grow its single chunk to before it adds chunks. */
  private readonly bitsMax: number;
  private readonly growable: boolean;

  /**
   * A small list is one small chunk, grown 4x at a time (re-laid, at most 64 elements copied) up
   * to 256 slots, so a list of a few elements costs a few dozen bytes rather than a 256-slot
   * chunk. `fixedChunkBits` is for tests: a fixed, tiny chunk size crosses chunk boundaries often.
   */
  constructor(fixedChunkBits?: number) {
    this.bits = fixedChunkBits ?? CHUNK_BITS_FIRST;
    this.bitsMax = fixedChunkBits ?? CHUNK_BITS_MAX;
    this.growable = fixedChunkBits === undefined;
    this.chunkSize = 1 << this.bits;
    this.slotMask = this.chunkSize - 1;
  }

  private setBits(bits: number): void {
    this.bits = bits;
    this.chunkSize = 1 << bits;
    this.slotMask = this.chunkSize - 1;
  }

  /**
   * Whether a push that needs a new chunk should instead re-lay the list into one bigger chunk
   * (the list still fits one chunk that may grow); if so, does it.
   */
  private grewChunk(): boolean {
    if (this.bits >= this.bitsMax || this.nchunks !== 1) return false;
    const values = this.toArray();
    this.setBits(Math.min(this.bitsMax, this.bits + CHUNK_BITS_GROWTH));
    const chunk = emptySlots<string>(this.chunkSize);
    // Centred, so that either end has room to grow.
    const head = (this.chunkSize - values.length) >> 1;
    for (let i = 0; i < values.length; i++) chunk[head + i] = values[i];
    this.ring = emptySlots<Chunk>(RING_MIN);
    this.rmask = RING_MIN - 1;
    this.chead = 0;
    this.ring[0] = chunk;
    this.nchunks = 1;
    this.head = head;
    this.spare = null;
    return true;
  }

  /** A list holding `values` in order. */
  static from(values: readonly string[], fixedChunkBits?: number): RedisList {
    const l = new RedisList(fixedChunkBits);
    for (let i = 0; i < values.length; i++) l.pushRight(values[i]!);
    return l;
  }

  get length(): number {
    return this.len;
  }

  encoding(): string {
    return 'quicklist';
  }

  clone(): RedisList {
    const l = new RedisList(this.growable ? undefined : this.bitsMax);
    l.setBits(this.bits);
    const ring: (Chunk | undefined)[] = [];
    for (let k = 0; k < this.nchunks; k++) ring.push(this.ring[(this.chead + k) & this.rmask]!.slice());
    for (let k = this.nchunks; k <= this.rmask; k++) ring.push(undefined);
    l.ring = ring;
    l.rmask = this.rmask;
    l.nchunks = this.nchunks;
    l.head = this.head;
    l.len = this.len;
    return l;
  }

  /** The element at index 0 ≤ i < length (no bounds check). */
  at(i: number): string {
    const p = this.head + i;
    return this.ring[(this.chead + (p >>> this.bits)) & this.rmask]![p & this.slotMask]!;
  }

  /** Replaces the element at index 0 ≤ i < length. */
  set(i: number, value: string): void {
    const p = this.head + i;
    this.ring[(this.chead + (p >>> this.bits)) & this.rmask]![p & this.slotMask] = value;
  }

  private takeChunk(): Chunk {
    const s = this.spare;
    if (s !== null) {
      this.spare = null;
      return s;
    }
    return emptySlots<string>(this.chunkSize);
  }

  /** Re-lays the chunk pointers from ring slot 0 in a ring of `cap` slots. */
  private resizeRing(cap: number): void {
    const next: (Chunk | undefined)[] = []; // pushed, not new Array(cap): see emptySlots
    for (let k = 0; k < this.nchunks; k++) next.push(this.ring[(this.chead + k) & this.rmask]);
    for (let k = this.nchunks; k < cap; k++) next.push(undefined);
    this.ring = next;
    this.rmask = cap - 1;
    this.chead = 0;
  }

  private shrinkRingIfSparse(): void {
    const cap = this.rmask + 1;
    if (cap > RING_MIN && this.nchunks < cap >>> 2) this.resizeRing(cap >>> 1);
  }

  pushRight(value: string): void {
    const p = this.head + this.len;
    const k = p >>> this.bits;
    if (k === this.nchunks) {
      if (this.grewChunk()) return this.pushRight(value);
      if (this.nchunks > this.rmask) this.resizeRing((this.rmask + 1) * 2);
      this.ring[(this.chead + k) & this.rmask] = this.takeChunk();
      this.nchunks++;
    }
    this.ring[(this.chead + k) & this.rmask]![p & this.slotMask] = value;
    this.len++;
  }

  pushLeft(value: string): void {
    if (this.head === 0) {
      if (this.grewChunk()) return this.pushLeft(value);
      if (this.nchunks > this.rmask) this.resizeRing((this.rmask + 1) * 2);
      this.chead = (this.chead - 1) & this.rmask;
      this.ring[this.chead] = this.takeChunk();
      this.nchunks++;
      this.head = this.chunkSize;
    }
    this.head--;
    this.ring[this.chead]![this.head] = value;
    this.len++;
  }

  /** The list just became empty after a pop: its one chunk (now all empty) becomes the spare. */
  private released(): void {
    this.spare = this.ring[this.chead]!;
    this.ring[this.chead] = undefined;
    this.nchunks = 0;
    this.head = 0;
  }

  /** Removes and returns the first element (undefined when empty). */
  popLeft(): string | undefined {
    if (this.len === 0) return undefined;
    const chunk = this.ring[this.chead]!;
    const v = chunk[this.head];
    chunk[this.head] = undefined;
    this.head++;
    this.len--;
    if (this.len === 0) this.released();
    else if (this.head === this.chunkSize) {
      this.spare = chunk;
      this.ring[this.chead] = undefined;
      this.chead = (this.chead + 1) & this.rmask;
      this.nchunks--;
      this.head = 0;
      if (this.nchunks < (this.rmask + 1) >>> 2) this.shrinkRingIfSparse();
    }
    return v;
  }

  /** Removes and returns the last element (undefined when empty). */
  popRight(): string | undefined {
    if (this.len === 0) return undefined;
    const p = this.head + this.len - 1;
    const r = (this.chead + (p >>> this.bits)) & this.rmask;
    const chunk = this.ring[r]!;
    const v = chunk[p & this.slotMask];
    chunk[p & this.slotMask] = undefined;
    this.len--;
    if (this.len === 0) this.released();
    else if ((p & this.slotMask) === 0) {
      // The last chunk held only that element.
      this.spare = chunk;
      this.ring[r] = undefined;
      this.nchunks--;
      if (this.nchunks < (this.rmask + 1) >>> 2) this.shrinkRingIfSparse();
    }
    return v;
  }

  /** Inserts `value` so that it ends up at index 0 ≤ i ≤ length, shifting the shorter side. */
  insert(i: number, value: string): void {
    if (i <= 0) return this.pushLeft(value);
    const n = this.len;
    if (i >= n) return this.pushRight(value);
    if (i < n - i) {
      this.pushLeft(this.at(0));
      for (let k = 1; k < i; k++) this.set(k, this.at(k + 1));
    } else {
      this.pushRight(this.at(n - 1));
      for (let k = n - 1; k > i; k--) this.set(k, this.at(k - 1));
    }
    this.set(i, value);
  }

  /** Removes the element at index 0 ≤ i < length, shifting the shorter side. */
  removeAt(i: number): void {
    if (i < this.len - 1 - i) {
      for (let k = i; k > 0; k--) this.set(k, this.at(k - 1));
      this.popLeft();
    } else {
      for (let k = i; k < this.len - 1; k++) this.set(k, this.at(k + 1));
      this.popRight();
    }
  }

  /**
   * Drops `left` elements from the head and `right` from the tail. Whole chunks are simply let
   * go; only the slots of the chunks that stay are cleared.
   */
  trim(left: number, right: number): void {
    if (left + right >= this.len) {
      this.clear();
      return;
    }
    if (left > 0) {
      const from = this.head;
      const to = this.head + left;
      const dropped = to >>> this.bits;
      const firstKept = this.ring[(this.chead + dropped) & this.rmask]!;
      for (let p = Math.max(from, dropped << this.bits); p < to; p++) firstKept[p & this.slotMask] = undefined;
      for (let k = 0; k < dropped; k++) this.ring[(this.chead + k) & this.rmask] = undefined;
      this.chead = (this.chead + dropped) & this.rmask;
      this.nchunks -= dropped;
      this.head = to & this.slotMask;
      this.len -= left;
    }
    if (right > 0) {
      const end = this.head + this.len;
      const newEnd = end - right;
      const keep = ((newEnd - 1) >>> this.bits) + 1;
      const lastKept = this.ring[(this.chead + keep - 1) & this.rmask]!;
      for (let p = newEnd; p < Math.min(end, keep << this.bits); p++) lastKept[p & this.slotMask] = undefined;
      for (let k = keep; k < this.nchunks; k++) this.ring[(this.chead + k) & this.rmask] = undefined;
      this.nchunks = keep;
      this.len -= right;
    }
    this.shrinkRingIfSparse();
  }

  clear(): void {
    if (this.growable) this.setBits(CHUNK_BITS_FIRST);
    this.spare = null;
    this.ring = emptySlots<Chunk>(RING_MIN);
    this.rmask = RING_MIN - 1;
    this.chead = 0;
    this.nchunks = 0;
    this.head = 0;
    this.len = 0;
  }

  /** Index of the first element equal to `value` (searching from the head), or -1. */
  indexOf(value: string): number {
    for (let i = 0; i < this.len; i++) if (this.at(i) === value) return i;
    return -1;
  }

  /**
   * Removes up to `count` elements equal to `value` (count 0: all of them), scanning from the
   * tail when `fromTail`. One compaction pass; returns how many were removed.
   */
  removeValue(value: string, count: number, fromTail: boolean): number {
    const n = this.len;
    let removed = 0;
    if (!fromTail) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        const v = this.at(r);
        if (v === value && (count === 0 || removed < count)) {
          removed++;
          continue;
        }
        if (w !== r) this.set(w, v);
        w++;
      }
      if (removed > 0) this.trim(0, removed);
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const v = this.at(r);
        if (v === value && (count === 0 || removed < count)) {
          removed++;
          continue;
        }
        if (w !== r) this.set(w, v);
        w--;
      }
      if (removed > 0) this.trim(removed, 0);
    }
    return removed;
  }

  /** The elements in order (for tests and debugging; replies read with at()). */
  toArray(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.len; i++) out.push(this.at(i));
    return out;
  }
}
