// Scripting commands: EVAL EVALSHA EVAL_RO EVALSHA_RO, SCRIPT (LOAD EXISTS FLUSH KILL), FUNCTION
// (LOAD DELETE FLUSH LIST DUMP RESTORE STATS KILL) and FCALL FCALL_RO, with Redis 7.0's replies
// and error texts. Argument checking lives here; running a script as one entry is
// src/scripting/scripting.ts, the interpreter src/scripting/lua-runtime.ts.

import type { CommandDef, ExecContext } from './types.js';
import { parseInt64 } from '../protocol/numbers.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../protocol/errors.js';
import { globMatch } from '../util/glob.js';
import { replyHelp } from './server.js';
import { compileError, runLuaArgv, sha1hex } from '../scripting/lua-runtime.js';
import { parseEvalShebang, withoutFirstLine } from '../scripting/shebang.js';
import { FunctionRegistry, type Library } from '../scripting/functions.js';
import type { CachedScript } from '../scripting/scripting.js';

const latin1 = (s: string) => Buffer.from(s, 'latin1');

/** KEYS and ARGV from `numkeys key… arg…` starting at argv[2]; a string is Redis's error. */
function keysAndArgs(argv: string[], notANumber: string): { keys: string[]; args: string[] } | string {
  const n = parseInt64(argv[2]!);
  if (n === null || typeof n !== 'number') return notANumber;
  if (n < 0) return "ERR Number of keys can't be negative";
  if (n > argv.length - 3) return "ERR Number of keys can't be greater than number of args";
  return { keys: argv.slice(3, 3 + n), args: argv.slice(3 + n) };
}

/** Compiles and caches a script (EVAL, SCRIPT LOAD); returns its sha or Redis's error text. */
function cacheScript(ctx: ExecContext, source: Buffer, pinned: boolean): { sha: string; script: CachedScript } | string {
  const sha = sha1hex(source);
  const scripting = ctx.server.scripting;
  const known = scripting.scripts.get(sha);
  if (known !== undefined) {
    if (pinned) scripting.cache(sha, { ...known, pinned });
    return { sha, script: known };
  }
  const shebang = parseEvalShebang(source);
  if (typeof shebang === 'string') return shebang;
  const body = shebang.flags === null ? source : withoutFirstLine(source);
  const error = compileError(body);
  if (error !== null) return `ERR Error compiling script (new function): ${error.replace(/^ERR /, '')}`;
  const script: CachedScript = { body, flags: shebang.flags, pinned };
  if (!scripting.cache(sha, script)) return 'ERR the script cache is full; SCRIPT FLUSH first';
  return { sha, script };
}

function runCached(ctx: ExecContext, argv: string[], sha: string, script: CachedScript, readOnlyCommand: boolean): void {
  const n = parseInt64(argv[2]!);
  if (n === null || typeof n !== 'number') return ctx.reply.error(ERR_NOT_INTEGER);
  if (n < 0) return ctx.reply.error("ERR Number of keys can't be negative");
  if (n > argv.length - 3) return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  const readOnly = readOnlyCommand || (script.flags !== null && script.flags.includes('no-writes'));
  ctx.server.scripting.run(
    ctx,
    argv,
    'script',
    sha,
    readOnly,
    (host) => runLuaArgv(script.body, argv, 3, n, host, true),
    () => ({ kind: 'eval', source: script.body, keys: argv.slice(3, 3 + n), args: argv.slice(3 + n), now: ctx.now, seed: ctx.seed }),
  );
}

/**
 * EVAL/EVALSHA/FCALL (and _RO) are skip_monitor: as Redis's evalCommand and fcallCommandGeneric
 * do, they feed MONITOR before anything else, so the commands the script runs appear after it.
 */
function feedMonitors(ctx: ExecContext, argv: string[]): void {
  const client = ctx.client;
  if (client === null || ctx.server.observers.monitors.size === 0) return;
  const cmd = ctx.server.commands.lookup(argv[0]!);
  if (cmd !== undefined) ctx.server.observers.scriptStarting(client, cmd, argv, ctx.db.id);
}

