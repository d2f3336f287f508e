// Wire and storage shapes shared by every raft/ module: entries, hard state, snapshots, messages,
// configuration and the Ready batch. Kept in one dependency-free file so the transport (cluster/),
// the simulator (sim/) and the core agree on one definition and nothing here pulls in behaviour.

export type NodeId = number;
/** "No node": no vote, no known leader. Real node ids are positive integers. */
export const NONE: NodeId = 0;

export type EntryType = 'normal' | 'conf';

/** A single-server membership change (Raft thesis §4.1: one server at a time). */
export interface ConfChange {
  /** addVoter on a current learner promotes it. */
  type: 'addVoter' | 'addLearner' | 'removeNode';
  nodeId: NodeId;
}

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  /** Opaque application payload (empty for the leader's no-op and for conf entries). */
  data: Uint8Array;
  /** Present iff type === 'conf'. */
  change?: ConfChange;
}

/** What must be durable before a node answers anyone: term, vote and (for restart speed) commit. */
export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

export interface SnapshotMeta {
  /** Last log index covered by the snapshot, and its term. */
  index: number;
  term: number;
  /** Membership as of `index`. */
  conf: ConfState;
}

export interface Snapshot {
  meta: SnapshotMeta;
  data: Uint8Array;
}

export type MessageType =
  | 'app' // AppendEntries (leader → follower)
  | 'appResp'
  | 'heartbeat'
  | 'heartbeatResp'
  | 'vote'
  | 'voteResp'
  | 'preVote'
  | 'preVoteResp'
  | 'snap' // one InstallSnapshot chunk
  | 'snapResp' // chunk acknowledgement (bytes received so far)
  | 'timeoutNow' // leadership transfer: "campaign now"
  | 'readIndex' // follower forwards a read to the leader
  | 'readIndexResp';

/**
 * One flat message shape for every type (monomorphic objects are cheaper in V8 than a union of
 * shapes). Fields a type does not use keep their zero values; see docs/RAFT.md for who sets what.
 */
export interface Message {
  type: MessageType;
  from: NodeId;
  to: NodeId;
  term: number;
  /** app: index of the entry before `entries`; appResp: match index, or the rejected index;
   * vote/preVote: candidate's last index; snap/snapResp: snapshot index; readIndexResp: read index. */
  index: number;
  /** app: term at `index`; vote: candidate's last term; appResp reject: term at rejectHint. */
  logTerm: number;
  entries: Entry[];
  commit: number;
  reject: boolean;
  /** appResp reject: the follower's guess of the last index that may match. */
  rejectHint: number;
  /** heartbeat/heartbeatResp: ReadIndex round being confirmed (0 = none). */
  round: number;
  /** readIndex/readIndexResp: the caller's request context. */
  context: string;
  /** snap: metadata of the snapshot being sent. */
  snapshot: SnapshotMeta | null;
  /** snap: byte offset of this chunk; snapResp: bytes received so far. */
  snapOffset: number;
  snapData: Uint8Array | null;
  snapDone: boolean;
  /** vote: campaign caused by leadership transfer, granted even inside a leader lease. */
  force: boolean;
}

export function makeMessage(type: MessageType, from: NodeId, to: NodeId, term: number): Message {
  return {
    type,
    from,
    to,
    term,
    index: 0,
    logTerm: 0,
    entries: EMPTY_ENTRIES,
    commit: 0,
    reject: false,
    rejectHint: 0,
    round: 0,
    context: '',
    snapshot: null,
    snapOffset: 0,
    snapData: null,
    snapDone: false,
    force: false,
  };
}

export const EMPTY_ENTRIES: Entry[] = Object.freeze([]) as unknown as Entry[];

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

export interface SoftState {
  lead: NodeId;
  role: Role;
}

/** A read that is safe to serve once the state machine has applied `index`. */
export interface ReadState {
  index: number;
  context: string;
}

/**
 * Everything the caller must do, in this order:
 *   1. persist `snapshot` (if any), then `entries`, then `hardState` (if any) — durably;
 *   2. send `messagesAfterPersist` (they promise what step 1 wrote: votes, acks);
 *   3. apply `snapshot` to the state machine, then `committedEntries` in order;
 *   4. serve `readStates` once applied ≥ their index, fail `readsFailed`;
 *   5. call `advance()`.
 * `messages` may be sent at once, before or in parallel with step 1: they are leader traffic
 * whose safety does not depend on the leader's own disk (the leader counts itself towards a
 * commit only after advance() reports its entries durable).
 */
export interface Ready {
  softState: SoftState | null;
  hardState: HardState | null;
  entries: Entry[];
  snapshot: Snapshot | null;
  committedEntries: Entry[];
  messages: Message[];
  messagesAfterPersist: Message[];
  readStates: ReadState[];
  readsFailed: string[];
}

export type ProposeResult =
  | { ok: true; index: number; term: number }
  | { ok: false; reason: 'not-leader' | 'transferring' | 'full' | 'conf-pending' | 'invalid'; leader: NodeId };

export interface RaftConfig {
  id: NodeId;
  /** Ticks without hearing from a leader before campaigning (randomized in [T, 2T)). */
  electionTicks: number;
  heartbeatTicks: number;
  /** Injected random source, uniform in [0, 1). The core has no randomness of its own. */
  random: () => number;
  preVote: boolean;
  checkQuorum: boolean;
  /** Unacknowledged AppendEntries per follower (pipelining window). */
  inflightMessagesMax: number;
  inflightBytesMax: number;
  /** Payload bound of one AppendEntries (at least one entry is always sent). */
  appendEntriesBytesMax: number;
  /** Leader's uncommitted tail; proposals beyond it are rejected ('full'). */
  uncommittedEntriesMax: number;
  /** Bound of committed entries handed out per Ready. */
  committedEntriesBytesMax: number;
  snapshotChunkBytes: number;
  /** Receiver refuses snapshots larger than this. */
  snapshotBytesMax: number;
  /** Reads waiting for leadership confirmation on one leader. */
  readRequestsMax: number;
}

export function defaultConfig(id: NodeId, random: () => number): RaftConfig {
  return {
    id,
    electionTicks: 10,
    heartbeatTicks: 1,
    random,
    preVote: true,
    checkQuorum: true,
    inflightMessagesMax: 64,
    inflightBytesMax: 8 * 1024 * 1024,
    appendEntriesBytesMax: 256 * 1024,
    uncommittedEntriesMax: 10_000,
    committedEntriesBytesMax: 4 * 1024 * 1024,
    snapshotChunkBytes: 64 * 1024,
    snapshotBytesMax: 512 * 1024 * 1024,
    readRequestsMax: 10_000,
  };
}

/** Bytes an entry costs for flow control: payload plus a fixed header estimate. */
export function entrySize(e: Entry): number {
  return e.data.length + 24;
}

export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error('raft invariant violated: ' + msg);
}
