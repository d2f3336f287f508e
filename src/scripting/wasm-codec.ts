// The byte encoding of ScriptValues shared by keyraft and `#!wasm` function modules (ABI v1,
// docs/WASM-FUNCTIONS.md): command replies handed to the module by `call`/`pcall`, the function's
// own reply set with `reply`, the manifest, and the argument vectors the module passes to `call`.
// One flat little-endian tag-length-value format, because a module reads and writes it in its own
// linear memory with nothing but loads and stores, and the host encodes/decodes it with one
// DataView pass and no intermediate objects.
//
//   value   := tag:u8 payload
//   0 nil | 1 int i64 | 2 bulk u32 len, bytes | 3 status u32 len, bytes | 4 error u32 len, bytes
//   5 array u32 n, n values | 6 bool u8 | 7 double f64 | 8 map u32 n, 2n values (key, value...)
//   9 set u32 n, n values | 10 big number u32 len, decimal digits | 11 verbatim u32 len, 3-byte
//   format, u32 len, bytes
//   argv    := u32 argc, argc × (u32 len, bytes)          (what the module passes to call/pcall)
//   input   := u32 nkeys, u32 nargs, (nkeys+nargs) × (u32 len, bytes)   (KEYS then ARGV)

import type { ScriptValue } from './types.js';

export const TAG_NIL = 0;
export const TAG_INT = 1;
export const TAG_BULK = 2;
export const TAG_STATUS = 3;
export const TAG_ERROR = 4;
export const TAG_ARRAY = 5;
export const TAG_BOOL = 6;
export const TAG_DOUBLE = 7;
export const TAG_MAP = 8;
export const TAG_SET = 9;
export const TAG_BIG_NUMBER = 10;
export const TAG_VERBATIM = 11;

/** Deepest nesting a decoded value may have (a malicious module must not blow the host's stack). */
export const VALUE_DEPTH_MAX = 1000;
/** Largest element count a decoded aggregate may claim before its bytes are checked. */
const TWO_POW_32 = 4294967296;

/** A malformed encoding; the engine turns it into the function's error reply. */
export class CodecError extends Error {}

/**
 * A reusable growable output buffer. The host encodes replies here and copies them into module
 * memory, so the common small reply costs no allocation.
 */
export class Encoder {
  buf: Uint8Array;
  view: DataView;
  len = 0;

  constructor(initialBytes = 4096, private readonly bytesMax = 512 * 1024 * 1024) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  reset(): void {
    this.len = 0;
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    if (need > this.bytesMax) throw new CodecError(`encoded value larger than ${this.bytesMax} bytes`);
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(Math.min(size, Math.max(need, this.bytesMax)));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.len, v, true);
    this.len += 4;
  }

  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** A safe integer (number) or any bigint, as i64 (bigints outside i64 wrap, as Lua would not produce them). */
  int(v: number | bigint): void {
    this.ensure(9);
    this.buf[this.len++] = TAG_INT;
    if (typeof v === 'bigint') {
      this.view.setBigInt64(this.len, BigInt.asIntN(64, v), true);
    } else {
      // Two 32-bit halves avoid a BigInt per integer reply (the common case: INCR).
      const hi = Math.floor(v / TWO_POW_32);
      this.view.setUint32(this.len, v - hi * TWO_POW_32, true);
      this.view.setInt32(this.len + 4, hi, true);
    }
    this.len += 8;
  }

  value(v: ScriptValue, depth = 0): void {
    if (depth > VALUE_DEPTH_MAX) throw new CodecError('value nested too deeply');
    if (v === null || v === undefined) return this.u8(TAG_NIL);
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v)) return this.int(v);
      // A non-integral number is not a valid ScriptValue integer; keep its value as a double.
      this.ensure(9);
      this.buf[this.len++] = TAG_DOUBLE;
      this.view.setFloat64(this.len, v, true);
      this.len += 8;
      return;
    }
    if (typeof v === 'bigint') return this.int(v);
    if (typeof v === 'boolean') {
      this.ensure(2);
      this.buf[this.len++] = TAG_BOOL;
      this.buf[this.len++] = v ? 1 : 0;
      return;
    }
    if (v instanceof Uint8Array) {
      this.u8(TAG_BULK);
      return this.bytes(v);
    }
    if (Array.isArray(v)) {
      this.u8(TAG_ARRAY);
      this.u32(v.length);
      for (const item of v) this.value(item, depth + 1);
      return;
    }
    if ('ok' in v) {
      this.u8(TAG_STATUS);
      return this.bytes(v.ok);
    }
    if ('err' in v) {
      this.u8(TAG_ERROR);
      return this.bytes(v.err);
    }
    if ('double' in v) {
      this.ensure(9);
      this.buf[this.len++] = TAG_DOUBLE;
      this.view.setFloat64(this.len, v.double, true);
      this.len += 8;
      return;
    }
    if ('map' in v) {
      this.u8(TAG_MAP);
      this.u32(v.map.length);
      for (const [k, val] of v.map) {
        this.value(k, depth + 1);
        this.value(val, depth + 1);
      }
      return;
    }
    if ('set' in v) {
      this.u8(TAG_SET);
      this.u32(v.set.length);
      for (const item of v.set) this.value(item, depth + 1);
      return;
    }
    if ('big_number' in v) {
      this.u8(TAG_BIG_NUMBER);
      return this.bytes(v.big_number);
    }
    if ('verbatim_string' in v) {
      this.u8(TAG_VERBATIM);
      this.bytes(v.verbatim_string.format);
      return this.bytes(v.verbatim_string.string);
    }
    throw new CodecError('unknown value shape');
  }

}

