// The sets family: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SINTER
// SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN — as Redis 7.0's t_set.c does
// them: the order of checks (which decides which error a malformed command gets), where keys
// are created and deleted, keyspace events, signalModifiedKey and server.dirty.
//
// The structure (O(1) add/remove/membership/random member, intset ordering) is types/set.ts.
// SPOP draws from ctx.random() (it writes: determinism rule); SRANDMEMBER, a read, does too so
// that a replayed script makes the same choices.
//
// Reply order: whole-set replies list an intset in numeric order, as Redis does; hashtable-
// encoded sets come out in keyraft's slot order (Redis's is its dict's seeded hash order,
// which nothing can depend on). Random picks never match Redis's, only their distribution.

import type { CommandDef, ExecContext } from './types.js';
import type { Value } from '../types/value.js';
import { RedisSet } from '../types/set.js';
import { parseInt64, type Int64 } from '../protocol/numbers.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';
import { globMatch } from '../util/glob.js';
import { startCollectionScan } from './scan-args.js';
import { removeMembersAndReply } from './remove-members.js';

const ERR_POSITIVE = 'ERR value is out of range, must be positive';
const ERR_RANGE_LONG = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
const ERR_NUMKEYS = 'ERR numkeys should be greater than 0';
const ERR_NUMKEYS_ARGS = "ERR Number of keys can't be greater than number of args";
const ERR_LIMIT = "ERR LIMIT can't be negative";
/** A count beyond this is "more than any set holds" (sets are far smaller than 2^53). */
const COUNT_HUGE = Number.MAX_SAFE_INTEGER;
/**
 * Bound on the elements of a reply with repetitions (negative count). Redis 7.0 would try to
 * stream any count and take the server down with it; keyraft renders a reply in memory, so a
 * count past this (about 2 GB of reply) is refused with Redis's range error instead.
 */
const REPEAT_REPLY_ELEMENTS_MAX = 2 ** 27;

/** A set, null after a WRONGTYPE reply, or undefined when the key is absent. */
function asSet(ctx: ExecContext, v: Value | undefined): RedisSet | null | undefined {
  if (v === undefined) return undefined;
  if (v instanceof RedisSet) return v;
  ctx.reply.error(ERR_WRONGTYPE);
  return null;
}

/** Redis's getPositiveLongFromObjectOrReply: one message for non-integers and negatives. */
function positiveCount(ctx: ExecContext, arg: string, msg = ERR_POSITIVE): number | null {
  const n = parseInt64(arg);
  if (n === null) {
    ctx.reply.error(msg);
    return null;
  }
  if (n < 0) {
    ctx.reply.error(msg);
    return null;
  }
  return typeof n === 'bigint' ? COUNT_HUGE : n;
}

/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX, NULL). */
function signedCount(ctx: ExecContext, arg: string): Int64 | null {
  const n = parseInt64(arg);
  if (n === null) {
    ctx.reply.error(ERR_NOT_INTEGER);
    return null;
  }
  if (n === -(2n ** 63n)) {
    ctx.reply.error(ERR_RANGE_LONG);
    return null;
  }
  return n;
}

/** Deletes an emptied set's key with Redis's "del" event. */
function deleteIfEmpty(ctx: ExecContext, key: string, set: RedisSet): boolean {
  if (set.size !== 0) return false;
  ctx.db.delete(key);
  ctx.notify('g', 'del', key);
  return true;
}

function replySet(ctx: ExecContext, members: readonly string[]): void {
  ctx.reply.set(members.length);
  for (let i = 0; i < members.length; i++) ctx.reply.bulk(members[i]!);
}

// ----- single-set commands -------------------------------------------------------------------

function saddCommand(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  let set = asSet(ctx, ctx.lookupWrite(key));
  if (set === null) return;
  if (set === undefined) {
    set = new RedisSet(argv[2]!);
    ctx.db.add(key, set);
  }
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (set.add(argv[i]!)) added++;
  if (added > 0) {
    ctx.modified(key);
    ctx.notify('s', 'sadd', key);
    ctx.dirty(added);
  }
  ctx.reply.integer(added);
}

function sremCommand(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  const set = asSet(ctx, ctx.lookupWrite(key));
  if (set === null) return;
  if (set === undefined) {
    ctx.reply.integer(0);
    return;
  }
  removeMembersAndReply(ctx, key, set, (m) => set.remove(m), argv, 2, 's', 'srem');
}

