// The lists family: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT LREM
// LTRIM LPOS LMOVE RPOPLPUSH LMPOP and the blocking BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP — as
// Redis 7.0's t_list.c does them, down to the order of checks (which error a malformed command
// gets), the error texts, and where keyspace events, signalModifiedKey (ctx.modified, which also
// wakes blocked clients) and server.dirty happen. An emptied list deletes its key.
//
// Blocking: a blocking command that finds nothing calls ctx.block and writes no reply; when a
// write touches one of its keys the blocking machinery (src/blocking/blocking.ts) runs the same
// command again. A re-run is recognisable by the client still being marked blocked. Redis 7.0
// serves a blocked client only from a key that is a list when it becomes ready, so a re-run
// treats a key of another type as empty and keeps waiting, where a first run replies WRONGTYPE.
// Where blocking is not allowed (MULTI, replays) the blocking forms answer like their
// non-blocking twins, with a null reply when there is nothing to pop.
//
// Hot path: LPUSH/RPUSH/LPOP/RPOP do one lookup and no option parsing beyond argc; LRANGE writes
// each element straight from the list's slots into the reply buffer.

import type { CommandDef, ExecContext } from './types.js';
import type { Reply } from '../protocol/reply.js';
import type { Value } from '../types/value.js';
import { RedisList } from '../types/list.js';
import { parseInt64 } from '../protocol/numbers.js';
import { ERR_NOT_INTEGER, ERR_NO_SUCH_KEY, ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';
import { timeoutSecondsOrReply } from '../blocking/timeout.js';

const ERR_OUT_OF_RANGE = 'ERR index out of range';
const ERR_MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
const ERR_RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
const ERR_COUNT_NEGATIVE = "ERR COUNT can't be negative";
const ERR_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
const ERR_NUMKEYS = 'ERR numkeys should be greater than 0';
const ERR_MPOP_COUNT = 'ERR count should be greater than 0';

const LONG_MIN_BIG = -(2n ** 63n);

const HEAD = 0;
const TAIL = 1;
type Where = typeof HEAD | typeof TAIL;

/** A C `long` argument as a JS number (beyond 2^53 only its magnitude matters here). */
function parseLong(arg: string): number | null {
  const v = parseInt64(arg);
  if (v === null) return null;
  return typeof v === 'number' ? v : Number(v);
}

/** getLongFromObjectOrReply: the number, or null after replying "not an integer". */
function longOrReply(ctx: ExecContext, arg: string): number | null {
  const v = parseLong(arg);
  if (v === null) ctx.reply.error(ERR_NOT_INTEGER);
  return v;
}

/** getRangeLongFromObjectOrReply with min ≥ 0 and one message for both failures. */
function positiveOrReply(ctx: ExecContext, arg: string, min: number, msg: string): number | null {
  const v = parseLong(arg);
  if (v === null || v < min) {
    ctx.reply.error(msg);
    return null;
  }
  return v;
}

/** getListPositionFromObjectOrReply: LEFT / RIGHT. */
function positionOrReply(ctx: ExecContext, arg: string): Where | null {
  if (arg.length === 4 && arg.toLowerCase() === 'left') return HEAD;
  if (arg.length === 5 && arg.toLowerCase() === 'right') return TAIL;
  ctx.reply.error(ERR_SYNTAX);
  return null;
}

/** True while the blocking machinery re-runs a client's blocked command. */
function isRetry(ctx: ExecContext): boolean {
  return ctx.client !== null && ctx.client.blocked !== null;
}

function replyNullArray(r: Reply): void {
  r.nullArray();
}

/**
 * Writes elements [start, end] (or end down to start) as bulk strings, straight from the list's
 * slots. (A version that rendered short elements into a scratch buffer was 1.5-2x faster than
 * bulk() until the writer learnt to copy short strings byte by byte; since then the two measure
 * the same, so the writer does it.)
 */
function writeElements(reply: Reply, list: RedisList, start: number, end: number, reverse: boolean): void {
  if (!reverse) for (let i = start; i <= end; i++) reply.bulk(list.at(i));
  else for (let i = end; i >= start; i--) reply.bulk(list.at(i));
}

/** Redis's addListRangeReply. */
function rangeReply(reply: Reply, list: RedisList, start: number, end: number, reverse: boolean): void {
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    reply.array(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  reply.array(end - start + 1);
  writeElements(reply, list, start, end, reverse);
}

/** Redis's listElementsRemoved: events, deleting an emptied key, signal and dirty. */
function elementsRemoved(ctx: ExecContext, key: string, where: Where, list: RedisList, count: number): void {
  ctx.notify('l', where === HEAD ? 'lpop' : 'rpop', key);
  if (list.length === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  }
  ctx.modified(key);
  ctx.dirty(count);
}

/** Pops `count` elements from one end, replying them as an array (RPOP: last element first). */
function popRangeReply(ctx: ExecContext, key: string, list: RedisList, where: Where, count: number): void {
  const n = count > list.length ? list.length : count;
  ctx.reply.array(n);
  if (where === HEAD) {
    writeElements(ctx.reply, list, 0, n - 1, false);
    list.trim(n, 0);
  } else {
    writeElements(ctx.reply, list, list.length - n, list.length - 1, true);
    list.trim(0, n);
  }
  elementsRemoved(ctx, key, where, list, n);
}

// ----- push ------------------------------------------------------------------------------------

/** Redis's pushGenericCommand; `xx` for LPUSHX / RPUSHX. */
function pushGeneric(ctx: ExecContext, argv: string[], where: Where, xx: boolean): void {
  const key = argv[1]!;
  const v = ctx.lookupWrite(key);
  let list: RedisList;
  if (v === undefined) {
    if (xx) {
      ctx.reply.integer(0);
      return;
    }
    list = new RedisList();
    ctx.db.set(key, list);
  } else if (v instanceof RedisList) {
    list = v;
  } else {
    ctx.reply.error(ERR_WRONGTYPE);
    return;
  }
  const n = argv.length;
  if (where === HEAD) for (let j = 2; j < n; j++) list.pushLeft(argv[j]!);
  else for (let j = 2; j < n; j++) list.pushRight(argv[j]!);
  ctx.dirty(n - 2);
  ctx.reply.integer(list.length);
  ctx.modified(key);
  ctx.notify('l', where === HEAD ? 'lpush' : 'rpush', key);
}

// ----- pop -------------------------------------------------------------------------------------

/** Redis's popGenericCommand (LPOP / RPOP with optional count). */
function popGeneric(ctx: ExecContext, argv: string[], where: Where): void {
  const key = argv[1]!;
  if (argv.length === 2) {
    const v = ctx.lookupWrite(key);
    if (v === undefined) {
      ctx.reply.nullBulk();
      return;
    }
    if (!(v instanceof RedisList)) {
      ctx.reply.error(ERR_WRONGTYPE);
      return;
    }
    ctx.reply.bulk(where === HEAD ? v.popLeft()! : v.popRight()!);
    elementsRemoved(ctx, key, where, v, 1);
    return;
  }
  if (argv.length > 3) {
    ctx.reply.error(`ERR wrong number of arguments for '${where === HEAD ? 'lpop' : 'rpop'}' command`);
    return;
  }
  const count = positiveOrReply(ctx, argv[2]!, 0, ERR_MUST_BE_POSITIVE);
  if (count === null) return;
  const v = ctx.lookupWrite(key);
  if (v === undefined) {
    ctx.reply.nullArray();
    return;
  }
  if (!(v instanceof RedisList)) {
    ctx.reply.error(ERR_WRONGTYPE);
    return;
  }
  if (count === 0) {
    ctx.reply.array(0);
    return;
  }
  popRangeReply(ctx, key, v, where, count);
}

// ----- reads -----------------------------------------------------------------------------------

/** checkType on a looked-up value: the list, or null after replying (missing → `onMissing`). */
function asListOrReply(ctx: ExecContext, v: Value | undefined, onMissing: (r: Reply) => void): RedisList | null {
  if (v === undefined) {
    onMissing(ctx.reply);
    return null;
  }
  if (!(v instanceof RedisList)) {
    ctx.reply.error(ERR_WRONGTYPE);
    return null;
  }
  return v;
}

/** lookupKeyReadOrReply + checkType. */
function readList(ctx: ExecContext, key: string, onMissing: (r: Reply) => void): RedisList | null {
  return asListOrReply(ctx, ctx.lookupRead(key), onMissing);
}

/** lookupKeyWriteOrReply + checkType. */
function writeList(ctx: ExecContext, key: string, onMissing: (r: Reply) => void): RedisList | null {
  return asListOrReply(ctx, ctx.lookupWrite(key), onMissing);
}

const replyEmptyArray = (r: Reply): void => r.array(0);
const replyNullBulk = (r: Reply): void => r.nullBulk();
const replyZero = (r: Reply): void => r.integer(0);
const replyOk = (r: Reply): void => r.ok();
const replyNoSuchKey = (r: Reply): void => r.error(ERR_NO_SUCH_KEY);

function lrange(ctx: ExecContext, argv: string[]): void {
  const start = longOrReply(ctx, argv[2]!);
  if (start === null) return;
  const end = longOrReply(ctx, argv[3]!);
  if (end === null) return;
  const list = readList(ctx, argv[1]!, replyEmptyArray);
  if (list === null) return;
  rangeReply(ctx.reply, list, start, end, false);
}

function lindex(ctx: ExecContext, argv: string[]): void {
  const list = readList(ctx, argv[1]!, replyNullBulk);
  if (list === null) return;
  let index = longOrReply(ctx, argv[2]!);
  if (index === null) return;
  if (index < 0) index = list.length + index;
  if (index < 0 || index >= list.length) ctx.reply.nullBulk();
  else ctx.reply.bulk(list.at(index));
}

function lpos(ctx: ExecContext, argv: string[]): void {
  const ele = argv[2]!;
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  let rankIsLongMin = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const moreargs = argv.length - 1 - j;
    if (opt === 'rank' && moreargs) {
      j++;
      const raw = parseInt64(argv[j]!);
      if (raw === null) {
        ctx.reply.error(ERR_NOT_INTEGER);
        return;
      }
      if (raw === 0) {
        ctx.reply.error(ERR_RANK_ZERO);
        return;
      }
      rankIsLongMin = raw === LONG_MIN_BIG;
      rank = typeof raw === 'number' ? raw : Number(raw);
    } else if (opt === 'count' && moreargs) {
      j++;
      const v = positiveOrReply(ctx, argv[j]!, 0, ERR_COUNT_NEGATIVE);
      if (v === null) return;
      count = v;
    } else if (opt === 'maxlen' && moreargs) {
      j++;
      const v = positiveOrReply(ctx, argv[j]!, 0, ERR_MAXLEN_NEGATIVE);
      if (v === null) return;
      maxlen = v;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }
  let fromTail = false;
  // In C, -LONG_MIN overflows back to LONG_MIN: every match then satisfies `matches >= rank`
  // and `matches - rank + 1 >= count` never holds, so all matches are collected.
  let anyRank = false;
  if (rank < 0) {
    fromTail = true;
    anyRank = rankIsLongMin;
    rank = -rank;
  }
  const v = ctx.lookupRead(argv[1]!);
  if (v === undefined) {
    if (count !== -1) ctx.reply.array(0);
    else ctx.reply.nullBulk();
    return;
  }
  if (!(v instanceof RedisList)) {
    ctx.reply.error(ERR_WRONGTYPE);
    return;
  }
  const llen = v.length;
  const limit = maxlen === 0 || maxlen > llen ? llen : maxlen;
  let matches = 0;
  if (count === -1) {
    for (let index = 0; index < limit; index++) {
      const i = fromTail ? llen - index - 1 : index;
      if (v.at(i) === ele) {
        matches++;
        if (anyRank || matches >= rank) {
          ctx.reply.integer(i);
          return;
        }
      }
    }
    ctx.reply.nullBulk();
    return;
  }
  // COUNT: the reply length is only known at the end, so collect indexes first.
  const found: number[] = [];
  for (let index = 0; index < limit; index++) {
    const i = fromTail ? llen - index - 1 : index;
    if (v.at(i) === ele) {
      matches++;
      if (anyRank || matches >= rank) {
        found.push(i);
        if (count !== 0 && !anyRank && matches - rank + 1 >= count) break;
      }
    }
  }
  ctx.reply.array(found.length);
  for (let k = 0; k < found.length; k++) ctx.reply.integer(found[k]!);
}

// ----- writes in the middle --------------------------------------------------------------------

function lset(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  const list = writeList(ctx, key, replyNoSuchKey);
  if (list === null) return;
  let index = longOrReply(ctx, argv[2]!);
  if (index === null) return;
  if (index < 0) index = list.length + index;
  if (index < 0 || index >= list.length) {
    ctx.reply.error(ERR_OUT_OF_RANGE);
    return;
  }
  list.set(index, argv[3]!);
  ctx.reply.ok();
  ctx.modified(key);
  ctx.notify('l', 'lset', key);
  ctx.dirty();
}

function linsert(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  const dir = argv[2]!.toLowerCase();
  let after: boolean;
  if (dir === 'after') after = true;
  else if (dir === 'before') after = false;
  else {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  const list = writeList(ctx, key, replyZero);
  if (list === null) return;
  const i = list.indexOf(argv[3]!);
  if (i < 0) {
    ctx.reply.integer(-1);
    return;
  }
  list.insert(after ? i + 1 : i, argv[4]!);
  ctx.modified(key);
  ctx.notify('l', 'linsert', key);
  ctx.dirty();
  ctx.reply.integer(list.length);
}

function lrem(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  const toremove = longOrReply(ctx, argv[2]!);
  if (toremove === null) return;
  const list = writeList(ctx, key, replyZero);
  if (list === null) return;
  const removed = toremove < 0 ? list.removeValue(argv[3]!, -toremove, true) : list.removeValue(argv[3]!, toremove, false);
  if (removed > 0) {
    ctx.modified(key);
    ctx.dirty(removed);
    ctx.notify('l', 'lrem', key);
  }
  if (list.length === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  }
  ctx.reply.integer(removed);
}

function ltrim(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  let start = longOrReply(ctx, argv[2]!);
  if (start === null) return;
  let end = longOrReply(ctx, argv[3]!);
  if (end === null) return;
  const list = writeList(ctx, key, replyOk);
  if (list === null) return;
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  let left: number;
  let right: number;
  if (start > end || start >= llen) {
    left = llen;
    right = 0;
  } else {
    if (end >= llen) end = llen - 1;
    left = start;
    right = llen - end - 1;
  }
  list.trim(left, right);
  ctx.notify('l', 'ltrim', key);
  if (list.length === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  }
  ctx.modified(key);
  ctx.dirty(left + right);
  ctx.reply.ok();
}

// ----- moves -----------------------------------------------------------------------------------

/**
 * Redis's lmoveGenericCommand from a source known to be a non-empty list: checks the
 * destination's type, pops, pushes, replies the element.
 */
function lmoveFrom(ctx: ExecContext, src: string, source: RedisList, dst: string, wherefrom: Where, whereto: Where): void {
  const d = ctx.lookupWrite(dst);
  let dest: RedisList | undefined;
  if (d !== undefined) {
    if (!(d instanceof RedisList)) {
      ctx.reply.error(ERR_WRONGTYPE);
      return;
    }
    dest = d;
  }
  const value = wherefrom === HEAD ? source.popLeft()! : source.popRight()!;
  // lmoveHandlePush
  if (dest === undefined) {
    dest = new RedisList();
    ctx.db.set(dst, dest);
  }
  ctx.modified(dst);
  if (whereto === HEAD) dest.pushLeft(value);
  else dest.pushRight(value);
  ctx.notify('l', whereto === HEAD ? 'lpush' : 'rpush', dst);
  ctx.reply.bulk(value);
  ctx.notify('l', wherefrom === HEAD ? 'lpop' : 'rpop', src);
  if (source.length === 0) {
    ctx.db.delete(src);
    ctx.notify('g', 'del', src);
  }
  ctx.modified(src);
  ctx.dirty();
}

function lmoveGeneric(ctx: ExecContext, src: string, dst: string, wherefrom: Where, whereto: Where): void {
  const source = writeList(ctx, src, replyNullBulk);
  if (source === null) return;
  lmoveFrom(ctx, src, source, dst, wherefrom, whereto);
}

/** Redis's blmoveGenericCommand. */
function blmoveGeneric(ctx: ExecContext, src: string, dst: string, wherefrom: Where, whereto: Where, timeoutMs: number): void {
  const v = ctx.lookupWrite(src);
  if (v !== undefined && !(v instanceof RedisList)) {
    if (isRetry(ctx)) ctx.block([src], timeoutMs, replyNullArray);
    else ctx.reply.error(ERR_WRONGTYPE);
    return;
  }
  if (v === undefined) {
    if (!ctx.canBlock) ctx.reply.nullBulk();
    else ctx.block([src], timeoutMs, replyNullArray);
    return;
  }
  lmoveFrom(ctx, src, v, dst, wherefrom, whereto);
}

// ----- multi-key pops --------------------------------------------------------------------------

/**
 * The first non-empty list among `keys` (argv[first..first+numkeys)), or null when there is
 * none; undefined after a WRONGTYPE reply. A re-run of a blocked command skips other types.
 */
function firstNonEmpty(ctx: ExecContext, argv: string[], first: number, numkeys: number, retry: boolean): number | null | undefined {
  for (let j = first; j < first + numkeys; j++) {
    const v = ctx.lookupWrite(argv[j]!);
    if (v === undefined) continue;
    if (!(v instanceof RedisList)) {
      if (retry) continue;
      ctx.reply.error(ERR_WRONGTYPE);
      return undefined;
    }
    if (v.length > 0) return j;
  }
  return null;
}

/** Redis's blockingPopGenericCommand for BLPOP / BRPOP (count -1) and BLMPOP. */
function blockingPop(ctx: ExecContext, argv: string[], first: number, numkeys: number, where: Where, timeoutMs: number, count: number): void {
  const j = firstNonEmpty(ctx, argv, first, numkeys, isRetry(ctx));
  if (j === undefined) return;
  if (j === null) {
    if (!ctx.canBlock) ctx.reply.nullArray();
    else ctx.block(argv.slice(first, first + numkeys), timeoutMs, replyNullArray);
    return;
  }
  const key = argv[j]!;
  const list = ctx.lookupWrite(key) as RedisList;
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  if (count !== -1) {
    popRangeReply(ctx, key, list, where, count);
    return;
  }
  ctx.reply.bulk(where === HEAD ? list.popLeft()! : list.popRight()!);
  elementsRemoved(ctx, key, where, list, 1);
}

function bpop(ctx: ExecContext, argv: string[], where: Where): void {
  const timeoutMs = timeoutSecondsOrReply(ctx, argv[argv.length - 1]!);
  if (timeoutMs === null) return;
  blockingPop(ctx, argv, 1, argv.length - 2, where, timeoutMs, -1);
}

/** Redis's lmpopGenericCommand: LMPOP numkeys key... LEFT|RIGHT [COUNT n], BLMPOP timeout …. */
function lmpopGeneric(ctx: ExecContext, argv: string[], numkeysIdx: number, block: boolean): void {
  const numkeys = positiveOrReply(ctx, argv[numkeysIdx]!, 1, ERR_NUMKEYS);
  if (numkeys === null) return;
  if (numkeys >= argv.length - numkeysIdx - 1) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  const whereIdx = numkeysIdx + numkeys + 1;
  const where = positionOrReply(ctx, argv[whereIdx]!);
  if (where === null) return;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    if (count === -1 && moreargs && argv[j]!.toLowerCase() === 'count') {
      j++;
      const c = positiveOrReply(ctx, argv[j]!, 1, ERR_MPOP_COUNT);
      if (c === null) return;
      count = c;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }
  if (count === -1) count = 1;
  if (block) {
    const timeoutMs = timeoutSecondsOrReply(ctx, argv[1]!);
    if (timeoutMs === null) return;
    blockingPop(ctx, argv, numkeysIdx + 1, numkeys, where, timeoutMs, count);
    return;
  }
  const j = firstNonEmpty(ctx, argv, numkeysIdx + 1, numkeys, false);
  if (j === undefined) return;
  if (j === null) {
    ctx.reply.nullArray();
    return;
  }
  const key = argv[j]!;
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  popRangeReply(ctx, key, ctx.lookupWrite(key) as RedisList, where, count);
}

// ----- the table -------------------------------------------------------------------------------

function llen(ctx: ExecContext, argv: string[]): void {
  const v: Value | undefined = ctx.lookupRead(argv[1]!);
  if (v === undefined) ctx.reply.integer(0);
  else if (v instanceof RedisList) ctx.reply.integer(v.length);
  else ctx.reply.error(ERR_WRONGTYPE);
}

export const listCommands: CommandDef[] = [
  {
    name: 'lpush',
    group: 'list',
    summary: 'Prepends one or more elements to a list. Creates the key if it does not exist.',
    since: '1.0.0',
    handler: (ctx, argv) => pushGeneric(ctx, argv, HEAD, false),
  },
  {
    name: 'rpush',
    group: 'list',
    summary: 'Appends one or more elements to a list. Creates the key if it does not exist.',
    since: '1.0.0',
    handler: (ctx, argv) => pushGeneric(ctx, argv, TAIL, false),
  },
  {
    name: 'lpushx',
    group: 'list',
    summary: 'Prepends one or more elements to a list only when the list exists.',
    since: '2.2.0',
    handler: (ctx, argv) => pushGeneric(ctx, argv, HEAD, true),
  },
  {
    name: 'rpushx',
    group: 'list',
    summary: 'Appends an element to a list only when the list exists.',
    since: '2.2.0',
    handler: (ctx, argv) => pushGeneric(ctx, argv, TAIL, true),
  },
  {
    name: 'lpop',
    group: 'list',
    summary: 'Returns the first elements in a list after removing it. Deletes the list if the last element was popped.',
    since: '1.0.0',
    handler: (ctx, argv) => popGeneric(ctx, argv, HEAD),
  },
  {
    name: 'rpop',
    group: 'list',
    summary: 'Returns and removes the last elements of a list. Deletes the list if the last element was popped.',
    since: '1.0.0',
    handler: (ctx, argv) => popGeneric(ctx, argv, TAIL),
  },
  {
    name: 'llen',
    group: 'list',
    summary: 'Returns the length of a list.',
    since: '1.0.0',
    handler: llen,
  },
  {
    name: 'lrange',
    group: 'list',
    summary: 'Returns a range of elements from a list.',
    since: '1.0.0',
    handler: lrange,
  },
  {
    name: 'lindex',
    group: 'list',
    summary: 'Returns an element from a list by its index.',
    since: '1.0.0',
    handler: lindex,
  },
  {
    name: 'lset',
    group: 'list',
    summary: 'Sets the value of an element in a list by its index.',
    since: '1.0.0',
    handler: lset,
  },
  {
    name: 'linsert',
    group: 'list',
    summary: 'Inserts an element before or after another element in a list.',
    since: '2.2.0',
    handler: linsert,
  },
  {
    name: 'lrem',
    group: 'list',
    summary: 'Removes elements from a list. Deletes the list if the last element was removed.',
    since: '1.0.0',
    handler: lrem,
  },
  {
    name: 'ltrim',
    group: 'list',
    summary: 'Removes elements from both ends a list. Deletes the list if all elements were trimmed.',
    since: '1.0.0',
    handler: ltrim,
  },
  {
    name: 'lpos',
    group: 'list',
    summary: 'Returns the index of matching elements in a list.',
    since: '6.0.6',
    handler: lpos,
  },
  {
    name: 'lmove',
    group: 'list',
    summary: 'Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.',
    since: '6.2.0',
    handler(ctx, argv) {
      const from = positionOrReply(ctx, argv[3]!);
      if (from === null) return;
      const to = positionOrReply(ctx, argv[4]!);
      if (to === null) return;
      lmoveGeneric(ctx, argv[1]!, argv[2]!, from, to);
    },
  },
  {
    name: 'rpoplpush',
    group: 'list',
    summary: 'Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.',
    since: '1.2.0',
    handler: (ctx, argv) => lmoveGeneric(ctx, argv[1]!, argv[2]!, TAIL, HEAD),
  },
  {
    name: 'lmpop',
    group: 'list',
    summary: 'Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.',
    since: '7.0.0',
    handler: (ctx, argv) => lmpopGeneric(ctx, argv, 1, false),
  },
  {
    name: 'blpop',
    group: 'list',
    summary: 'Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    since: '2.0.0',
    handler: (ctx, argv) => bpop(ctx, argv, HEAD),
  },
  {
    name: 'brpop',
    group: 'list',
    summary: 'Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    since: '2.0.0',
    handler: (ctx, argv) => bpop(ctx, argv, TAIL),
  },
  {
    name: 'blmove',
    group: 'list',
    summary: 'Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.',
    since: '6.2.0',
    handler(ctx, argv) {
      const from = positionOrReply(ctx, argv[3]!);
      if (from === null) return;
      const to = positionOrReply(ctx, argv[4]!);
      if (to === null) return;
      const timeoutMs = timeoutSecondsOrReply(ctx, argv[5]!);
      if (timeoutMs === null) return;
      blmoveGeneric(ctx, argv[1]!, argv[2]!, from, to, timeoutMs);
    },
  },
  {
    name: 'brpoplpush',
    group: 'list',
    summary: 'Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.',
    since: '2.2.0',
    handler(ctx, argv) {
      const timeoutMs = timeoutSecondsOrReply(ctx, argv[3]!);
      if (timeoutMs === null) return;
      blmoveGeneric(ctx, argv[1]!, argv[2]!, TAIL, HEAD, timeoutMs);
    },
  },
  {
    name: 'blmpop',
    group: 'list',
    summary: 'Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    since: '7.0.0',
    handler: (ctx, argv) => lmpopGeneric(ctx, argv, 2, true),
  },
];
