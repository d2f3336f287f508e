// The strings family: GET SET SETNX SETEX PSETEX MGET MSET MSETNX GETSET GETDEL GETEX APPEND
// STRLEN INCR DECR INCRBY DECRBY INCRBYFLOAT GETRANGE SUBSTR SETRANGE LCS — as Redis 7.0's
// t_string.c does them, down to the order of checks (which decides which error a malformed
// command gets) and where keyspace events, signalModifiedKey and server.dirty happen.
//
// GET and SET without options are the benchmarked hot path: no option parsing, no allocation
// beyond the value itself. Values edited in place (SETRANGE, big APPENDs) become MutableStrings
// so a small edit of a big value costs O(change), not O(length). INCRBYFLOAT's long double
// arithmetic lives in types/long-double.ts.

import type { CommandDef, ExecContext } from './types.js';
import { MutableString, type StringValue, type Value } from '../types/value.js';
import { INT64_MAX, INT64_MIN, addInt64, int64Text, parseInt64, type Int64 } from '../protocol/numbers.js';
import {
  ERR_INVALID_EXPIRE,
  ERR_NOT_FLOAT,
  ERR_NOT_INTEGER,
  ERR_OVERFLOW,
  ERR_STRING_TOO_LONG,
  ERR_SYNTAX,
  ERR_WRONGTYPE,
} from '../protocol/errors.js';
import { incrByFloat } from '../types/long-double.js';

/** Below this size APPEND/SETRANGE keep a plain string; above it they switch to MutableString. */
const MUTABLE_BYTES_MIN = 4096;
/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_SIZE_LIMIT = 44;

// Option flags of SET / GETEX (Redis's OBJ_SET_* / OBJ_* flags).
const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

function isStringValue(v: Value): v is StringValue {
  return typeof v === 'string' || v instanceof MutableString;
}

/** Replies a string value without copying a MutableString. */
function replyValue(ctx: ExecContext, v: StringValue): void {
  if (typeof v === 'string') ctx.reply.bulk(v);
  else ctx.reply.bulk(v.view());
}

/**
 * Lookup in a write command that also counts hits/misses (Redis's lookupKeyRead on a master,
 * which removes an expired key before the command sees it).
 */
function readForWrite(ctx: ExecContext, key: string): Value | undefined {
  const v = ctx.lookupWrite(key);
  if (v === undefined) {
    ctx.server.stats.keyspaceMisses++;
    ctx.notify('m', 'keymiss', key);
  } else ctx.server.stats.keyspaceHits++;
  return v;
}

/** Redis's setKey: stores the value (dropping the TTL unless keepTtl) and signals the change. */
function setKey(ctx: ExecContext, key: string, value: StringValue, keepTtl: boolean): void {
  const db = ctx.db;
  if (db.expiresCount > 0) ctx.lookupWrite(key); // an expired key is reclaimed first, as lookupKeyWrite does
  db.set(key, value, keepTtl);
  ctx.modified(key);
}

/** Redis's checkStringLength: only clients are held to proto-max-bulk-len (not AOF/replication). */
function stringTooLong(ctx: ExecContext, total: number): boolean {
  if (ctx.client === null) return false;
  if (total > ctx.server.config.int('proto-max-bulk-len')) {
    ctx.reply.error(ERR_STRING_TOO_LONG);
    return true;
  }
  return false;
}

/** Redis's getGenericCommand: replies the value (or nil); false after a WRONGTYPE error. */
function getGeneric(ctx: ExecContext, v: Value | undefined): boolean {
  if (v === undefined) {
    ctx.reply.nullBulk();
    return true;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR_WRONGTYPE);
    return false;
  }
  replyValue(ctx, v);
  return true;
}

function optIs(opt: string, lower: string): boolean {
  return opt.length === lower.length && opt.toLowerCase() === lower;
}

interface ExtendedArgs {
  flags: number;
  expire: string | undefined;
}

/**
 * Redis's parseExtendedStringArgumentsOrReply for SET (isSet) and GETEX: which options may be
 * combined, and "syntax error" for anything else. Repeating an expiry option is allowed (the
 * last one wins), as in Redis.
 */
