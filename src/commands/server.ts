// Server commands: introspection and administration of the whole server rather than of one key —
// DBSIZE FLUSHDB FLUSHALL SWAPDB TIME LASTSAVE INFO ROLE COMMAND CONFIG SHUTDOWN DEBUG. Replies follow
// Redis 7.0 byte for byte where Redis is deterministic (errors, COMMAND INFO shapes, CONFIG GET),
// because client libraries and tools (redis-cli, ioredis' command table, BullMQ's version check)
// parse them. INFO's text is rendered in info.ts.

import { createRequire } from 'node:module';
import type { Command, CommandDef, ExecContext } from './types.js';
import type { Reply } from '../protocol/reply.js';
import type { ServerState } from '../server/state.js';
import type { Db } from '../keyspace/db.js';
import { ERR_DB_INDEX, ERR_SYNTAX } from '../protocol/errors.js';
import { parseInt64 } from '../protocol/numbers.js';
import { globMatch } from '../util/glob.js';
import { ConfigError } from '../config/config.js';
import { infoText, resetInfoSamples } from './info.js';

// ----- helpers shared by the family ------------------------------------------------------------

/** Redis's addReplyHelp: a status line per entry, with HELP appended. */
export function replyHelp(reply: Reply, command: string, lines: readonly string[]): void {
  const all = [`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, 'HELP', '    Prints this help.'];
  reply.array(all.length);
  for (const l of all) reply.simple(l);
}

// ----- command metadata for COMMAND INFO / DOCS / LIST -----------------------------------------

interface Meta {
  requestPolicy?: string;
  responsePolicy?: string;
  flags: string[];
  subcommands?: Record<string, Meta>;
}
const require = createRequire(import.meta.url);
const META: Record<string, Meta> = require('@ioredis/commands/built/commands.json');

/**
 * Flags in the order Redis 7.0 prints them (server.c addReplyCommandFlags). Flags of later
 * releases that @ioredis/commands may carry (script_runner…) are not printed. no_async_loading
 * is a Redis 7.0 flag that CommandFlag does not name yet, hence plain strings here.
 */
const FLAG_ORDER: readonly string[] = [
  'write',
  'readonly',
  'denyoom',
  'module',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'may_replicate',
  'no_mandatory_keys',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
];

function flagsOf(cmd: Command): string[] {
  const flags = cmd.flags as ReadonlySet<string>;
  return FLAG_ORDER.filter((f) => flags.has(f));
}

function metaOf(cmd: Command): Meta | undefined {
  const [parent, sub] = cmd.fullName.split('|');
  const m = META[parent!];
  return sub === undefined ? m : m?.subcommands?.[sub];
}

/**
 * Command tips: the request/response policies @ioredis/commands carries, and
 * nondeterministic_output for commands it flags `random`. Redis has more tips (for example
 * nondeterministic_output_order) that the package does not carry; those are missing.
 */
function tipsOf(cmd: Command): string[] {
  const m = metaOf(cmd);
  const tips: string[] = [];
  if (m?.flags.includes('random')) tips.push('nondeterministic_output');
  if (m?.requestPolicy) tips.push(`request_policy:${m.requestPolicy}`);
  if (m?.responsePolicy) tips.push(`response_policy:${m.responsePolicy}`);
  return tips;
}

/** One COMMAND INFO entry in Redis 7.0's shape. */
function replyCommandInfo(reply: Reply, cmd: Command): void {
  reply.array(10);
  reply.bulk(cmd.fullName);
  reply.integer(cmd.arity);
  const flags = flagsOf(cmd);
  reply.set(flags.length);
  for (const f of flags) reply.simple(f);
  reply.integer(cmd.firstKey);
  reply.integer(cmd.lastKey);
  reply.integer(cmd.step);
  const cats = cmd.categories;
  reply.set(cats.length);
  for (const c of cats) reply.simple(c);
  const tips = tipsOf(cmd);
  reply.set(tips.length);
  for (const t of tips) reply.bulk(t);
  // Key specs (flags such as RO/RW/access/update, begin_search, find_keys) are not in the
  // metadata keyraft has; first/last/step above carry the key positions. Empty, not invented.
  reply.set(0);
  const subs = cmd.subcommands ? [...cmd.subcommands.values()] : [];
  reply.set(subs.length);
  for (const s of subs) replyCommandInfo(reply, s);
}

function replyCommandDocs(reply: Reply, cmd: Command): void {
  const subs = cmd.subcommands ? [...cmd.subcommands.values()] : [];
  reply.map(subs.length > 0 ? 4 : 3);
  reply.bulk('summary');
  reply.bulk(cmd.summary);
  reply.bulk('since');
  reply.bulk(cmd.since);
  reply.bulk('group');
  reply.bulk(cmd.group);
  if (subs.length > 0) {
    reply.bulk('subcommands');
    reply.map(subs.length);
    for (const s of subs) {
      reply.bulk(s.fullName);
      replyCommandDocs(reply, s);
    }
  }
}

/** A command or subcommand by name as COMMAND INFO/DOCS accept it ("get", "config|get"). */
function findCommand(server: ServerState, name: string): Command | undefined {
  const bar = name.indexOf('|');
  if (bar < 0) return server.commands.lookup(name);
  const parent = server.commands.lookup(name.slice(0, bar));
  return parent?.subcommands?.get(name.slice(bar + 1).toLowerCase());
}

function everyCommand(server: ServerState): Command[] {
  const out: Command[] = [];
  for (const cmd of server.commands.all()) {
    out.push(cmd);
    if (cmd.subcommands) out.push(...cmd.subcommands.values());
  }
  return out;
}

/** The numkeys-style key positions of commands whose keys move (movablekeys). */
function movableKeys(cmd: Command, argv: readonly string[]): number[] | null {
  const numkeysAt = (at: number, first: number, extra: number[] = []): number[] | null => {
    const n = parseInt64(argv[at] ?? '');
    if (n === null || typeof n !== 'number' || n < 0 || first + n > argv.length) return null;
    const out = [...extra];
    for (let i = 0; i < n; i++) out.push(first + i);
    return out;
  };
  switch (cmd.fullName) {
    case 'eval':
    case 'evalsha':
    case 'eval_ro':
    case 'evalsha_ro':
    case 'fcall':
    case 'fcall_ro':
      return numkeysAt(2, 3);
    case 'zunionstore':
    case 'zinterstore':
    case 'zdiffstore': {
      const r = numkeysAt(2, 3, [1]);
      return r && r.length > 1 ? r : null;
    }
    case 'zunion':
    case 'zinter':
    case 'zdiff':
    case 'zintercard':
    case 'sintercard':
    case 'lmpop':
    case 'zmpop': {
      const r = numkeysAt(1, 2);
      return r && r.length > 0 ? r : null;
    }
    case 'blmpop':
    case 'bzmpop': {
      const r = numkeysAt(2, 3);
      return r && r.length > 0 ? r : null;
    }
    case 'xread':
    case 'xreadgroup': {
      const at = argv.findIndex((a, i) => i > 0 && a.toLowerCase() === 'streams');
      if (at < 0) return null;
      const rest = argv.length - at - 1;
      if (rest === 0 || rest % 2 !== 0) return null;
      const out: number[] = [];
      for (let i = 0; i < rest / 2; i++) out.push(at + 1 + i);
      return out;
    }
    case 'sort':
    case 'sort_ro': {
      const out = [1];
      for (let i = 2; i < argv.length - 1; i++) if (argv[i]!.toLowerCase() === 'store') out.push(i + 1);
      return out;
    }
    case 'migrate': {
      const at = argv.findIndex((a, i) => i > 5 && a.toLowerCase() === 'keys');
      if (at >= 0) return argv.slice(at + 1).map((_, i) => at + 1 + i);
      return argv[3] === '' ? [] : [3];
    }
    default:
      return null;
  }
}

function getKeys(ctx: ExecContext, argv: string[]): void {
  const target = argv.slice(2);
  const server = ctx.server;
  let cmd = server.commands.lookup(target[0]!);
  if (cmd?.subcommands) cmd = target.length >= 2 ? cmd.subcommands.get(target[1]!.toLowerCase()) : undefined;
  if (!cmd) {
    ctx.reply.error('ERR Invalid command specified');
    return;
  }
  if ((cmd.arity > 0 && target.length !== cmd.arity) || target.length < -cmd.arity) {
    ctx.reply.error('ERR Invalid number of arguments specified for command');
    return;
  }
  let positions: number[] | null;
  if (cmd.flags.has('movablekeys')) {
    positions = movableKeys(cmd, target);
    if (positions === null) {
      ctx.reply.error('ERR Invalid arguments specified for command');
      return;
    }
  } else {
    if (cmd.firstKey === 0) {
      ctx.reply.error('ERR The command has no key arguments');
      return;
    }
    positions = [];
    const last = cmd.lastKey < 0 ? target.length + cmd.lastKey : cmd.lastKey;
    for (let i = cmd.firstKey; i <= last && i < target.length; i += Math.max(1, cmd.step)) positions.push(i);
  }
  const withFlags = argv[1]!.toLowerCase() === 'getkeysandflags';
  ctx.reply.array(positions.length);
  for (const p of positions) {
    if (withFlags) {
      // Per-key access flags come from key specs, which keyraft does not have; report the
      // command-level access instead.
      ctx.reply.array(2);
      ctx.reply.bulk(target[p]!);
      const flags = cmd.isWrite ? ['RW'] : ['RO'];
      ctx.reply.set(flags.length);
      for (const f of flags) ctx.reply.simple(f);
    } else {
      ctx.reply.bulk(target[p]!);
    }
  }
}

function commandList(ctx: ExecContext, argv: string[]): void {
  let filter: (cmd: Command) => boolean = () => true;
  if (argv.length === 5 && argv[2]!.toLowerCase() === 'filterby') {
    const kind = argv[3]!.toLowerCase();
    const value = argv[4]!;
    if (kind === 'module') filter = () => false; // no modules
    else if (kind === 'aclcat') {
      const cat = `@${value.toLowerCase()}`;
      filter = (cmd) => cmd.categories.includes(cat);
    } else if (kind === 'pattern') filter = (cmd) => globMatch(value, cmd.fullName, true);
    else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  } else if (argv.length !== 2) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  const names = everyCommand(ctx.server)
    .filter(filter)
    .map((c) => c.fullName);
  ctx.reply.bulkArray(names);
}

// ----- FLUSHDB / FLUSHALL / SWAPDB --------------------------------------------------------------

/** FLUSHDB/FLUSHALL take an optional ASYNC or SYNC; anything else is a syntax error. */
function flushModeOk(argv: string[]): boolean {
  if (argv.length === 1) return true;
  if (argv.length > 2) return false;
  const m = argv[1]!.toLowerCase();
  return m === 'async' || m === 'sync';
}

/**
 * Empties a database, first signalling every key in it as modified, which is what Redis's
 * signalFlushedDb → touchAllWatchedKeysInDb amounts to (WATCHed keys that existed are touched;
 * ones that did not exist are not). No keyspace events: Redis's FLUSHDB emits none.
 * Returns the number of keys removed.
 */
function flushDb(ctx: ExecContext, db: Db): number {
  const removed = db.size;
  for (const key of db.keys()) ctx.modified(key, db);
  db.clear();
  return removed;
}

// ----- CONFIG -----------------------------------------------------------------------------------

/** Run-time effects of configuration changes that the server does not pick up by itself. */
function applyConfig(server: ServerState, name: string): void {
  if (name === 'proto-max-bulk-len' || name === 'client-query-buffer-limit') {
    const bulk = server.config.int('proto-max-bulk-len');
    const query = server.config.int('client-query-buffer-limit');
    for (const client of server.clients.values()) {
      client.parserLimits.bulkBytesMax = bulk;
      client.parserLimits.queryBufferBytesMax = query;
    }
  }
  // maxclients is read by the listener for every new connection, loglevel and hz by the server's
  // own config listener, requirepass when a client connects (existing connections stay as they
  // are, as in Redis).
}

// ----- SHUTDOWN ---------------------------------------------------------------------------------

function shutdown(ctx: ExecContext, argv: string[]): void {
  let save: boolean | null = null;
  let abort = false;
  let force = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!.toLowerCase();
    if (a === 'nosave' || a === 'save') {
      if (save !== null) {
        ctx.reply.error(ERR_SYNTAX);
        return;
      }
      save = a === 'save';
    } else if (a === 'now' || a === 'force') {
      // NOW skips waiting for replicas (keyraft has none to wait for); FORCE ignores a failed save.
      if (a === 'force') force = true;
    } else if (a === 'abort') {
      abort = true;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }
  if (abort) {
    if (argv.length > 2) ctx.reply.error(ERR_SYNTAX);
    else ctx.reply.error('ERR No shutdown in progress.');
    return;
  }
  const server = ctx.server;
  // A final snapshot when SAVE is given or save points are configured, unless NOSAVE.
  if (!server.onShutdown || !server.rdb.prepareShutdown(save, force)) {
    ctx.reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
    return;
  }
  // No reply: the server closes every connection on its way out, so the client sees the
  // connection close, as with Redis. Commands pipelined after SHUTDOWN are not run.
  if (ctx.client) ctx.client.closing = true;
  server.onShutdown();
}

// ----- DEBUG ------------------------------------------------------------------------------------

const DEBUG_HELP = [
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
];

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, flush, load, synchronously (persistence/snapshot.ts).
 * A BGSAVE in progress is stopped first, so it cannot replace the file afterwards.
 */
function debugReload(ctx: ExecContext, argv: string[]): void {
  let merge = false;
  let flush = true;
  let save = true;
  for (let i = 2; i < argv.length; i++) {
    const o = argv[i]!.toLowerCase();
    if (o === 'merge') merge = true;
    else if (o === 'noflush') flush = false;
    else if (o === 'nosave') save = false;
    else {
      ctx.reply.error('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
      return;
    }
  }
  const server = ctx.server;
  server.rdb.abortBgsave('DEBUG RELOAD');
  if (save && server.rdb.save() !== null) {
    ctx.reply.error('ERR');
    return;
  }
  if (flush) for (const db of server.dbs) flushDb(ctx, db);
  try {
    server.rdb.loadSync(server.dbs, merge);
  } catch (e) {
    server.log.warning(`DEBUG RELOAD: ${(e as Error).message}`);
    ctx.reply.error('ERR Error trying to load the RDB dump, check server logs.');
    return;
  }
  server.log.warning('DB reloaded by DEBUG RELOAD');
  ctx.reply.ok();
}

/** Redis's enable-debug-command / enable-protected-configs: "yes", "no", or "local" (loopback only). */
function enabledFor(ctx: ExecContext, directive: string): boolean {
  const mode = ctx.server.config.get(directive);
  if (mode === 'yes') return true;
  if (mode === 'local' && ctx.client) {
    const host = ctx.client.addr.slice(0, ctx.client.addr.lastIndexOf(':'));
    return host.startsWith('127.') || host === '::1' || host.startsWith('::ffff:127.');
  }
  return false;
}

/** C's strtod on a prefix: "1.5s" is 1.5, "abc" is 0. */
function strtod(s: string): number {
  const v = parseFloat(s);
  return Number.isFinite(v) ? v : 0;
}

function sleepBlocking(ms: number): void {
  if (ms <= 0) return;
  // Blocks the event loop, as Redis's DEBUG SLEEP blocks its main thread.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function debug(ctx: ExecContext, argv: string[]): void {
  if (!enabledFor(ctx, 'enable-debug-command')) {
    ctx.reply.error(
      'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
    );
    return;
  }
  const sub = argv[1]!.toLowerCase();
  if (sub === 'help' && argv.length === 2) {
    replyHelp(ctx.reply, 'DEBUG', DEBUG_HELP);
  } else if (sub === 'sleep' && argv.length === 3) {
    sleepBlocking(strtod(argv[2]!) * 1000);
    ctx.reply.ok();
  } else if (sub === 'log' && argv.length === 3) {
    ctx.server.log.warning(`DEBUG LOG: ${argv[2]}`);
    ctx.reply.ok();
  } else if (sub === 'reload') {
    debugReload(ctx, argv);
  } else if (sub === 'error' && argv.length === 3) {
    ctx.reply.error(argv[2]!);
  } else {
    ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]!.slice(0, 128)}'. Try DEBUG HELP.`);
  }
}

