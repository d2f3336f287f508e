// RawNode: the application-facing wrapper around Raft. It batches everything the core produced
// since the last Ready (state to persist, messages, committed entries, reads) and, on advance(),
// tells the core what became durable and applied. Exactly one Ready may be outstanding: the core
// keeps accepting step/tick/propose meanwhile, but its next Ready waits for advance().
import {
  type ConfChange,
  type ConfState,
  type HardState,
  type Message,
  type NodeId,
  type ProposeResult,
  type RaftConfig,
  type Ready,
  type SoftState,
  assert,
  EMPTY_ENTRIES,
} from './types.js';
import { type CompactableStorage, type Storage } from './storage.js';
import { Raft } from './raft.js';

export interface Status {
  id: NodeId;
  term: number;
  vote: NodeId;
  lead: NodeId;
  role: SoftState['role'];
  commit: number;
  applied: number;
  lastIndex: number;
  firstIndex: number;
  leadTransferee: NodeId;
  progress: Map<NodeId, { match: number; next: number; state: string; isLearner: boolean }>;
}

interface Accepted {
  lastEntryIndex: number;
  lastEntryTerm: number;
  snapshotIndex: number;
  appliedIndex: number;
}

export class RawNode {
  readonly raft: Raft;
  private readonly storage: Storage;
  private prevSoft: SoftState;
  private prevHard: HardState;
  private inFlight: Accepted | null = null;

  constructor(cfg: RaftConfig, storage: Storage) {
    this.raft = new Raft(cfg, storage);
    this.storage = storage;
    this.prevSoft = { lead: this.raft.lead, role: this.raft.role };
    this.prevHard = { term: this.raft.term, vote: this.raft.vote, commit: this.raft.log.committed };
  }

  tick(): void {
    this.raft.tick();
  }

  step(m: Message): void {
    assert(m.to === this.raft.id, `message for ${m.to} stepped into ${this.raft.id}`);
    this.raft.step(m);
  }

  propose(data: Uint8Array): ProposeResult {
    return this.raft.propose(data);
  }

  proposeConfChange(cc: ConfChange): ProposeResult {
    return this.raft.proposeConfChange(cc);
  }

  readIndex(context: string): void {
    this.raft.readIndex(context);
  }

  transferLeadership(to: NodeId): boolean {
    return this.raft.transferLeadership(to);
  }

  /**
   * Log compaction: the application hands over a snapshot of its state machine taken at
   * `appliedIndex` (at most the last index handed out for applying, and with no membership
   * change after it); storage records it with the right term and membership and drops the log up
   * to it. Followers that need dropped entries will be sent this snapshot.
   */
  compact(appliedIndex: number, data: Uint8Array): void {
    const log = this.raft.log;
    assert(appliedIndex <= log.applied, `compact(${appliedIndex}) beyond applied ${log.applied}`);
    assert(appliedIndex <= log.lastStableIndex(), `compact(${appliedIndex}) beyond the durable log`);
    if (appliedIndex < log.firstIndex()) return; // already compacted
    const later = log.slice(appliedIndex + 1, log.applied + 1, Infinity) ?? [];
    assert(!later.some((e) => e.type === 'conf'), `compact(${appliedIndex}): a membership change was applied after it`);
    const s = this.storage as Partial<CompactableStorage>;
    assert(typeof s.createSnapshot === 'function', 'storage cannot be compacted');
    s.createSnapshot(appliedIndex, this.raft.confState(), data);
  }

  /** Membership as of the last applied entry (use it when snapshotting at that index). */
  confState(): ConfState {
    return this.raft.confState();
  }

  private flushBroadcast(): void {
    if (this.raft.needBroadcast) {
      this.raft.needBroadcast = false;
      if (this.raft.role === 'leader') this.raft.bcastAppend();
    }
  }

