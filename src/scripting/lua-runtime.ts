// The Lua interpreter keyraft runs scripts in: Redis 7.0.15's own Lua 5.1 (with its cjson,
// cmsgpack, struct and bit libraries and its readonly tables) and a glue giving it Redis's
// scripting environment, built to WebAssembly from native/lua/ (keyraft-lua.wasm; how and why
// in native/lua/README.md and docs/SCRIPTING.md).
//
// This module owns the one interpreter of the thread (instantiated at import; a worker thread
// running a long script has its own), its host imports (redis.call into the ScriptHost of the
// run in progress, redis.log, sha1hex, and the JavaScript exceptions that stand in for Lua's
// longjmp), compiled scripts (an EVAL script is compiled once and kept while its cached body
// lives; a library's functions are kept while the library lives) and the translation of a
// run's result and errors into script values and Redis's error texts.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import type { ScriptArg, ScriptHost, ScriptValue } from './types.js';
export type { ScriptArg } from './types.js';
import { ReplyEncoder, writeScriptValue, type EncodingScriptHost } from './script-reply.js';
import { Decoder } from './wasm-codec.js';
import { decodeArgv } from './argv-codec.js';

/** The host of the run in progress; the interpreter's imports reach it through this slot. */
let current: ScriptHost | null = null;
/** The RESP version the running script asked for with redis.setresp (2 until it does). */
let currentResp: 2 | 3 = 2;

// ---- the module ----

interface GlueExports {
  memory: WebAssembly.Memory;
  __stack_pointer: WebAssembly.Global;
  __indirect_function_table: WebAssembly.Table;
  _initialize(): void;
  kr_init(): number;
  kr_alloc(n: number): number;
  kr_free(ptr: number): void;
  kr_reply_area(n: number): number;
  kr_small_reply(): number;
  kr_out(): number;
  kr_memory(): number;
  kr_set_fuel(units: number): void;
  kr_compile(src: number, len: number, chunk: number, errLen: number): number;
  kr_unref(ref: number): void;
  kr_run(ref: number, mode: number, block: number, nkeys: number, nargs: number): number;
}

const WASM_FILE = new URL('../../../native/lua/keyraft-lua.wasm', import.meta.url);
const wasmModule = new WebAssembly.Module(readFileSync(WASM_FILE));

/** What a Lua error is while it unwinds through the module (thrown by kr_throw, caught by kr_invoke). */
const LUA_THROW = { luaError: true };

/** Thrown by the WASI proc_exit import (the interpreter's panic): the module is then replaced. */
class ModuleExit extends Error {}

let x: GlueExports;
/** Bumped each time the module is replaced: compiled scripts of an older one are gone. */
let generation = 0;
let heapView = Buffer.alloc(0);
const tableEntries: ((a: number, b: number) => void)[] = [];

/** A Buffer over the module's memory (a new one after the memory grew: that detaches the old, length 0). */
function heap(): Buffer {
  if (heapView.length === 0) heapView = Buffer.from(x.memory.buffer);
  return heapView;
}

const ENOSYS = 52;

function imports(): WebAssembly.Imports {
  return {
    env: {
      kr_throw: () => {
        throw LUA_THROW;
      },
      kr_invoke: (fn: number, l: number, ud: number): number => {
        const sp = x.__stack_pointer.value as number;
        let f = tableEntries[fn];
        if (f === undefined) tableEntries[fn] = f = x.__indirect_function_table.get(fn) as (a: number, b: number) => void;
        try {
          f(l, ud);
          return 0;
        } catch (e) {
          if (e !== LUA_THROW) throw e;
          x.__stack_pointer.value = sp;
          return 1;
        }
      },
      host_call: hostCall,
      // A killed script (worker thread) reads a clock past any budget: it stops at the next check.
      host_clock_us: (): number => (killSwitch !== null && Atomics.load(killSwitch, killSwitchIndex) !== 0 ? Infinity : performance.now() * 1000),
      host_log: (level: number, ptr: number, len: number): void => {
        const message = Buffer.from(heap().subarray(ptr, ptr + len));
        try {
          current?.log(level, message);
        } catch {
          // A log that fails is not the script's error.
        }
      },
      host_sha1hex: (ptr: number, len: number, outPtr: number): void => {
        const h = heap();
        const digest = createHash('sha1').update(h.subarray(ptr, ptr + len)).digest('hex');
        h.latin1Write(digest, outPtr, 40);
      },
      host_acl_check: (ptr: number, len: number): number => {
        const argv = decodeArgv(heap(), ptr, len);
        const host = current as Partial<EncodingScriptHost> | null;
        if (argv === null || argv.length === 0) return -1;
        return host?.aclCheck !== undefined ? host.aclCheck(argv) : 1;
      },
    },
    // The C library's system interface: no files, no clock; output is dropped.
    wasi_snapshot_preview1: {
      fd_write: (_fd: number, iovs: number, iovsLen: number, written: number): number => {
        const h = heap();
        let n = 0;
        for (let i = 0; i < iovsLen; i++) n += h.readUInt32LE(iovs + i * 8 + 4);
        h.writeUInt32LE(n, written);
        return 0;
      },
      fd_close: () => ENOSYS,
      fd_fdstat_get: () => ENOSYS,
      fd_fdstat_set_flags: () => ENOSYS,
      fd_prestat_get: () => 8, // EBADF: no preopened directories
      fd_prestat_dir_name: () => ENOSYS,
      fd_read: () => ENOSYS,
      fd_renumber: () => ENOSYS,
      fd_seek: () => ENOSYS,
      path_open: () => ENOSYS,
      proc_exit: (code: number) => {
        throw new ModuleExit(`the Lua interpreter stopped (exit ${code})`);
      },
    },
  };
}

