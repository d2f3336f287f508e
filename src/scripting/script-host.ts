// redis.call / redis.pcall for one script run: the checks Redis makes before a script may run
// a command (unknown, arity, not allowed from scripts, writes from a read-only script, MISCONF),
// then the command itself, run through the engine as a nested command of the EVAL/FCALL so the
// whole script is one write entry (its commands replay in order with seeds seed+1, seed+2…, as
// EXEC's do). Each reply is captured as a script value in the RESP version the script chose.

import type { Command, ExecContext } from '../commands/types.js';
import type { Client } from '../net/client.js';
import type { Reply } from '../protocol/reply.js';
import type { ScriptValue } from './types.js';
import type { WasmScriptHost } from './wasm-engine.js';
import { CaptureReply, type EncodingScriptHost, type ReplyEncoder } from './script-reply.js';
import { scriptResp } from './lua-runtime.js';
import { MISCONF_ERROR } from '../persistence/snapshot.js';
import { performance } from 'node:perf_hooks';

const ERR_NO_ARGS = 'ERR Please specify at least one argument for this redis lib call';
const ERR_UNKNOWN = 'ERR Unknown Redis command called from script';
const ERR_ARITY = 'ERR Wrong number of args calling Redis command from script';
const ERR_NOT_ALLOWED = 'ERR This Redis command is not allowed from script';
export const ERR_WRITE_IN_READONLY = 'ERR Write commands are not allowed from read-only scripts.';

/** Redis's log levels as redis.log numbers them, and the names our logger uses. */
const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;

/** Commands flagged blocking that Redis 7.0 still lets a script run (never blocking there). */
const BLOCKING_ALLOWED_IN_SCRIPTS: ReadonlySet<string> = new Set(['xread', 'xreadgroup', 'blmpop', 'bzmpop']);

/** XREAD/XREADGROUP's error for a BLOCK option before STREAMS, as Redis's parser meets it. */
function streamBlockError(argv: readonly string[]): string | null {
  for (let i = 1; i < argv.length; ) {
    const opt = argv[i]!.toLowerCase();
    if (opt === 'streams') break;
    if (opt === 'block' && i + 1 < argv.length) return `ERR ${argv[0]} command is not allowed with BLOCK option from scripts`;
    i += opt === 'count' || opt === 'block' ? 2 : opt === 'group' ? 3 : 1;
  }
  return null;
}

function errorValue(text: string): ScriptValue {
  return { err: Buffer.from(text, 'latin1') };
}

/** Runs one command for the script (engine.execute or engine.executeChild). */
export type Executor = (cmd: Command, argv: string[], client: Client | null, dbIndex: number, reply: Reply, now: number, seed: number) => ExecContext;

export class CommandHost implements WasmScriptHost, EncodingScriptHost {
  /** Whether a command this run executed changed the dataset (SCRIPT KILL refuses then). */
  wrote = false;
  /**
   * Whether this run published a message (PUBLISH/SPUBLISH): not a write, but seen outside the
   * script, so a long run that did it cannot be discarded and started again on the worker.
   */
  published = false;
  /** With a budget: the Date.now() past which a WASM function that has not written is stopped. */
  private abortAtMs = 0;
  private abortText: string | null = null;
  private calls = 0;
  private capture: CaptureReply | null = null;

  /**
   * @param ctx the EVAL/FCALL's context: its time and seed are the entry's
   * @param readOnly EVAL_RO/FCALL_RO or a no-writes script: write commands are refused
   * @param execute how a command runs: nested in the EVAL (null: engine.execute), or as a
   *   child of a detached context when the script finishes on a worker thread
   */
  constructor(
    private ctx: ExecContext,
    private readOnly: boolean,
    private readonly execute: Executor | null = null,
  ) {}

  /** Makes the host ready for another run (Scripting keeps one and reuses it). */
  reuse(ctx: ExecContext, readOnly: boolean): void {
    this.ctx = ctx;
    this.readOnly = readOnly;
    this.wrote = false;
    this.published = false;
    this.calls = 0;
    this.abortAtMs = 0;
    this.abortText = null;
  }

  /** Gives a WASM function until `atMs` (Date.now) to finish or write; past it shouldAbort says `text`. */
  setBudget(atMs: number, text: string): void {
    this.abortAtMs = atMs;
    this.abortText = text;
  }

  /** Polled by the WASM engine while a function runs: a text stops it with that error. */
  shouldAbort(): string | null {
    if (this.abortText === null || this.wrote || this.published) return null;
    return Date.now() > this.abortAtMs ? this.abortText : null; // deterministic-ok: time budget
  }

