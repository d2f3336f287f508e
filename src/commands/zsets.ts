// The sorted-set family: ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT
// ZRANGE ZRANGESTORE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX
// ZREMRANGEBYRANK/SCORE/LEX ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZUNION ZINTER ZDIFF ZUNIONSTORE
// ZINTERSTORE ZDIFFSTORE ZINTERCARD ZSCAN and the blocking BZPOPMIN BZPOPMAX BZMPOP — as Redis
// 7.0's t_zset.c does them, down to the order of checks (which error a malformed command gets),
// reply shapes in RESP2 and RESP3, and where events, signalModifiedKey and server.dirty happen.
// ZRANK/ZREVRANK also take 7.2's WITHSCORE.
//
// The structure (Map + skiplist with spans) is types/zset.ts; this module only parses, looks up
// and replies. Score ranges are parsed with C strtod semantics (zslParseRange), scores with
// Redis's stricter getDouble (parseDouble).

import type { CommandDef, ExecContext } from './types.js';
import type { Reply } from '../protocol/reply.js';
import type { Value } from '../types/value.js';
import { RedisSet } from '../types/set.js';
import { ZSet, lexGteMin, lexLteMax, scoreGteMin, scoreLteMax, type LexBound, type LexRange, type ScoreRange } from '../types/zset.js';
import { formatDouble, parseDouble, parseInt64 } from '../protocol/numbers.js';
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';
import { timeoutSecondsOrReply } from '../blocking/timeout.js';
import { globMatch } from '../util/glob.js';
import { optionWord, startCollectionScan } from './scan-args.js';
import { removeMembersAndReply } from './remove-members.js';

const ERR_NAN = 'ERR resulting score is not a number (NaN)';
const ERR_MINMAX_FLOAT = 'ERR min or max is not a float';
const ERR_MINMAX_LEX = 'ERR min or max not valid string range item';
/**
 * Bound on the elements of a ZRANDMEMBER reply with repetitions (negative count). Redis 7.0
 * would try to stream any count and take the server down with it; keyraft renders a reply in
 * memory, so a count past this is refused with Redis's range error instead (as HRANDFIELD does).
 */
const REPEAT_REPLY_ELEMENTS_MAX = 2 ** 27;
const LONG_MAX = 9223372036854775807n;

// ----- helpers -------------------------------------------------------------------------------

/**
 * A score as "%.17g" text. Integral scores below 1e17 print the same with String(), which is ~50x
 * cheaper than the general formatter (this is most of ZPOPMIN's and ZRANGE WITHSCORES's cost when
 * scores are integers, as in redis-benchmark).
 */
function scoreText(v: number): string {
  if (Number.isInteger(v) && v > -1e17 && v < 1e17 && !Object.is(v, -0)) return String(v);
  return formatDouble(v);
}

/** Replies a score: a bulk string in RESP2, a double in RESP3 (reply.double). */
function replyScore(reply: Reply, v: number): void {
  if (reply.resp === 2) reply.bulk(scoreText(v));
  else reply.double(v);
}

/** Redis's getLongFromObjectOrReply as a number (clamped to ±2^53 beyond; only compared). */
function parseLong(ctx: ExecContext, arg: string, msg = ERR_NOT_INTEGER): number | null {
  const v = parseInt64(arg);
  if (v === null) {
    ctx.reply.error(msg);
    return null;
  }
  return typeof v === 'bigint' ? (v > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER) : v;
}

/** A value read from a zset key: the set, undefined when absent, or null after WRONGTYPE. */
function asZset(ctx: ExecContext, v: Value | undefined): ZSet | undefined | null {
  if (v === undefined) return undefined;
  if (v instanceof ZSet) return v;
  ctx.reply.error(ERR_WRONGTYPE);
  return null;
}

function readZset(ctx: ExecContext, key: string): ZSet | undefined | null {
  return asZset(ctx, ctx.lookupRead(key));
}

function writeZset(ctx: ExecContext, key: string): ZSet | undefined | null {
  return asZset(ctx, ctx.lookupWrite(key));
}

const SPACE = /^[ \t\n\v\f\r]*/;
const STRTOD_DEC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const STRTOD_HEX = /^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?/;
const STRTOD_INF = /^[+-]?(?:infinity|inf)/i;
const STRTOD_NAN = /^[+-]?nan(?:\([0-9A-Za-z_]*\))?/i;

/**
 * C's strtod over a whole C string (zslParseRange): leading white space allowed, overflow gives
 * ±inf, nothing parsed leaves the pointer at the start. Returns null when something follows the
 * number or the result is NaN.
 */
function strtodWhole(arg: string): number | null {
  const nul = arg.indexOf('\0');
  const s0 = nul < 0 ? arg : arg.slice(0, nul);
  const ws = SPACE.exec(s0)![0].length;
  const s = s0.slice(ws);
  if (s.length === 0) return ws === 0 ? 0 : null; // no conversion: end pointer is the start
  let m: RegExpExecArray | null;
  if ((m = STRTOD_HEX.exec(s)) !== null && m[0].length === s.length) {
    const v = parseDouble(s);
    if (v !== null) return v;
    return s.charCodeAt(0) === 45 ? -Infinity : Infinity;
  }
  if ((m = STRTOD_DEC.exec(s)) !== null) {
    if (m[0].length !== s.length) {
      // strtod stops at "0x" only when no hex digit follows; anything else left over is garbage.
      return null;
    }
    return Number(s);
  }
  if ((m = STRTOD_INF.exec(s)) !== null && m[0].length === s.length) return s.charCodeAt(0) === 45 ? -Infinity : Infinity;
  if (STRTOD_NAN.test(s)) return null;
  return null;
}

