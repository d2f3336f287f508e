// Safety invariants of Raft checked by the simulator as the run goes (Raft paper Figure 3 plus
// durability): Election Safety, Log Matching, Leader Completeness, State Machine Safety, commit
// monotonicity (per incarnation in memory, and on disk across restarts) and no acknowledged write
// lost. Each check throws InvariantError; the runner turns it into a SEED=… failure report.
import { type Entry, type NodeId, type RaftLog } from '../raft/index.js';

export class InvariantError extends Error {}

function fail(msg: string): never {
  throw new InvariantError(msg);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class Invariants {
  /** Election Safety: term → leader. */
  private leaderOfTerm = new Map<number, NodeId>();
  /** Every (index, term) ever persisted anywhere names one entry (the heart of Log Matching). */
  private entryAt = new Map<number, Map<number, Entry>>();
  /** State Machine Safety: what was applied at each index. */
  readonly applied = new Map<number, Entry>();
  maxApplied = 0;
  /** Acknowledged writes: index → term. */
  readonly acked = new Map<number, number>();
  checks = 0;

  /** For each committed index: the entry's term and the term of the leader that committed it. */
  private committedAt = new Map<number, { entryTerm: number; commitTerm: number }>();
  maxCommitted = 0;
  /** Current leaders (term, log) so later commits in lower terms can be checked against them. */
  private leaders = new Map<NodeId, { term: number; log: RaftLog }>();

  onLeader(term: number, id: NodeId, log: RaftLog): void {
    const prev = this.leaderOfTerm.get(term);
    if (prev === id) return;
    if (prev !== undefined) fail(`Election Safety: nodes ${prev} and ${id} both leader in term ${term}`);
    this.leaderOfTerm.set(term, id);
    this.leaders.set(id, { term, log });
    // Leader Completeness: the new leader holds every entry committed in an earlier term.
    for (let i = Math.max(log.firstIndex(), 1); i <= this.maxCommitted; i++) {
      const c = this.committedAt.get(i);
      if (c !== undefined && c.commitTerm < term) this.checkHolds(id, term, log, i, c.entryTerm);
    }
    this.checks++;
  }

  private checkHolds(id: NodeId, term: number, log: RaftLog, i: number, entryTerm: number): void {
    if (i < log.firstIndex()) return; // compacted: covered by its snapshot
    if (log.term(i) !== entryTerm) {
      fail(`Leader Completeness: leader ${id} (term ${term}) has term ${log.term(i)} at ${i}, but (${i}, t${entryTerm}) was committed in an earlier term`);
    }
  }

  /** A leader of `term` advanced its commit index to `to`. */
  onLeaderCommit(id: NodeId, term: number, log: RaftLog, from: number, to: number): void {
    for (let i = from + 1; i <= to; i++) {
      if (this.committedAt.has(i)) continue;
      const entryTerm = log.term(i);
      this.committedAt.set(i, { entryTerm, commitTerm: term });
      if (i > this.maxCommitted) this.maxCommitted = i;
      // Leaders of later terms elected before this commit must hold it too.
      for (const [lid, l] of this.leaders) {
        if (l.term > term && lid !== id && l.log.lastIndex() >= i) this.checkHolds(lid, l.term, l.log, i, entryTerm);
      }
    }
  }

  /** A node stopped being leader (or crashed). */
  onNotLeader(id: NodeId): void {
    this.leaders.delete(id);
  }

  onPersist(id: NodeId, entries: Entry[]): void {
    for (const e of entries) {
      let byTerm = this.entryAt.get(e.index);
      if (byTerm === undefined) {
        byTerm = new Map();
        this.entryAt.set(e.index, byTerm);
      }
      const prev = byTerm.get(e.term);
      if (prev === undefined) byTerm.set(e.term, e);
      else if (prev !== e && (prev.type !== e.type || !sameBytes(prev.data, e.data))) {
        fail(`Log Matching: node ${id} persisted a different entry at index ${e.index} term ${e.term}`);
      }
    }
    this.checks++;
  }

  onApply(id: NodeId, e: Entry): void {
    const prev = this.applied.get(e.index);
    if (prev === undefined) {
      this.applied.set(e.index, e);
      if (e.index > this.maxApplied) this.maxApplied = e.index;
    } else if (prev.term !== e.term || !sameBytes(prev.data, e.data)) {
      fail(`State Machine Safety: node ${id} applied (${e.index}, t${e.term}) but (${prev.index}, t${prev.term}) was applied elsewhere`);
    }
    this.checks++;
  }

  onAck(index: number, term: number): void {
    const a = this.applied.get(index);
    if (a === undefined || a.term !== term) fail(`acknowledged write (${index}, t${term}) is not the applied entry`);
    this.acked.set(index, term);
  }

  onCommit(id: NodeId, prev: number, next: number, what: string): void {
    if (next < prev) fail(`commit index of node ${id} went from ${prev} down to ${next} (${what})`);
  }

  /** Full Log Matching over live logs: if two logs agree at (i, t) they agree on all before i. */
  checkLogMatching(logs: { id: NodeId; log: RaftLog }[]): void {
    for (let x = 0; x < logs.length; x++) {
      for (let y = x + 1; y < logs.length; y++) {
        const a = logs[x]!;
        const b = logs[y]!;
        const lo = Math.max(a.log.firstIndex(), b.log.firstIndex());
        let hi = Math.min(a.log.lastIndex(), b.log.lastIndex());
        while (hi >= lo && a.log.term(hi) !== b.log.term(hi)) hi--;
        for (let i = lo; i <= hi; i++) {
          if (a.log.term(i) !== b.log.term(i)) {
            fail(`Log Matching: nodes ${a.id} and ${b.id} agree at ${hi} but differ at ${i}`);
          }
        }
        if (hi >= lo) {
          const ea = a.log.slice(lo, hi + 1, Infinity) ?? [];
          const eb = b.log.slice(lo, hi + 1, Infinity) ?? [];
          for (let i = 0; i < ea.length; i++) {
            if (!sameBytes(ea[i]!.data, eb[i]!.data)) fail(`Log Matching: nodes ${a.id} and ${b.id} differ in data at ${ea[i]!.index}`);
          }
        }
      }
    }
    this.checks++;
  }

  /** No acknowledged write lost: every acked entry is still what a live log holds at its index. */
  checkAckedDurable(logs: { id: NodeId; log: RaftLog; applied: number }[]): void {
    for (const { id, log, applied } of logs) {
      for (const [index, term] of this.acked) {
        if (index < log.firstIndex() || index > applied) continue; // compacted or not caught up
        if (log.term(index) !== term) fail(`acknowledged write (${index}, t${term}) lost on node ${id} (has t${log.term(index)})`);
      }
    }
    this.checks++;
  }
}
