// The server's scripting state: the EVAL script cache, the function libraries, and the long
// scripts finishing on a worker thread (what FUNCTION STATS reports and KILL acts on). It also
// owns running one script as one write entry: the commands it runs are the entry (never the
// script itself, so a replay needs neither the script cache nor a deterministic script), its
// SELECTs do not leak to the caller, and its result or error is rendered for the caller.

import type { Command, ExecContext } from '../commands/types.js';
import type { ScriptValue } from './types.js';
import { FunctionRegistry } from './functions.js';
import { LuaLibraryEngine } from './lua-library.js';
import { WasmEngine } from './wasm-engine.js';
import { CommandHost } from './script-host.js';
import { sha1hex, errorMessage, FUEL_UNITS_PER_MS, isFuelExhausted, isRaisedError, resetScriptResp, scriptErrorText, setFuelLimit } from './lua-runtime.js';
import { LongScripts } from './long-scripts.js';
import { parseEvalShebang } from './shebang.js';
import type { WorkerJob } from './script-worker.js';
import { writeScriptValue } from './script-reply.js';
import { NullReply } from '../protocol/reply.js';

export interface CachedScript {
  /** The Lua source as compiled (shebang line blanked). */
  body: Buffer;
  /** Shebang flags; null when the script has none (Redis's compatibility mode). */
  flags: string[] | null;
  /** Loaded by SCRIPT LOAD (kept) rather than by EVAL (evicted oldest-first past the limit). */
  pinned: boolean;
}

/** Scripts EVAL may keep cached (Redis 7.4's limit); SCRIPT LOAD's are never evicted. */
export const EVAL_SCRIPTS_CACHED_MAX = 500;
/** Scripts the cache holds at most, SCRIPT LOAD's included; past it SCRIPT LOAD is refused. */
export const SCRIPTS_CACHED_MAX = 100_000;

/** What ran: an EVAL script or an FCALL function (errors and KILL differ). */
export type ScriptKind = 'script' | 'function';

const nullReply = new NullReply();

export class Scripting {
  readonly scripts = new Map<string, CachedScript>();
  private evalScripts = 0;
  readonly functions = new FunctionRegistry();
  /** Scripts that ran long and finish on a worker thread. */
  readonly long = new LongScripts();

  constructor() {
    this.functions.registerEngine(new LuaLibraryEngine());
    this.functions.registerEngine(new WasmEngine());
  }

  /** Adds a compiled script; returns false when the cache is full of SCRIPT LOAD scripts. */
  cache(sha: string, script: CachedScript): boolean {
    const existing = this.scripts.get(sha);
    if (existing !== undefined) {
      if (script.pinned && !existing.pinned) {
        existing.pinned = true;
        this.evalScripts--;
      }
      return true;
    }
    if (this.scripts.size >= SCRIPTS_CACHED_MAX && !this.evictOne()) return false;
    this.scripts.set(sha, script);
    if (!script.pinned) {
      this.evalScripts++;
      if (this.evalScripts > EVAL_SCRIPTS_CACHED_MAX) this.evictOne();
    }
    return true;
  }

  /** Drops the oldest script EVAL cached (Map order is insertion order). */
  private evictOne(): boolean {
    for (const [sha, s] of this.scripts) {
      if (!s.pinned) {
        this.scripts.delete(sha);
        this.evalScripts--;
        return true;
      }
    }
    return false;
  }

  /** Bytes of script source the EVAL cache holds (INFO used_memory_scripts_eval). */
  cachedScriptBytes(): number {
    let n = 0;
    for (const s of this.scripts.values()) n += s.body.length;
    return n;
  }

  /** Bytes of library code loaded (INFO used_memory_functions). */
  libraryBytes(): number {
    let n = 0;
    for (const lib of this.functions.libraries.values()) n += lib.code.length;
    return n;
  }

  /**
   * Whether EVAL/EVALSHA/FCALL `argv` counts as a write for CLIENT PAUSE WRITE, as Redis's
   * evalGetCommandFlags/fcallGetCommandFlags decide: yes unless the script or function declares
   * no-writes (a script without a shebang, or one not cached, may write). Other commands: false.
   */
  mayWrite(cmd: Command, argv: readonly string[]): boolean {
    const name = cmd.name;
    if (name === 'fcall') {
      const fn = this.functions.lookup(argv[1]!);
      return fn === undefined || !fn.info.flags.includes('no-writes');
    }
    if (name !== 'eval' && name !== 'evalsha') return false;
    let flags: string[] | null;
    if (name === 'evalsha') flags = (this.scripts.get(argv[1]!) ?? this.scripts.get(argv[1]!.toLowerCase()))?.flags ?? null;
    else {
      const cached = this.scripts.get(sha1hex(Buffer.from(argv[1]!, 'latin1')));
      if (cached !== undefined) flags = cached.flags;
      else {
        const shebang = parseEvalShebang(Buffer.from(argv[1]!, 'latin1'));
        flags = typeof shebang === 'string' ? null : shebang.flags;
      }
    }
    return flags === null || !flags.includes('no-writes');
  }

