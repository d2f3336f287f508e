// The Lua interpreter keyraft runs scripts in: lua-redis-wasm, which is Redis's own Lua 5.1 (with
// its cjson, cmsgpack, struct and bit libraries, the readonly globals table and the
// nonexistent-global guard) compiled to WebAssembly. Chosen over fengari (Lua 5.3 in JS) because
// 5.3's integer/float split changes script results (`'a'..10/2` is "a5.0" there, "a5" in Redis)
// and fengari ships none of Redis's libraries; docs/SCRIPTING.md has the comparison and numbers.
//
// This module owns the one interpreter of the process (loaded once, at import), the fast way
// into it (the package's internals driven directly: scripts kept in its memory, redis.call
// arguments and replies read and written in its memory, the first-value wrapper only where it
// is needed; each falls back to the package's own path if the internals are not as expected),
// and the translation of its errors into Redis's error texts. Everything about commands lives
// in the ScriptHost the caller passes in for the duration of one run.

import { encodeReply, load, type LuaEngine, type ReplyValue } from 'lua-redis-wasm';
import { createHash } from 'node:crypto';
import type { ScriptHost, ScriptValue } from './types.js';
import { ReplyEncoder } from './script-reply.js';

/**
 * A host that runs a redis.call command straight into the interpreter's reply encoding
 * (CommandHost): the arguments arrive as latin1 strings, the reply is written into `out`.
 */
export interface EncodingScriptHost extends ScriptHost {
  runEncoded(argv: string[], out: ReplyEncoder): void;
}

/** The Redis release whose scripting behaviour keyraft follows (redis.REDIS_VERSION). */
export const SCRIPT_REDIS_VERSION = '7.0.15';
const SCRIPT_REDIS_VERSION_NUM = 0x07000f;

/** The host of the run in progress; the interpreter's callbacks are bound once, to this slot. */
let current: ScriptHost | null = null;
/** The RESP version the running script asked for with redis.setresp (2 until it does). */
let currentResp: 2 | 3 = 2;

const NO_HOST: ScriptValue = { err: Buffer.from('ERR redis.call used outside of a script run') };

const luaModule = await load({
    profile: 'redis-7.0',
    redisProps: {
      REDIS_VERSION: { value: SCRIPT_REDIS_VERSION },
      REDIS_VERSION_NUM: { value: SCRIPT_REDIS_VERSION_NUM },
      REPL_ALL: { value: 3 },
      REPL_AOF: { value: 1 },
      REPL_SLAVE: { value: 2 },
      REPL_REPLICA: { value: 2 },
      REPL_NONE: { value: 0 },
      // Effects are always what is logged (Redis 7's only mode), so these are accepted no-ops.
      replicate_commands: { returns: true },
      set_repl: { returns: null },
    },
  });
const engine: LuaEngine = luaModule.create({
  redisCall: (args) => (current === null ? NO_HOST : current.call(args)) as ReplyValue,
  redisPcall: (args) => (current === null ? NO_HOST : current.pcall(args)) as ReplyValue,
  log: (level, message) => current?.log(level, message),
  onSetResp: (version: number) => {
    currentResp = version === 3 ? 3 : 2;
  },
});
useNativeSha1();
useDirectCalls();

/**
 * lua-redis-wasm hashes every script it runs (for its error metadata) and redis.sha1hex with a
 * pure-JS SHA-1, which cost a sixth of an EVALSHA; this swaps in node's native one (and remembers
 * the last digest, as EVALSHA runs one script over and over) through the
 * module's (unexported, hence the version pin in package.json) handler table, same ABI: the
 * input as (ptr, len) or (retPtr, ptr, len), the 40 hex digits returned as a packed ptr/len.
 */
let lastInput: Buffer | null = null;
let lastDigest = Buffer.alloc(0);

