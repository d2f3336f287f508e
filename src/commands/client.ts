// CLIENT commands: a connection's view of itself (ID, SETNAME/GETNAME, INFO, SETINFO, REPLY,
// NO-EVICT, NO-TOUCH) and of the other connections (LIST, KILL). The CLIENT LIST line has Redis
// 7.0's fields in Redis's order, because tools parse it by field name and some by position; the
// values come from the Client object (net/client.ts). PAUSE/UNPAUSE, TRACKING, CACHING,
// GETREDIR and TRACKINGINFO are not declared yet: the dispatcher answers them with its
// unknown-subcommand error. UNBLOCK releases clients parked by blocking commands
// (blocking/blocking.ts).

import type { CommandDef, ExecContext } from './types.js';
import type { Client } from '../net/client.js';
import type { ServerState } from '../server/state.js';
import { ERR_CLIENT_NAME, validClientName } from './connection.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../protocol/errors.js';
import { parseInt64 } from '../protocol/numbers.js';
import { replyHelp } from './server.js';

type ClientType = 'normal' | 'replica' | 'master' | 'pubsub';

// ----- idle clients (the `timeout` directive) ---------------------------------------------------

/** How often idle connections are looked for; `timeout` is in seconds, so 1 s is precise enough. */
const IDLE_CHECK_INTERVAL_MS = 1000;
const idleTimers = new WeakMap<ServerState, NodeJS.Timeout>();

/**
 * Closes connections idle for longer than `timeout` seconds (0 = never), as Redis's
 * clientsCronHandleTimeout: clients blocked in a command or subscribed to channels are left alone,
 * since waiting is what they are for.
 */
export function closeIdleClients(server: ServerState, now: number): number {
  const timeoutSeconds = server.config.int('timeout');
  if (timeoutSeconds <= 0) return 0;
  let closed = 0;
  for (const c of [...server.clients.values()]) {
    if (c.closed || c.blocked || clientType(c) === 'pubsub') continue;
    if (now - c.lastInteraction > timeoutSeconds * 1000) {
      server.log.verbose(`Closing idle client id=${c.id} addr=${c.addr}`);
      c.close();
      closed++;
    }
  }
  return closed;
}

/** Starts the per-server idle check if it is not running (called when a client connects). */
export function ensureIdleCheck(server: ServerState): void {
  if (idleTimers.has(server)) return;
  const timer = setInterval(() => {
    if (server.shuttingDown) {
      clearInterval(timer);
      return;
    }
    closeIdleClients(server, Date.now()); // deterministic-ok: client ages and idle times, not keyspace state
  }, IDLE_CHECK_INTERVAL_MS);
  timer.unref();
  idleTimers.set(server, timer);
}

/** Redis's getClientTypeByName: "slave" is an alias of "replica". */
function parseClientType(name: string): ClientType | null {
  const n = name.toLowerCase();
  if (n === 'normal' || n === 'master' || n === 'pubsub') return n;
  if (n === 'replica' || n === 'slave') return 'replica';
  return null;
}

function clientType(c: Client): ClientType {
  // No replication links yet, so every connection is normal or (with subscriptions) pubsub.
  const s = c.subscriptions;
  return s.channel.size + s.pattern.size + s.shard.size > 0 ? 'pubsub' : 'normal';
}

function flagsOf(c: Client): string {
  let f = '';
  if (clientType(c) === 'pubsub') f += 'P';
  if (c.multi) f += 'x';
  if (c.blocked) f += 'b';
  if (c.dirtyCas) f += 'd';
  if (c.closing) f += 'c';
  if (c.noEvict) f += 'e';
  if (c.noTouch) f += 'T';
  return f === '' ? 'N' : f;
}


/**
 * One CLIENT LIST / CLIENT INFO line (without the trailing newline). `argvBytes` is the size of
 * the command being run when `c` is the calling client (Redis's argv-mem), else 0.
 */