function evalCommand(readOnly: boolean) {
  return (ctx: ExecContext, argv: string[]): void => {
    feedMonitors(ctx, argv);
    const cached = cacheScript(ctx, latin1(argv[1]!), false);
    if (typeof cached === 'string') {
      ctx.reply.error(cached);
      return;
    }
    runCached(ctx, argv, cached.sha, cached.script, readOnly);
  };
}

function evalshaCommand(readOnly: boolean) {
  return (ctx: ExecContext, argv: string[]): void => {
    feedMonitors(ctx, argv);
    // Clients send the sha as SCRIPT LOAD returned it (lowercase): look that up before lowercasing.
    let sha = argv[1]!;
    let script = ctx.server.scripting.scripts.get(sha);
    if (script === undefined) script = ctx.server.scripting.scripts.get((sha = sha.toLowerCase()));
    if (script === undefined) {
      ctx.reply.error('NOSCRIPT No matching script. Please use EVAL.');
      return;
    }
    runCached(ctx, argv, sha, script, readOnly);
  };
}

function fcallCommand(readOnlyCommand: boolean) {
  return (ctx: ExecContext, argv: string[]): void => {
    feedMonitors(ctx, argv);
    const fn = ctx.server.scripting.functions.lookup(argv[1]!);
    if (fn === undefined) {
      ctx.reply.error('ERR Function not found');
      return;
    }
    const ka = keysAndArgs(argv, 'ERR Bad number of keys provided');
    if (typeof ka === 'string') {
      ctx.reply.error(ka);
      return;
    }
    const noWrites = fn.info.flags.includes('no-writes');
    if (readOnlyCommand && !noWrites) {
      ctx.reply.error('ERR Can not execute a script with write flag using *_ro command.');
      return;
    }
    const lib = fn.library;
    ctx.server.scripting.run(
      ctx,
      argv,
      'function',
      fn.info.name,
      readOnlyCommand || noWrites,
      (host) => lib.compiled.call(fn.info.name, ka.keys, ka.args, host),
      () => ({ kind: 'function', engine: lib.engine.name, library: lib.name, code: lib.code, fn: fn.info.name, keys: ka.keys, args: ka.args, now: ctx.now, seed: ctx.seed }),
    );
  };
}

function flushMode(ctx: ExecContext, argv: string[], error: string): boolean {
  if (argv.length > 3 || (argv.length === 3 && !/^(async|sync)$/i.test(argv[2]!))) {
    ctx.reply.error(error);
    return false;
  }
  return true;
}

/**
 * SCRIPT KILL / FUNCTION KILL. Only a script that ran long (and moved to the worker thread) can
 * be running while another command is read; see src/scripting/long-scripts.ts.
 */
function kill(kind: 'script' | 'function') {
  return (ctx: ExecContext): void => {
    const text = ctx.server.scripting.long.kill(kind);
    if (text === 'OK') ctx.reply.ok();
    else ctx.reply.error(text);
  };
}

const SCRIPT_HELP = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

const FUNCTION_HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

function functionLoad(ctx: ExecContext, argv: string[]): void {
  let replace = false;
  let i = 2;
  for (; i < argv.length - 1; i++) {
    if (argv[i]!.toLowerCase() === 'replace') replace = true;
    else {
      ctx.reply.error(`ERR Unknown option given: ${argv[i]}`);
      return;
    }
  }
  if (i !== argv.length - 1) {
    ctx.reply.error('ERR Function code was not given');
    return;
  }
  try {
    const name = ctx.server.scripting.functions.load(latin1(argv[i]!), replace);
    ctx.dirty();
    ctx.reply.bulk(name);
  } catch (e) {
    ctx.reply.error((e as Error).message);
  }
}