function parseExtended(ctx: ExecContext, argv: string[], isSet: boolean): ExtendedArgs | null {
  let flags = 0;
  let expire: string | undefined;
  for (let j = 3 - (isSet ? 0 : 1); j < argv.length; j++) {
    const opt = argv[j]!;
    const hasNext = j < argv.length - 1;
    if (isSet && optIs(opt, 'nx') && !(flags & XX)) flags |= NX;
    else if (isSet && optIs(opt, 'xx') && !(flags & NX)) flags |= XX;
    else if (isSet && optIs(opt, 'get')) flags |= GET;
    else if (isSet && optIs(opt, 'keepttl') && !(flags & (PERSIST | ANY_EXPIRE))) flags |= KEEPTTL;
    else if (!isSet && optIs(opt, 'persist') && !(flags & (ANY_EXPIRE | KEEPTTL))) flags |= PERSIST;
    else if (optIs(opt, 'ex') && !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) && hasNext) {
      flags |= EX;
      expire = argv[++j];
    } else if (optIs(opt, 'px') && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) && hasNext) {
      flags |= PX;
      expire = argv[++j];
    } else if (optIs(opt, 'exat') && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) && hasNext) {
      flags |= EXAT;
      expire = argv[++j];
    } else if (optIs(opt, 'pxat') && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) && hasNext) {
      flags |= PXAT;
      expire = argv[++j];
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return null;
    }
  }
  return { flags, expire };
}

/** Up to here an expiry argument times 1000 plus `now` is still an exact JS number. */
const EXPIRE_ARG_FAST_MAX = 9e12;
const INT64_MAX_DIV_1000 = INT64_MAX / 1000n;

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expiry time in ms, or null after an error
 * reply. Relative times (EX/PX) are made absolute with ctx.now; a sum past 2^63-1 wraps
 * negative in C and is refused, so it is refused here too.
 */
function expireMs(ctx: ExecContext, cmd: string, text: string, seconds: boolean, relative: boolean): number | bigint | null {
  const v = parseInt64(text);
  if (v === null) {
    ctx.reply.error(ERR_NOT_INTEGER);
    return null;
  }
  if (v <= 0) {
    ctx.reply.error(ERR_INVALID_EXPIRE(cmd));
    return null;
  }
  if (typeof v === 'number' && v <= EXPIRE_ARG_FAST_MAX) {
    let ms = seconds ? v * 1000 : v;
    if (relative) ms += ctx.now;
    return ms;
  }
  let b = BigInt(v);
  if (seconds && b > INT64_MAX_DIV_1000) {
    ctx.reply.error(ERR_INVALID_EXPIRE(cmd));
    return null;
  }
  if (seconds) b *= 1000n;
  if (relative) b += BigInt(ctx.now);
  if (b > INT64_MAX) {
    ctx.reply.error(ERR_INVALID_EXPIRE(cmd));
    return null;
  }
  // Beyond 2^53 the Db keeps the exact bigint so TTL/PTTL stay exact.
  return b > 9007199254740991n ? b : Number(b);
}

/**
 * Records the OBJECT ENCODING Redis would report where the bytes alone mislead (APPEND and
 * SETRANGE results are "raw", INCRBYFLOAT results "embstr" even when they look like integers).
 */
function markEncoding(ctx: ExecContext, key: string, encoding: 'raw' | 'embstr'): void {
  // Optional so this family does not depend on the Db revision that added the marks.
  const db = ctx.db as unknown as { setStringEncoding?: (key: string, encoding: 'raw' | 'embstr') => void };
  db.setStringEncoding?.(key, encoding);
}

/** A write-path lookup without the expired-key callback when no key in the db has a TTL. */
function lookupForWrite(ctx: ExecContext, key: string): Value | undefined {
  const db = ctx.db;
  return db.expiresCount > 0 ? ctx.lookupWrite(key) : db.getForWrite(key, ctx.now);
}