function useNativeSha1(): void {
  const internals = luaModule as unknown as {
    handlers?: { sha1hex?: (...args: number[]) => bigint | void };
    exports?: { HEAPU8: Uint8Array; _alloc(n: number): number };
  };
  const handlers = internals.handlers;
  const exports = internals.exports;
  if (handlers?.sha1hex === undefined || exports === undefined) return;
  handlers.sha1hex = (...args: number[]) => {
    const hasRet = args.length >= 3;
    const ptr = hasRet ? args[1]! : args[0]!;
    const len = hasRet ? args[2]! : args[1]!;
    const input = exports.HEAPU8.subarray(ptr, ptr + len);
    // The same script runs again and again (EVALSHA): remember the last digest.
    if (lastInput === null || !lastInput.equals(input)) {
      lastInput = Buffer.from(input);
      lastDigest = Buffer.from(createHash('sha1').update(input).digest('hex'), 'latin1');
    }
    const digest = lastDigest;
    const out = exports._alloc(digest.length);
    exports.HEAPU8.set(digest, out);
    if (!hasRet) return (BigInt(digest.length) << 32n) | BigInt(out >>> 0);
    const view = new DataView(exports.HEAPU8.buffer, exports.HEAPU8.byteOffset);
    view.setUint32(args[0]!, out >>> 0, true);
    view.setUint32(args[0]! + 4, digest.length, true);
    return undefined;
  };
}

/**
 * Short redis.call arguments as strings, reused when the same bytes come again: the command
 * name repeats on every call, and a script tends to pass the same key to several commands
 * (INCR then EXPIRE). A hit costs a byte comparison instead of a new string. Two small
 * direct-mapped tables (names, other arguments), keyed by length and three of the bytes.
 */
const INTERNED_BYTES_MAX = 24;
const INTERN_SLOTS = 256;
const namesSeen: (string | undefined)[] = new Array(INTERN_SLOTS);
const argsSeen: (string | undefined)[] = new Array(INTERN_SLOTS);

function intern(seen: (string | undefined)[], buf: Buffer, start: number, len: number): string {
  if (len === 0) return '';
  const h = (len * 31 + buf[start]! * 7 + buf[start + len - 1]! * 3 + buf[start + (len >> 1)]!) & (INTERN_SLOTS - 1);
  const cached = seen[h];
  if (cached !== undefined && cached.length === len) {
    let i = 0;
    while (i < len && cached.charCodeAt(i) === buf[start + i]) i++;
    if (i === len) return cached;
  }
  const s = buf.latin1Slice(start, start + len);
  seen[h] = s;
  return s;
}

/** The encoder every redis.call reply is written into (one call at a time: scripts do not nest). */
const encoder = new ReplyEncoder();
const ERR_ARG_ENCODING = 'ERR invalid argument encoding';

/**
 * Replaces the package's redis.call / redis.pcall handlers (its handler table, same ABI as the
 * sha1hex one: (ptr, len) or (retPtr, ptr, len) in, the encoded reply as a packed ptr/len out).
 * The package's own decode the argument block into a Buffer per argument, hand the host's
 * ScriptValue to its encoder (a Buffer per node, then a concat) and copy that into the module;
 * these read the arguments straight out of the module's memory as latin1 strings and, for a
 * host that can (CommandHost), let the command write its reply in the wire format directly
 * (ReplyEncoder). Other hosts (the worker's, the loading host) get Buffers and their values go
 * through the package's own encodeReply, so the bytes are the package's in every case.
 */
