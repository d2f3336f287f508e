// Load-time checks and instrumentation of `#!wasm` function modules (docs/WASM-FUNCTIONS.md).
// A module is accepted only if it can run as a sandboxed, bounded, resettable function library:
//   - it imports nothing but keyraft's host functions (module "keyraft"), with their exact types;
//   - it uses only plain computational instructions: MVP, sign extension, saturating float->int,
//     multi-value, memory.copy/fill and SIMD. Refused: exception handling (it could catch an
//     abort), reference types, table mutation and passive segments (state that would survive the
//     per-call reset), tail calls, threads, 64-bit or multiple memories;
//   - it defines one memory whose declared maximum is within the cap.
// The rewrite adds a fuel counter: one unit is taken at every function entry and loop header and
// when the counter goes negative `keyraft_internal.refuel()` gives the next allowance or a
// negative number, on which the code executes `unreachable` — a trap no wasm code can catch.
// That is what stops a `while (true) {}`.
// It also makes the module keep a dirty range of its memory so the per-call reset costs what the
// call wrote, not the whole memory: every instruction that writes memory (the stores 0x36-0x3e,
// v128.store and the store-lane ops, memory.fill, memory.copy) is followed by code that widens
// [dirty start, dirty end) to cover the bytes it wrote (only after it executed: a trapping store
// writes nothing; nothing else walkExpr accepts writes memory: atomics, memory.init and the table
// ops are refused, memory.grow makes the engine re-instantiate). Like the fuel counter, a
// function keeps the range in two locals and hands it over through two globals at calls and on
// the way out; a trap skips that hand-over, so after a call that did not end normally the engine
// restores the whole memory. Added exports:
//   __kr_memory, __kr_fuel: the memory and the fuel counter;
//   __kr_dirty_start(), __kr_dirty_end() -> i32: the range written since the last reset;
//   __kr_save(): records the mutable globals' current values (called once after instantiation)
//     and empties the range; __kr_reset(): puts the mutable globals back to the recorded values
//     and empties the range (one call instead of a JS setter per global).
//
// This is a small binary rewriter (each function body is walked twice: to see what it writes, so
// only functions that write get the range locals, then to rewrite it) rather than binaryen
// (which assemblyscript brings in as a devDependency): binaryen costs ~75 MB of RSS and ~250 ms
// to import, is not a runtime dependency, and we need only to walk instructions. V8 validates the module before (so the walk
// sees well-formed code) and after the rewrite.

/** The host functions a module may import from "keyraft", with their wasm signatures. */
export const HOST_IMPORTS: Readonly<Record<string, { params: string[]; results: string[] }>> = {
  input: { params: ['i32', 'i32'], results: ['i32'] },
  call: { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] },
  pcall: { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] },
  result: { params: ['i32', 'i32'], results: ['i32'] },
  reply: { params: ['i32', 'i32'], results: [] },
  fail: { params: ['i32', 'i32'], results: [] },
  log: { params: ['i32', 'i32', 'i32'], results: [] },
  time: { params: [], results: ['f64'] },
  random: { params: [], results: ['f64'] },
};
export const HOST_MODULE = 'keyraft';
/** Where the refuel hook we add is imported from (a module may not import it itself). */
export const INTERNAL_MODULE = 'keyraft_internal';
export const EXPORT_MEMORY = '__kr_memory';
export const EXPORT_FUEL = '__kr_fuel';
export const EXPORT_DIRTY_START = '__kr_dirty_start';
export const EXPORT_DIRTY_END = '__kr_dirty_end';
export const EXPORT_SAVE = '__kr_save';
export const EXPORT_RESET = '__kr_reset';
export const MANIFEST_EXPORT = '__keyraft_manifest';

export interface EntryExport {
  /** An exported function with no parameters and no results (an FCALL candidate or the manifest). */
  name: string;
}

export interface PreparedModule {
  /** The instrumented binary. */
  binary: Uint8Array<ArrayBuffer>;
  entries: EntryExport[];
  /** Number of mutable globals the module defines (`__kr_reset` restores them). */
  mutableGlobals: number;
  memoryPagesInitial: number;
  memoryPagesMax: number;
}

/**
 * The largest memory maximum accepted whatever the limits say: one page short of 4 GiB, so the
 * end of any write that succeeded (at most the memory size) fits in the i32 dirty range.
 */
export const MEMORY_PAGES_LIMIT = 65535;

export interface PrepareLimits {
  memoryPagesMax: number;
}

/** A module the engine refuses; the message says why (without Redis's prefix). */
export class ModuleRejected extends Error {}

const VALTYPE_NAMES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

interface FuncType {
  params: number[];
  results: number[];
}

