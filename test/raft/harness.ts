// A synchronous in-memory network for raft unit tests: every node persists its Ready at once,
// messages are delivered in FIFO order unless a filter drops them. Not a test file itself.
import {
  type ConfState,
  type Entry,
  type Message,
  type NodeId,
  type RaftConfig,
  MemoryStorage,
  RawNode,
  defaultConfig,
} from '../../src/raft/index.js';

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

export interface TNode {
  id: NodeId;
  raw: RawNode;
  storage: MemoryStorage;
  applied: Entry[];
  reads: { index: number; context: string }[];
  failedReads: string[];
}

export class Net {
  nodes = new Map<NodeId, TNode>();
  queue: Message[] = [];
  /** Return false to drop a message. */
  filter: (m: Message) => boolean = () => true;
  delivered: Message[] = [];
  cfgOverride: Partial<RaftConfig>;

  constructor(ids: NodeId[], cfg: Partial<RaftConfig> = {}, conf?: ConfState) {
    this.cfgOverride = cfg;
    const cs = conf ?? { voters: ids, learners: [] };
    for (const id of ids) this.add(id, MemoryStorage.bootstrap(cs));
  }

  add(id: NodeId, storage: MemoryStorage): TNode {
    const cfg = { ...defaultConfig(id, seededRandom(id * 7919)), ...this.cfgOverride, id };
    const n: TNode = { id, raw: new RawNode(cfg, storage), storage, applied: [], reads: [], failedReads: [] };
    this.nodes.set(id, n);
    return n;
  }

  /** Simulates a crash + restart from storage (unpersisted state is lost). */
  restart(id: NodeId): TNode {
    const old = this.nodes.get(id)!;
    const n = this.add(id, old.storage);
    n.applied = [];
    return n;
  }

  node(id: NodeId): TNode {
    return this.nodes.get(id)!;
  }

  /** Runs every node's Ready loop and delivers messages until nothing moves. */
  settle(maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      let moved = false;
      for (const n of this.nodes.values()) {
        while (n.raw.hasReady()) {
          moved = true;
          const rd = n.raw.ready();
          if (rd.snapshot) n.storage.applySnapshot(rd.snapshot);
          n.storage.append(rd.entries);
          if (rd.hardState) n.storage.setHardState(rd.hardState);
          for (const m of rd.messages) this.queue.push(m);
          for (const m of rd.messagesAfterPersist) this.queue.push(m);
          for (const e of rd.committedEntries) n.applied.push(e);
          for (const r of rd.readStates) n.reads.push(r);
          for (const c of rd.readsFailed) n.failedReads.push(c);
          n.raw.advance();
        }
      }
      const q = this.queue;
      this.queue = [];
      for (const m of q) {
        moved = true;
        const to = this.nodes.get(m.to);
        if (to === undefined || !this.filter(m)) continue;
        this.delivered.push(m);
        to.raw.step(m);
      }
      if (!moved) return;
    }
    throw new Error('network did not settle');
  }

  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) {
      this.node(id).raw.tick();
      this.settle();
    }
  }

  tickAll(n = 1): void {
    for (let i = 0; i < n; i++) {
      for (const node of this.nodes.values()) node.raw.tick();
      this.settle();
    }
  }

  /** Ticks `id` until it campaigns and the network settles. */
  elect(id: NodeId): void {
    for (let i = 0; i < 100 && this.node(id).raw.raft.role !== 'leader'; i++) this.tick(id);
    if (this.node(id).raw.raft.role !== 'leader') throw new Error(`node ${id} failed to become leader`);
  }

  leaders(): NodeId[] {
    return [...this.nodes.values()].filter((n) => n.raw.raft.role === 'leader').map((n) => n.id);
  }

  isolate(id: NodeId): void {
    this.filter = (m) => m.from !== id && m.to !== id;
  }

  heal(): void {
    this.filter = () => true;
  }
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
export const appliedData = (n: TNode): string[] => n.applied.filter((e) => e.type === 'normal' && e.data.length > 0).map((e) => dec(e.data));
