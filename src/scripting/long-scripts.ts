// Scripts that run long: Redis keeps serving other clients with -BUSY while one runs past
// busy-reply-threshold, and SCRIPT KILL / FUNCTION KILL stop it if it has not written.
//
// Node cannot serve sockets while the main thread is inside a script, so keyraft runs every
// script on the main thread first with a time budget worth busy-reply-threshold (the
// fast path: no thread hop per redis.call). A script that uses the budget up without having
// written anything is discarded — nothing changed, nothing else ran meanwhile — and started
// again on a worker thread (script-worker.ts), with no budget. From then on this module owns it:
// the caller's connection waits for the reply, other clients get -BUSY (dispatcher), each
// redis.call comes from the worker as a message and runs here as a child of a detached engine
// context (so the whole script is still one write entry), and KILL terminates the worker.
//
// A script that has written and then uses its budget up cannot be restarted elsewhere; it is
// stopped with an error and its writes stay (docs/SCRIPTING.md: the one place keyraft differs
// from Redis, which would let it run on, unkillable).

import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ExecContext } from '../commands/types.js';
import type { Client } from '../net/client.js';
import { NullReply } from '../protocol/reply.js';
import { CommandHost } from './script-host.js';
import { errorMessage, FUEL_EXHAUSTED_ERROR, isRaisedError, scriptErrorText, scriptResp, setScriptResp } from './lua-runtime.js';
import { reviveBuffers, writeScriptValue } from './script-reply.js';
import type { WorkerJob, WorkerMessage } from './script-worker.js';
import type { ScriptValue } from './types.js';

export const BUSY_SCRIPT_ERROR = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
export const BUSY_FUNCTION_ERROR = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';
/**
 * What a killed script fails with. Redis 7.0 says SCRIPT KILL for FUNCTION KILL too, and adds
 * where the script was ("script: <name>, on @user_script:<line>.").
 */
const KILLED = 'ERR Script killed by user with SCRIPT KILL...';
/** A WASM function (which has no clock check on the worker) is stopped by terminating the worker. */
const WASM_KILLED = 'ERR Script killed by user with FUNCTION KILL...';
/** How long a killed Lua script may take to reach its next clock check before the worker is terminated. */
const KILL_GRACE_MS = 500;
const UNKILLABLE =
  'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.';

export interface LongScript {
  kind: 'script' | 'function';
  /** sha (EVAL) or function name (FCALL), for errors and FUNCTION STATS. */
  name: string;
  argv: string[];
  startedMs: number;
  client: Client;
  host: CommandHost;
  parent: ExecContext;
  startDb: number;
  /** A Lua script or function: KILL stops it where it is (the worker's kill switch), not by terminating the worker. */
  cooperative: boolean;
  /** KILL was answered OK: the script's end is the kill error, and it may run no more commands. */
  killed: boolean;
}

const nullReply = new NullReply();

export class LongScripts {
  current: LongScript | null = null;
  private worker: Worker | null = null;
  private replies: MessagePort | null = null;
  private flag: Int32Array | null = null;
  private killTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * The -BUSY error for a command while a script runs on the worker, or null. SHUTDOWN is
   * allow-busy only with NOSAVE (or ABORT), as in Redis: saving now would store half a script.
   */
  busyError(allowBusy: boolean, argv: readonly string[]): string | null {
    if (this.current === null) return null;
    if (allowBusy && !(argv[0]!.toLowerCase() === 'shutdown' && !argv.some((a, i) => i > 0 && /^(nosave|abort)$/i.test(a)))) return null;
    return this.current.kind === 'script' ? BUSY_SCRIPT_ERROR : BUSY_FUNCTION_ERROR;
  }

  /**
   * Moves a script the main thread found long (and that wrote nothing) to the worker. The
   * caller writes no reply: the client gets it when the worker is done or the script is killed.
   */
  start(ctx: ExecContext, argv: string[], kind: LongScript['kind'], name: string, readOnly: boolean, job: WorkerJob): void {
    const client = ctx.client!;
    const server = ctx.server;
    const parent = server.engine.openDetached(client, client.dbIndex, nullReply, ctx.now, ctx.seed);
    const host = new CommandHost(parent, readOnly, (cmd, argv, c, dbIndex, reply, now, seed) => server.engine.executeChild(parent, cmd, argv, c, dbIndex, reply, now, seed));
    const cooperative = job.kind === 'eval' || job.engine.toUpperCase() === 'LUA';
    this.current = { kind, name, argv, startedMs: Date.now(), client, host, parent, startDb: client.dbIndex, cooperative, killed: false }; // deterministic-ok: FUNCTION STATS duration
    client.waitingForScript = true;
    server.log.verbose(`Script ${name} ran past busy-reply-threshold; finishing it on a worker thread`);
    const worker = this.ensureWorker();
    Atomics.store(this.flag!, 1, 0);
    worker.postMessage(job);
  }

