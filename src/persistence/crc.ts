// CRC-32 (IEEE 802.3, the zlib/PNG polynomial) for persistence files: every append-only-file
// record carries one, and the snapshot format may reuse it. Node's native zlib.crc32 (Node
// 20.15+) is used when present; otherwise a table-driven version in JS with the same results.

import * as zlib from 'node:zlib';

let table: Int32Array | null = null;

/** The byte-wise table (for encoders that fold the checksum into their own copy loop). */
export function crcTable(): Int32Array {
  return table ?? (table = makeTable());
}

function makeTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

/** The JS implementation (exported for the test that checks it against the native one). */
export function crc32Js(data: Uint8Array, initial = 0): number {
  return crc32JsRange(data, 0, data.length, initial);
}

function crc32JsRange(data: Uint8Array, start: number, end: number, initial = 0): number {
  const t = table ?? (table = makeTable());
  let c = ~initial;
  for (let i = start; i < end; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Below this many bytes the JS loop beats a native call plus a subarray view. */
const JS_RANGE_BYTES_MAX = 96;

type Crc32 = (data: Uint8Array, initial?: number) => number;
const native = (zlib as unknown as { crc32?: Crc32 }).crc32;

/** CRC-32 of `data`, continuing from `initial` (the CRC of what came before). */
export const crc32: Crc32 = typeof native === 'function' ? (data, initial = 0) => native(data, initial) : crc32Js;

/** CRC-32 of data[start, end) without copying; short ranges stay in JS (no native call). */
export function crc32Range(data: Buffer, start: number, end: number): number {
  return end - start <= JS_RANGE_BYTES_MAX ? crc32JsRange(data, start, end) : crc32(data.subarray(start, end));
}
