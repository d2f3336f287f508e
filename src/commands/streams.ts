// The streams family: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XREAD XSETID XGROUP XREADGROUP XACK
// XPENDING XCLAIM XAUTOCLAIM XINFO — as Redis 7.0's t_stream.c does them: the order of checks
// (which error a malformed command gets), error texts, reply shapes (RESP2 arrays, RESP3 maps
// for XREAD/XREADGROUP and XINFO), keyspace events, dirty counts and the consumer-group
// entries-read / lag bookkeeping. The structure itself is src/types/stream.ts.
//
// Determinism: auto IDs and delivery/seen times come from ctx.now, never the wall clock.
//
// Blocking (XREAD / XREADGROUP BLOCK): a read that finds nothing calls ctx.block; a write to one of
// the keys re-runs the command (src/blocking/blocking.ts). XREAD's `$` must mean "the last ID when
// the client first blocked", so before blocking the handler replaces `$` in the argv the blocking
// machinery keeps for its retries (BlockedState.argv) with the resolved IDs. XREADGROUP's `>` is
// resolved at serve time from the group, as Redis does. A re-run with no COUNT reads at most
// XREAD_BLOCKED_DEFAULT_COUNT entries (Redis's limit for served blocked clients).

import type { CommandDef, ExecContext } from './types.js';
import type { Reply } from '../protocol/reply.js';
import { parseInt64 } from '../protocol/numbers.js';
import { ERR_NOT_INTEGER, ERR_NO_SUCH_KEY, ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';
import { parseTimeoutMilliseconds } from '../blocking/timeout.js';
import { replyHelp } from './server.js';
import {
  RedisStream,
  SortedIdMap,
  ID_MAX,
  ID_ZERO,
  U64_MAX,
  idCmp,
  idDecr,
  idEq,
  idIncr,
  idIsZero,
  idStr,
  entryIdText,
  type Consumer,
  type ConsumerGroup,
  type Nack,
  type StreamEntry,
  type StreamId,
  type U64,
} from '../types/stream.js';

const ERR_INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';
const ERR_XADD_SMALLER = 'ERR The ID specified in XADD is equal or smaller than the target stream top item';
const ERR_XADD_ZERO = 'ERR The ID specified in XADD must be greater than 0-0';
const ERR_EXHAUSTED = 'ERR The stream has exhausted the last possible ID, unable to add more items';
const ERR_BOTH_STRATEGIES = 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible';
const XREAD_BLOCKED_DEFAULT_COUNT = 1000;
const INVALID_ENTRIES_READ = -1;

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  '      Set the group\'s entries_read counter (internal use).',
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

// ----- parsing ---------------------------------------------------------------------------------

const BIG_U64_MOD = 1n << 64n;

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Redis's string2ull: string2ll (must be ≥ 0), else strtoull over the whole string. */
function string2ull(s: string): U64 | null {
  const ll = parseInt64(s);
  if (ll !== null) return ll < 0 ? null : ll;
  if (s.length === 0) return null;
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  const digitsStart = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === digitsStart || i !== s.length) return null;
  let v = BigInt(s.slice(digitsStart, i));
  if (v > U64_MAX) return null; // ERANGE
  if (neg && v !== 0n) v = BIG_U64_MOD - v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

interface ParsedId {
  id: StreamId;
  seqGiven: boolean;
}

/** streamGenericParseIDOrReply without the reply: null when invalid. */
function parseIdGeneric(s: string, missingSeq: U64, strict: boolean, allowSeqStar: boolean): ParsedId | null {
  if (s.length > 127) return null;
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (s === '-' || s === '+') {
    if (strict) return null;
    return { id: s === '-' ? ID_ZERO : ID_MAX, seqGiven: true };
  }
  const dash = s.indexOf('-');
  const msPart = dash >= 0 ? s.slice(0, dash) : s;
  const ms = string2ull(msPart);
  if (ms === null) return null;
  if (dash < 0) return { id: { ms, seq: missingSeq }, seqGiven: true };
  const seqPart = s.slice(dash + 1);
  if (allowSeqStar && seqPart === '*') return { id: { ms, seq: 0 }, seqGiven: false };
  const seq = string2ull(seqPart);
  if (seq === null) return null;
  return { id: { ms, seq }, seqGiven: true };
}

/** streamParseStrictIDOrReply. */
function strictIdOrReply(ctx: ExecContext, s: string, missingSeq: U64 = 0): StreamId | null {
  const p = parseIdGeneric(s, missingSeq, true, false);
  if (p === null) {
    ctx.reply.error(ERR_INVALID_ID);
    return null;
  }
  return p.id;
}

/** Every argument from `from` on as a strict ID (XDEL, XACK); null after replying the error. */
function strictIdsOrReply(ctx: ExecContext, argv: string[], from: number): StreamId[] | null {
  const ids: StreamId[] = [];
  for (let j = from; j < argv.length; j++) {
    const id = strictIdOrReply(ctx, argv[j]!);
    if (id === null) return null;
    ids.push(id);
  }
  return ids;
}

/** streamParseIntervalIDOrReply: `(` prefix for exclusive, `-`/`+` allowed when not exclusive. */
function intervalIdOrReply(ctx: ExecContext, s: string, missingSeq: U64): { id: StreamId; ex: boolean } | null {
  const ex = s.length > 1 && s[0] === '(';
  const p = ex ? parseIdGeneric(s.slice(1), missingSeq, true, false) : parseIdGeneric(s, missingSeq, false, false);
  if (p === null) {
    ctx.reply.error(ERR_INVALID_ID);
    return null;
  }
  return { id: p.id, ex };
}

function longLongOrReply(ctx: ExecContext, s: string, msg = ERR_NOT_INTEGER): number | null {
  const v = parseInt64(s);
  if (v === null) {
    ctx.reply.error(msg.startsWith('ERR') ? msg : 'ERR ' + msg);
    return null;
  }
  return Number(v);
}

const INT64_MAX_BIG = (1n << 63n) - 1n;
const INT64_MIN_BIG = -(1n << 63n);

/**
 * A counter for a reply. Entries-read and delivery counts are kept as JS numbers (exact to 2^53);
 * beyond that the value is formatted clamped to the int64 range, so the reply stays a valid
 * integer (exact for the common extreme, 2^63 - 1).
 */
function i64(v: number | bigint): number | bigint {
  if (typeof v === 'bigint') return v > INT64_MAX_BIG ? INT64_MAX_BIG : v < INT64_MIN_BIG ? INT64_MIN_BIG : v;
  if (Number.isSafeInteger(v)) return v;
  return i64(BigInt(v));
}

/** a - b for counters that may be bigints (entries-added) or large numbers. */
function sub64(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a) && Number.isSafeInteger(b)) return a - b;
  return i64(BigInt(a) - BigInt(b));
}

function eqi(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b;
}

// ----- lookups -----------------------------------------------------------------------------------

type Lookup = RedisStream | null | undefined; // stream, absent, or wrong type (replied)

