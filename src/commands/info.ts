// INFO rendering: the sections Redis 7.0's INFO prints, with its field names, field order, "# Section"
// headers, CRLF line endings and a blank line between sections, so that tools which parse INFO
// (redis-cli, BullMQ and Sidekiq version checks, exporters) read keyraft the same way. Values are
// honest: what keyraft does not have (forks, replication) reads as the idle value
// Redis itself shows when that machinery is idle, never as a made-up number.
//
// Rate and peak figures (instantaneous_ops_per_sec, used_memory_peak) need samples taken over
// time; a small unref'd timer per server (started by the first client that connects) takes them,
// as Redis's serverCron does every 100 ms.

import { luaHeapBytes } from '../scripting/lua-runtime.js';
import type { LoadProgress } from '../persistence/snapshot.js';
import { arch, release, totalmem } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ServerState } from '../server/state.js';
import type { Command } from './types.js';
import { KEYRAFT_VERSION, REDIS_COMPAT_VERSION } from '../version.js';
import { aofRewriteInfo } from '../persistence/aof-rewrite.js';

/** Sections in Redis's order; `default` and `all`/`everything` select subsets of these. */
const SECTION_ORDER = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'commandstats',
  'errorstats',
  'cluster',
  'keyspace',
] as const;
type Section = (typeof SECTION_ORDER)[number];

const DEFAULT_SECTIONS: ReadonlySet<Section> = new Set<Section>([
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'errorstats',
  'cluster',
  'keyspace',
]);

const HEADERS: Record<Section, string> = {
  server: 'Server',
  clients: 'Clients',
  memory: 'Memory',
  persistence: 'Persistence',
  stats: 'Stats',
  replication: 'Replication',
  cpu: 'CPU',
  modules: 'Modules',
  commandstats: 'Commandstats',
  errorstats: 'Errorstats',
  cluster: 'Cluster',
  keyspace: 'Keyspace',
};

/** Samples kept for instantaneous_ops_per_sec (Redis: STATS_METRIC_SAMPLES, every 100 ms). */
const SAMPLES = 16;
const SAMPLE_INTERVAL_MS = 100;
/** Keys with a TTL looked at per db when estimating avg_ttl (Redis estimates it too). */
const AVG_TTL_SAMPLE_KEYS = 1000;

/** A rolling average over the last SAMPLES rates, as Redis's trackInstantaneousMetric. */
class Metric {
  private samples: number[] = [];
  private last = 0;

  constructor(initial: number) {
    this.last = initial;
  }

  add(value: number, elapsedMs: number): void {
    // CONFIG RESETSTAT can move a counter backwards; count that sample as zero.
    const rate = value >= this.last ? ((value - this.last) * 1000) / elapsedMs : 0;
    this.samples.push(rate);
    if (this.samples.length > SAMPLES) this.samples.shift();
    this.last = value;
  }

  average(): number {
    if (this.samples.length === 0) return 0;
    let sum = 0;
    for (const s of this.samples) sum += s;
    return sum / this.samples.length;
  }

  reset(value: number): void {
    this.samples = [];
    this.last = value;
  }
}

class Sampler {
  readonly ops: Metric;
  readonly input: Metric;
  readonly output: Metric;
  private lastAt = Date.now(); // deterministic-ok: INFO statistics, not state
  peakMemory = 0;
  /** Replication id shown in INFO replication (distinct from run_id, as in Redis). */
  readonly replId = randomBytes(20).toString('hex'); // deterministic-ok: INFO statistics, not state
  private timer: NodeJS.Timeout;

