// ReadIndex bookkeeping on the leader (Raft thesis §6.4). A read is served at the commit index
// the leader had when it last confirmed, by a heartbeat round answered by a majority, that it was
// still leader. Rounds are batched: at most one round is in flight; reads arriving meanwhile wait
// for the next round, so one heartbeat round confirms any number of reads. Reads that arrive
// before the leader has committed an entry of its own term wait for that commit (until then its
// commit index may be stale). Everything pending is handed back as failed when leadership ends.
import { type NodeId, assert } from './types.js';

export interface ReadRequest {
  context: string;
  /** Who asked: the leader itself or a follower that forwarded the read. */
  from: NodeId;
}

interface ReadRound {
  id: number;
  index: number;
  reqs: ReadRequest[];
  acks: Set<NodeId>;
}

export class ReadOnly {
  /** Reads parked until the leader commits an entry of its term. */
  waitingForCommit: ReadRequest[] = [];
  /** Reads waiting for the next round. */
  queued: ReadRequest[] = [];
  round: ReadRound | null = null;
  private lastRoundId = 0;

  constructor(readonly readRequestsMax: number) {}

  pendingCount(): number {
    return this.waitingForCommit.length + this.queued.length + (this.round?.reqs.length ?? 0);
  }

  full(): boolean {
    return this.pendingCount() >= this.readRequestsMax;
  }

  /** The round id heartbeats should carry (0 if none in flight). */
  currentRoundId(): number {
    return this.round?.id ?? 0;
  }

  /** Starts a round if none is in flight and reads are queued; returns its id or 0. */
  maybeStartRound(commit: number, self: NodeId): number {
    if (this.round !== null || this.queued.length === 0) return 0;
    this.round = { id: ++this.lastRoundId, index: commit, reqs: this.queued, acks: new Set([self]) };
    this.queued = [];
    return this.round.id;
  }

  /** Records a heartbeat ack; returns the completed round's reads and index once a quorum acked. */
  ack(roundId: number, from: NodeId, isQuorum: (acks: Set<NodeId>) => boolean): { index: number; reqs: ReadRequest[] } | null {
    const r = this.round;
    if (r === null || r.id !== roundId) return null;
    r.acks.add(from);
    if (!isQuorum(r.acks)) return null;
    this.round = null;
    return { index: r.index, reqs: r.reqs };
  }

  /** Leadership ended: everything pending fails. */
  drain(): ReadRequest[] {
    const out = this.waitingForCommit.concat(this.queued, this.round?.reqs ?? []);
    this.waitingForCommit = [];
    this.queued = [];
    this.round = null;
    assert(this.pendingCount() === 0, 'readonly drained');
    return out;
  }
}