function smoveCommand(ctx: ExecContext, argv: string[]): void {
  const src = argv[1]!;
  const dst = argv[2]!;
  const member = argv[3]!;
  const srcValue = ctx.lookupWrite(src);
  const dstValue = ctx.lookupWrite(dst);
  if (srcValue === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (!(srcValue instanceof RedisSet) || (dstValue !== undefined && !(dstValue instanceof RedisSet))) {
    ctx.reply.error(ERR_WRONGTYPE);
    return;
  }
  let dstSet = dstValue as RedisSet | undefined;
  if (srcValue === dstSet) {
    ctx.reply.integer(srcValue.has(member) ? 1 : 0);
    return;
  }
  if (!srcValue.remove(member)) {
    ctx.reply.integer(0);
    return;
  }
  ctx.notify('s', 'srem', src);
  deleteIfEmpty(ctx, src, srcValue);
  if (dstSet === undefined) {
    dstSet = new RedisSet(member);
    ctx.db.add(dst, dstSet);
  }
  ctx.modified(src);
  ctx.dirty();
  // The destination changed only if the member is new there (WATCH on it stays valid otherwise).
  if (dstSet.add(member)) {
    ctx.dirty();
    ctx.modified(dst);
    ctx.notify('s', 'sadd', dst);
  }
  ctx.reply.integer(1);
}

function sismemberCommand(ctx: ExecContext, argv: string[]): void {
  const set = asSet(ctx, ctx.lookupRead(argv[1]!));
  if (set === null) return;
  ctx.reply.integer(set !== undefined && set.has(argv[2]!) ? 1 : 0);
}

function smismemberCommand(ctx: ExecContext, argv: string[]): void {
  const set = asSet(ctx, ctx.lookupRead(argv[1]!));
  if (set === null) return;
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) ctx.reply.integer(set !== undefined && set.has(argv[i]!) ? 1 : 0);
}

function scardCommand(ctx: ExecContext, argv: string[]): void {
  const set = asSet(ctx, ctx.lookupRead(argv[1]!));
  if (set === null) return;
  ctx.reply.integer(set === undefined ? 0 : set.size);
}

