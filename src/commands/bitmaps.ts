// The bitmaps family: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO, as Redis 7.0's
// bitops.c does them — the same order of argument checks and key lookups (so a malformed
// command on a missing key gets the reply Redis gives), the same error texts, and the same
// int64 quirks in BITFIELD's overflow handling.
//
// Writes (SETBIT, BITFIELD SET/INCRBY) turn the value into a MutableString once and then edit
// it in place, so setting a bit in a big bitmap is O(1). Reads work on the bytes they need.

import type { CommandDef, ExecContext } from './types.js';
import { MutableString, type StringValue, type Value } from '../types/value.js';
import { parseInt64 } from '../protocol/numbers.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';
import {
  Overflow,
  findBit,
  getUnsignedBitfield,
  popcount,
  popcountByte,
  setUnsignedBitfield,
  signedOverflow,
  unsignedOverflow,
} from '../types/bitops.js';

const ERR_BIT_OFFSET = 'ERR bit offset is not an integer or out of range';
const ERR_BIT_VALUE = 'ERR bit is not an integer or out of range';
const ERR_BITFIELD_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

function isStringValue(v: Value): v is StringValue {
  return typeof v === 'string' || v instanceof MutableString;
}

/** The bytes [start, end) of a string value (a view for a MutableString, a copy otherwise). */
function bytesOf(v: StringValue, start = 0, end = v.length): Uint8Array {
  if (v instanceof MutableString) return v.bytes.subarray(start, end);
  return Buffer.from(v.slice(start, end), 'latin1');
}

function byteAt(v: StringValue, i: number): number {
  if (i >= v.length) return 0;
  return typeof v === 'string' ? v.charCodeAt(i) : v.bytes[i]!;
}

/**
 * Redis's getBitOffsetFromArgument: a non-negative bit offset within proto-max-bulk-len, with
 * the "#N" form (N * bits) for BITFIELD. Replies the error and returns null otherwise.
 */
function bitOffset(ctx: ExecContext, text: string, hash: boolean, bits: number): number | null {
  const useHash = hash && bits > 0 && text.charCodeAt(0) === 35; // '#'
  const parsed = parseInt64(useHash ? text.slice(1) : text);
  if (parsed === null) {
    ctx.reply.error(ERR_BIT_OFFSET);
    return null;
  }
  let offset = BigInt(parsed);
  if (useHash) offset = BigInt.asIntN(64, offset * BigInt(bits)); // C's int64 multiply wraps
  if (offset < 0n || (ctx.client !== null && offset >> 3n >= BigInt(ctx.server.config.int('proto-max-bulk-len')))) {
    ctx.reply.error(ERR_BIT_OFFSET);
    return null;
  }
  return Number(offset);
}

/**
 * Redis's lookupStringForBitCommand: the key's value as a MutableString at least
 * (maxBit / 8 + 1) bytes long, created or zero-extended as needed. Null after a WRONGTYPE reply.
 */
function stringForBitWrite(ctx: ExecContext, key: string, maxBit: number): { m: MutableString; grew: boolean } | null {
  const byteCount = Math.floor(maxBit / 8) + 1;
  const v = ctx.lookupWrite(key);
  if (v === undefined) {
    const m = new MutableString(Buffer.alloc(byteCount), byteCount);
    ctx.db.replace(key, m);
    return { m, grew: true };
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR_WRONGTYPE);
    return null;
  }
  let m: MutableString;
  if (v instanceof MutableString) m = v;
  else {
    m = MutableString.from(v, Math.max(0, byteCount - v.length));
    ctx.db.replace(key, m);
  }
  const oldLength = m.length;
  m.ensureLength(byteCount);
  return { m, grew: m.length !== oldLength };
}

function optIs(opt: string, lower: string): boolean {
  return opt.length === lower.length && opt.toLowerCase() === lower;
}

