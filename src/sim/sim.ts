// One seeded run of an N-node Raft cluster in a single process: a virtual clock, a network that
// drops, delays, duplicates, reorders and partitions messages, disks that lose whatever was not
// yet written when a node crashes, paused processes, membership changes and leadership transfers
// under a client workload (get / put / append / cas through ReadIndex and the log). Everything is
// driven by one Prng, so a seed replays exactly; a running hash of every event is the trace hash.
// Invariants are checked as the run goes (invariants.ts); liveness after healing is checked too.
import {
  type Entry,
  type Message,
  type NodeId,
  type Ready,
  MemoryStorage,
  RawNode,
  defaultConfig,
} from '../raft/index.js';
import { Prng } from './prng.js';
import { EventQueue } from './queue.js';
import { type KvCommand, KvStore, decodeCommand, encodeCommand } from './kv.js';
import { Invariants, InvariantError } from './invariants.js';

/** One operation of the history, in the shape src/lincheck's checkKvHistory takes. */
export interface HistoryOp {
  client: number;
  kind: 'get' | 'put' | 'append' | 'cas';
  key: string;
  value?: string;
  expected?: string | null;
  output?: string | null | boolean;
  call: number;
  ret: number | null;
}

export interface SimOptions {
  seed: number;
  nodes: 3 | 5;
  /** Virtual ms of faults + workload, then faults heal. */
  chaosMs: number;
  clients: number;
  keys: number;
  /** After healing, a leader must be elected and a write commit within this many virtual ms. */
  livenessMs: number;
  opTimeoutMs: number;
  tickMs: number;
  /** Compact a node's log once this many applied entries sit before its snapshot (0 = per seed: 8, 60 or 400). */
  compactEntries: number;
  /** After the workload drains, every live member must have caught up within this many ms. */
  settleMsMax: number;
  /** Safety net against runaway runs (events processed). */
  eventsMax: number;
  /** Test-only: break the system on purpose to prove the checks notice. */
  sabotage?: 'local-reads';
}

export function defaultSimOptions(seed: number, nodes: 3 | 5 = 3): SimOptions {
  return {
    seed,
    nodes,
    chaosMs: 3000,
    clients: 5,
    keys: 3,
    livenessMs: 3000,
    opTimeoutMs: 800,
    tickMs: 10,
    compactEntries: 0,
    settleMsMax: 10_000,
    eventsMax: 3_000_000,
  };
}

export interface SimResult {
  seed: number;
  ok: boolean;
  failure?: string;
  traceHash: string;
  history: HistoryOp[];
  stats: Record<string, number>;
}

interface SimNode {
  id: NodeId;
  raw: RawNode;
  storage: MemoryStorage;
  kv: KvStore;
  appliedIndex: number;
  up: boolean;
  /** Removed from the cluster and stopped for good. */
  gone: boolean;
  paused: boolean;
  /** A Ready is being written to disk (only one at a time). */
  persisting: boolean;
  incarnation: number;
  /** Highest commit index seen in this incarnation (must not go down). */
  commitSeen: number;
  inbox: Message[];
  deferred: (() => void)[];
  /** Writes proposed through this node, by log index. */
  writes: Map<number, { term: number; done: (result: 'ok' | 'lost', output?: boolean) => void }>;
  /** Reads confirmed by ReadIndex, waiting for apply to reach their index. */
  readsReady: { index: number; ctx: string }[];
  readWaiters: Map<string, (ok: boolean, value?: string | null) => void>;
  wasLeaderTerm: number;
  pauseDrops: boolean;
  /** The Ready whose disk write is in progress. */
  writing: Ready | null;
}

const INBOX_MESSAGES_MAX = 10_000;
const NET_MESSAGES_MAX = 200_000;

export class Simulation {
  readonly opts: SimOptions;
  readonly rng: Prng;
  readonly q = new EventQueue(4_000_000);
  readonly inv = new Invariants();
  readonly nodes = new Map<NodeId, SimNode>();
  now = 0;
  private hash1 = 0x811c9dc5;
  private hash2 = 0x01000193;
  readonly history: HistoryOp[] = [];
  private histLastMs = -1;
  private histSub = 0;
  private nextNodeId: number;
  private inFlight = 0;
  events = 0;
  readonly stats: Record<string, number> = {
    msgsSent: 0,
    msgsDropped: 0,
    msgsDuplicated: 0,
    crashes: 0,
    tornWrites: 0,
    pauses: 0,
    partitions: 0,
    transfers: 0,
    confChanges: 0,
    snapshotsSent: 0,
    writesOk: 0,
    writesUnknown: 0,
    readsOk: 0,
    elections: 0,
    compactions: 0,
  };