function functionList(ctx: ExecContext, argv: string[]): void {
  let pattern: string | null = null;
  let withCode = false;
  for (let i = 2; i < argv.length; i++) {
    const opt = argv[i]!.toLowerCase();
    if (opt === 'withcode' && !withCode) withCode = true;
    else if (opt === 'libraryname' && pattern === null) {
      if (i + 1 >= argv.length) {
        ctx.reply.error('ERR library name argument was not given');
        return;
      }
      pattern = argv[++i]!;
    } else {
      ctx.reply.error(`ERR Unknown argument ${argv[i]}`);
      return;
    }
  }
  const libs = [...ctx.server.scripting.functions.libraries.values()].filter((l) => pattern === null || globMatch(pattern, l.name));
  const r = ctx.reply;
  r.array(libs.length);
  for (const lib of libs) {
    r.map(withCode ? 4 : 3);
    r.bulk('library_name');
    r.bulk(lib.name);
    r.bulk('engine');
    r.bulk(lib.engine.name);
    r.bulk('functions');
    r.array(lib.compiled.functions.length);
    for (const fn of lib.compiled.functions) {
      r.map(3);
      r.bulk('name');
      r.bulk(fn.name);
      r.bulk('description');
      if (fn.description === null) r.nullBulk();
      else r.bulk(fn.description);
      r.bulk('flags');
      r.set(fn.flags.length);
      for (const f of fn.flags) r.simple(f);
    }
    if (withCode) {
      r.bulk('library_code');
      r.bulk(lib.code);
    }
  }
}

function functionRestore(ctx: ExecContext, argv: string[]): void {
  let policy = 'append';
  if (argv.length > 4) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  if (argv.length === 4) {
    policy = argv[3]!.toLowerCase();
    if (policy !== 'append' && policy !== 'replace' && policy !== 'flush') {
      ctx.reply.error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
      return;
    }
  }
  const registry = ctx.server.scripting.functions;
  let libs: Library[];
  try {
    libs = FunctionRegistry.parseDump(latin1(argv[2]!)).map((code) => registry.compile(code));
  } catch (e) {
    const message = (e as Error).message;
    ctx.reply.error(message === 'ERR payload version or checksum are wrong' ? 'ERR DUMP payload version or checksum are wrong' : message);
    return;
  }
  const previous = policy === 'flush' ? [...registry.libraries.values()] : null;
  if (previous !== null) registry.flush();
  try {
    registry.install(libs, policy === 'replace');
  } catch (e) {
    if (previous !== null) registry.install(previous, false);
    ctx.reply.error((e as Error).message);
    return;
  }
  ctx.dirty();
  ctx.reply.ok();
}

function functionStats(ctx: ExecContext): void {
  const scripting = ctx.server.scripting;
  const r = ctx.reply;
  r.map(2);
  r.bulk('running_script');
  // Only a script finishing on the worker thread can be running while FUNCTION STATS is read.
  const running = scripting.long.current;
  if (running === null || running.kind !== 'function') r.nullBulk();
  else {
    r.map(3);
    r.bulk('name');
    r.bulk(running.name);
    r.bulk('command');
    r.bulkArray(running.argv);
    r.bulk('duration_ms');
    r.integer(Date.now() - running.startedMs); // deterministic-ok: a report, not state
  }
  r.bulk('engines');
  const engines = scripting.functions.engineNames();
  r.map(engines.length);
  for (const engine of engines) {
    const libs = [...scripting.functions.libraries.values()].filter((l) => l.engine.name === engine);
    r.bulk(engine);
    r.map(2);
    r.bulk('libraries_count');
    r.integer(libs.length);
    r.bulk('functions_count');
    r.integer(libs.reduce((n, l) => n + l.compiled.functions.length, 0));
  }
}