/** Reads a wasm binary; every read is bounds-checked. */
class Reader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  u8(): number {
    if (this.pos >= this.end) throw new ModuleRejected('unexpected end of section');
    return this.buf[this.pos++]!;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new ModuleRejected('malformed integer');
    }
    return result;
  }

  /** Skips a signed LEB128 of up to `maxBytes` bytes. */
  skipLeb(maxBytes: number): void {
    for (let i = 0; i < maxBytes; i++) if ((this.u8() & 0x80) === 0) return;
    throw new ModuleRejected('malformed integer');
  }

  skip(n: number): void {
    if (this.pos + n > this.end) throw new ModuleRejected('unexpected end of section');
    this.pos += n;
  }

  name(): string {
    const len = this.u32();
    this.skip(len);
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos - len, len).toString('utf8');
  }
}

/** Collects output bytes. */
class Writer {
  private chunks: Uint8Array[] = [];
  private cur: number[] = [];
  length = 0;

  u8(b: number): void {
    this.cur.push(b);
    this.length++;
  }

  u32(v: number): void {
    do {
      let b = v & 0x7f;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.u8(b);
    } while (v !== 0);
  }

  /** A signed LEB128 of a 32-bit value (`i32.const`'s immediate); v is taken as int32. */
  s32(v: number): void {
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.u8(b);
        return;
      }
      this.u8(b | 0x80);
    }
  }

  bytes(b: Uint8Array): void {
    if (this.cur.length > 0) {
      this.chunks.push(Uint8Array.from(this.cur));
      this.cur = [];
    }
    this.chunks.push(b);
    this.length += b.length;
  }

  name(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u32(b.length);
    this.bytes(b);
  }

  finish(): Uint8Array<ArrayBuffer> {
    if (this.cur.length > 0) {
      this.chunks.push(Uint8Array.from(this.cur));
      this.cur = [];
    }
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** What the walk does at each instruction: copy, remap a function index, add a fuel check. */
interface WalkSink {
  /** `call`: reads the function index itself; `start` is the opcode's offset. */
  call(reader: Reader, start: number): void;
  /** `call_indirect`, after its immediates were read. */
  callIndirect(reader: Reader, start: number): void;
  /** `return`, at its opcode's offset (nothing read yet past it). */
  ret(start: number): void;
  /** After a `loop` and its block type. */
  loop(reader: Reader): void;
  /**
   * A store of `width` bytes of a `valtype` value at (address operand + `offset`): the
   * instruction is [start, reader.pos).
   */
  store(reader: Reader, start: number, offset: number, width: number, valtype: number): void;
  /** memory.fill or memory.copy (operands: destination, value or source, length): [start, reader.pos). */
  bulk(reader: Reader, start: number): void;
}

const I32 = 0x7f;
const I64 = 0x7e;
const F32 = 0x7d;
const F64 = 0x7c;
const V128 = 0x7b;
/** Opcodes 0x36-0x3e: [bytes written, type of the stored value]. */
const STORES: Record<number, [number, number]> = {
  0x36: [4, I32],
  0x37: [8, I64],
  0x38: [4, F32],
  0x39: [8, F64],
  0x3a: [1, I32],
  0x3b: [2, I32],
  0x3c: [1, I64],
  0x3d: [2, I64],
  0x3e: [4, I64],
};
/** SIMD (0xfd) v128.store and v128.store{8,16,32,64}_lane: bytes written. */
const SIMD_STORES: Record<number, number> = { 11: 16, 88: 1, 89: 2, 90: 4, 91: 8 };

/**
 * Walks instructions from r.pos until the `end` closing depth 0 (inclusive). Refuses opcodes
 * outside the allowed feature set. With a sink, function indices and loop headers are reported.
 */
function walkExpr(r: Reader, sink: WalkSink | null): void {
  let depth = 0;
  for (;;) {
    const start = r.pos;
    const op = r.u8();
    switch (true) {
      case op === 0x00 || op === 0x01 || op === 0x05 || op === 0x1a || op === 0x1b:
        break;
      case op === 0x0f:
        sink?.ret(start);
        break;
      case op === 0x02 || op === 0x04:
        r.skipLeb(5); // block type (s33)
        depth++;
        break;
      case op === 0x03:
        r.skipLeb(5);
        depth++;
        sink?.loop(r);
        break;
      case op === 0x0b:
        if (depth === 0) return;
        depth--;
        break;
      case op === 0x0c || op === 0x0d:
        r.u32();
        break;
      case op === 0x0e: {
        const n = r.u32();
        for (let i = 0; i <= n; i++) r.u32();
        break;
      }
      case op === 0x10:
        if (sink) sink.call(r, start);
        else r.u32();
        break;
      case op === 0x11:
        r.u32();
        if (r.u32() !== 0) throw new ModuleRejected('multiple tables are not supported');
        sink?.callIndirect(r, start);
        break;
      case op === 0x1c: {
        const n = r.u32();
        r.skip(n);
        break;
      }
      case op >= 0x20 && op <= 0x24:
        r.u32();
        break;
      case op >= 0x28 && op <= 0x3e: {
        const offset = memarg(r);
        const store = STORES[op];
        if (store) sink?.store(r, start, offset, store[0], store[1]);
        break;
      }
      case op === 0x3f || op === 0x40:
        if (r.u32() !== 0) throw new ModuleRejected('multiple memories are not supported');
        break;
      case op === 0x41:
        r.skipLeb(5);
        break;
      case op === 0x42:
        r.skipLeb(10);
        break;
      case op === 0x43:
        r.skip(4);
        break;
      case op === 0x44:
        r.skip(8);
        break;
      case op >= 0x45 && op <= 0xc4:
        break;
      case op === 0xfc: {
        const sub = r.u32();
        if (sub <= 7) break; // saturating float->int
        if (sub === 10) {
          // memory.copy
          if (r.u32() !== 0 || r.u32() !== 0) throw new ModuleRejected('multiple memories are not supported');
          sink?.bulk(r, start);
          break;
        }
        if (sub === 11) {
          // memory.fill
          if (r.u32() !== 0) throw new ModuleRejected('multiple memories are not supported');
          sink?.bulk(r, start);
          break;
        }
        throw new ModuleRejected(`unsupported instruction 0xfc ${sub} (passive segments and table operations are not supported)`);
      }
      case op === 0xfd: {
        const sub = r.u32();
        let offset = -1;
        if (sub <= 11 || sub === 92 || sub === 93) offset = memarg(r);
        else if (sub === 12 || sub === 13) r.skip(16);
        else if (sub >= 21 && sub <= 34) r.skip(1);
        else if (sub >= 84 && sub <= 91) {
          offset = memarg(r);
          r.skip(1); // lane
        }
        const width = SIMD_STORES[sub];
        if (width !== undefined && offset >= 0) sink?.store(r, start, offset, width, V128);
        break;
      }
      case op === 0x06 || op === 0x07 || op === 0x08 || op === 0x09 || op === 0x0a || op === 0x18 || op === 0x19 || op === 0x1f:
        throw new ModuleRejected('exception handling is not supported');
      case op === 0x12 || op === 0x13:
        throw new ModuleRejected('tail calls are not supported');
      case op === 0x25 || op === 0x26 || (op >= 0xd0 && op <= 0xd6):
        throw new ModuleRejected('reference types are not supported');
      case op === 0xfe:
        throw new ModuleRejected('threads and atomics are not supported');
      default:
        throw new ModuleRejected(`unsupported instruction 0x${op.toString(16)}`);
    }
  }
}

/** Reads a memarg; returns its offset. */
function memarg(r: Reader): number {
  const align = r.u32();
  if (align & 0x40) throw new ModuleRejected('multiple memories are not supported');
  return r.u32();
}

function readValtypes(r: Reader): number[] {
  const n = r.u32();
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.u8());
  return out;
}

