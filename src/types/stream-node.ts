// One stream node (Redis's macro node): entries in ID order, tombstones included, stored in
// columns rather than one object per entry — IDs in two Float64Arrays (a part beyond 2^53 is
// NaN there and the exact ID sits in a side map), field/value strings in one flat array with
// offsets, field names equal to the node's master fields shared with them. This keeps a small
// entry at roughly the size of its value string plus ~40 bytes. Entry objects are made on read.

import type { StreamEntry, StreamId } from './stream.js';

export class StreamNode {
  count = 0;
  live = 0;
  /** The first entry's ID (Redis's node key / master ID). */
  readonly first: StreamId;
  /** The master entry's fields (field, value… of the first entry: the values are unused). */
  readonly master: string[];
  /** Redis's listpack size for this node minus its count and deleted fields. */
  bytes = 0;
  ms: Float64Array;
  seq: Float64Array;
  /** Exact IDs of entries with a part beyond 2^53 (their columns hold NaN). */
  big: Map<number, StreamId> | null = null;
  /** Field/value strings of entry i are flat[off[i]] … flat[off[i+1] - 1]. */
  flat: string[] = [];
  off: Int32Array;
  deleted: Uint8Array;
  /** "ms-seq" texts cached by replies. */
  texts: (string | undefined)[] | null = null;

  constructor(first: StreamId, master: string[], capacity: number) {
    this.first = first;
    this.master = master;
    this.ms = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.off = new Int32Array(capacity + 1);
    this.deleted = new Uint8Array(capacity);
  }

  private grow(): void {
    const cap = this.ms.length * 2;
    const ms = new Float64Array(cap);
    ms.set(this.ms);
    this.ms = ms;
    const seq = new Float64Array(cap);
    seq.set(this.seq);
    this.seq = seq;
    const off = new Int32Array(cap + 1);
    off.set(this.off);
    this.off = off;
    const del = new Uint8Array(cap);
    del.set(this.deleted);
    this.deleted = del;
  }

  push(id: StreamId, fields: readonly string[]): void {
    const i = this.count;
    if (i === this.ms.length) this.grow();
    if (typeof id.ms === 'number' && typeof id.seq === 'number') {
      this.ms[i] = id.ms;
      this.seq[i] = id.seq;
    } else {
      this.ms[i] = NaN;
      this.seq[i] = NaN;
      (this.big ??= new Map()).set(i, id);
    }
    const m = this.master;
    const same = m.length === fields.length;
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j]!;
      // Share the master's field-name strings (Redis's SAMEFIELDS compression, in spirit).
      this.flat.push(same && (j & 1) === 0 && m[j] === f ? m[j]! : f);
    }
    this.off[i + 1] = this.flat.length;
    this.count = i + 1;
    this.live++;
  }

  idAt(i: number): StreamId {
    const ms = this.ms[i]!;
    if (ms !== ms) return this.big!.get(i)!;
    return { ms, seq: this.seq[i]! };
  }

  /** Compares entry i's ID with `id` (negative, 0, positive). */
  cmpAt(i: number, id: StreamId): number {
    const ms = this.ms[i]!;
    if (ms !== ms) {
      const b = this.big!.get(i)!;
      const a = id;
      if (b.ms !== a.ms) return b.ms < a.ms ? -1 : 1;
      return b.seq < a.seq ? -1 : b.seq > a.seq ? 1 : 0;
    }
    if (ms !== id.ms) return ms < id.ms ? -1 : 1;
    const seq = this.seq[i]!;
    return seq < id.seq ? -1 : seq > id.seq ? 1 : 0;
  }

  fieldsAt(i: number): string[] {
    return this.flat.slice(this.off[i]!, this.off[i + 1]!);
  }

  entryAt(i: number): StreamEntry {
    const e: StreamEntry = { id: this.idAt(i), fields: this.fieldsAt(i), node: this, index: i };
    return e;
  }

  /** First index whose ID is ≥ id. */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmpAt(mid, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  clone(): StreamNode {
    const n = new StreamNode(this.first, this.master, this.ms.length);
    n.count = this.count;
    n.live = this.live;
    n.bytes = this.bytes;
    n.ms.set(this.ms);
    n.seq.set(this.seq);
    n.big = this.big ? new Map(this.big) : null;
    n.flat = this.flat.slice();
    n.off.set(this.off);
    n.deleted.set(this.deleted);
    return n;
  }
}
