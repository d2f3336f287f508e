// The leader's view of one follower: how much of the log it has (match), what to send next, and
// the flow-control state — probe (one AppendEntries at a time until we find where logs match),
// replicate (pipelined, bounded by an inflight window of messages and bytes), snapshot (sending
// InstallSnapshot chunks; AppendEntries paused). After etcd-io/raft's tracker package.
import { type NodeId, type Snapshot, assert } from './types.js';

/** Ring of unacknowledged AppendEntries: (last index, bytes) per message, bounded both ways. */
export class Inflights {
  private idx: Float64Array;
  private bytes: Float64Array;
  private start = 0;
  count = 0;
  totalBytes = 0;

  constructor(readonly inflightMessagesMax: number, readonly inflightBytesMax: number) {
    this.idx = new Float64Array(inflightMessagesMax);
    this.bytes = new Float64Array(inflightMessagesMax);
  }

  add(lastIndex: number, bytes: number): void {
    assert(this.count < this.inflightMessagesMax, 'inflights overflow');
    const k = (this.start + this.count) % this.inflightMessagesMax;
    this.idx[k] = lastIndex;
    this.bytes[k] = bytes;
    this.count++;
    this.totalBytes += bytes;
  }

  /** Frees every message whose last index is <= `to` (acknowledged). */
  freeLE(to: number): void {
    while (this.count > 0 && this.idx[this.start]! <= to) {
      this.totalBytes -= this.bytes[this.start]!;
      this.start = (this.start + 1) % this.inflightMessagesMax;
      this.count--;
    }
    if (this.count === 0) {
      this.start = 0;
      this.totalBytes = 0;
    }
  }

  freeFirstOne(): void {
    if (this.count > 0) this.freeLE(this.idx[this.start]!);
  }

  full(): boolean {
    return this.count >= this.inflightMessagesMax || this.totalBytes >= this.inflightBytesMax;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
    this.totalBytes = 0;
  }
}

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** probe: an AppendEntries is outstanding; wait for its reply or the next heartbeat reply. */
  probeSent = false;
  /** snapshot: index of the snapshot being sent, the bytes the follower has, and the snapshot. */
  pendingSnapshot = 0;
  snapOffset = 0;
  snap: Snapshot | null = null;
  /** Heard from within the current CheckQuorum period. */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(readonly id: NodeId, next: number, public isLearner: boolean, inflightMessagesMax: number, inflightBytesMax: number) {
    this.next = next;
    this.inflights = new Inflights(inflightMessagesMax, inflightBytesMax);
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapOffset = 0;
    this.snap = null;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snap: Snapshot): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snap.meta.index;
    this.snap = snap;
  }

  /** An acknowledgement up to n arrived; returns whether match advanced. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /** Records an AppendEntries just sent carrying `entries` entries ending at `lastIndex`. */
  sentEntries(entries: number, lastIndex: number, bytes: number): void {
    if (this.state === 'replicate') {
      if (entries > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex, bytes);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  /**
   * A rejection of the AppendEntries whose previous index was `rejected` arrived, with the
   * follower's hint; returns false if it is stale (not about what we last sent).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1, 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }
}