function useDirectCalls(): void {
  const internals = luaModule as unknown as {
    handlers?: { call?: unknown; pcall?: unknown };
    exports?: { HEAPU8: Uint8Array; _alloc(n: number): number };
  };
  const handlers = internals.handlers;
  const x = internals.exports;
  if (handlers === undefined || typeof handlers.call !== 'function' || typeof handlers.pcall !== 'function' || x === undefined) return;
  // A view over the module's memory; growing the memory detaches the old one (length 0).
  let view: Buffer = Buffer.alloc(0);
  const heap = (): Buffer => {
    if (view.length === 0) {
      const h = x.HEAPU8;
      view = Buffer.from(h.buffer, h.byteOffset, h.byteLength);
    }
    return view;
  };
  const u32 = (b: Buffer, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

  /** The arguments as latin1 strings, or null when the block is malformed. */
  const decodeStrings = (ptr: number, len: number): string[] | null => {
    const b = heap();
    const end = ptr + len;
    if (len < 4) return null;
    const count = u32(b, ptr);
    if (count > len) return null;
    const argv = new Array<string>(count);
    let at = ptr + 4;
    for (let i = 0; i < count; i++) {
      if (at + 4 > end) return null;
      const n = u32(b, at);
      at += 4;
      if (at + n > end) return null;
      argv[i] = n <= INTERNED_BYTES_MAX ? intern(i === 0 ? namesSeen : argsSeen, b, at, n) : b.latin1Slice(at, at + n);
      at += n;
    }
    return argv;
  };

  /** Runs the call; returns the encoded reply's pointer, its length in `replyLen`. */
  let replyLen = 0;
  const run = (pcall: boolean, ptr: number, len: number): number => {
    const host = current;
    if (host !== null && (host as Partial<EncodingScriptHost>).runEncoded !== undefined) {
      encoder.reset(currentResp);
      const argv = decodeStrings(ptr, len);
      if (argv === null) encoder.error(ERR_ARG_ENCODING);
      else {
        try {
          (host as EncodingScriptHost).runEncoded(argv, encoder);
        } catch (err) {
          encoder.reset(currentResp);
          encoder.error(err instanceof Error ? err.message : String(err));
        }
      }
      const n = encoder.finish();
      const out = x._alloc(n);
      const b = heap();
      const src = encoder.buf;
      if (n <= 64) for (let i = 0; i < n; i++) b[out + i] = src[i]!;
      else b.set(src.subarray(0, n), out);
      replyLen = n;
      return out;
    }
    let value: ScriptValue;
    const argv = decodeStrings(ptr, len);
    if (argv === null) value = { err: Buffer.from(ERR_ARG_ENCODING) };
    else if (host === null) value = NO_HOST;
    else {
      const args = argv.map((a) => Buffer.from(a, 'latin1'));
      try {
        value = pcall ? host.pcall(args) : host.call(args);
      } catch (err) {
        value = { err: Buffer.from(err instanceof Error ? err.message : String(err), 'utf8') };
      }
    }
    const encoded = encodeReply(value as ReplyValue);
    const out = x._alloc(encoded.length);
    heap().set(encoded, out);
    replyLen = encoded.length;
    return out;
  };

  const handler = (pcall: boolean) =>
    function (this: unknown, a: number, b: number, c?: number): bigint | undefined {
      if (c === undefined) {
        const out = run(pcall, a, b);
        return (BigInt(replyLen) << 32n) | BigInt(out >>> 0);
      }
      const out = run(pcall, b, c);
      const h = heap();
      h.writeUInt32LE(out >>> 0, a);
      h.writeUInt32LE(replyLen, a + 4);
      return undefined;
    };
  handlers.call = handler(false);
  handlers.pcall = handler(true);
}

export function sha1hex(source: Buffer | string): string {
  return createHash('sha1').update(source).digest('hex');
}

/** The RESP version the script running now selected (redis.setresp); 2 by default. */
export function scriptResp(): 2 | 3 {
  return currentResp;
}

/** Bytes of memory the interpreter's module has (INFO used_memory_vm_eval). */
export function luaHeapBytes(): number {
  return (luaModule as unknown as { exports?: { HEAPU8?: Uint8Array } }).exports?.HEAPU8?.byteLength ?? 0;
}

/** Back to RESP2 for a run that is not Lua's (a WASM function cannot call redis.setresp). */
export function resetScriptResp(): void {
  currentResp = 2;
}

/** The engine's internals runLua drives directly (lua-redis-wasm 1.5.0, pinned). */
interface EngineInternals {
  exports: {
    HEAPU8: Uint8Array;
    _alloc(n: number): number;
    _free_mem(ptr: number): void;
    _eval_with_args: ((...args: number[]) => unknown) & { length: number };
  };
  callEvalWithArgs(scriptPtr: number, scriptLen: number, argsPtr: number, argsLen: number, keyCount: number): unknown;
  decodeResult(result: unknown, sha: string): ReplyValue;
}
const internals = engine as unknown as Partial<EngineInternals>;
const direct = typeof internals.callEvalWithArgs === 'function' && typeof internals.decodeResult === 'function' && internals.exports !== undefined;
/** eval_with_args takes the address of its (ptr, len) result first (the 6-argument form). */
const evalSret = direct && typeof internals.exports!._eval_with_args === 'function' && internals.exports!._eval_with_args.length >= 6;

/**
 * Units of the interpreter's instruction budget ("fuel") per millisecond of running time on this
 * class of machine (measured: a counting loop burns ~470,000 a millisecond; kept lower so the
 * budget runs out no later than the time it stands for).
 */
export const FUEL_UNITS_PER_MS = 400_000;
const FUEL_EXHAUSTED = 'Script killed by fuel limit';
let fuelLimit = -1;

/**
 * The largest budget the interpreter takes (a u32: about ten seconds of Lua). It always has one
 * (its default is ~20 million units, some 50 ms), so every run sets its own.
 */
export const FUEL_UNITS_MAX = 0xffffffff;

/**
 * The instruction budget of the next runs; 0 asks for the largest. A run that uses it up ends with an
 * error isFuelExhausted recognises (a pcall inside the script cannot keep it going: every
 * further instruction fails the same way).
 */
export function setFuelLimit(units: number): void {
  const fuel = units <= 0 ? FUEL_UNITS_MAX : Math.min(Math.floor(units), FUEL_UNITS_MAX);
  if (fuel === fuelLimit) return;
  const exports = (luaModule as unknown as { exports?: { _set_limits?(fuel: number, reply: number, arg: number): void } }).exports;
  exports?._set_limits?.(fuel, 0, 0);
  fuelLimit = fuel;
}

/** The budget setFuelLimit last gave the interpreter (-1: none yet, the package's default). */
export function fuelLimitUnits(): number {
  return fuelLimit;
}

export function isFuelExhausted(v: ScriptValue): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'err' in v && v.err.toString('latin1').includes(FUEL_EXHAUSTED);
}

