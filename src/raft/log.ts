// The node's view of its log: the durable part (Storage) plus an unstable tail (entries and
// possibly a snapshot received but not yet persisted). The core mutates only the unstable part;
// stableTo() moves the boundary once the caller reports a Ready persisted. Also tracks `committed`
// and `applied` (= handed out to the application). Shaped after etcd-io/raft's raftLog/unstable.
import { type Entry, type Snapshot, assert, EMPTY_ENTRIES } from './types.js';
import { type Storage, limitSize } from './storage.js';

export class RaftLog {
  /** Unstable entries start at `offset`; entries below it are in storage. */
  unstableEntries: Entry[] = [];
  offset: number;
  unstableSnapshot: Snapshot | null = null;
  committed: number;
  /** Highest index handed to the application (in a Ready). */
  applied: number;

  constructor(readonly storage: Storage, committed: number) {
    const first = storage.firstIndex();
    this.offset = storage.lastIndex() + 1;
    this.applied = first - 1;
    this.committed = Math.max(committed, first - 1);
    assert(this.committed <= storage.lastIndex(), `persisted commit ${committed} beyond last index ${storage.lastIndex()}`);
  }

  firstIndex(): number {
    if (this.unstableSnapshot !== null) return this.unstableSnapshot.meta.index + 1;
    return this.storage.firstIndex();
  }

  lastIndex(): number {
    if (this.unstableEntries.length > 0) return this.offset + this.unstableEntries.length - 1;
    if (this.unstableSnapshot !== null) return this.unstableSnapshot.meta.index;
    return this.storage.lastIndex();
  }

  /** Highest index known durable (entries below `offset`). */
  lastStableIndex(): number {
    return this.offset - 1;
  }

  /** Term of entry i; 0 if i is compacted away or beyond the log. */
  term(i: number): number {
    if (i >= this.offset) {
      const k = i - this.offset;
      return k < this.unstableEntries.length ? this.unstableEntries[k]!.term : 0;
    }
    if (this.unstableSnapshot !== null) {
      return i === this.unstableSnapshot.meta.index ? this.unstableSnapshot.meta.term : 0;
    }
    const dummy = this.storage.firstIndex() - 1;
    if (i < dummy || i > this.storage.lastIndex()) return 0;
    return this.storage.term(i);
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  matchTerm(i: number, t: number): boolean {
    if (i === 0) return t === 0;
    return this.term(i) === t && t !== 0;
  }

  /** Raft §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Follower side of AppendEntries: returns the last new index, or -1 if (index, logTerm) mismatch. */
  maybeAppend(index: number, logTerm: number, committed: number, ents: Entry[]): number {
    if (!this.matchTerm(index, logTerm)) return -1;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      assert(ci > this.committed, `conflict at ${ci} below commit ${this.committed}`);
      this.append(ents.slice(ci - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  /** First entry of `ents` that is missing or has another term here (0 if none). */
  private findConflict(ents: Entry[]): number {
    for (const e of ents) if (!this.matchTerm(e.index, e.term)) return e.index;
    return 0;
  }

  /**
   * Largest index <= `index` whose term is <= `term` (or the compaction boundary). Used by both
   * sides of fast backtracking: one rejected AppendEntries skips a whole conflicting term.
   */
  findConflictByTerm(index: number, term: number): number {
    const first = this.firstIndex() - 1;
    if (index > this.lastIndex()) index = this.lastIndex();
    while (index > first) {
      if (this.term(index) <= term) return index;
      index--;
    }
    return index;
  }

  append(ents: Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index;
    assert(after > this.committed, `append at ${after} would overwrite committed ${this.committed}`);
    const len = this.unstableEntries.length;
    if (after === this.offset + len) {
      for (const e of ents) this.unstableEntries.push(e);
    } else if (after <= this.offset) {
      // Replaces entries that may already be durable; the next Ready rewrites them in storage.
      this.offset = after;
      this.unstableEntries = ents.slice();
    } else {
      this.unstableEntries = this.unstableEntries.slice(0, after - this.offset).concat(ents);
    }
    return this.lastIndex();
  }

  commitTo(i: number): void {
    if (i > this.committed) {
      assert(i <= this.lastIndex(), `commit ${i} beyond last index ${this.lastIndex()}`);
      this.committed = i;
    }
  }

  /** Entries [lo, hi), bounded by maxBytes; null if lo was compacted (send a snapshot instead). */
  slice(lo: number, hi: number, maxBytes: number): Entry[] | null {
    if (lo < this.firstIndex()) return null;
    assert(hi <= this.lastIndex() + 1, `slice hi ${hi} beyond ${this.lastIndex() + 1}`);
    if (lo >= hi) return EMPTY_ENTRIES;
    let ents: Entry[];
    if (lo >= this.offset) {
      ents = this.unstableEntries.slice(lo - this.offset, hi - this.offset);
    } else {
      const stableHi = Math.min(hi, this.offset);
      ents = this.storage.entries(lo, stableHi, maxBytes);
      if (hi > this.offset && ents.length === stableHi - lo) {
        ents = ents.concat(this.unstableEntries.slice(0, hi - this.offset));
      }
    }
    return limitSize(ents, maxBytes);
  }

  hasNextCommitted(): boolean {
    return this.committed > Math.max(this.applied, this.firstIndex() - 1);
  }

  nextCommitted(maxBytes: number): Entry[] {
    const lo = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed < lo) return EMPTY_ENTRIES;
    return this.slice(lo, this.committed + 1, maxBytes) ?? EMPTY_ENTRIES;
  }

  snapshot(): Snapshot {
    return this.unstableSnapshot ?? this.storage.snapshot();
  }

  /** Installs a snapshot received from the leader (replaces the whole log). */
  restore(snap: Snapshot): void {
    this.committed = snap.meta.index;
    this.unstableSnapshot = snap;
    this.unstableEntries = [];
    this.offset = snap.meta.index + 1;
  }

  /** The caller persisted entries up to (i, t); ignored if they were replaced meanwhile. */
  stableTo(i: number, t: number): void {
    if (i < this.offset) return;
    if (this.term(i) !== t) return;
    this.unstableEntries = this.unstableEntries.slice(i + 1 - this.offset);
    this.offset = i + 1;
  }

  stableSnapTo(i: number): void {
    if (this.unstableSnapshot !== null && this.unstableSnapshot.meta.index === i) this.unstableSnapshot = null;
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    assert(i <= this.committed && i >= this.applied, `appliedTo(${i}) outside [${this.applied}, ${this.committed}]`);
    this.applied = i;
  }
}
