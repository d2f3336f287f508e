// Every configuration directive keyraft understands, declared once: its type, default, whether
// CONFIG SET may change it at run time, and how its value is shown by CONFIG GET. The config
// file, command-line flags, environment variables and CONFIG GET/SET/REWRITE all go through this
// table, so a directive cannot be accepted in one place and unknown in another.

export type DirectiveType = 'int' | 'memory' | 'bool' | 'string' | 'enum' | 'save' | 'bind' | 'cobl' | 'events';

export interface Directive {
  name: string;
  type: DirectiveType;
  default: string;
  /** CONFIG SET allowed while running. */
  mutable: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
  aliases?: readonly string[];
  /**
   * A secret (passwords): never to be written to logs or error messages. CONFIG GET shows it and
   * CONFIG REWRITE stores it, as Redis does, so a restart keeps the server protected.
   */
  sensitive?: boolean;
  /** Out-of-range values are brought into [min, max] instead of rejected (Redis does so for hz). */
  clamp?: boolean;
  /** CONFIG SET refuses it unless enable-protected-configs allows (Redis 7.0's PROTECTED_CONFIG). */
  protected?: boolean;
}

const LLMAX = Number.MAX_SAFE_INTEGER;

export const DIRECTIVES: readonly Directive[] = [
  // Redis rebinds its listeners on CONFIG SET port/bind; keyraft does not (yet), so they are
  // immutable rather than shown changed while the server still listens on the old address.
  { name: 'port', type: 'int', default: '6379', mutable: false, min: 0, max: 65535 },
  { name: 'bind', type: 'bind', default: '127.0.0.1', mutable: false },
  { name: 'protected-mode', type: 'bool', default: 'yes', mutable: true },
  { name: 'requirepass', type: 'string', default: '', mutable: true, sensitive: true },
  { name: 'databases', type: 'int', default: '16', mutable: false, min: 1, max: 1 << 20 },
  { name: 'dir', type: 'string', default: '.', mutable: true, protected: true },
  { name: 'loglevel', type: 'enum', default: 'notice', mutable: true, values: ['debug', 'verbose', 'notice', 'warning', 'nothing'] },
  { name: 'logfile', type: 'string', default: '', mutable: false },
  { name: 'daemonize', type: 'bool', default: 'no', mutable: false },
  { name: 'pidfile', type: 'string', default: '', mutable: false },
  { name: 'timeout', type: 'int', default: '0', mutable: true, min: 0, max: 2147483647 },
  { name: 'tcp-keepalive', type: 'int', default: '300', mutable: true, min: 0, max: 2147483647 },
  { name: 'tcp-backlog', type: 'int', default: '511', mutable: false, min: 0, max: 2147483647 },
  { name: 'maxclients', type: 'int', default: '10000', mutable: true, min: 1, max: 4294967295 },
  { name: 'hz', type: 'int', default: '10', mutable: true, min: 1, max: 500, clamp: true },
  // CONFIG SET of protected directives (dir, dbfilename) is refused unless enabled, as in Redis 7.0.
  { name: 'enable-protected-configs', type: 'enum', default: 'no', mutable: false, values: ['no', 'yes', 'local'] },
  // DEBUG is refused unless enabled, as in Redis 7.0 ("local": only from loopback connections).
  { name: 'enable-debug-command', type: 'enum', default: 'no', mutable: false, values: ['no', 'yes', 'local'] },
  { name: 'proto-max-bulk-len', type: 'memory', default: '536870912', mutable: true, min: 1024 * 1024, max: LLMAX },
  { name: 'client-query-buffer-limit', type: 'memory', default: '1073741824', mutable: true, min: 1024 * 1024, max: LLMAX },
  {
    name: 'client-output-buffer-limit',
    type: 'cobl',
    default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    mutable: true,
  },
  { name: 'maxmemory', type: 'memory', default: '0', mutable: true, min: 0, max: LLMAX },
  {
    name: 'maxmemory-policy',
    type: 'enum',
    default: 'noeviction',
    mutable: true,
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  },
  { name: 'save', type: 'save', default: '3600 1 300 100 60 10000', mutable: true },
  { name: 'dbfilename', type: 'string', default: 'dump.krdb', mutable: true, protected: true },
  // Refuse writes (-MISCONF) while the last background save failed and save points are set.
  { name: 'stop-writes-on-bgsave-error', type: 'bool', default: 'yes', mutable: true },
  // CONFIG SET appendonly yes with data starts a rewrite writing the first BASE (docs/PERSISTENCE.md).
  { name: 'appendonly', type: 'bool', default: 'no', mutable: true },
  { name: 'appendfilename', type: 'string', default: 'appendonly.aof', mutable: false },
  { name: 'appenddirname', type: 'string', default: 'appendonlydir', mutable: false },
  { name: 'appendfsync', type: 'enum', default: 'everysec', mutable: true, values: ['always', 'everysec', 'no'] },
  { name: 'aof-load-truncated', type: 'bool', default: 'yes', mutable: true },
  // Automatic BGREWRITEAOF when the AOF grew by this percentage since the last rewrite (0: never)
  // and is larger than the min size.
  { name: 'auto-aof-rewrite-percentage', type: 'int', default: '100', mutable: true, min: 0, max: 2147483647 },
  { name: 'auto-aof-rewrite-min-size', type: 'memory', default: '67108864', mutable: true, min: 0, max: LLMAX },
  { name: 'slowlog-log-slower-than', type: 'int', default: '10000', mutable: true, min: -1, max: LLMAX },
  { name: 'slowlog-max-len', type: 'int', default: '128', mutable: true, min: 0, max: LLMAX },
  { name: 'notify-keyspace-events', type: 'events', default: '', mutable: true },
  { name: 'busy-reply-threshold', type: 'int', default: '5000', mutable: true, min: 0, max: LLMAX, aliases: ['lua-time-limit'] },
  { name: 'latency-monitor-threshold', type: 'int', default: '0', mutable: true, min: 0, max: LLMAX },
  { name: 'io-threads', type: 'int', default: '1', mutable: false, min: 1, max: 128 },
  { name: 'metrics-port', type: 'int', default: '0', mutable: false, min: 0, max: 65535 },
  // Sparse HyperLogLogs longer than this (header included) are promoted to dense (Redis's default).
  { name: 'hll-sparse-max-bytes', type: 'memory', default: '3000', mutable: true, min: 0, max: LLMAX },
  // Stream node limits (src/types/stream.ts models Redis's macro nodes; `~` trimming depends on them).
  { name: 'stream-node-max-bytes', type: 'memory', default: '4096', mutable: true, min: 0, max: LLMAX },
  { name: 'stream-node-max-entries', type: 'int', default: '100', mutable: true, min: 0, max: LLMAX },
];