  // Network fault state.
  private blocked = new Set<string>();
  private dropP = 0;
  private dupP = 0;
  private delayMin = 1;
  private delayMax = 8;
  chaos = true;
  private workload = true;
  private clientsBusy = 0;

  private flow: { inflightMessagesMax: number; appendEntriesBytesMax: number };
  private faultGapMs: readonly [number, number];
  private newLeaderCrashP: number;
  private compactEntries: number;

  constructor(opts: SimOptions) {
    this.opts = opts;
    this.rng = new Prng(opts.seed);
    this.flow = { inflightMessagesMax: this.rng.pick([1, 4, 16]), appendEntriesBytesMax: this.rng.pick([64, 512, 4096]) };
    // Per-seed fault intensity, and how often a fresh leader is crashed moments after winning
    // (leader churn leaves partly replicated tails of many terms: the Figure 8 territory).
    this.faultGapMs = this.rng.pick([[20, 150], [50, 300], [200, 800]] as const);
    this.newLeaderCrashP = this.rng.pick([0, 0, 0.15, 0.4]);
    this.compactEntries = opts.compactEntries > 0 ? opts.compactEntries : this.rng.pick([8, 60, 400]);
    const voters = Array.from({ length: opts.nodes }, (_, i) => i + 1);
    this.nextNodeId = opts.nodes + 1;
    for (const id of voters) this.createNode(id, MemoryStorage.bootstrap({ voters, learners: [] }));
  }

  // ------------------------------------------------------------------ trace

  private mix(x: number): void {
    this.hash1 = Math.imul(this.hash1 ^ (x | 0), 0x01000193);
    this.hash2 = Math.imul(this.hash2 ^ ((x * 31 + 7) | 0), 0x5bd1e995) ^ (this.hash2 >>> 13);
  }

  private trace(kind: number, a = 0, b = 0, c = 0): void {
    this.mix(this.now);
    this.mix(kind);
    this.mix(a);
    this.mix(b);
    this.mix(c);
  }

  traceHash(): string {
    return (this.hash1 >>> 0).toString(16).padStart(8, '0') + (this.hash2 >>> 0).toString(16).padStart(8, '0');
  }

  /** Strictly increasing history timestamps (virtual µs-ish: ms * 1000 + order within the ms). */
  private histTime(): number {
    if (this.now !== this.histLastMs) {
      this.histLastMs = this.now;
      this.histSub = 0;
    }
    if (this.histSub >= 999) throw new Error('more than 999 history events in one virtual ms');
    return this.now * 1000 + this.histSub++;
  }

  private at(delayMs: number, fn: () => void): void {
    this.q.push(this.now + delayMs, fn);
  }

  // ------------------------------------------------------------------ nodes

  private createNode(id: NodeId, storage: MemoryStorage): SimNode {
    const n: SimNode = {
      id,
      raw: this.newRaw(id, storage),
      storage,
      kv: KvStore.restore(storage.snapshot().data),
      appliedIndex: storage.snapshot().meta.index,
      up: true,
      gone: false,
      paused: false,
      persisting: false,
      incarnation: 0,
      commitSeen: 0,
      inbox: [],
      deferred: [],
      writes: new Map(),
      readsReady: [],
      readWaiters: new Map(),
      wasLeaderTerm: 0,
      pauseDrops: false,
      writing: null,
    };
    this.nodes.set(id, n);
    return n;
  }

  private newRaw(id: NodeId, storage: MemoryStorage): RawNode {
    const nodeRng = new Prng(this.opts.seed * 1000 + id * 7 + this.rng.u32());
    const cfg = defaultConfig(id, () => nodeRng.float());
    cfg.snapshotChunkBytes = 64; // small, so multi-chunk transfers happen in every run
    cfg.uncommittedEntriesMax = 500;
    // Per-seed flow-control shapes: tiny messages split batches (old-term entries can then be
    // acknowledged without the new leader's entry — the Figure 8 situation).
    cfg.inflightMessagesMax = this.flow.inflightMessagesMax;
    cfg.appendEntriesBytesMax = this.flow.appendEntriesBytesMax;
    return new RawNode(cfg, storage);
  }

