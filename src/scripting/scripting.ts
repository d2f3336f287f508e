// The server's scripting state: the EVAL script cache, the function libraries, and the script
// running now (what FUNCTION STATS reports and what SCRIPT KILL / FUNCTION KILL act on). It also
// owns running one script as one write entry: the commands it runs are the entry (never the
// script itself, so a replay needs neither the script cache nor a deterministic script), its
// SELECTs do not leak to the caller, and its result or error is rendered for the caller.

import type { ExecContext } from '../commands/types.js';
import type { ScriptValue } from './types.js';
import { FunctionRegistry } from './functions.js';
import { LuaLibraryEngine } from './lua-library.js';
import { WasmEngine } from './wasm-engine.js';
import { CommandHost } from './script-host.js';
import { errorMessage, isRaisedError, scriptErrorText } from './lua-runtime.js';
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

export interface RunningScript {
  /** The sha (EVAL) or function name (FCALL). */
  name: string;
  /** The command that started it, lowercase (eval, fcall…). */
  command: string;
  startedMs: number;
  kind: 'script' | 'function';
  host: CommandHost;
}

const nullReply = new NullReply();

export class Scripting {
  readonly scripts = new Map<string, CachedScript>();
  private evalScripts = 0;
  readonly functions = new FunctionRegistry();
  running: RunningScript | null = null;

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

  flushScripts(): void {
    this.scripts.clear();
    this.evalScripts = 0;
  }

  /**
   * Runs a script or function for the command in `ctx` and writes its reply. `invoke` calls
   * the engine with the host it is given; `origin` and `chunk` name the script in errors.
   */
  run(ctx: ExecContext, command: string, kind: RunningScript['kind'], origin: string, readOnly: boolean, invoke: (host: CommandHost) => ScriptValue): void {
    const client = ctx.client;
    const startDb = client !== null ? client.dbIndex : ctx.db.id;
    // The entry is the commands the script runs (or nothing), never the script.
    ctx.recordEntryAs([]);
    const host = new CommandHost(ctx, readOnly);
    this.running = { name: origin, command, startedMs: Date.now(), kind, host }; // deterministic-ok: FUNCTION STATS duration, not state
    let result: ScriptValue;
    try {
      result = invoke(host);
    } finally {
      this.running = null;
    }
    // A SELECT inside the script is the script's own; the caller stays where it was. The
    // entry records the way back so the commands after it (in EXEC) replay in the right db.
    if (client !== null && client.dbIndex !== startDb) {
      const select = ctx.server.commands.lookup('select')!;
      ctx.server.engine.execute(select, ['select', String(startDb)], client, startDb, nullReply, ctx.now, ctx.seed, false);
    }
    if (isRaisedError(result)) ctx.reply.error(scriptErrorText(result, origin, 'user_script'));
    else writeScriptValue(ctx.reply, result, errorMessage);
  }
}
