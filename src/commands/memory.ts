// MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP: what keyraft's data costs, in
// keyraft's own bytes — not Redis's. Redis answers from jemalloc's exact allocation sizes; a V8
// heap has no per-object size query, so these are estimates built from V8's object layout on
// 64-bit Node without pointer compression (calibrated against heapUsed deltas with --expose-gc):
//
// - a one-byte string of n > 1 chars is a 16-byte header plus n rounded up to 8 (0 for the empty
//   string and single characters, which V8 shares);
// - a Map entry costs 24 bytes (key, value, chain) plus half an 8-byte bucket, times the table's
//   power-of-two capacity over its size;
// - an array slot is 8 bytes; a Buffer view ~112 bytes plus its bytes.
//
// MEMORY USAGE adds the key string, the key's share of the database's index and slot arrays, and
// its TTL entry when it has one, to the value's estimate. Collections are sampled as Redis samples
// them — the first `samples` elements (SAMPLES, default 5; 0 = all), averaged and multiplied by
// the element count — through a type's own memoryUsage() when it has one, else through its public
// API. MEMORY STATS takes the process-wide figures from process.memoryUsage() (the same
// used_memory INFO reports: heapUsed + external) and the per-db overheads from these estimates.

import type { CommandDef, ExecContext } from './types.js';
import type { ServerState } from '../server/state.js';
import type { Db } from '../keyspace/db.js';
import { MutableString, type Value } from '../types/value.js';
import { RedisList } from '../types/list.js';
import { RedisHash } from '../types/hash.js';
import { RedisSet } from '../types/set.js';
import { ZSet } from '../types/zset.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../protocol/errors.js';
import { parseInt64 } from '../protocol/numbers.js';
import { ensureSampler, usedMemory } from './info.js';
import { replyHelp } from './server.js';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/** Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
const SAMPLES_DEFAULT = 5;
const PTR_BYTES = 8;
const STRING_HEADER_BYTES = 16;
const MAP_ENTRY_BYTES = 24;
const MAP_HEADER_BYTES = 72;
const ARRAY_HEADER_BYTES = 32;
const OBJECT_HEADER_BYTES = 24;
const BUFFER_VIEW_BYTES = 112;
/** Per key in Db beside the index: slotKeys and slotValues pointers, access and LFU words. */
const DB_SLOT_BYTES = 2 * PTR_BYTES + 4 + 4;
/** An expiry heap entry (time and key pointer). */
const EXPIRY_HEAP_ENTRY_BYTES = 16;
/** Collection element counts above which a Map's capacity is taken as its size rounded to 2^k. */
const MAP_CAPACITY_MIN = 4;
/** Redis's MEMORY DOCTOR thresholds: an "empty" instance, and the rss/peak/client checks. */
const DOCTOR_EMPTY_BYTES = 5 * 1024 * 1024;
const DOCTOR_OVERHEAD_BYTES = 10 << 20;
const DOCTOR_CLIENT_BYTES = 200 * 1024;

/** Process memory when the command table was built (server start), for startup.allocated. */
const STARTUP_ALLOCATED = usedMemory();
/** Resident memory beyond the allocated at that point: the Node runtime and code, not data. */
const STARTUP_RSS_EXTRA = Math.max(0, process.memoryUsage().rss - STARTUP_ALLOCATED);

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Bytes of a latin1 JS string held on its own. */
export function stringBytes(s: string): number {
  return s.length <= 1 ? 0 : STRING_HEADER_BYTES + align8(s.length);
}

function pow2ceil(n: number): number {
  let c = MAP_CAPACITY_MIN;
  while (c < n) c *= 2;
  return c;
}

/** A V8 Map's table for `size` entries (header, entries at power-of-two capacity, buckets). */
export function mapBytes(size: number): number {
  const capacity = pow2ceil(size);
  return MAP_HEADER_BYTES + capacity * MAP_ENTRY_BYTES + (capacity / 2) * PTR_BYTES;
}

function arrayBytes(slots: number): number {
  return ARRAY_HEADER_BYTES + slots * PTR_BYTES;
}

/** Average of `sizes` (the sampled elements' bytes) times `count`, as Redis extrapolates. */
function extrapolate(sampledBytes: number, sampled: number, count: number): number {
  return sampled === 0 ? 0 : (sampledBytes / sampled) * count;
}