/** zslParseRange: "(" for exclusive, else inclusive; null on a bad bound. */
function parseScoreRange(minArg: string, maxArg: string): ScoreRange | null {
  const r: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
  if (minArg.charCodeAt(0) === 40) {
    const v = strtodWhole(minArg.slice(1));
    if (v === null) return null;
    r.min = v;
    r.minex = true;
  } else {
    const v = strtodWhole(minArg);
    if (v === null) return null;
    r.min = v;
  }
  if (maxArg.charCodeAt(0) === 40) {
    const v = strtodWhole(maxArg.slice(1));
    if (v === null) return null;
    r.max = v;
    r.maxex = true;
  } else {
    const v = strtodWhole(maxArg);
    if (v === null) return null;
    r.max = v;
  }
  return r;
}

function parseLexBound(arg: string): LexBound | null {
  const c = arg.charCodeAt(0);
  if (c === 43) return arg.length === 1 ? { kind: 'max' } : null; // '+'
  if (c === 45) return arg.length === 1 ? { kind: 'min' } : null; // '-'
  if (c === 40) return { kind: 'value', value: arg.slice(1), exclusive: true }; // '('
  if (c === 91) return { kind: 'value', value: arg.slice(1), exclusive: false }; // '['
  return null;
}

function parseLexRange(minArg: string, maxArg: string): LexRange | null {
  const min = parseLexBound(minArg);
  if (min === null) return null;
  const max = parseLexBound(maxArg);
  if (max === null) return null;
  return { min, max };
}

/** After a change: signal, notify, and remove the key if the set became empty. Returns whether removed. */
function removeIfEmpty(ctx: ExecContext, key: string, z: ZSet): boolean {
  if (z.size > 0) return false;
  ctx.db.delete(key);
  return true;
}

/** Stores a *STORE result (Redis's setKey + events) or deletes the destination when empty. */
function storeResult(ctx: ExecContext, dst: string, z: ZSet, maxLen: number, event: string): void {
  if (z.size > 0) {
    z.fitEncoding(maxLen);
    ctx.db.set(dst, z);
    ctx.modified(dst);
    ctx.reply.integer(z.size);
    ctx.notify('z', event, dst);
    ctx.dirty();
  } else {
    ctx.reply.integer(0);
    if (ctx.db.delete(dst)) {
      ctx.modified(dst);
      ctx.notify('g', 'del', dst);
      ctx.dirty();
    }
  }
}

// ----- ZADD / ZINCRBY ------------------------------------------------------------------------

const IN_INCR = 1;
const IN_NX = 2;
const IN_XX = 4;
const IN_GT = 8;
const IN_LT = 16;
const IN_CH = 32;

function zaddGeneric(ctx: ExecContext, argv: string[], flags: number): void {
  const key = argv[1]!;
  let scoreIdx = 2;
  // Fast path for the plain "ZADD key score member" form: no option words to look at.
  while (scoreIdx < argv.length) {
    const opt = argv[scoreIdx]!;
    // Option words are compared as C strings (a NUL ends them); "incr" is the longest.
    if (opt.length < 2 || (opt.length > 4 && opt.indexOf('\0') < 0)) break;
    const o = optionWord(opt);
    if (o === 'nx') flags |= IN_NX;
    else if (o === 'xx') flags |= IN_XX;
    else if (o === 'ch') flags |= IN_CH;
    else if (o === 'incr') flags |= IN_INCR;
    else if (o === 'gt') flags |= IN_GT;
    else if (o === 'lt') flags |= IN_LT;
    else break;
    scoreIdx++;
  }
  const incr = (flags & IN_INCR) !== 0;
  const nx = (flags & IN_NX) !== 0;
  const xx = (flags & IN_XX) !== 0;
  const gt = (flags & IN_GT) !== 0;
  const lt = (flags & IN_LT) !== 0;
  const ch = (flags & IN_CH) !== 0;
  let elements = argv.length - scoreIdx;
  if (elements % 2 !== 0 || elements === 0) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  elements /= 2;
  if (nx && xx) {
    ctx.reply.error('ERR XX and NX options at the same time are not compatible');
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    ctx.reply.error('ERR GT, LT, and/or NX options at the same time are not compatible');
    return;
  }
  if (incr && elements > 1) {
    ctx.reply.error('ERR INCR option supports a single increment-element pair');
    return;
  }
  const scores = new Array<number>(elements);
  for (let j = 0; j < elements; j++) {
    const v = parseDouble(argv[scoreIdx + j * 2]!);
    if (v === null) {
      ctx.reply.error(ERR_NOT_FLOAT);
      return;
    }
    scores[j] = v;
  }
  const found = ctx.lookupWrite(key);
  let z: ZSet;
  if (found === undefined) {
    if (xx) {
      replyZadd(ctx, incr, ch, 0, 0, 0, 0);
      return;
    }
    z = new ZSet();
    ctx.db.set(key, z);
  } else if (found instanceof ZSet) {
    z = found;
  } else {
    ctx.reply.error(ERR_WRONGTYPE);
    return;
  }
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  let nan = false;
  for (let j = 0; j < elements; j++) {
    const member = argv[scoreIdx + j * 2 + 1]!;
    let s = scores[j]!;
    const cur = z.score(member);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        s += cur;
        if (Number.isNaN(s)) {
          nan = true;
          break;
        }
      }
      if ((lt && s >= cur) || (gt && s <= cur)) continue;
      score = s;
      processed++;
      if (s !== cur) {
        z.update(member, cur, s);
        updated++;
      }
    } else if (!xx) {
      z.insert(member, s);
      added++;
      processed++;
      score = s;
    }
  }
  if (nan) ctx.reply.error(ERR_NAN);
  else replyZadd(ctx, incr, ch, added, updated, processed, score);
  if (added || updated) {
    ctx.modified(key);
    ctx.notify('z', incr ? 'zincr' : 'zadd', key);
    ctx.dirty(added + updated);
  } else if (z.size === 0) {
    // A set created for nothing (every element skipped) is not kept.
    ctx.db.delete(key);
  }
}