const enum SetReply {
  /** +OK / nil (SET, SETEX, PSETEX). */
  Ok,
  /** :1 / :0 (SETNX). */
  Integer,
}

/** Redis's setGenericCommand. */
function setGeneric(
  ctx: ExecContext,
  cmd: string,
  flags: number,
  key: string,
  value: string,
  expire: string | undefined,
  seconds: boolean,
  mode: SetReply,
): void {
  let ms: number | bigint = 0;
  if (expire !== undefined) {
    const at = expireMs(ctx, cmd, expire, seconds, (flags & (EX | PX)) !== 0);
    if (at === null) return;
    ms = at;
  }
  if (flags & GET) {
    if (!getGeneric(ctx, readForWrite(ctx, key))) return;
  }
  const found = ctx.lookupWrite(key) !== undefined;
  if (((flags & NX) && found) || ((flags & XX) && !found)) {
    if (!(flags & GET)) {
      if (mode === SetReply.Integer) ctx.reply.integer(0);
      else ctx.reply.nullBulk();
    }
    return;
  }
  ctx.db.set(key, value, (flags & KEEPTTL) !== 0);
  ctx.modified(key);
  ctx.dirty();
  ctx.notify('$', 'set', key);
  if (expire !== undefined) {
    ctx.db.setExpire(key, ms);
    ctx.notify('g', 'expire', key);
  }
  if (!(flags & GET)) {
    if (mode === SetReply.Integer) ctx.reply.integer(1);
    else ctx.reply.ok();
  }
}

/** The int64 a string value holds, or null (Redis's getLongLongFromObject). */
function valueInt64(v: StringValue): Int64 | null {
  return parseInt64(typeof v === 'string' ? v : v.toString());
}

/** Redis's incrDecrCommand. */
function incrDecr(ctx: ExecContext, key: string, incr: Int64): void {
  const v = lookupForWrite(ctx, key);
  let current: Int64 = 0;
  if (v !== undefined) {
    if (!isStringValue(v)) {
      ctx.reply.error(ERR_WRONGTYPE);
      return;
    }
    const parsed = valueInt64(v);
    if (parsed === null) {
      ctx.reply.error(ERR_NOT_INTEGER);
      return;
    }
    current = parsed;
  }
  const next = addInt64(current, incr);
  if (next === null) {
    ctx.reply.error(ERR_OVERFLOW);
    return;
  }
  ctx.db.replace(key, int64Text(next));
  ctx.modified(key);
  ctx.notify('$', 'incrby', key);
  ctx.dirty();
  ctx.reply.integer(next);
}

/** Converts a value to a MutableString stored under the key (once), for in-place edits. */
function mutableOf(ctx: ExecContext, key: string, v: StringValue, extra: number): MutableString {
  if (v instanceof MutableString) return v;
  const m = MutableString.from(v, extra);
  ctx.db.replace(key, m);
  return m;
}