function setbit(ctx: ExecContext, argv: string[]): void {
  const offset = bitOffset(ctx, argv[2]!, false, 0);
  if (offset === null) return;
  const on = parseInt64(argv[3]!);
  if (on === null || (on !== 0 && on !== 1)) {
    ctx.reply.error(ERR_BIT_VALUE);
    return;
  }
  const key = argv[1]!;
  const target = stringForBitWrite(ctx, key, offset);
  if (target === null) return;
  const bytes = target.m.bytes;
  const byte = Math.floor(offset / 8);
  const shift = 7 - (offset % 8);
  const old = (bytes[byte]! >> shift) & 1;
  if (target.grew || old !== on) {
    bytes[byte] = (bytes[byte]! & ~(1 << shift)) | (on << shift);
    ctx.modified(key);
    ctx.notify('$', 'setbit', key);
    ctx.dirty();
  }
  ctx.reply.integer(old);
}

function getbit(ctx: ExecContext, argv: string[]): void {
  const offset = bitOffset(ctx, argv[2]!, false, 0);
  if (offset === null) return;
  const v = ctx.lookupRead(argv[1]!);
  if (v === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR_WRONGTYPE);
    return;
  }
  const b = byteAt(v, Math.floor(offset / 8));
  ctx.reply.integer((b >> (7 - (offset % 8))) & 1);
}

const enum Unit {
  Byte,
  Bit,
}

/** Parses "BYTE"/"BIT"; null after a syntax error reply. */
function parseUnit(ctx: ExecContext, text: string): Unit | null {
  if (optIs(text, 'bit')) return Unit.Bit;
  if (optIs(text, 'byte')) return Unit.Byte;
  ctx.reply.error(ERR_SYNTAX);
  return null;
}

function bitcount(ctx: ExecContext, argv: string[]): void {
  const v = ctx.lookupRead(argv[1]!);
  if (v === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR_WRONGTYPE);
    return;
  }
  const strlen = v.length;
  if (argv.length === 2) {
    ctx.reply.integer(popcount(bytesOf(v), 0, strlen));
    return;
  }
  if (argv.length !== 4 && argv.length !== 5) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  const start0 = parseInt64(argv[2]!);
  if (start0 === null) {
    ctx.reply.error(ERR_NOT_INTEGER);
    return;
  }
  const end0 = parseInt64(argv[3]!);
  if (end0 === null) {
    ctx.reply.error(ERR_NOT_INTEGER);
    return;
  }
  let unit = Unit.Byte;
  if (argv.length === 5) {
    const u = parseUnit(ctx, argv[4]!);
    if (u === null) return;
    unit = u;
  }
  if (start0 < 0 && end0 < 0 && start0 > end0) {
    ctx.reply.integer(0);
    return;
  }
  const total = unit === Unit.Bit ? strlen * 8 : strlen;
  let start = Number(start0);
  let end = Number(end0);
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) {
    ctx.reply.integer(0);
    return;
  }
  if (unit === Unit.Byte) {
    ctx.reply.integer(popcount(bytesOf(v, start, end + 1), 0, end - start + 1));
    return;
  }
  const firstByte = Math.floor(start / 8);
  const lastByte = Math.floor(end / 8);
  const bytes = bytesOf(v, firstByte, lastByte + 1);
  let count = popcount(bytes, 0, bytes.length);
  // Subtract the bits of the edge bytes that lie outside [start, end].
  const firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
  const lastMask = (1 << (7 - (end & 7))) - 1;
  count -= popcountByte(bytes[0]! & firstMask);
  count -= popcountByte(bytes[bytes.length - 1]! & lastMask);
  ctx.reply.integer(count);
}