  call(args: Buffer[]): ScriptValue {
    return this.run(args);
  }

  pcall(args: Buffer[]): ScriptValue {
    return this.run(args);
  }

  /** redis.acl_check_cmd: keyraft has one user, who may run every command; -1 for an unknown one. */
  aclCheck(argv: string[]): number {
    return this.ctx.server.commands.lookup(argv[0]!) === undefined ? -1 : 1;
  }

  /** The entry's time: the only clock a WASM function sees. */
  get now(): number {
    return this.ctx.now;
  }

  /** The entry's PRNG: the only randomness a WASM function sees. */
  random(): number {
    return this.ctx.random();
  }

  log(level: number, message: Buffer): void {
    const name = LOG_LEVELS[level] ?? 'notice';
    this.ctx.server.log[name](message.toString('latin1'));
  }

  private run(args: Buffer[]): ScriptValue {
    if (args.length === 0) return errorValue(ERR_NO_ARGS);
    const argv = args.map((a) => a.toString('latin1'));
    const cmd = this.check(argv);
    if (typeof cmd === 'string') return errorValue(cmd);
    const capture = (this.capture ??= new CaptureReply());
    capture.reset(scriptResp());
    this.exec(cmd, argv, capture);
    if (capture.errorText !== null) cmd.stats.failedCalls++;
    return capture.take();
  }

  /** redis.call from lua-runtime's own handler: the reply goes straight into the interpreter's encoding. */
  runEncoded(argv: string[], out: ReplyEncoder): void {
    if (argv.length === 0) {
      out.error(ERR_NO_ARGS);
      return;
    }
    const cmd = this.check(argv);
    if (typeof cmd === 'string') {
      out.error(cmd);
      return;
    }
    this.exec(cmd, argv, out);
    if (out.errorText !== null) cmd.stats.failedCalls++;
  }

  /** The command `argv` names if the script may run it now, or the error text. */
  private check(argv: string[]): Command | string {
    const server = this.ctx.server;
    let cmd = server.commands.lookup(argv[0]!);
    if (cmd === undefined) return ERR_UNKNOWN;
    if (cmd.subcommands !== undefined && argv.length >= 2) {
      const sub = cmd.subcommands.get(argv[1]!.toLowerCase());
      if (sub === undefined) return ERR_UNKNOWN;
      cmd = sub;
    }
    const arity = cmd.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return ERR_ARITY;
    if (cmd.flags.has('noscript') || cmd.handler === undefined) return ERR_NOT_ALLOWED;
    if (cmd.flags.has('blocking')) {
      // Redis 7.0 marks BLPOP & co noscript (our metadata lacks it); XREAD, XREADGROUP, BLMPOP and
      // BZMPOP run in scripts without blocking, and XREAD/XREADGROUP refuse their BLOCK option.
      if (!BLOCKING_ALLOWED_IN_SCRIPTS.has(cmd.name)) return ERR_NOT_ALLOWED;
      const block = cmd.name === 'xread' || cmd.name === 'xreadgroup' ? streamBlockError(argv) : null;
      if (block !== null) return block;
    }
    if (cmd.isWrite) {
      if (this.readOnly) return ERR_WRITE_IN_READONLY;
      if (server.rdb.writesDenied) return MISCONF_ERROR;
    }
    return cmd;
  }

  /** Runs a checked command into `reply`, counting it in commandstats as Redis does. */
  private exec(cmd: Command, argv: string[], reply: Reply): void {
    const ctx = this.ctx;
    const client = ctx.client;
    const dbIndex = client !== null ? client.dbIndex : ctx.db.id;
    const start = performance.now(); // deterministic-ok: timing for commandstats, not state
    const seed = ctx.seed + ++this.calls;
    const inner = this.execute !== null ? this.execute(cmd, argv, client, dbIndex, reply, ctx.now, seed) : ctx.server.engine.execute(cmd, argv, client, dbIndex, reply, ctx.now, seed, false);
    const usec = (performance.now() - start) * 1000; // deterministic-ok: timing for commandstats, not state
    if (inner.changes > 0) this.wrote = true;
    if (cmd.name === 'publish' || cmd.name === 'spublish') this.published = true;
    cmd.stats.calls++;
    cmd.stats.usec += usec;
    if (client !== null) ctx.server.observers.afterCommand(client, cmd, argv, dbIndex, usec, true);
  }
}