function lcs(ctx: ExecContext, argv: string[]): void {
  const va = ctx.lookupRead(argv[1]!);
  const vb = ctx.lookupRead(argv[2]!);
  if ((va !== undefined && !isStringValue(va)) || (vb !== undefined && !isStringValue(vb))) {
    ctx.reply.error('ERR The specified keys must contain string values');
    return;
  }
  const a = va === undefined ? '' : typeof va === 'string' ? va : va.toString();
  const b = vb === undefined ? '' : typeof vb === 'string' ? vb : vb.toString();
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen: Int64 = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const moreArgs = argv.length - 1 - j;
    if (optIs(opt, 'idx')) getIdx = true;
    else if (optIs(opt, 'len')) getLen = true;
    else if (optIs(opt, 'withmatchlen')) withMatchLen = true;
    else if (optIs(opt, 'minmatchlen') && moreArgs > 0) {
      const v = parseInt64(argv[j + 1]!);
      if (v === null) {
        ctx.reply.error(ERR_NOT_INTEGER);
        return;
      }
      minMatchLen = v < 0 ? 0 : v;
      j++;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }
  if (getIdx && getLen) {
    ctx.reply.error('ERR If you want both the length and indexes, please just use IDX.');
    return;
  }
  const alen = a.length;
  const blen = b.length;
  if (alen >= 0xfffffffe || blen >= 0xfffffffe) {
    ctx.reply.error('ERR String too long for LCS');
    return;
  }
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > ctx.server.config.int('proto-max-bulk-len')) {
    ctx.reply.error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
    return;
  }
  const w = blen + 1;
  const table = new Uint32Array(cells);
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) table[i * w + j] = table[(i - 1) * w + j - 1]! + 1;
      else {
        const l1 = table[(i - 1) * w + j]!;
        const l2 = table[i * w + j - 1]!;
        table[i * w + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const total = table[alen * w + blen]!;
  const computeLcs = getIdx || !getLen;
  const result: number[] = [];
  const ranges: number[][] = [];
  let idx = total;
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  // Transcribed from Redis's lcsCommand walk-back so the ranges come out in its order.
  while (computeLcs && i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      result[idx - 1] = a.charCodeAt(i - 1);
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const l1 = table[(i - 1) * w + j]!;
      const l2 = table[i * w + j - 1]!;
      if (l1 > l2) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    const matchLen = aEnd - aStart + 1;
    if (emit) {
      if (minMatchLen === 0 || matchLen >= minMatchLen) {
        if (getIdx) ranges.push([aStart, aEnd, bStart, bEnd, matchLen]);
      }
      aStart = alen;
    }
  }
  const reply = ctx.reply;
  if (getIdx) {
    reply.map(2);
    reply.bulk('matches');
    reply.array(ranges.length);
    for (const r of ranges) {
      reply.array(withMatchLen ? 3 : 2);
      reply.array(2);
      reply.integer(r[0]!);
      reply.integer(r[1]!);
      reply.array(2);
      reply.integer(r[2]!);
      reply.integer(r[3]!);
      if (withMatchLen) reply.integer(r[4]!);
    }
    reply.bulk('len');
    reply.integer(total);
  } else if (getLen) {
    reply.integer(total);
  } else {
    reply.bulk(bytesToLatin1(result));
  }
}

function bytesToLatin1(codes: number[]): string {
  return Buffer.from(codes).latin1Slice(0, codes.length);
}

function getrange(ctx: ExecContext, argv: string[]): void {
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
  const v = ctx.lookupRead(argv[1]!);
  if (v === undefined) {
    ctx.reply.bulk('');
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR_WRONGTYPE);
    return;
  }
  const len = v.length;
  if (start0 < 0 && end0 < 0 && start0 > end0) {
    ctx.reply.bulk('');
    return;
  }
  // Beyond 2^53 only the sign matters against a real length, so doubles are exact enough.
  let start = Number(start0);
  let end = Number(end0);
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) {
    ctx.reply.bulk('');
    return;
  }
  if (typeof v === 'string') ctx.reply.bulk(v.slice(start, end + 1));
  else ctx.reply.bulk(v.bytes.subarray(start, end + 1));
}

