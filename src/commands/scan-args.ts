// The arguments every SCAN variant shares (SCAN, HSCAN, SSCAN, ZSCAN), parsed once as Redis's
// parseScanCursorOrReply and scanGenericCommand do: the cursor, then COUNT / MATCH (and TYPE for
// SCAN only) — option words compared case-insensitively as C strings, so a NUL byte ends them.

import type { ExecContext } from './types.js';
import { parseInt64 } from '../protocol/numbers.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../protocol/errors.js';

export const ERR_INVALID_CURSOR = 'ERR invalid cursor';
const SCAN_COUNT_DEFAULT = 10;
const ULONG_MAX = 2n ** 64n - 1n;

/** An option word as C's strcasecmp sees it: cut at NUL, lowercased. */
export function optionWord(arg: string): string {
  const nul = arg.indexOf('\0');
  return (nul < 0 ? arg : arg.slice(0, nul)).toLowerCase();
}

/**
 * The cursor as C's strtoul reads it, with Redis's extra rejections (parseScanCursorOrReply):
 * a leading space or anything after the digits is an error, an empty string is 0, a '-' wraps
 * modulo 2^64, beyond 2^64-1 is ERANGE. The argument is a C string, so a NUL byte ends it.
 */
export function parseScanCursor(arg: string): bigint | null {
  const nul = arg.indexOf('\0');
  const s = nul < 0 ? arg : arg.slice(0, nul);
  if (s.length === 0) return 0n;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  let i = 0;
  let negative = false;
  if (c0 === 43 || c0 === 45) {
    negative = c0 === 45;
    i = 1;
  }
  if (i === s.length) return null;
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s.slice(i));
  if (v > ULONG_MAX) return null;
  return negative && v !== 0n ? 2n ** 64n - v : v;
}

export interface ScanOptions {
  count: number;
  /** null when every element matches (no MATCH, or MATCH "*"). */
  pattern: string | null;
  /** SCAN's TYPE filter, lowercased; null when absent. */
  typeName: string | null;
}

/**
 * Parses the options from argv[from] on; replies Redis's error and returns null when they are
 * malformed. TYPE is accepted only for SCAN (`allowType`), as in Redis.
 */
export function parseScanOptions(ctx: ExecContext, argv: readonly string[], from: number, allowType: boolean): ScanOptions | null {
  const out: ScanOptions = { count: SCAN_COUNT_DEFAULT, pattern: null, typeName: null };
  for (let i = from; i < argv.length; ) {
    const opt = optionWord(argv[i]!);
    const left = argv.length - i;
    if (opt === 'count' && left >= 2) {
      const n = parseInt64(argv[i + 1]!);
      if (n === null) {
        ctx.reply.error(ERR_NOT_INTEGER);
        return null;
      }
      if (n < 1) {
        ctx.reply.error(ERR_SYNTAX);
        return null;
      }
      out.count = typeof n === 'bigint' ? Number.MAX_SAFE_INTEGER : n;
      i += 2;
    } else if (opt === 'match' && left >= 2) {
      const pattern = argv[i + 1]!;
      out.pattern = pattern === '*' ? null : pattern; // "*" matches everything, the empty string included
      i += 2;
    } else if (allowType && opt === 'type' && left >= 2) {
      out.typeName = optionWord(argv[i + 1]!);
      i += 2;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return null;
    }
  }
  return out;
}

export interface CollectionScan<T> {
  cursor: bigint;
  value: T;
  count: number;
  pattern: string | null;
}

/**
 * The start HSCAN, SSCAN and ZSCAN share, in Redis's order: the cursor, then the key (looked up
 * before the options are parsed), then COUNT / MATCH. `lookup` returns the collection, null
 * after replying (WRONGTYPE) or undefined when the key is missing, which answers an empty scan.
 * Returns null when a reply was written.
 */
export function startCollectionScan<T>(ctx: ExecContext, argv: readonly string[], lookup: (key: string) => T | null | undefined): CollectionScan<T> | null {
  const cursor = parseScanCursor(argv[2]!);
  if (cursor === null) {
    ctx.reply.error(ERR_INVALID_CURSOR);
    return null;
  }
  const value = lookup(argv[1]!);
  if (value === null) return null;
  if (value === undefined) {
    ctx.reply.array(2);
    ctx.reply.bulk('0');
    ctx.reply.array(0);
    return null;
  }
  const opts = parseScanOptions(ctx, argv, 3, false);
  if (opts === null) return null;
  return { cursor, value, count: opts.count, pattern: opts.pattern };
}