  private crash(n: SimNode): void {
    if (!n.up || n.gone) return;
    this.debug?.(`${this.now} CRASH ${n.id}`);
    this.trace(1, n.id);
    this.stats.crashes!++;
    // Torn write: a crash in the middle of writing a Ready may leave any prefix of its entries
    // on disk (never the hard state written after them, never the snapshot half-installed).
    const w = n.writing;
    if (w !== null && w.snapshot === null && w.entries.length > 0 && this.rng.chance(0.5)) {
      const k = this.rng.int(1, w.entries.length);
      const prefix = w.entries.slice(0, k);
      this.inv.onPersist(n.id, prefix);
      n.storage.append(prefix);
      this.stats.tornWrites!++;
      this.trace(11, n.id, k);
    }
    n.writing = null;
    n.up = false;
    n.paused = false;
    n.persisting = false;
    n.incarnation++;
    n.wasLeaderTerm = 0;
    this.inv.onNotLeader(n.id);
    n.inbox = [];
    n.deferred = [];
    // Whatever the clients were waiting on here is now unknown to them (they time out).
    n.writes.clear();
    n.readsReady = [];
    for (const cb of n.readWaiters.values()) cb(false);
    n.readWaiters.clear();
  }

  private restart(n: SimNode): void {
    if (n.up || n.gone) return;
    this.trace(2, n.id);
    const persistedCommit = n.storage.hardState.commit;
    n.raw = this.newRaw(n.id, n.storage);
    n.kv = KvStore.restore(n.storage.snapshot().data);
    n.appliedIndex = n.storage.snapshot().meta.index;
    n.up = true;
    n.commitSeen = n.raw.raft.log.committed;
    this.inv.onCommit(n.id, persistedCommit, n.commitSeen, 'restart must resume from the persisted commit');
    this.process(n);
  }

  private pause(n: SimNode, ms: number): void {
    if (!n.up || n.paused) return;
    this.debug?.(`${this.now} PAUSE ${n.id} for ${ms}`);
    this.trace(3, n.id, ms);
    this.stats.pauses!++;
    n.paused = true;
    // Either the peers' messages wait in socket buffers, or the connections time out and are lost.
    n.pauseDrops = this.rng.chance(0.5);
    const inc = n.incarnation;
    this.at(ms, () => {
      if (n.incarnation !== inc || !n.paused) return;
      this.resume(n);
    });
  }

  private resume(n: SimNode): void {
    n.paused = false;
    this.trace(4, n.id);
    const deferred = n.deferred;
    n.deferred = [];
    for (const fn of deferred) fn();
    const inbox = n.inbox;
    n.inbox = [];
    for (const m of inbox) this.deliver(n, m);
    this.process(n);
  }

  /** Pulls a Ready if one is due and no disk write is in progress; writes it after a disk delay. */
  private process(n: SimNode): void {
    if (!n.up || n.paused || n.persisting) return;
    this.observe(n);
    if (!n.raw.hasReady()) return;
    const rd = n.raw.ready();
    this.observe(n);
    this.trace(5, n.id, rd.entries.length, rd.committedEntries.length);
    for (const m of rd.messages) this.send(m);
    n.persisting = true;
    n.writing = rd;
    const inc = n.incarnation;
    const write = (): void => {
      if (n.incarnation !== inc || !n.up) return; // crashed meanwhile: the write never happened
      if (n.paused) {
        n.deferred.push(write);
        return;
      }
      this.finishReady(n, rd);
    };
    this.at(this.rng.int(0, 2), write);
  }

  private finishReady(n: SimNode, rd: Ready): void {
    this.trace(6, n.id);
    n.writing = null;
    this.debug?.(
      `${this.now} PERSIST n${n.id} ents=[${rd.entries.map((e) => e.index + ':' + e.term).join(',')}] hs=${JSON.stringify(rd.hardState)} apply=[${rd.committedEntries.map((e) => e.index).join(',')}] snap=${rd.snapshot?.meta.index ?? '-'}`,
    );
    // 1. Persist: snapshot, entries, hard state.
    if (rd.snapshot !== null) n.storage.applySnapshot(rd.snapshot);
    if (rd.entries.length > 0) {
      this.inv.onPersist(n.id, rd.entries);
      n.storage.append(rd.entries);
    }
    if (rd.hardState !== null) {
      const old = n.storage.hardState;
      this.inv.onCommit(n.id, old.commit, rd.hardState.commit, 'persisted commit');
      if (rd.hardState.term < old.term) throw new InvariantError(`node ${n.id} persisted term going down`);
      n.storage.setHardState(rd.hardState);
    }
    // 2. Messages that promise what was just written.
    for (const m of rd.messagesAfterPersist) this.send(m);
    // 3. Apply.
    if (rd.snapshot !== null) {
      this.trace(7, n.id, rd.snapshot.meta.index);
      n.kv = KvStore.restore(rd.snapshot.data);
      n.appliedIndex = rd.snapshot.meta.index;
      // Writes covered by the snapshot have unknown results here; clients time out.
      for (const idx of [...n.writes.keys()]) if (idx <= n.appliedIndex) n.writes.delete(idx);
    }
    for (const e of rd.committedEntries) this.apply(n, e);
    // 4. Reads.
    for (const r of rd.readStates) n.readsReady.push({ index: r.index, ctx: r.context });
    for (const ctx of rd.readsFailed) {
      const cb = n.readWaiters.get(ctx);
      n.readWaiters.delete(ctx);
      cb?.(false);
    }
    this.serveReads(n);
    n.raw.advance();
    n.persisting = false;
    this.maybeCompact(n);
    this.process(n);
  }