  /** SCRIPT KILL (kind 'script') / FUNCTION KILL (kind 'function'): the reply for the killer. */
  kill(kind: LongScript['kind']): string {
    const running = this.current;
    if (running === null) return 'NOTBUSY No scripts in execution right now.';
    if (running.kind !== kind) return running.kind === 'script' ? BUSY_SCRIPT_ERROR : BUSY_FUNCTION_ERROR;
    if (running.host.wrote) return UNKILLABLE;
    if (!running.cooperative) {
      this.terminate(WASM_KILLED);
      return 'OK';
    }
    if (running.killed) return 'OK';
    // As Redis's hook does: the script stops where it is, and its error says where that was.
    running.killed = true;
    Atomics.store(this.flag!, 1, 1);
    // One stuck in a long C call (a huge string.rep) is stopped the hard way.
    this.killTimer = setTimeout(() => {
      if (this.current === running) this.terminate(KILLED);
    }, KILL_GRACE_MS);
    this.killTimer.unref();
    return 'OK';
  }

  /** Ends the running script by terminating the worker. */
  private terminate(text: string): void {
    void this.worker?.terminate();
    this.worker = null;
    this.finish({ err: Buffer.from(text) });
  }

  /** Stops the worker (server shutdown). */
  close(): void {
    void this.worker?.terminate();
    this.worker = null;
  }

  private ensureWorker(): Worker {
    if (this.worker !== null) return this.worker;
    // Slot 0: a redis.call reply is ready; slot 1: the kill switch (script-worker.ts).
    const signal = new SharedArrayBuffer(8);
    const channel = new MessageChannel();
    const worker = new Worker(new URL('./script-worker.js', import.meta.url), {
      workerData: { signal, replies: channel.port2 },
      transferList: [channel.port2],
    });
    worker.unref();
    this.flag = new Int32Array(signal);
    this.replies = channel.port1;
    worker.on('message', (m: WorkerMessage) => this.onMessage(worker, m));
    worker.on('error', (e) => {
      if (this.worker === worker) this.worker = null;
      this.finish({ err: Buffer.from(`ERR the script worker failed: ${e.message}`) });
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return; // terminated by KILL or close: already finished
      this.worker = null;
      this.finish({ err: Buffer.from(`ERR the script worker exited unexpectedly (code ${code})`) });
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(worker: Worker, m: WorkerMessage): void {
    const running = this.current;
    if (running === null || worker !== this.worker) return;
    if (m.type === 'done') {
      const result = reviveBuffers(m.result);
      this.finish(running.killed ? killedResult(result) : result);
      return;
    }
    if (m.type === 'log') {
      running.host.log(m.level, Buffer.from(m.message));
      return;
    }
    const args = m.args.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    let value: ScriptValue;
    // The reply is shaped in the RESP version the script chose on the worker (redis.setresp).
    const resp = scriptResp();
    setScriptResp(m.resp);
    try {
      // A killed script runs nothing more (it stops at its next clock check).
      if (running.killed) value = { err: Buffer.from(KILLED) };
      else value = m.type === 'call' ? running.host.call(args) : running.host.pcall(args);
    } catch (e) {
      // The worker waits for an answer whatever happens here; a failure becomes an error reply.
      value = { err: Buffer.from(`ERR ${(e as Error).message}`) };
    } finally {
      setScriptResp(resp);
    }
    this.replies!.postMessage(value);
    Atomics.store(this.flag!, 0, 1);
    Atomics.notify(this.flag!, 0);
  }

  /** Ends the running script with `result`: its entry, its reply, and the client resumes. */
  private finish(result: ScriptValue): void {
    const running = this.current;
    if (running === null) return;
    this.current = null;
    if (this.killTimer !== null) {
      clearTimeout(this.killTimer);
      this.killTimer = null;
    }
    const { client, parent } = running;
    const server = client.server;
    if (client.dbIndex !== running.startDb) {
      const select = server.commands.lookup('select')!;
      server.engine.executeChild(parent, select, ['select', String(running.startDb)], client, running.startDb, nullReply, parent.now, parent.seed);
    }
    server.engine.closeDetached(parent);
    if (isRaisedError(result)) client.writer.error(scriptErrorText(result, running.name));
    else writeScriptValue(client.writer, result, errorMessage);
    client.waitingForScript = false;
    if (server.blocking.hasReady) server.blocking.handleReady(parent.now);
    client.flush();
    setImmediate(() => client.processInput());
  }
}

/**
 * The end of a killed script: Redis's kill error, where the script stopped (the budget error its
 * kill switch raised, or the kill error a redis.call got, carries that) or without a place.
 */
function killedResult(result: ScriptValue): ScriptValue {
  if (isRaisedError(result)) return { err: Buffer.from(KILLED), meta: result.meta };
  if (result !== null && typeof result === 'object' && !Array.isArray(result) && 'err' in result) {
    // A function's error arrives as its final text ("… script: <name>, on @user_function:<line>.").
    const text = result.err.toString('latin1');
    if (text.startsWith(FUEL_EXHAUSTED_ERROR)) return { err: Buffer.from(KILLED + text.slice(FUEL_EXHAUSTED_ERROR.length), 'latin1') };
    if (text.startsWith(KILLED)) return result;
  }
  return { err: Buffer.from(KILLED) };
}