/** An argument as Lua receives it: a latin1 string (one char per byte) or bytes. */
export type ScriptArg = string | Buffer;

/**
 * Runs Lua source with KEYS and ARGV against `host`. Returns what the script returned, or an
 * `{err, meta}` value for an error it raised (see scriptErrorText). `sha` names the script in
 * the engine's error metadata. Not reentrant: a script cannot start another (EVAL is refused
 * inside scripts).
 */
export function runLua(source: Buffer, keys: readonly ScriptArg[], args: readonly ScriptArg[], host: ScriptHost, sha = '', resident = false): ScriptValue {
  // `resident`: `source` is a cached script's own (unchanging) Buffer, worth keeping in the
  // interpreter's memory for the next run of the same script.
  if (current !== null) return { err: Buffer.from('ERR a script is already running') };
  current = host;
  currentResp = 2;
  try {
    if (!direct) return engine.evalWithArgs(source, keys.map(asBuffer), args.map(asBuffer)) as ScriptValue;
    return evalDirect(internals as EngineInternals, source, keys, 0, keys.length, args, 0, args.length, sha, resident);
  } catch (e) {
    return outOfMemory(e);
  } finally {
    current = null;
  }
}

/**
 * runLua for EVAL/EVALSHA's own argv: KEYS are argv[first, first + keyCount), ARGV the rest
 * (no copies of the lists).
 */