function replyZadd(ctx: ExecContext, incr: boolean, ch: boolean, added: number, updated: number, processed: number, score: number): void {
  if (incr) {
    if (processed) replyScore(ctx.reply, score);
    else ctx.reply.nullBulk();
  } else {
    ctx.reply.integer(ch ? added + updated : added);
  }
}

// ----- ZREM / ZREMRANGEBY* -------------------------------------------------------------------

function zremCommand(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  const z = writeZset(ctx, key);
  if (z === null) return;
  if (z === undefined) {
    ctx.reply.integer(0);
    return;
  }
  removeMembersAndReply(ctx, key, z, (m) => z.remove(m), argv, 2, 'z', 'zrem');
}

type RangeKind = 'rank' | 'score' | 'lex';

function zremrangeGeneric(ctx: ExecContext, argv: string[], kind: RangeKind): void {
  const key = argv[1]!;
  let start = 0;
  let end = 0;
  let score: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (kind === 'rank') {
    const s = parseLong(ctx, argv[2]!);
    if (s === null) return;
    const e = parseLong(ctx, argv[3]!);
    if (e === null) return;
    start = s;
    end = e;
  } else if (kind === 'score') {
    score = parseScoreRange(argv[2]!, argv[3]!);
    if (score === null) {
      ctx.reply.error(ERR_MINMAX_FLOAT);
      return;
    }
  } else {
    lex = parseLexRange(argv[2]!, argv[3]!);
    if (lex === null) {
      ctx.reply.error(ERR_MINMAX_LEX);
      return;
    }
  }
  const z = writeZset(ctx, key);
  if (z === null) return;
  if (z === undefined) {
    ctx.reply.integer(0);
    return;
  }
  let deleted: number;
  if (kind === 'rank') {
    const llen = z.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
      ctx.reply.integer(0);
      return;
    }
    if (end >= llen) end = llen - 1;
    deleted = z.deleteRangeByRank(start, end);
  } else if (kind === 'score') {
    deleted = z.deleteRangeByScore(score!);
  } else {
    deleted = z.deleteRangeByLex(lex!);
  }
  const keyRemoved = removeIfEmpty(ctx, key, z);
  if (deleted) {
    ctx.modified(key);
    ctx.notify('z', kind === 'rank' ? 'zremrangebyrank' : kind === 'score' ? 'zremrangebyscore' : 'zremrangebylex', key);
    if (keyRemoved) ctx.notify('g', 'del', key);
  }
  ctx.dirty(deleted);
  ctx.reply.integer(deleted);
}

// ----- ZCARD / ZSCORE / ZMSCORE / ZRANK / ZCOUNT / ZLEXCOUNT ----------------------------------

