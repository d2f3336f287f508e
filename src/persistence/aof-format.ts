// The append-only file's byte format, without any file I/O, so the server, the loader, the check
// tool and the tests all read and write exactly the same thing.
//
//   file    = header record*
//   header  = "KRAOF" version:u8 "\r\n"                      (8 bytes; version 1)
//   record  = length:u32 payloadCrc:u32 headerCrc:u32 payload[length]     (little-endian)
//   payload = time:f64 seed:i32 db:u32 flags:u8 count:u32 command*
//   command = argc:u32 (len:u32 bytes[len])*
//
// payloadCrc is the CRC-32 of the payload, headerCrc the CRC-32 of the first 8 header bytes.
// Each record is one engine WriteEntry; flags bit 0 says it is a transaction (its commands ran
// with seeds seed+1, seed+2…), which a one-command transaction needs to replay exactly.
//
// The header checksum lets the loader tell a torn tail from damage in the middle cheaply: after
// a bad record it looks at every later offset for a record whose header and payload both check
// out (a constant-cost header test first). If one exists, data follows the damage: the file is
// corrupt and startup stops. If none does, the bad bytes are a torn tail, which a crash can leave.

import type { WriteEntry } from '../engine/engine.js';
import { CRC_JS_BYTES_MAX, crc32JsRange, crc32Range, crc32U32Pair } from './crc.js';

export const AOF_VERSION = 1;
export const AOF_HEADER = Buffer.from(`KRAOF${String.fromCharCode(AOF_VERSION)}\r\n`, 'latin1');
export const AOF_HEADER_BYTES = AOF_HEADER.length;
export const RECORD_HEADER_BYTES = 12;
/** Fixed part of a payload: time, seed, db, flags, command count. */
const PAYLOAD_FIXED_BYTES = 8 + 4 + 4 + 1 + 4;
/** The largest payload a u32 length can describe (4 GiB - 1). */
export const RECORD_PAYLOAD_BYTES_MAX = 0xffffffff;
const FLAG_TRANSACTION = 1;

/** An entry as recorded: the engine's WriteEntry plus whether it came from a transaction. */
export interface AofEntry extends WriteEntry {
  transaction?: boolean;
}

/** Bytes one entry takes on disk, record header included. */
export function encodedSize(entry: AofEntry): number {
  let n = RECORD_HEADER_BYTES + PAYLOAD_FIXED_BYTES;
  for (const argv of entry.commands) {
    n += 4 + 4 * argv.length;
    for (const a of argv) n += a.length;
  }
  return n;
}

/** Scratch for the time field (little-endian f64 without Buffer.writeDoubleLE's checks). */
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Writes one record into `buf` at `pos` (the caller made room: encodedSize bytes); returns the
 * offset after it. Arguments are latin1 strings, one char per byte.
 */
export function encodeRecord(entry: AofEntry, buf: Buffer, pos: number): number {
  const end = encodeRecordUnsealed(entry, buf, pos);
  sealRecords(buf, pos, end);
  return end;
}

/**
 * encodeRecord without its two checksums, which sealRecords fills in later: the AOF writer seals
 * a whole batch just before its write(2), when the CRC tables stay in the CPU cache from one
 * record to the next (checksumming each record as a command runs found them evicted by the
 * command's own work: ~90 ns per SET record in the server's profile against ~50 ns in a loop).
 */
