// The "WASM" library engine: FUNCTION LOAD of `#!wasm name=<lib>\n<base64 module>` and FCALL of
// its exported functions (docs/WASM-FUNCTIONS.md has the ABI). It owns decoding the payload,
// compiling the (checked and fuel-instrumented, see wasm-instrument.ts) module, reading which
// functions it declares, and running them against a ScriptHost with the same semantics as
// redis.call / redis.pcall. It depends on no server state, so it can be loaded in a worker thread.
//
// Every call starts from the module's initial state: after each call (normal end, error or trap)
// memory and mutable globals are restored to what they were right after instantiation (or the
// instance is rebuilt when the call grew memory). Nothing survives between calls, which keeps a
// replayed FCALL deterministic, like Redis forbidding Lua globals. The restore copies back only
// the bytes the call wrote: the range the instrumented module reports (wasm-instrument.ts) plus
// the range the host wrote into (input, call/pcall/result); after a trap or abort, all of memory.

import { CodecError, Decoder, Encoder } from './wasm-codec.js';
import { ReplyEncoder, type EncodingScriptHost } from './script-reply.js';
import { decodeArgv } from './argv-codec.js';
import {
  EXPORT_DIRTY_END,
  EXPORT_DIRTY_START,
  EXPORT_MEMORY,
  EXPORT_RESET,
  EXPORT_SAVE,
  HOST_MODULE,
  INTERNAL_MODULE,
  MANIFEST_EXPORT,
  MEMORY_PAGES_LIMIT,
  ModuleRejected,
  prepareModule,
  type PreparedModule,
} from './wasm-instrument.js';
import type { CompiledLibrary, FunctionInfo, LibraryEngine, ScriptArg, ScriptHost, ScriptValue } from './types.js';

/**
 * What the WASM engine can use besides ScriptHost; all optional. The command layer passes the
 * write entry's time and PRNG (the only clock and randomness a function sees) and a hook that is
 * polled while the function runs (every `checkEveryUnits` units of work).
 */
export interface WasmScriptHost extends ScriptHost {
  /** The entry's time in milliseconds, returned by the `time` import. */
  now?: number;
  /** The entry's PRNG in [0, 1), returned by the `random` import. */
  random?(): number;
  /**
   * Polled periodically while the function runs (every `checkEveryUnits` units of work, one unit
   * per function entry or loop iteration) with the units this call has used so far; a string
   * stops the function, and that string (e.g. "ERR Script killed by user with FUNCTION KILL...")
   * becomes its error reply. Lets the caller implement a time limit, a unit budget or a kill.
   */
  shouldAbort?(unitsUsed: number): string | null;
}

export interface WasmEngineOptions {
  /** Largest memory maximum (64 KiB pages) a module may declare. */
  memoryPagesMax?: number;
  /** Units of work (function entries + loop iterations) between `shouldAbort` polls. */
  checkEveryUnits?: number;
  /** Largest decoded module. */
  moduleBytesMax?: number;
  /** Work allowed to module initialization (start function) and the manifest export. */
  initUnitsMax?: number;
}

export const WASM_MEMORY_PAGES_MAX_DEFAULT = 256; // 16 MiB
export const WASM_CHECK_EVERY_UNITS_DEFAULT = 10_000;
export const WASM_MODULE_BYTES_MAX_DEFAULT = 8 * 1024 * 1024;
export const WASM_INIT_UNITS_MAX_DEFAULT = 50_000_000;

/** Redis's function flags (FUNCTION LIST reports them; FCALL_RO requires no-writes). */
const FUNCTION_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);
const NAME_RE = /^[A-Za-z0-9_]+$/;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function errValue(text: string): ScriptValue {
  return { err: Buffer.from(text) };
}

function isError(v: ScriptValue): v is { err: Buffer } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && 'err' in v;
}

/** Thrown from a host import to end the running function with `value` as its reply. */
class WasmAbort {
  constructor(readonly value: ScriptValue) {}
}

function compileError(detail: string): Error {
  return new Error(`ERR Error compiling function: ${detail}`);
}

export class WasmEngine implements LibraryEngine {
  readonly name = 'WASM';
  private readonly memoryPagesMax: number;
  /** Units of work between two `shouldAbort` polls. */
  readonly checkEveryUnits: number;
  private readonly moduleBytesMax: number;
  private readonly initUnitsMax: number;