// ----- the family -------------------------------------------------------------------------------

const COMMAND_HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

export const serverCommands: CommandDef[] = [
  {
    name: 'dbsize',
    group: 'server',
    summary: 'Returns the number of keys in the database.',
    handler(ctx) {
      ctx.reply.integer(ctx.db.size);
    },
  },
  {
    name: 'flushdb',
    group: 'server',
    summary: 'Removes all keys from the current database.',
    handler(ctx, argv) {
      if (!flushModeOk(argv)) {
        ctx.reply.error(ERR_SYNTAX);
        return;
      }
      // ASYNC runs synchronously: freeing is done by V8's collector in the background anyway,
      // and dropping the references is quick.
      const removed = flushDb(ctx, ctx.db);
      // Always counts as a change so that it is persisted/replicated even on an empty db.
      ctx.dirty(Math.max(1, removed));
      ctx.reply.ok();
    },
  },
  {
    name: 'flushall',
    group: 'server',
    summary: 'Removes all keys from all databases.',
    handler(ctx, argv) {
      if (!flushModeOk(argv)) {
        ctx.reply.error(ERR_SYNTAX);
        return;
      }
      // ASYNC runs synchronously, as for FLUSHDB. As in Redis, with save points configured the
      // empty dataset is saved at once (persistence/snapshot.ts afterFlushAll).
      let removed = 0;
      for (const db of ctx.server.dbs) removed += flushDb(ctx, db);
      ctx.server.rdb.afterFlushAll(removed + 1);
      ctx.dirty(removed + 1);
      ctx.reply.ok();
    },
  },
  {
    name: 'swapdb',
    group: 'server',
    summary: 'Swaps two Redis databases.',
    since: '4.0.0',
    handler(ctx, argv) {
      const parseIndex = (s: string): number | null => {
        const v = parseInt64(s);
        return typeof v === 'number' && v >= -2147483648 && v <= 2147483647 ? v : null;
      };
      const a = parseIndex(argv[1]!);
      if (a === null) {
        ctx.reply.error('ERR invalid first DB index');
        return;
      }
      const b = parseIndex(argv[2]!);
      if (b === null) {
        ctx.reply.error('ERR invalid second DB index');
        return;
      }
      const dbs = ctx.server.dbs;
      if (a < 0 || a >= dbs.length || b < 0 || b >= dbs.length) {
        ctx.reply.error(ERR_DB_INDEX);
        return;
      }
      if (a !== b) {
        const da = dbs[a]!;
        const db = dbs[b]!;
        // Redis touches the keys WATCHed in either db that exist in either db.
        const keys = new Set<string>([...da.keys(), ...db.keys()]);
        for (const key of keys) {
          ctx.modified(key, da);
          ctx.modified(key, db);
        }
        da.swapWith(db);
      }
      ctx.dirty();
      ctx.reply.ok();
    },
  },
  {
    name: 'time',
    group: 'server',
    summary: 'Returns the server time.',
    since: '2.6.0',
    handler(ctx) {
      // Read-only: the wall clock is allowed here. Microseconds from the high-resolution clock.
      const us = Math.floor((performance.timeOrigin + performance.now()) * 1000); // deterministic-ok: TIME reports the clock
      const seconds = Math.floor(us / 1e6);
      ctx.reply.array(2);
      ctx.reply.bulk(String(seconds));
      ctx.reply.bulk(String(us - seconds * 1e6));
    },
  },
  {
    name: 'lastsave',
    group: 'server',
    summary: 'Returns the Unix timestamp of the last successful save to disk.',
    handler(ctx) {
      ctx.reply.integer(ctx.server.lastSaveAt);
    },
  },
  {
    name: 'info',
    group: 'server',
    summary: 'Returns information and statistics about the server.',
    handler(ctx, argv) {
      ctx.reply.verbatim(infoText(ctx.server, argv.slice(1)));
    },
  },
  {
    name: 'command',
    group: 'server',
    summary: 'Returns detailed information about all commands.',
    since: '2.8.13',
    handler(ctx) {
      const all = ctx.server.commands.all();
      ctx.reply.array(all.length);
      for (const cmd of all) replyCommandInfo(ctx.reply, cmd);
    },
    subcommands: [
      {
        name: 'count',
        group: 'server',
        summary: 'Returns a count of commands.',
        since: '2.8.13',
        handler(ctx) {
          ctx.reply.integer(ctx.server.commands.size);
        },
      },
      {
        name: 'info',
        group: 'server',
        summary: 'Returns information about one, multiple or all commands.',
        since: '2.8.13',
        handler(ctx, argv) {
          if (argv.length === 2) {
            const all = ctx.server.commands.all();
            ctx.reply.array(all.length);
            for (const cmd of all) replyCommandInfo(ctx.reply, cmd);
            return;
          }
          ctx.reply.array(argv.length - 2);
          for (let i = 2; i < argv.length; i++) {
            const cmd = findCommand(ctx.server, argv[i]!);
            if (cmd) replyCommandInfo(ctx.reply, cmd);
            else ctx.reply.nullBulk();
          }
        },
      },
      {
        name: 'docs',
        group: 'server',
        summary: 'Returns documentary information about one, multiple or all commands.',
        since: '7.0.0',
        handler(ctx, argv) {
          const cmds: Command[] = [];
          if (argv.length === 2) cmds.push(...ctx.server.commands.all());
          else
            for (let i = 2; i < argv.length; i++) {
              const cmd = findCommand(ctx.server, argv[i]!);
              if (cmd) cmds.push(cmd);
            }
          ctx.reply.map(cmds.length);
          for (const cmd of cmds) {
            ctx.reply.bulk(cmd.fullName);
            replyCommandDocs(ctx.reply, cmd);
          }
        },
      },
      {
        name: 'list',
        group: 'server',
        summary: 'Returns a list of command names.',
        since: '7.0.0',
        handler: commandList,
      },
      {
        name: 'getkeys',
        group: 'server',
        summary: 'Extracts the key names from an arbitrary command.',
        since: '2.8.13',
        // Redis 7.0's arity (the package has a later release's -3).
        arity: -4,
        handler: getKeys,
      },
      {
        name: 'getkeysandflags',
        group: 'server',
        summary: 'Extracts the key names and access flags for an arbitrary command.',
        since: '7.0.0',
        arity: -4,
        handler: getKeys,
      },
      {
        name: 'help',
        group: 'server',
        summary: 'Returns helpful text about the different subcommands.',
        since: '5.0.0',
        handler(ctx) {
          replyHelp(ctx.reply, 'COMMAND', COMMAND_HELP);
        },
      },
    ],
  },
  {
    name: 'config',
    group: 'server',
    summary: 'A container for server configuration commands.',
    since: '2.0.0',
    subcommands: [
      {
        name: 'get',
        group: 'server',
        summary: 'Returns the effective values of configuration parameters.',
        since: '2.0.0',
        handler(ctx, argv) {
          const pairs = ctx.server.config.match(argv.slice(2));
          ctx.reply.map(pairs.length);
          for (const [k, v] of pairs) {
            ctx.reply.bulk(k);
            ctx.reply.bulk(v);
          }
        },
      },
      {
        name: 'set',
        group: 'server',
        summary: 'Sets configuration parameters in-flight.',
        since: '2.0.0',
        handler(ctx, argv) {
          if (argv.length % 2 !== 0) {
            ctx.reply.error(ERR_SYNTAX);
            return;
          }
          const pairs: [string, string][] = [];
          for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i]!, argv[i + 1]!]);
          const r = ctx.server.config.setMany(pairs, enabledFor(ctx, 'enable-protected-configs'));
          if (r) {
            ctx.reply.error(r.error);
            return;
          }
          for (const [name] of pairs) applyConfig(ctx.server, name.toLowerCase());
          ctx.reply.ok();
        },
      },
      {
        name: 'resetstat',
        group: 'server',
        summary: 'Resets the server\'s statistics.',
        since: '2.0.0',
        handler(ctx) {
          const server = ctx.server;
          server.stats.reset();
          for (const cmd of everyCommand(server)) {
            const st = cmd.stats;
            st.calls = st.usec = st.rejectedCalls = st.failedCalls = 0;
          }
          resetInfoSamples(server);
          ctx.reply.ok();
        },
      },
      {
        name: 'rewrite',
        group: 'server',
        summary: 'Persists the effective configuration to file.',
        since: '2.8.0',
        handler(ctx) {
          try {
            ctx.server.config.rewrite();
          } catch (e) {
            if (e instanceof ConfigError && !ctx.server.config.file) ctx.reply.error(`ERR ${e.message}`);
            else ctx.reply.error(`ERR Rewriting config file: ${(e as Error).message}`);
            return;
          }
          ctx.server.log.notice('CONFIG REWRITE executed with success.');
          ctx.reply.ok();
        },
      },
      {
        name: 'help',
        group: 'server',
        summary: 'Returns helpful text about the different subcommands.',
        since: '5.0.0',
        handler(ctx) {
          replyHelp(ctx.reply, 'CONFIG', CONFIG_HELP);
        },
      },
    ],
  },
  {
    name: 'role',
    group: 'server',
    summary: 'Returns the replication role.',
    since: '2.8.12',
    handler(ctx) {
      // A standalone server is a master with no replicas and no replication stream yet.
      ctx.reply.array(3);
      ctx.reply.bulk('master');
      ctx.reply.integer(0);
      ctx.reply.array(0);
    },
  },
  {
    name: 'shutdown',
    group: 'server',
    summary: 'Synchronously saves the database(s) to disk and shuts down the Redis server.',
    handler: shutdown,
  },
  {
    name: 'debug',
    group: 'server',
    summary: 'A container for debugging commands.',
    handler: debug,
  },
];
