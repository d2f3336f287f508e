// The Raft protocol itself: roles, terms, votes, replication, commit, ReadIndex, leadership
// transfer and membership, as a deterministic state machine. It never does I/O: it appends to
// the log's unstable tail and queues messages; RawNode (node.ts) turns that into Ready batches.
// Written after the Raft thesis (Ongaro 2014) and the structure of etcd-io/raft's raft.go.
import {
  type ConfChange,
  type ConfState,
  type Entry,
  type Message,
  type MessageType,
  type NodeId,
  type ProposeResult,
  type RaftConfig,
  type ReadState,
  type Role,
  type Snapshot,
  NONE,
  assert,
  entrySize,
  makeMessage,
} from './types.js';
import { type Storage } from './storage.js';
import { RaftLog } from './log.js';
import { Progress } from './progress.js';
import { type ReadRequest, ReadOnly } from './readonly.js';

const EMPTY_DATA = new Uint8Array(0);

interface IncomingSnapshot {
  index: number;
  term: number;
  chunks: Uint8Array[];
  bytes: number;
}

export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  role: Role = 'follower';
  readonly log: RaftLog;
  /** Progress of every member (voters and learners, including self). */
  readonly prs = new Map<NodeId, Progress>();
  readonly voters = new Set<NodeId>();
  readonly learners = new Set<NodeId>();
  private votes = new Map<NodeId, boolean>();

  /** Messages that may leave at once / only after this Ready's writes are durable. */
  msgs: Message[] = [];
  msgsAfterPersist: Message[] = [];
  readStates: ReadState[] = [];
  readsFailed: string[] = [];
  /** Proposals since the last Ready are broadcast together when the Ready is built (batching). */
  needBroadcast = false;

  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  leadTransferee: NodeId = NONE;
  /** Index of the latest conf entry; a new one is refused until it is applied. */
  private pendingConfIndex = 0;
  private readonly readOnly: ReadOnly;
  private incoming: IncomingSnapshot | null = null;

  constructor(readonly cfg: RaftConfig, storage: Storage) {
    assert(cfg.id !== NONE, 'node id must be positive');
    assert(cfg.electionTicks > cfg.heartbeatTicks && cfg.heartbeatTicks > 0, 'electionTicks must exceed heartbeatTicks');
    this.id = cfg.id;
    const { hardState, confState } = storage.initialState();
    this.log = new RaftLog(storage, hardState.commit);
    this.term = hardState.term;
    this.vote = hardState.vote;
    this.readOnly = new ReadOnly(cfg.readRequestsMax);
    this.applyConfState(confState);
    this.becomeFollower(this.term, NONE);
  }

  // ---------------------------------------------------------------- membership helpers

  private newProgress(id: NodeId, learner: boolean): Progress {
    return new Progress(id, this.log.lastIndex() + 1, learner, this.cfg.inflightMessagesMax, this.cfg.inflightBytesMax);
  }

  applyConfState(cs: ConfState): void {
    this.prs.clear();
    this.voters.clear();
    this.learners.clear();
    for (const v of cs.voters) {
      this.voters.add(v);
      this.prs.set(v, this.newProgress(v, false));
    }
    for (const l of cs.learners) {
      assert(!this.voters.has(l), `node ${l} both voter and learner`);
      this.learners.add(l);
      this.prs.set(l, this.newProgress(l, true));
    }
    const self = this.prs.get(this.id);
    if (self !== undefined) self.match = this.log.lastStableIndex();
  }

  confState(): ConfState {
    return { voters: [...this.voters].sort((a, b) => a - b), learners: [...this.learners].sort((a, b) => a - b) };
  }

  /** May this node become leader? Only voters may. */
  promotable(): boolean {
    return this.voters.has(this.id);
  }

  private quorum(): number {
    return (this.voters.size >> 1) + 1;
  }

  private isQuorum = (acks: Set<NodeId>): boolean => {
    let n = 0;
    for (const v of this.voters) if (acks.has(v)) n++;
    return n >= this.quorum();
  };

  // ---------------------------------------------------------------- sending

  private send(m: Message): void {
    switch (m.type) {
      case 'app':
      case 'heartbeat':
      case 'snap':
      case 'timeoutNow':
      case 'readIndex':
        // Leader traffic (and read forwarding): promises nothing about this node's disk.
        this.msgs.push(m);
        break;
      default:
        // Votes and acknowledgements promise that state is durable.
        this.msgsAfterPersist.push(m);
    }
  }

  private msg(type: MessageType, to: NodeId): Message {
    return makeMessage(type, this.id, to, this.term);
  }

  /** Sends AppendEntries (or a snapshot) to `to` if flow control allows; returns whether sent. */
  maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.prs.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    const last = this.log.lastIndex();
    const ents = prevIndex >= this.log.firstIndex() - 1 ? this.log.slice(pr.next, last + 1, this.cfg.appendEntriesBytesMax) : null;
    if (ents === null || (prevTerm === 0 && prevIndex > 0)) {
      this.sendSnapshot(pr);
      return true;
    }
    if (ents.length === 0 && !sendIfEmpty) return false;
    const m = this.msg('app', to);
    m.index = prevIndex;
    m.logTerm = prevTerm;
    m.entries = ents;
    m.commit = this.log.committed;
    let bytes = 0;
    for (const e of ents) bytes += entrySize(e);
    pr.sentEntries(ents.length, ents.length > 0 ? ents[ents.length - 1]!.index : prevIndex, bytes);
    this.send(m);
    return true;
  }

  private sendSnapshot(pr: Progress): void {
    const snap = this.log.snapshot();
    assert(snap.meta.index > 0, 'need a snapshot but none exists');
    pr.becomeSnapshot(snap);
    this.sendSnapChunk(pr);
  }

  private sendSnapChunk(pr: Progress): void {
    const snap = pr.snap;
    if (snap === null || pr.state !== 'snapshot') return;
    const off = pr.snapOffset;
    const chunk = snap.data.subarray(off, off + this.cfg.snapshotChunkBytes);
    const m = this.msg('snap', pr.id);
    m.snapshot = snap.meta;
    m.index = snap.meta.index;
    m.snapOffset = off;
    m.snapData = chunk;
    m.snapDone = off + chunk.length >= snap.data.length;
    this.send(m);
  }

  bcastAppend(): void {
    for (const id of this.prs.keys()) if (id !== this.id) this.maybeSendAppend(id, true);
  }

  private bcastHeartbeat(): void {
    const round = this.readOnly.currentRoundId();
    for (const [id, pr] of this.prs) {
      if (id === this.id) continue;
      const m = this.msg('heartbeat', id);
      // Never tell a follower to commit past what it is known to hold.
      m.commit = Math.min(pr.match, this.log.committed);
      m.round = round;
      this.send(m);
    }
  }

  // ---------------------------------------------------------------- role changes

  private resetRandomizedElectionTimeout(): void {
    const t = this.cfg.electionTicks;
    this.randomizedElectionTimeout = t + Math.floor(this.cfg.random() * t);
  }

  private reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = NONE;
    this.votes.clear();
    for (const [id, pr] of this.prs) {
      pr.becomeProbe();
      pr.match = 0;
      pr.next = this.log.lastIndex() + 1;
      pr.recentActive = false;
      if (id === this.id) pr.match = this.log.lastStableIndex();
    }
    this.pendingConfIndex = 0;
    for (const r of this.readOnly.drain()) this.failRead(r);
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  private becomePreCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot become pre-candidate');
    // PreVote changes neither term nor vote: a partitioned node cannot inflate terms.
    this.votes.clear();
    this.lead = NONE;
    this.role = 'preCandidate';
  }

  private becomeCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot become candidate');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate', 'only a candidate becomes leader');
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    const self = this.prs.get(this.id)!;
    self.becomeReplicate();
    self.match = this.log.lastStableIndex();
    self.recentActive = true;
    // Conf changes from earlier terms may be in the log unapplied: allow no new one before them.
    this.pendingConfIndex = this.log.lastIndex();
    // An empty entry of the new term: committing it commits everything before it (§5.4.2) and
    // unlocks ReadIndex.
    this.appendEntries([{ term: this.term, index: this.log.lastIndex() + 1, type: 'normal', data: EMPTY_DATA }]);
    this.needBroadcast = true;
  }

  private hasUnappliedConf(): boolean {
    if (this.log.committed <= this.log.applied) return false;
    const ents = this.log.slice(Math.max(this.log.applied + 1, this.log.firstIndex()), this.log.committed + 1, Infinity) ?? [];
    return ents.some((e) => e.type === 'conf');
  }

  private hup(transfer: boolean): void {
    if (this.role === 'leader' || !this.promotable()) return;
    // Our membership may be stale until committed conf entries are applied.
    if (this.hasUnappliedConf()) return;
    if (this.cfg.preVote && !transfer) this.campaign('preVote', false);
    else this.campaign('vote', transfer);
  }

  private campaign(kind: 'preVote' | 'vote', transfer: boolean): void {
    let term: number;
    if (kind === 'preVote') {
      this.becomePreCandidate();
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      term = this.term;
    }
    if (this.poll(this.id, true) === 'won') {
      if (kind === 'preVote') this.campaign('vote', false);
      else this.becomeLeader();
      return;
    }
    for (const id of this.voters) {
      if (id === this.id) continue;
      const m = makeMessage(kind, this.id, id, term);
      m.index = this.log.lastIndex();
      m.logTerm = this.log.lastTerm();
      m.force = transfer;
      this.send(m);
    }
  }

  private poll(id: NodeId, granted: boolean): 'won' | 'lost' | 'pending' {
    if (!this.votes.has(id)) this.votes.set(id, granted);
    let yes = 0;
    let no = 0;
    for (const v of this.voters) {
      const g = this.votes.get(v);
      if (g === true) yes++;
      else if (g === false) no++;
    }
    const q = this.quorum();
    if (yes >= q) return 'won';
    if (no > this.voters.size - q) return 'lost';
    return 'pending';
  }

  // ---------------------------------------------------------------- inputs

  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) {
        // CheckQuorum: a leader that heard from no majority for an election timeout steps down.
        let active = 0;
        for (const [id, pr] of this.prs) {
          if (this.voters.has(id) && (id === this.id || pr.recentActive)) active++;
          if (id !== this.id) pr.recentActive = false;
        }
        if (active < this.quorum()) {
          this.becomeFollower(this.term, NONE);
          return;
        }
      }
      // A transfer that did not finish within an election timeout is abandoned.
      this.leadTransferee = NONE;
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  propose(data: Uint8Array): ProposeResult {
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leader: this.lead };
    if (this.leadTransferee !== NONE) return { ok: false, reason: 'transferring', leader: this.lead };
    if (this.log.lastIndex() - this.log.committed >= this.cfg.uncommittedEntriesMax) return { ok: false, reason: 'full', leader: this.lead };
    const index = this.log.lastIndex() + 1;
    this.appendEntries([{ term: this.term, index, type: 'normal', data }]);
    this.needBroadcast = true;
    return { ok: true, index, term: this.term };
  }

  proposeConfChange(cc: ConfChange): ProposeResult {
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leader: this.lead };
    if (this.leadTransferee !== NONE) return { ok: false, reason: 'transferring', leader: this.lead };
    if (this.pendingConfIndex > this.log.applied) return { ok: false, reason: 'conf-pending', leader: this.lead };
    const isVoter = this.voters.has(cc.nodeId);
    const isLearner = this.learners.has(cc.nodeId);
    const valid =
      cc.nodeId !== NONE &&
      ((cc.type === 'addVoter' && !isVoter) ||
        (cc.type === 'addLearner' && !isVoter && !isLearner) ||
        (cc.type === 'removeNode' && (isVoter || isLearner) && !(isVoter && this.voters.size === 1)));
    if (!valid) return { ok: false, reason: 'invalid', leader: this.lead };
    if (this.log.lastIndex() - this.log.committed >= this.cfg.uncommittedEntriesMax) return { ok: false, reason: 'full', leader: this.lead };
    const index = this.log.lastIndex() + 1;
    this.appendEntries([{ term: this.term, index, type: 'conf', data: EMPTY_DATA, change: { ...cc } }]);
    this.pendingConfIndex = index;
    this.needBroadcast = true;
    return { ok: true, index, term: this.term };
  }

  private appendEntries(ents: Entry[]): void {
    this.log.append(ents);
    // The leader's own acknowledgement comes from advance(), once these are durable.
  }

  /** Requests a linearizable read; the answer is a ReadState (or a failure) in a later Ready. */
  readIndex(context: string): void {
    if (this.role === 'leader') {
      this.handleReadIndex({ context, from: this.id });
    } else if (this.lead !== NONE && this.role === 'follower') {
      const m = this.msg('readIndex', this.lead);
      m.context = context;
      this.send(m);
    } else {
      this.readsFailed.push(context);
    }
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  private handleReadIndex(req: ReadRequest): void {
    if (this.readOnly.full()) {
      this.failRead(req);
      return;
    }
    if (!this.committedEntryInCurrentTerm()) {
      this.readOnly.waitingForCommit.push(req);
      return;
    }
    if (this.voters.size === 1 && this.voters.has(this.id)) {
      this.respondRead(req, this.log.committed);
      return;
    }
    this.readOnly.queued.push(req);
    this.maybeStartReadRound();
  }

  private maybeStartReadRound(): void {
    if (this.readOnly.maybeStartRound(this.log.committed, this.id) !== 0) this.bcastHeartbeat();
  }

  private respondRead(req: ReadRequest, index: number): void {
    if (req.from === this.id) {
      this.readStates.push({ index, context: req.context });
    } else {
      const m = this.msg('readIndexResp', req.from);
      m.index = index;
      m.context = req.context;
      this.send(m);
    }
  }

  private failRead(req: ReadRequest): void {
    if (req.from === this.id) {
      this.readsFailed.push(req.context);
    } else {
      const m = this.msg('readIndexResp', req.from);
      m.reject = true;
      m.context = req.context;
      this.send(m);
    }
  }

  transferLeadership(to: NodeId): boolean {
    if (this.role !== 'leader' || to === this.id || !this.voters.has(to)) return false;
    if (this.leadTransferee === to) return true;
    this.leadTransferee = to;
    // The transfer must finish within an election timeout (see tickHeartbeat).
    this.electionElapsed = 0;
    const pr = this.prs.get(to)!;
    if (pr.match === this.log.lastIndex()) this.send(this.msg('timeoutNow', to));
    else this.maybeSendAppend(to, true);
    return true;
  }

  step(m: Message): void {
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        // Leader lease: while we hear from a leader, ignore disruptive candidates (§4.2.3).
        const inLease = this.cfg.checkQuorum && this.lead !== NONE && this.electionElapsed < this.cfg.electionTicks;
        if (inLease && !m.force) return;
      }
      if (m.type === 'preVote' || (m.type === 'preVoteResp' && !m.reject)) {
        // A pre-vote neither bumps our term nor, when granted, the pre-candidate's.
      } else if (m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'app' || m.type === 'heartbeat')) {
        // Tell a stale leader about our term so it steps down (it may be stuck behind PreVote).
        this.send(this.msg('appResp', m.from));
      } else if (m.type === 'preVote') {
        const r = this.msg('preVoteResp', m.from);
        r.reject = true;
        this.send(r);
      }
      return;
    }

    if (m.type === 'vote' || m.type === 'preVote') {
      const canVote =
        this.vote === m.from || (this.vote === NONE && this.lead === NONE) || (m.type === 'preVote' && m.term > this.term);
      const resp = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
      if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
        const r = makeMessage(resp, this.id, m.from, m.term);
        this.send(r);
        if (m.type === 'vote') {
          this.electionElapsed = 0;
          this.vote = m.from;
        }
      } else {
        const r = this.msg(resp, m.from);
        r.reject = true;
        this.send(r);
      }
      return;
    }

    switch (this.role) {
      case 'leader':
        this.stepLeader(m);
        break;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        break;
      case 'follower':
        this.stepFollower(m);
        break;
    }
  }

  private stepLeader(m: Message): void {
    const pr = this.prs.get(m.from);
    switch (m.type) {
      case 'appResp': {
        if (pr === undefined) return;
        pr.recentActive = true;
        if (m.reject) {
          let next = m.rejectHint;
          if (m.logTerm > 0) next = this.log.findConflictByTerm(m.rejectHint, m.logTerm);
          if (pr.maybeDecrTo(m.index, next)) {
            if (pr.state === 'replicate') pr.becomeProbe();
            this.maybeSendAppend(m.from, true);
          }
          return;
        }
        const wasPaused = pr.isPaused();
        if (pr.maybeUpdate(m.index)) {
          if (pr.state === 'probe') pr.becomeReplicate();
          else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
            pr.becomeProbe();
            pr.becomeReplicate();
          } else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);
          if (this.maybeCommit()) this.bcastAppend();
          else if (wasPaused) this.maybeSendAppend(m.from, true);
          // Refill the pipeline.
          while (this.maybeSendAppend(m.from, false)) {
            /* keep sending while the window allows */
          }
          if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
            this.send(this.msg('timeoutNow', m.from));
          }
        }
        return;
      }
      case 'heartbeatResp': {
        if (pr === undefined) return;
        pr.recentActive = true;
        pr.probeSent = false;
        // Acks may have been lost: let one more message out so the window cannot stay stuck.
        if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
        if (pr.state === 'snapshot') this.sendSnapChunk(pr); // retransmit a lost chunk
        else if (pr.match < this.log.lastIndex()) this.maybeSendAppend(m.from, true);
        if (m.round !== 0) {
          const done = this.readOnly.ack(m.round, m.from, this.isQuorum);
          if (done !== null) {
            for (const r of done.reqs) this.respondRead(r, done.index);
            this.maybeStartReadRound();
          }
        }
        return;
      }
      case 'snapResp': {
        if (pr === undefined) return;
        pr.recentActive = true;
        if (pr.state !== 'snapshot' || m.index !== pr.pendingSnapshot) return;
        if (m.reject) {
          pr.becomeProbe();
          return;
        }
        if (m.snapOffset !== pr.snapOffset || m.snapOffset === 0) {
          pr.snapOffset = m.snapOffset;
          this.sendSnapChunk(pr);
        }
        return;
      }
      case 'readIndex':
        if (pr === undefined) return;
        this.handleReadIndex({ context: m.context, from: m.from });
        return;
      default:
        return;
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'app':
        this.becomeFollower(m.term, m.from);
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case 'snap':
        this.becomeFollower(m.term, m.from);
        this.handleSnap(m);
        return;
      case 'voteResp':
      case 'preVoteResp': {
        if ((m.type === 'voteResp') !== (this.role === 'candidate')) return;
        const res = this.poll(m.from, !m.reject);
        if (res === 'won') {
          if (this.role === 'preCandidate') this.campaign('vote', false);
          else {
            this.becomeLeader();
          }
        } else if (res === 'lost') {
          this.becomeFollower(this.term, NONE);
        }
        return;
      }
      default:
        return;
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'app':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return;
      case 'snap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnap(m);
        return;
      case 'timeoutNow':
        this.hup(true);
        return;
      case 'readIndexResp':
        if (m.reject) this.readsFailed.push(m.context);
        else this.readStates.push({ index: m.index, context: m.context });
        return;
      default:
        return;
    }
  }

  private handleAppend(m: Message): void {
    const r = this.msg('appResp', m.from);
    if (m.index < this.log.committed) {
      r.index = this.log.committed;
      this.send(r);
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew >= 0) {
      r.index = lastNew;
    } else {
      // Fast backtracking: point the leader at the last index that can possibly match.
      const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
      r.reject = true;
      r.index = m.index;
      r.rejectHint = hint;
      r.logTerm = this.log.term(hint);
    }
    this.send(r);
  }

  private handleHeartbeat(m: Message): void {
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    const r = this.msg('heartbeatResp', m.from);
    r.round = m.round;
    this.send(r);
  }

  private handleSnap(m: Message): void {
    const meta = m.snapshot!;
    if (meta.index <= this.log.committed) {
      this.incoming = null;
      const r = this.msg('appResp', m.from);
      r.index = this.log.committed;
      this.send(r);
      return;
    }
    if (m.snapOffset === 0) this.incoming = { index: meta.index, term: meta.term, chunks: [], bytes: 0 };
    const inc = this.incoming;
    const matches = inc !== null && inc.index === meta.index && inc.term === meta.term;
    if (!matches || m.snapOffset !== inc.bytes) {
      // A lost, duplicated or reordered chunk: tell the leader where we are (0 = start over).
      const r = this.msg('snapResp', m.from);
      r.index = meta.index;
      r.snapOffset = matches ? inc.bytes : 0;
      if (!matches) this.incoming = null;
      this.send(r);
      return;
    }
    const chunk = m.snapData!;
    if (inc.bytes + chunk.length > this.cfg.snapshotBytesMax) {
      this.incoming = null;
      const r = this.msg('snapResp', m.from);
      r.index = meta.index;
      r.reject = true;
      this.send(r);
      return;
    }
    inc.chunks.push(chunk);
    inc.bytes += chunk.length;
    if (!m.snapDone) {
      const r = this.msg('snapResp', m.from);
      r.index = meta.index;
      r.snapOffset = inc.bytes;
      this.send(r);
      return;
    }
    const data = new Uint8Array(inc.bytes);
    let off = 0;
    for (const c of inc.chunks) {
      data.set(c, off);
      off += c.length;
    }
    this.incoming = null;
    const r = this.msg('appResp', m.from);
    r.index = this.restore({ meta, data }) ? this.log.lastIndex() : this.log.committed;
    this.send(r);
  }

  /** Installs a snapshot from the leader; false if our log already covers it. */
  private restore(snap: Snapshot): boolean {
    if (snap.meta.index <= this.log.committed) return false;
    if (this.log.matchTerm(snap.meta.index, snap.meta.term)) {
      // We already have the entries; just fast-forward the commit.
      this.log.commitTo(snap.meta.index);
      return false;
    }
    this.log.restore(snap);
    this.applyConfState(snap.meta.conf);
    return true;
  }

  /** Leader: advance commit to the highest index a quorum of voters has durable, if of our term. */
  maybeCommit(): boolean {
    if (this.voters.size === 0) return false;
    const matches: number[] = [];
    for (const id of this.voters) matches.push(this.prs.get(id)?.match ?? 0);
    matches.sort((a, b) => b - a);
    const mci = matches[this.quorum() - 1]!;
    // Only entries of the current term commit by counting replicas (§5.4.2, Figure 8).
    if (mci > this.log.committed && this.log.term(mci) === this.term) {
      this.log.commitTo(mci);
      if (this.readOnly.waitingForCommit.length > 0) {
        const waiting = this.readOnly.waitingForCommit;
        this.readOnly.waitingForCommit = [];
        for (const r of waiting) this.handleReadIndex(r);
      }
      return true;
    }
    return false;
  }

  /** The caller made entries up to (index, term) durable. */
  onStable(index: number, term: number): void {
    this.log.stableTo(index, term);
    if (this.role === 'leader') {
      const self = this.prs.get(this.id);
      if (self !== undefined && self.maybeUpdate(this.log.lastStableIndex())) {
        if (this.maybeCommit()) this.needBroadcast = true;
      }
    }
  }

  /** A committed conf entry is being applied. */
  applyConfChange(cc: ConfChange): void {
    const id = cc.nodeId;
    switch (cc.type) {
      case 'addVoter':
        if (this.learners.has(id)) {
          this.learners.delete(id);
          this.prs.get(id)!.isLearner = false;
        } else if (!this.prs.has(id)) {
          this.prs.set(id, this.newProgress(id, false));
        }
        this.voters.add(id);
        break;
      case 'addLearner':
        if (this.voters.has(id) || this.learners.has(id)) break;
        this.learners.add(id);
        this.prs.set(id, this.newProgress(id, true));
        break;
      case 'removeNode':
        this.voters.delete(id);
        this.learners.delete(id);
        this.prs.delete(id);
        if (this.leadTransferee === id) this.leadTransferee = NONE;
        break;
    }
    if (this.role === 'leader') {
      if (!this.voters.has(this.id)) {
        // The leader removed itself: the change is committed, so step down (§4.2.2).
        this.becomeFollower(this.term, NONE);
        return;
      }
      if (this.maybeCommit()) this.needBroadcast = true;
      if (cc.type !== 'removeNode') this.needBroadcast = true;
    }
  }
}