/** Estimated bytes of a value; collections are sampled up to `samples` elements. */
export function valueBytes(v: Value, samples: number): number {
  if (typeof v === 'string') return stringBytes(v);
  if (v instanceof MutableString) return OBJECT_HEADER_BYTES + 2 * PTR_BYTES + BUFFER_VIEW_BYTES + v.bytes.byteLength;
  if (v.memoryUsage !== undefined) return v.memoryUsage(samples);
  if (v instanceof RedisList) {
    const n = v.length;
    let sampledBytes = 0;
    const k = Math.min(n, samples);
    for (let i = 0; i < k; i++) sampledBytes += stringBytes(v.at(i));
    // Chunks of up to 256 slots (a small list: one chunk of 8, 32 or 128), a pointer ring, the object.
    const slots = n <= 8 ? 8 : n <= 32 ? 32 : n <= 128 ? 128 : Math.ceil(n / 256) * 256;
    const chunks = Math.max(1, Math.ceil(slots / 256));
    return OBJECT_HEADER_BYTES + 14 * PTR_BYTES + arrayBytes(pow2ceil(chunks)) + chunks * ARRAY_HEADER_BYTES + slots * PTR_BYTES + extrapolate(sampledBytes, k, n);
  }
  if (v instanceof RedisHash || v instanceof RedisSet) {
    const n = v.size;
    let sampledBytes = 0;
    let k = 0;
    const want = Math.min(n, samples);
    if (v instanceof RedisHash) {
      let cursor = 0;
      do {
        cursor = v.scan(cursor, Math.max(1, Math.min(want - k, 1024)), (field, value) => {
          if (k < want) {
            sampledBytes += stringBytes(field) + stringBytes(value);
            k++;
          }
        });
      } while (cursor !== 0 && k < want);
    } else {
      v.each((member) => {
        if (k >= want) return false;
        sampledBytes += stringBytes(member);
        k++;
        return true;
      });
    }
    // The slot table: index Map, key slots (and value slots for hashes), with holes counted.
    const slots = v.t.capacity;
    const valueSlots = v instanceof RedisHash ? arrayBytes(slots) : 0;
    return OBJECT_HEADER_BYTES + 8 * PTR_BYTES + mapBytes(n) + arrayBytes(slots) + valueSlots + extrapolate(sampledBytes, k, n);
  }
  if (v instanceof ZSet) {
    const n = v.size;
    let sampledBytes = 0;
    let k = 0;
    const want = Math.min(n, samples);
    v.each(0, false, (member) => {
      if (k >= want) return false;
      sampledBytes += stringBytes(member);
      k++;
      return true;
    });
    // Index Map; member and score slots; the sorted blocks' member pointers and unboxed scores
    // (blocks of up to 128, two arrays each). The member string is shared by both halves.
    const blocks = Math.max(1, Math.ceil(n / 64));
    return (
      OBJECT_HEADER_BYTES + 10 * PTR_BYTES + mapBytes(n) + 2 * arrayBytes(n) + 2 * n * PTR_BYTES + blocks * (2 * ARRAY_HEADER_BYTES + 4 * PTR_BYTES) + extrapolate(sampledBytes, k, n)
    );
  }
  // A type this estimator does not know yet (streams…): its object and a little structure.
  return OBJECT_HEADER_BYTES + 8 * PTR_BYTES + mapBytes(0);
}

/** A key's share of its database's index, slot arrays and (if it has a TTL) expiry tables. */
function keyOverheadBytes(db: Db, key: string): number {
  const size = Math.max(1, db.size);
  let bytes = stringBytes(key) + mapBytes(size) / size + DB_SLOT_BYTES;
  if (db.getExpire(key) !== undefined) {
    const expires = Math.max(1, db.expiresCount);
    bytes += mapBytes(expires) / expires + EXPIRY_HEAP_ENTRY_BYTES;
  }
  return bytes;
}

/** Estimated bytes of a database's bookkeeping (not its keys' and values' own bytes). */
function dbOverheadBytes(db: Db): { main: number; expires: number } {
  return {
    main: db.size === 0 ? 0 : mapBytes(db.size) + db.size * DB_SLOT_BYTES,
    expires: db.expiresCount === 0 ? 0 : mapBytes(db.expiresCount) + db.expiresCount * EXPIRY_HEAP_ENTRY_BYTES,
  };
}

/** Bytes held for normal and pub/sub clients: query buffers, reply buffers, socket backlogs, MULTI queues. */
function clientsBytes(server: ServerState): number {
  let total = 0;
  for (const c of server.clients.values()) {
    total += c.parser.pendingBytes + c.writer.capacity + c.socket.writableLength;
    if (c.multi) for (const q of c.multi.commands) for (const a of q.argv) total += a.length;
  }
  return total;
}

