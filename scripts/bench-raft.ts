// Raft core throughput: committed proposals per CPU-second for a 3-node group whose nodes run in
// one process over a simulated, fault-free network (messages delivered in FIFO order, storage
// in memory), with batching: the leader takes `batch` small proposals between two Readys.
// Usage: npm run bench:raft [-- --entries N --batch B --bytes S]
import { type Message, type Ready, MemoryStorage, RawNode, defaultConfig } from '../src/raft/index.js';
import { EventQueue } from '../src/sim/queue.js';
import { Prng } from '../src/sim/prng.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? def : Number(process.argv[i + 1]);
}

const totalEntries = arg('--entries', 2_000_000);
const batch = arg('--batch', 1000);
const entryBytes = arg('--bytes', 16);

function run(): { committed: number; cpuMs: number; wallMs: number } {
  const ids = [1, 2, 3];
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 0x100000000;
  };
  const storages = new Map<number, MemoryStorage>();
  const nodes = new Map<number, RawNode>();
  for (const id of ids) {
    const s = MemoryStorage.bootstrap({ voters: ids, learners: [] });
    storages.set(id, s);
    const cfg = defaultConfig(id, rand);
    cfg.uncommittedEntriesMax = 100_000;
    cfg.appendEntriesBytesMax = 1024 * 1024;
    cfg.inflightMessagesMax = 64;
    nodes.set(id, new RawNode(cfg, s));
  }
  let queue: Message[] = [];
  let applied = 0;
  const pump = (): void => {
    for (let guard = 0; guard < 1000; guard++) {
      let moved = false;
      for (const [id, n] of nodes) {
        while (n.hasReady()) {
          moved = true;
          const rd = n.ready();
          const s = storages.get(id)!;
          for (const m of rd.messages) queue.push(m);
          if (rd.snapshot) s.applySnapshot(rd.snapshot);
          s.append(rd.entries);
          if (rd.hardState) s.setHardState(rd.hardState);
          for (const m of rd.messagesAfterPersist) queue.push(m);
          if (id === 1) applied += rd.committedEntries.length;
          const last = rd.committedEntries.at(-1);
          n.advance();
          // Keep memory flat: compact once well behind the applied index.
          if (last !== undefined && last.index - s.firstIndex() > 200_000) n.compact(last.index - 1000, new Uint8Array(0));
        }
      }
      const q = queue;
      queue = [];
      for (const m of q) {
        moved = true;
        nodes.get(m.to)!.step(m);
      }
      if (!moved) return;
    }
  };
  const leader = nodes.get(1)!;
  while (leader.raft.role !== 'leader') {
    leader.tick();
    pump();
  }
  applied = 0;
  const payload = new Uint8Array(entryBytes);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let proposed = 0;
  while (applied < totalEntries) {
    for (let i = 0; i < batch && proposed < totalEntries; i++) {
      const r = leader.propose(payload);
      if (!r.ok) break;
      proposed++;
    }
    pump();
  }
  const cpu = process.cpuUsage(cpu0);
  return { committed: applied, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wall0 };
}

/**
 * The same group on the simulator's virtual clock: every message takes 1–8 virtual ms through the
 * event queue, every Ready is written after 0–2 virtual ms, and the leader takes `batch`
 * proposals every virtual ms. Costs the event queue and the asynchronous Ready handling too.
 */
function runSimulated(): { committed: number; cpuMs: number; wallMs: number } {
  const ids = [1, 2, 3];
  const rng = new Prng(7);
  const q = new EventQueue(10_000_000);
  let now = 0;
  const storages = new Map<number, MemoryStorage>();
  const nodes = new Map<number, RawNode>();
  const busy = new Map<number, boolean>();
  for (const id of ids) {
    const s = MemoryStorage.bootstrap({ voters: ids, learners: [] });
    storages.set(id, s);
    const cfg = defaultConfig(id, () => rng.float());
    cfg.uncommittedEntriesMax = 100_000;
    cfg.appendEntriesBytesMax = 1024 * 1024;
    nodes.set(id, new RawNode(cfg, s));
    busy.set(id, false);
  }
  let applied = 0;
  let leaderId = 0;
  const send = (m: Message): void => {
    q.push(now + rng.int(1, 8), () => {
      nodes.get(m.to)!.step(m);
      process(m.to);
    });
  };
  const process = (id: number): void => {
    const n = nodes.get(id)!;
    if (busy.get(id) || !n.hasReady()) return;
    const rd: Ready = n.ready();
    for (const m of rd.messages) send(m);
    busy.set(id, true);
    q.push(now + rng.int(0, 2), () => {
      const s = storages.get(id)!;
      if (rd.snapshot) s.applySnapshot(rd.snapshot);
      s.append(rd.entries);
      if (rd.hardState) s.setHardState(rd.hardState);
      for (const m of rd.messagesAfterPersist) send(m);
      if (id === leaderId) applied += rd.committedEntries.length;
      const last = rd.committedEntries.at(-1);
      n.advance();
      busy.set(id, false);
      if (last !== undefined && last.index - s.firstIndex() > 200_000) n.compact(last.index - 1000, new Uint8Array(0));
      process(id);
    });
  };
  const tick = (): void => {
    for (const id of ids) {
      nodes.get(id)!.tick();
      process(id);
    }
    q.push(now + 10, tick);
  };
  q.push(10, tick);
  const step = (): void => {
    const e = q.pop()!;
    now = e.time;
    e.run();
  };
  const elected = (): RawNode | undefined => [...nodes.values()].find((n) => n.raft.role === 'leader' && n.raft.log.committed >= 2);
  while (elected() === undefined) {
    step();
    if (now > 10_000) throw new Error('no leader');
  }
  const leader = elected()!;
  leaderId = leader.raft.id;
  applied = 0;
  const payload = new Uint8Array(entryBytes);
  let proposed = 0;
  const proposer = (): void => {
    for (let i = 0; i < batch && proposed < totalEntries; i++) {
      if (!leader.propose(payload).ok) break;
      proposed++;
    }
    process(leaderId);
    if (proposed < totalEntries) q.push(now + 1, proposer);
  };
  q.push(now + 1, proposer);
  const cpu0 = process_.cpuUsage();
  const wall0 = performance.now();
  while (applied < totalEntries) step();
  const cpu = process_.cpuUsage(cpu0);
  return { committed: applied, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wall0 };
}

const process_ = globalThis.process;

function report(label: string, r: { committed: number; cpuMs: number; wallMs: number }): void {
  const perSec = Math.round(r.committed / (r.cpuMs / 1000));
  console.log(
    `${label}: ${r.committed} entries of ${entryBytes} B, batch ${batch}: ` +
      `${perSec.toLocaleString('en-US')} committed entries per CPU-second (cpu ${r.cpuMs.toFixed(0)} ms, wall ${r.wallMs.toFixed(0)} ms)`,
  );
}

run(); // warm-up
report('raft 3-node group, synchronous in-process network', run());
runSimulated(); // warm-up
report('raft 3-node group, simulator virtual clock (1-8 ms links, 0-2 ms disk)', runSimulated());