/** A fresh module and Lua state (at import, and after the old one failed beyond repair). */
function instantiate(): void {
  // Whatever happens below, what was compiled before is gone; until this completes the module
  // is not usable (pendingReset: the next compile or run instantiates again).
  generation++;
  pendingReset = true;
  const instance = new WebAssembly.Instance(wasmModule, imports());
  x = instance.exports as unknown as GlueExports;
  tableEntries.length = 0;
  heapView = Buffer.alloc(0);
  x._initialize();
  if (x.kr_init() !== 1) throw new Error('the Lua interpreter failed to initialise');
  // The budget the caller set holds for the new module too (a run may follow at once).
  if (fuelUnits > 0) x.kr_set_fuel(fuelUnits);
  argsAreaBytes = 256;
  argsArea = x.kr_alloc(argsAreaBytes);
  scratch = x.kr_alloc(8);
  smallReply = x.kr_small_reply();
  pendingReset = false;
}

/**
 * Set while a module replacement has not completed: one started where the failure happened
 * (deep in the JavaScript stack, say, after a stack overflow) can fail itself and leave a
 * half-initialised interpreter, so the next compile or run starts again from a fresh one.
 */
let pendingReset = false;

function ensureModule(): void {
  if (pendingReset) instantiate();
}

/** The glue's fixed area for redis.call replies of up to SMALL_REPLY_BYTES (keyraft_lua.c). */
let smallReply = 0;
const SMALL_REPLY_BYTES = 4096;

/** Scratch space for kr_compile's error length. */
let scratch = 0;

// ---- redis.call ----

/** The encoder every redis.call reply is written into (one call at a time: scripts do not nest). */
const encoder = new ReplyEncoder();
const NO_HOST = 'ERR redis.call used outside of a script run';

/**
 * redis.call / redis.pcall: runs the command on the current host and writes its reply, in the
 * wire format, into the area the glue gives for it. A host that can (CommandHost) writes the
 * reply straight into the encoder; others (the worker's, the loading host) return a script
 * value that is encoded here. Never throws: a JavaScript exception would unwind the module.
 */
function hostCall(pcall: number, resp: number, ptr: number, len: number): number {
  currentResp = resp === 3 ? 3 : 2;
  encoder.reset(currentResp);
  const host = current;
  const argv = decodeArgv(heap(), ptr, len);
  try {
    if (argv === null) encoder.error('ERR invalid argument encoding');
    else if (host === null) encoder.error(NO_HOST);
    else if ((host as Partial<EncodingScriptHost>).runEncoded !== undefined) (host as EncodingScriptHost).runEncoded(argv, encoder);
    else {
      const args = argv.map((a) => Buffer.from(a, 'latin1'));
      writeScriptValue(encoder, pcall ? host.pcall(args) : host.call(args), errorMessage);
    }
  } catch (err) {
    encoder.reset(currentResp);
    encoder.error(err instanceof Error ? err.message : String(err));
  }
  const n = encoder.finish();
  // Most replies fit the glue's fixed small area: no call into the module to ask for room.
  const area = n <= SMALL_REPLY_BYTES ? smallReply : x.kr_reply_area(n);
  if (area === 0) return 0xffffffff; // more than the glue can take: it answers with an error
  const h = heap();
  const src = encoder.buf;
  if (n <= 64) for (let i = 0; i < n; i++) h[area + i] = src[i]!;
  else h.set(src.subarray(0, n), area);
  return n;
}