  private apply(n: SimNode, e: Entry): void {
    if (e.index !== n.appliedIndex + 1) throw new InvariantError(`node ${n.id} applied ${e.index} after ${n.appliedIndex}`);
    this.inv.onApply(n.id, e);
    n.appliedIndex = e.index;
    let output: boolean | undefined;
    if (e.type === 'normal') {
      const cmd = decodeCommand(e.data);
      if (cmd !== null) output = n.kv.apply(cmd);
    }
    const w = n.writes.get(e.index);
    if (w !== undefined) {
      n.writes.delete(e.index);
      if (w.term === e.term) {
        this.inv.onAck(e.index, e.term);
        w.done('ok', output);
      } else {
        w.done('lost'); // another entry took the index: ours can never commit
      }
    }
  }

  private serveReads(n: SimNode): void {
    if (n.readsReady.length === 0) return;
    const keep: { index: number; ctx: string }[] = [];
    for (const r of n.readsReady) {
      if (r.index > n.appliedIndex) {
        keep.push(r);
        continue;
      }
      const cb = n.readWaiters.get(r.ctx);
      n.readWaiters.delete(r.ctx);
      cb?.(true);
    }
    n.readsReady = keep;
  }

  private maybeCompact(n: SimNode): void {
    const snapIndex = n.storage.snapshot().meta.index;
    if (n.appliedIndex - snapIndex < this.compactEntries) return;
    if (n.appliedIndex > n.storage.lastIndex()) return;
    // Snapshot at the applied index: followers behind it will be sent the snapshot.
    const at = n.appliedIndex;
    this.trace(8, n.id, at);
    this.stats.compactions!++;
    n.raw.compact(at, n.kv.snapshot());
  }

  /** Invariants that look at the in-memory state after every step. */
  private observe(n: SimNode): void {
    const r = n.raw.raft;
    const c = r.log.committed;
    this.inv.onCommit(n.id, n.commitSeen, c, 'in-memory commit');
    if (r.role !== 'leader' && n.wasLeaderTerm !== 0) {
      n.wasLeaderTerm = 0;
      this.inv.onNotLeader(n.id);
    }
    if (r.role === 'leader' && c > n.commitSeen) this.inv.onLeaderCommit(n.id, r.term, r.log, n.commitSeen, c);
    n.commitSeen = c;
    if (r.role === 'leader' && n.wasLeaderTerm !== r.term) {
      n.wasLeaderTerm = r.term;
      this.stats.elections!++;
      this.trace(9, n.id, r.term);
      this.inv.onLeader(r.term, n.id, r.log);
      if (this.chaos && this.rng.chance(this.newLeaderCrashP)) {
        const inc = n.incarnation;
        this.at(this.rng.int(0, 30), () => {
          if (n.incarnation !== inc || !this.chaos) return;
          this.crash(n);
          this.at(this.rng.int(20, 300), () => this.restart(n));
        });
      }
    }
  }

  // ------------------------------------------------------------------ network

  private send(m: Message): void {
    this.stats.msgsSent!++;
    if (m.type === 'snap') this.stats.snapshotsSent!++;
    if (this.blocked.has(m.from + '>' + m.to) || this.rng.chance(this.dropP) || this.inFlight >= NET_MESSAGES_MAX) {
      this.stats.msgsDropped!++;
      this.trace(10, m.from, m.to);
      return;
    }
    const copies = this.rng.chance(this.dupP) ? 2 : 1;
    if (copies === 2) this.stats.msgsDuplicated!++;
    for (let k = 0; k < copies; k++) {
      this.inFlight++;
      this.at(this.rng.int(this.delayMin, this.delayMax), () => {
        this.inFlight--;
        const to = this.nodes.get(m.to);
        if (to === undefined || !to.up) return;
        if (to.paused) {
          if (!to.pauseDrops && to.inbox.length < INBOX_MESSAGES_MAX) to.inbox.push(m);
          return;
        }
        this.deliver(to, m);
        this.process(to);
      });
    }
  }

  /** Set to a printer to follow a seed message by message (CLI --debug). */
  debug: ((line: string) => void) | null = null;

