// Byte sizes of Redis 7.0 listpack elements, so a stream node knows how big Redis's listpack for
// the same entries would be. Redis starts a new stream node when the current one would reach
// stream-node-max-bytes (4096), and `~` trimming removes whole nodes: to remove what Redis removes,
// keyraft's nodes must break where Redis's do, which needs these sizes (listpack.c's
// lpEncodeGetType / lpEncodeBacklen and t_stream.c's streamAppendItem layout). No bytes are built.

import { parseInt64 } from '../protocol/numbers.js';
import type { StreamId, U64 } from './stream.js';

/** Redis's stream-node-max-bytes default. */
export const STREAM_NODE_MAX_BYTES = 4096;
/** Listpack header (total bytes u32 + element count u16) and end byte. */
export const LP_HEADER_AND_END_BYTES = 7;

function backlenBytes(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

function intEncBytes(v: number | bigint): number {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

/** An integer element (encoding + backlen). */
export function lpIntBytes(v: number | bigint): number {
  const e = intEncBytes(v);
  return e + backlenBytes(e);
}

/** A string element: stored as an integer when it is one (lpStringToInt64), else as bytes. */
export function lpStrBytes(s: string): number {
  if (s.length > 0 && s.length <= 20) {
    const v = parseInt64(s);
    if (v !== null) return lpIntBytes(v);
  }
  const n = s.length;
  const e = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  return e + backlenBytes(e);
}

const TWO64 = 1n << 64n;
const TWO63 = 1n << 63n;

/** a - b as C computes (uint64 wrap-around) then stores as int64. */
function diff64(a: U64, b: U64): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  let d = BigInt(a) - BigInt(b);
  if (d < 0n) d += TWO64;
  if (d >= TWO63) d -= TWO64;
  return d;
}

/** The master entry without its count and deleted fields: num-fields, the fields, the 0 terminator. */
export function masterBytes(fields: readonly string[]): number {
  let n = lpIntBytes(fields.length / 2) + lpIntBytes(0);
  for (let i = 0; i < fields.length; i += 2) n += lpStrBytes(fields[i]!);
  return n;
}

/** Whether an entry's field names are the master entry's (STREAM_ITEM_FLAG_SAMEFIELDS). */
export function sameFields(master: readonly string[], fields: readonly string[]): boolean {
  if (master.length !== fields.length) return false;
  for (let i = 0; i < fields.length; i += 2) if (master[i] !== fields[i]) return false;
  return true;
}

/** One entry's elements: flags, ms and seq deltas, [num-fields, fields], values, lp-count. */
export function entryBytes(id: StreamId, master: StreamId, fields: readonly string[], same: boolean): number {
  const numfields = fields.length / 2;
  let n = 1 + 1; // flags (0..3) is one byte plus its backlen
  n += lpIntBytes(diff64(id.ms, master.ms));
  n += lpIntBytes(diff64(id.seq, master.seq));
  let lpCount = numfields + 3;
  if (!same) {
    n += lpIntBytes(numfields);
    lpCount += numfields + 1;
  }
  for (let i = 0; i < fields.length; i += 2) {
    if (!same) n += lpStrBytes(fields[i]!);
    n += lpStrBytes(fields[i + 1]!);
  }
  return n + lpIntBytes(lpCount);
}

/** totelelen: the summed lengths of the fields and values being added. */
export function totalElementBytes(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) n += f.length;
  return n;
}
