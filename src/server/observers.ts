// What watches commands go by: MONITOR clients and the slow log. The dispatcher (and EXEC, for
// the commands it runs) reports every executed command here after it ran, which is when Redis
// 7.0 feeds its monitors and its slow log (so SELECT shows the new db, and EXEC comes after the
// commands it ran).

import type { Client } from '../net/client.js';
import type { Command } from '../commands/types.js';
import type { ServerState } from './state.js';

/** Redis's sdscatrepr: a quoted, escaped rendering of bytes. */
export function quoteRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x5c:
        out += '\\\\';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      default:
        out += c >= 0x20 && c <= 0x7e ? s[i] : `\\x${c.toString(16).padStart(2, '0')}`;
    }
  }
  return out + '"';
}

/** Arguments never shown in MONITOR or the slow log. */
function redacted(cmd: Command, argv: readonly string[], i: number): boolean {
  if (i === 0) return false;
  const name = cmd.fullName;
  if (name === 'auth') return true;
  if (name === 'hello') {
    for (let j = 1; j < i; j++) if (argv[j]!.toLowerCase() === 'auth' && i <= j + 2) return true;
  }
  if (name === 'config|set' && argv[i - 1]?.toLowerCase() === 'requirepass') return true;
  return false;
}

/** Slow log arguments: at most 32, each cut to 128 bytes, as Redis does. */
const SLOWLOG_ARGS_MAX = 32;
const SLOWLOG_ARG_BYTES_MAX = 128;

export interface SlowlogEntry {
  id: number;
  timestamp: number;
  usec: number;
  argv: string[];
  addr: string;
  name: string;
}

export class CommandObservers {
  readonly monitors = new Set<Client>();
  slowlog: SlowlogEntry[] = [];
  private nextSlowlogId = 0;
  /** slowlog-log-slower-than, cached: it is read after every command. */
  private slowlogThresholdUsec: number;

  constructor(private readonly server: ServerState) {
    this.slowlogThresholdUsec = server.config.int('slowlog-log-slower-than');
    server.config.onChange((name) => {
      if (name === 'slowlog-log-slower-than') this.slowlogThresholdUsec = server.config.int(name);
    });
  }

  /**
   * Called after a command ran for a client. `fromScript`: a redis.call of that client's script,
   * which Redis runs as its Lua client — MONITOR shows it as `[db lua]`, SLOWLOG with client
   * `?:0` and no name.
   */
  afterCommand(client: Client, cmd: Command, argv: readonly string[], dbIndex: number, usec: number, fromScript = false): void {
    if (this.monitors.size > 0 && !cmd.flags.has('admin') && !cmd.flags.has('skip_monitor')) this.feedMonitors(fromScript ? 'lua' : client.addr, cmd, argv, dbIndex);
    const threshold = this.slowlogThresholdUsec;
    if (threshold >= 0 && usec >= threshold && !cmd.flags.has('skip_slowlog')) this.logSlow(fromScript ? null : client, cmd, argv, usec);
  }

  /**
   * EVAL, EVALSHA, FCALL and their _RO forms are flagged skip_monitor; like Redis they feed
   * MONITOR themselves before running, so the commands the script runs show after it.
   */
  scriptStarting(client: Client, cmd: Command, argv: readonly string[], dbIndex: number): void {
    if (this.monitors.size > 0) this.feedMonitors(client.addr, cmd, argv, dbIndex);
  }

  private feedMonitors(source: string, cmd: Command, argv: readonly string[], dbIndex: number): void {
    const nowUs = Date.now() * 1000 + Math.floor((performance.now() % 1) * 1000);
    let line = `${Math.floor(nowUs / 1e6)}.${String(nowUs % 1e6).padStart(6, '0')} [${dbIndex} ${source}]`;
    for (let i = 0; i < argv.length; i++) line += ' ' + (redacted(cmd, argv, i) ? '"(redacted)"' : quoteRepr(argv[i]!));
    for (const m of this.monitors) {
      if (m.closed) {
        this.monitors.delete(m);
        continue;
      }
      m.writer.simple(line);
      this.server.pubsub.scheduleFlush(m);
    }
  }

  /** `client` null: a command a script ran (Redis's Lua client has no address and no name). */
  private logSlow(client: Client | null, cmd: Command, argv: readonly string[], usec: number): void {
    const max = this.server.config.int('slowlog-max-len');
    if (max <= 0) return;
    const shown: string[] = [];
    const count = Math.min(argv.length, SLOWLOG_ARGS_MAX);
    for (let i = 0; i < count; i++) {
      if (count < argv.length && i === count - 1) {
        shown.push(`... (${argv.length - count + 1} more arguments)`);
        break;
      }
      const a = redacted(cmd, argv, i) ? '(redacted)' : argv[i]!;
      shown.push(a.length > SLOWLOG_ARG_BYTES_MAX ? `${a.slice(0, SLOWLOG_ARG_BYTES_MAX)}... (${a.length - SLOWLOG_ARG_BYTES_MAX} more bytes)` : a);
    }
    this.slowlog.unshift({
      id: this.nextSlowlogId++,
      timestamp: Math.floor(Date.now() / 1000),
      usec: Math.round(usec),
      argv: shown,
      addr: client === null ? '?:0' : client.addr,
      name: client === null ? '' : client.name,
    });
    if (this.slowlog.length > max) this.slowlog.length = max;
  }

  resetSlowlog(): void {
    this.slowlog = [];
  }
}