function typeText(t: number[]): string {
  return t.map((x) => VALTYPE_NAMES[x] ?? `0x${x.toString(16)}`).join(', ');
}

interface Section {
  id: number;
  start: number;
  end: number;
}

/** Validates, checks the sandbox rules and instruments a module. Throws ModuleRejected. */
export function prepareModule(bytes: Uint8Array<ArrayBuffer>, limits: PrepareLimits): PreparedModule {
  let v8mod: WebAssembly.Module;
  try {
    v8mod = new WebAssembly.Module(bytes);
  } catch (e) {
    throw new ModuleRejected(`invalid WebAssembly module: ${(e as Error).message.replace(/^WebAssembly\.Module\(\): /, '')}`);
  }
  for (const imp of WebAssembly.Module.imports(v8mod)) {
    if (imp.module !== HOST_MODULE || imp.kind !== 'function' || !(imp.name in HOST_IMPORTS)) {
      throw new ModuleRejected(
        `module imports ${imp.kind} '${imp.module}.${imp.name}'; only keyraft host functions may be imported (${Object.keys(HOST_IMPORTS).map((n) => `keyraft.${n}`).join(', ')})`,
      );
    }
  }
  for (const exp of WebAssembly.Module.exports(v8mod)) {
    if (exp.name.startsWith('__kr_')) throw new ModuleRejected(`export name '${exp.name}' is reserved`);
  }

  // Sections (V8 accepted the module, so the layout is sound; reads stay bounds-checked anyway).
  const sections = new Map<number, Section>();
  {
    const r = new Reader(bytes, 8, bytes.length);
    while (r.pos < r.end) {
      const id = r.u8();
      const size = r.u32();
      const start = r.pos;
      r.skip(size);
      if (id === 0) continue; // custom sections (names, producers) are dropped: indices shift
      if (id === 13) throw new ModuleRejected('exception handling is not supported');
      if (id > 12) throw new ModuleRejected(`unsupported section ${id}`);
      sections.set(id, { id, start, end: start + size });
    }
  }
  const reader = (id: number): Reader | null => {
    const s = sections.get(id);
    return s ? new Reader(bytes, s.start, s.end) : null;
  };

  // Types.
  const types: FuncType[] = [];
  const typeR = reader(1);
  if (typeR) {
    const n = typeR.u32();
    for (let i = 0; i < n; i++) {
      if (typeR.u8() !== 0x60) throw new ModuleRejected('only function types are supported');
      types.push({ params: readValtypes(typeR), results: readValtypes(typeR) });
    }
  }

  // Imports: functions from "keyraft" with their exact types.
  const funcTypes: number[] = [];
  const importR = reader(2);
  if (importR) {
    const n = importR.u32();
    for (let i = 0; i < n; i++) {
      const mod = importR.name();
      const field = importR.name();
      const kind = importR.u8();
      if (kind !== 0 || mod !== HOST_MODULE || !(field in HOST_IMPORTS)) throw new ModuleRejected(`module imports '${mod}.${field}'`);
      const t = types[importR.u32()]!;
      const want = HOST_IMPORTS[field]!;
      const params = t.params.map((x) => VALTYPE_NAMES[x]);
      const results = t.results.map((x) => VALTYPE_NAMES[x]);
      if (params.join() !== want.params.join() || results.join() !== want.results.join()) {
        throw new ModuleRejected(
          `import keyraft.${field} has type (${typeText(t.params)}) -> (${typeText(t.results)}); expected (${want.params.join(', ')}) -> (${want.results.join(', ')})`,
        );
      }
      funcTypes.push(types.indexOf(t));
    }
  }
  const importedFuncs = funcTypes.length;
  const functionR = reader(3);
  if (functionR) {
    const n = functionR.u32();
    for (let i = 0; i < n; i++) funcTypes.push(functionR.u32());
  }
  /** Function indices of defined functions move up by one: the refuel import joins the imports. */
  const remap = (idx: number): number => (idx >= importedFuncs ? idx + 1 : idx);

  // Tables: at most one (call_indirect), only set by active element segments.
  const tableR = reader(4);
  if (tableR && tableR.u32() > 1) throw new ModuleRejected('multiple tables are not supported');

  // Memory: exactly one, bounded.
  const memR = reader(5);
  if (!memR) throw new ModuleRejected('module defines no memory');
  if (memR.u32() !== 1) throw new ModuleRejected('multiple memories are not supported');
  const memFlags = memR.u8();
  if (memFlags > 1) throw new ModuleRejected('shared or 64-bit memory is not supported');
  const memInitial = memR.u32();
  if (memFlags === 0) {
    throw new ModuleRejected(`module memory declares no maximum; declare one of at most ${limits.memoryPagesMax} pages (asc --maximumMemory)`);
  }
  const memMax = memR.u32();
  if (memMax > Math.min(limits.memoryPagesMax, MEMORY_PAGES_LIMIT)) {
    throw new ModuleRejected(`module memory maximum ${memMax} pages exceeds the limit of ${Math.min(limits.memoryPagesMax, MEMORY_PAGES_LIMIT)} pages`);
  }

  // Globals: count them, note the mutable ones (with their types) for __kr_save/__kr_reset.
  const mutableGlobals: number[] = [];
  const mutableTypes: number[] = [];
  let globalCount = 0;
  const globalR = reader(6);
  if (globalR) {
    const n = globalR.u32();
    for (let i = 0; i < n; i++) {
      const type = globalR.u8();
      const mutable = globalR.u8() === 1;
      walkExpr(globalR, null);
      if (mutable) {
        if (type !== 0x7f && type !== 0x7e && type !== 0x7d && type !== 0x7c) {
          throw new ModuleRejected(`mutable ${VALTYPE_NAMES[type] ?? 'reference'} globals are not supported`);
        }
        mutableGlobals.push(i);
        mutableTypes.push(type);
      }
      globalCount++;
    }
  }
  // Ours, after the module's: the fuel counter, the dirty range's start and end, then one copy
  // per mutable global of its value right after instantiation (set by __kr_save).
  const fuelGlobal = globalCount;
  const dirtyStartGlobal = globalCount + 1;
  const dirtyEndGlobal = globalCount + 2;
  const savedGlobal = (i: number) => globalCount + 3 + i;

  // Types we need: the refuel hook's () -> i32, and () -> (results) for the block wrapping each
  // function with several results; existing ones are reused, missing ones appended.
  const blockTypes = new BlockTypes(types);
  const refuelType = blockTypes.indexFor([0x7f]);
  for (let i = importedFuncs; i < funcTypes.length; i++) {
    const results = types[funcTypes[i]!]!.results;
    if (results.length > 1) blockTypes.indexFor(results);
  }
  const refuelFunc = importedFuncs;
  const voidType = blockTypes.indexFor([]);
  // Functions we add after the module's own (whose indices moved up by one for refuel).
  const definedFuncs = funcTypes.length - importedFuncs;
  const added = addedFunctions(mutableGlobals, savedGlobal, dirtyStartGlobal, dirtyEndGlobal);
  const addedTypes = added.map((f) => (f.returnsI32 ? refuelType : voidType));
  const addedIndex = (k: number) => importedFuncs + 1 + definedFuncs + k;

  const out = new Writer();
  out.bytes(bytes.subarray(0, 8));
  const section = (id: number, body: Writer | Uint8Array) => {
    const content = body instanceof Writer ? body.finish() : body;
    out.u8(id);
    out.u32(content.length);
    out.bytes(content);
  };
  const original = (id: number) => {
    const s = sections.get(id);
    if (s) section(id, bytes.subarray(s.start, s.end));
  };

  // 1 type
  {
    const w = new Writer();
    w.u32(types.length + blockTypes.added.length);
    if (typeR) {
      const s = sections.get(1)!;
      const r = new Reader(bytes, s.start, s.end);
      r.u32();
      w.bytes(bytes.subarray(r.pos, s.end));
    }
    for (const results of blockTypes.added) {
      w.u8(0x60);
      w.u32(0);
      w.u32(results.length);
      for (const t of results) w.u8(t);
    }
    section(1, w);
  }
  // 2 import: the module's, then ours.
  {
    const w = new Writer();
    w.u32(importedFuncs + 1);
    if (importR) {
      const s = sections.get(2)!;
      const r = new Reader(bytes, s.start, s.end);
      r.u32();
      w.bytes(bytes.subarray(r.pos, s.end));
    }
    w.name(INTERNAL_MODULE);
    w.name('refuel');
    w.u8(0);
    w.u32(refuelType);
    section(2, w);
  }
  // 3 function: the module's, then ours.
  {
    const w = new Writer();
    w.u32(definedFuncs + added.length);
    if (functionR) {
      const s = sections.get(3)!;
      const r = new Reader(bytes, s.start, s.end);
      r.u32();
      w.bytes(bytes.subarray(r.pos, s.end));
    }
    for (const t of addedTypes) w.u32(t);
    section(3, w);
  }
  original(4);
  original(5);
  // 6 global: the module's, then the fuel counter, the dirty range (empty: start 0xffffffff,
  // end 0) and the saved values of the mutable globals.
  {
    const w = new Writer();
    w.u32(globalCount + 3 + mutableGlobals.length);
    if (globalR) {
      const s = sections.get(6)!;
      const r = new Reader(bytes, s.start, s.end);
      r.u32();
      w.bytes(bytes.subarray(r.pos, s.end));
    }
    const mutableGlobal = (type: number, zeroOrAllOnes: 0 | -1) => {
      w.u8(type);
      w.u8(1);
      if (type === I32) {
        w.u8(0x41);
        w.s32(zeroOrAllOnes);
      } else if (type === I64) {
        w.u8(0x42);
        w.u8(0);
      } else {
        w.u8(type === F32 ? 0x43 : 0x44);
        w.bytes(new Uint8Array(type === F32 ? 4 : 8));
      }
      w.u8(0x0b);
    };
    mutableGlobal(I32, 0); // fuel
    mutableGlobal(I32, -1); // dirty start
    mutableGlobal(I32, 0); // dirty end
    for (const t of mutableTypes) mutableGlobal(t, 0);
    section(6, w);
  }
  // 7 export: function indices remapped; entries collected; ours added.
  const entries: EntryExport[] = [];
  {
    const w = new Writer();
    const exportR = reader(7);
    const n = exportR ? exportR.u32() : 0;
    w.u32(n + 2 + added.length);
    for (let i = 0; i < n; i++) {
      const name = exportR!.name();
      const kind = exportR!.u8();
      let idx = exportR!.u32();
      if (kind === 0) {
        const t = types[funcTypes[idx]!]!;
        if (t.params.length === 0 && t.results.length === 0) entries.push({ name });
        idx = remap(idx);
      }
      w.name(name);
      w.u8(kind);
      w.u32(idx);
    }
    w.name(EXPORT_MEMORY);
    w.u8(2);
    w.u32(0);
    w.name(EXPORT_FUEL);
    w.u8(3);
    w.u32(fuelGlobal);
    added.forEach((f, k) => {
      w.name(f.name);
      w.u8(0);
      w.u32(addedIndex(k));
    });
    section(7, w);
  }
  // 8 start
  {
    const startR = reader(8);
    if (startR) {
      const w = new Writer();
      w.u32(remap(startR.u32()));
      section(8, w);
    }
  }
  // 9 element: active segments of function indices only.
  {
    const elemR = reader(9);
    if (elemR) {
      const w = new Writer();
      const n = elemR.u32();
      w.u32(n);
      for (let i = 0; i < n; i++) {
        const flags = elemR.u32();
        if (flags !== 0 && flags !== 2) throw new ModuleRejected('passive, declarative or expression element segments are not supported');
        w.u32(flags);
        if (flags === 2) {
          const table = elemR.u32();
          if (table !== 0) throw new ModuleRejected('multiple tables are not supported');
          w.u32(table);
        }
        const exprStart = elemR.pos;
        walkExpr(elemR, null);
        w.bytes(bytes.subarray(exprStart, elemR.pos));
        if (flags === 2) {
          if (elemR.u8() !== 0) throw new ModuleRejected('unsupported element kind');
          w.u8(0);
        }
        const count = elemR.u32();
        w.u32(count);
        for (let j = 0; j < count; j++) w.u32(remap(elemR.u32()));
      }
      section(9, w);
    }
  }
  original(12);
  // 10 code: fuel checks at entry and in every loop; call targets remapped; the dirty range
  // widened after every memory write. Each function keeps the fuel counter (and, when it writes
  // memory, the dirty range) in locals of its own (registers in a loop), and hands them over
  // through the globals around calls to other module functions and on the way out: its body is
  // wrapped in a block so every exit but `return` (which syncs first) and a trap goes through the
  // sync. Then the bodies of our functions.
  {
    const codeR = reader(10);
    const w = new Writer();
    const n = codeR ? codeR.u32() : 0;
    w.u32(n + added.length);
    for (let i = 0; i < n; i++) {
      const type = types[funcTypes[importedFuncs + i]!]!;
      const size = codeR!.u32();
      const bodyStart = codeR!.pos;
      const bodyEnd = bodyStart + size;
      const r = new Reader(bytes, bodyStart, bodyEnd);
      const localGroups = r.u32();
      let locals = 0;
      for (let j = 0; j < localGroups; j++) {
        locals += r.u32();
        r.u8();
      }
      const writes = scanWrites(bytes, r.pos, bodyEnd);
      const L = functionLocals(type.params.length + locals, writes);
      if (L.next > LOCALS_MAX) throw new ModuleRejected('too many locals');
      const body = new Writer();
      // Locals: the module's groups, then ours.
      body.u32(localGroups + L.groups.length);
      body.bytes(bytes.subarray(bodyStart + lebLength(bytes, bodyStart), r.pos));
      for (const [count, t] of L.groups) {
        body.u32(count);
        body.u8(t);
      }
      const fuel = fuelOps(fuelGlobal, L.fuel, refuelFunc);
      const marks = writes.any ? markOps(dirtyStartGlobal, dirtyEndGlobal, L) : null;
      const sync = marks ? concat(fuel.sync, marks.sync) : fuel.sync;
      const reload = marks ? concat(fuel.reload, marks.load) : fuel.reload;
      body.bytes(fuel.entry);
      if (marks) body.bytes(marks.load);
      body.bytes(blockOf(type.results, blockTypes));
      let copied = r.pos;
      const flush = (to: number) => {
        body.bytes(bytes.subarray(copied, to));
        copied = to;
      };
      walkExpr(r, {
        call(rr, start) {
          const idx = rr.u32();
          flush(start);
          const local = idx >= importedFuncs;
          if (local) body.bytes(sync);
          body.u8(0x10);
          body.u32(remap(idx));
          if (local) body.bytes(reload);
          copied = rr.pos;
        },
        callIndirect(rr, start) {
          flush(start);
          body.bytes(sync);
          flush(rr.pos);
          body.bytes(reload);
        },
        ret(start) {
          flush(start);
          body.bytes(sync);
        },
        loop(rr) {
          flush(rr.pos);
          body.bytes(fuel.loop);
        },
        store(rr, start, offset, width, valtype) {
          // (address, value) -> value in a local, address kept, the store, then the range.
          flush(start);
          const v = L.value.get(valtype)!;
          body.u8(0x21); // local.set v
          body.u32(v);
          body.u8(0x22); // local.tee addr
          body.u32(L.addr);
          body.u8(0x20); // local.get v
          body.u32(v);
          flush(rr.pos);
          widenRange(body, L, offset, width);
        },
        bulk(rr, start) {
          // (destination, value or source, length): all three kept, the fill/copy, the range.
          flush(start);
          const v = L.value.get(I32)!;
          body.u8(0x21); // local.set length
          body.u32(L.length);
          body.u8(0x21); // local.set v
          body.u32(v);
          body.u8(0x22); // local.tee addr
          body.u32(L.addr);
          body.u8(0x20); // local.get v
          body.u32(v);
          body.u8(0x20); // local.get length
          body.u32(L.length);
          flush(rr.pos);
          widenRange(body, L, 0, -1);
        },
      });
      if (r.pos !== bodyEnd) throw new ModuleRejected('function body has trailing bytes');
      // Everything but the function's final `end`, then: end of the wrapping block, sync, end.
      flush(bodyEnd - 1);
      body.u8(0x0b);
      body.bytes(sync);
      body.u8(0x0b);
      const content = body.finish();
      w.u32(content.length);
      w.bytes(content);
      codeR!.pos = bodyEnd;
    }
    for (const f of added) {
      w.u32(f.body.length);
      w.bytes(f.body);
    }
    section(10, w);
  }
  // 11 data: active segments only.
  {
    const dataR = reader(11);
    if (dataR) {
      const n = dataR.u32();
      for (let i = 0; i < n; i++) {
        const flags = dataR.u32();
        if (flags === 1) throw new ModuleRejected('passive data segments are not supported');
        if (flags === 2 && dataR.u32() !== 0) throw new ModuleRejected('multiple memories are not supported');
        walkExpr(dataR, null);
        dataR.skip(dataR.u32());
      }
      original(11);
    }
  }

  const binary = out.finish();
  try {
    new WebAssembly.Module(binary);
  } catch (e) {
    throw new ModuleRejected(`instrumentation produced an invalid module (${(e as Error).message}); please report this module`);
  }
  return { binary, entries, mutableGlobals: mutableGlobals.length, memoryPagesInitial: memInitial, memoryPagesMax: memMax };
}