function bitpos(ctx: ExecContext, argv: string[]): void {
  const bit0 = parseInt64(argv[2]!);
  if (bit0 === null) {
    ctx.reply.error(ERR_NOT_INTEGER);
    return;
  }
  if (bit0 !== 0 && bit0 !== 1) {
    ctx.reply.error('ERR The bit argument must be 1 or 0.');
    return;
  }
  const bit = bit0 as 0 | 1;
  const v = ctx.lookupRead(argv[1]!);
  if (v === undefined) {
    ctx.reply.integer(bit ? -1 : 0);
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR_WRONGTYPE);
    return;
  }
  const strlen = v.length;
  let fromBit: number;
  let toBit: number;
  let endGiven = false;
  if (argv.length === 3) {
    fromBit = 0;
    toBit = strlen * 8 - 1;
  } else if (argv.length <= 6) {
    const start0 = parseInt64(argv[3]!);
    if (start0 === null) {
      ctx.reply.error(ERR_NOT_INTEGER);
      return;
    }
    let unit = Unit.Byte;
    if (argv.length === 6) {
      const u = parseUnit(ctx, argv[5]!);
      if (u === null) return;
      unit = u;
    }
    let end: number;
    if (argv.length >= 5) {
      const end0 = parseInt64(argv[4]!);
      if (end0 === null) {
        ctx.reply.error(ERR_NOT_INTEGER);
        return;
      }
      end = Number(end0);
      endGiven = true;
    } else {
      end = unit === Unit.Bit ? strlen * 8 + 7 : strlen - 1;
    }
    const total = unit === Unit.Bit ? strlen * 8 : strlen;
    let start = Number(start0);
    if (start < 0) start = total + start;
    if (end < 0) end = total + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    if (start > end) {
      ctx.reply.integer(-1);
      return;
    }
    if (unit === Unit.Bit) {
      fromBit = start;
      toBit = end;
    } else {
      fromBit = start * 8;
      toBit = end * 8 + 7;
    }
  } else {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  if (fromBit > toBit) {
    ctx.reply.integer(-1);
    return;
  }
  const firstByte = Math.floor(fromBit / 8);
  const bytes = bytesOf(v, firstByte, Math.floor(toBit / 8) + 1);
  const base = firstByte * 8;
  const pos = findBit(bytes, fromBit - base, toBit - base, bit);
  if (pos >= 0) ctx.reply.integer(pos + base);
  else if (bit === 1 || endGiven) ctx.reply.integer(-1);
  else ctx.reply.integer(toBit + 1); // past the end, the string reads as zero bits
}