function spopCommand(ctx: ExecContext, argv: string[]): void {
  if (argv.length === 3) {
    spopWithCount(ctx, argv);
    return;
  }
  if (argv.length > 3) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  const key = argv[1]!;
  const set = asSet(ctx, ctx.lookupWrite(key));
  if (set === null) return;
  if (set === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const member = set.pop(() => ctx.random());
  // Replays remove the member drawn here rather than draw again: a reloaded set may lay out
  // its members differently (Redis propagates SPOP as SREM for the same reason).
  ctx.recordEntryAs([['SREM', key, member]]);
  ctx.notify('s', 'spop', key);
  ctx.reply.bulk(member);
  deleteIfEmpty(ctx, key, set);
  ctx.modified(key);
  ctx.dirty();
}

function spopWithCount(ctx: ExecContext, argv: string[]): void {
  const count = positiveCount(ctx, argv[2]!);
  if (count === null) return;
  const key = argv[1]!;
  const set = asSet(ctx, ctx.lookupWrite(key));
  if (set === null) return;
  if (set === undefined || count === 0) {
    ctx.reply.set(0);
    return;
  }
  const size = set.size;
  ctx.notify('s', 'spop', key);
  if (count >= size) {
    // The whole set, in its reply order, then the key goes.
    const members = set.members();
    ctx.recordEntryAs([['SREM', key, ...members]]);
    replySet(ctx, members);
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
    ctx.modified(key);
    ctx.dirty(size);
    return;
  }
  const random = (): number => ctx.random();
  const popped = set.sampleDistinct(count, random);
  for (let i = 0; i < popped.length; i++) set.remove(popped[i]!);
  ctx.recordEntryAs([['SREM', key, ...popped]]);
  replySet(ctx, popped);
  ctx.modified(key);
  ctx.dirty(count);
}

function srandmemberCommand(ctx: ExecContext, argv: string[]): void {
  if (argv.length === 3) {
    srandmemberWithCount(ctx, argv);
    return;
  }
  if (argv.length > 3) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  const set = asSet(ctx, ctx.lookupRead(argv[1]!));
  if (set === null) return;
  if (set === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(set.random(() => ctx.random()));
}

function srandmemberWithCount(ctx: ExecContext, argv: string[]): void {
  const n = signedCount(ctx, argv[2]!);
  if (n === null) return;
  const set = asSet(ctx, ctx.lookupRead(argv[1]!));
  if (set === null) return;
  if (set === undefined || n === 0) {
    ctx.reply.array(0);
    return;
  }
  const random = (): number => ctx.random();
  const unique = n > 0;
  const count = typeof n === 'bigint' ? COUNT_HUGE : Math.abs(n);
  if (!unique || count === 1) {
    // With repetitions: `count` independent picks.
    if (count > REPEAT_REPLY_ELEMENTS_MAX) {
      ctx.reply.error(ERR_RANGE_LONG);
      return;
    }
    ctx.reply.array(count);
    for (let i = 0; i < count; i++) ctx.reply.bulk(set.random(random));
    return;
  }
  if (count >= set.size) {
    ctx.reply.bulkArray(set.members());
    return;
  }
  ctx.reply.bulkArray(set.sampleDistinct(count, random));
}

// ----- multi-set commands --------------------------------------------------------------------

/** Looks every key up; null after a WRONGTYPE reply (every key is type-checked first). */
function lookupSets(ctx: ExecContext, keys: readonly string[], write: boolean): (RedisSet | undefined)[] | null {
  const sets: (RedisSet | undefined)[] = [];
  for (const key of keys) {
    const v = write ? ctx.lookupWrite(key) : ctx.lookupRead(key);
    const set = asSet(ctx, v);
    if (set === null) return null;
    sets.push(set);
  }
  return sets;
}

/** Stores a *STORE result (or deletes the destination when it is empty) and replies its size. */
function storeResult(ctx: ExecContext, dst: string, result: RedisSet, event: string): void {
  if (result.size > 0) {
    ctx.lookupWrite(dst); // an expired destination goes first, as setKey's lookupKeyWrite does
    ctx.db.set(dst, result);
    ctx.modified(dst);
    ctx.reply.integer(result.size);
    ctx.notify('s', event, dst);
    ctx.dirty();
    return;
  }
  ctx.reply.integer(0);
  if (ctx.db.delete(dst)) {
    ctx.dirty();
    ctx.modified(dst);
    ctx.notify('g', 'del', dst);
  }
}

const enum InterMode {
  Reply,
  Card,
  Store,
}

/** Redis's sinterGenericCommand. */
function sinterGeneric(ctx: ExecContext, keys: readonly string[], mode: InterMode, dst: string | null, limit: number): void {
  const found = lookupSets(ctx, keys, mode === InterMode.Store);
  if (found === null) return;
  if (found.some((s) => s === undefined)) {
    if (mode === InterMode.Store) {
      if (ctx.db.delete(dst!)) {
        ctx.modified(dst!);
        ctx.notify('g', 'del', dst!);
        ctx.dirty();
      }
      ctx.reply.integer(0);
    } else if (mode === InterMode.Card) {
      ctx.reply.integer(0);
    } else {
      ctx.reply.set(0);
    }
    return;
  }
  const sets = (found as RedisSet[]).slice().sort((a, b) => a.size - b.size);
  const first = sets[0]!;
  const others = sets.filter((s) => s !== first);
  const result: string[] = [];
  first.each((m) => {
    for (let j = 0; j < others.length; j++) if (!others[j]!.has(m)) return true;
    result.push(m);
    return !(mode === InterMode.Card && limit > 0 && result.length >= limit);
  });
  if (mode === InterMode.Card) ctx.reply.integer(result.length);
  else if (mode === InterMode.Reply) replySet(ctx, result);
  else {
    const out = new RedisSet();
    for (const m of result) out.add(m);
    storeResult(ctx, dst!, out, 'sinterstore');
  }
}

/** Redis's sunionDiffGenericCommand. */
function sunionDiffGeneric(ctx: ExecContext, keys: readonly string[], dst: string | null, union: boolean): void {
  const found = lookupSets(ctx, keys, dst !== null);
  if (found === null) return;
  const out = new RedisSet();
  if (union) {
    for (const s of found) if (s !== undefined) s.each((m) => void out.add(m));
  } else if (found[0] !== undefined) {
    const first = found[0];
    // Redis picks the algorithm by estimated work: walk the first set checking the others
    // (algorithm 1), or copy it and remove the others' members (algorithm 2). The choice shows
    // in the result's encoding (a copy can pass the intset limit before removals).
    let oneWork = 0;
    let twoWork = 0;
    for (const s of found) {
      if (s === undefined) continue;
      oneWork += first.size;
      twoWork += s.size;
    }
    oneWork = Math.floor(oneWork / 2);
    const rest = found.slice(1).filter((s): s is RedisSet => s !== undefined);
    if (oneWork <= twoWork) {
      rest.sort((a, b) => b.size - a.size);
      first.each((m) => {
        for (const s of rest) if (s === first || s.has(m)) return;
        out.add(m);
      });
    } else {
      first.each((m) => void out.add(m));
      for (const s of rest) {
        s.each((m) => void out.remove(m));
        if (out.size === 0) break;
      }
    }
  }
  if (dst === null) replySet(ctx, out.members());
  else storeResult(ctx, dst, out, union ? 'sunionstore' : 'sdiffstore');
}

function sintercardCommand(ctx: ExecContext, argv: string[]): void {
  const numkeys = parseInt64(argv[1]!);
  if (numkeys === null || numkeys < 1) {
    ctx.reply.error(ERR_NUMKEYS);
    return;
  }
  if (numkeys > argv.length - 2) {
    ctx.reply.error(ERR_NUMKEYS_ARGS);
    return;
  }
  const n = Number(numkeys);
  let limit = 0;
  for (let j = 2 + n; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (argv[j]!.toLowerCase() === 'limit' && more > 0) {
      j++;
      const l = positiveCount(ctx, argv[j]!, ERR_LIMIT);
      if (l === null) return;
      limit = l;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }
  sinterGeneric(ctx, argv.slice(2, 2 + n), InterMode.Card, null, limit);
}

// ----- SSCAN ---------------------------------------------------------------------------------

function sscanCommand(ctx: ExecContext, argv: string[]): void {
  const scan = startCollectionScan(ctx, argv, (key) => asSet(ctx, ctx.lookupRead(key)));
  if (scan === null) return;
  const { cursor, value: set, count, pattern } = scan;
  let found: readonly string[];
  let next = 0;
  if (set.small) {
    // Redis returns a whole intset in one reply, whatever the cursor.
    found = set.members();
  } else {
    const step: string[] = [];
    next = set.scan(Number(cursor), Math.min(count, 1 << 30), (m) => step.push(m));
    found = step;
  }
  if (pattern !== null) found = found.filter((m) => globMatch(pattern!, m));
  ctx.reply.array(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(found);
}

// ----- the table -----------------------------------------------------------------------------

export const setCommands: CommandDef[] = [
  { name: 'sadd', group: 'set', summary: 'Adds one or more members to a set. Creates the key if it doesn\'t exist.', handler: saddCommand },
  { name: 'srem', group: 'set', summary: 'Removes one or more members from a set. Deletes the set if the last member was removed.', handler: sremCommand },
  {
    name: 'smembers',
    group: 'set',
    summary: 'Returns all members of a set.',
    handler: (ctx, argv) => sinterGeneric(ctx, [argv[1]!], InterMode.Reply, null, 0),
  },
  { name: 'sismember', group: 'set', summary: 'Determines whether a member belongs to a set.', handler: sismemberCommand },
  { name: 'smismember', group: 'set', summary: 'Determines whether multiple members belong to a set.', since: '6.2.0', handler: smismemberCommand },
  { name: 'scard', group: 'set', summary: 'Returns the number of members in a set.', handler: scardCommand },
  { name: 'spop', group: 'set', summary: 'Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.', handler: spopCommand },
  { name: 'srandmember', group: 'set', summary: 'Get one or multiple random members from a set', handler: srandmemberCommand },
  { name: 'smove', group: 'set', summary: 'Moves a member from one set to another.', handler: smoveCommand },
  {
    name: 'sinter',
    group: 'set',
    summary: 'Returns the intersect of multiple sets.',
    handler: (ctx, argv) => sinterGeneric(ctx, argv.slice(1), InterMode.Reply, null, 0),
  },
  { name: 'sintercard', group: 'set', summary: 'Returns the number of members of the intersect of multiple sets.', since: '7.0.0', handler: sintercardCommand },
  {
    name: 'sinterstore',
    group: 'set',
    summary: 'Stores the intersect of multiple sets in a key.',
    handler: (ctx, argv) => sinterGeneric(ctx, argv.slice(2), InterMode.Store, argv[1]!, 0),
  },
  {
    name: 'sunion',
    group: 'set',
    summary: 'Returns the union of multiple sets.',
    handler: (ctx, argv) => sunionDiffGeneric(ctx, argv.slice(1), null, true),
  },
  {
    name: 'sunionstore',
    group: 'set',
    summary: 'Stores the union of multiple sets in a key.',
    handler: (ctx, argv) => sunionDiffGeneric(ctx, argv.slice(2), argv[1]!, true),
  },
  {
    name: 'sdiff',
    group: 'set',
    summary: 'Returns the difference of multiple sets.',
    handler: (ctx, argv) => sunionDiffGeneric(ctx, argv.slice(1), null, false),
  },
  {
    name: 'sdiffstore',
    group: 'set',
    summary: 'Stores the difference of multiple sets in a key.',
    handler: (ctx, argv) => sunionDiffGeneric(ctx, argv.slice(2), argv[1]!, false),
  },
  { name: 'sscan', group: 'set', summary: 'Iterates over members of a set.', since: '2.8.0', handler: sscanCommand },
];