  constructor(options: WasmEngineOptions = {}) {
    this.memoryPagesMax = Math.min(options.memoryPagesMax ?? WASM_MEMORY_PAGES_MAX_DEFAULT, MEMORY_PAGES_LIMIT);
    this.checkEveryUnits = Math.max(1, Math.min(options.checkEveryUnits ?? WASM_CHECK_EVERY_UNITS_DEFAULT, 0x3fffffff));
    this.moduleBytesMax = options.moduleBytesMax ?? WASM_MODULE_BYTES_MAX_DEFAULT;
    this.initUnitsMax = options.initUnitsMax ?? WASM_INIT_UNITS_MAX_DEFAULT;
  }

  create(libraryName: string, code: Buffer): CompiledLibrary {
    const bytes = decodePayload(code, this.moduleBytesMax);
    let prepared: PreparedModule;
    try {
      prepared = prepareModule(bytes, { memoryPagesMax: this.memoryPagesMax });
    } catch (e) {
      if (e instanceof ModuleRejected) throw compileError(e.message);
      throw compileError(`module could not be prepared: ${(e as Error).message}`);
    }
    return new WasmLibrary(libraryName, prepared, this.checkEveryUnits, this.initUnitsMax);
  }
}

/** The module bytes: everything after the first line, base64 (whitespace ignored). */
function decodePayload(code: Buffer, bytesMax: number): Uint8Array<ArrayBuffer> {
  const nl = code.indexOf(10);
  if (nl < 0) throw compileError('missing WASM module after the #!wasm line');
  const text = code.subarray(nl + 1).toString('latin1').replace(/[\s]+/g, '');
  if (text.length === 0) throw compileError('missing WASM module after the #!wasm line');
  if (text.length % 4 !== 0 || !BASE64_RE.test(text)) throw compileError('WASM module is not valid base64');
  if ((text.length / 4) * 3 > bytesMax + 3) throw compileError(`WASM module larger than ${bytesMax} bytes`);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** What is in flight during one call. */
interface Run {
  fn: string;
  keys: readonly ScriptArg[];
  args: readonly ScriptArg[];
  /** null while running the manifest (no data access). */
  host: WasmScriptHost | null;
  pendingLen: number;
  /** Units of work handed out to this call so far (polls × checkEveryUnits). */
  units: number;
  reply: ScriptValue | undefined;
  killed: ScriptValue | undefined;
}

class WasmLibrary implements CompiledLibrary {
  readonly functions: readonly FunctionInfo[];
  private readonly module: WebAssembly.Module;
  private readonly imports: WebAssembly.Imports;
  /** Replies for the module; never larger than its memory could hold. */
  private readonly encoder: Encoder;
  private readonly entryFns = new Map<string, () => void>();
  private exports!: WebAssembly.Exports;
  private memory!: WebAssembly.Memory;
  /** The module's memory as a Buffer (a new one after the memory grew and detached the old). */
  private u8!: Buffer;
  private memorySnapshot!: Uint8Array;
  /** The instrumentation's exports (wasm-instrument.ts): the module's dirty range, and the globals' reset. */
  private dirtyStart!: () => number;
  private dirtyEnd!: () => number;
  private resetGlobals!: () => void;
  /** [hostStart, hostEnd): what the host wrote into module memory during this call (empty: hostEnd 0). */
  private hostStart = 0;
  private hostEnd = 0;
  /** The snapshot's [restoreStart, restoreEnd) as a view: a function usually writes the same range every call. */
  private restoreView: Uint8Array | null = null;
  private restoreStart = 0;
  private restoreEnd = 0;
  private run: Run | null = null;
  private dec: Decoder | null = null;
  /** Set when the instance could not be reset; every call then returns it. */
  private broken: ScriptValue | null = null;
  /** Work spent by initialization/manifest since the last instantiation (init has no host to poll). */
  private initUnits = 0;
  private initKilled = false;

  constructor(
    readonly libraryName: string,
    private readonly prepared: PreparedModule,
    private readonly checkEveryUnits: number,
    private readonly initUnitsMax: number,
  ) {
    this.encoder = new Encoder(4096, prepared.memoryPagesMax * 65536);
    this.module = new WebAssembly.Module(prepared.binary);
    this.imports = { [HOST_MODULE]: this.hostImports(), [INTERNAL_MODULE]: { refuel: () => this.refuel() } };
    this.instantiate();
    this.functions = this.readManifest();
    for (const f of this.functions) this.entryFns.set(f.name, this.exports[f.name] as () => void);
  }

  private instantiate(): void {
    this.initUnits = 0;
    this.initKilled = false;
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(this.module, this.imports);
    } catch (e) {
      if (this.initKilled) throw compileError(`module initialization exceeded ${this.initUnitsMax} units of work`);
      if (e instanceof WasmAbort) throw compileError(`module initialization failed: ${errorText(e.value)}`);
      throw compileError(`module initialization failed: ${(e as Error).message}`);
    }
    this.exports = instance.exports;
    this.memory = this.exports[EXPORT_MEMORY] as WebAssembly.Memory;
    this.u8 = Buffer.from(this.memory.buffer);
    this.memorySnapshot = new Uint8Array(this.u8);
    this.dirtyStart = this.exports[EXPORT_DIRTY_START] as () => number;
    this.dirtyEnd = this.exports[EXPORT_DIRTY_END] as () => number;
    this.resetGlobals = this.exports[EXPORT_RESET] as () => void;
    // Records the mutable globals as the start function left them; empties the dirty range.
    (this.exports[EXPORT_SAVE] as () => void)();
    this.hostStart = this.hostEnd = 0;
    this.restoreView = null;
    // Exports of a fresh instance are new functions.
    for (const name of this.entryFns.keys()) this.entryFns.set(name, this.exports[name] as () => void);
  }

  /**
   * Back to the state right after instantiation. After a call that ended normally only what it
   * wrote is copied back from the snapshot: one range from the lowest to the highest byte the
   * module wrote (its instrumentation keeps it) or the host wrote (hostWrote). After a trap or an
   * abort the module's functions did not hand their range over, so all of memory is copied.
   */
  private reset(endedNormally: boolean): void {
    if (this.memory.buffer.byteLength !== this.memorySnapshot.length) {
      try {
        this.instantiate();
      } catch (e) {
        // Initialization is deterministic and succeeded at load, so this is not expected; if it
        // happens anyway the library refuses further calls rather than run on a used instance.
        this.broken = errValue(`ERR WASM library '${this.libraryName}' could not be reset: ${(e as Error).message}`);
      }
      return;
    }
    const mem = this.mem();
    if (endedNormally) {
      let start = this.dirtyStart() >>> 0;
      let end = this.dirtyEnd() >>> 0;
      if (this.hostEnd !== 0) {
        if (this.hostStart < start) start = this.hostStart;
        if (this.hostEnd > end) end = this.hostEnd;
      }
      if (start < end) {
        if (this.restoreView === null || start !== this.restoreStart || end !== this.restoreEnd) {
          this.restoreView = this.memorySnapshot.subarray(start, end);
          this.restoreStart = start;
          this.restoreEnd = end;
        }
        mem.set(this.restoreView, start);
      }
    } else {
      mem.set(this.memorySnapshot);
    }
    this.hostStart = this.hostEnd = 0;
    this.resetGlobals(); // also empties the module's dirty range
  }

  /** Notes that the host wrote [start, start + len) of module memory (reset copies it back). */
  private hostWrote(start: number, len: number): void {
    if (len === 0) return;
    const end = start + len;
    if (this.hostEnd === 0) {
      this.hostStart = start;
      this.hostEnd = end;
      return;
    }
    if (start < this.hostStart) this.hostStart = start;
    if (end > this.hostEnd) this.hostEnd = end;
  }

  private mem(): Buffer {
    if (this.u8.byteLength === 0) this.u8 = Buffer.from(this.memory.buffer);
    return this.u8;
  }

  /** A decoder over [start, end) of module memory (reused while the memory buffer is the same). */
  private decoder(start: number, end: number): Decoder {
    const mem = this.mem();
    let dec = this.dec;
    if (dec === null || !dec.reads(mem)) dec = this.dec = new Decoder(mem);
    return dec.reset(start, end);
  }

  private readManifest(): FunctionInfo[] {
    const manifest = this.exports[MANIFEST_EXPORT] as (() => void) | undefined;
    const entryNames = new Set(this.prepared.entries.map((e) => e.name));
    if (!manifest) {
      // Convention without a manifest: every exported () -> () function not starting with "__".
      const out: FunctionInfo[] = [];
      for (const name of entryNames) {
        if (name.startsWith('__') || !NAME_RE.test(name)) continue;
        out.push({ name, description: null, flags: [] });
      }
      if (out.length === 0) throw new Error('ERR No functions registered');
      return out;
    }
    if (!entryNames.has(MANIFEST_EXPORT)) throw compileError(`${MANIFEST_EXPORT} must be a function with no parameters and no results`);
    const value = this.invoke(MANIFEST_EXPORT, manifest, [], [], null);
    if (isError(value)) throw compileError(`${MANIFEST_EXPORT} failed: ${errorText(value)}`);
    if (!Array.isArray(value)) throw compileError(`${MANIFEST_EXPORT} must reply with an array of [name, description, flags]`);
    const out: FunctionInfo[] = [];
    const seen = new Set<string>();
    for (const item of value) {
      if (!Array.isArray(item) || item.length !== 3 || !(item[0] instanceof Uint8Array)) {
        throw compileError(`${MANIFEST_EXPORT} must reply with an array of [name, description, flags]`);
      }
      const name = item[0].toString();
      if (!NAME_RE.test(name)) {
        throw compileError('Function names can only contain letters, numbers, or underscores(_) and must be at least one character long');
      }
      if (seen.has(name)) throw compileError('Function already exists in the library');
      if (!entryNames.has(name) || name === MANIFEST_EXPORT) {
        throw compileError(`function '${name}' is not an exported function with no parameters and no results`);
      }
      const description = item[1] instanceof Uint8Array ? item[1].toString() : null;
      const flagsValue = item[2];
      if (!Array.isArray(flagsValue)) throw compileError(`flags of '${name}' must be an array`);
      const flags: string[] = [];
      for (const f of flagsValue) {
        const flag = f instanceof Uint8Array ? f.toString() : null;
        if (flag === null || !FUNCTION_FLAGS.has(flag)) throw compileError('unknown flag given');
        if (!flags.includes(flag)) flags.push(flag);
      }
      seen.add(name);
      out.push({ name, description, flags });
    }
    if (out.length === 0) throw new Error('ERR No functions registered');
    return out;
  }

  call(functionName: string, keys: readonly ScriptArg[], args: readonly ScriptArg[], host: ScriptHost): ScriptValue {
    const fn = this.entryFns.get(functionName);
    if (fn === undefined) return errValue('ERR Function not found');
    if (this.broken !== null) return this.broken;
    if (this.run !== null) return errValue('ERR WASM library is already running a function');
    return this.invoke(functionName, fn, keys, args, host as WasmScriptHost);
  }

  private invoke(name: string, fn: () => void, keys: readonly ScriptArg[], args: readonly ScriptArg[], host: WasmScriptHost | null): ScriptValue {
    const run: Run = { fn: name, keys, args, host, pendingLen: 0, units: 0, reply: undefined, killed: undefined };
    this.run = run;
    let result: ScriptValue;
    let endedNormally = false;
    try {
      fn();
      endedNormally = true;
      result = run.reply === undefined ? null : run.reply;
    } catch (e) {
      if (run.killed !== undefined) result = run.killed;
      else if (e instanceof WasmAbort) result = e.value;
      else if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
        result = errValue(`ERR WASM function '${name}' trapped: ${(e as Error).message}`);
      } else {
        result = errValue(`ERR WASM function '${name}' failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    } finally {
      this.run = null;
      this.reset(endedNormally);
    }
    return result;
  }

  /** Called when the fuel counter runs out; returns the next allowance or -1 to trap. */
  private refuel(): number {
    const run = this.run;
    if (run === null || run.host === null) {
      this.initUnits += this.checkEveryUnits;
      if (this.initUnits > this.initUnitsMax) {
        this.initKilled = true;
        if (run !== null) run.killed = errValue(`ERR ${MANIFEST_EXPORT} exceeded ${this.initUnitsMax} units of work`);
        return -1;
      }
      return this.checkEveryUnits;
    }
    if (run.killed !== undefined) return -1;
    run.units += this.checkEveryUnits;
    const stop = run.host.shouldAbort?.(run.units);
    if (stop) {
      run.killed = errValue(stop);
      return -1;
    }
    return this.checkEveryUnits;
  }

  private current(what: string): Run & { host: WasmScriptHost } {
    const run = this.run;
    if (run === null) throw new WasmAbort(errValue(`ERR keyraft.${what} is not available during module initialization`));
    if (run.killed !== undefined) throw new WasmAbort(run.killed);
    if (run.host === null) throw new WasmAbort(errValue(`ERR keyraft.${what} is not available in ${MANIFEST_EXPORT}`));
    return run as Run & { host: WasmScriptHost };
  }

  private checkRegion(ptr: number, len: number): Buffer {
    const mem = this.mem();
    // Pointers arrive as i32: reinterpret as unsigned.
    if (ptr < 0 || len < 0 || ptr + len > mem.length) {
      throw new WasmAbort(errValue('ERR WASM function passed a buffer outside its memory'));
    }
    return mem;
  }

  /** Copies the pending reply to module memory if it fits; returns its length either way. */
  private deliver(dst: number, cap: number): number {
    const { buf, len } = this.pending;
    if (len <= (cap >>> 0)) {
      const mem = this.checkRegion(dst >>> 0, len);
      mem.set(buf.subarray(0, len), dst >>> 0);
      this.hostWrote(dst >>> 0, len);
    }
    return len;
  }

  /** The reply `result` hands out: the last call's, in the encoder that wrote it. */
  private pending: { buf: Uint8Array; len: number } = { buf: new Uint8Array(0), len: 0 };
  /** Replies a CommandHost writes straight into the encoding (no value in between). */
  private readonly replyEncoder = new ReplyEncoder();

  private doCall(argvPtr: number, argvLen: number, dst: number, cap: number, protectedCall: boolean): number {
    const run = this.current(protectedCall ? 'pcall' : 'call');
    const mem = this.checkRegion(argvPtr >>> 0, argvLen >>> 0);
    const host = run.host as WasmScriptHost & Partial<EncodingScriptHost>;
    if (host.runEncoded !== undefined) {
      // The server's own host: arguments as strings, the reply written in the ABI's encoding.
      const argv = decodeArgv(mem, argvPtr >>> 0, argvLen >>> 0);
      if (argv === null) throw new WasmAbort(errValue('ERR WASM function passed a malformed argument vector'));
      if (argv.length === 0) throw new WasmAbort(errValue('ERR Please specify at least one argument for this redis lib call'));
      const enc = this.replyEncoder;
      enc.reset(2);
      host.runEncoded(argv, enc);
      if (!protectedCall && enc.errorText !== null) throw new WasmAbort({ err: Buffer.from(enc.errorText, 'latin1') });
      this.pending = { buf: enc.buf, len: enc.finish() };
      run.pendingLen = this.pending.len;
      return this.deliver(dst, cap);
    }
    let argv: Buffer[];
    try {
      argv = this.decoder(argvPtr >>> 0, (argvPtr >>> 0) + (argvLen >>> 0)).argv();
    } catch (e) {
      throw new WasmAbort(errValue(`ERR WASM function passed a malformed argument vector: ${(e as Error).message}`));
    }
    if (argv.length === 0) throw new WasmAbort(errValue('ERR Please specify at least one argument for this redis lib call'));
    const reply = protectedCall ? host.pcall(argv) : host.call(argv);
    if (!protectedCall && isError(reply)) throw new WasmAbort(reply);
    const enc = this.encoder;
    enc.reset();
    try {
      enc.value(reply);
    } catch (e) {
      throw new WasmAbort(errValue(`ERR reply could not be passed to the WASM function: ${(e as Error).message}`));
    }
    this.pending = { buf: enc.buf, len: enc.len };
    run.pendingLen = enc.len;
    return this.deliver(dst, cap);
  }

  private hostImports(): Record<string, (...args: number[]) => number | void> {
    return {
      input: (dst: number, cap: number): number => {
        const run = this.current('input');
        const len = inputSize(run.keys, run.args);
        if (len <= (cap >>> 0)) {
          writeInput(this.checkRegion(dst >>> 0, len), dst >>> 0, run.keys, run.args);
          this.hostWrote(dst >>> 0, len);
        }
        return len;
      },
      call: (argv: number, argvLen: number, dst: number, cap: number): number => this.doCall(argv, argvLen, dst, cap, false),
      pcall: (argv: number, argvLen: number, dst: number, cap: number): number => this.doCall(argv, argvLen, dst, cap, true),
      result: (dst: number, cap: number): number => {
        const run = this.current('result');
        if (run.pendingLen === 0) return 0;
        return this.deliver(dst, cap);
      },
      reply: (ptr: number, len: number): void => {
        const run = this.run;
        if (run === null) throw new WasmAbort(errValue('ERR keyraft.reply is not available during module initialization'));
        if (run.killed !== undefined) throw new WasmAbort(run.killed);
        const mem = this.checkRegion(ptr >>> 0, len >>> 0);
        try {
          void mem;
          const dec = this.decoder(ptr >>> 0, (ptr >>> 0) + (len >>> 0));
          const value = dec.value();
          if (!dec.done) throw new CodecError('trailing bytes after the value');
          run.reply = value;
        } catch (e) {
          if (e instanceof CodecError) throw new WasmAbort(errValue(`ERR WASM function returned a malformed reply: ${e.message}`));
          throw e;
        }
      },
      fail: (ptr: number, len: number): void => {
        const mem = this.checkRegion(ptr >>> 0, len >>> 0);
        const text = Buffer.from(mem.subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0)));
        throw new WasmAbort({ err: text.length > 0 ? text : Buffer.from('ERR WASM function failed') });
      },
      log: (level: number, ptr: number, len: number): void => {
        const run = this.current('log');
        const mem = this.checkRegion(ptr >>> 0, len >>> 0);
        const lvl = level < 0 ? 0 : level > 3 ? 3 : level;
        run.host.log(lvl, Buffer.from(mem.subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0))));
      },
      time: (): number => {
        const run = this.current('time');
        if (run.host.now === undefined) throw new WasmAbort(errValue('ERR keyraft.time is not available here'));
        return run.host.now;
      },
      random: (): number => {
        const run = this.current('random');
        if (run.host.random === undefined) throw new WasmAbort(errValue('ERR keyraft.random is not available here'));
        return run.host.random();
      },
    };
  }
}

/** Bytes the input block of KEYS and ARGV takes (wasm-codec.ts). */
function inputSize(keys: readonly ScriptArg[], args: readonly ScriptArg[]): number {
  let n = 8 + 4 * (keys.length + args.length);
  for (const k of keys) n += k.length;
  for (const a of args) n += a.length;
  return n;
}

/** The input block (KEYS then ARGV, see wasm-codec.ts) written straight into module memory. */
function writeInput(mem: Buffer, start: number, keys: readonly ScriptArg[], args: readonly ScriptArg[]): void {
  writeU32(mem, start, keys.length);
  writeU32(mem, start + 4, args.length);
  writeItems(mem, writeItems(mem, start + 8, keys), args);
}

/** Strings up to this many characters are copied by a loop, cheaper than a call into latin1Write. */
const INPUT_LOOP_CHARS_MAX = 32;

/** Each item as `u32 len`, bytes; returns the offset after the last. The caller checked the bounds. */
function writeItems(mem: Buffer, at: number, items: readonly ScriptArg[]): number {
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const n = item.length;
    writeU32(mem, at, n);
    at += 4;
    if (typeof item !== 'string') mem.set(item, at);
    else if (n > INPUT_LOOP_CHARS_MAX) mem.latin1Write(item, at, n);
    else for (let j = 0; j < n; j++) mem[at + j] = item.charCodeAt(j); // latin1: one byte per char
    at += n;
  }
  return at;
}

function writeU32(mem: Buffer, at: number, v: number): void {
  mem[at] = v;
  mem[at + 1] = v >>> 8;
  mem[at + 2] = v >>> 16;
  mem[at + 3] = v >>> 24;
}

function errorText(v: ScriptValue): string {
  return isError(v) ? v.err.toString() : String(v);
}