// ---- public helpers ----

export function sha1hex(source: Buffer | string): string {
  return createHash('sha1').update(source).digest('hex');
}

/** The RESP version the script running now selected (redis.setresp); 2 by default. */
export function scriptResp(): 2 | 3 {
  return currentResp;
}

/** Bytes the Lua state holds (INFO used_memory_lua / used_memory_vm_eval, as Redis counts it). */
export function luaHeapBytes(): number {
  return x.kr_memory();
}

/** Back to RESP2 for a run that is not Lua's (a WASM function cannot call redis.setresp). */
export function resetScriptResp(): void {
  currentResp = 2;
}

/**
 * The RESP version for a redis.call the main thread runs for a script finishing on the worker
 * (long-scripts.ts): that script's redis.setresp happened in the worker's interpreter.
 */
export function setScriptResp(resp: 2 | 3): void {
  currentResp = resp;
}

// ---- the time budget ----

/**
 * The run's budget ("fuel") is time, in microseconds of performance.now(): the glue's hook
 * looks at the clock every 10,000 Lua VM instructions (Redis's busy check is a time check too),
 * so a script of slow instructions is stopped as promptly as one of fast ones.
 */
export const FUEL_UNITS_PER_MS = 1000;
const FUEL_EXHAUSTED = 'Script killed by fuel limit';

/** A worker thread's kill switch (long-scripts.ts): slot killSwitchIndex of this array, set to 1 by SCRIPT KILL. */
let killSwitch: Int32Array | null = null;
let killSwitchIndex = 0;

/**
 * Makes `flag[index]` this thread's kill switch: while it is 1, the running script's budget is
 * used up, so it stops with isFuelExhausted's error at the interpreter's next clock check (every
 * 10,000 VM instructions), where it is, as Redis's SCRIPT KILL stops a script in its hook.
 */
export function setKillSwitch(flag: Int32Array, index: number): void {
  killSwitch = flag;
  killSwitchIndex = index;
}

/** The text of the error a budget that ran out raises (isFuelExhausted). */
export const FUEL_EXHAUSTED_ERROR = `ERR ${FUEL_EXHAUSTED}`;

/** The largest budget (about eleven days): what "no limit" means here. */
export const FUEL_UNITS_MAX = 1e12;
let fuelUnits = -1;

/**
 * The time budget of the next runs; 0 asks for the largest. A run that uses it up ends with an
 * error isFuelExhausted recognises (a pcall inside the script cannot keep it going: every
 * further instruction fails the same way).
 */
export function setFuelLimit(units: number): void {
  const fuel = units <= 0 ? FUEL_UNITS_MAX : Math.min(Math.floor(units), FUEL_UNITS_MAX);
  if (fuel === fuelUnits) return;
  x.kr_set_fuel(fuel);
  fuelUnits = fuel;
}

/** The budget setFuelLimit last gave the interpreter (-1: none yet). */
export function fuelLimitUnits(): number {
  return fuelUnits;
}

export function isFuelExhausted(v: ScriptValue): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'err' in v && v.err.toString('latin1').includes(FUEL_EXHAUSTED);
}

// ---- compiling and running ----

/** How the glue runs a chunk (keyraft_lua.c's MODE_*). */
const MODE_EVAL = 0;
const MODE_FUNCTION = 1;
const MODE_LOAD = 2;
/** The chunk names errors show: @user_script (EVAL) or @user_function (a library). */
type ChunkName = 'user_script' | 'user_function';

/** A chunk compiled in the module: a reference into the Lua registry, valid for its generation. */
interface Compiled {
  ref: number;
  generation: number;
}

/** Compiles; returns the chunk, or the compiler's message ("user_script:1: …"). */
function compile(source: Buffer, chunk: ChunkName): Compiled | string {
  ensureModule();
  const ptr = x.kr_alloc(source.length);
  if (ptr === 0) return 'not enough memory';
  heap().set(source, ptr);
  const ref = guarded(() => x.kr_compile(ptr, source.length, chunk === 'user_function' ? 1 : 0, scratch));
  if (generation === generationBefore) x.kr_free(ptr);
  if (ref === 0) {
    const h = heap();
    const n = h.readUInt32LE(scratch);
    const out = x.kr_out();
    return n === 0 ? 'not enough memory' : h.latin1Slice(out, out + n);
  }
  return { ref, generation };
}