function zrankGeneric(ctx: ExecContext, argv: string[], reverse: boolean): void {
  let withScore = false;
  if (argv.length > 4) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  if (argv.length === 4) {
    if (optionWord(argv[3]!) !== 'withscore') {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
    withScore = true;
  }
  const z = readZset(ctx, argv[1]!);
  if (z === null) return;
  const rank = z === undefined ? -1 : z.rank(argv[2]!, reverse);
  if (rank < 0) {
    if (withScore) ctx.reply.nullArray();
    else ctx.reply.nullBulk();
    return;
  }
  if (withScore) {
    ctx.reply.array(2);
    ctx.reply.integer(rank);
    replyScore(ctx.reply, z!.score(argv[2]!)!);
  } else {
    ctx.reply.integer(rank);
  }
}

function zcountGeneric(ctx: ExecContext, argv: string[], lexMode: boolean): void {
  let score: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (lexMode) {
    lex = parseLexRange(argv[2]!, argv[3]!);
    if (lex === null) {
      ctx.reply.error(ERR_MINMAX_LEX);
      return;
    }
  } else {
    score = parseScoreRange(argv[2]!, argv[3]!);
    if (score === null) {
      ctx.reply.error(ERR_MINMAX_FLOAT);
      return;
    }
  }
  const z = readZset(ctx, argv[1]!);
  if (z === null) return;
  if (z === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (lexMode) {
    ctx.reply.integer(z.lexCount(lex!));
    return;
  }
  const first = z.firstInRange(score!);
  const last = first < 0 ? -1 : z.lastInRange(score!);
  ctx.reply.integer(first < 0 || last < 0 ? 0 : last - first + 1);
}

// ----- ZRANGE family -------------------------------------------------------------------------

/** Collected range output: members and scores, emitted in RESP2 or RESP3 shape. */
function emitRange(reply: Reply, members: string[], scores: number[] | null): void {
  const n = members.length;
  if (scores === null) {
    reply.array(n);
    for (let i = 0; i < n; i++) reply.bulk(members[i]!);
    return;
  }
  if (reply.resp === 2) {
    reply.array(n * 2);
    for (let i = 0; i < n; i++) {
      reply.bulk(members[i]!);
      replyScore(reply, scores[i]!);
    }
  } else {
    reply.array(n);
    for (let i = 0; i < n; i++) {
      reply.array(2);
      reply.bulk(members[i]!);
      replyScore(reply, scores[i]!);
    }
  }
}

/** Collects a rank range (in output order) into members/scores. */
function collectRank(z: ZSet, start: number, end: number, reverse: boolean, members: string[], scores: number[] | null): void {
  const llen = z.size;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return;
  if (end >= llen) end = llen - 1;
  let n = end - start + 1;
  z.each(reverse ? llen - 1 - start : start, reverse, (m, s) => {
    members.push(m);
    if (scores !== null) scores.push(s);
    return --n > 0;
  });
}

/**
 * Walks from rank `first` (already found in range) skipping `offset` members, then takes up to
 * `limit` (negative: all) while `inRange` holds — Redis's loops in genericZrangeby*Command.
 */
function collectFrom(z: ZSet, first: number, offset: number, limit: number, reverse: boolean, inRange: (m: string, s: number) => boolean, members: string[], scores: number[] | null): void {
  if (first < 0 || offset < 0) return; // a negative offset skips forever in Redis: nothing
  const rank = reverse ? first - offset : first + offset;
  if (rank < 0 || rank >= z.size || limit === 0) return;
  z.each(rank, reverse, (m, s) => {
    if (!inRange(m, s)) return false;
    members.push(m);
    if (scores !== null) scores.push(s);
    return --limit !== 0;
  });
}

function collectScore(z: ZSet, range: ScoreRange, offset: number, limit: number, reverse: boolean, members: string[], scores: number[] | null): void {
  if (offset > 0 && offset >= z.size) return;
  const first = reverse ? z.lastInRange(range) : z.firstInRange(range);
  collectFrom(z, first, offset, limit, reverse, reverse ? (_m, s) => scoreGteMin(s, range) : (_m, s) => scoreLteMax(s, range), members, scores);
}

function collectLex(z: ZSet, range: LexRange, offset: number, limit: number, reverse: boolean, members: string[], scores: number[] | null): void {
  if (offset > 0 && offset >= z.size) return;
  const first = reverse ? z.lastInLexRange(range) : z.firstInLexRange(range);
  collectFrom(z, first, offset, limit, reverse, reverse ? (m) => lexGteMin(m, range.min) : (m) => lexLteMax(m, range.max), members, scores);
}

type Direction = 'auto' | 'forward' | 'reverse';
type RangeType = 'auto' | RangeKind;

/** Redis's zrangeGenericCommand; `dst` set for ZRANGESTORE. */
function zrangeGeneric(ctx: ExecContext, argv: string[], argStart: number, dst: string | null, rangeType: RangeType, direction: Direction): void {
  const store = dst !== null;
  const key = argv[argStart]!;
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = optionWord(argv[j]!);
    if (!store && opt === 'withscores') {
      withScores = true;
    } else if (opt === 'limit' && left >= 2) {
      const o = parseLong(ctx, argv[j + 1]!);
      if (o === null) return;
      const l = parseLong(ctx, argv[j + 2]!);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === 'auto' && opt === 'rev') {
      direction = 'reverse';
    } else if (rangeType === 'auto' && opt === 'bylex') {
      rangeType = 'lex';
    } else if (rangeType === 'auto' && opt === 'byscore') {
      rangeType = 'score';
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }
  if (direction === 'auto') direction = 'forward';
  if (rangeType === 'auto') rangeType = 'rank';
  if (limit !== -1 && rangeType === 'rank') {
    ctx.reply.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    return;
  }
  if (withScores && rangeType === 'lex') {
    ctx.reply.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    return;
  }
  const reverse = direction === 'reverse';
  if (reverse && rangeType !== 'rank') {
    const t = maxIdx;
    maxIdx = minIdx;
    minIdx = t;
  }
  let start = 0;
  let end = 0;
  let score: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (rangeType === 'rank') {
    const s = parseLong(ctx, argv[minIdx]!);
    if (s === null) return;
    const e = parseLong(ctx, argv[maxIdx]!);
    if (e === null) return;
    start = s;
    end = e;
  } else if (rangeType === 'score') {
    score = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
    if (score === null) {
      ctx.reply.error(ERR_MINMAX_FLOAT);
      return;
    }
  } else {
    lex = parseLexRange(argv[minIdx]!, argv[maxIdx]!);
    if (lex === null) {
      ctx.reply.error(ERR_MINMAX_LEX);
      return;
    }
  }
  const z = readZset(ctx, key);
  if (z === null) return;
  const members: string[] = [];
  const scores: number[] | null = withScores || store ? [] : null;
  if (z !== undefined) {
    if (rangeType === 'rank') collectRank(z, start, end, reverse, members, scores);
    else if (rangeType === 'score') collectScore(z, score!, offset, limit, reverse, members, scores);
    else collectLex(z, lex!, offset, limit, reverse, members, scores);
  }
  if (!store) {
    emitRange(ctx.reply, members, withScores ? scores : null);
    return;
  }
  const out = ZSet.create(Infinity); // built as a skiplist, then fitted as Redis does
  let maxLen = 0;
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    out.insert(m, scores![i]!);
    if (m.length > maxLen) maxLen = m.length;
  }
  storeResult(ctx, dst, out, maxLen, 'zrangestore');
}

// ----- pops ----------------------------------------------------------------------------------

/**
 * Redis's genericZpopCommand over the first existing key; `count` -1 means "no count given".
 * Returns false when it wrote a WRONGTYPE error.
 */
function zpopGeneric(ctx: ExecContext, keys: readonly string[], max: boolean, emitKey: boolean, count: number, nested: boolean, nilWhenEmpty: boolean): void {
  const reply = ctx.reply;
  let z: ZSet | undefined;
  let key = '';
  for (const k of keys) {
    const v = writeZset(ctx, k);
    if (v === null) return;
    if (v === undefined) continue;
    z = v;
    key = k;
    break;
  }
  if (z === undefined) {
    if (nilWhenEmpty) reply.nullArray();
    else reply.array(0);
    return;
  }
  if (count === 0) {
    reply.array(0);
    return;
  }
  if (count === -1) count = 1;
  const llen = z.size;
  let rangelen = count > llen ? llen : count;
  if (!nested && !emitKey) reply.array(rangelen * 2);
  else if (nested && !emitKey) reply.array(rangelen);
  else if (!nested && emitKey) {
    reply.array(rangelen * 2 + 1);
    reply.bulk(key);
  } else {
    reply.array(2);
    reply.bulk(key);
    reply.array(rangelen);
  }
  let popped = 0;
  while (rangelen-- > 0) {
    const [member, score] = z.pop(max);
    if (nested) reply.array(2);
    reply.bulk(member);
    replyScore(reply, score);
    popped++;
  }
  ctx.notify('z', max ? 'zpopmax' : 'zpopmin', key);
  if (z.size === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  }
  ctx.modified(key);
  ctx.dirty(popped);
}

function zpopMinMax(ctx: ExecContext, argv: string[], max: boolean): void {
  if (argv.length > 3) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  let count = -1;
  if (argv.length === 3) {
    const c = parseInt64(argv[2]!);
    if (c === null || c < 0) {
      ctx.reply.error('ERR value is out of range, must be positive');
      return;
    }
    count = typeof c === 'bigint' ? Number.MAX_SAFE_INTEGER : c;
  }
  zpopGeneric(ctx, [argv[1]!], max, false, count, ctx.reply.resp > 2 && count !== -1, false);
}

/** Redis's blockingGenericZpopCommand. */
function blockingZpop(ctx: ExecContext, keys: readonly string[], max: boolean, timeoutMs: number, count: number, nested: boolean, nilWhenEmpty: boolean): void {
  for (const key of keys) {
    const z = writeZset(ctx, key);
    if (z === null) return;
    if (z !== undefined && z.size > 0) {
      zpopGeneric(ctx, [key], max, true, count, nested, nilWhenEmpty);
      return;
    }
  }
  if (!ctx.canBlock) {
    ctx.reply.nullArray();
    return;
  }
  ctx.block(keys, timeoutMs, (r) => r.nullArray());
}

function bzpopMinMax(ctx: ExecContext, argv: string[], max: boolean): void {
  const timeoutMs = timeoutSecondsOrReply(ctx, argv[argv.length - 1]!);
  if (timeoutMs === null) return;
  blockingZpop(ctx, argv.slice(1, -1), max, timeoutMs, -1, false, false);
}

/** ZMPOP / BZMPOP: `numkeysIdx` is 1 or 2. */
function zmpopGeneric(ctx: ExecContext, argv: string[], numkeysIdx: number, blocking: boolean): void {
  let timeoutMs = 0;
  if (blocking) {
    const ms = timeoutSecondsOrReply(ctx, argv[1]!);
    if (ms === null) return;
    timeoutMs = ms;
  }
  const nk = parseInt64(argv[numkeysIdx]!);
  if (nk === null || nk < 1) {
    ctx.reply.error('ERR numkeys should be greater than 0');
    return;
  }
  const numkeys = typeof nk === 'bigint' ? Number.MAX_SAFE_INTEGER : nk;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  const where = optionWord(argv[whereIdx]!);
  if (where !== 'min' && where !== 'max') {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && optionWord(argv[j]!) === 'count' && more > 0) {
      j++;
      const c = parseInt64(argv[j]!);
      if (c === null || c < 1) {
        ctx.reply.error('ERR count should be greater than 0');
        return;
      }
      count = typeof c === 'bigint' ? Number.MAX_SAFE_INTEGER : c;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysIdx + 1, whereIdx);
  if (blocking) blockingZpop(ctx, keys, where === 'max', timeoutMs, count, true, true);
  else zpopGeneric(ctx, keys, where === 'max', true, count, true, true);
}

// ----- ZRANDMEMBER ---------------------------------------------------------------------------

function zrandmemberCommand(ctx: ExecContext, argv: string[]): void {
  const reply = ctx.reply;
  if (argv.length >= 3) {
    const c = parseInt64(argv[2]!);
    if (c === null || (typeof c === 'bigint' && c < -LONG_MAX)) {
      ctx.reply.error(c === null ? ERR_NOT_INTEGER : 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
      return;
    }
    let withScores = false;
    if (argv.length > 4 || (argv.length === 4 && optionWord(argv[3]!) !== 'withscores')) {
      reply.error(ERR_SYNTAX);
      return;
    }
    if (argv.length === 4) {
      withScores = true;
      const half = LONG_MAX / 2n;
      if (BigInt(c) < -half || BigInt(c) > half) {
        reply.error('ERR value is out of range');
        return;
      }
    }
    const z = readZset(ctx, argv[1]!);
    if (z === null) return;
    if (z === undefined) {
      reply.array(0);
      return;
    }
    const count = typeof c === 'bigint' ? (c > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER) : c;
    randomWithCount(ctx, z, count, withScores);
    return;
  }
  const z = readZset(ctx, argv[1]!);
  if (z === null) return;
  if (z === undefined) {
    reply.nullBulk();
    return;
  }
  reply.bulk(z.memberAt(Math.floor(Math.random() * z.size))); // deterministic-ok: ZRANDMEMBER is a read
}

function randomWithCount(ctx: ExecContext, z: ZSet, count: number, withScores: boolean): void {
  const reply = ctx.reply;
  if (count === 0) {
    reply.array(0);
    return;
  }
  const size = z.size;
  const pairs = withScores && reply.resp > 2;
  const emit = (member: string, score: number) => {
    if (pairs) reply.array(2);
    reply.bulk(member);
    if (withScores) replyScore(reply, score);
  };
  const emitRank = (rank: number) => emit(z.memberAt(rank), z.scoreAt(rank));
  if (count < 0) {
    // Repetitions allowed: |count| independent draws (read-only, so Math.random is fine).
    const n = -count;
    if (n > REPEAT_REPLY_ELEMENTS_MAX) {
      reply.error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
      return;
    }
    reply.array(withScores && reply.resp === 2 ? n * 2 : n);
    for (let i = 0; i < n; i++) emitRank(Math.floor(Math.random() * size)); // deterministic-ok: ZRANDMEMBER is a read
    return;
  }
  if (count >= size) {
    reply.array(withScores && reply.resp === 2 ? size * 2 : size);
    z.each(0, false, emit);
    return;
  }
  // Distinct sample of `count` ranks (partial Fisher–Yates over a sparse index map).
  const swapped = new Map<number, number>();
  reply.array(withScores && reply.resp === 2 ? count * 2 : count);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (size - i)); // deterministic-ok: ZRANDMEMBER is a read
    const pick = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    emitRank(pick);
  }
}

