// The hashes family: HSET HSETNX HGET HMSET HMGET HGETALL HDEL HEXISTS HLEN HSTRLEN HKEYS HVALS
// HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN — as Redis 7.0's t_hash.c does them: the order of checks
// (which decides which error a malformed command gets), where keys are created (HSET-like
// commands create the hash before they can fail, as hashTypeLookupWriteOrCreate does) and
// deleted, keyspace events, signalModifiedKey and server.dirty.
//
// The structure (O(1) field ops and random field, listpack-order replies while small) is
// types/hash.ts. HINCRBYFLOAT uses the long double emulation of types/long-double.ts, so its
// replies are Redis's "%.17Lf" texts byte for byte.

import type { CommandDef, ExecContext } from './types.js';
import type { Value } from '../types/value.js';
import { RedisHash } from '../types/hash.js';
import { addLongDouble, formatHuman, parseLongDouble } from '../types/long-double.js';
import { addInt64, int64Text, parseInt64, type Int64 } from '../protocol/numbers.js';
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OVERFLOW, ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';
import { globMatch } from '../util/glob.js';
import { startCollectionScan } from './scan-args.js';
import { removeMembersAndReply } from './remove-members.js';

const ERR_HASH_NOT_INTEGER = 'ERR hash value is not an integer';
const ERR_HASH_NOT_FLOAT = 'ERR hash value is not a float';
const ERR_INCR_NAN_INF = 'ERR value is NaN or Infinity';
const ERR_RESULT_NAN_INF = 'ERR increment would produce NaN or Infinity';
const ERR_RANGE_LONG = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
const ERR_RANGE = 'ERR value is out of range';
const COUNT_HUGE = Number.MAX_SAFE_INTEGER;
/**
 * Bound on the elements of a reply with repetitions (negative count). Redis 7.0 would try to
 * stream any count and take the server down with it; keyraft renders a reply in memory, so a
 * count past this (about 2 GB of reply) is refused with Redis's range error instead.
 */
const REPEAT_REPLY_ELEMENTS_MAX = 2 ** 27;
/** LONG_MAX / 2: HRANDFIELD … WITHVALUES refuses counts beyond it. */
const WITHVALUES_COUNT_MAX = 4611686018427387903n;

/** A hash, null after a WRONGTYPE reply, or undefined when the key is absent. */
function asHash(ctx: ExecContext, v: Value | undefined): RedisHash | null | undefined {
  if (v === undefined) return undefined;
  if (v instanceof RedisHash) return v;
  ctx.reply.error(ERR_WRONGTYPE);
  return null;
}

/** Redis's hashTypeLookupWriteOrCreate: the hash, created (and stored) when absent. */
function lookupOrCreate(ctx: ExecContext, key: string): RedisHash | null {
  const h = asHash(ctx, ctx.lookupWrite(key));
  if (h === null) return null;
  if (h !== undefined) return h;
  const created = new RedisHash();
  ctx.db.add(key, created);
  return created;
}

function hsetGeneric(ctx: ExecContext, argv: string[], hmset: boolean): void {
  if (argv.length % 2 === 1) {
    ctx.reply.error(`ERR wrong number of arguments for '${hmset ? 'hmset' : 'hset'}' command`);
    return;
  }
  const key = argv[1]!;
  const h = lookupOrCreate(ctx, key);
  if (h === null) return;
  h.checkLengths(argv, 2, argv.length - 1);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i]!, argv[i + 1]!)) created++;
  if (hmset) ctx.reply.ok();
  else ctx.reply.integer(created);
  ctx.modified(key);
  ctx.notify('h', 'hset', key);
  ctx.dirty((argv.length - 2) / 2);
}

function hsetnxCommand(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  const h = lookupOrCreate(ctx, key);
  if (h === null) return;
  if (h.has(argv[2]!)) {
    ctx.reply.integer(0);
    return;
  }
  h.checkLengths(argv, 2, 3);
  h.set(argv[2]!, argv[3]!);
  ctx.reply.integer(1);
  ctx.modified(key);
  ctx.notify('h', 'hset', key);
  ctx.dirty();
}