export const scriptingCommands: CommandDef[] = [
  { name: 'eval', group: 'scripting', summary: 'Executes a server-side Lua script.', since: '2.6.0', handler: evalCommand(false) },
  { name: 'eval_ro', group: 'scripting', summary: 'Executes a read-only server-side Lua script.', since: '7.0.0', handler: evalCommand(true) },
  { name: 'evalsha', group: 'scripting', summary: 'Executes a server-side Lua script by SHA1 digest.', since: '2.6.0', handler: evalshaCommand(false) },
  { name: 'evalsha_ro', group: 'scripting', summary: 'Executes a read-only server-side Lua script by SHA1 digest.', since: '7.0.0', handler: evalshaCommand(true) },
  { name: 'fcall', group: 'scripting', summary: 'Invokes a function.', since: '7.0.0', handler: fcallCommand(false) },
  { name: 'fcall_ro', group: 'scripting', summary: 'Invokes a read-only function.', since: '7.0.0', handler: fcallCommand(true) },
  {
    name: 'script',
    group: 'scripting',
    summary: 'A container for Lua scripts management commands.',
    since: '2.6.0',
    subcommands: [
      {
        name: 'load',
        group: 'scripting',
        summary: 'Loads a server-side Lua script to the script cache.',
        since: '2.6.0',
        handler(ctx, argv) {
          const cached = cacheScript(ctx, latin1(argv[2]!), true);
          if (typeof cached === 'string') ctx.reply.error(cached);
          else ctx.reply.bulk(cached.sha);
        },
      },
      {
        name: 'exists',
        group: 'scripting',
        summary: 'Determines whether server-side Lua scripts exist in the script cache.',
        since: '2.6.0',
        handler(ctx, argv) {
          ctx.reply.array(argv.length - 2);
          for (let i = 2; i < argv.length; i++) ctx.reply.integer(ctx.server.scripting.scripts.has(argv[i]!.toLowerCase()) ? 1 : 0);
        },
      },
      {
        name: 'flush',
        group: 'scripting',
        summary: 'Removes all server-side Lua scripts from the script cache.',
        since: '2.6.0',
        handler(ctx, argv) {
          if (!flushMode(ctx, argv, 'ERR SCRIPT FLUSH only support SYNC|ASYNC option')) return;
          ctx.server.scripting.flushScripts();
          ctx.reply.ok();
        },
      },
      { name: 'kill', group: 'scripting', summary: 'Terminates a server-side Lua script during execution.', since: '2.6.0', handler: kill('script') },
      {
        name: 'debug',
        group: 'scripting',
        summary: 'Sets the debug mode of server-side Lua scripts.',
        since: '3.2.0',
        handler(ctx) {
          ctx.reply.error('ERR SCRIPT DEBUG (the Lua debugger) is not supported by keyraft');
        },
      },
      { name: 'help', group: 'scripting', summary: 'Returns helpful text about the different subcommands.', since: '5.0.0', handler: (ctx) => replyHelp(ctx.reply, 'SCRIPT', SCRIPT_HELP) },
    ],
  },
  {
    name: 'function',
    group: 'scripting',
    summary: 'A container for function commands.',
    since: '7.0.0',
    subcommands: [
      { name: 'load', group: 'scripting', summary: 'Creates a library.', since: '7.0.0', handler: functionLoad },
      {
        name: 'delete',
        group: 'scripting',
        summary: 'Deletes a library and its functions.',
        since: '7.0.0',
        handler(ctx, argv) {
          if (!ctx.server.scripting.functions.delete(argv[2]!)) {
            ctx.reply.error('ERR Library not found');
            return;
          }
          ctx.dirty();
          ctx.reply.ok();
        },
      },
      {
        name: 'flush',
        group: 'scripting',
        summary: 'Deletes all libraries and functions.',
        since: '7.0.0',
        handler(ctx, argv) {
          if (!flushMode(ctx, argv, 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option')) return;
          ctx.server.scripting.functions.flush();
          ctx.dirty();
          ctx.reply.ok();
        },
      },
      { name: 'list', group: 'scripting', summary: 'Returns information about all libraries.', since: '7.0.0', handler: functionList },
      { name: 'dump', group: 'scripting', summary: 'Dumps all libraries into a serialized binary payload.', since: '7.0.0', handler: (ctx) => ctx.reply.bulk(ctx.server.scripting.functions.dump()) },
      { name: 'restore', group: 'scripting', summary: 'Restores all libraries from a payload.', since: '7.0.0', handler: functionRestore },
      { name: 'stats', group: 'scripting', summary: 'Returns information about a function during execution.', since: '7.0.0', handler: functionStats },
      { name: 'kill', group: 'scripting', summary: 'Terminates a function during execution.', since: '7.0.0', handler: kill('function') },
      { name: 'help', group: 'scripting', summary: 'Returns helpful text about the different subcommands.', since: '7.0.0', handler: (ctx) => replyHelp(ctx.reply, 'FUNCTION', FUNCTION_HELP) },
    ],
  },
];