// ----- ZUNION / ZINTER / ZDIFF (+STORE) / ZINTERCARD -----------------------------------------

/** One input of a set operation: a zset, a set, or nothing (absent key). */
interface OpSource {
  z: ZSet | null;
  /** A set input: every member counts with score 1. */
  s: RedisSet | null;
  weight: number;
}

function srcSize(s: OpSource): number {
  return s.z !== null ? s.z.size : s.s !== null ? s.s.size : 0;
}

function srcScore(s: OpSource, member: string): number | undefined {
  if (s.z !== null) return s.z.score(member);
  if (s.s !== null) return s.s.has(member) ? 1 : undefined;
  return undefined;
}

function srcEach(s: OpSource, visit: (member: string, score: number) => boolean | void): void {
  if (s.z !== null) {
    s.z.each(0, false, visit);
  } else if (s.s !== null) {
    for (const m of s.s.members()) if (visit(m, 1) === false) return;
  }
}

type Aggregate = 'sum' | 'min' | 'max';

function aggregate(target: number, val: number, agg: Aggregate): number {
  if (agg === 'sum') {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  if (agg === 'min') return val < target ? val : target;
  return val > target ? val : target;
}

type SetOp = 'union' | 'inter' | 'diff';

function zsetOpGeneric(ctx: ExecContext, argv: string[], dst: string | null, numkeysIdx: number, op: SetOp, cardinalityOnly: boolean): void {
  const reply = ctx.reply;
  const nk = parseInt64(argv[numkeysIdx]!);
  if (nk === null) {
    reply.error(ERR_NOT_INTEGER);
    return;
  }
  if (nk < 1) {
    reply.error(`ERR at least 1 input key is needed for '${argv[0]!.toLowerCase()}' command`);
    return;
  }
  if (nk > argv.length - (numkeysIdx + 1)) {
    reply.error(ERR_SYNTAX);
    return;
  }
  const setnum = Number(nk);
  const src: OpSource[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = dst !== null ? ctx.lookupWrite(argv[j]!) : ctx.lookupRead(argv[j]!);
    const s: OpSource = { z: null, s: null, weight: 1 };
    if (v !== undefined) {
      if (v instanceof ZSet) s.z = v;
      else if (v instanceof RedisSet) s.s = v;
      else {
        reply.error(ERR_WRONGTYPE);
        return;
      }
    }
    src.push(s);
  }
  let agg: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const opt = optionWord(argv[j]!);
    if (op !== 'diff' && !cardinalityOnly && remaining >= setnum + 1 && opt === 'weights') {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = parseDouble(argv[j]!);
        if (w === null) {
          reply.error('ERR weight value is not a float');
          return;
        }
        src[i]!.weight = w;
      }
    } else if (op !== 'diff' && !cardinalityOnly && remaining >= 2 && opt === 'aggregate') {
      j++;
      remaining--;
      const a = optionWord(argv[j]!);
      if (a === 'sum' || a === 'min' || a === 'max') agg = a;
      else {
        reply.error(ERR_SYNTAX);
        return;
      }
      j++;
      remaining--;
    } else if (remaining >= 1 && dst === null && !cardinalityOnly && opt === 'withscores') {
      j++;
      remaining--;
      withScores = true;
    } else if (cardinalityOnly && remaining >= 2 && opt === 'limit') {
      j++;
      remaining--;
      const l = parseInt64(argv[j]!);
      if (l === null || l < 0) {
        reply.error('ERR LIMIT can\'t be negative');
        return;
      }
      limit = typeof l === 'bigint' ? Number.MAX_SAFE_INTEGER : l;
      j++;
      remaining--;
    } else {
      reply.error(ERR_SYNTAX);
      return;
    }
  }
  // Smallest first, as Redis's (stable) qsort by cardinality: it fixes the order scores are summed in.
  if (op !== 'diff') src.sort((a, b) => srcSize(a) - srcSize(b));

  const out = ZSet.create(Infinity); // built as a skiplist, then fitted as Redis does
  let maxLen = 0;
  let cardinality = 0;
  if (op === 'inter') {
    const first = src[0]!;
    if (srcSize(first) > 0) {
      srcEach(first, (member, s0) => {
        let score = first.weight * s0;
        if (Number.isNaN(score)) score = 0;
        let k = 1;
        for (; k < setnum; k++) {
          const other = src[k]!;
          const v = srcScore(other, member);
          if (v === undefined) break;
          score = aggregate(score, v * other.weight, agg);
        }
        if (k !== setnum) return;
        if (cardinalityOnly) {
          cardinality++;
          if (limit && cardinality >= limit) return false;
        } else {
          out.insert(member, score);
          if (member.length > maxLen) maxLen = member.length;
        }
      });
    }
  } else if (op === 'union') {
    const acc = new Map<string, number>();
    for (const s of src) {
      srcEach(s, (member, v) => {
        let score = s.weight * v;
        if (Number.isNaN(score)) score = 0;
        const cur = acc.get(member);
        if (cur === undefined) {
          acc.set(member, score);
          if (member.length > maxLen) maxLen = member.length;
        } else acc.set(member, aggregate(cur, score, agg));
      });
    }
    for (const [m, s] of acc) out.insert(m, s);
  } else {
    const first = src[0]!;
    srcEach(first, (member, score) => {
      for (let k = 1; k < setnum; k++) if (srcScore(src[k]!, member) !== undefined) return;
      out.insert(member, score);
      if (member.length > maxLen) maxLen = member.length;
    });
  }

  if (dst !== null) {
    storeResult(ctx, dst, out, maxLen, op === 'union' ? 'zunionstore' : op === 'inter' ? 'zinterstore' : 'zdiffstore');
  } else if (cardinalityOnly) {
    reply.integer(cardinality);
  } else {
    const n = out.size;
    reply.array(withScores && reply.resp === 2 ? n * 2 : n);
    out.each(0, false, (m, s) => {
      if (withScores && reply.resp > 2) reply.array(2);
      reply.bulk(m);
      if (withScores) replyScore(reply, s);
    });
  }
}