/** Copies `len` bytes at `off` into a Buffer the host may keep (module memory is reset after the call). */
function copyOut(mem: Uint8Array, off: number, len: number): Buffer {
  const b = Buffer.allocUnsafe(len);
  b.set(mem.subarray(off, off + len));
  return b;
}

/**
 * Decodes values from a region of module memory; every read is bounds-checked against `end`.
 * One instance per memory buffer is reused (`reset`), so a call costs no DataView allocation.
 */
export class Decoder {
  pos = 0;
  private end = 0;
  private readonly view: DataView;

  constructor(private readonly mem: Uint8Array) {
    this.view = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  }

  /** Whether this decoder still reads `mem` (false once the memory grew and the buffer changed). */
  reads(mem: Uint8Array): boolean {
    return this.mem === mem;
  }

  reset(start: number, end: number): this {
    if (start < 0 || end > this.mem.length || start > end) throw new CodecError('region outside module memory');
    this.pos = start;
    this.end = end;
    return this;
  }

  get done(): boolean {
    return this.pos === this.end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new CodecError('truncated value');
  }

  u8(): number {
    this.need(1);
    return this.mem[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  bytes(): Buffer {
    const len = this.u32();
    this.need(len);
    const b = copyOut(this.mem, this.pos, len);
    this.pos += len;
    return b;
  }

  /** An element count that cannot exceed what the remaining bytes could hold (`minBytes` each). */
  count(minBytes: number): number {
    const n = this.u32();
    if (n * minBytes > this.end - this.pos) throw new CodecError('aggregate count larger than its bytes');
    return n;
  }

  value(depth = 0): ScriptValue {
    if (depth > VALUE_DEPTH_MAX) throw new CodecError('value nested too deeply');
    const tag = this.u8();
    switch (tag) {
      case TAG_NIL:
        return null;
      case TAG_INT: {
        this.need(8);
        const lo = this.view.getUint32(this.pos, true);
        const hi = this.view.getInt32(this.pos + 4, true);
        this.pos += 8;
        // Exact as a number when |v| < 2^53; a bigint beyond.
        if (hi >= -0x200000 && hi < 0x200000) return hi * TWO_POW_32 + lo;
        return (BigInt(hi) << 32n) | BigInt(lo);
      }
      case TAG_BULK:
        return this.bytes();
      case TAG_STATUS:
        return { ok: this.bytes() };
      case TAG_ERROR:
        return { err: this.bytes() };
      case TAG_ARRAY: {
        const n = this.count(1);
        const out: ScriptValue[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.value(depth + 1);
        return out;
      }
      case TAG_BOOL:
        return this.u8() !== 0;
      case TAG_DOUBLE: {
        this.need(8);
        const d = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return { double: d };
      }
      case TAG_MAP: {
        const n = this.count(2);
        const out: [ScriptValue, ScriptValue][] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = [this.value(depth + 1), this.value(depth + 1)];
        return { map: out };
      }
      case TAG_SET: {
        const n = this.count(1);
        const out: ScriptValue[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.value(depth + 1);
        return { set: out };
      }
      case TAG_BIG_NUMBER:
        return { big_number: this.bytes() };
      case TAG_VERBATIM: {
        const format = this.bytes();
        const string = this.bytes();
        return { verbatim_string: { format, string } };
      }
      default:
        throw new CodecError(`unknown value tag ${tag}`);
    }
  }

  /** An argument vector for call/pcall. */
  argv(): Buffer[] {
    const n = this.count(4);
    const out: Buffer[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.bytes();
    return out;
  }
}