/** The generation a guarded call started in (a failure replaces the module). */
let generationBefore = 0;

/**
 * Calls into the module; if the interpreter stops beyond repair (its panic, a trap), the
 * module is replaced by a fresh one (every compiled script is then compiled again on its
 * next run) and the call's result is 0.
 */
function guarded(call: () => number): number {
  generationBefore = generation;
  try {
    return call();
  } catch (e) {
    if (e === LUA_THROW || e instanceof ModuleExit || e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
      try {
        instantiate();
      } catch {
        // pendingReset stays set: the next compile or run instantiates again.
      }
      return 0;
    }
    throw e;
  }
}

function release(c: Compiled): void {
  if (c.generation === generation) x.kr_unref(c.ref);
}

/** Unreferences a chunk once what it was compiled for is garbage (a cached script body, a library). */
const releaser = new FinalizationRegistry<Compiled[]>((list) => {
  for (const c of list) release(c);
});

/** Where the argument block is written, kept between runs (grown as needed) with its capacity. */
let argsArea = 0;
let argsAreaBytes = 0;
/** An argument block bigger than this is allocated for its run only. */
const ARGS_AREA_KEPT_BYTES_MAX = 64 * 1024;

/**
 * Runs a compiled chunk against `host` with KEYS = keys[keysFrom, keysTo) and ARGV =
 * args[argsFrom, argsTo) (no copies of EVAL's argv). Not reentrant: a script cannot start
 * another (EVAL is refused inside scripts).
 */
function run(
  c: Compiled,
  mode: number,
  keys: readonly ScriptArg[],
  keysFrom: number,
  keysTo: number,
  args: readonly ScriptArg[],
  argsFrom: number,
  argsTo: number,
  host: ScriptHost,
): ScriptValue {
  if (current !== null) return { err: Buffer.from('ERR a script is already running') };
  // Compiled by a module that has been replaced since (the callers look first, so only after a failure).
  if (c.generation !== generation || pendingReset) return plainError(ERR_INTERPRETER_RESET);
  let argBytes = 0;
  for (let i = keysFrom; i < keysTo; i++) argBytes += 4 + keys[i]!.length;
  for (let i = argsFrom; i < argsTo; i++) argBytes += 4 + args[i]!.length;
  let block: number;
  if (argBytes <= argsAreaBytes) block = argsArea;
  else if (argBytes <= ARGS_AREA_KEPT_BYTES_MAX) {
    x.kr_free(argsArea);
    argsAreaBytes = argBytes * 2;
    argsArea = block = x.kr_alloc(argsAreaBytes);
    if (block === 0) argsAreaBytes = 0;
  } else block = x.kr_alloc(argBytes);
  // (A run without arguments reads no block: a kept area lost to a failed allocation is not its error.)
  if (block === 0 && argBytes > 0) return plainError(ERR_SCRIPT_OOM);
  const h = heap();
  const at = writeArgs(h, block, keys, keysFrom, keysTo);
  writeArgs(h, at, args, argsFrom, argsTo);
  current = host;
  currentResp = 2;
  let n: number;
  try {
    n = guarded(() => x.kr_run(c.ref, mode, block, keysTo - keysFrom, argsTo - argsFrom));
  } finally {
    current = null;
  }
  const sameModule = generation === generationBefore;
  if (block !== argsArea && sameModule) x.kr_free(block);
  if (n === 0) {
    if (sameModule) renewAfterOutOfMemory();
    return plainError(sameModule ? ERR_SCRIPT_OOM : ERR_INTERPRETER_RESET);
  }
  const result = decodeResult(x.kr_out(), n);
  if (isRaisedError(result) && result.meta.plain === true && result.err.equals(OOM_TEXT)) renewAfterOutOfMemory();
  return result;
}

/** The module memory past which a run that ran out of memory replaces the module. */
const RENEW_AFTER_OOM_BYTES = 256 * 1024 * 1024;

/**
 * After a run that used the heap up: the module's memory never shrinks, and what such a run
 * leaves allocated in the middle of it (Lua's string buffer, tables) can split the free space
 * for good, so that a big value (a 130 MB GET) no longer fits in any later script. A fresh
 * module gets the whole cap back; scripts and libraries are compiled again on their next run
 * (a library's local variables and math.random's sequence start over, docs/SCRIPTING.md).
 */
function renewAfterOutOfMemory(): void {
  if (x.memory.buffer.byteLength >= RENEW_AFTER_OOM_BYTES) instantiate();
}