function readStream(ctx: ExecContext, key: string): Lookup {
  const v = ctx.lookupRead(key);
  if (v === undefined) return null;
  if (v instanceof RedisStream) return v;
  ctx.reply.error(ERR_WRONGTYPE);
  return undefined;
}

function writeStream(ctx: ExecContext, key: string): Lookup {
  const v = ctx.lookupWrite(key);
  if (v === undefined) return null;
  if (v instanceof RedisStream) return v;
  ctx.reply.error(ERR_WRONGTYPE);
  return undefined;
}

// ----- replies -----------------------------------------------------------------------------------

function replyId(r: Reply, id: StreamId): void {
  r.bulk(idStr(id));
}

function replyEntry(r: Reply, e: StreamEntry): void {
  r.array(2);
  r.bulk(entryIdText(e));
  const f = e.fields;
  r.array(f.length);
  for (let i = 0; i < f.length; i++) r.bulk(f[i]!);
}

/** Writes the entries in [start, end] (count 0 = all) as an array. */
function replyRange(r: Reply, s: RedisStream, start: StreamId, end: StreamId, rev: boolean, count: number): void {
  const out: StreamEntry[] = [];
  s.range(start, end, rev, count, (e) => {
    out.push(e);
  });
  r.array(out.length);
  for (const e of out) replyEntry(r, e);
}

// ----- consumer groups (the model) -------------------------------------------------------------

function createConsumer(ctx: ExecContext, g: ConsumerGroup, name: string, key: string): Consumer {
  const c: Consumer = { name, seenTime: ctx.now, pel: new SortedIdMap<Nack>() };
  g.consumers.set(name, c);
  ctx.dirty();
  ctx.notify('t', 'xgroup-createconsumer', key);
  return c;
}

function lookupOrCreateConsumer(ctx: ExecContext, g: ConsumerGroup, name: string, key: string): Consumer {
  return g.consumers.get(name) ?? createConsumer(ctx, g, name, key);
}