export function clientInfoLine(c: Client, now: number, currentArgvBytes: number): string {
  const qbuf = c.parser.pendingBytes;
  const rbs = c.writer.capacity;
  const omem = c.socket.writableLength;
  const events = c.socket.writableLength > 0 ? 'rw' : 'r';
  let multiMem = 0;
  if (c.multi) for (const q of c.multi.commands) multiMem += argvBytes(q.argv);
  const subs = c.subscriptions;
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name}` +
    ` age=${Math.max(0, Math.floor((now - c.createdAt) / 1000))} idle=${Math.max(0, Math.floor((now - c.lastInteraction) / 1000))}` +
    ` flags=${flagsOf(c)} db=${c.dbIndex} sub=${subs.channel.size} psub=${subs.pattern.size} ssub=${subs.shard.size}` +
    ` multi=${c.multi ? c.multi.commands.length : -1} qbuf=${qbuf} qbuf-free=0 argv-mem=${currentArgvBytes} multi-mem=${multiMem}` +
    ` rbs=${rbs} rbp=${rbs} obl=${c.writer.length} oll=0 omem=${omem} tot-mem=${qbuf + rbs + omem + currentArgvBytes + multiMem}` +
    ` events=${events} cmd=${c.lastCommand} user=${c.user} redir=-1 resp=${c.resp}` +
    ` lib-name=${c.libName} lib-ver=${c.libVer}`
  );
}

function argvBytes(argv: readonly string[]): number {
  let n = 0;
  for (const a of argv) n += a.length;
  return n;
}

function lineFor(ctx: ExecContext, c: Client, argv: readonly string[], now: number): string {
  return clientInfoLine(c, now, c === ctx.client ? argvBytes(argv) : 0);
}

/** Closes another client, or marks the caller to close after this reply (as Redis does). */
function kill(ctx: ExecContext, c: Client): void {
  if (c === ctx.client) {
    c.closing = true;
    return;
  }
  c.closing = true;
  c.flush();
}

interface KillFilter {
  ids: number[] | null;
  type: ClientType | null;
  addr: string | null;
  laddr: string | null;
  user: string | null;
  skipMe: boolean;
  maxAgeSeconds: number | null;
}

function parseKillFilters(argv: string[]): KillFilter | string {
  const f: KillFilter = { ids: null, type: null, addr: null, laddr: null, user: null, skipMe: true, maxAgeSeconds: null };
  if ((argv.length - 2) % 2 !== 0) return ERR_SYNTAX;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i]!.toLowerCase();
    const val = argv[i + 1]!;
    if (opt === 'id') {
      const id = parseInt64(val);
      if (id === null || typeof id !== 'number' || id <= 0) return 'ERR client-id should be greater than 0';
      (f.ids ??= []).push(id);
    } else if (opt === 'type') {
      const t = parseClientType(val);
      if (t === null) return `ERR Unknown client type '${val}'`;
      f.type = t;
    } else if (opt === 'addr') {
      f.addr = val;
    } else if (opt === 'laddr') {
      f.laddr = val;
    } else if (opt === 'user') {
      // Only the default user exists until ACLs do.
      if (val !== 'default') return `ERR No such user '${val}'`;
      f.user = val;
    } else if (opt === 'skipme') {
      const v = val.toLowerCase();
      if (v === 'yes') f.skipMe = true;
      else if (v === 'no') f.skipMe = false;
      else return ERR_SYNTAX;
    } else if (opt === 'maxage') {
      // Redis 7.4's filter: clients connected for more than this many seconds.
      const age = parseInt64(val);
      if (age === null || typeof age !== 'number') return ERR_SYNTAX;
      f.maxAgeSeconds = age;
    } else {
      return ERR_SYNTAX;
    }
  }
  return f;
}

function matchesKill(ctx: ExecContext, c: Client, f: KillFilter, now: number): boolean {
  if (f.ids && !f.ids.includes(c.id)) return false;
  if (f.type && clientType(c) !== f.type) return false;
  if (f.addr !== null && c.addr !== f.addr) return false;
  if (f.laddr !== null && c.laddr !== f.laddr) return false;
  if (f.user !== null && c.user !== f.user) return false;
  if (f.skipMe && c === ctx.client) return false;
  // As Redis 7.4: connected for more than MAXAGE whole seconds; MAXAGE 0 filters nothing.
  if (f.maxAgeSeconds !== null && f.maxAgeSeconds !== 0 && Math.floor((now - c.createdAt) / 1000) <= f.maxAgeSeconds) return false;
  return true;
}

function clientList(ctx: ExecContext, argv: string[]): void {
  const server: ServerState = ctx.server;
  let type: ClientType | null = null;
  let ids: Set<number> | null = null;
  if (argv.length === 4 && argv[2]!.toLowerCase() === 'type') {
    type = parseClientType(argv[3]!);
    if (type === null) {
      ctx.reply.error(`ERR Unknown client type '${argv[3]}'`);
      return;
    }
  } else if (argv.length >= 4 && argv[2]!.toLowerCase() === 'id') {
    ids = new Set();
    for (let i = 3; i < argv.length; i++) {
      const id = parseInt64(argv[i]!);
      if (id === null || typeof id !== 'number' || id <= 0) {
        ctx.reply.error('ERR Invalid client ID');
        return;
      }
      ids.add(id);
    }
  } else if (argv.length !== 2) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  const now = Date.now(); // deterministic-ok: client ages and idle times, not keyspace state
  let text = '';
  for (const c of server.clients.values()) {
    if (c.closed) continue;
    if (type !== null && clientType(c) !== type) continue;
    if (ids !== null && !ids.has(c.id)) continue;
    text += lineFor(ctx, c, argv, now) + '\n';
  }
  ctx.reply.verbatim(text);
}

const CLIENT_HELP = [
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  '    * ID <client-id>',
  '      Kill connections by client id.',
  '    * MAXAGE <maxage>',
  '      Kill connections older than the specified age.',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  '    * ID <client-id> [<client-id> ...]',
  '      Return clients of specified IDs only.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <option> <value>',
  '    Set client meta attr. Options are:',
  '    * LIB-NAME: the client lib name.',
  '    * LIB-VER: the client lib version.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Will not touch LRU/LFU stats when this mode is on.',
];

/** ON/OFF switches (NO-EVICT, NO-TOUCH): true, false, or null for anything else. */
function onOff(s: string): boolean | null {
  const v = s.toLowerCase();
  return v === 'on' ? true : v === 'off' ? false : null;
}

export const clientCommands: CommandDef[] = [
  {
    name: 'client',
    group: 'connection',
    summary: 'A container for client connection commands.',
    since: '2.4.0',
    subcommands: [
      {
        name: 'id',
        group: 'connection',
        summary: 'Returns the unique client ID of the connection.',
        since: '5.0.0',
        handler(ctx) {
          ctx.reply.integer(ctx.client ? ctx.client.id : 0);
        },
      },
      {
        name: 'setname',
        group: 'connection',
        summary: 'Sets the connection name.',
        since: '2.6.9',
        handler(ctx, argv) {
          const name = argv[2]!;
          if (!validClientName(name)) {
            ctx.reply.error(ERR_CLIENT_NAME);
            return;
          }
          if (ctx.client) ctx.client.name = name;
          ctx.reply.ok();
        },
      },
      {
        name: 'getname',
        group: 'connection',
        summary: 'Returns the name of the connection.',
        since: '2.6.9',
        handler(ctx) {
          const name = ctx.client?.name ?? '';
          if (name === '') ctx.reply.nullBulk();
          else ctx.reply.bulk(name);
        },
      },
      {
        name: 'list',
        group: 'connection',
        summary: 'Lists open connections.',
        since: '2.4.0',
        handler: clientList,
      },
      {
        name: 'info',
        group: 'connection',
        summary: 'Returns information about the connection.',
        since: '6.2.0',
        handler(ctx, argv) {
          if (!ctx.client) {
            ctx.reply.verbatim('');
            return;
          }
          ctx.reply.verbatim(lineFor(ctx, ctx.client, argv, Date.now()) + '\n'); // deterministic-ok: client ages and idle times, not keyspace state
        },
      },
      {
        name: 'kill',
        group: 'connection',
        summary: 'Terminates open connections.',
        since: '2.4.0',
        handler(ctx, argv) {
          const now = Date.now(); // deterministic-ok: client ages and idle times, not keyspace state
          if (argv.length === 3) {
            // Old form: CLIENT KILL addr:port, replying OK or an error.
            const target = [...ctx.server.clients.values()].find((c) => !c.closed && c.addr === argv[2]);
            if (!target) {
              ctx.reply.error('ERR No such client');
              return;
            }
            kill(ctx, target);
            ctx.reply.ok();
            return;
          }
          const f = parseKillFilters(argv);
          if (typeof f === 'string') {
            ctx.reply.error(f);
            return;
          }
          let killed = 0;
          for (const c of [...ctx.server.clients.values()]) {
            if (c.closed || !matchesKill(ctx, c, f, now)) continue;
            kill(ctx, c);
            killed++;
          }
          ctx.reply.integer(killed);
        },
      },
      {
        name: 'setinfo',
        group: 'connection',
        summary: 'Sets information specific to the client or connection.',
        since: '7.2.0',
        handler(ctx, argv) {
          // Redis 7.2's command; node-redis and ioredis send it on connect, so 7.0-compatible
          // keyraft accepts it rather than making them log an error.
          const attr = argv[2]!.toLowerCase();
          const value = argv[3]!;
          if (attr !== 'lib-name' && attr !== 'lib-ver') {
            ctx.reply.error(`ERR Unrecognized option '${argv[2]}'`);
            return;
          }
          if (!validClientName(value)) {
            ctx.reply.error(`ERR ${argv[2]} cannot contain spaces, newlines or special characters.`);
            return;
          }
          if (ctx.client) {
            if (attr === 'lib-name') ctx.client.libName = value;
            else ctx.client.libVer = value;
          }
          ctx.reply.ok();
        },
      },
      {
        name: 'reply',
        group: 'connection',
        summary: 'Instructs the server whether to reply to commands.',
        since: '3.2.0',
        handler(ctx, argv) {
          const mode = argv[2]!.toLowerCase();
          if (mode !== 'on' && mode !== 'off' && mode !== 'skip') {
            ctx.reply.error(ERR_SYNTAX);
            return;
          }
          if (ctx.client) ctx.client.replyMode = mode;
          // Only ON is acknowledged; OFF and SKIP take effect from this very command on.
          if (mode === 'on') ctx.reply.ok();
        },
      },
      {
        name: 'no-evict',
        group: 'connection',
        summary: 'Sets the client eviction mode of the connection.',
        since: '7.0.0',
        handler(ctx, argv) {
          const v = onOff(argv[2]!);
          if (v === null) {
            ctx.reply.error(ERR_SYNTAX);
            return;
          }
          if (ctx.client) ctx.client.noEvict = v;
          ctx.reply.ok();
        },
      },
      {
        name: 'no-touch',
        group: 'connection',
        summary: 'Controls whether commands sent by the client affect the LRU/LFU of accessed keys.',
        since: '7.2.0',
        handler(ctx, argv) {
          const v = onOff(argv[2]!);
          if (v === null) {
            ctx.reply.error(ERR_SYNTAX);
            return;
          }
          if (ctx.client) ctx.client.noTouch = v;
          ctx.reply.ok();
        },
      },
      {
        name: 'pause',
        group: 'connection',
        summary: 'Suspends commands processing.',
        since: '3.0.0',
        handler(ctx, argv) {
          const timeout = parseInt64(argv[2]!);
          if (timeout === null) {
            ctx.reply.error('ERR timeout is not an integer or out of range');
            return;
          }
          if (timeout < 0) {
            ctx.reply.error('ERR timeout is negative');
            return;
          }
          let mode: 'all' | 'write' = 'all';
          if (argv.length === 4) {
            const m = argv[3]!.toLowerCase();
            if (m !== 'all' && m !== 'write') {
              ctx.reply.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
              return;
            }
            mode = m;
          } else if (argv.length > 4) {
            ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try CLIENT HELP.`);
            return;
          }
          ctx.server.pause.pause(Number(timeout), mode, ctx.now);
          ctx.reply.ok();
        },
      },
      {
        name: 'unpause',
        group: 'connection',
        summary: 'Resumes processing of clients that were paused.',
        since: '6.2.0',
        handler(ctx) {
          ctx.server.pause.unpause();
          ctx.reply.ok();
        },
      },
      {
        name: 'unblock',
        group: 'connection',
        summary: 'Unblocks a client blocked by a blocking command from a different connection.',
        since: '5.0.0',
        handler(ctx, argv) {
          if (argv.length > 4) {
            ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try CLIENT HELP.`);
            return;
          }
          let withError = false;
          if (argv.length === 4) {
            const reason = argv[3]!.toLowerCase();
            if (reason === 'error') withError = true;
            else if (reason !== 'timeout') {
              ctx.reply.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
              return;
            }
          }
          const id = parseInt64(argv[2]!);
          if (id === null) {
            ctx.reply.error(ERR_NOT_INTEGER);
            return;
          }
          const target = typeof id === 'number' ? ctx.server.clients.get(id) : undefined;
          ctx.reply.integer(target && ctx.server.blocking.unblock(target, withError) ? 1 : 0);
        },
      },
      {
        name: 'help',
        group: 'connection',
        summary: 'Returns helpful text about the different subcommands.',
        since: '5.0.0',
        handler(ctx) {
          replyHelp(ctx.reply, 'CLIENT', CLIENT_HELP);
        },
      },
    ],
  },
];