function writeArgs(view: Buffer, start: number, list: readonly ScriptArg[], from: number, to: number): number {
  let at = start;
  for (let i = from; i < to; i++) {
    const a = list[i]!;
    view.writeUInt32LE(a.length, at);
    at += 4;
    if (typeof a === 'string') {
      const n = a.length;
      if (n <= 16) for (let j = 0; j < n; j++) view[at + j] = a.charCodeAt(j);
      else view.latin1Write(a, at, n);
      at += n;
    } else {
      view.set(a, at);
      at += a.length;
    }
  }
  return at;
}

/** Lua's out-of-memory message. keyraft's interpreter has a memory cap (native/lua/build.sh, --max-memory) where Redis has none. */
const OOM = 'not enough memory';
const OOM_TEXT = Buffer.from(OOM);
const ERR_SCRIPT_OOM = `${OOM} (keyraft scripts have a 512 MB interpreter heap)`;
const ERR_INTERPRETER_RESET = 'the Lua interpreter failed and was restarted';

/** An error that did not come out of the script (the interpreter itself failed): scriptErrorText words it. */
function plainError(text: string): ScriptValue {
  return { err: Buffer.from(text), meta: { line: -1, source: '', plain: true } as RaisedMeta };
}

/** Compiled EVAL scripts by the identity of the cached body they were compiled from. */
const compiledScripts = new WeakMap<Buffer, Compiled>();

/** The compiled chunk of a cached script body (compiled on its first run, or again after a module reset). */
function scriptChunkFor(body: Buffer, resident: boolean): Compiled | string {
  ensureModule();
  if (resident) {
    const known = compiledScripts.get(body);
    if (known !== undefined && known.generation === generation) return known;
  }
  const c = compile(body, 'user_script');
  if (typeof c !== 'string' && resident) {
    compiledScripts.set(body, c);
    releaser.register(body, [c]);
  }
  return c;
}

function compileFailure(message: string): ScriptValue {
  return { err: Buffer.from(`ERR Error compiling script (new function): ${message}`, 'latin1') };
}

/**
 * Runs an EVAL script with KEYS and ARGV against `host`. Returns what the script returned, or
 * an `{err, meta}` value for an error it raised (see scriptErrorText). `resident`: `source`
 * is a cached script's own (unchanging) body, compiled once and kept while that Buffer lives.
 */
export function runLua(source: Buffer, keys: readonly ScriptArg[], args: readonly ScriptArg[], host: ScriptHost, resident = false): ScriptValue {
  return runScript(source, keys, 0, keys.length, args, 0, args.length, host, resident);
}

/**
 * runLua for EVAL/EVALSHA's own argv: KEYS are argv[first, first + keyCount), ARGV the rest
 * (no copies of the lists).
 */
export function runLuaArgv(source: Buffer, argv: readonly string[], first: number, keyCount: number, host: ScriptHost, resident: boolean): ScriptValue {
  return runScript(source, argv, first, first + keyCount, argv, first + keyCount, argv.length, host, resident);
}

function runScript(
  source: Buffer,
  keys: readonly ScriptArg[],
  keysFrom: number,
  keysTo: number,
  args: readonly ScriptArg[],
  argsFrom: number,
  argsTo: number,
  host: ScriptHost,
  resident: boolean,
): ScriptValue {
  const c = scriptChunkFor(source, resident);
  if (typeof c === 'string') return compileFailure(c);
  try {
    return run(c, MODE_EVAL, keys, keysFrom, keysTo, args, argsFrom, argsTo, host);
  } finally {
    if (!resident) release(c);
  }
}

/**
 * Compiles a script body without running it. Returns null when the source compiles, or the
 * compiler's message ("user_script:1: unexpected symbol…").
 */
export function compileError(source: Buffer, chunk: ChunkName = 'user_script'): string | null {
  const c = compile(source, chunk);
  if (typeof c === 'string') return c;
  release(c);
  return null;
}

/** A library's functions, compiled once: FCALL calls them by reference. */
export class LuaFunctions {
  private readonly refs = new Map<string, Compiled>();