function sortedByName<V>(m: Map<string, V>): V[] {
  const names = [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((n) => m.get(n)!);
}

/** streamRangeHasTombstones. */
function rangeHasTombstones(s: RedisStream, start: StreamId | null, end: StreamId | null): boolean {
  if (s.length === 0 || idIsZero(s.maxDeletedId)) return false;
  if (idCmp(s.firstId, s.maxDeletedId) > 0) return false;
  const a = start ?? ID_ZERO;
  const b = end ?? ID_MAX;
  return idCmp(a, s.maxDeletedId) <= 0 && idCmp(s.maxDeletedId, b) <= 0;
}

/** streamEstimateDistanceFromFirstEverEntry: -1 when unknown. */
function estimateDistance(s: RedisStream, id: StreamId): number | bigint {
  const added = s.entriesAdded;
  if (added === 0) return 0;
  if (s.length === 0 && idCmp(id, s.lastId) < 1) return added;
  const cmpLast = idCmp(id, s.lastId);
  if (cmpLast === 0) return added;
  if (cmpLast > 0) return INVALID_ENTRIES_READ;
  const cmpIdFirst = idCmp(id, s.firstId);
  const cmpXdelFirst = idCmp(s.maxDeletedId, s.firstId);
  if (idIsZero(s.maxDeletedId) || cmpXdelFirst < 0) {
    if (cmpIdFirst < 0) return sub64(added, s.length);
    if (cmpIdFirst === 0) return sub64(added, s.length - 1);
  }
  return INVALID_ENTRIES_READ;
}

function replyLag(r: Reply, s: RedisStream, g: ConsumerGroup): void {
  const added = s.entriesAdded;
  if (added === 0) r.integer(0);
  else if (g.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(s, g.lastId, null)) r.integer(sub64(added, g.entriesRead));
  else {
    const er = estimateDistance(s, g.lastId);
    if (er !== INVALID_ENTRIES_READ) r.integer(sub64(added, er));
    else r.nullBulk();
  }
}

/**
 * streamReplyWithRange for XREADGROUP with ">" (new entries): updates last_id / entries_read
 * and the PELs. Returns the number served.
 */
function serveNewToGroup(ctx: ExecContext, s: RedisStream, start: StreamId, count: number, g: ConsumerGroup, consumer: Consumer, noack: boolean): void {
  const out: StreamEntry[] = [];
  s.range(start, ID_MAX, false, count, (e) => {
    out.push(e);
  });
  const r = ctx.reply;
  r.array(out.length);
  for (const e of out) {
    const id = e.id;
    if (idCmp(id, g.lastId) > 0) {
      if (g.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(s, id, null)) g.entriesRead++;
      else if (s.entriesAdded !== 0) g.entriesRead = Number(estimateDistance(s, id));
      g.lastId = id;
    }
    replyEntry(r, e);
    if (!noack) {
      const existing = g.pel.get(id);
      if (existing === undefined) {
        const nack: Nack = { id, consumer, deliveryTime: ctx.now, deliveryCount: 1 };
        g.pel.insert(nack);
        consumer.pel.insert(nack);
      } else {
        existing.consumer.pel.delete(id);
        existing.consumer = consumer;
        existing.deliveryTime = ctx.now;
        existing.deliveryCount = 1;
        consumer.pel.insert(existing);
      }
    }
  }
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's history from `start`. */
function serveHistory(ctx: ExecContext, s: RedisStream, start: StreamId, count: number, consumer: Consumer): void {
  const items = consumer.pel.items;
  const r = ctx.reply;
  let i = consumer.pel.lowerBound(start);
  const n = count > 0 ? Math.min(count, items.length - i) : items.length - i;
  r.array(Math.max(0, n));
  for (let k = 0; k < n; k++, i++) {
    const nack = items[i]!;
    const e = s.get(nack.id);
    if (e === undefined) {
      r.array(2);
      replyId(r, nack.id);
      r.nullArray();
    } else {
      replyEntry(r, e);
      nack.deliveryTime = ctx.now;
      nack.deliveryCount++;
    }
  }
}

// ----- XADD / XTRIM --------------------------------------------------------------------------

interface TrimArgs {
  strategy: 'none' | 'maxlen' | 'minid';
  maxlen: number;
  minid: StreamId;
  approx: boolean;
  limit: number;
  noMkstream: boolean;
  id: StreamId | null;
  seqGiven: boolean;
}

/** streamParseAddOrTrimArgsOrReply: the ID position for XADD (or argc for XTRIM), -1 on error. */
function parseAddOrTrim(ctx: ExecContext, argv: string[], xadd: boolean, a: TrimArgs): number {
  let i = 2;
  let limitGiven = false;
  const argc = argv.length;
  for (; i < argc; i++) {
    const moreargs = argc - 1 - i;
    const opt = argv[i]!;
    if (xadd && opt === '*') break;
    const lower = opt.toLowerCase();
    if ((lower === 'maxlen' || lower === 'minid') && moreargs) {
      if (a.strategy !== 'none') {
        ctx.reply.error(ERR_BOTH_STRATEGIES);
        return -1;
      }
      a.approx = false;
      const next = argv[i + 1]!;
      if (moreargs >= 2 && next === '~') {
        a.approx = true;
        i++;
      } else if (moreargs >= 2 && next === '=') i++;
      if (lower === 'maxlen') {
        const v = longLongOrReply(ctx, argv[i + 1]!);
        if (v === null) return -1;
        if (v < 0) {
          ctx.reply.error('ERR The MAXLEN argument must be >= 0.');
          return -1;
        }
        a.maxlen = v;
        a.strategy = 'maxlen';
      } else {
        const id = strictIdOrReply(ctx, argv[i + 1]!);
        if (id === null) return -1;
        a.minid = id;
        a.strategy = 'minid';
      }
      i++;
    } else if (lower === 'limit' && moreargs) {
      const v = longLongOrReply(ctx, argv[i + 1]!);
      if (v === null) return -1;
      if (v < 0) {
        ctx.reply.error('ERR The LIMIT argument must be >= 0.');
        return -1;
      }
      a.limit = v;
      limitGiven = true;
      i++;
    } else if (xadd && lower === 'nomkstream') {
      a.noMkstream = true;
    } else if (xadd) {
      const p = parseIdGeneric(opt, 0, true, true);
      if (p === null) {
        ctx.reply.error(ERR_INVALID_ID);
        return -1;
      }
      a.id = p.id;
      a.seqGiven = p.seqGiven;
      break;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return -1;
    }
  }
  if (a.limit && a.strategy === 'none') {
    ctx.reply.error('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
    return -1;
  }
  if (!xadd && a.strategy === 'none') {
    ctx.reply.error('ERR syntax error, XTRIM must be called with a trimming strategy');
    return -1;
  }
  // Redis zeroes the limit for commands from its master / AOF because it rewrote them to exact
  // trims before propagating; keyraft replays the original command on the same state with the
  // same limit, which is deterministic, so the limit is kept.
  if (limitGiven) {
    if (!a.approx) {
      ctx.reply.error('ERR syntax error, LIMIT cannot be used without the special ~ option');
      return -1;
    }
  } else if (a.approx) {
    a.limit = 100 * ctx.server.config.int('stream-node-max-entries');
    if (a.limit <= 0) a.limit = 10000;
    if (a.limit > 1000000) a.limit = 1000000;
  } else a.limit = 0;
  return i;
}

function newTrimArgs(): TrimArgs {
  return { strategy: 'none', maxlen: 0, minid: ID_ZERO, approx: false, limit: 0, noMkstream: false, id: null, seqGiven: true };
}

function doTrim(s: RedisStream, a: TrimArgs): number {
  if (a.strategy === 'none') return 0;
  return s.trim(a.strategy === 'maxlen' ? a.maxlen : -1, a.strategy === 'minid' ? a.minid : null, a.approx, a.limit);
}

function xadd(ctx: ExecContext, argv: string[]): void {
  const a = newTrimArgs();
  const idpos = parseAddOrTrim(ctx, argv, true, a);
  if (idpos < 0) return;
  const fieldPos = idpos + 1;
  const nf = argv.length - fieldPos;
  if (nf < 2 || nf % 2 === 1) {
    ctx.reply.error("ERR wrong number of arguments for 'xadd' command");
    return;
  }
  if (a.id !== null && a.seqGiven && idIsZero(a.id)) {
    ctx.reply.error(ERR_XADD_ZERO);
    return;
  }
  const key = argv[1]!;
  let s = writeStream(ctx, key);
  if (s === undefined) return;
  if (s === null) {
    if (a.noMkstream) {
      ctx.reply.nullBulk();
      return;
    }
    s = new RedisStream();
    ctx.db.set(key, s);
  }
  s.nodeMaxBytes = ctx.server.config.int('stream-node-max-bytes');
  s.nodeMaxEntries = ctx.server.config.int('stream-node-max-entries');
  if (idEq(s.lastId, ID_MAX)) {
    ctx.reply.error(ERR_EXHAUSTED);
    return;
  }
  let id: StreamId;
  if (a.id !== null) {
    if (a.seqGiven) id = a.id;
    else if (s.lastId.ms === a.id.ms) {
      const next = idIncr(s.lastId);
      if (next === null || next.ms !== s.lastId.ms) {
        ctx.reply.error('ERR Elements are too large to be stored');
        return;
      }
      id = next;
    } else id = a.id;
  } else {
    const now = ctx.now;
    id = now > s.lastId.ms ? { ms: now, seq: 0 } : idIncr(s.lastId)!;
  }
  if (idCmp(id, s.lastId) <= 0) {
    ctx.reply.error(ERR_XADD_SMALLER);
    return;
  }
  s.append(id, argv.slice(fieldPos));
  ctx.reply.bulk(idStr(id));
  ctx.modified(key);
  ctx.notify('t', 'xadd', key);
  ctx.dirty();
  if (a.strategy !== 'none' && doTrim(s, a) > 0) ctx.notify('t', 'xtrim', key);
}

function xtrim(ctx: ExecContext, argv: string[]): void {
  const a = newTrimArgs();
  if (parseAddOrTrim(ctx, argv, false, a) < 0) return;
  const key = argv[1]!;
  const s = writeStream(ctx, key);
  if (s === undefined) return;
  if (s === null) {
    ctx.reply.integer(0);
    return;
  }
  const deleted = doTrim(s, a);
  if (deleted) {
    ctx.notify('t', 'xtrim', key);
    ctx.modified(key);
    ctx.dirty(deleted);
  }
  ctx.reply.integer(deleted);
}

// ----- XRANGE / XREVRANGE / XLEN / XDEL / XSETID ----------------------------------------------

function xrangeGeneric(ctx: ExecContext, argv: string[], rev: boolean): void {
  const startArg = rev ? argv[3]! : argv[2]!;
  const endArg = rev ? argv[2]! : argv[3]!;
  const sp = intervalIdOrReply(ctx, startArg, 0);
  if (sp === null) return;
  let start: StreamId | null = sp.id;
  if (sp.ex) {
    start = idIncr(start);
    if (start === null) {
      ctx.reply.error('ERR invalid start ID for the interval');
      return;
    }
  }
  const ep = intervalIdOrReply(ctx, endArg, U64_MAX);
  if (ep === null) return;
  let end: StreamId | null = ep.id;
  if (ep.ex) {
    end = idDecr(end);
    if (end === null) {
      ctx.reply.error('ERR invalid end ID for the interval');
      return;
    }
  }
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    if (eqi(argv[j]!, 'count') && additional >= 1) {
      const v = longLongOrReply(ctx, argv[j + 1]!);
      if (v === null) return;
      count = v < 0 ? 0 : v;
      j++;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }
  const s = readStream(ctx, argv[1]!);
  if (s === undefined) return;
  if (s === null) {
    ctx.reply.array(0);
    return;
  }
  if (count === 0) {
    ctx.reply.nullArray();
    return;
  }
  replyRange(ctx.reply, s, start, end, rev, count < 0 ? 0 : count);
}

function xlen(ctx: ExecContext, argv: string[]): void {
  const s = readStream(ctx, argv[1]!);
  if (s === undefined) return;
  ctx.reply.integer(s === null ? 0 : s.length);
}

function xdel(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  const s = writeStream(ctx, key);
  if (s === undefined) return;
  if (s === null) {
    ctx.reply.integer(0);
    return;
  }
  const ids = strictIdsOrReply(ctx, argv, 2);
  if (ids === null) return;
  let deleted = 0;
  for (const id of ids) if (s.delete(id)) deleted++;
  if (deleted) {
    ctx.modified(key);
    ctx.notify('t', 'xdel', key);
    ctx.dirty(deleted);
  }
  ctx.reply.integer(deleted);
}

function xsetid(ctx: ExecContext, argv: string[]): void {
  const id = strictIdOrReply(ctx, argv[2]!);
  if (id === null) return;
  let entriesAdded: number | bigint = -1;
  let maxXdel: StreamId = ID_ZERO;
  let i = 3;
  while (i < argv.length) {
    const moreargs = argv.length - 1 - i;
    const opt = argv[i]!.toLowerCase();
    if (opt === 'entriesadded' && moreargs) {
      const v = parseInt64(argv[i + 1]!);
      if (v === null) return ctx.reply.error(ERR_NOT_INTEGER);
      if (v < 0) {
        ctx.reply.error('ERR entries_added must be positive');
        return;
      }
      entriesAdded = v;
      i += 2;
    } else if (opt === 'maxdeletedid' && moreargs) {
      const m = strictIdOrReply(ctx, argv[i + 1]!);
      if (m === null) return;
      if (idCmp(id, m) < 0) {
        ctx.reply.error('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
        return;
      }
      maxXdel = m;
      i += 2;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }
  const key = argv[1]!;
  const s = writeStream(ctx, key);
  if (s === undefined) return;
  if (s === null) {
    ctx.reply.error(ERR_NO_SUCH_KEY);
    return;
  }
  if (s.length > 0) {
    const maxid = s.edgeId(false)!;
    if (idCmp(id, maxid) < 0) {
      ctx.reply.error('ERR The ID specified in XSETID is smaller than the target stream top item');
      return;
    }
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      ctx.reply.error('ERR The entries_added specified in XSETID is smaller than the target stream length');
      return;
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (!idIsZero(maxXdel)) s.maxDeletedId = maxXdel;
  ctx.modified(key);
  ctx.notify('t', 'xsetid', key);
  ctx.dirty();
  ctx.reply.ok();
}

// ----- XREAD / XREADGROUP ----------------------------------------------------------------------

function replyNullArray(r: Reply): void {
  r.nullArray();
}

function isRetry(ctx: ExecContext): boolean {
  return ctx.client !== null && ctx.client.blocked !== null;
}

function xreadGeneric(ctx: ExecContext, argv: string[], xreadgroup: boolean): void {
  const argc = argv.length;
  let timeout = -1;
  let count = 0;
  let streamsArg = 0;
  let streamsCount = 0;
  let noack = false;
  let groupName: string | null = null;
  let consumerName = '';
  for (let i = 1; i < argc; i++) {
    const moreargs = argc - i - 1;
    const o = argv[i]!.toLowerCase();
    if (o === 'block' && moreargs) {
      i++;
      const t = parseTimeoutMilliseconds(argv[i]!);
      if ('error' in t) {
        ctx.reply.error(t.error);
        return;
      }
      timeout = t.ms;
    } else if (o === 'count' && moreargs) {
      i++;
      const v = longLongOrReply(ctx, argv[i]!);
      if (v === null) return;
      count = v < 0 ? 0 : v;
    } else if (o === 'streams' && moreargs) {
      streamsArg = i + 1;
      streamsCount = argc - streamsArg;
      if (streamsCount % 2 !== 0) {
        ctx.reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        return;
      }
      streamsCount /= 2;
      break;
    } else if (o === 'group' && moreargs >= 2) {
      if (!xreadgroup) {
        ctx.reply.error('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
        return;
      }
      groupName = argv[i + 1]!;
      consumerName = argv[i + 2]!;
      i += 2;
    } else if (o === 'noack') {
      if (!xreadgroup) {
        ctx.reply.error('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
        return;
      }
      noack = true;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }
  if (streamsArg === 0) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  if (xreadgroup && groupName === null) {
    ctx.reply.error('ERR Missing GROUP option for XREADGROUP');
    return;
  }
  const retry = isRetry(ctx);
  const ids: (StreamId | null)[] = []; // null = ">"
  const groups: ConsumerGroup[] = [];
  let resolvedDollar = false;
  for (let i = streamsArg + streamsCount; i < argc; i++) {
    const idIdx = i - streamsArg - streamsCount;
    const key = argv[i - streamsCount]!;
    const v = ctx.lookupRead(key);
    let s: RedisStream | null = null;
    if (v !== undefined) {
      if (!(v instanceof RedisStream)) {
        if (retry) {
          // Redis serves a blocked client only from a stream key: keep waiting.
          ctx.block(argv.slice(streamsArg, streamsArg + streamsCount), 0, replyNullArray);
          return;
        }
        ctx.reply.error(ERR_WRONGTYPE);
        return;
      }
      s = v;
    }
    if (groupName !== null) {
      const g = s?.groups.get(groupName);
      if (s === null || g === undefined) {
        if (retry) {
          if (s === null) {
            ctx.block(argv.slice(streamsArg, streamsArg + streamsCount), 0, replyNullArray);
            return;
          }
          ctx.reply.error('NOGROUP the consumer group this client was blocked on no longer exists');
          return;
        }
        ctx.reply.error(`NOGROUP No such key '${key}' or consumer group '${groupName}' in XREADGROUP with GROUP option`);
        return;
      }
      groups[idIdx] = g;
    }
    const arg = argv[i]!;
    if (arg === '$') {
      if (xreadgroup) {
        ctx.reply.error(
          'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
        );
        return;
      }
      ids[idIdx] = s !== null ? s.lastId : ID_ZERO;
      resolvedDollar = true;
      continue;
    } else if (arg === '>') {
      if (!xreadgroup) {
        ctx.reply.error('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
        return;
      }
      ids[idIdx] = null;
      continue;
    }
    const id = strictIdOrReply(ctx, arg);
    if (id === null) return;
    // Redis marks ">" with the largest ID, so that explicit ID means ">" too.
    ids[idIdx] = xreadgroup && idEq(id, ID_MAX) ? null : id;
  }

  // Try to serve synchronously.
  const effCount = retry && count === 0 ? XREAD_BLOCKED_DEFAULT_COUNT : count;
  const r = ctx.reply;
  const served: { i: number; s: RedisStream; gt: StreamId; history: boolean }[] = [];
  for (let i = 0; i < streamsCount; i++) {
    const v = ctx.lookupRead(argv[streamsArg + i]!);
    if (!(v instanceof RedisStream)) continue;
    const s = v;
    let gt = ids[i]!;
    if (groupName !== null) {
      if (gt !== null) served.push({ i, s, gt, history: true });
      else if (s.length) {
        const maxid = s.edgeId(false)!;
        const last = groups[i]!.lastId;
        if (idCmp(maxid, last) > 0) served.push({ i, s, gt: last, history: false });
      }
    } else if (s.length) {
      const maxid = s.edgeId(false)!;
      if (idCmp(maxid, gt!) > 0) served.push({ i, s, gt: gt!, history: false });
    }
  }
  if (served.length > 0) {
    // A re-run without COUNT read at most XREAD_BLOCKED_DEFAULT_COUNT entries: record that, so
    // replaying the entry (where the command runs as a first run) delivers the same ones.
    if (retry && count === 0 && groupName !== null) ctx.recordEntryAs([[argv[0]!, 'COUNT', String(XREAD_BLOCKED_DEFAULT_COUNT), ...argv.slice(1)]]);
    if (r.resp === 2) r.array(served.length);
    else r.map(served.length);
    for (const { i, s, gt, history } of served) {
      const key = argv[streamsArg + i]!;
      // streamIncrID wraps the largest ID to 0-0.
      const start = idIncr(gt) ?? ID_ZERO;
      if (r.resp === 2) r.array(2);
      r.bulk(key);
      if (groupName !== null) {
        const g = groups[i]!;
        const consumer = lookupOrCreateConsumer(ctx, g, consumerName, key);
        consumer.seenTime = ctx.now;
        if (history) {
          serveHistory(ctx, s, start, effCount, consumer);
        } else serveNewToGroup(ctx, s, start, effCount, g, consumer, noack);
        ctx.dirty();
      } else {
        replyRange(r, s, start, ID_MAX, false, effCount);
      }
    }
    return;
  }
  if (timeout !== -1) {
    if (!ctx.canBlock) {
      r.nullArray();
      return;
    }
    const keys = argv.slice(streamsArg, streamsArg + streamsCount);
    ctx.block(keys, timeout, replyNullArray);
    if (resolvedDollar && !retry && ctx.client !== null && ctx.client.blocked !== null) {
      const fixed = argv.slice();
      for (let i = 0; i < streamsCount; i++) if (argv[streamsArg + streamsCount + i] === '$') fixed[streamsArg + streamsCount + i] = idStr(ids[i]!);
      ctx.client.blocked.argv = fixed;
    }
    return;
  }
  r.nullArray();
}

// ----- XACK / XPENDING / XCLAIM / XAUTOCLAIM -----------------------------------------------------

function xack(ctx: ExecContext, argv: string[]): void {
  const s = readStream(ctx, argv[1]!);
  if (s === undefined) return;
  const g = s?.groups.get(argv[2]!);
  if (s === null || g === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const ids = strictIdsOrReply(ctx, argv, 3);
  if (ids === null) return;
  let acked = 0;
  for (const id of ids) {
    const nack = g.pel.delete(id);
    if (nack !== undefined) {
      nack.consumer.pel.delete(id);
      acked++;
      ctx.dirty();
    }
  }
  ctx.reply.integer(acked);
}

function xpending(ctx: ExecContext, argv: string[]): void {
  const argc = argv.length;
  const justinfo = argc === 3;
  let start: StreamId = ID_ZERO;
  let end: StreamId = ID_MAX;
  let count = 0;
  let minidle = 0;
  let consumerName: string | null = null;
  if (argc !== 3 && (argc < 6 || argc > 9)) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  if (argc >= 6) {
    let startidx = 3;
    if (eqi(argv[3]!, 'idle')) {
      const v = longLongOrReply(ctx, argv[4]!);
      if (v === null) return;
      minidle = v;
      if (argc < 8) {
        ctx.reply.error(ERR_SYNTAX);
        return;
      }
      startidx += 2;
    }
    const c = longLongOrReply(ctx, argv[startidx + 2]!);
    if (c === null) return;
    count = c < 0 ? 0 : c;
    const sp = intervalIdOrReply(ctx, argv[startidx]!, 0);
    if (sp === null) return;
    if (sp.ex) {
      const n = idIncr(sp.id);
      if (n === null) {
        ctx.reply.error('ERR invalid start ID for the interval');
        return;
      }
      start = n;
    } else start = sp.id;
    const ep = intervalIdOrReply(ctx, argv[startidx + 1]!, U64_MAX);
    if (ep === null) return;
    if (ep.ex) {
      const n = idDecr(ep.id);
      if (n === null) {
        ctx.reply.error('ERR invalid end ID for the interval');
        return;
      }
      end = n;
    } else end = ep.id;
    if (startidx + 3 < argc) consumerName = argv[startidx + 3]!;
  }
  const s = readStream(ctx, argv[1]!);
  if (s === undefined) return;
  const g = s?.groups.get(argv[2]!);
  if (s === null || g === undefined) {
    ctx.reply.error(`NOGROUP No such key '${argv[1]}' or consumer group '${argv[2]}'`);
    return;
  }
  const r = ctx.reply;
  if (justinfo) {
    r.array(4);
    r.integer(g.pel.size);
    if (g.pel.size === 0) {
      r.nullBulk();
      r.nullBulk();
      r.nullArray();
      return;
    }
    replyId(r, g.pel.items[0]!.id);
    replyId(r, g.pel.items[g.pel.size - 1]!.id);
    const cs = sortedByName(g.consumers).filter((c) => c.pel.size > 0);
    r.array(cs.length);
    for (const c of cs) {
      r.array(2);
      r.bulk(c.name);
      r.bulk(String(c.pel.size));
    }
    return;
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const c = g.consumers.get(consumerName);
    if (c === undefined) {
      r.array(0);
      return;
    }
    pel = c.pel;
  }
  const now = ctx.now;
  const out: Nack[] = [];
  for (let i = pel.lowerBound(start); count && i < pel.items.length; i++) {
    const n = pel.items[i]!;
    if (idCmp(n.id, end) > 0) break;
    if (minidle && now - n.deliveryTime < minidle) continue;
    out.push(n);
    count--;
  }
  r.array(out.length);
  for (const n of out) {
    r.array(4);
    replyId(r, n.id);
    r.bulk(n.consumer.name);
    r.integer(Math.max(0, now - n.deliveryTime));
    r.integer(i64(n.deliveryCount));
  }
}

function xclaim(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  const s = readStream(ctx, key);
  if (s === undefined) return;
  const g = s?.groups.get(argv[2]!);
  if (s === null || g === undefined) {
    ctx.reply.error(`NOGROUP No such key '${key}' or consumer group '${argv[2]}'`);
    return;
  }
  let minidle = longLongOrReply(ctx, argv[4]!, 'Invalid min-idle-time argument for XCLAIM');
  if (minidle === null) return;
  if (minidle < 0) minidle = 0;
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const p = parseIdGeneric(argv[j]!, 0, true, false);
    if (p === null) break;
    ids.push(p.id);
  }
  const now = ctx.now;
  let force = false;
  let justid = false;
  let deliveryTime = -1;
  let retrycount = -1;
  let lastId: StreamId = ID_ZERO;
  for (; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    const opt = argv[j]!;
    const lower = opt.toLowerCase();
    if (lower === 'force') force = true;
    else if (lower === 'justid') justid = true;
    else if (lower === 'idle' && moreargs) {
      j++;
      const v = longLongOrReply(ctx, argv[j]!, 'Invalid IDLE option argument for XCLAIM');
      if (v === null) return;
      deliveryTime = now - v;
    } else if (lower === 'time' && moreargs) {
      j++;
      const v = longLongOrReply(ctx, argv[j]!, 'Invalid TIME option argument for XCLAIM');
      if (v === null) return;
      deliveryTime = v;
    } else if (lower === 'retrycount' && moreargs) {
      j++;
      const v = longLongOrReply(ctx, argv[j]!, 'Invalid RETRYCOUNT option argument for XCLAIM');
      if (v === null) return;
      retrycount = v;
    } else if (lower === 'lastid' && moreargs) {
      j++;
      const id = strictIdOrReply(ctx, argv[j]!);
      if (id === null) return;
      lastId = id;
    } else {
      ctx.reply.error(`ERR Unrecognized XCLAIM option '${opt}'`);
      return;
    }
  }
  if (idCmp(lastId, g.lastId) > 0) {
    g.lastId = lastId;
    ctx.dirty();
  }
  if (deliveryTime !== -1) {
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  } else deliveryTime = now;
  const name = argv[3]!;
  let consumer: Consumer | null = null;
  const r = ctx.reply;
  const replies: ({ id: StreamId } | StreamEntry)[] = [];
  for (const id of ids) {
    let nack = g.pel.get(id);
    const e = s.get(id);
    if (e === undefined) {
      if (nack !== undefined) {
        ctx.dirty();
        g.pel.delete(id);
        nack.consumer.pel.delete(id);
      }
      continue;
    }
    let fresh = false;
    if (force && nack === undefined) {
      nack = { id, consumer: null as unknown as Consumer, deliveryTime: now, deliveryCount: 1 };
      g.pel.insert(nack);
      fresh = true;
    }
    if (nack === undefined) continue;
    if (!fresh && minidle && now - nack.deliveryTime < minidle) continue;
    if (consumer === null) consumer = lookupOrCreateConsumer(ctx, g, name, key);
    if (nack.consumer !== consumer && !fresh) nack.consumer.pel.delete(id);
    nack.deliveryTime = deliveryTime;
    if (retrycount >= 0) nack.deliveryCount = retrycount;
    else if (!justid) nack.deliveryCount++;
    if (nack.consumer !== consumer) {
      consumer.pel.insert(nack);
      nack.consumer = consumer;
    }
    replies.push(justid ? { id } : e);
    ctx.dirty();
  }
  r.array(replies.length);
  for (const x of replies) {
    if (justid) replyId(r, x.id);
    else replyEntry(r, x as StreamEntry);
  }
}

function xautoclaim(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  let minidle = longLongOrReply(ctx, argv[4]!, 'Invalid min-idle-time argument for XAUTOCLAIM');
  if (minidle === null) return;
  if (minidle < 0) minidle = 0;
  const sp = intervalIdOrReply(ctx, argv[5]!, 0);
  if (sp === null) return;
  let start = sp.id;
  if (sp.ex) {
    const n = idIncr(start);
    if (n === null) {
      ctx.reply.error('ERR invalid start ID for the interval');
      return;
    }
    start = n;
  }
  let count = 100;
  let justid = false;
  // LONG_MAX / max(sizeof(streamID), attempts factor 10)
  const maxCount = ((1n << 63n) - 1n) / 16n;
  for (let j = 6; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    const opt = argv[j]!.toLowerCase();
    if (opt === 'count' && moreargs) {
      const v = parseInt64(argv[j + 1]!);
      if (v === null || v < 1 || BigInt(v) > maxCount) {
        ctx.reply.error('ERR COUNT must be > 0');
        return;
      }
      count = Number(v);
      j++;
    } else if (opt === 'justid') justid = true;
    else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }
  const s = readStream(ctx, key);
  if (s === undefined) return;
  const g = s?.groups.get(argv[2]!);
  if (s === null || g === undefined) {
    ctx.reply.error(`NOGROUP No such key '${key}' or consumer group '${argv[2]}'`);
    return;
  }
  // Redis allocates COUNT stream IDs up front; past the address space (about 2^42 IDs on
  // x86-64 Linux) the allocation fails with this error.
  if (count > 2 ** 42) {
    ctx.reply.error('ERR Insufficient memory, failed allocating transient memory, COUNT too high.');
    return;
  }
  let attempts = count * 10;
  const now = ctx.now;
  const name = argv[3]!;
  let consumer: Consumer | null = null;
  const claimed: ({ id: StreamId } | StreamEntry)[] = [];
  const deletedIds: StreamId[] = [];
  const items = g.pel.items;
  let pos = g.pel.lowerBound(start);
  while (attempts-- > 0 && count && pos < items.length) {
    const nack = items[pos]!;
    const id = nack.id;
    const e = s.get(id);
    if (e === undefined) {
      ctx.dirty();
      items.splice(pos, 1);
      nack.consumer.pel.delete(id);
      deletedIds.push(id);
      count--;
      continue;
    }
    pos++;
    if (minidle && now - nack.deliveryTime < minidle) continue;
    if (consumer === null) consumer = lookupOrCreateConsumer(ctx, g, name, key);
    if (nack.consumer !== consumer) nack.consumer.pel.delete(id);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    if (nack.consumer !== consumer) {
      consumer.pel.insert(nack);
      nack.consumer = consumer;
    }
    claimed.push(justid ? { id } : e);
    count--;
    ctx.dirty();
  }
  const endId = pos < items.length ? items[pos]!.id : ID_ZERO;
  const r = ctx.reply;
  r.array(3);
  replyId(r, endId);
  r.array(claimed.length);
  for (const x of claimed) {
    if (justid) replyId(r, x.id);
    else replyEntry(r, x as StreamEntry);
  }
  r.array(deletedIds.length);
  for (const id of deletedIds) replyId(r, id);
}

// ----- XGROUP ------------------------------------------------------------------------------------

function subcommandSyntaxError(ctx: ExecContext, argv: string[]): void {
  ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]!.slice(0, 128)}'. Try ${argv[0]!.toUpperCase()} HELP.`);
}

/** The common preamble of XGROUP subcommands (options, key, group). */
function xgroupPrepare(ctx: ExecContext, argv: string[], sub: string): { s: RedisStream | null; g: ConsumerGroup | undefined; entriesRead: number; mkstream: boolean } | null {
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  if (sub === 'create' || sub === 'setid') {
    let i = 5;
    while (i < argv.length) {
      const a = argv[i]!.toLowerCase();
      if (sub === 'create' && a === 'mkstream') {
        mkstream = true;
        i++;
      } else if (a === 'entriesread' && i + 1 < argv.length) {
        const v = longLongOrReply(ctx, argv[i + 1]!);
        if (v === null) return null;
        if (v < 0 && v !== INVALID_ENTRIES_READ) {
          ctx.reply.error('ERR value for ENTRIESREAD must be positive or -1');
          return null;
        }
        entriesRead = v;
        i += 2;
      } else {
        subcommandSyntaxError(ctx, argv);
        return null;
      }
    }
  }
  const s = writeStream(ctx, argv[2]!);
  if (s === undefined) return null;
  const grp = argv[3]!;
  let g: ConsumerGroup | undefined;
  if (!mkstream) {
    if (s === null) {
      ctx.reply.error(
        'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
      );
      return null;
    }
    g = s.groups.get(grp);
    if (g === undefined && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) {
      ctx.reply.error(`NOGROUP No such consumer group '${grp}' for key name '${argv[2]}'`);
      return null;
    }
  } else if (s !== null) g = s.groups.get(grp);
  return { s, g, entriesRead, mkstream };
}

function xgroupCreate(ctx: ExecContext, argv: string[]): void {
  const p = xgroupPrepare(ctx, argv, 'create');
  if (p === null) return;
  if (argv.length > 8) return subcommandSyntaxError(ctx, argv);
  let s = p.s;
  const key = argv[2]!;
  let id: StreamId;
  if (argv[4] === '$') id = s !== null ? s.lastId : ID_ZERO;
  else {
    const x = strictIdOrReply(ctx, argv[4]!);
    if (x === null) return;
    id = x;
  }
  if (s === null) {
    s = new RedisStream();
    ctx.db.set(key, s);
    ctx.modified(key);
  }
  const name = argv[3]!;
  if (s.groups.has(name)) {
    ctx.reply.error('BUSYGROUP Consumer Group name already exists');
    return;
  }
  s.groups.set(name, { name, lastId: id, entriesRead: p.entriesRead, pel: new SortedIdMap<Nack>(), consumers: new Map() });
  ctx.reply.ok();
  ctx.dirty();
  ctx.notify('t', 'xgroup-create', key);
}

function xgroupSetid(ctx: ExecContext, argv: string[]): void {
  const p = xgroupPrepare(ctx, argv, 'setid');
  if (p === null) return;
  if (argv.length !== 5 && argv.length !== 7) return subcommandSyntaxError(ctx, argv);
  const s = p.s!;
  const g = p.g!;
  let id: StreamId;
  if (argv[4] === '$') id = s.lastId;
  else {
    const x = parseIdGeneric(argv[4]!, 0, false, false);
    if (x === null) {
      ctx.reply.error(ERR_INVALID_ID);
      return;
    }
    id = x.id;
  }
  g.lastId = id;
  g.entriesRead = p.entriesRead;
  ctx.reply.ok();
  ctx.dirty();
  ctx.notify('t', 'xgroup-setid', argv[2]!);
}

function xgroupDestroy(ctx: ExecContext, argv: string[]): void {
  const p = xgroupPrepare(ctx, argv, 'destroy');
  if (p === null) return;
  const key = argv[2]!;
  if (p.g !== undefined) {
    p.s!.groups.delete(argv[3]!);
    ctx.reply.integer(1);
    ctx.dirty();
    ctx.notify('t', 'xgroup-destroy', key);
    ctx.modified(key);
  } else ctx.reply.integer(0);
}

function xgroupCreateConsumer(ctx: ExecContext, argv: string[]): void {
  const p = xgroupPrepare(ctx, argv, 'createconsumer');
  if (p === null) return;
  const g = p.g!;
  if (g.consumers.has(argv[4]!)) ctx.reply.integer(0);
  else {
    createConsumer(ctx, g, argv[4]!, argv[2]!);
    ctx.reply.integer(1);
  }
}

function xgroupDelConsumer(ctx: ExecContext, argv: string[]): void {
  const p = xgroupPrepare(ctx, argv, 'delconsumer');
  if (p === null) return;
  const g = p.g!;
  const c = g.consumers.get(argv[4]!);
  let pending = 0;
  if (c !== undefined) {
    pending = c.pel.size;
    for (const n of c.pel.items) g.pel.delete(n.id);
    g.consumers.delete(c.name);
    ctx.dirty();
    ctx.notify('t', 'xgroup-delconsumer', argv[2]!);
  }
  ctx.reply.integer(pending);
}

// ----- XINFO -------------------------------------------------------------------------------------

function replyEdge(r: Reply, s: RedisStream, first: boolean): void {
  let found: StreamEntry | null = null;
  s.range(ID_ZERO, ID_MAX, !first, 1, (e) => {
    found = e;
  });
  if (found === null) r.nullBulk();
  else replyEntry(r, found);
}

function xinfoStream(ctx: ExecContext, argv: string[]): void {
  const s = readStream(ctx, argv[2]!);
  if (s === undefined) return;
  if (s === null) return ctx.reply.error(ERR_NO_SUCH_KEY);
  const argc = argv.length;
  let full = true;
  let count = 10;
  if (argc < 3 || argc > 6) return subcommandSyntaxError(ctx, argv);
  if (argc === 3) full = false;
  else if (!eqi(argv[3]!, 'full')) return subcommandSyntaxError(ctx, argv);
  else if (argc > 4) {
    if (argc !== 6 || !eqi(argv[4]!, 'count')) return subcommandSyntaxError(ctx, argv);
    const v = longLongOrReply(ctx, argv[5]!);
    if (v === null) return;
    count = v < 0 ? 0 : v;
  }
  const r = ctx.reply;
  r.map(full ? 9 : 10);
  r.bulk('length');
  r.integer(s.length);
  r.bulk('radix-tree-keys');
  r.integer(s.nodeCount);
  r.bulk('radix-tree-nodes');
  r.integer(s.raxNodeCount());
  r.bulk('last-generated-id');
  replyId(r, s.lastId);
  r.bulk('max-deleted-entry-id');
  replyId(r, s.maxDeletedId);
  r.bulk('entries-added');
  r.integer(s.entriesAdded);
  r.bulk('recorded-first-entry-id');
  replyId(r, s.firstId);
  if (!full) {
    r.bulk('groups');
    r.integer(s.groups.size);
    r.bulk('first-entry');
    replyEdge(r, s, true);
    r.bulk('last-entry');
    replyEdge(r, s, false);
    return;
  }
  r.bulk('entries');
  replyRange(r, s, ID_ZERO, ID_MAX, false, count);
  r.bulk('groups');
  const groups = sortedByName(s.groups);
  r.array(groups.length);
  for (const g of groups) {
    r.map(7);
    r.bulk('name');
    r.bulk(g.name);
    r.bulk('last-delivered-id');
    replyId(r, g.lastId);
    r.bulk('entries-read');
    if (g.entriesRead !== INVALID_ENTRIES_READ) r.integer(i64(g.entriesRead));
    else r.nullBulk();
    r.bulk('lag');
    replyLag(r, s, g);
    r.bulk('pel-count');
    r.integer(g.pel.size);
    r.bulk('pending');
    const pn = count ? Math.min(count, g.pel.size) : g.pel.size;
    r.array(pn);
    for (let i = 0; i < pn; i++) {
      const n = g.pel.items[i]!;
      r.array(4);
      replyId(r, n.id);
      r.bulk(n.consumer.name);
      r.integer(n.deliveryTime);
      r.integer(i64(n.deliveryCount));
    }
    r.bulk('consumers');
    const cs = sortedByName(g.consumers);
    r.array(cs.length);
    for (const c of cs) {
      r.map(4);
      r.bulk('name');
      r.bulk(c.name);
      r.bulk('seen-time');
      r.integer(c.seenTime);
      r.bulk('pel-count');
      r.integer(c.pel.size);
      r.bulk('pending');
      const cn = count ? Math.min(count, c.pel.size) : c.pel.size;
      r.array(cn);
      for (let i = 0; i < cn; i++) {
        const n = c.pel.items[i]!;
        r.array(3);
        replyId(r, n.id);
        r.integer(n.deliveryTime);
        r.integer(i64(n.deliveryCount));
      }
    }
  }
}

function xinfoGroups(ctx: ExecContext, argv: string[]): void {
  const s = readStream(ctx, argv[2]!);
  if (s === undefined) return;
  if (s === null) return ctx.reply.error(ERR_NO_SUCH_KEY);
  const r = ctx.reply;
  const groups = sortedByName(s.groups);
  r.array(groups.length);
  for (const g of groups) {
    r.map(6);
    r.bulk('name');
    r.bulk(g.name);
    r.bulk('consumers');
    r.integer(g.consumers.size);
    r.bulk('pending');
    r.integer(g.pel.size);
    r.bulk('last-delivered-id');
    replyId(r, g.lastId);
    r.bulk('entries-read');
    if (g.entriesRead !== INVALID_ENTRIES_READ) r.integer(i64(g.entriesRead));
    else r.nullBulk();
    r.bulk('lag');
    replyLag(r, s, g);
  }
}

function xinfoConsumers(ctx: ExecContext, argv: string[]): void {
  const s = readStream(ctx, argv[2]!);
  if (s === undefined) return;
  if (s === null) return ctx.reply.error(ERR_NO_SUCH_KEY);
  const g = s.groups.get(argv[3]!);
  if (g === undefined) return ctx.reply.error(`NOGROUP No such consumer group '${argv[3]}' for key name '${argv[2]}'`);
  const r = ctx.reply;
  const cs = sortedByName(g.consumers);
  r.array(cs.length);
  for (const c of cs) {
    r.map(3);
    r.bulk('name');
    r.bulk(c.name);
    r.bulk('pending');
    r.integer(c.pel.size);
    r.bulk('idle');
    r.integer(Math.max(0, ctx.now - c.seenTime));
  }
}

// ----- the table ---------------------------------------------------------------------------

export const streamCommands: CommandDef[] = [
  { name: 'xadd', group: 'stream', summary: 'Appends a new message to a stream. Creates the key if it doesn\'t exist.', since: '5.0.0', handler: xadd },
  { name: 'xrange', group: 'stream', summary: 'Returns the messages from a stream within a range of IDs.', since: '5.0.0', handler: (ctx, argv) => xrangeGeneric(ctx, argv, false) },
  { name: 'xrevrange', group: 'stream', summary: 'Returns the messages from a stream within a range of IDs in reverse order.', since: '5.0.0', handler: (ctx, argv) => xrangeGeneric(ctx, argv, true) },
  { name: 'xlen', group: 'stream', summary: 'Return the number of messages in a stream.', since: '5.0.0', handler: xlen },
  { name: 'xdel', group: 'stream', summary: 'Returns the number of messages after removing them from a stream.', since: '5.0.0', handler: xdel },
  { name: 'xtrim', group: 'stream', summary: 'Deletes messages from the beginning of a stream.', since: '5.0.0', handler: xtrim },
  { name: 'xsetid', group: 'stream', summary: 'An internal command for replicating stream values.', since: '5.0.0', handler: xsetid },
  { name: 'xread', group: 'stream', summary: 'Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.', since: '5.0.0', handler: (ctx, argv) => xreadGeneric(ctx, argv, false) },
  { name: 'xreadgroup', group: 'stream', summary: 'Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.', since: '5.0.0', handler: (ctx, argv) => xreadGeneric(ctx, argv, true) },
  { name: 'xack', group: 'stream', summary: 'Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.', since: '5.0.0', handler: xack },
  { name: 'xpending', group: 'stream', summary: 'Returns the information and entries from a stream consumer group\'s pending entries list.', since: '5.0.0', handler: xpending },
  { name: 'xclaim', group: 'stream', summary: 'Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.', since: '5.0.0', handler: xclaim },
  { name: 'xautoclaim', group: 'stream', summary: 'Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.', since: '6.2.0', handler: xautoclaim },
  {
    name: 'xgroup',
    group: 'stream',
    summary: 'A container for consumer groups commands.',
    since: '5.0.0',
    subcommands: [
      { name: 'create', group: 'stream', summary: 'Creates a consumer group.', since: '5.0.0', handler: xgroupCreate },
      { name: 'setid', group: 'stream', summary: 'Sets the last-delivered ID of a consumer group.', since: '5.0.0', handler: xgroupSetid },
      { name: 'destroy', group: 'stream', summary: 'Destroys a consumer group.', since: '5.0.0', handler: xgroupDestroy },
      { name: 'createconsumer', group: 'stream', summary: 'Creates a consumer in a consumer group.', since: '6.2.0', handler: xgroupCreateConsumer },
      { name: 'delconsumer', group: 'stream', summary: 'Deletes a consumer from a consumer group.', since: '5.0.0', handler: xgroupDelConsumer },
      { name: 'help', group: 'stream', summary: 'Returns helpful text about the different subcommands.', since: '5.0.0', handler: (ctx) => replyHelp(ctx.reply, 'XGROUP', XGROUP_HELP) },
    ],
  },
  {
    name: 'xinfo',
    group: 'stream',
    summary: 'A container for stream introspection commands.',
    since: '5.0.0',
    subcommands: [
      { name: 'stream', group: 'stream', summary: 'Returns information about a stream.', since: '5.0.0', handler: xinfoStream },
      { name: 'groups', group: 'stream', summary: 'Returns a list of the consumer groups of a stream.', since: '5.0.0', handler: xinfoGroups },
      { name: 'consumers', group: 'stream', summary: 'Returns a list of the consumers in a consumer group.', since: '5.0.0', handler: xinfoConsumers },
      { name: 'help', group: 'stream', summary: 'Returns helpful text about the different subcommands.', since: '5.0.0', handler: (ctx) => replyHelp(ctx.reply, 'XINFO', XINFO_HELP) },
    ],
  },
];