export function encodeRecordUnsealed(entry: AofEntry, buf: Buffer, pos: number): number {
  // Short arguments are copied by a JS loop, long ones by the native latin1 copy.
  const start = pos;
  const payloadStart = start + RECORD_HEADER_BYTES;
  let p = payloadStart;
  f64[0] = entry.time;
  if (littleEndian) for (let i = 0; i < 8; i++) buf[p + i] = f64Bytes[i]!;
  else for (let i = 0; i < 8; i++) buf[p + i] = f64Bytes[7 - i]!;
  p = putU32(buf, p + 8, entry.seed | 0);
  p = putU32(buf, p, entry.db);
  buf[p++] = entry.transaction ? FLAG_TRANSACTION : 0;
  p = putU32(buf, p, entry.commands.length);
  for (const argv of entry.commands) {
    p = putU32(buf, p, argv.length);
    for (const a of argv) {
      const n = a.length;
      p = putU32(buf, p, n);
      if (n <= 64) {
        for (let i = 0; i < n; i++) buf[p + i] = a.charCodeAt(i);
      } else buf.latin1Write(a, p);
      p += n;
    }
  }
  const length = p - payloadStart;
  if (length > RECORD_PAYLOAD_BYTES_MAX) throw new Error(`AOF record of ${length} bytes is larger than the format allows`);
  putU32(buf, start, length);
  return p;
}

/**
 * Fills in the checksums of the records encoded (encodeRecordUnsealed) in buf[from, to): the
 * payload CRC (one slice-by-8 pass, native for long payloads) and the header CRC computed from
 * the length and payload CRC values.
 */