  hasReady(): boolean {
    if (this.inFlight !== null) return false;
    this.flushBroadcast();
    const r = this.raft;
    const log = r.log;
    return (
      r.lead !== this.prevSoft.lead ||
      r.role !== this.prevSoft.role ||
      r.term !== this.prevHard.term ||
      r.vote !== this.prevHard.vote ||
      log.committed !== this.prevHard.commit ||
      log.unstableEntries.length > 0 ||
      log.unstableSnapshot !== null ||
      r.msgs.length > 0 ||
      r.msgsAfterPersist.length > 0 ||
      r.readStates.length > 0 ||
      r.readsFailed.length > 0 ||
      log.hasNextCommitted()
    );
  }

  ready(): Ready {
    assert(this.inFlight === null, 'ready() called twice without advance()');
    this.flushBroadcast();
    const r = this.raft;
    const log = r.log;
    let softState: SoftState | null = null;
    if (r.lead !== this.prevSoft.lead || r.role !== this.prevSoft.role) {
      softState = { lead: r.lead, role: r.role };
      this.prevSoft = softState;
    }
    let hardState: HardState | null = null;
    if (r.term !== this.prevHard.term || r.vote !== this.prevHard.vote || log.committed !== this.prevHard.commit) {
      hardState = { term: r.term, vote: r.vote, commit: log.committed };
      this.prevHard = hardState;
    }
    const snapshot = log.unstableSnapshot;
    const entries = log.unstableEntries.length > 0 ? log.unstableEntries.slice() : EMPTY_ENTRIES;
    const committedEntries = log.nextCommitted(r.cfg.committedEntriesBytesMax);
    const rd: Ready = {
      softState,
      hardState,
      entries,
      snapshot,
      committedEntries,
      messages: r.msgs,
      messagesAfterPersist: r.msgsAfterPersist,
      readStates: r.readStates,
      readsFailed: r.readsFailed,
    };
    r.msgs = [];
    r.msgsAfterPersist = [];
    r.readStates = [];
    r.readsFailed = [];
    const last = entries.length > 0 ? entries[entries.length - 1]! : null;
    const appliedIndex = committedEntries.length > 0 ? committedEntries[committedEntries.length - 1]!.index : snapshot?.meta.index ?? 0;
    this.inFlight = {
      lastEntryIndex: last?.index ?? 0,
      lastEntryTerm: last?.term ?? 0,
      snapshotIndex: snapshot?.meta.index ?? 0,
      appliedIndex,
    };
    // Hand-out is the point of no return for applying: mark applied now so membership changes
    // take effect for the core in log order, exactly once per entry.
    if (snapshot !== null && snapshot.meta.index > log.applied) log.applied = snapshot.meta.index;
    if (committedEntries.length > 0) log.appliedTo(appliedIndex);
    for (const e of committedEntries) if (e.type === 'conf') r.applyConfChange(e.change!);
    return rd;
  }

  /** The caller persisted, sent and applied everything in the last Ready. */
  advance(): void {
    const acc = this.inFlight;
    assert(acc !== null, 'advance() without ready()');
    this.inFlight = null;
    if (acc.snapshotIndex > 0) this.raft.log.stableSnapTo(acc.snapshotIndex);
    if (acc.lastEntryIndex > 0) this.raft.onStable(acc.lastEntryIndex, acc.lastEntryTerm);
    else if (acc.snapshotIndex > 0) this.raft.onStable(acc.snapshotIndex, this.raft.log.term(acc.snapshotIndex));
  }

  status(): Status {
    const r = this.raft;
    const progress = new Map<NodeId, { match: number; next: number; state: string; isLearner: boolean }>();
    for (const [id, pr] of r.prs) progress.set(id, { match: pr.match, next: pr.next, state: pr.state, isLearner: pr.isLearner });
    return {
      id: r.id,
      term: r.term,
      vote: r.vote,
      lead: r.lead,
      role: r.role,
      commit: r.log.committed,
      applied: r.log.applied,
      lastIndex: r.log.lastIndex(),
      firstIndex: r.log.firstIndex(),
      leadTransferee: r.leadTransferee,
      progress,
    };
  }
}