function bitop(ctx: ExecContext, argv: string[]): void {
  const opName = argv[1]!;
  let op: 'and' | 'or' | 'xor' | 'not';
  if (optIs(opName, 'and')) op = 'and';
  else if (optIs(opName, 'or')) op = 'or';
  else if (optIs(opName, 'xor')) op = 'xor';
  else if (optIs(opName, 'not')) op = 'not';
  else {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  if (op === 'not' && argv.length !== 4) {
    ctx.reply.error('ERR BITOP NOT must be called with a single source key.');
    return;
  }
  const sources: (Uint8Array | null)[] = [];
  let maxLength = 0;
  for (let j = 3; j < argv.length; j++) {
    const v = ctx.lookupRead(argv[j]!);
    if (v === undefined) {
      sources.push(null);
      continue;
    }
    if (!isStringValue(v)) {
      ctx.reply.error(ERR_WRONGTYPE);
      return;
    }
    const bytes = bytesOf(v);
    sources.push(bytes);
    if (bytes.length > maxLength) maxLength = bytes.length;
  }
  const target = argv[2]!;
  if (maxLength > 0) {
    const res = Buffer.alloc(maxLength);
    const first = sources[0];
    if (op === 'not') {
      for (let i = 0; i < maxLength; i++) res[i] = ~first![i]! & 0xff;
    } else {
      if (first) res.set(first);
      for (let s = 1; s < sources.length; s++) {
        const src = sources[s];
        const n = src ? src.length : 0;
        if (op === 'and') {
          for (let i = 0; i < n; i++) res[i]! &= src![i]!;
          res.fill(0, n);
        } else if (op === 'or') {
          for (let i = 0; i < n; i++) res[i]! |= src![i]!;
        } else {
          for (let i = 0; i < n; i++) res[i]! ^= src![i]!;
        }
      }
    }
    if (ctx.db.expiresCount > 0) ctx.lookupWrite(target);
    ctx.db.set(target, res.latin1Slice(0, maxLength));
    // Redis stores the result as a fresh sds: OBJECT ENCODING says "raw" whatever the bytes.
    const db = ctx.db as unknown as { setStringEncoding?: (key: string, encoding: 'raw') => void };
    db.setStringEncoding?.(target, 'raw');
    ctx.modified(target);
    ctx.notify('$', 'set', target);
    ctx.dirty();
  } else if (ctx.db.delete(target)) {
    ctx.modified(target);
    ctx.notify('g', 'del', target);
    ctx.dirty();
  }
  ctx.reply.integer(maxLength);
}

const enum Op {
  Get,
  Set,
  Incrby,
}

interface BitfieldOp {
  op: Op;
  offset: number;
  value: bigint;
  bits: number;
  signed: boolean;
  overflow: Overflow;
}

/** Redis's getBitfieldTypeFromArgument: i1..i64 or u1..u63. */
function bitfieldType(ctx: ExecContext, text: string): { signed: boolean; bits: number } | null {
  const c = text.charCodeAt(0);
  if (c !== 105 && c !== 117) {
    ctx.reply.error(ERR_BITFIELD_TYPE);
    return null;
  }
  const signed = c === 105;
  // C reads the digits with strlen, so they stop at a NUL byte.
  let digits = text.slice(1);
  const nul = digits.indexOf('\0');
  if (nul >= 0) digits = digits.slice(0, nul);
  const bits = parseInt64(digits);
  if (bits === null || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) {
    ctx.reply.error(ERR_BITFIELD_TYPE);
    return null;
  }
  return { signed, bits: Number(bits) };
}

function bitfield(ctx: ExecContext, argv: string[], readOnlyCommand: boolean): void {
  const ops: BitfieldOp[] = [];
  let overflow = Overflow.Wrap;
  let readOnly = true;
  let highestWrite = 0;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j]!;
    let op: Op;
    if (optIs(sub, 'get') && remaining >= 2) op = Op.Get;
    else if (optIs(sub, 'set') && remaining >= 3) op = Op.Set;
    else if (optIs(sub, 'incrby') && remaining >= 3) op = Op.Incrby;
    else if (optIs(sub, 'overflow') && remaining >= 1) {
      const kind = argv[++j]!;
      if (optIs(kind, 'wrap')) overflow = Overflow.Wrap;
      else if (optIs(kind, 'sat')) overflow = Overflow.Sat;
      else if (optIs(kind, 'fail')) overflow = Overflow.Fail;
      else {
        ctx.reply.error('ERR Invalid OVERFLOW type specified');
        return;
      }
      continue;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
    const type = bitfieldType(ctx, argv[j + 1]!);
    if (type === null) return;
    const offset = bitOffset(ctx, argv[j + 2]!, true, type.bits);
    if (offset === null) return;
    let value = 0n;
    if (op !== Op.Get) {
      readOnly = false;
      if (highestWrite < offset + type.bits - 1) highestWrite = offset + type.bits - 1;
      const v = parseInt64(argv[j + 3]!);
      if (v === null) {
        ctx.reply.error(ERR_NOT_INTEGER);
        return;
      }
      value = BigInt(v);
    }
    ops.push({ op, offset, value, bits: type.bits, signed: type.signed, overflow });
    j += op === Op.Get ? 2 : 3;
  }

  const key = argv[1]!;
  let source: StringValue | undefined;
  let target: MutableString | null = null;
  if (readOnly) {
    const v = ctx.lookupRead(key);
    if (v !== undefined && !isStringValue(v)) {
      ctx.reply.error(ERR_WRONGTYPE);
      return;
    }
    source = v;
  } else {
    if (readOnlyCommand) {
      ctx.reply.error('ERR BITFIELD_RO only supports the GET subcommand');
      return;
    }
    const t = stringForBitWrite(ctx, key, highestWrite);
    if (t === null) return;
    target = t.m;
  }

  const reply = ctx.reply;
  reply.array(ops.length);
  let changes = 0;
  for (const o of ops) {
    if (o.op === Op.Get) {
      let raw: bigint;
      if (target !== null) raw = getUnsignedBitfield(target.bytes, target.length, o.offset, o.bits);
      else if (source === undefined) raw = 0n;
      else {
        const firstByte = Math.floor(o.offset / 8);
        const bytes = bytesOf(source, Math.min(firstByte, source.length), Math.min(firstByte + 9, source.length));
        raw = getUnsignedBitfield(bytes, bytes.length, o.offset - firstByte * 8, o.bits);
      }
      reply.integer(o.signed ? BigInt.asIntN(o.bits, raw) : raw);
      continue;
    }
    const m = target!;
    const oldRaw = getUnsignedBitfield(m.bytes, m.length, o.offset, o.bits);
    let newValue: bigint;
    let ret: bigint;
    let overflowed: boolean;
    if (o.signed) {
      const old = BigInt.asIntN(o.bits, oldRaw);
      if (o.op === Op.Incrby) {
        const r = signedOverflow(old, o.value, o.bits, o.overflow);
        overflowed = r.overflow;
        newValue = overflowed ? r.limit : old + o.value;
        ret = newValue;
      } else {
        const r = signedOverflow(o.value, 0n, o.bits, o.overflow);
        overflowed = r.overflow;
        newValue = overflowed ? r.limit : o.value;
        ret = old;
      }
    } else {
      const old = oldRaw;
      if (o.op === Op.Incrby) {
        const r = unsignedOverflow(old, o.value, o.bits, o.overflow);
        overflowed = r.overflow;
        newValue = overflowed ? r.limit : BigInt.asUintN(64, old + o.value);
        ret = newValue;
      } else {
        const asUnsigned = BigInt.asUintN(64, o.value);
        const r = unsignedOverflow(asUnsigned, 0n, o.bits, o.overflow);
        overflowed = r.overflow;
        newValue = overflowed ? r.limit : asUnsigned;
        ret = old;
      }
    }
    if (overflowed && o.overflow === Overflow.Fail) {
      reply.nullBulk();
    } else {
      // Redis replies the value as a C long long.
      reply.integer(BigInt.asIntN(64, ret));
      setUnsignedBitfield(m.bytes, o.offset, o.bits, BigInt.asUintN(o.bits, newValue));
    }
    changes++;
  }
  if (changes > 0) {
    ctx.modified(key);
    ctx.notify('$', 'setbit', key);
    ctx.dirty(changes);
  }
}

