// CRC-32 (IEEE 802.3, the zlib/PNG polynomial) for persistence files: every append-only-file
// record carries one, and the snapshot format may reuse it. Short ranges (every record of a
// small write) are checksummed in JS, slice-by-8 (eight table lookups per 8 bytes, ~2x the
// byte-wise loop); long ones by Node's native zlib.crc32 (Node 20.15+) when present, whose call
// costs about as much as ~200 bytes in JS (measured on the benchmark VM: 59 bytes, byte-wise JS
// ~110 ns, slice-by-8 ~50 ns, native ~170 ns; at 512 bytes native wins).

import * as zlib from 'node:zlib';

/** 8 tables of 256 entries: table k maps a byte to its CRC contribution k bytes further on. */
let tables: Int32Array | null = null;

/** The byte-wise table (the first 256 entries of the slice-by-8 tables). */
export function crcTable(): Int32Array {
  return tables ?? (tables = makeTables());
}

function makeTables(): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const prev = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = t[prev & 0xff]! ^ (prev >>> 8);
    }
  }
  return t;
}

/** The JS implementation (exported for the test that checks it against the native one). */
export function crc32Js(data: Uint8Array, initial = 0): number {
  return crc32JsRange(data, 0, data.length, initial);
}

/** CRC-32 of data[start, end) in JS, slice-by-8, continuing from `initial`. */
export function crc32JsRange(data: Uint8Array, start: number, end: number, initial = 0): number {
  const t = tables ?? (tables = makeTables());
  let c = ~initial;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    const h = data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24);
    c =
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + (h & 0xff)]! ^
      t[512 + ((h >>> 8) & 0xff)]! ^
      t[256 + ((h >>> 16) & 0xff)]! ^
      t[h >>> 24]!;
  }
  for (; i < end; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * CRC-32 of the 8 bytes `lo` `hi` (two little-endian u32s, e.g. a record header's length and
 * payload CRC) straight from the values: one slice-by-8 step, no bytes read back.
 */
export function crc32U32Pair(lo: number, hi: number): number {
  const t = tables ?? (tables = makeTables());
  const c = ~0 ^ lo;
  return (
    ~(
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + (hi & 0xff)]! ^
      t[512 + ((hi >>> 8) & 0xff)]! ^
      t[256 + ((hi >>> 16) & 0xff)]! ^
      t[hi >>> 24]!
    ) >>> 0
  );
}

/** Up to this many bytes the JS loop beats a native call plus a subarray view. */
export const CRC_JS_BYTES_MAX = 192;

type Crc32 = (data: Uint8Array, initial?: number) => number;
const native = (zlib as unknown as { crc32?: Crc32 }).crc32;

/** CRC-32 of `data`, continuing from `initial` (the CRC of what came before). */
export const crc32: Crc32 = typeof native === 'function' ? (data, initial = 0) => native(data, initial) : crc32Js;

/** CRC-32 of data[start, end) without copying; short ranges stay in JS (no native call). */
export function crc32Range(data: Buffer, start: number, end: number): number {
  return end - start <= CRC_JS_BYTES_MAX ? crc32JsRange(data, start, end) : crc32(data.subarray(start, end));
}