/** Function types `() -> (results)`: the module's own when it has one, else appended. */
class BlockTypes {
  readonly added: number[][] = [];

  constructor(private readonly types: FuncType[]) {}

  indexFor(results: number[]): number {
    const same = (r: number[]) => r.length === results.length && r.every((t, i) => t === results[i]);
    const existing = this.types.findIndex((t) => t.params.length === 0 && same(t.results));
    if (existing >= 0) return existing;
    const added = this.added.findIndex(same);
    if (added >= 0) return this.types.length + added;
    this.added.push([...results]);
    return this.types.length + this.added.length - 1;
  }
}

/** V8's limit on locals per function. */
const LOCALS_MAX = 50_000;

/** Length in bytes of the LEB128 at `at`. */
function lebLength(buf: Uint8Array, at: number): number {
  let n = 1;
  while (buf[at + n - 1]! & 0x80) n++;
  return n;
}

/**
 * `block <results>`: empty, one value type, or a type index for several results (added to
 * `blockTypes`, which the type section writer appends).
 */
function blockOf(results: number[], blockTypes: BlockTypes): Uint8Array {
  const w = new Writer();
  w.u8(0x02);
  if (results.length === 0) w.u8(0x40);
  else if (results.length === 1) w.u8(results[0]!);
  else w.u32(blockTypes.indexFor(results)); // s33, non-negative: same bytes as u32 below 2^27
  return w.finish();
}

