// The generic (keys) family: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX COPY MOVE KEYS SCAN
// RANDOMKEY, the expiry commands (EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME
// PEXPIRETIME PERSIST) and OBJECT. They work on whole keys regardless of the value's type, so
// everything here goes through typeOf()/Value and never looks inside a collection — except COPY,
// which must duplicate the value (see copyValue).
//
// Each handler follows the matching function of Redis 7.0's db.c / expire.c / object.c step for
// step, including the order of checks (which error wins when several apply) and where
// signalModifiedKey / notifyKeyspaceEvent / server.dirty++ happen (ctx.modified / ctx.notify /
// ctx.dirty here). One deliberate difference, from the keyspace design (src/keyspace/db.ts): a
// read never removes an expired key, it only reads it as absent, so read commands emit no
// "expired" event; writes (lookupWrite) and the active cycle remove them.

import { ERR_INVALID_CURSOR, optionWord, parseScanCursor, parseScanOptions } from './scan-args.js';
import { replyHelp } from './server.js';
import type { CommandDef, ExecContext } from './types.js';
import type { Db } from '../keyspace/db.js';
import { MutableString, typeOf, type Value } from '../types/value.js';
import { parseInt64 } from '../protocol/numbers.js';
import { ERR_DB_INDEX, ERR_INVALID_EXPIRE, ERR_NOT_INTEGER, ERR_NO_SUCH_KEY, ERR_SYNTAX } from '../protocol/errors.js';
import { globMatch } from '../util/glob.js';

const ERR_SAME_OBJECT = 'ERR source and destination objects are the same';
const ERR_LFU_NOT_SELECTED =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const ERR_LFU_SELECTED =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

const LLONG_MAX = 2n ** 63n - 1n;
const LLONG_MIN = -(2n ** 63n);
/** C's LLONG_MAX / 1000 and LLONG_MIN / 1000 (truncating division), EXPIRE's seconds bounds. */
const SECONDS_MAX = LLONG_MAX / 1000n;
const SECONDS_MIN = LLONG_MIN / 1000n;
/** Redis's OBJ_SHARED_INTEGERS: values 0..9999 are shared objects with refcount INT_MAX. */
const SHARED_INTEGERS = 10000;
const OBJ_SHARED_REFCOUNT = 2147483647;
/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_SIZE_LIMIT = 44;

// ----- arguments -----------------------------------------------------------------------------

/**
 * An option word as Redis compares it: strcasecmp on the argument's C string, so the word ends
 * at a NUL byte ("nx\0junk" is NX).
 */

// ----- lookups -------------------------------------------------------------------------------

/**
 * Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): reads without updating the access time, but
 * still counts keyspace hits and misses.
 */
function lookupNoTouch(ctx: ExecContext, key: string): Value | undefined {
  const v = ctx.db.peek(key, ctx.now);
  if (v === undefined) ctx.server.stats.keyspaceMisses++;
  else ctx.server.stats.keyspaceHits++;
  return v;
}

/** Redis's getIntFromObjectOrReply followed by selectDb's range check; null after replying. */
function dbFromArg(ctx: ExecContext, arg: string): Db | null {
  const n = parseInt64(arg);
  if (n === null) {
    ctx.reply.error(ERR_NOT_INTEGER);
    return null;
  }
  if (n < -2147483648 || n > 2147483647) {
    ctx.reply.error('ERR value is out of range, value must between -2147483648 and 2147483647');
    return null;
  }
  const db = ctx.server.dbs[Number(n)];
  if (n < 0 || db === undefined) {
    ctx.reply.error(ERR_DB_INDEX);
    return null;
  }
  return db;
}

function clusterEnabled(ctx: ExecContext): boolean {
  try {
    return ctx.server.config.bool('cluster-enabled');
  } catch {
    return false; // the directive does not exist yet: standalone
  }
}

/**
 * A copy of a value for COPY (Redis's dupStringObject / setTypeDup / …). Strings held as JS
 * strings are immutable and can be shared; a MutableString is edited in place, so it is copied;
 * collections deep-copy themselves (RedisCollection.clone).
 */
function copyValue(v: Value): Value {
  if (typeof v === 'string') return v;
  if (v instanceof MutableString) return new MutableString(Buffer.from(v.view()), v.length);
  return v.clone();
}