export function runLuaArgv(source: Buffer, argv: readonly string[], first: number, keyCount: number, host: ScriptHost, sha: string, resident: boolean): ScriptValue {
  if (!direct || current !== null) return runLua(source, argv.slice(first, first + keyCount), argv.slice(first + keyCount), host, sha, resident);
  current = host;
  currentResp = 2;
  try {
    return evalDirect(internals as EngineInternals, source, argv, first, first + keyCount, argv, first + keyCount, argv.length, sha, resident);
  } catch (e) {
    return outOfMemory(e);
  } finally {
    current = null;
  }
}

/**
 * The interpreter's heap is a fixed 64 MB and its malloc aborts (a RuntimeError thrown out of
 * the module) instead of failing: a script building a big string, a huge argument or a huge
 * redis.call reply. The module stays usable but the aborted run's Lua state is left mid-call
 * (what it allocated stays reachable), so the Lua state is reset to a fresh one (the module's
 * _reset: libraries, redis.* props and the globals lock again; memory the JS side allocated,
 * such as resident scripts, is untouched) and the script gets an error. Anything else rethrows.
 */
const ERR_SCRIPT_OOM = 'ERR Error running script: not enough memory (keyraft scripts have a 64 MB interpreter heap)';

function outOfMemory(e: unknown): ScriptValue {
  if (!(e instanceof Error) || !e.message.includes('Aborted(OOM)')) throw e;
  const x = (luaModule as unknown as { exports?: { _reset?(): number } }).exports;
  x?._reset?.();
  // The budget is applied again (the reset may have put the module's default back).
  const fuel = fuelLimit;
  fuelLimit = -1;
  if (fuel > 0) setFuelLimit(fuel);
  return { err: Buffer.from(ERR_SCRIPT_OOM) };
}

function asBuffer(a: ScriptArg): Buffer {
  return typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
}

/**
 * Scripts kept in the module's memory between runs (EVALSHA runs the same body again and
 * again), by the identity of the caller's Buffer: runLua's `resident` callers pass the cached
 * script's own body, which never changes. Oldest out first past either limit.
 */
const RESIDENT_SCRIPTS_MAX = 64;
/** Kept small: the module's heap is a fixed 64 MB (it cannot grow) that scripts' data also lives in. */
const RESIDENT_BYTES_MAX = 2 * 1024 * 1024;
const residentScripts = new Map<Buffer, number>();
let residentBytes = 0;

function scriptPointer(x: EngineInternals['exports'], source: Buffer, keep: boolean): number {
  if (keep) {
    const ptr = residentScripts.get(source);
    if (ptr !== undefined) return ptr;
  }
  const ptr = x._alloc(source.length);
  x.HEAPU8.set(source, ptr);
  if (keep && source.length <= RESIDENT_BYTES_MAX / 4) {
    while (residentScripts.size >= RESIDENT_SCRIPTS_MAX || residentBytes + source.length > RESIDENT_BYTES_MAX) {
      const [oldest, oldPtr] = residentScripts.entries().next().value as [Buffer, number];
      residentScripts.delete(oldest);
      residentBytes -= oldest.length;
      x._free_mem(oldPtr);
    }
    residentScripts.set(source, ptr);
    residentBytes += source.length;
  }
  return ptr;
}

/** Where the argument block is written, kept between runs (grown as needed) with its capacity. */
let argsArea = 0;
let argsAreaBytes = 0;
/** An argument block bigger than this is allocated for its run only. */
const ARGS_AREA_KEPT_BYTES_MAX = 64 * 1024;
/** The 8 bytes eval_with_args writes its result's (ptr, len) into. */
let resultSlot = 0;

/**
 * evalWithArgs without its per-call pure-JS SHA-1 of the script and its buffer concatenation:
 * the script (kept resident when asked) and the argument block ([count:u32] then [len:u32][bytes]
 * per argument, KEYS first) are written straight into the module's memory, and the common
 * results (integer, bulk, status, nil) are read straight out of it.
 */