function hgetCommand(ctx: ExecContext, argv: string[]): void {
  const h = asHash(ctx, ctx.lookupRead(argv[1]!));
  if (h === null) return;
  const v = h?.get(argv[2]!);
  if (v === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(v);
}

function hmgetCommand(ctx: ExecContext, argv: string[]): void {
  const h = asHash(ctx, ctx.lookupRead(argv[1]!));
  if (h === null) return;
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = h?.get(argv[i]!);
    if (v === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(v);
  }
}

function hgetallCommand(ctx: ExecContext, argv: string[]): void {
  const h = asHash(ctx, ctx.lookupRead(argv[1]!));
  if (h === null) return;
  if (h === undefined) {
    ctx.reply.map(0);
    return;
  }
  const { keys, vals } = h.t;
  ctx.reply.map(h.size);
  for (let s = 0; s < keys.length; s++) {
    const k = keys[s];
    if (k === undefined) continue;
    ctx.reply.bulk(k);
    ctx.reply.bulk(vals[s]!);
  }
}

function hkeysCommand(ctx: ExecContext, argv: string[]): void {
  const h = asHash(ctx, ctx.lookupRead(argv[1]!));
  if (h === null) return;
  ctx.reply.bulkArray(h === undefined ? [] : h.fields());
}

function hvalsCommand(ctx: ExecContext, argv: string[]): void {
  const h = asHash(ctx, ctx.lookupRead(argv[1]!));
  if (h === null) return;
  ctx.reply.bulkArray(h === undefined ? [] : h.values());
}

function hdelCommand(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  const h = asHash(ctx, ctx.lookupWrite(key));
  if (h === null) return;
  if (h === undefined) {
    ctx.reply.integer(0);
    return;
  }
  removeMembersAndReply(ctx, key, h, (f) => h.delete(f), argv, 2, 'h', 'hdel');
}

function hexistsCommand(ctx: ExecContext, argv: string[]): void {
  const h = asHash(ctx, ctx.lookupRead(argv[1]!));
  if (h === null) return;
  ctx.reply.integer(h !== undefined && h.has(argv[2]!) ? 1 : 0);
}

function hlenCommand(ctx: ExecContext, argv: string[]): void {
  const h = asHash(ctx, ctx.lookupRead(argv[1]!));
  if (h === null) return;
  ctx.reply.integer(h === undefined ? 0 : h.size);
}

function hstrlenCommand(ctx: ExecContext, argv: string[]): void {
  const h = asHash(ctx, ctx.lookupRead(argv[1]!));
  if (h === null) return;
  ctx.reply.integer(h?.get(argv[2]!)?.length ?? 0);
}

function hincrbyCommand(ctx: ExecContext, argv: string[]): void {
  const incr = parseInt64(argv[3]!);
  if (incr === null) {
    ctx.reply.error(ERR_NOT_INTEGER);
    return;
  }
  const key = argv[1]!;
  const field = argv[2]!;
  const h = lookupOrCreate(ctx, key);
  if (h === null) return;
  let current: Int64 = 0;
  const text = h.get(field);
  if (text !== undefined) {
    const parsed = parseInt64(text);
    if (parsed === null) {
      ctx.reply.error(ERR_HASH_NOT_INTEGER);
      return;
    }
    current = parsed;
  }
  const next = addInt64(current, incr);
  if (next === null) {
    ctx.reply.error(ERR_OVERFLOW);
    return;
  }
  h.set(field, int64Text(next));
  ctx.reply.integer(next);
  ctx.modified(key);
  ctx.notify('h', 'hincrby', key);
  ctx.dirty();
}

function hincrbyfloatCommand(ctx: ExecContext, argv: string[]): void {
  const incr = parseLongDouble(argv[3]!);
  if (incr === null) {
    ctx.reply.error(ERR_NOT_FLOAT);
    return;
  }
  if (incr.inf) {
    ctx.reply.error(ERR_INCR_NAN_INF);
    return;
  }
  const key = argv[1]!;
  const field = argv[2]!;
  const h = lookupOrCreate(ctx, key);
  if (h === null) return;
  const text = h.get(field);
  let current = parseLongDouble('0')!;
  if (text !== undefined) {
    const parsed = parseLongDouble(text);
    // A stored "inf" parses (strtold) and only fails as a NaN/Infinity result below.
    if (parsed === null) {
      ctx.reply.error(ERR_HASH_NOT_FLOAT);
      return;
    }
    current = parsed;
  }
  const sum = addLongDouble(current, incr);
  if (sum === null) {
    ctx.reply.error(ERR_RESULT_NAN_INF);
    return;
  }
  const out = formatHuman(sum);
  h.set(field, out);
  ctx.reply.bulk(out);
  ctx.modified(key);
  ctx.notify('h', 'hincrbyfloat', key);
  ctx.dirty();
}

// ----- HRANDFIELD ----------------------------------------------------------------------------

function hrandfieldCommand(ctx: ExecContext, argv: string[]): void {
  if (argv.length >= 3) {
    const n = parseInt64(argv[2]!);
    if (n === null) {
      ctx.reply.error(ERR_NOT_INTEGER);
      return;
    }
    if (n === -(2n ** 63n)) {
      ctx.reply.error(ERR_RANGE_LONG);
      return;
    }
    if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withvalues')) {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
    const withValues = argv.length === 4;
    if (withValues && (BigInt(n) < -WITHVALUES_COUNT_MAX || BigInt(n) > WITHVALUES_COUNT_MAX)) {
      ctx.reply.error(ERR_RANGE);
      return;
    }
    hrandfieldWithCount(ctx, argv[1]!, n, withValues);
    return;
  }
  const h = asHash(ctx, ctx.lookupRead(argv[1]!));
  if (h === null) return;
  if (h === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(h.t.keys[h.randomSlot(() => ctx.random())]!);
}

function hrandfieldWithCount(ctx: ExecContext, key: string, n: Int64, withValues: boolean): void {
  const h = asHash(ctx, ctx.lookupRead(key));
  if (h === null) return;
  if (h === undefined || n === 0) {
    ctx.reply.array(0);
    return;
  }
  const reply = ctx.reply;
  const { keys, vals } = h.t;
  const unique = n > 0;
  const count = typeof n === 'bigint' ? COUNT_HUGE : Math.abs(n);
  // RESP2 flattens field/value pairs; RESP3 nests each pair in a 2-element array.
  const nested = withValues && reply.resp === 3;
  const emit = (slot: number): void => {
    if (nested) reply.array(2);
    reply.bulk(keys[slot]!);
    if (withValues) reply.bulk(vals[slot]!);
  };
  const random = (): number => ctx.random();
  if (!unique || count === 1) {
    if (count > REPEAT_REPLY_ELEMENTS_MAX) {
      reply.error(ERR_RANGE_LONG);
      return;
    }
    reply.array(withValues && !nested ? count * 2 : count);
    for (let i = 0; i < count; i++) emit(h.randomSlot(random));
    return;
  }
  const size = h.size;
  const replySize = Math.min(count, size);
  reply.array(withValues && !nested ? replySize * 2 : replySize);
  if (count >= size) {
    for (let s = 0; s < keys.length; s++) if (keys[s] !== undefined) emit(s);
    return;
  }
  for (const s of h.sampleDistinct(count, random)) emit(s);
}

// ----- HSCAN ---------------------------------------------------------------------------------

function hscanCommand(ctx: ExecContext, argv: string[]): void {
  const scan = startCollectionScan(ctx, argv, (key) => asHash(ctx, ctx.lookupRead(key)));
  if (scan === null) return;
  const { cursor, value: h, count, pattern } = scan;
  let found: string[] = [];
  let next = 0;
  const collect = (field: string, value: string): void => {
    if (pattern === null || globMatch(pattern, field)) found.push(field, value);
  };
  if (h.small) {
    // Redis returns a whole listpack in one reply, whatever the cursor.
    found = h.entries();
    if (pattern !== null) {
      const all = found;
      found = [];
      for (let i = 0; i < all.length; i += 2) collect(all[i]!, all[i + 1]!);
    }
  } else {
    next = h.scan(Number(cursor), Math.min(count, 1 << 30), collect);
  }
  ctx.reply.array(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(found);
}

// ----- the table -----------------------------------------------------------------------------

export const hashCommands: CommandDef[] = [
  { name: 'hset', group: 'hash', summary: 'Creates or modifies the value of a field in a hash.', handler: (ctx, argv) => hsetGeneric(ctx, argv, false) },
  { name: 'hsetnx', group: 'hash', summary: 'Sets the value of a field in a hash only when the field doesn\'t exist.', handler: hsetnxCommand },
  { name: 'hget', group: 'hash', summary: 'Returns the value of a field in a hash.', handler: hgetCommand },
  { name: 'hmset', group: 'hash', summary: 'Sets the values of multiple fields.', since: '2.0.0', handler: (ctx, argv) => hsetGeneric(ctx, argv, true) },
  { name: 'hmget', group: 'hash', summary: 'Returns the values of all fields in a hash.', since: '2.0.0', handler: hmgetCommand },
  { name: 'hgetall', group: 'hash', summary: 'Returns all fields and values in a hash.', since: '2.0.0', handler: hgetallCommand },
  { name: 'hdel', group: 'hash', summary: 'Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.', since: '2.0.0', handler: hdelCommand },
  { name: 'hexists', group: 'hash', summary: 'Determines whether a field exists in a hash.', since: '2.0.0', handler: hexistsCommand },
  { name: 'hlen', group: 'hash', summary: 'Returns the number of fields in a hash.', since: '2.0.0', handler: hlenCommand },
  { name: 'hstrlen', group: 'hash', summary: 'Returns the length of the value of a field.', since: '3.2.0', handler: hstrlenCommand },
  { name: 'hkeys', group: 'hash', summary: 'Returns all fields in a hash.', since: '2.0.0', handler: hkeysCommand },
  { name: 'hvals', group: 'hash', summary: 'Returns all values in a hash.', since: '2.0.0', handler: hvalsCommand },
  { name: 'hincrby', group: 'hash', summary: 'Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn\'t exist.', since: '2.0.0', handler: hincrbyCommand },
  { name: 'hincrbyfloat', group: 'hash', summary: 'Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn\'t exist.', since: '2.6.0', handler: hincrbyfloatCommand },
  { name: 'hrandfield', group: 'hash', summary: 'Returns one or more random fields from a hash.', since: '6.2.0', handler: hrandfieldCommand },
  { name: 'hscan', group: 'hash', summary: 'Iterates over fields and values of a hash.', since: '2.8.0', handler: hscanCommand },
];
