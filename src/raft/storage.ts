// The storage contract between the core and the durable log, plus an in-memory implementation.
//
// The core only ever READS storage (what survived the last crash); the caller WRITES it while
// handling a Ready, in the order snapshot → entries → hard state, and only then sends
// `messagesAfterPersist` and calls advance(). Entries handed out in a Ready but not yet written
// are lost by a crash — exactly what the simulator models. Shaped after etcd-io/raft's Storage.
import { type ConfState, type Entry, type HardState, type Snapshot, assert, entrySize } from './types.js';

export interface Storage {
  /** Hard state and membership as of the last snapshot (later conf entries are replayed). */
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries [lo, hi), at most `maxBytes` (but at least one). lo >= firstIndex(), hi <= lastIndex()+1. */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** Term of entry i, for firstIndex()-1 <= i <= lastIndex() (firstIndex()-1 is the snapshot's). */
  term(i: number): number;
  /** Index of the first entry still in the log (snapshot index + 1). */
  firstIndex(): number;
  lastIndex(): number;
  /** The most recent snapshot (index 0 and empty data if none). */
  snapshot(): Snapshot;
}

/** Storage the application can compact through RawNode.compact(). */
export interface CompactableStorage extends Storage {
  /** Records a snapshot of the state machine at index i (with membership `conf`) and drops the log up to i. */
  createSnapshot(i: number, conf: ConfState, data: Uint8Array): void;
}

/**
 * In-memory storage: everything written to it counts as durable. `ents[0]` is a dummy entry
 * holding the snapshot's index and term, so term(firstIndex()-1) needs no special case.
 */
export class MemoryStorage implements CompactableStorage {
  hardState: HardState = { term: 0, vote: 0, commit: 0 };
  private snap: Snapshot;
  private ents: Entry[];

  constructor(conf: ConfState = { voters: [], learners: [] }) {
    this.snap = { meta: { index: 0, term: 0, conf: copyConf(conf) }, data: new Uint8Array(0) };
    this.ents = [{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }];
  }

  /**
   * Storage of an initial cluster member: a bootstrap snapshot at (index 1, term 1) holding the
   * initial membership. A node added later starts from `new MemoryStorage()` (empty membership)
   * and, being behind index 1, receives a snapshot — so it always learns the full membership.
   */
  static bootstrap(conf: ConfState): MemoryStorage {
    const s = new MemoryStorage();
    s.applySnapshot({ meta: { index: 1, term: 1, conf: copyConf(conf) }, data: new Uint8Array(0) });
    s.setHardState({ term: 1, vote: 0, commit: 1 });
    return s;
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: { ...this.hardState }, confState: copyConf(this.snap.meta.conf) };
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1;
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1;
  }

  term(i: number): number {
    const off = this.ents[0]!.index;
    assert(i >= off && i <= this.lastIndex(), `storage.term(${i}) out of [${off}, ${this.lastIndex()}]`);
    return this.ents[i - off]!.term;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    const off = this.ents[0]!.index;
    assert(lo > off && hi <= this.lastIndex() + 1 && lo <= hi, `storage.entries(${lo}, ${hi}) out of range`);
    return limitSize(this.ents.slice(lo - off, hi - off), maxBytes);
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  /** Appends entries, replacing any existing suffix that they overlap (a truncation). */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return; // all already compacted
    if (first > entries[0]!.index) entries = entries.slice(first - entries[0]!.index);
    const off = entries[0]!.index - this.ents[0]!.index;
    assert(off <= this.ents.length, `storage.append gap: have up to ${this.lastIndex()}, got ${entries[0]!.index}`);
    if (off < this.ents.length) this.ents.length = off;
    for (const e of entries) this.ents.push(e);
  }

  /** Replaces the whole log with a snapshot received from the leader. */
  applySnapshot(snap: Snapshot): void {
    if (snap.meta.index <= this.snap.meta.index) return;
    this.snap = snap;
    this.ents = [{ term: snap.meta.term, index: snap.meta.index, type: 'normal', data: new Uint8Array(0) }];
  }

  /**
   * Records a state-machine snapshot taken at applied index `i` and drops the log up to it.
   * `conf` is the membership as of `i` (RawNode.confState() right after applying `i`).
   */
  createSnapshot(i: number, conf: ConfState, data: Uint8Array): void {
    if (i <= this.snap.meta.index) return;
    assert(i <= this.lastIndex(), `createSnapshot(${i}) beyond last index ${this.lastIndex()}`);
    const off = this.ents[0]!.index;
    const term = this.ents[i - off]!.term;
    this.snap = { meta: { index: i, term, conf: copyConf(conf) }, data };
    this.ents = this.ents.slice(i - off);
    this.ents[0] = { term, index: i, type: 'normal', data: new Uint8Array(0) };
  }
}

export function copyConf(c: ConfState): ConfState {
  return { voters: [...c.voters], learners: [...c.learners] };
}

export function limitSize(ents: Entry[], maxBytes: number): Entry[] {
  if (ents.length <= 1) return ents;
  let size = entrySize(ents[0]!);
  let n = 1;
  for (; n < ents.length; n++) {
    size += entrySize(ents[n]!);
    if (size > maxBytes) break;
  }
  return n === ents.length ? ents : ents.slice(0, n);
}
