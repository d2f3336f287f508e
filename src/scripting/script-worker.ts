// The worker thread a long script finishes on, so the main thread can keep answering other
// clients (-BUSY) and act on SCRIPT KILL / FUNCTION KILL meanwhile. It has its own interpreter
// (and WASM engine) and no data: every redis.call is sent to the main thread, which runs it and
// answers through a message port; the worker waits for that answer synchronously (Atomics.wait
// on a shared flag, then receiveMessageOnPort), so the script sees redis.call as synchronous,
// exactly as on the main thread. Its interpreter gets the largest time budget (FUEL_UNITS_MAX,
// about eleven days); killing the script is terminating the worker.

import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { FUEL_UNITS_MAX, runLua, scriptResp, setFuelLimit, setKillSwitch } from './lua-runtime.js';
import { LuaLibraryEngine } from './lua-library.js';
import { WasmEngine, type WasmScriptHost } from './wasm-engine.js';
import { reviveBuffers } from './script-reply.js';
import { Random } from '../util/random.js';
import type { ScriptValue, LibraryEngine } from './types.js';

/** A script to finish (what the main thread started and found long). */
export type WorkerJob =
  | { kind: 'eval'; source: Buffer; keys: string[]; args: string[]; now: number; seed: number }
  | { kind: 'function'; engine: string; library: string; code: Buffer; fn: string; keys: string[]; args: string[]; now: number; seed: number };

/** Worker → main messages. */
export type WorkerMessage = { type: 'call' | 'pcall'; args: Uint8Array[]; resp: 2 | 3 } | { type: 'log'; level: number; message: Uint8Array } | { type: 'done'; result: ScriptValue };

interface WorkerSetup {
  /** Two Int32 slots: 0 says a redis.call reply is ready, 1 is the kill switch (SCRIPT KILL). */
  signal: SharedArrayBuffer;
  replies: MessagePort;
}

function main(): void {
  const port = parentPort;
  if (port === null) return;
  const { signal, replies } = workerData as WorkerSetup;
  const flag = new Int32Array(signal);
  const engines: Record<string, LibraryEngine> = { LUA: new LuaLibraryEngine(), WASM: new WasmEngine() };
  setFuelLimit(FUEL_UNITS_MAX);
  setKillSwitch(flag, 1);

  const request = (type: 'call' | 'pcall', args: Buffer[]): ScriptValue => {
    Atomics.store(flag, 0, 0);
    // The RESP version the script chose (redis.setresp), in which the main thread shapes the reply.
    port.postMessage({ type, args, resp: scriptResp() } satisfies WorkerMessage);
    Atomics.wait(flag, 0, 0);
    const reply = receiveMessageOnPort(replies);
    return reviveBuffers(reply?.message as ScriptValue);
  };

  port.on('message', (job: WorkerJob) => {
    const rng = new Random(job.seed);
    const host: WasmScriptHost = {
      call: (args) => request('call', args),
      pcall: (args) => request('pcall', args),
      log: (level, message) => port.postMessage({ type: 'log', level, message } satisfies WorkerMessage),
      now: job.now,
      random: () => rng.next(),
    };
    let result: ScriptValue;
    if (job.kind === 'eval') result = runLua(Buffer.from(job.source), job.keys, job.args, host);
    else {
      const engine = engines[job.engine];
      if (engine === undefined) result = { err: Buffer.from(`ERR Engine '${job.engine}' not found`) };
      else {
        const library = engine.create(job.library, Buffer.from(job.code));
        const latin1 = (s: string) => Buffer.from(s, 'latin1');
        result = library.call(job.fn, job.keys.map(latin1), job.args.map(latin1), host);
      }
    }
    port.postMessage({ type: 'done', result } satisfies WorkerMessage);
  });
}

main();