  /**
   * Runs a library's loading chunk (chunk name @user_function). Its result is the script
   * value it returned, with each registration's callback (its 5th element) replaced by the
   * reference FCALL uses, or the error it raised.
   */
  static load(source: Buffer, host: ScriptHost): { functions: LuaFunctions | null; result: ScriptValue } {
    const c = compile(source, 'user_function');
    if (typeof c === 'string') return { functions: null, result: { err: Buffer.from(c, 'latin1'), meta: { line: -1, source: '', compile: true } as RaisedMeta } };
    let result: ScriptValue;
    try {
      result = run(c, MODE_LOAD, [], 0, 0, [], 0, 0, host);
    } finally {
      release(c);
    }
    if (!Array.isArray(result)) return { functions: null, result };
    const fns = new LuaFunctions();
    const kept: Compiled[] = [];
    for (const entry of result) {
      if (!Array.isArray(entry) || typeof entry[4] !== 'number') continue;
      const name = Buffer.isBuffer(entry[0]) ? entry[0].toString('latin1') : String(entry[0]);
      const ref = { ref: entry[4], generation };
      kept.push(ref);
      fns.refs.set(name, ref);
    }
    releaser.register(fns, kept);
    return { functions: fns, result };
  }

  /** Whether the module still holds these functions (false after it was replaced). */
  get alive(): boolean {
    ensureModule();
    for (const c of this.refs.values()) return c.generation === generation;
    return true;
  }

  /** FCALL: the function gets KEYS and ARGV as its two arguments. */
  call(name: string, keys: readonly ScriptArg[], args: readonly ScriptArg[], host: ScriptHost): ScriptValue {
    const c = this.refs.get(name);
    if (c === undefined) return { err: Buffer.from('ERR Function not found') };
    return run(c, MODE_FUNCTION, keys, 0, keys.length, args, 0, args.length, host);
  }
}

// ---- results and errors ----

interface RaisedMeta {
  /** Where it was raised (-1 / '' when unknown): Redis's "on @user_script:<line>." */
  line: number;
  source: string;
  /** From a command run by redis.call (its error statistics are already counted). */
  fromCommand?: boolean;
  /** Not an error table: the interpreter ran out of memory, or the error handler failed. */
  plain?: boolean;
  /** A compile error (library loading). */
  compile?: boolean;
}

/** Decodes results out of the module's memory (a new one after the memory grew). */
let decoder: Decoder | null = null;

/** A run's result as the glue wrote it: one value in wasm-codec's encoding, or RAISED (15). */
function decodeResult(ptr: number, len: number): ScriptValue {
  const h = heap();
  if (h[ptr] === TAG_RAISED) {
    const n = h.readUInt32LE(ptr + 1);
    let at = ptr + 5;
    const message = Buffer.from(h.subarray(at, at + n));
    at += n;
    const line = h.readInt32LE(at);
    const flags = h[at + 4]!;
    const sourceLen = h.readUInt32LE(at + 5);
    const source = h.latin1Slice(at + 9, at + 9 + sourceLen);
    const meta: RaisedMeta = { line, source, fromCommand: (flags & 1) !== 0, plain: (flags & 2) !== 0 };
    return { err: message, meta };
  }
  if (decoder === null || !decoder.reads(h)) decoder = new Decoder(h);
  return decoder.reset(ptr, ptr + len).value();
}

const TAG_RAISED = 15;

/** Whether a value is an error the script raised (as opposed to an error value it returned). */
export function isRaisedError(v: ScriptValue): v is { err: Buffer; code?: Buffer; meta: RaisedMeta } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'err' in v && (v as { meta?: unknown }).meta !== undefined;
}

/**
 * An error value's text as Redis puts it on the wire: the err field up to a NUL (Redis copies
 * it as a C string). The glue already shaped it as "CODE message" where Redis does.
 */
export function errorMessage(v: { err: Buffer; code?: Buffer; meta?: unknown }): string {
  let message = v.err.toString('latin1');
  const nul = message.indexOf('\0');
  if (nul >= 0) message = message.slice(0, nul);
  return v.code !== undefined ? `${v.code.toString('latin1')} ${message}` : message;
}

/**
 * The reply text for an error a script raised: Redis appends where it happened,
 * "… script: <sha or function name>, on @user_script:<line>." (@user_function for FCALL).
 */
export function scriptErrorText(v: { err: Buffer; code?: Buffer; meta: RaisedMeta }, origin: string): string {
  const text = errorMessage(v);
  const meta = v.meta;
  if (meta.plain) return `ERR Error running script: ${text === OOM ? ERR_SCRIPT_OOM : text}`;
  if (meta.line >= 0 && meta.source !== '') return `${text} script: ${origin}, on ${meta.source}:${meta.line}.`;
  return text;
}

// Last, once every binding above is initialised.
instantiate();