export const stringCommands: CommandDef[] = [
  {
    name: 'get',
    group: 'string',
    summary: 'Returns the string value of a key.',
    since: '1.0.0',
    handler(ctx, argv) {
      const v = ctx.lookupRead(argv[1]!);
      if (v === undefined) ctx.reply.nullBulk();
      else if (typeof v === 'string') ctx.reply.bulk(v);
      else if (v instanceof MutableString) ctx.reply.bulk(v.view());
      else ctx.reply.error(ERR_WRONGTYPE);
    },
  },
  {
    name: 'set',
    group: 'string',
    summary: 'Sets the string value of a key, ignoring its type. The key is created if it doesn\'t exist.',
    since: '1.0.0',
    handler(ctx, argv) {
      const key = argv[1]!;
      if (argv.length === 3) {
        const db = ctx.db;
        if (db.expiresCount > 0) ctx.lookupWrite(key);
        db.set(key, argv[2]!);
        ctx.modified(key);
        ctx.dirty();
        ctx.notify('$', 'set', key);
        ctx.reply.ok();
        return;
      }
      const args = parseExtended(ctx, argv, true);
      if (args === null) return;
      const unitSeconds = (args.flags & (EX | EXAT)) !== 0;
      setGeneric(ctx, 'set', args.flags, key, argv[2]!, args.expire, unitSeconds, SetReply.Ok);
    },
  },
  {
    name: 'setnx',
    group: 'string',
    summary: 'Set the string value of a key only when the key doesn\'t exist.',
    since: '1.0.0',
    handler(ctx, argv) {
      setGeneric(ctx, 'setnx', NX, argv[1]!, argv[2]!, undefined, false, SetReply.Integer);
    },
  },
  {
    name: 'setex',
    group: 'string',
    summary: 'Sets the string value and expiration time of a key. Creates the key if it doesn\'t exist.',
    since: '2.0.0',
    handler(ctx, argv) {
      setGeneric(ctx, 'setex', EX, argv[1]!, argv[3]!, argv[2]!, true, SetReply.Ok);
    },
  },
  {
    name: 'psetex',
    group: 'string',
    summary: 'Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn\'t exist.',
    since: '2.6.0',
    handler(ctx, argv) {
      setGeneric(ctx, 'psetex', PX, argv[1]!, argv[3]!, argv[2]!, false, SetReply.Ok);
    },
  },
  {
    name: 'mget',
    group: 'string',
    summary: 'Atomically returns the string values of one or more keys.',
    since: '1.0.0',
    handler(ctx, argv) {
      const n = argv.length - 1;
      const reply = ctx.reply;
      reply.array(n);
      for (let i = 1; i <= n; i++) {
        const v = ctx.lookupRead(argv[i]!);
        if (v === undefined) reply.nullBulk();
        else if (typeof v === 'string') reply.bulk(v);
        else if (v instanceof MutableString) reply.bulk(v.view());
        else reply.nullBulk();
      }
    },
  },
  {
    name: 'mset',
    group: 'string',
    summary: 'Atomically creates or modifies the string values of one or more keys.',
    since: '1.0.1',
    handler(ctx, argv) {
      if (argv.length % 2 === 0) {
        ctx.reply.error(`ERR wrong number of arguments for 'mset' command`);
        return;
      }
      for (let j = 1; j < argv.length; j += 2) {
        const key = argv[j]!;
        setKey(ctx, key, argv[j + 1]!, false);
        ctx.notify('$', 'set', key);
      }
      ctx.dirty((argv.length - 1) / 2);
      ctx.reply.ok();
    },
  },
  {
    name: 'msetnx',
    group: 'string',
    summary: 'Atomically modifies the string values of one or more keys only when all keys don\'t exist.',
    since: '1.0.1',
    handler(ctx, argv) {
      if (argv.length % 2 === 0) {
        ctx.reply.error(`ERR wrong number of arguments for 'msetnx' command`);
        return;
      }
      for (let j = 1; j < argv.length; j += 2) {
        if (ctx.lookupWrite(argv[j]!) !== undefined) {
          ctx.reply.integer(0);
          return;
        }
      }
      for (let j = 1; j < argv.length; j += 2) {
        const key = argv[j]!;
        setKey(ctx, key, argv[j + 1]!, false);
        ctx.notify('$', 'set', key);
      }
      ctx.dirty((argv.length - 1) / 2);
      ctx.reply.integer(1);
    },
  },
  {
    name: 'getset',
    group: 'string',
    summary: 'Returns the previous string value of a key after setting it to a new value.',
    since: '1.0.0',
    handler(ctx, argv) {
      const key = argv[1]!;
      if (!getGeneric(ctx, readForWrite(ctx, key))) return;
      setKey(ctx, key, argv[2]!, false);
      ctx.notify('$', 'set', key);
      ctx.dirty();
    },
  },
  {
    name: 'getdel',
    group: 'string',
    summary: 'Returns the string value of a key after deleting the key.',
    since: '6.2.0',
    handler(ctx, argv) {
      const key = argv[1]!;
      const v = readForWrite(ctx, key);
      if (!getGeneric(ctx, v)) return;
      if (v !== undefined && ctx.db.delete(key)) {
        ctx.modified(key);
        ctx.notify('g', 'del', key);
        ctx.dirty();
      }
    },
  },
  {
    name: 'getex',
    group: 'string',
    summary: 'Returns the string value of a key after setting its expiration time.',
    since: '6.2.0',
    handler(ctx, argv) {
      const args = parseExtended(ctx, argv, false);
      if (args === null) return;
      const key = argv[1]!;
      const v = readForWrite(ctx, key);
      if (v === undefined) {
        ctx.reply.nullBulk();
        return;
      }
      if (!isStringValue(v)) {
        ctx.reply.error(ERR_WRONGTYPE);
        return;
      }
      const flags = args.flags;
      let ms: number | bigint = 0;
      if (args.expire !== undefined) {
        const at = expireMs(ctx, 'getex', args.expire, (flags & (EX | EXAT)) !== 0, (flags & (EX | PX)) !== 0);
        if (at === null) return;
        ms = at;
      }
      replyValue(ctx, v);
      if ((flags & (PXAT | EXAT)) && ms <= ctx.now) {
        ctx.db.delete(key);
        ctx.modified(key);
        ctx.notify('g', 'del', key);
        ctx.dirty();
      } else if (args.expire !== undefined) {
        ctx.db.setExpire(key, ms);
        ctx.modified(key);
        ctx.notify('g', 'expire', key);
        ctx.dirty();
      } else if (flags & PERSIST) {
        if (ctx.db.persist(key)) {
          ctx.modified(key);
          ctx.notify('g', 'persist', key);
          ctx.dirty();
        }
      }
    },
  },
  {
    name: 'append',
    group: 'string',
    summary: 'Appends a string to the value of a key. Creates the key if it doesn\'t exist.',
    since: '2.0.0',
    handler(ctx, argv) {
      const key = argv[1]!;
      const add = argv[2]!;
      const v = ctx.lookupWrite(key);
      let total: number;
      if (v === undefined) {
        ctx.db.replace(key, add);
        total = add.length;
      } else {
        if (!isStringValue(v)) {
          ctx.reply.error(ERR_WRONGTYPE);
          return;
        }
        total = v.length + add.length;
        if (stringTooLong(ctx, total)) return;
        if (typeof v === 'string' && total < MUTABLE_BYTES_MIN) {
          ctx.db.replace(key, v + add);
          markEncoding(ctx, key, 'raw');
        } else {
          const m = mutableOf(ctx, key, v, add.length);
          const at = m.length;
          m.ensureLength(total);
          m.bytes.latin1Write(add, at);
        }
      }
      ctx.modified(key);
      ctx.notify('$', 'append', key);
      ctx.dirty();
      ctx.reply.integer(total);
    },
  },
  {
    name: 'strlen',
    group: 'string',
    summary: 'Returns the length of a string value.',
    since: '2.2.0',
    handler(ctx, argv) {
      const v = ctx.lookupRead(argv[1]!);
      if (v === undefined) ctx.reply.integer(0);
      else if (!isStringValue(v)) ctx.reply.error(ERR_WRONGTYPE);
      else ctx.reply.integer(v.length);
    },
  },
  {
    name: 'incr',
    group: 'string',
    summary: 'Increments the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.',
    since: '1.0.0',
    handler(ctx, argv) {
      incrDecr(ctx, argv[1]!, 1);
    },
  },
  {
    name: 'decr',
    group: 'string',
    summary: 'Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.',
    since: '1.0.0',
    handler(ctx, argv) {
      incrDecr(ctx, argv[1]!, -1);
    },
  },
  {
    name: 'incrby',
    group: 'string',
    summary: 'Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.',
    since: '1.0.0',
    handler(ctx, argv) {
      const incr = parseInt64(argv[2]!);
      if (incr === null) ctx.reply.error(ERR_NOT_INTEGER);
      else incrDecr(ctx, argv[1]!, incr);
    },
  },
  {
    name: 'decrby',
    group: 'string',
    summary: 'Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn\'t exist.',
    since: '1.0.0',
    handler(ctx, argv) {
      const decr = parseInt64(argv[2]!);
      if (decr === null) ctx.reply.error(ERR_NOT_INTEGER);
      else if (decr === INT64_MIN) ctx.reply.error('ERR decrement would overflow');
      else incrDecr(ctx, argv[1]!, -decr);
    },
  },
  {
    name: 'incrbyfloat',
    group: 'string',
    summary: 'Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.',
    since: '2.6.0',
    handler(ctx, argv) {
      const key = argv[1]!;
      const v = ctx.lookupWrite(key);
      let current = '0';
      if (v !== undefined) {
        if (!isStringValue(v)) {
          ctx.reply.error(ERR_WRONGTYPE);
          return;
        }
        current = typeof v === 'string' ? v : v.toString();
      }
      const r = incrByFloat(current, argv[2]!);
      if (r === 'not-float') {
        ctx.reply.error(ERR_NOT_FLOAT);
        return;
      }
      if (r === 'nan-or-inf') {
        ctx.reply.error('ERR increment would produce NaN or Infinity');
        return;
      }
      ctx.db.replace(key, r);
      markEncoding(ctx, key, r.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw');
      ctx.modified(key);
      ctx.notify('$', 'incrbyfloat', key);
      ctx.dirty();
      ctx.reply.bulk(r);
    },
  },
  {
    name: 'getrange',
    group: 'string',
    summary: 'Returns a substring of the string stored at a key.',
    since: '2.4.0',
    handler: getrange,
  },
  {
    name: 'substr',
    group: 'string',
    summary: 'Returns a substring from a string value.',
    since: '1.0.0',
    handler: getrange,
  },
  {
    name: 'setrange',
    group: 'string',
    summary: 'Overwrites a part of a string value with another by an offset. Creates the key if it doesn\'t exist.',
    since: '2.2.0',
    handler(ctx, argv) {
      const key = argv[1]!;
      const value = argv[3]!;
      const offset0 = parseInt64(argv[2]!);
      if (offset0 === null) {
        ctx.reply.error(ERR_NOT_INTEGER);
        return;
      }
      if (offset0 < 0) {
        ctx.reply.error('ERR offset is out of range');
        return;
      }
      // A bigint offset is far beyond any allowed size; the length check below refuses it.
      const offset = typeof offset0 === 'number' ? offset0 : Number.MAX_SAFE_INTEGER;
      const v = ctx.lookupWrite(key);
      const end = offset + value.length;
      let newLength: number;
      if (v === undefined) {
        if (value.length === 0) {
          ctx.reply.integer(0);
          return;
        }
        if (stringTooLong(ctx, end)) return;
        if (end < MUTABLE_BYTES_MIN) {
          ctx.db.replace(key, '\0'.repeat(offset) + value);
          markEncoding(ctx, key, 'raw');
        } else {
          const m = new MutableString(Buffer.alloc(end), end);
          m.bytes.latin1Write(value, offset);
          ctx.db.replace(key, m);
        }
        newLength = end;
      } else {
        if (!isStringValue(v)) {
          ctx.reply.error(ERR_WRONGTYPE);
          return;
        }
        if (value.length === 0) {
          ctx.reply.integer(v.length);
          return;
        }
        if (stringTooLong(ctx, end)) return;
        newLength = Math.max(v.length, end);
        if (typeof v === 'string' && newLength < MUTABLE_BYTES_MIN) {
          const padded = v.length < offset ? v + '\0'.repeat(offset - v.length) : v.slice(0, offset);
          ctx.db.replace(key, padded + value + v.slice(end));
          markEncoding(ctx, key, 'raw');
        } else {
          const m = mutableOf(ctx, key, v, Math.max(0, end - v.length));
          m.ensureLength(newLength);
          m.bytes.latin1Write(value, offset);
        }
      }
      ctx.modified(key);
      ctx.notify('$', 'setrange', key);
      ctx.dirty();
      ctx.reply.integer(newLength);
    },
  },
  {
    name: 'lcs',
    group: 'string',
    summary: 'Finds the longest common substring.',
    since: '7.0.0',
    handler: lcs,
  },
];