const BY_NAME = new Map<string, Directive>();
for (const d of DIRECTIVES) {
  BY_NAME.set(d.name, d);
  for (const a of d.aliases ?? []) BY_NAME.set(a, d);
}

export function findDirective(name: string): Directive | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Redis's memtoull: an integer with an optional unit (b, k, kb, m, mb, g, gb), case-insensitive. */
export function parseMemory(text: string): number | null {
  const m = /^(-?\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(text);
  if (!m) return null;
  const units: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  const v = Number(m[1]) * (m[2] ? units[m[2].toLowerCase()]! : 1);
  return Number.isSafeInteger(v) ? v : null;
}

/** Client output buffer limit for one class: hard and soft limits in bytes, soft seconds. */
export interface OutputBufferLimit {
  hardBytes: number;
  softBytes: number;
  softSeconds: number;
}

export type OutputBufferClass = 'normal' | 'replica' | 'pubsub';

/** Parses "class hard soft seconds [class hard soft seconds ...]"; null if malformed. */
export function parseOutputBufferLimits(text: string): Partial<Record<OutputBufferClass, OutputBufferLimit>> | null {
  const r = checkOutputBufferLimits(text);
  return 'error' in r ? null : r;
}

/** As parseOutputBufferLimits, with Redis's error text for what is wrong. */
export function checkOutputBufferLimits(text: string): Partial<Record<OutputBufferClass, OutputBufferLimit>> | { error: string } {
  const parts = text.trim() === '' ? [] : text.trim().split(/\s+/);
  if (parts.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
  const out: Partial<Record<OutputBufferClass, OutputBufferLimit>> = {};
  for (let i = 0; i < parts.length; i += 4) {
    const name = parts[i]!.toLowerCase();
    const cls: OutputBufferClass | null = name === 'normal' ? 'normal' : name === 'slave' || name === 'replica' ? 'replica' : name === 'pubsub' ? 'pubsub' : null;
    if (cls === null) return { error: 'Invalid client class specified in buffer limit configuration.' };
    const hard = parseMemory(parts[i + 1]!);
    const soft = parseMemory(parts[i + 2]!);
    const secs = /^\d+$/.test(parts[i + 3]!) ? Number(parts[i + 3]) : null;
    if (hard === null || soft === null || secs === null || hard < 0 || soft < 0) {
      return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
    }
    out[cls] = { hardBytes: hard, softBytes: soft, softSeconds: secs };
  }
  return out;
}

/** The canonical text CONFIG GET shows: every class, in bytes, in Redis's order and naming. */
function renderOutputBufferLimits(limits: Partial<Record<OutputBufferClass, OutputBufferLimit>>): string {
  const names: [OutputBufferClass, string][] = [
    ['normal', 'normal'],
    ['replica', 'slave'],
    ['pubsub', 'pubsub'],
  ];
  return names
    .map(([cls, name]) => {
      const l = limits[cls] ?? { hardBytes: 0, softBytes: 0, softSeconds: 0 };
      return `${name} ${l.hardBytes} ${l.softBytes} ${l.softSeconds}`;
    })
    .join(' ');
}

/** notify-keyspace-events classes, and Redis's canonical spelling of a set of them. */
const EVENT_CLASSES = 'g$lshzxetd';
function normalizeEvents(raw: string): string | null {
  const set = new Set<string>();
  for (const ch of raw) {
    if (ch === 'A') for (const c of EVENT_CLASSES) set.add(c);
    else if ((EVENT_CLASSES + 'KEmn').includes(ch)) set.add(ch);
    else return null;
  }
  let out = '';
  if ([...EVENT_CLASSES].every((c) => set.has(c))) out = 'A';
  else for (const c of EVENT_CLASSES + 'n') if (set.has(c)) out += c;
  for (const c of 'KEm') if (set.has(c)) out += c;
  return out;
}

/**
 * Validates and normalizes a directive's value as given in a file, flag, env var or CONFIG SET.
 * Returns the canonical text, or an error message in Redis's words.
 */
export function normalizeValue(d: Directive, raw: string, current?: string): { value: string } | { error: string } {
  switch (d.type) {
    case 'int':
    case 'memory': {
      const v = d.type === 'memory' ? parseMemory(raw) : /^-?\d+$/.test(raw) ? Number(raw) : null;
      if (v === null || !Number.isSafeInteger(v) || (d.type === 'memory' && v < 0)) {
        return { error: d.type === 'memory' ? 'argument must be a memory value' : 'argument couldn\'t be parsed into an integer' };
      }
      if (d.clamp) return { value: String(Math.min(d.max ?? v, Math.max(d.min ?? v, v))) };
      if ((d.min !== undefined && v < d.min) || (d.max !== undefined && v > d.max)) {
        // Redis's bound for these is LLONG_MAX; keyraft stops at 2^53 - 1 but words it as Redis.
        const max = d.max === LLMAX ? '9223372036854775807' : d.max;
        return { error: `argument must be between ${d.min} and ${max} inclusive` };
      }
      return { value: String(v) };
    }
    case 'bool': {
      const v = raw.toLowerCase();
      if (v !== 'yes' && v !== 'no') return { error: 'argument must be \'yes\' or \'no\'' };
      return { value: v };
    }
    case 'enum': {
      const v = raw.toLowerCase();
      if (!d.values!.includes(v)) return { error: `argument(s) must be one of the following: ${d.values!.join(', ')}` };
      return { value: v };
    }
    case 'save': {
      const parts = raw.trim() === '' ? [] : raw.trim().split(/\s+/);
      if (parts.length % 2 !== 0 || parts.some((p) => !/^\d+$/.test(p))) return { error: 'Invalid save parameters' };
      return { value: parts.join(' ') };
    }
    case 'bind': {
      const parts = raw.trim().split(/\s+/).filter((p) => p.length > 0);
      if (parts.length === 0) return { error: 'Invalid bind address' };
      return { value: parts.join(' ') };
    }
    case 'cobl': {
      // Classes not given keep their current limits, as in Redis.
      const given = checkOutputBufferLimits(raw);
      if ('error' in given) return given;
      const base = parseOutputBufferLimits(current ?? d.default) ?? {};
      return { value: renderOutputBufferLimits({ ...base, ...given }) };
    }
    case 'events': {
      const v = normalizeEvents(raw);
      if (v === null) return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
      return { value: v };
    }
    case 'string':
      return { value: raw };
  }
}