export const bitmapCommands: CommandDef[] = [
  {
    name: 'setbit',
    group: 'bitmap',
    summary: 'Sets or clears the bit at offset of the string value. Creates the key if it doesn\'t exist.',
    since: '2.2.0',
    handler: setbit,
  },
  {
    name: 'getbit',
    group: 'bitmap',
    summary: 'Returns a bit value by offset.',
    since: '2.2.0',
    handler: getbit,
  },
  {
    name: 'bitcount',
    group: 'bitmap',
    summary: 'Counts the number of set bits (population counting) in a string.',
    since: '2.6.0',
    handler: bitcount,
  },
  {
    name: 'bitpos',
    group: 'bitmap',
    summary: 'Finds the first set (1) or clear (0) bit in a string.',
    since: '2.8.7',
    handler: bitpos,
  },
  {
    name: 'bitop',
    group: 'bitmap',
    summary: 'Performs bitwise operations on multiple strings, and stores the result.',
    since: '2.6.0',
    handler: bitop,
  },
  {
    name: 'bitfield',
    group: 'bitmap',
    summary: 'Performs arbitrary bitfield integer operations on strings.',
    since: '3.2.0',
    handler(ctx, argv) {
      bitfield(ctx, argv, false);
    },
  },
  {
    name: 'bitfield_ro',
    group: 'bitmap',
    summary: 'Performs arbitrary read-only bitfield integer operations on strings.',
    since: '6.0.0',
    handler(ctx, argv) {
      bitfield(ctx, argv, true);
    },
  },
];