  private deliver(n: SimNode, m: Message): void {
    this.events++;
    if (this.debug !== null) {
      const r = n.raw.raft;
      this.debug(
        `${this.now} ${m.from}->${m.to} ${m.type} t${m.term} i${m.index} lt${m.logTerm} c${m.commit} n${m.entries.length}` +
          `${m.reject ? ' REJECT' : ''} | n${n.id} ${r.role} t${r.term} last${r.log.lastIndex()} c${r.log.committed}`,
      );
    }
    this.mix(this.now);
    this.mix(m.from * 64 + m.to);
    this.mix(m.term);
    this.mix(m.index);
    this.mix(m.entries.length);
    this.mix(m.type.length + (m.reject ? 100 : 0) + m.type.charCodeAt(0) * 7);
    n.raw.step(m);
    this.observe(n);
  }

  // ------------------------------------------------------------------ helpers

  members(): NodeId[] {
    return [...this.nodes.values()].filter((n) => !n.gone).map((n) => n.id);
  }

  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      if (!n.up || n.gone || n.paused || n.raw.raft.role !== 'leader') continue;
      if (best === undefined || n.raw.raft.term > best.raw.raft.term) best = n;
    }
    return best;
  }

  private upNodes(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.up && !n.gone);
  }

  // ------------------------------------------------------------------ faults

  private scheduleFaults(): void {
    const next = (): void => {
      if (!this.chaos) return;
      this.injectFault();
      this.at(this.rng.int(this.faultGapMs[0], this.faultGapMs[1]), next);
    };
    this.at(this.rng.int(100, 300), next);
  }

  private injectFault(): void {
    const ids = this.members();
    const r = this.rng.int(0, 15);
    const ld = this.leader();
    switch (r) {
      case 0: {
        // Symmetric partition into two random sides.
        this.blocked.clear();
        const side = new Set(ids.filter(() => this.rng.chance(0.5)));
        for (const a of ids) for (const b of ids) if (side.has(a) !== side.has(b)) this.blocked.add(a + '>' + b);
        this.stats.partitions!++;
        this.trace(20, side.size);
        break;
      }
      case 1: {
        // Asymmetric: some links work one way only.
        this.blocked.clear();
        for (const a of ids) for (const b of ids) if (a !== b && this.rng.chance(0.3)) this.blocked.add(a + '>' + b);
        this.stats.partitions!++;
        this.trace(21);
        break;
      }
      case 2: {
        // Bridge: two sides that cannot talk, one node that talks to both.
        this.blocked.clear();
        if (ids.length < 3) break;
        const bridge = this.rng.pick(ids);
        const rest = ids.filter((x) => x !== bridge);
        const side = new Set(rest.filter((_, i) => i % 2 === 0));
        for (const a of rest) for (const b of rest) if (side.has(a) !== side.has(b)) this.blocked.add(a + '>' + b);
        this.stats.partitions!++;
        this.trace(22, bridge);
        break;
      }
      case 3: {
        // Isolate the leader.
        if (ld === undefined) break;
        this.blocked.clear();
        for (const b of ids) if (b !== ld.id) {
          this.blocked.add(ld.id + '>' + b);
          this.blocked.add(b + '>' + ld.id);
        }
        this.stats.partitions!++;
        this.trace(23, ld.id);
        break;
      }
      case 4:
      case 5:
        this.blocked.clear();
        this.trace(24);
        break;
      case 6: {
        const n = this.nodes.get(this.rng.pick(ids))!;
        this.crash(n);
        this.at(this.rng.int(20, 600), () => this.restart(n));
        break;
      }
      case 7: {
        const n = this.nodes.get(this.rng.pick(ids))!;
        this.pause(n, this.rng.int(20, 500));
        break;
      }
      case 8:
        this.dropP = this.rng.pick([0, 0, 0.05, 0.2, 0.5]);
        this.trace(25, this.dropP * 100);
        break;
      case 9:
        this.dupP = this.rng.pick([0, 0.05, 0.2]);
        this.trace(26, this.dupP * 100);
        break;
      case 10: {
        const slow = this.rng.chance(0.5);
        this.delayMin = slow ? this.rng.int(1, 20) : 1;
        this.delayMax = this.delayMin + (slow ? this.rng.int(10, 150) : 7);
        this.trace(27, this.delayMin, this.delayMax);
        break;
      }
      case 11: {
        if (ld === undefined) break;
        const voters = [...ld.raw.raft.voters].filter((v) => v !== ld.id);
        if (voters.length === 0) break;
        const to = this.rng.pick(voters);
        this.trace(28, ld.id, to);
        if (ld.raw.transferLeadership(to)) this.stats.transfers!++;
        this.process(ld);
        break;
      }
      case 12:
      case 13:
        this.membershipChange(ld);
        break;
      default:
        // Crash or pause the leader: a paused leader wakes up deposed but believing it leads.
        if (ld === undefined) break;
        if (this.rng.chance(0.5)) {
          this.crash(ld);
          this.at(this.rng.int(20, 600), () => this.restart(ld));
        } else {
          this.pause(ld, this.rng.int(100, 1000));
        }
        break;
    }
  }

  private membershipChange(ld: SimNode | undefined): void {
    if (ld === undefined) return;
    const raft = ld.raw.raft;
    const voters = [...raft.voters];
    const learners = [...raft.learners];
    let res;
    if (learners.length > 0) {
      // Promote a learner once it has caught up.
      const l = learners[0]!;
      const pr = raft.prs.get(l);
      if (pr === undefined || pr.match + 5 < raft.log.committed) return;
      res = ld.raw.proposeConfChange({ type: 'addVoter', nodeId: l });
      this.trace(30, l, res.ok ? 1 : 0);
    } else if (voters.length > this.opts.nodes || (voters.length === this.opts.nodes && this.rng.chance(0.5))) {
      // Remove a voter, sometimes the leader itself.
      const victim = this.rng.chance(0.3) ? ld.id : this.rng.pick(voters);
      res = ld.raw.proposeConfChange({ type: 'removeNode', nodeId: victim });
      this.trace(31, victim, res.ok ? 1 : 0);
      if (res.ok) {
        const idx = res.index;
        const term = res.term;
        // Decommission the node once the removal is applied by someone (checked periodically).
        const check = (): void => {
          const a = this.inv.applied.get(idx);
          if (a !== undefined && a.term === term) {
            this.at(this.rng.int(50, 300), () => this.decommission(victim));
          } else if (a === undefined) {
            this.at(100, check); // not applied anywhere yet (if another entry lands there, give up)
          }
        };
        this.at(100, check);
      }
    } else if (voters.length < this.opts.nodes + 1) {
      // Add a brand-new node (empty disk) as a learner.
      const id = this.nextNodeId++;
      const n = this.createNode(id, new MemoryStorage());
      n.up = true;
      res = ld.raw.proposeConfChange({ type: 'addLearner', nodeId: id });
      this.trace(32, id, res.ok ? 1 : 0);
      if (!res.ok) {
        n.gone = true;
        n.up = false;
      }
    }
    if (res?.ok) this.stats.confChanges!++;
    this.process(ld);
  }

  private decommission(id: NodeId): void {
    const n = this.nodes.get(id);
    if (n === undefined || n.gone) return;
    // The removal is committed: the node is shut down for good (lagging members that still
    // count it will apply the removal as they catch up).
    this.trace(33, id);
    this.crash(n);
    n.gone = true;
  }

  /** Ends all faults: links heal, the network becomes reliable, nodes restart and resume. */
  heal(): void {
    this.chaos = false;
    this.trace(40);
    this.blocked.clear();
    this.dropP = 0;
    this.dupP = 0;
    this.delayMin = 1;
    this.delayMax = 8;
    for (const n of this.nodes.values()) {
      if (n.gone) continue;
      if (!n.up) this.restart(n);
      else if (n.paused) this.resume(n);
    }
  }

  // ------------------------------------------------------------------ clients

  private startClients(): void {
    for (let c = 1; c <= this.opts.clients; c++) this.at(this.rng.int(0, 20), () => this.clientLoop(c, 0));
  }

  private clientLoop(client: number, seq: number): void {
    if (!this.workload) return;
    const key = 'k' + this.rng.int(0, this.opts.keys - 1);
    const r = this.rng.int(0, 9);
    const op: HistoryOp =
      r < 4
        ? { client, kind: 'get', key, call: 0, ret: null }
        : r < 6
          ? { client, kind: 'put', key, value: `${client}.${seq}`, call: 0, ret: null }
          : r < 7
            ? { client, kind: 'append', key, value: `${client}.${seq};`, call: 0, ret: null }
            : { client, kind: 'cas', key, value: `${client}.${seq}`, expected: this.guessValue(key), call: 0, ret: null };
    op.call = this.histTime();
    this.clientsBusy++;
    const deadline = this.now + this.opts.opTimeoutMs;
    let finished = false;
    const finish = (outcome: 'ok' | 'unknown' | 'failed', output?: string | null | boolean): void => {
      if (finished) return;
      finished = true;
      this.clientsBusy--;
      this.trace(50, client, seq, outcome === 'ok' ? 1 : outcome === 'unknown' ? 2 : 3);
      if (outcome === 'ok') {
        op.ret = this.histTime();
        if (op.kind === 'get' || op.kind === 'cas') op.output = output ?? (op.kind === 'get' ? null : false);
        this.history.push(op);
        if (op.kind === 'get') this.stats.readsOk!++;
        else this.stats.writesOk!++;
      } else if (outcome === 'unknown') {
        op.ret = null;
        this.history.push(op);
        this.stats.writesUnknown!++;
      }
      // 'failed': never took effect (rejected, or a read that got no answer) → not in the history.
      this.at(this.rng.int(0, 15), () => this.clientLoop(client, seq + 1));
    };
    this.at(this.opts.opTimeoutMs, () => {
      // A write we handed to Raft may or may not commit later; a read without answer had no effect.
      if (!finished) finish(op.kind === 'get' || !proposed ? 'failed' : 'unknown');
    });
    let proposed = false;
    let attempt = 0;
    const tryOnce = (): void => {
      if (finished || this.now >= deadline) return;
      attempt++;
      const target = this.pickTarget(op.kind === 'get');
      if (target === undefined) {
        this.at(this.rng.int(5, 30), tryOnce);
        return;
      }
      if (op.kind === 'get') {
        if (this.opts.sabotage === 'local-reads') {
          // Deliberately wrong: serve from whatever this node has applied (stale on followers).
          finish('ok', target.kv.get(op.key));
          return;
        }
        const ctx = `${client}:${seq}:${attempt}`;
        target.readWaiters.set(ctx, (ok) => {
          if (!ok) {
            this.at(this.rng.int(5, 30), tryOnce);
            return;
          }
          finish('ok', target.kv.get(op.key));
        });
        target.raw.readIndex(ctx);
        this.process(target);
        return;
      }
      const cmd: KvCommand = { client, seq, kind: op.kind, key: op.key, value: op.value! };
      if (op.kind === 'cas') cmd.expected = op.expected ?? null;
      const res = target.raw.propose(encodeCommand(cmd));
      if (!res.ok) {
        if (res.leader !== 0) this.leaderHint = res.leader;
        this.at(this.rng.int(2, 20), tryOnce);
        return;
      }
      proposed = true;
      target.writes.set(res.index, {
        term: res.term,
        done: (result, output) => {
          if (result === 'ok') finish('ok', output);
          else finish('failed');
        },
      });
      this.process(target);
    };
    tryOnce();
  }

  private leaderHint: NodeId = 0;

  private pickTarget(read: boolean): SimNode | undefined {
    const ups = this.upNodes().filter((n) => !n.paused);
    if (ups.length === 0) return undefined;
    const hinted = this.nodes.get(this.leaderHint);
    if (read && this.rng.chance(0.3)) return this.rng.pick(ups); // followers serve reads too
    if (this.rng.chance(0.3)) {
      // Any node that believes it leads, possibly a deposed one (clients' views lag).
      const believers = ups.filter((n) => n.raw.raft.role === 'leader');
      if (believers.length > 0) return this.rng.pick(believers);
    }
    if (hinted !== undefined && hinted.up && !hinted.paused && !hinted.gone && this.rng.chance(0.8)) return hinted;
    const l = ups.find((n) => n.raw.raft.role === 'leader');
    if (l !== undefined && this.rng.chance(0.7)) {
      this.leaderHint = l.id;
      return l;
    }
    return this.rng.pick(ups);
  }

  /** A plausible current value for cas (reads a random node's state, like a stale client cache). */
  private guessValue(key: string): string | null {
    if (this.rng.chance(0.2)) return null;
    const ups = this.upNodes();
    if (ups.length === 0) return null;
    return this.rng.pick(ups).kv.get(key);
  }

  // ------------------------------------------------------------------ run

  private scheduleTicks(): void {
    const tick = (): void => {
      for (const n of this.nodes.values()) {
        if (!n.up || n.paused) continue;
        n.raw.tick();
        this.observe(n);
        this.process(n);
      }
      const logs = this.liveLogs();
      this.inv.checkLogMatching(logs);
      this.inv.checkAckedDurable(logs);
      this.at(this.opts.tickMs, tick);
    };
    this.at(this.opts.tickMs, tick);
  }

  private runUntil(t: number, stop?: () => boolean): void {
    while (this.q.peekTime() <= t) {
      const e = this.q.pop()!;
      this.now = e.time;
      e.run();
      this.events++;
      if (this.events > this.opts.eventsMax) throw new Error(`over ${this.opts.eventsMax} events`);
      if (stop !== undefined && stop()) return;
    }
    this.now = Math.max(this.now, t);
  }

  private liveLogs() {
    return this.upNodes().map((n) => ({ id: n.id, log: n.raw.raft.log, applied: n.appliedIndex }));
  }

  run(): void {
    this.scheduleTicks();
    this.scheduleFaults();
    this.startClients();
    // Log Matching and acknowledged-write durability are checked in full on every tick.
    this.runUntil(this.opts.chaosMs);
    this.heal();
    const healedAt = this.now;

    // Liveness: a leader is elected and a new write commits within livenessMs of healing.
    let committedAt = -1;
    let probe: { node: SimNode; index: number; term: number } | null = null;
    const probeData = new TextEncoder().encode('probe');
    const poll = (): boolean => {
      const l = this.leader();
      if (probe !== null) {
        const a = this.inv.applied.get(probe.index);
        if (a !== undefined && a.term === probe.term) {
          committedAt = this.now;
          return true;
        }
        if (a !== undefined || !probe.node.up || probe.node.raw.raft.role !== 'leader') probe = null;
      }
      if (probe === null && l !== undefined) {
        const res = l.raw.propose(probeData);
        if (res.ok) {
          probe = { node: l, index: res.index, term: res.term };
          this.process(l);
        }
      }
      return false;
    };
    for (let t = healedAt + 10; t <= healedAt + this.opts.livenessMs; t += 10) {
      this.runUntil(t);
      if (poll()) break;
    }
    if (committedAt < 0) {
      throw new InvariantError(`liveness: no commit within ${this.opts.livenessMs} ms after healing at ${healedAt} ms`);
    }
    this.stats.recoveryMs = committedAt - healedAt;

    // Drain the workload, then let everyone converge.
    this.workload = false;
    const drainUntil = this.now + this.opts.opTimeoutMs + 50;
    this.runUntil(drainUntil, () => this.clientsBusy === 0);
    // Catch-up speed depends on the seed's flow-control shape (1 inflight × 64-byte messages is
    // slow), so wait for convergence up to a generous bound rather than a fixed time.
    const settleFrom = this.now;
    const settleUntil = this.now + this.opts.settleMsMax;
    this.runUntil(this.now + 200);
    while (this.now < settleUntil && !this.converged()) this.runUntil(this.now + 100);
    this.stats.catchUpMs = this.now - settleFrom;
    this.checkConverged();
  }

  private converged(): boolean {
    const l = this.leader();
    if (l === undefined) return false;
    const members = new Set([...l.raw.raft.voters, ...l.raw.raft.learners]);
    return this.upNodes().every((n) => !members.has(n.id) || n.appliedIndex >= l.raw.raft.log.committed);
  }

  private checkConverged(): void {
    const l = this.leader();
    if (l === undefined) throw new InvariantError('liveness: no leader at the end of the run');
    const commit = l.raw.raft.log.committed;
    const members = new Set([...l.raw.raft.voters, ...l.raw.raft.learners]);
    const live = this.upNodes().filter((n) => members.has(n.id));
    for (const n of live) {
      if (n.appliedIndex < commit) {
        throw new InvariantError(`liveness: node ${n.id} applied ${n.appliedIndex} < leader commit ${commit} after settling ${this.opts.settleMsMax} ms`);
      }
    }
    const digest = l.kv.digest();
    for (const n of live) {
      if (n.appliedIndex === l.appliedIndex && n.kv.digest() !== digest) {
        throw new InvariantError(`State Machine Safety: node ${n.id} state differs from leader ${l.id} at ${n.appliedIndex}`);
      }
    }
    this.inv.checkLogMatching(this.liveLogs());
    this.inv.checkAckedDurable(this.liveLogs());
    for (const [index] of this.inv.acked) {
      if (index > commit) throw new InvariantError(`acknowledged write at ${index} beyond final commit ${commit}`);
    }
  }
}

export function runSimulation(opts: SimOptions, debug?: (line: string) => void): SimResult {
  const sim = new Simulation(opts);
  if (debug !== undefined) sim.debug = debug;
  let failure: string | undefined;
  try {
    sim.run();
  } catch (e) {
    failure = `at ${sim.now} ms: ${e instanceof Error ? (e instanceof InvariantError ? e.message : e.stack ?? e.message) : String(e)}`;
  }
  const stats = { ...sim.stats, events: sim.events, virtualMs: sim.now, ops: sim.history.length, invariantChecks: sim.inv.checks };
  return {
    seed: opts.seed,
    ok: failure === undefined,
    ...(failure !== undefined ? { failure } : {}),
    traceHash: sim.traceHash(),
    history: sim.history,
    stats,
  };
}