interface MemoryFigures {
  peak: number;
  total: number;
  startup: number;
  clients: number;
  dbs: { id: number; main: number; expires: number }[];
  overhead: number;
  keys: number;
  dataset: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
}

/** The figures behind MEMORY STATS and MEMORY DOCTOR (Redis's getMemoryOverheadData). */
function memoryFigures(server: ServerState): MemoryFigures {
  const m = process.memoryUsage();
  const total = m.heapUsed + m.external;
  const sampler = ensureSampler(server);
  sampler.notePeak();
  const peak = Math.max(sampler.peakMemory, total);
  const startup = Math.min(STARTUP_ALLOCATED, total);
  const clients = clientsBytes(server);
  let overhead = startup + clients;
  let keys = 0;
  const dbs: MemoryFigures['dbs'] = [];
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    keys += db.size;
    const o = dbOverheadBytes(db);
    dbs.push({ id: db.id, ...o });
    overhead += o.main + o.expires;
  }
  return { peak, total, startup, clients, dbs, overhead, keys, dataset: Math.max(0, total - overhead), rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external };
}

function memoryUsage(ctx: ExecContext, argv: string[]): void {
  let samples = SAMPLES_DEFAULT;
  for (let j = 3; j < argv.length; j++) {
    if (argv[j]!.toLowerCase() === 'samples' && j + 1 < argv.length) {
      const n = parseInt64(argv[j + 1]!);
      if (n === null) return ctx.reply.error(ERR_NOT_INTEGER);
      if (n < 0) return ctx.reply.error(ERR_SYNTAX);
      samples = n === 0 ? Infinity : Number(n);
      j++;
    } else {
      return ctx.reply.error(ERR_SYNTAX);
    }
  }
  // Like Redis 7.0 (dictFind on the main dict): an expired key not yet reclaimed still counts,
  // and the lookup neither touches the key nor counts a hit or miss.
  const key = argv[2]!;
  const db = ctx.db;
  const value = db.peek(key, -Infinity);
  if (value === undefined) return ctx.reply.nullBulk();
  ctx.reply.integer(Math.round(valueBytes(value, samples) + keyOverheadBytes(db, key)));
}

function memoryStats(ctx: ExecContext): void {
  const f = memoryFigures(ctx.server);
  const r = ctx.reply;
  const net = f.total > f.startup ? f.total - f.startup : 1;
  const pairs = 10 + f.dbs.length + 6 + 11;
  r.map(pairs);
  const int = (name: string, v: number): void => {
    r.bulk(name);
    r.integer(Math.round(v));
  };
  const dbl = (name: string, v: number): void => {
    r.bulk(name);
    r.double(v);
  };
  int('peak.allocated', f.peak);
  int('total.allocated', f.total);
  int('startup.allocated', f.startup);
  int('replication.backlog', 0);
  int('clients.slaves', 0);
  int('clients.normal', f.clients);
  int('cluster.links', 0);
  int('aof.buffer', 0);
  int('lua.caches', 0);
  int('functions.caches', 0);
  for (const db of f.dbs) {
    r.bulk(`db.${db.id}`);
    r.map(3);
    int('overhead.hashtable.main', db.main);
    int('overhead.hashtable.expires', db.expires);
    int('overhead.hashtable.slot-to-keys', 0);
  }
  int('overhead.total', f.overhead);
  int('keys.count', f.keys);
  int('keys.bytes-per-key', f.keys > 0 ? Math.floor(net / f.keys) : 0);
  int('dataset.bytes', f.dataset);
  dbl('dataset.percentage', (f.dataset * 100) / net);
  dbl('peak.percentage', (f.total * 100) / f.peak);
  // V8 is the allocator: "allocated" is the live heap plus external memory, "active" the heap
  // V8 has reserved (committed pages) plus external, "resident" the process RSS.
  const active = f.heapTotal + f.external;
  int('allocator.allocated', f.total);
  int('allocator.active', active);
  int('allocator.resident', f.rss);
  dbl('allocator-fragmentation.ratio', active / f.total);
  int('allocator-fragmentation.bytes', active - f.total);
  dbl('allocator-rss.ratio', f.rss / active);
  int('allocator-rss.bytes', f.rss - active);
  dbl('rss-overhead.ratio', 1);
  int('rss-overhead.bytes', 0);
  dbl('fragmentation', f.rss / f.total);
  int('fragmentation.bytes', f.rss - f.total);
}