export function sealRecords(buf: Buffer, from: number, to: number): void {
  for (let p = from; p < to; ) {
    const length = (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
    const end = p + RECORD_HEADER_BYTES + length;
    const crc = length <= CRC_JS_BYTES_MAX ? crc32JsRange(buf, p + RECORD_HEADER_BYTES, end) : crc32Range(buf, p + RECORD_HEADER_BYTES, end);
    putU32(buf, p + 4, crc);
    putU32(buf, p + 8, crc32U32Pair(length, crc));
    p = end;
  }
}

/** Little-endian u32 (the low 32 bits of `v`) at `p`; returns p + 4. */
function putU32(buf: Buffer, p: number, v: number): number {
  buf[p] = v & 0xff;
  buf[p + 1] = (v >>> 8) & 0xff;
  buf[p + 2] = (v >>> 16) & 0xff;
  buf[p + 3] = (v >>> 24) & 0xff;
  return p + 4;
}

/** A standalone encoded record (tests, tools). */
export function encodeEntry(entry: AofEntry): Buffer {
  const buf = Buffer.alloc(encodedSize(entry));
  encodeRecord(entry, buf, 0);
  return buf;
}

/** Decodes a payload whose checksum already passed; null when its structure is inconsistent. */
export function decodePayload(buf: Buffer, start: number, end: number): AofEntry | null {
  if (end - start < PAYLOAD_FIXED_BYTES) return null;
  const time = buf.readDoubleLE(start);
  const seed = buf.readInt32LE(start + 8);
  const db = buf.readUInt32LE(start + 12);
  const flags = buf.readUInt8(start + 16);
  const count = buf.readUInt32LE(start + 17);
  if (!Number.isFinite(time) || count === 0 || flags & ~FLAG_TRANSACTION) return null;
  let p = start + PAYLOAD_FIXED_BYTES;
  const commands: string[][] = [];
  for (let c = 0; c < count; c++) {
    if (p + 4 > end) return null;
    const argc = buf.readUInt32LE(p);
    p += 4;
    // Each argument needs at least its 4-byte length: a bound that rejects absurd counts early.
    if (argc === 0 || argc > (end - p) / 4) return null;
    const argv = new Array<string>(argc);
    for (let i = 0; i < argc; i++) {
      if (p + 4 > end) return null;
      const len = buf.readUInt32LE(p);
      p += 4;
      if (len > end - p) return null;
      argv[i] = buf.latin1Slice(p, p + len);
      p += len;
    }
    commands.push(argv);
  }
  if (p !== end) return null;
  const entry: AofEntry = { time, seed, db, commands };
  if (flags & FLAG_TRANSACTION) entry.transaction = true;
  return entry;
}

/** Why the record at an offset is not valid; null when it is. */
function checkRecord(buf: Buffer, pos: number): { end: number } | string {
  const remaining = buf.length - pos;
  if (remaining < RECORD_HEADER_BYTES) return `incomplete record header (${remaining} of ${RECORD_HEADER_BYTES} bytes)`;
  if (crc32Range(buf, pos, pos + 8) !== buf.readUInt32LE(pos + 8)) return 'record header checksum mismatch';
  const length = buf.readUInt32LE(pos);
  const end = pos + RECORD_HEADER_BYTES + length;
  if (end > buf.length) return `incomplete record (${length} payload bytes announced, ${remaining - RECORD_HEADER_BYTES} present)`;
  if (crc32Range(buf, pos + RECORD_HEADER_BYTES, end) !== buf.readUInt32LE(pos + 4)) return 'record payload checksum mismatch';
  return { end };
}

/** Whether a complete, checksum-valid record starts at `pos` (the cheap header test first). */
function validRecordAt(buf: Buffer, pos: number): boolean {
  if (buf.length - pos < RECORD_HEADER_BYTES) return false;
  const length = buf.readUInt32LE(pos);
  if (length > buf.length - pos - RECORD_HEADER_BYTES || length < PAYLOAD_FIXED_BYTES) return false;
  return typeof checkRecord(buf, pos) !== 'string';
}

export interface AofProblem {
  /** Offset of the first bad byte range: everything before it is valid. */
  offset: number;
  /** 'truncated': nothing valid follows (a torn tail); 'corrupt': valid records follow the damage. */
  kind: 'truncated' | 'corrupt';
  reason: string;
  /** For 'corrupt': where the next valid record starts. */
  nextValidOffset?: number;
}

export interface AofScan {
  records: number;
  /** End of the valid prefix (header included). */
  validBytes: number;
  problem: AofProblem | null;
}

export class AofFormatError extends Error {}

/**
 * Walks a whole file image, calling `visit` with each valid record in order, up to the first bad
 * one, and classifies what follows it. Throws AofFormatError when the header is not keyraft's.
 */
export function scanAof(buf: Buffer, visit?: (entry: AofEntry, offset: number) => void): AofScan {
  if (buf.length < AOF_HEADER_BYTES) {
    // A file cut inside its own header: only a crash at creation leaves that.
    if (AOF_HEADER.subarray(0, buf.length).equals(buf)) {
      return { records: 0, validBytes: 0, problem: buf.length === 0 ? null : { offset: 0, kind: 'truncated', reason: 'incomplete file header' } };
    }
    throw new AofFormatError('not a keyraft append-only file (bad header)');
  }
  if (!buf.subarray(0, 5).equals(AOF_HEADER.subarray(0, 5)) || buf[7] !== AOF_HEADER[7] || buf[6] !== AOF_HEADER[6]) {
    throw new AofFormatError('not a keyraft append-only file (bad header)');
  }
  if (buf[5] !== AOF_VERSION) throw new AofFormatError(`unsupported append-only file version ${buf[5]} (this keyraft reads version ${AOF_VERSION})`);
  let pos = AOF_HEADER_BYTES;
  let records = 0;
  while (pos < buf.length) {
    const r = checkRecord(buf, pos);
    let reason: string;
    if (typeof r === 'string') reason = r;
    else {
      const entry = decodePayload(buf, pos + RECORD_HEADER_BYTES, r.end);
      if (entry !== null) {
        visit?.(entry, pos);
        records++;
        pos = r.end;
        continue;
      }
      reason = 'record payload is malformed';
    }
    for (let q = pos + 1; q + RECORD_HEADER_BYTES <= buf.length; q++) {
      if (validRecordAt(buf, q)) return { records, validBytes: pos, problem: { offset: pos, kind: 'corrupt', reason, nextValidOffset: q } };
    }
    return { records, validBytes: pos, problem: { offset: pos, kind: 'truncated', reason } };
  }
  return { records, validBytes: pos, problem: null };
}