function evalDirect(
  e: EngineInternals,
  source: Buffer,
  keys: readonly ScriptArg[],
  keysFrom: number,
  keysTo: number,
  args: readonly ScriptArg[],
  argsFrom: number,
  argsTo: number,
  sha: string,
  keep: boolean,
): ScriptValue {
  let argBytes = 4;
  for (let i = keysFrom; i < keysTo; i++) argBytes += 4 + keys[i]!.length;
  for (let i = argsFrom; i < argsTo; i++) argBytes += 4 + args[i]!.length;
  const keyCount = keysTo - keysFrom;
  const x = e.exports;
  const scriptPtr = scriptPointer(x, source, keep);
  let argsPtr: number;
  if (argBytes <= argsAreaBytes) argsPtr = argsArea;
  else if (argBytes <= ARGS_AREA_KEPT_BYTES_MAX) {
    if (argsArea !== 0) x._free_mem(argsArea);
    argsArea = argsAreaBytes = 0; // an _alloc that runs out of memory throws (outOfMemory)
    argsPtr = x._alloc(Math.max(256, argBytes * 2));
    argsArea = argsPtr;
    argsAreaBytes = Math.max(256, argBytes * 2);
  } else argsPtr = x._alloc(argBytes);
  const heap = x.HEAPU8;
  const view = heapBuffer(heap);
  view.writeUInt32LE(keyCount + argsTo - argsFrom, argsPtr);
  const at = writeArgs(view, argsPtr + 4, keys, keysFrom, keysTo);
  writeArgs(view, at, args, argsFrom, argsTo);
  let result: unknown;
  try {
    if (evalSret) {
      if (resultSlot === 0) resultSlot = x._alloc(8);
      x._eval_with_args(resultSlot, scriptPtr, source.length, argsPtr, argBytes, keyCount);
      const h = heapBuffer(x.HEAPU8);
      result = { ptr: h.readUInt32LE(resultSlot), len: h.readUInt32LE(resultSlot + 4) };
    } else result = e.callEvalWithArgs(scriptPtr, source.length, argsPtr, argBytes, keyCount);
  } finally {
    // Also when the run ran out of memory (outOfMemory): a big argument block must not stay.
    if (!keep || residentScripts.get(source) !== scriptPtr) x._free_mem(scriptPtr);
    if (argsPtr !== argsArea) x._free_mem(argsPtr);
  }
  if (evalSret) {
    const fast = decodeSimple(x, result as { ptr: number; len: number });
    if (fast !== undefined) return fast;
  }
  return e.decodeResult(result, sha) as ScriptValue;
}

let heapView: Buffer = Buffer.alloc(0);
/** A Buffer over the module's memory (a new one after the memory grew: that detaches the old, length 0). */
function heapBuffer(heap: Uint8Array): Buffer {
  if (heapView.length === 0) heapView = Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength);
  return heapView;
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

/**
 * The common results decoded straight from the module's memory (and freed), as the package's
 * decodeReply would: nil, integer, bulk string, status. undefined for anything else, which
 * is left to the package's decodeResult (errors get their script metadata there).
 */
function decodeSimple(x: EngineInternals['exports'], r: { ptr: number; len: number }): ScriptValue | undefined {
  const { ptr, len } = r;
  if (!ptr || !len) return null;
  if (len < 5) return undefined;
  const h = heapBuffer(x.HEAPU8);
  const tag = h[ptr]!;
  const n = h.readUInt32LE(ptr + 1);
  let value: ScriptValue;
  switch (tag) {
    case 0x00:
      value = null;
      break;
    case 0x01: {
      if (len < 13) return undefined;
      const lo = h.readUInt32LE(ptr + 5);
      const hi = h.readInt32LE(ptr + 9);
      // Within ±2^53 the number is exact; outside, the package returns a bigint.
      if (hi >= -0x200000 && hi < 0x200000) {
        value = hi * 0x100000000 + lo;
        if (value > Number.MAX_SAFE_INTEGER || value < Number.MIN_SAFE_INTEGER) value = h.readBigInt64LE(ptr + 5);
      } else value = h.readBigInt64LE(ptr + 5);
      break;
    }
    case 0x02:
    case 0x04: {
      if (5 + n > len) return undefined;
      const bytes = Buffer.allocUnsafe(n);
      h.copy(bytes, 0, ptr + 5, ptr + 5 + n);
      value = tag === 0x02 ? bytes : { ok: bytes };
      break;
    }
    default:
      return undefined;
  }
  x._free_mem(ptr);
  return value;
}