// ----- ZSCAN ---------------------------------------------------------------------------------

/**
 * ZSCAN. A set Redis would keep as a listpack is returned whole with cursor 0, as Redis does.
 * Bigger sets are walked by slot (ZSet.scanSlots): members present for the whole iteration are
 * all returned, whatever else is added, removed or rescored meanwhile.
 */
function zscanCommand(ctx: ExecContext, argv: string[]): void {
  const reply = ctx.reply;
  const scan = startCollectionScan(ctx, argv, (key) => readZset(ctx, key));
  if (scan === null) return;
  const { cursor, value: z, count, pattern } = scan;
  const found: string[] = [];
  let next = 0;
  if (!z.big) {
    // A listpack is returned whole, in its (sorted) order, with cursor 0.
    z.each(0, false, (m, sc) => {
      if (pattern === null || globMatch(pattern, m)) found.push(m, scoreText(sc));
    });
  } else {
    const c = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(cursor);
    next = z.scanSlots(c, count, (m, sc) => {
      if (pattern === null || globMatch(pattern, m)) found.push(m, scoreText(sc));
    });
  }
  reply.array(2);
  reply.bulk(String(next));
  reply.bulkArray(found);
}

// ----- the table -----------------------------------------------------------------------------

export const sortedSetCommands: CommandDef[] = [
  {
    name: 'zadd',
    group: 'sorted-set',
    summary: 'Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn\'t exist.',
    since: '1.2.0',
    handler: (ctx, argv) => zaddGeneric(ctx, argv, 0),
  },
  {
    name: 'zincrby',
    group: 'sorted-set',
    summary: 'Increments the score of a member in a sorted set.',
    since: '1.2.0',
    handler: (ctx, argv) => zaddGeneric(ctx, argv, IN_INCR),
  },
  {
    name: 'zrem',
    group: 'sorted-set',
    summary: 'Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.',
    since: '1.2.0',
    handler: zremCommand,
  },
  {
    name: 'zcard',
    group: 'sorted-set',
    summary: 'Returns the number of members in a sorted set.',
    since: '1.2.0',
    handler(ctx, argv) {
      const z = readZset(ctx, argv[1]!);
      if (z === null) return;
      ctx.reply.integer(z === undefined ? 0 : z.size);
    },
  },
  {
    name: 'zscore',
    group: 'sorted-set',
    summary: 'Returns the score of a member in a sorted set.',
    since: '1.2.0',
    handler(ctx, argv) {
      const z = readZset(ctx, argv[1]!);
      if (z === null) return;
      const s = z === undefined ? undefined : z.score(argv[2]!);
      if (s === undefined) ctx.reply.nullBulk();
      else replyScore(ctx.reply, s);
    },
  },
  {
    name: 'zmscore',
    group: 'sorted-set',
    summary: 'Returns the score of one or more members in a sorted set.',
    since: '6.2.0',
    handler(ctx, argv) {
      const z = readZset(ctx, argv[1]!);
      if (z === null) return;
      ctx.reply.array(argv.length - 2);
      for (let j = 2; j < argv.length; j++) {
        const s = z === undefined ? undefined : z.score(argv[j]!);
        if (s === undefined) ctx.reply.nullBulk();
        else replyScore(ctx.reply, s);
      }
    },
  },
  {
    name: 'zrank',
    group: 'sorted-set',
    summary: 'Returns the index of a member in a sorted set ordered by ascending scores.',
    since: '2.0.0',
    handler: (ctx, argv) => zrankGeneric(ctx, argv, false),
  },
  {
    name: 'zrevrank',
    group: 'sorted-set',
    summary: 'Returns the index of a member in a sorted set ordered by descending scores.',
    since: '2.0.0',
    handler: (ctx, argv) => zrankGeneric(ctx, argv, true),
  },
  {
    name: 'zcount',
    group: 'sorted-set',
    summary: 'Returns the count of members in a sorted set that have scores within a range.',
    since: '2.0.0',
    handler: (ctx, argv) => zcountGeneric(ctx, argv, false),
  },
  {
    name: 'zlexcount',
    group: 'sorted-set',
    summary: 'Returns the number of members in a sorted set within a lexicographical range.',
    since: '2.8.9',
    handler: (ctx, argv) => zcountGeneric(ctx, argv, true),
  },
  {
    name: 'zrange',
    group: 'sorted-set',
    summary: 'Returns members in a sorted set within a range of indexes.',
    since: '1.2.0',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'auto', 'auto'),
  },
  {
    name: 'zrangestore',
    group: 'sorted-set',
    summary: 'Stores a range of members from sorted set in a key.',
    since: '6.2.0',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 2, argv[1]!, 'auto', 'auto'),
  },
  {
    name: 'zrevrange',
    group: 'sorted-set',
    summary: 'Returns members in a sorted set within a range of indexes in reverse order.',
    since: '1.2.0',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'rank', 'reverse'),
  },
  {
    name: 'zrangebyscore',
    group: 'sorted-set',
    summary: 'Returns members in a sorted set within a range of scores.',
    since: '1.0.5',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'score', 'forward'),
  },
  {
    name: 'zrevrangebyscore',
    group: 'sorted-set',
    summary: 'Returns members in a sorted set within a range of scores in reverse order.',
    since: '2.2.0',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'score', 'reverse'),
  },
  {
    name: 'zrangebylex',
    group: 'sorted-set',
    summary: 'Returns members in a sorted set within a lexicographical range.',
    since: '2.8.9',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'lex', 'forward'),
  },
  {
    name: 'zrevrangebylex',
    group: 'sorted-set',
    summary: 'Returns members in a sorted set within a lexicographical range in reverse order.',
    since: '2.8.9',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'lex', 'reverse'),
  },
  {
    name: 'zremrangebyrank',
    group: 'sorted-set',
    summary: 'Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.',
    since: '2.0.0',
    handler: (ctx, argv) => zremrangeGeneric(ctx, argv, 'rank'),
  },
  {
    name: 'zremrangebyscore',
    group: 'sorted-set',
    summary: 'Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.',
    since: '1.2.0',
    handler: (ctx, argv) => zremrangeGeneric(ctx, argv, 'score'),
  },
  {
    name: 'zremrangebylex',
    group: 'sorted-set',
    summary: 'Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.',
    since: '2.8.9',
    handler: (ctx, argv) => zremrangeGeneric(ctx, argv, 'lex'),
  },
  {
    name: 'zpopmin',
    group: 'sorted-set',
    summary: 'Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.',
    since: '5.0.0',
    handler: (ctx, argv) => zpopMinMax(ctx, argv, false),
  },
  {
    name: 'zpopmax',
    group: 'sorted-set',
    summary: 'Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.',
    since: '5.0.0',
    handler: (ctx, argv) => zpopMinMax(ctx, argv, true),
  },
  {
    name: 'zmpop',
    group: 'sorted-set',
    summary: 'Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.',
    since: '7.0.0',
    handler: (ctx, argv) => zmpopGeneric(ctx, argv, 1, false),
  },
  {
    name: 'bzpopmin',
    group: 'sorted-set',
    summary: 'Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.',
    since: '5.0.0',
    handler: (ctx, argv) => bzpopMinMax(ctx, argv, false),
  },
  {
    name: 'bzpopmax',
    group: 'sorted-set',
    summary: 'Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.',
    since: '5.0.0',
    handler: (ctx, argv) => bzpopMinMax(ctx, argv, true),
  },
  {
    name: 'bzmpop',
    group: 'sorted-set',
    summary: 'Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.',
    since: '7.0.0',
    handler: (ctx, argv) => zmpopGeneric(ctx, argv, 2, true),
  },
  {
    name: 'zrandmember',
    group: 'sorted-set',
    summary: 'Returns one or more random members from a sorted set.',
    since: '6.2.0',
    handler: zrandmemberCommand,
  },
  {
    name: 'zunion',
    group: 'sorted-set',
    summary: 'Returns the union of multiple sorted sets.',
    since: '6.2.0',
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'union', false),
  },
  {
    name: 'zinter',
    group: 'sorted-set',
    summary: 'Returns the intersect of multiple sorted sets.',
    since: '6.2.0',
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'inter', false),
  },
  {
    name: 'zdiff',
    group: 'sorted-set',
    summary: 'Returns the difference between multiple sorted sets.',
    since: '6.2.0',
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'diff', false),
  },
  {
    name: 'zunionstore',
    group: 'sorted-set',
    summary: 'Stores the union of multiple sorted sets in a key.',
    since: '2.0.0',
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, argv[1]!, 2, 'union', false),
  },
  {
    name: 'zinterstore',
    group: 'sorted-set',
    summary: 'Stores the intersect of multiple sorted sets in a key.',
    since: '2.0.0',
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, argv[1]!, 2, 'inter', false),
  },
  {
    name: 'zdiffstore',
    group: 'sorted-set',
    summary: 'Stores the difference of multiple sorted sets in a key.',
    since: '6.2.0',
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, argv[1]!, 2, 'diff', false),
  },
  {
    name: 'zintercard',
    group: 'sorted-set',
    summary: 'Returns the number of members of the intersect of multiple sorted sets.',
    since: '7.0.0',
    handler: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'inter', true),
  },
  {
    name: 'zscan',
    group: 'sorted-set',
    summary: 'Iterates over members and scores of a sorted set.',
    since: '2.8.0',
    handler: zscanCommand,
  },
];