  flushScripts(): void {
    this.scripts.clear();
    this.evalScripts = 0;
  }

  /**
   * Runs a script or function for the command in `ctx` and writes its reply. `invoke` calls
   * the engine with the host it is given; `origin` names the script in errors; `workerJob`
   * describes the same run for the worker thread, should it prove long (long-scripts.ts).
   */
  run(ctx: ExecContext, argv: string[], kind: ScriptKind, origin: string, readOnly: boolean, invoke: (host: CommandHost) => ScriptValue, workerJob: () => WorkerJob): void {
    const client = ctx.client;
    const server = ctx.server;
    const startDb = client !== null ? client.dbIndex : ctx.db.id;
    // The entry is the commands the script runs (or nothing), never the script.
    ctx.recordEntryAs([]);
    const thresholdMs = server.config.int('busy-reply-threshold');
    // A Lua run's budget is kept by the interpreter itself (setFuelLimit); only a function
    // (possibly WASM, polled by the clock) needs the time it started.
    const startedMs = kind === 'function' ? Date.now() : 0; // deterministic-ok: a time budget and FUNCTION STATS, not state
    // One host is kept and reused run after run (a run nested in another gets its own).
    const host = this.spareHost ?? new CommandHost(ctx, readOnly);
    this.spareHost = null;
    try {
      let result = this.attempt(host, ctx, kind, readOnly, invoke, thresholdMs, startedMs);
      if (isLongRun(result)) {
        // A run that wrote or published cannot be dropped and started again (a second PUBLISH
        // would reach subscribers twice).
        const restartable = !host.wrote && !host.published;
        if (restartable && client !== null && server.engine.level === 1 && this.long.current === null) {
          // Nothing was written: drop this run and finish the script where it cannot block others.
          client.dbIndex = startDb;
          this.long.start(ctx, argv, kind, origin, readOnly, workerJob());
          return;
        }
        if (restartable) {
          // Inside EXEC: run it again to the end here, from the database it started in (the
          // entry records the way back from a SELECT of the dropped run).
          this.restoreDb(ctx, startDb);
          result = this.attempt(host, ctx, kind, readOnly, invoke, 0, startedMs);
        } else result = { err: Buffer.from(`ERR Script ran past busy-reply-threshold (${thresholdMs} ms) after writing and was stopped; its writes so far stay (keyraft cannot move a script that wrote off the main thread)`) };
      }
      this.finish(ctx, startDb, origin, result);
    } finally {
      this.spareHost = host;
    }
  }

  /** The host run() reuses; null while a run has it. */
  private spareHost: CommandHost | null = null;

  /** One run of the script, with a budget worth `thresholdMs` (0: none). */
  private attempt(host: CommandHost, ctx: ExecContext, kind: ScriptKind, readOnly: boolean, invoke: (host: CommandHost) => ScriptValue, thresholdMs: number, startedMs: number): ScriptValue {
    host.reuse(ctx, readOnly);
    if (thresholdMs > 0 && kind === 'function') host.setBudget(startedMs + thresholdMs, LONG_RUN);
    setFuelLimit(thresholdMs > 0 ? thresholdMs * FUEL_UNITS_PER_MS : 0);
    resetScriptResp();
    return invoke(host);
  }

  /** Runs SELECT back to `startDb` (as part of the entry) if the script left the caller elsewhere. */
  private restoreDb(ctx: ExecContext, startDb: number): void {
    const client = ctx.client;
    if (client === null || client.dbIndex === startDb) return;
    const select = ctx.server.commands.lookup('select')!;
    ctx.server.engine.execute(select, ['select', String(startDb)], client, startDb, nullReply, ctx.now, ctx.seed, false);
  }

  /** Puts the caller back in its database and writes the script's result or error. */
  private finish(ctx: ExecContext, startDb: number, origin: string, result: ScriptValue): void {
    const client = ctx.client;
    const server = ctx.server;
    // A SELECT inside the script is the script's own; the caller stays where it was. The
    // entry records the way back so the commands after it (in EXEC) replay in the right db.
    this.restoreDb(ctx, startDb);
    if (isRaisedError(result)) ctx.reply.error(scriptErrorText(result, origin));
    else writeScriptValue(ctx.reply, result, errorMessage);
  }
}

/** What a budgeted run ends with when it used its budget up (WASM's abort text). */
const LONG_RUN = 'ERR keyraft: the script used its main-thread budget';

function isLongRun(v: ScriptValue): boolean {
  if (isFuelExhausted(v)) return true;
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'err' in v && v.err.toString('latin1') === LONG_RUN;
}