  constructor(private readonly server: ServerState) {
    const st = server.stats;
    this.ops = new Metric(st.totalCommands);
    this.input = new Metric(st.netInputBytes);
    this.output = new Metric(st.netOutputBytes);
    this.peakMemory = usedMemory();
    this.timer = setInterval(() => this.tick(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  private tick(): void {
    if (this.server.shuttingDown) {
      clearInterval(this.timer);
      return;
    }
    const now = Date.now(); // deterministic-ok: INFO statistics, not state
    const elapsed = Math.max(1, now - this.lastAt);
    const st = this.server.stats;
    this.ops.add(st.totalCommands, elapsed);
    this.input.add(st.netInputBytes, elapsed);
    this.output.add(st.netOutputBytes, elapsed);
    this.lastAt = now;
    this.notePeak();
  }

  notePeak(): number {
    const used = usedMemory();
    if (used > this.peakMemory) this.peakMemory = used;
    return used;
  }

  resetStats(): void {
    const st = this.server.stats;
    this.ops.reset(st.totalCommands);
    this.input.reset(st.netInputBytes);
    this.output.reset(st.netOutputBytes);
    this.lastAt = Date.now(); // deterministic-ok: INFO statistics, not state
    this.peakMemory = usedMemory();
  }
}

const samplers = new WeakMap<ServerState, Sampler>();

/** Starts the per-server sampler if it is not running yet (called when a client connects). */
export function ensureSampler(server: ServerState): Sampler {
  let s = samplers.get(server);
  if (!s) {
    s = new Sampler(server);
    samplers.set(server, s);
  }
  return s;
}

/** CONFIG RESETSTAT's share of INFO state: rates and the memory peak start over. */
export function resetInfoSamples(server: ServerState): void {
  samplers.get(server)?.resetStats();
}

/**
 * Memory in use by the process's JavaScript data: the V8 heap plus memory held outside it
 * (Buffers, ArrayBuffers). Node's `external` already includes `arrayBuffers`, so adding both
 * would count buffers twice.
 */
export function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Redis's bytesToHuman: B, K, M, G, T, P with two decimals. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let v = n / 1024;
  for (const u of units) {
    if (v < 1024 || u === 'P') return `${v.toFixed(2)}${u}`;
    v /= 1024;
  }
  return `${n}B`;
}

/**
 * Which sections an INFO argument list selects, in Redis's order. Returns the set; unknown names
 * select nothing (Redis replies with an empty string for them).
 */
export function selectSections(args: readonly string[]): Set<Section> {
  const out = new Set<Section>();
  if (args.length === 0) {
    for (const s of DEFAULT_SECTIONS) out.add(s);
    return out;
  }
  for (const raw of args) {
    const a = raw.toLowerCase();
    if (a === 'all') {
      for (const s of SECTION_ORDER) out.add(s);
    } else if (a === 'everything') {
      for (const s of SECTION_ORDER) out.add(s);
    } else if (a === 'default') {
      for (const s of DEFAULT_SECTIONS) out.add(s);
    } else if ((SECTION_ORDER as readonly string[]).includes(a)) {
      out.add(a as Section);
    }
  }
  return out;
}

function fixed(n: number, digits: number): string {
  return n.toFixed(digits);
}

function lines(fields: readonly [string, string | number][]): string {
  let s = '';
  for (const [k, v] of fields) s += `${k}:${v}\r\n`;
  return s;
}

function serverSection(server: ServerState, now: number): string {
  const uptime = Math.floor((now - server.startedAt) / 1000);
  const port = server.boundPorts[0] ?? server.config.int('port');
  return lines([
    ['redis_version', REDIS_COMPAT_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    ['os', `${process.platform === 'linux' ? 'Linux' : process.platform} ${release()} ${arch() === 'x64' ? 'x86_64' : arch()}`],
    ['arch_bits', arch().includes('64') ? 64 : 32],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', process.platform === 'linux' ? 'epoll' : 'kqueue'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', server.runId],
    ['tcp_port', port],
    ['server_time_usec', now * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', server.config.int('hz')],
    ['configured_hz', server.config.int('hz')],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', process.argv[1] ?? process.execPath],
    ['config_file', server.config.file ?? ''],
    ['io_threads_active', 0],
    // keyraft's own fields go after Redis's so that positional parsers are not thrown off.
    ['keyraft_version', KEYRAFT_VERSION],
    ['node_version', process.versions.node],
  ]);
}

function clientsSection(server: ServerState): string {
  let maxIn = 0;
  let maxOut = 0;
  let blocked = 0;
  let withTimeout = 0;
  for (const c of server.clients.values()) {
    maxIn = Math.max(maxIn, c.parser.pendingBytes);
    maxOut = Math.max(maxOut, c.writer.length + c.socket.writableLength);
    if (c.blocked) {
      blocked++;
      if (c.blocked.deadline > 0) withTimeout++;
    }
  }
  return lines([
    ['connected_clients', server.clients.size],
    ['cluster_connections', 0],
    ['maxclients', server.config.int('maxclients')],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    ['blocked_clients', blocked],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', withTimeout],
  ]);
}

/** INFO memory's scripting fields: one interpreter serves EVAL and #!lua functions. */
function scriptingMemory(server: ServerState): [string, string | number][] {
  const scripting = server.scripting;
  const vm = luaHeapBytes();
  const evalBytes = scripting.cachedScriptBytes();
  const functionBytes = scripting.libraryBytes();
  return [
    ['used_memory_lua', vm],
    ['used_memory_vm_eval', vm],
    ['used_memory_lua_human', bytesToHuman(vm)],
    ['used_memory_scripts_eval', evalBytes],
    ['number_of_cached_scripts', scripting.scripts.size],
    ['number_of_functions', scripting.functions.functions.size],
    ['number_of_libraries', scripting.functions.libraries.size],
    ['used_memory_vm_functions', 0],
    ['used_memory_vm_total', vm],
    ['used_memory_vm_total_human', bytesToHuman(vm)],
    ['used_memory_functions', functionBytes],
    ['used_memory_scripts', evalBytes + functionBytes],
    ['used_memory_scripts_human', bytesToHuman(evalBytes + functionBytes)],
  ];
}

function memorySection(server: ServerState): string {
  const sampler = samplers.get(server);
  const m = process.memoryUsage();
  const used = m.heapUsed + m.external;
  const peak = sampler ? Math.max(sampler.notePeak(), sampler.peakMemory) : used;
  const maxmemory = server.config.int('maxmemory');
  const total = totalmem();
  const frag = used > 0 ? m.rss / used : 0;
  return lines([
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', m.rss],
    ['used_memory_rss_human', bytesToHuman(m.rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', `${fixed(peak > 0 ? (used * 100) / peak : 0, 2)}%`],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    ...scriptingMemory(server),
    ['used_memory_heap_total', m.heapTotal],
    ['used_memory_external', m.external],
    ['used_memory_array_buffers', m.arrayBuffers],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', server.config.get('maxmemory-policy')],
    ['mem_fragmentation_ratio', fixed(frag, 2)],
    ['mem_fragmentation_bytes', m.rss - used],
    ['mem_allocator', `v8-${process.versions.v8}`],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ]);
}

function persistenceSection(server: ServerState): string {
  // Snapshot fields come from server.rdb (persistence/snapshot.ts). keyraft does not fork, so the
  // copy-on-write and fork fields stay 0.
  const rdb = server.rdb;
  const bgsave = rdb.bgsave;
  const loading = rdb.loading;
  return lines([
    ['loading', server.loading ? 1 : 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', bgsave !== null ? bgsave.view.processed : 0],
    ['current_save_keys_total', bgsave !== null ? bgsave.view.totalKeys : 0],
    ['rdb_changes_since_last_save', rdb.changesSinceSave],
    ['rdb_bgsave_in_progress', bgsave !== null ? 1 : 0],
    ['rdb_last_save_time', server.lastSaveAt],
    ['rdb_last_bgsave_status', rdb.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', rdb.lastBgsaveSeconds],
    ['rdb_current_bgsave_time_sec', rdb.currentBgsaveSeconds],
    ['rdb_saves', rdb.saves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', rdb.lastLoad.expired],
    ['rdb_last_load_keys_loaded', rdb.lastLoad.keys],
    ['aof_enabled', server.aof !== null ? 1 : 0],
    ...aofRewriteInfo(server),
    ['aof_last_write_status', server.aof?.lastWriteStatus ?? 'ok'],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
    ...(server.aof?.info() ?? []),
    ...(loading !== null ? loadingFields(loading) : []),
  ]);
}

/** Redis's loading_* fields, shown while a dataset loads. */
function loadingFields(p: LoadProgress): [string, string | number][] {
  const elapsedSec = (Date.now() - p.startedMs) / 1000; // deterministic-ok: INFO statistics, not state
  const perc = p.totalBytes > 0 ? (100 * p.loadedBytes) / p.totalBytes : 0;
  const eta = p.loadedBytes > 0 ? Math.floor(((p.totalBytes - p.loadedBytes) * elapsedSec) / p.loadedBytes) : 1;
  return [
    ['loading_start_time', p.startedAtSec],
    ['loading_total_bytes', p.totalBytes],
    ['loading_rdb_used_mem', 0],
    ['loading_loaded_bytes', p.loadedBytes],
    ['loading_loaded_perc', perc.toFixed(2)],
    ['loading_eta_seconds', eta],
  ];
}

function statsSection(server: ServerState): string {
  const s = server.stats;
  const sampler = samplers.get(server);
  return lines([
    ['total_connections_received', s.totalConnections],
    ['total_commands_processed', s.totalCommands],
    ['instantaneous_ops_per_sec', sampler ? Math.round(sampler.ops.average()) : 0],
    ['total_net_input_bytes', s.netInputBytes],
    ['total_net_output_bytes', s.netOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', fixed(sampler ? sampler.input.average() / 1024 : 0, 2)],
    ['instantaneous_output_kbps', fixed(sampler ? sampler.output.average() / 1024 : 0, 2)],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', s.expiredKeys],
    ['expired_stale_perc', '0.00'],
    ['expired_time_cap_reached_count', 0],
    ['evicted_keys', s.evictedKeys],
    ['evicted_clients', 0],
    ['keyspace_hits', s.keyspaceHits],
    ['keyspace_misses', s.keyspaceMisses],
    ['pubsub_channels', server.pubsub.channelCount('channel')],
    ['pubsub_patterns', server.pubsub.patternCount],
    ['pubsubshard_channels', server.pubsub.channelCount('shard')],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['tracking_total_keys', 0],
    ['tracking_total_items', 0],
    ['tracking_total_prefixes', 0],
    ['unexpected_error_replies', 0],
    ['total_error_replies', s.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
  ]);
}

function replicationSection(server: ServerState): string {
  const sampler = ensureSampler(server);
  return lines([
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', sampler.replId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ]);
}

function cpuSection(): string {
  const u = process.cpuUsage();
  const sys = fixed(u.system / 1e6, 6);
  const user = fixed(u.user / 1e6, 6);
  // One JavaScript thread does all the command work, so the process figures are the main
  // thread's too (libuv's few helper threads are idle for a server that does no file I/O).
  return lines([
    ['used_cpu_sys', sys],
    ['used_cpu_user', user],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', sys],
    ['used_cpu_user_main_thread', user],
  ]);
}

function commandStatLine(cmd: Command): string {
  const st = cmd.stats;
  if (st.calls === 0 && st.rejectedCalls === 0 && st.failedCalls === 0) return '';
  const usec = Math.round(st.usec);
  const perCall = st.calls > 0 ? st.usec / st.calls : 0;
  return (
    `cmdstat_${cmd.fullName}:calls=${st.calls},usec=${usec},usec_per_call=${fixed(perCall, 2)},` +
    `rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}\r\n`
  );
}

function commandstatsSection(server: ServerState): string {
  let s = '';
  for (const cmd of server.commands.all()) {
    if (cmd.subcommands) {
      s += commandStatLine(cmd);
      for (const sub of cmd.subcommands.values()) s += commandStatLine(sub);
    } else {
      s += commandStatLine(cmd);
    }
  }
  return s;
}

function errorstatsSection(server: ServerState): string {
  let s = '';
  // Sorted by code, as Redis's radix tree lists them.
  const codes = [...server.stats.errors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [code, count] of codes) s += `errorstat_${code}:count=${count}\r\n`;
  return s;
}

/** Average remaining TTL in ms over (a bounded sample of) the keys that have one. */
function averageTtl(expires: ReadonlyMap<string, number>, now: number): number {
  if (expires.size === 0) return 0;
  let sum = 0;
  let n = 0;
  let seen = 0;
  for (const at of expires.values()) {
    if (at > now) {
      sum += at - now;
      n++;
    }
    // Bounded even when most entries are expired keys not yet reclaimed.
    if (++seen >= AVG_TTL_SAMPLE_KEYS) break;
  }
  return n === 0 ? 0 : Math.floor(sum / n);
}

function keyspaceSection(server: ServerState, now: number): string {
  let s = '';
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    s += `db${db.id}:keys=${db.size},expires=${db.expiresCount},avg_ttl=${averageTtl(db.expires, now)}\r\n`;
  }
  return s;
}

function render(server: ServerState, section: Section, now: number): string {
  switch (section) {
    case 'server':
      return serverSection(server, now);
    case 'clients':
      return clientsSection(server);
    case 'memory':
      return memorySection(server);
    case 'persistence':
      return persistenceSection(server);
    case 'stats':
      return statsSection(server);
    case 'replication':
      return replicationSection(server);
    case 'cpu':
      return cpuSection();
    case 'modules':
      return '';
    case 'commandstats':
      return commandstatsSection(server);
    case 'errorstats':
      return errorstatsSection(server);
    case 'cluster':
      return 'cluster_enabled:0\r\n';
    case 'keyspace':
      return keyspaceSection(server, now);
  }
}

/** The whole INFO text for the given arguments (section names, `default`, `all`, `everything`). */
export function infoText(server: ServerState, args: readonly string[], now = Date.now()): string { // deterministic-ok: INFO statistics, not state
  const wanted = selectSections(args);
  const parts: string[] = [];
  for (const section of SECTION_ORDER) {
    if (!wanted.has(section)) continue;
    parts.push(`# ${HEADERS[section]}\r\n${render(server, section, now)}`);
  }
  return parts.join('\r\n');
}