/** MEMORY DOCTOR: Redis's checks, on the same figures MEMORY STATS reports. */
export function doctorReport(server: ServerState): string {
  const f = memoryFigures(server);
  if (f.total < DOCTOR_EMPTY_BYTES) {
    return (
      "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. " +
      'Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n'
    );
  }
  const issues: string[] = [];
  if (f.peak / f.total > 1.5) {
    issues.push(
      ` * Peak memory: at some point this instance used more than 150% of the memory it uses now (peak ${f.peak} bytes, now ${f.total}). ` +
        'V8 returns freed heap pages to the system lazily, so the resident size can stay near the peak for a while; it is reused as data grows again.',
    );
  }
  const active = f.heapTotal + f.external;
  if (active / f.total > 1.4 && active - f.total > DOCTOR_OVERHEAD_BYTES) {
    issues.push(
      ` * Heap fragmentation: V8 holds ${active - f.total} bytes of heap beyond the live data (ratio ${(active / f.total).toFixed(2)}). ` +
        'This is garbage not yet collected or pages not yet released after many deletions; it shrinks as the collector compacts the heap.',
    );
  }
  // The runtime's own resident memory at start (tens of MB for Node) is not counted against the data.
  const rss = f.rss - STARTUP_RSS_EXTRA;
  if (rss / f.total > 1.4 && rss - f.total > DOCTOR_OVERHEAD_BYTES) {
    issues.push(
      ` * High total RSS: beyond what the runtime held at start, the resident size is ${(rss / f.total).toFixed(2)} times the memory in use (${rss - f.total} bytes more): ` +
        'pages V8 has not returned after a peak, or fragmentation.',
    );
  }
  const clients = Math.max(1, server.clients.size);
  if (f.clients / clients > DOCTOR_CLIENT_BYTES) {
    issues.push(
      ` * Big client buffers: clients use ${Math.floor(f.clients / clients)} bytes each on average in query, reply and socket buffers. ` +
        'Check CLIENT LIST for clients with large qbuf or omem: slow pub/sub subscribers or big pipelines not being read.',
    );
  }
  if (issues.length === 0) return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  return `Sam, I detected a few issues in this keyraft instance memory implants:\n\n${issues.join('\n\n')}\n\nI'm here to keep you safe, Sam. I want to help you.\n`;
}

/** MEMORY MALLOC-STATS: V8's heap statistics and spaces, as the allocator statistics it is here. */
function mallocStats(): string {
  const lines = [`___ Begin V8 heap statistics (node ${process.version}, v8 ${process.versions.v8}) ___`];
  for (const [k, v] of Object.entries(getHeapStatistics())) lines.push(`${k}: ${v}`);
  lines.push('Spaces (name: size used available physical):');
  for (const s of getHeapSpaceStatistics()) {
    lines.push(`  ${s.space_name}: ${s.space_size} ${s.space_used_size} ${s.space_available_size} ${s.physical_space_size}`);
  }
  lines.push('--- End V8 heap statistics ---');
  return lines.join('\n') + '\n';
}

const MEMORY_HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

export const memoryCommands: CommandDef[] = [
  {
    name: 'memory',
    group: 'server',
    summary: 'A container for memory diagnostics commands.',
    since: '4.0.0',
    subcommands: [
      {
        name: 'usage',
        group: 'server',
        summary: 'Estimates the memory usage of a key.',
        since: '4.0.0',
        handler: memoryUsage,
      },
      {
        name: 'stats',
        group: 'server',
        summary: 'Returns details about memory usage.',
        since: '4.0.0',
        handler: memoryStats,
      },
      {
        name: 'doctor',
        group: 'server',
        summary: 'Outputs a memory problems report.',
        since: '4.0.0',
        handler(ctx) {
          ctx.reply.verbatim(doctorReport(ctx.server));
        },
      },
      {
        name: 'malloc-stats',
        group: 'server',
        summary: 'Returns the allocator statistics.',
        since: '4.0.0',
        handler(ctx) {
          ctx.reply.verbatim(mallocStats());
        },
      },
      {
        name: 'purge',
        group: 'server',
        summary: 'Asks the allocator to release memory.',
        since: '4.0.0',
        handler(ctx) {
          // V8 decides when to collect and release pages; without --expose-gc there is nothing
          // to ask for. With it (node --expose-gc), a full collection runs.
          const gc = (globalThis as { gc?: () => void }).gc;
          if (gc !== undefined) gc();
          ctx.reply.ok();
        },
      },
      {
        name: 'help',
        group: 'server',
        summary: 'Returns helpful text about the different subcommands.',
        since: '4.0.0',
        handler(ctx) {
          replyHelp(ctx.reply, 'MEMORY', MEMORY_HELP);
        },
      },
    ],
  },
];