const SCRIPT_OPEN = Buffer.from('return ((function(...) ');
const SCRIPT_CLOSE = Buffer.from('\nend)())');

/**
 * The chunk an EVAL script runs as. Only the first value a script returns counts, as in Redis
 * (which keeps one result), but this interpreter hands back the last of several; so a script
 * runs inside a small wrapper function whose call keeps the first — unless it certainly
 * returns at most one value (returnsOneValue), when it runs as it is, as Redis 7.0 runs every
 * script. The wrapper costs about a sixth of the interpreter's time per run, and it is why a
 * wrapped script's error('x', 2) gets a position and its `arg` is a table, unlike Redis's.
 */
export function scriptChunk(body: Buffer): Buffer {
  return returnsOneValue(body.toString('latin1')) ? body : Buffer.concat([SCRIPT_OPEN, body, SCRIPT_CLOSE]);
}

const isWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?:\[\d+\])?/;
const SIMPLE_INTEGER = /^-?\d+/;
const SIMPLE_STRING = /^(?:'[^'\\\n]*'|"[^"\\\n]*")/;
const REDIS_CALL = /^redis\.p?call\(/;
/** What may follow a return's value: the end of its block or of the script. */
const BLOCK_END = /^(?:;|$|(?:end|else|elseif)(?![A-Za-z0-9_]))/;

/** Every occurrence of `word` in `text` as a whole word (not inside a longer name). */
function wordAt(text: string, word: string, from: number): number {
  for (let at = text.indexOf(word, from); at >= 0; at = text.indexOf(word, at + 1)) {
    const before = at > 0 ? text.charCodeAt(at - 1) : 32;
    const after = at + word.length < text.length ? text.charCodeAt(at + word.length) : 32;
    if (!isWordChar(before) && !isWordChar(after)) return at;
  }
  return -1;
}

/**
 * Whether a script certainly returns at most one value. Conservative, on the text (code,
 * strings and comments alike): every `return` must be followed by nothing, or by one of a
 * name (`v`, `t.x`, `KEYS[1]`, `nil`), an integer, a plain string literal, or a
 * `redis.call(...)` / `redis.pcall(...)` (one value each), and then by the end of its block
 * (`end`, `else`, `elseif`, `;`, the end of the script). `redis` must only ever appear as
 * `redis.` so that it cannot be a local shadowing the real one. Anything else: not certain.
 */
export function returnsOneValue(text: string): boolean {
  for (let at = wordAt(text, 'redis', 0); at >= 0; at = wordAt(text, 'redis', at + 5)) {
    if (text.charCodeAt(at + 5) !== 46) return false;
  }
  for (let at = wordAt(text, 'return', 0); at >= 0; at = wordAt(text, 'return', at + 6)) {
    let i = at + 6;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    let rest = text.slice(i);
    if (BLOCK_END.test(rest)) continue;
    let n: number;
    if (REDIS_CALL.test(rest)) {
      n = callLength(rest);
      if (n < 0) return false;
    } else {
      const m = SIMPLE_NAME.exec(rest) ?? SIMPLE_INTEGER.exec(rest) ?? SIMPLE_STRING.exec(rest);
      if (m === null) return false;
      n = m[0].length;
    }
    let j = i + n;
    while (j < text.length && isSpace(text.charCodeAt(j))) j++;
    rest = text.slice(j);
    if (!BLOCK_END.test(rest)) return false;
  }
  return true;
}

/**
 * The length of `redis.call(...)` at the start of `s`, up to its closing parenthesis, or -1
 * when that is not plain: arguments may hold names, numbers, brackets and plain quoted strings,
 * but no comment, long string or escape (which could hide a parenthesis).
 */
function callLength(s: string): number {
  let depth = 0;
  for (let i = s.indexOf('('); i < s.length; i++) {
    const c = s[i]!;
    if (c === '(') depth++;
    else if (c === ')') {
      if (--depth === 0) return i + 1;
    } else if (c === "'" || c === '"') {
      const close = s.indexOf(c, i + 1);
      if (close < 0) return -1;
      const inside = s.slice(i + 1, close);
      if (inside.includes('\\') || inside.includes('\n')) return -1;
      i = close;
    } else if (c === '-' && s[i + 1] === '-') return -1;
    else if (c === '[' && (s[i + 1] === '[' || s[i + 1] === '=')) return -1;
  }
  return -1;
}

const COMPILE_ONLY_PREFIX = Buffer.from('do return end ');

/**
 * Compiles a script body without running it (it comes after an unconditional return). Returns null
 * when the source compiles, or the compiler's message ("user_script:1: unexpected symbol…").
 */
export function compileError(source: Buffer): string | null {
  const r = runLua(Buffer.concat([COMPILE_ONLY_PREFIX, source]), [], [], COMPILE_HOST);
  if (r !== null && typeof r === 'object' && 'err' in r) return errorMessage(r);
  return null;
}

const COMPILE_HOST: ScriptHost = {
  call: () => null,
  pcall: () => null,
  log: () => {},
};

interface RaisedMeta {
  line?: number;
  kind?: string;
  name?: string;
}

/** Whether a value is an error the script raised (as opposed to an error value it returned). */
export function isRaisedError(v: ScriptValue): v is { err: Buffer; code?: Buffer; meta: RaisedMeta } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'err' in v && (v as { meta?: unknown }).meta !== undefined;
}