interface FuelOps {
  entry: Uint8Array;
  loop: Uint8Array;
  sync: Uint8Array;
  reload: Uint8Array;
}

/**
 * entry: f = fuel - 1; if (f < 0) slow      loop: f = f - 1; if (f < 0) slow
 * slow: f = refuel(); if (f < 0) unreachable
 * sync: fuel = f                             reload: f = fuel
 */
function fuelOps(fuel: number, local: number, refuel: number): FuelOps {
  const slow = (w: Writer) => {
    w.u8(0x41); // i32.const 0
    w.u8(0);
    w.u8(0x48); // i32.lt_s
    w.u8(0x04); // if
    w.u8(0x40);
    w.u8(0x10); // call refuel
    w.u32(refuel);
    w.u8(0x22); // local.tee f
    w.u32(local);
    w.u8(0x41);
    w.u8(0);
    w.u8(0x48);
    w.u8(0x04);
    w.u8(0x40);
    w.u8(0x00); // unreachable
    w.u8(0x0b);
    w.u8(0x0b);
  };
  const decrement = (w: Writer) => {
    w.u8(0x41); // i32.const 1
    w.u8(1);
    w.u8(0x6b); // i32.sub
    w.u8(0x22); // local.tee f
    w.u32(local);
    slow(w);
  };
  const entry = new Writer();
  entry.u8(0x23); // global.get fuel
  entry.u32(fuel);
  decrement(entry);
  const loop = new Writer();
  loop.u8(0x20); // local.get f
  loop.u32(local);
  decrement(loop);
  const sync = new Writer();
  sync.u8(0x20);
  sync.u32(local);
  sync.u8(0x24); // global.set fuel
  sync.u32(fuel);
  const reload = new Writer();
  reload.u8(0x23);
  reload.u32(fuel);
  reload.u8(0x21); // local.set f
  reload.u32(local);
  return { entry: entry.finish(), loop: loop.finish(), sync: sync.finish(), reload: reload.finish() };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** What a function body writes to memory: whether anything, and the types of stored values. */
interface Writes {
  any: boolean;
  valtypes: Set<number>;
}

/** A first walk over a function body (from its first instruction) collecting its Writes. */
function scanWrites(bytes: Uint8Array, start: number, end: number): Writes {
  const writes: Writes = { any: false, valtypes: new Set() };
  walkExpr(new Reader(bytes, start, end), {
    call: (rr) => void rr.u32(),
    callIndirect: () => {},
    ret: () => {},
    loop: () => {},
    store(_rr, _start, _offset, _width, valtype) {
      writes.any = true;
      writes.valtypes.add(valtype);
    },
    bulk() {
      writes.any = true;
      writes.valtypes.add(I32);
    },
  });
  return writes;
}

/**
 * The locals we add to a function, after its own: the fuel counter; when the function writes
 * memory also the dirty range's start and end, the written address, a bulk operation's length and
 * one local per type of stored value (the value waits there while the address is kept).
 */
interface FunctionLocals {
  /** [count, valtype] groups to declare. */
  groups: [number, number][];
  fuel: number;
  start: number;
  end: number;
  addr: number;
  length: number;
  value: Map<number, number>;
  /** One past the last local. */
  next: number;
}

function functionLocals(first: number, writes: Writes): FunctionLocals {
  if (!writes.any) return { groups: [[1, I32]], fuel: first, start: -1, end: -1, addr: -1, length: -1, value: new Map(), next: first + 1 };
  const value = new Map<number, number>([[I32, first + 5]]);
  const groups: [number, number][] = [[6, I32]]; // fuel, start, end, addr, length, i32 value
  let next = first + 6;
  for (const t of [I64, F32, F64, V128]) {
    if (!writes.valtypes.has(t)) continue;
    value.set(t, next++);
    groups.push([1, t]);
  }
  return { groups, fuel: first, start: first + 1, end: first + 2, addr: first + 3, length: first + 4, value, next };
}

/** load: the dirty range from the globals into the locals; sync: back. */
function markOps(startGlobal: number, endGlobal: number, L: FunctionLocals): { load: Uint8Array; sync: Uint8Array } {
  const load = new Writer();
  const sync = new Writer();
  for (const [g, l] of [
    [startGlobal, L.start],
    [endGlobal, L.end],
  ] as const) {
    load.u8(0x23); // global.get
    load.u32(g);
    load.u8(0x21); // local.set
    load.u32(l);
    sync.u8(0x20); // local.get
    sync.u32(l);
    sync.u8(0x24); // global.set
    sync.u32(g);
  }
  return { load: load.finish(), sync: sync.finish() };
}

/**
 * After a write that succeeded at address local `addr` + `offset` of `width` bytes (-1: the
 * length local), extends the range:
 *   addr = addr + offset; if (addr <u start) start = addr
 *   addr = addr + width;  if (addr >u end) end = addr
 * A write that succeeded ends within memory, below 2^32 (memory is capped at 65535 pages), so
 * the i32 additions do not wrap.
 */
function widenRange(w: Writer, L: FunctionLocals, offset: number, width: number): void {
  const update = (compare: number, mark: number) => {
    w.u8(0x22); // local.tee addr
    w.u32(L.addr);
    w.u8(0x20); // local.get mark
    w.u32(mark);
    w.u8(compare);
    w.u8(0x04); // if
    w.u8(0x40);
    w.u8(0x20); // local.get addr
    w.u32(L.addr);
    w.u8(0x21); // local.set mark
    w.u32(mark);
    w.u8(0x0b);
  };
  w.u8(0x20); // local.get addr
  w.u32(L.addr);
  if (offset !== 0) {
    w.u8(0x41); // i32.const offset
    w.s32(offset);
    w.u8(0x6a); // i32.add
  }
  update(0x49, L.start); // i32.lt_u
  w.u8(0x20); // local.get addr
  w.u32(L.addr);
  if (width >= 0) {
    w.u8(0x41); // i32.const width
    w.s32(width);
  } else {
    w.u8(0x20); // local.get length
    w.u32(L.length);
  }
  w.u8(0x6a); // i32.add
  update(0x4b, L.end); // i32.gt_u
}

/** The functions we add (exported under their names), in order, with their code-section bodies. */
function addedFunctions(
  mutableGlobals: number[],
  savedGlobal: (i: number) => number,
  startGlobal: number,
  endGlobal: number,
): { name: string; returnsI32: boolean; body: Uint8Array }[] {
  const fn = (ops: (w: Writer) => void) => {
    const w = new Writer();
    w.u32(0); // no locals
    ops(w);
    w.u8(0x0b);
    return w.finish();
  };
  const get = (w: Writer, g: number) => {
    w.u8(0x23);
    w.u32(g);
  };
  const set = (w: Writer, g: number) => {
    w.u8(0x24);
    w.u32(g);
  };
  const emptyRange = (w: Writer) => {
    w.u8(0x41); // i32.const -1 (0xffffffff)
    w.s32(-1);
    set(w, startGlobal);
    w.u8(0x41);
    w.u8(0);
    set(w, endGlobal);
  };
  return [
    { name: EXPORT_DIRTY_START, returnsI32: true, body: fn((w) => get(w, startGlobal)) },
    { name: EXPORT_DIRTY_END, returnsI32: true, body: fn((w) => get(w, endGlobal)) },
    {
      name: EXPORT_SAVE,
      returnsI32: false,
      body: fn((w) => {
        mutableGlobals.forEach((g, i) => {
          get(w, g);
          set(w, savedGlobal(i));
        });
        emptyRange(w);
      }),
    },
    {
      name: EXPORT_RESET,
      returnsI32: false,
      body: fn((w) => {
        mutableGlobals.forEach((g, i) => {
          get(w, savedGlobal(i));
          set(w, g);
        });
        emptyRange(w);
      }),
    },
  ];
}