// ----- delete / exists / type / touch ----------------------------------------------------------

function delGeneric(ctx: ExecContext, argv: string[]): void {
  let deleted = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j]!;
    ctx.lookupWrite(key); // expireIfNeeded: an expired key goes with its "expired" event
    if (ctx.db.delete(key)) {
      ctx.modified(key);
      ctx.notify('g', 'del', key);
      ctx.dirty();
      deleted++;
    }
  }
  ctx.reply.integer(deleted);
}

// ----- rename / copy / move ------------------------------------------------------------------

function renameGeneric(ctx: ExecContext, argv: string[], nx: boolean): void {
  const src = argv[1]!;
  const dst = argv[2]!;
  const db = ctx.db;
  const value = ctx.lookupWrite(src);
  if (value === undefined) {
    ctx.reply.error(ERR_NO_SUCH_KEY);
    return;
  }
  if (src === dst) {
    if (nx) ctx.reply.integer(0);
    else ctx.reply.ok();
    return;
  }
  const expire = db.getExpireExact(src);
  const encoding = db.getStringEncoding(src);
  if (ctx.lookupWrite(dst) !== undefined) {
    if (nx) {
      ctx.reply.integer(0);
      return;
    }
    db.delete(dst);
  }
  db.add(dst, value);
  if (expire !== undefined) db.setExpire(dst, expire);
  if (encoding !== undefined) db.setStringEncoding(dst, encoding);
  db.carryAccess(dst, db, src);
  db.delete(src);
  ctx.modified(src);
  ctx.modified(dst);
  ctx.notify('g', 'rename_from', src);
  ctx.notify('g', 'rename_to', dst);
  ctx.dirty();
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

// ----- expiry --------------------------------------------------------------------------------

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/** Redis's parseExtendedExpireArgumentsOrReply: the NX/XX/GT/LT options from argv[3] on. */
function parseExpireFlags(ctx: ExecContext, argv: string[]): number | null {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = optionWord(argv[j]!);
    if (opt === 'nx') flags |= EXPIRE_NX;
    else if (opt === 'xx') flags |= EXPIRE_XX;
    else if (opt === 'gt') flags |= EXPIRE_GT;
    else if (opt === 'lt') flags |= EXPIRE_LT;
    else {
      // Redis formats the option with %s, which stops at a NUL byte.
      const nul = argv[j]!.indexOf('\0');
      ctx.reply.error(`ERR Unsupported option ${nul < 0 ? argv[j] : argv[j]!.slice(0, nul)}`);
      return null;
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    ctx.reply.error('ERR NX and XX, GT or LT options at the same time are not compatible');
    return null;
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    ctx.reply.error('ERR GT and LT options at the same time are not compatible');
    return null;
  }
  return flags;
}

/**
 * Redis's expireGenericCommand. `basetime` is 0 for the *AT forms and ctx.now for the relative
 * ones; the overflow checks run in exact 64-bit arithmetic (bigint) as Redis's do.
 */
/** Times whose arithmetic stays exact in plain numbers (|t| * 1000 + now < 2^53): EXPIRE's common case. */
const EXPIRE_FAST_MAX = 2 ** 40;

function expireGeneric(ctx: ExecContext, argv: string[], relative: boolean, seconds: boolean): void {
  const key = argv[1]!;
  const flags = parseExpireFlags(ctx, argv);
  if (flags === null) return;
  const parsed = parseInt64(argv[2]!);
  if (parsed === null) {
    ctx.reply.error(ERR_NOT_INTEGER);
    return;
  }
  if (flags === 0 && typeof parsed === 'number' && parsed <= EXPIRE_FAST_MAX && parsed >= -EXPIRE_FAST_MAX) {
    // No overflow is possible here, and no NX/XX/GT/LT to compare: no BigInt needed.
    const whenMs = (seconds ? parsed * 1000 : parsed) + (relative ? ctx.now : 0);
    if (ctx.lookupWrite(key) === undefined) ctx.reply.integer(0);
    else applyExpire(ctx, key, whenMs, whenMs <= ctx.now);
    return;
  }
  const name = argv[0]!.toLowerCase();
  let when = BigInt(parsed);
  if (seconds) {
    if (when > SECONDS_MAX || when < SECONDS_MIN) {
      ctx.reply.error(ERR_INVALID_EXPIRE(name));
      return;
    }
    when *= 1000n;
  }
  const basetime = relative ? BigInt(ctx.now) : 0n;
  if (when > LLONG_MAX - basetime) {
    ctx.reply.error(ERR_INVALID_EXPIRE(name));
    return;
  }
  when += basetime;

  if (ctx.lookupWrite(key) === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (flags !== 0) {
    const exact = ctx.db.getExpireExact(key);
    const current = exact === undefined ? undefined : BigInt(exact);
    if (flags & EXPIRE_NX && current !== undefined) return ctx.reply.integer(0);
    if (flags & EXPIRE_XX && current === undefined) return ctx.reply.integer(0);
    // A key without a TTL counts as an infinite TTL: GT never beats it, LT always does.
    if (flags & EXPIRE_GT && (current === undefined || when <= current)) return ctx.reply.integer(0);
    if (flags & EXPIRE_LT && current !== undefined && when >= current) return ctx.reply.integer(0);
  }
  applyExpire(ctx, key, when, when <= BigInt(ctx.now));
}

/** Sets an existing key's expiry; a time already past deletes it (Redis propagates that as DEL and emits "del"). */
function applyExpire(ctx: ExecContext, key: string, when: number | bigint, past: boolean): void {
  if (past) {
    ctx.db.delete(key);
    ctx.dirty();
    ctx.modified(key);
    ctx.notify('g', 'del', key);
    ctx.reply.integer(1);
    return;
  }
  ctx.db.setExpire(key, when);
  ctx.reply.integer(1);
  ctx.modified(key);
  ctx.notify('g', 'expire', key);
  ctx.dirty();
}

/** Redis's ttlGenericCommand: -2 for a missing key, -1 without a TTL. */
function ttlGeneric(ctx: ExecContext, key: string, ms: boolean, absolute: boolean): void {
  if (lookupNoTouch(ctx, key) === undefined) {
    ctx.reply.integer(-2);
    return;
  }
  const expire = ctx.db.getExpireExact(key);
  if (expire === undefined) {
    ctx.reply.integer(-1);
    return;
  }
  if (typeof expire === 'number' && Number.isSafeInteger(expire)) {
    let ttl = absolute ? expire : expire - ctx.now;
    if (ttl < 0) ttl = 0;
    // (ttl+500)/1000 in C's truncating integer division; ttl >= 0 here.
    ctx.reply.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
    return;
  }
  // Beyond 2^53 ms: exact 64-bit arithmetic.
  let ttl = absolute ? BigInt(expire) : BigInt(expire) - BigInt(ctx.now);
  if (ttl < 0n) ttl = 0n;
  ctx.reply.integer(ms ? ttl : (ttl + 500n) / 1000n);
}

// ----- KEYS / SCAN ---------------------------------------------------------------------------

function scanCommand(ctx: ExecContext, argv: string[]): void {
  const cursor = parseScanCursor(argv[1]!);
  if (cursor === null) {
    ctx.reply.error(ERR_INVALID_CURSOR);
    return;
  }
  const opts = parseScanOptions(ctx, argv, 2, true);
  if (opts === null) return;
  const { count, pattern, typeName } = opts;
  const db = ctx.db;
  const now = ctx.now;
  const found: string[] = [];
  const stats = ctx.server.stats;
  // A cursor beyond 2^53 cannot be one keyraft handed out; Db.scan restarts such a cursor.
  const next = db.scan(Number(cursor), Math.min(count, 1 << 30), (key) => {
    if (pattern !== null && !globMatch(pattern, key)) return;
    if (typeName !== null) {
      // Redis looks the key up (NOTOUCH) to learn its type, which counts as a hit or a miss.
      const v = db.peek(key, now);
      if (v === undefined) {
        stats.keyspaceMisses++;
        return;
      }
      stats.keyspaceHits++;
      if (typeName !== typeOf(v)) return;
    } else if (!db.has(key, now)) {
      return;
    }
    found.push(key);
  });
  ctx.reply.array(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(found);
}

function keysCommand(ctx: ExecContext, argv: string[]): void {
  const pattern = argv[1]!;
  const all = pattern === '*';
  const db = ctx.db;
  const now = ctx.now;
  const found: string[] = [];
  for (const key of db.keys()) {
    if ((all || globMatch(pattern, key)) && db.has(key, now)) found.push(key);
  }
  ctx.reply.bulkArray(found);
}

// ----- OBJECT --------------------------------------------------------------------------------

function isLfuPolicy(ctx: ExecContext): boolean {
  return ctx.server.config.get('maxmemory-policy').endsWith('-lfu');
}

/** OBJECT ENCODING of a string as Redis's tryObjectEncoding leaves a value stored by SET. */
function stringEncoding(v: string): string {
  if (v.length <= 20 && parseInt64(v) !== null) return 'int';
  return v.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

function encodingOf(db: Db, key: string, v: Value): string {
  if (typeof v === 'string') return db.getStringEncoding(key) ?? stringEncoding(v);
  if (v instanceof MutableString) return 'raw'; // edited in place: an sds Redis calls "raw"
  return v.encoding();
}

function refcountOf(ctx: ExecContext, key: string, v: Value): number {
  // Only values SET stored as small integers are shared objects (a marked value is its own sds).
  if (typeof v !== 'string' || v.length > 4 || ctx.db.getStringEncoding(key) !== undefined) return 1;
  const n = parseInt64(v);
  if (n === null || typeof n !== 'number' || n < 0 || n >= SHARED_INTEGERS) return 1;
  // Redis stops sharing integers when maxmemory is set with an LRU/LFU policy (each key needs
  // its own access clock), canUseSharedObject().
  const policy = ctx.server.config.get('maxmemory-policy');
  const noShared = ctx.server.config.get('maxmemory') !== '0' && (policy.endsWith('-lru') || policy.endsWith('-lfu'));
  return noShared ? 1 : OBJ_SHARED_REFCOUNT;
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

/** OBJECT subcommands look the key up without touching it (LOOKUP_NOTOUCH|LOOKUP_NONOTIFY). */
function objectLookup(ctx: ExecContext, key: string): Value | undefined {
  const v = lookupNoTouch(ctx, key);
  if (v === undefined) ctx.reply.nullBulk();
  return v;
}

// ----- the table -----------------------------------------------------------------------------

export const keyCommands: CommandDef[] = [
  {
    name: 'del',
    group: 'generic',
    summary: 'Deletes one or more keys.',
    handler: delGeneric,
  },
  {
    name: 'unlink',
    group: 'generic',
    summary: 'Asynchronously deletes one or more keys.',
    since: '4.0.0',
    // Values are freed by the garbage collector either way; UNLINK is DEL here.
    handler: delGeneric,
  },
  {
    name: 'exists',
    group: 'generic',
    summary: 'Determines whether one or more keys exist.',
    handler(ctx, argv) {
      let count = 0;
      for (let j = 1; j < argv.length; j++) if (lookupNoTouch(ctx, argv[j]!) !== undefined) count++;
      ctx.reply.integer(count);
    },
  },
  {
    name: 'type',
    group: 'generic',
    summary: 'Determines the type of value stored at a key.',
    handler(ctx, argv) {
      const v = lookupNoTouch(ctx, argv[1]!);
      ctx.reply.simple(v === undefined ? 'none' : typeOf(v));
    },
  },
  {
    name: 'touch',
    group: 'generic',
    summary: 'Returns the number of existing keys out of those specified after updating the time they were last accessed.',
    since: '3.2.1',
    handler(ctx, argv) {
      // TOUCH updates the access time even for a client in CLIENT NO-TOUCH mode (as Redis 7.2
      // does), so it reads through db.get rather than lookupRead, counting hits the same way.
      const stats = ctx.server.stats;
      let count = 0;
      for (let j = 1; j < argv.length; j++) {
        if (ctx.db.get(argv[j]!, ctx.now) !== undefined) {
          stats.keyspaceHits++;
          count++;
        } else {
          stats.keyspaceMisses++;
        }
      }
      ctx.reply.integer(count);
    },
  },
  {
    name: 'rename',
    group: 'generic',
    summary: 'Renames a key and overwrites the destination.',
    handler(ctx, argv) {
      renameGeneric(ctx, argv, false);
    },
  },
  {
    name: 'renamenx',
    group: 'generic',
    summary: 'Renames a key only when the target key name doesn\'t exist.',
    handler(ctx, argv) {
      renameGeneric(ctx, argv, true);
    },
  },
  {
    name: 'copy',
    group: 'generic',
    summary: 'Copies the value of a key to a new key.',
    since: '6.2.0',
    handler(ctx, argv) {
      const src = ctx.db;
      let dst = ctx.db;
      let replace = false;
      for (let j = 3; j < argv.length; j++) {
        const opt = optionWord(argv[j]!);
        const additional = argv.length - j - 1;
        if (opt === 'replace') {
          replace = true;
        } else if (opt === 'db' && additional >= 1) {
          const db = dbFromArg(ctx, argv[j + 1]!);
          if (db === null) return;
          dst = db;
          j++;
        } else {
          ctx.reply.error(ERR_SYNTAX);
          return;
        }
      }
      if (clusterEnabled(ctx) && (src.id !== 0 || dst.id !== 0)) {
        ctx.reply.error('ERR Copying to another database is not allowed in cluster mode');
        return;
      }
      const key = argv[1]!;
      const newKey = argv[2]!;
      if (src === dst && key === newKey) {
        ctx.reply.error(ERR_SAME_OBJECT);
        return;
      }
      const value = ctx.lookupRead(key);
      if (value === undefined) {
        ctx.reply.integer(0);
        return;
      }
      const expire = src.getExpireExact(key);
      // dupStringObject keeps the encoding but makes a new object: a copied small integer is no
      // longer one of the shared integers (REFCOUNT 1), which the 'int' mark records.
      const encoding = src.getStringEncoding(key) ?? (typeof value === 'string' && stringEncoding(value) === 'int' ? 'int' : undefined);
      let remove = false;
      if (ctx.lookupWrite(newKey, dst) !== undefined) {
        if (!replace) {
          ctx.reply.integer(0);
          return;
        }
        remove = true;
      }
      const copy = copyValue(value);
      if (remove) dst.delete(newKey);
      dst.add(newKey, copy);
      if (expire !== undefined) dst.setExpire(newKey, expire);
      if (encoding !== undefined) dst.setStringEncoding(newKey, encoding);
      ctx.modified(newKey, dst);
      ctx.notify('g', 'copy_to', newKey, dst.id);
      ctx.dirty();
      ctx.reply.integer(1);
    },
  },
  {
    name: 'move',
    group: 'generic',
    summary: 'Moves a key to another database.',
    handler(ctx, argv) {
      if (clusterEnabled(ctx)) {
        ctx.reply.error('ERR MOVE is not allowed in cluster mode');
        return;
      }
      const key = argv[1]!;
      const src = ctx.db;
      const dst = dbFromArg(ctx, argv[2]!);
      if (dst === null) return;
      if (src === dst) {
        ctx.reply.error(ERR_SAME_OBJECT);
        return;
      }
      const value = ctx.lookupWrite(key);
      if (value === undefined) {
        ctx.reply.integer(0);
        return;
      }
      const expire = src.getExpireExact(key);
      const encoding = src.getStringEncoding(key);
      if (ctx.lookupWrite(key, dst) !== undefined) {
        ctx.reply.integer(0);
        return;
      }
      dst.add(key, value);
      if (expire !== undefined) dst.setExpire(key, expire);
      if (encoding !== undefined) dst.setStringEncoding(key, encoding);
      dst.carryAccess(key, src, key);
      src.delete(key);
      ctx.modified(key, src);
      ctx.modified(key, dst);
      ctx.notify('g', 'move_from', key, src.id);
      ctx.notify('g', 'move_to', key, dst.id);
      ctx.dirty();
      ctx.reply.integer(1);
    },
  },
  {
    name: 'keys',
    group: 'generic',
    summary: 'Returns all key names that match a pattern.',
    handler: keysCommand,
  },
  {
    name: 'scan',
    group: 'generic',
    summary: 'Iterates over the key names in the database.',
    since: '2.8.0',
    handler: scanCommand,
  },
  {
    name: 'randomkey',
    group: 'generic',
    summary: 'Returns a random key name from the database.',
    handler(ctx) {
      // A read: any randomness will do (it never reaches the log or the AOF).
      const key = ctx.db.randomKey(ctx.now);
      if (key === undefined) ctx.reply.nullBulk();
      else ctx.reply.bulk(key);
    },
  },
  {
    name: 'expire',
    group: 'generic',
    summary: 'Sets the expiration time of a key in seconds.',
    handler(ctx, argv) {
      expireGeneric(ctx, argv, true, true);
    },
  },
  {
    name: 'pexpire',
    group: 'generic',
    summary: 'Sets the expiration time of a key in milliseconds.',
    since: '2.6.0',
    handler(ctx, argv) {
      expireGeneric(ctx, argv, true, false);
    },
  },
  {
    name: 'expireat',
    group: 'generic',
    summary: 'Sets the expiration time of a key to a Unix timestamp.',
    since: '1.2.0',
    handler(ctx, argv) {
      expireGeneric(ctx, argv, false, true);
    },
  },
  {
    name: 'pexpireat',
    group: 'generic',
    summary: 'Sets the expiration time of a key to a Unix milliseconds timestamp.',
    since: '2.6.0',
    handler(ctx, argv) {
      expireGeneric(ctx, argv, false, false);
    },
  },
  {
    name: 'ttl',
    group: 'generic',
    summary: 'Returns the expiration time in seconds of a key.',
    handler(ctx, argv) {
      ttlGeneric(ctx, argv[1]!, false, false);
    },
  },
  {
    name: 'pttl',
    group: 'generic',
    summary: 'Returns the expiration time in milliseconds of a key.',
    since: '2.6.0',
    handler(ctx, argv) {
      ttlGeneric(ctx, argv[1]!, true, false);
    },
  },
  {
    name: 'expiretime',
    group: 'generic',
    summary: 'Returns the expiration time of a key as a Unix timestamp.',
    since: '7.0.0',
    handler(ctx, argv) {
      ttlGeneric(ctx, argv[1]!, false, true);
    },
  },
  {
    name: 'pexpiretime',
    group: 'generic',
    summary: 'Returns the expiration time of a key as a Unix milliseconds timestamp.',
    since: '7.0.0',
    handler(ctx, argv) {
      ttlGeneric(ctx, argv[1]!, true, true);
    },
  },
  {
    name: 'persist',
    group: 'generic',
    summary: 'Removes the expiration time of a key.',
    since: '2.2.0',
    handler(ctx, argv) {
      const key = argv[1]!;
      if (ctx.lookupWrite(key) !== undefined && ctx.db.persist(key)) {
        ctx.modified(key);
        ctx.notify('g', 'persist', key);
        ctx.reply.integer(1);
        ctx.dirty();
      } else {
        ctx.reply.integer(0);
      }
    },
  },
  {
    name: 'object',
    group: 'generic',
    summary: 'A container for object introspection commands.',
    since: '2.2.3',
    subcommands: [
      {
        name: 'help',
        group: 'generic',
        summary: 'Returns helpful text about the different subcommands.',
        since: '6.2.0',
        handler(ctx) {
          replyHelp(ctx.reply, 'OBJECT', OBJECT_HELP);
        },
      },
      {
        name: 'encoding',
        group: 'generic',
        summary: 'Returns the internal encoding of a Redis object.',
        handler(ctx, argv) {
          const v = objectLookup(ctx, argv[2]!);
          if (v !== undefined) ctx.reply.bulk(encodingOf(ctx.db, argv[2]!, v));
        },
      },
      {
        name: 'refcount',
        group: 'generic',
        summary: 'Returns the reference count of a value of a key.',
        handler(ctx, argv) {
          const v = objectLookup(ctx, argv[2]!);
          if (v !== undefined) ctx.reply.integer(refcountOf(ctx, argv[2]!, v));
        },
      },
      {
        name: 'idletime',
        group: 'generic',
        summary: 'Returns the time since the last access to a Redis object.',
        handler(ctx, argv) {
          const key = argv[2]!;
          if (objectLookup(ctx, key) === undefined) return;
          if (isLfuPolicy(ctx)) {
            ctx.reply.error(ERR_LFU_SELECTED);
            return;
          }
          ctx.reply.integer(ctx.db.idleSeconds(key));
        },
      },
      {
        name: 'freq',
        group: 'generic',
        summary: 'Returns the logarithmic access frequency counter of a Redis object.',
        since: '4.0.0',
        handler(ctx, argv) {
          if (objectLookup(ctx, argv[2]!) === undefined) return;
          if (!isLfuPolicy(ctx)) {
            ctx.reply.error(ERR_LFU_NOT_SELECTED);
            return;
          }
          ctx.reply.integer(ctx.db.lfuCounter(argv[2]!));
        },
      },
    ],
  },
];