/** An error value's text as Redis would put it on the wire (code, then message). */
export function errorMessage(v: { err: Buffer; code?: Buffer; meta?: unknown }): string {
  const meta = v.meta as RaisedMeta | undefined;
  let message = v.err.toString('latin1');
  const nul = message.indexOf('\0');
  if (nul >= 0) message = message.slice(0, nul);
  // redis.error_reply('-CODE message'): the dash marks the code, as in Redis's luaPushErrorBuff.
  if (message.startsWith('-')) {
    const space = message.indexOf(' ');
    return space < 0 ? `ERR ${message.slice(1)}` : message.slice(1);
  }
  if (meta?.kind === 'global-read') message = `user_script:${meta.line ?? 1}: Script attempted to access nonexistent global variable '${meta.name ?? ''}'`;
  else if (meta?.kind === 'command-arg-type') message = 'Lua redis lib command arguments must be strings or integers';
  else if (message === 'script execution failed') message = 'Error running script';
  // redis.setresp's own error comes with a position prefix that Redis does not print.
  const helper = /^user_script:\d+: ERR (RESP version must be 2 or 3\.)$/.exec(message);
  if (helper) message = helper[1]!;
  return v.code !== undefined ? `${v.code.toString('latin1')} ${message}` : message;
}

/**
 * The reply text for an error a script raised: Redis appends where it happened,
 * "… script: <sha or function name>, on @user_script:<line>." (user_function for FCALL).
 */
export function scriptErrorText(v: { err: Buffer; code?: Buffer; meta: RaisedMeta }, origin: string, chunk: 'user_script' | 'user_function'): string {
  let text = errorMessage(v);
  if (chunk === 'user_function') text = text.replace(/user_script:(\d+):/g, 'user_function:$1:');
  return `${text} script: ${origin}, on @${chunk}:${v.meta.line ?? 0}.`;
}
