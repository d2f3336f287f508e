// The sort family: SORT and SORT_RO, as Redis 7.0's sort.c does them — option parsing in order
// (the first bad LIMIT number or unknown word gets its error), WRONGTYPE after parsing, LIMIT
// clamping, the "dontsort" rule (a BY pattern without '*', sticky once seen: lists and sorted sets
// keep their order with LIMIT applied to the range, sets keep their iteration order unless STORE
// forces an ALPHA sort — Redis also forces it in scripts, which keyraft does not run), BY/GET
// patterns with `->field`, numeric weights parsed as glibc's strtod, ALPHA compared as strcoll
// or, with STORE, as memcmp, STORE's events, signal and dirty count, and the one-way conversion of
// a listpack sorted set to a skiplist that SORT does.
//
// strcoll: Redis calls setlocale(LC_COLLATE, ""), so its ALPHA order follows the server's
// environment. Here it is the C / C.UTF-8 order (byte order of the C string, i.e. up to the first
// NUL), which is what the reference server runs with; under e.g. en_US.UTF-8 Redis would differ.
//
// Order of equal elements: Redis sorts with glibc's qsort (a merge sort on glibc 2.36, so stable),
// or with its own partial quicksort (pqsort.c) when BY is given and LIMIT narrows the range; ties
// are only visible with ALPHA BY (numeric ties fall back to comparing the elements) or with ALPHA
// on elements equal up to a NUL. So the full sort here is a stable sort and the partial one is a
// port of pqsort, and a list ties out exactly as in Redis. For sets and sorted sets the input
// order is the hash table's, which differs from Redis's (an intset's ascending order matches).
//
// Patterns are C strings in sort.c ('*', '->' and '#' are found with strchr/strstr), so a NUL in
// a pattern ends the search; that is kept, as is strtod seeing only the bytes before a NUL.
//
// Not copied: Redis 7.0 tests errno == ERANGE after strtod without clearing errno first, so after
// one out-of-range weight, later SORTs with non-integer string weights fail too until some other
// command clears errno. Here every SORT judges its own weights.

import type { CommandDef, ExecContext } from './types.js';
import type { Value } from '../types/value.js';
import { isString, stringOf } from '../types/value.js';
import { RedisList } from '../types/list.js';
import { RedisSet } from '../types/set.js';
import { ZSet } from '../types/zset.js';
import { RedisHash } from '../types/hash.js';
import { parseInt64 } from '../protocol/numbers.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';

const ERR_SCORES = "ERR One or more scores can't be converted into double";

/**
 * One element being sorted: the element, its numeric weight, and under ALPHA the string compared
 * byte-wise (the element or its BY weight, cut at the first NUL unless STORE; null = no weight).
 */
interface SortItem {
  obj: string;
  score: number;
  cmpobj: string | null;
}

/** The prefix of `s` a C string function sees (up to the first NUL). */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** compareStringObjects: memcmp, then the shorter first. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * lookupKeyByPattern: '#' is the element; otherwise the first '*' is replaced by the element and
 * the key is read as a string, or, with "->field" after the '*', as a hash field. No '*', a
 * missing key, a key of another type or a missing field: undefined.
 */
function lookupByPattern(ctx: ExecContext, pattern: string, subst: string): string | undefined {
  const spat = cString(pattern);
  if (spat === '#') return subst;
  const star = spat.indexOf('*');
  if (star < 0) return undefined;
  const arrow = spat.indexOf('->', star + 1);
  let field: string | null = null;
  let keyPart = pattern;
  if (arrow >= 0 && arrow + 2 < spat.length) {
    // fieldlen = sdslen(spat) - (f - spat) - 2: the field runs to the end of the whole pattern.
    field = pattern.slice(arrow + 2);
    keyPart = pattern.slice(0, arrow);
  }
  const key = keyPart.slice(0, star) + subst + keyPart.slice(star + 1);
  const v: Value | undefined = ctx.lookupRead(key);
  if (v === undefined) return undefined;
  if (field !== null) {
    if (!(v instanceof RedisHash)) return undefined;
    return v.get(field);
  }
  if (!isString(v)) return undefined;
  return stringOf(v);
}

const WHITESPACE = ' \t\n\v\f\r';
const SIMPLE_INTEGER = /^-?[0-9]{1,15}$/;

/**
 * sort.c's weight parsing: strtod over the C string, then an error unless it consumed everything,
 * did not overflow or underflow (ERANGE) and is not NaN. Returns null for an error.
 */
export function sortWeight(s: string): number | null {
  if (SIMPLE_INTEGER.test(s)) return Number(s); // the common case, exact below 2^53
  const str = cString(s);
  let i = 0;
  while (i < str.length && WHITESPACE.includes(str[i]!)) i++;
  let neg = false;
  if (str[i] === '+' || str[i] === '-') {
    neg = str[i] === '-';
    i++;
  }
  const rest = str.slice(i).toLowerCase();
  let value: number;
  let end: number;
  let range = false;
  if (rest.startsWith('inf')) {
    value = Infinity;
    end = i + (rest.startsWith('infinity') ? 8 : 3);
  } else if (rest.startsWith('nan')) {
    return null;
  } else if (rest.startsWith('0x') && /^0x(?:[0-9a-f]|\.[0-9a-f])/.test(rest)) {
    const m = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?[0-9]+))?/.exec(rest)!;
    const intDigits = m[1]!;
    const fracDigits = m[2] ?? '';
    end = i + m[0].length;
    const mantissa = BigInt('0x0' + intDigits + fracDigits);
    let exp = -4 * fracDigits.length;
    if (m[3] !== undefined) exp += Math.max(-100000, Math.min(100000, Number(m[3])));
    value = scaleBinary(mantissa, exp);
    if (value === Infinity) range = true;
    else if (mantissa !== 0n && value < 2.2250738585072014e-308 && !exactSubnormal(value, mantissa, exp)) range = true;
  } else {
    const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?/.exec(rest);
    if (m === null) {
      // No conversion: strtod's end pointer is the start of the string.
      return str.length === 0 ? 0 : null;
    }
    end = i + m[0].length;
    value = Number(m[0]);
    if (value === Infinity) range = true;
    else if (value < 2.2250738585072014e-308 && /[1-9]/.test(m[0].split('e')[0]!)) range = true;
  }
  if (end !== str.length || range) return null;
  return neg ? -value : value;
}

/**
 * Whether a tiny result is exactly mantissa × 2^exp: glibc reports ERANGE for an underflow only
 * when the result is inexact (0x1p-1074 is fine, 0x1p-1075 is not).
 */
function exactSubnormal(value: number, mantissa: bigint, exp: number): boolean {
  if (value === 0) return false;
  const units = BigInt(value * 2 ** 1000 * 2 ** 74); // value / 2^-1074, an integer
  const shift = exp + 1074;
  return shift >= 0 ? mantissa << BigInt(shift) === units : mantissa === units << BigInt(-shift);
}

/** mantissa × 2^exp as a double (rounded once for normal results). */
function scaleBinary(mantissa: bigint, exp: number): number {
  if (mantissa === 0n) return 0;
  // Keep 64 significant bits so Number() rounds at most once for normal results.
  const bits = mantissa.toString(2).length;
  if (bits > 64) {
    const drop = bits - 64;
    const sticky = (mantissa & ((1n << BigInt(drop)) - 1n)) !== 0n ? 1n : 0n;
    mantissa = (mantissa >> BigInt(drop)) | sticky;
    exp += drop;
  }
  let v = Number(mantissa);
  while (exp > 0) {
    const step = Math.min(exp, 1000);
    v *= 2 ** step;
    exp -= step;
  }
  while (exp < 0) {
    const step = Math.min(-exp, 1000);
    v /= 2 ** step;
    exp += step;
  }
  return v;
}

/**
 * Redis's pqsort.c (NetBSD qsort with partial ranges): sorts `a` so that positions lrange..rrange
 * hold what a full sort would put there, skipping partitions outside the range. Index-based port;
 * only the comparator's sign matters, so equal elements end up where the C code puts them.
 * Redis 7.0's copy has no switch to insertion sort after a pass without swaps (checked against
 * the server: with that switch, ties come out in a different order).
 */
function pqsort(a: SortItem[], cmp: (x: SortItem, y: SortItem) => number, lrange: number, rrange: number): void {
  const swap = (i: number, j: number): void => {
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  };
  const vecswap = (i: number, j: number, n: number): void => {
    for (let k = 0; k < n; k++) swap(i + k, j + k);
  };
  const med3 = (x: number, y: number, z: number): number =>
    cmp(a[x]!, a[y]!) < 0
      ? cmp(a[y]!, a[z]!) < 0
        ? y
        : cmp(a[x]!, a[z]!) < 0
          ? z
          : x
      : cmp(a[y]!, a[z]!) > 0
        ? y
        : cmp(a[x]!, a[z]!) < 0
          ? x
          : z;
  // Whether the partition [base, base+n) lies wholly outside the wanted range (pointer
  // comparisons of the C code in element units: lrange = L*es, rrange = (R+1)*es - 1).
  const outside = (base: number, n: number): boolean =>
    (lrange < base && rrange + 1 <= base) || (lrange >= base + n && rrange >= base + n);
  const insertion = (base: number, n: number): void => {
    for (let pm = base + 1; pm < base + n; pm++)
      for (let pl = pm; pl > base && cmp(a[pl - 1]!, a[pl]!) > 0; pl--) swap(pl, pl - 1);
  };
  const sort = (base: number, n: number): void => {
    for (;;) {
      if (n < 7) {
        insertion(base, n);
        return;
      }
      let pm = base + Math.floor(n / 2);
      if (n > 7) {
        let pl = base;
        let pn = base + n - 1;
        if (n > 40) {
          const d = Math.floor(n / 8);
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(base, pm);
      let pa = base + 1;
      let pb = pa;
      let pc = base + n - 1;
      let pd = pc;
      for (;;) {
        let r: number;
        while (pb <= pc && (r = cmp(a[pb]!, a[base]!)) <= 0) {
          if (r === 0) {
            swap(pa, pb);
            pa++;
          }
          pb++;
        }
        while (pb <= pc && (r = cmp(a[pc]!, a[base]!)) >= 0) {
          if (r === 0) {
            swap(pc, pd);
            pd--;
          }
          pc--;
        }
        if (pb > pc) break;
        swap(pb, pc);
        pb++;
        pc--;
      }
      const pn = base + n;
      let r = Math.min(pa - base, pb - pa);
      vecswap(base, pb - r, r);
      r = Math.min(pd - pc, pn - pd - 1);
      vecswap(pb, pn - r, r);
      if ((r = pb - pa) > 1 && !outside(base, r)) sort(base, r);
      if ((r = pd - pc) > 1) {
        base = pn - r;
        n = r;
        if (!outside(base, n)) continue;
      }
      return;
    }
  };
  sort(0, a.length);
}

/** A C long argument: its value, or null when it is not an integer (Redis's getLongFromObject). */
function parseLong(arg: string): number | null {
  const v = parseInt64(arg);
  if (v === null) return null;
  return typeof v === 'number' ? v : Number(v);
}

/** Redis's sortCommandGeneric. */
function sortGeneric(ctx: ExecContext, argv: string[], readonly: boolean): void {
  const argc = argv.length;
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const getops: string[] = [];

  for (let j = 2; j < argc; j++) {
    const leftargs = argc - j - 1;
    const opt = argv[j]!.toLowerCase();
    if (opt === 'asc') desc = false;
    else if (opt === 'desc') desc = true;
    else if (opt === 'alpha') alpha = true;
    else if (opt === 'limit' && leftargs >= 2) {
      const s = parseLong(argv[j + 1]!);
      const c = s === null ? null : parseLong(argv[j + 2]!);
      if (s === null || c === null) {
        ctx.reply.error(ERR_NOT_INTEGER);
        return;
      }
      limitStart = s;
      limitCount = c;
      j += 2;
    } else if (!readonly && opt === 'store' && leftargs >= 1) {
      storekey = argv[++j]!;
    } else if (opt === 'by' && leftargs >= 1) {
      sortby = argv[++j]!;
      if (!cString(sortby).includes('*')) dontsort = true;
    } else if (opt === 'get' && leftargs >= 1) {
      getops.push(argv[++j]!);
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }

  const found = ctx.lookupRead(argv[1]!);
  let sortval: RedisList | RedisSet | ZSet;
  if (found === undefined) sortval = new RedisList();
  else if (found instanceof RedisList || found instanceof RedisSet || found instanceof ZSet) sortval = found;
  else {
    ctx.reply.error(ERR_WRONGTYPE);
    return;
  }

  // A set has no order of its own: with STORE (and in scripts, which keyraft does not run) the
  // output must be deterministic, so Redis sorts it ALPHA instead.
  if (dontsort && sortval instanceof RedisSet && storekey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }

  // Redis converts a listpack sorted set to a skiplist for SORT, for good (OBJECT ENCODING shows it).
  if (sortval instanceof ZSet) sortval.big = true;

  let vectorlen = sortval instanceof RedisList ? sortval.length : sortval.size;
  let start = Math.min(Math.max(limitStart, 0), vectorlen);
  const count = Math.min(Math.max(limitCount, -1), vectorlen);
  let end = count < 0 ? vectorlen - 1 : start + count - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;

  const ranged = !(sortval instanceof RedisSet) && dontsort;
  if (ranged && (start !== 0 || end !== vectorlen - 1)) vectorlen = end - start + 1;

  const vector: SortItem[] = [];
  const item = (obj: string): void => {
    vector.push({ obj, score: 0, cmpobj: null });
  };
  if (sortval instanceof RedisList) {
    if (dontsort) {
      if (end >= start) {
        const len = sortval.length;
        if (desc) for (let i = len - start - 1; i >= 0 && vector.length < vectorlen; i--) item(sortval.at(i));
        else for (let i = start; i < len && vector.length < vectorlen; i++) item(sortval.at(i));
        end -= start;
        start = 0;
      }
    } else {
      const len = sortval.length;
      for (let i = 0; i < len; i++) item(sortval.at(i));
    }
  } else if (sortval instanceof RedisSet) {
    sortval.each((m) => {
      item(m);
    });
  } else if (dontsort) {
    if (vectorlen > 0) {
      const first = desc ? sortval.size - 1 - start : start;
      sortval.each(first, desc, (m) => {
        item(m);
        return vector.length < vectorlen;
      });
    }
    end -= start;
    start = 0;
  } else {
    sortval.each(0, false, (m) => {
      item(m);
    });
  }

  let conversionError = false;
  if (!dontsort) {
    const store = storekey !== null;
    const bypattern = sortby !== null;
    for (const v of vector) {
      let byval: string | undefined;
      if (sortby !== null) {
        byval = lookupByPattern(ctx, sortby, v.obj);
        if (byval === undefined) continue;
      } else byval = v.obj;
      if (alpha) {
        // The compared string: strcoll sees the C string, STORE's memcmp all of it.
        v.cmpobj = store ? byval : cString(byval);
      } else {
        const score = sortWeight(byval);
        if (score === null) conversionError = true;
        else v.score = score;
      }
    }
    const sign = desc ? -1 : 1;
    const cmp = alpha
      ? (a: SortItem, b: SortItem): number => {
          const x = a.cmpobj;
          const y = b.cmpobj;
          // Only a BY weight can be missing (null): it sorts first.
          if (x === null || y === null) return x === y ? 0 : x === null ? -sign : sign;
          return x < y ? -sign : x > y ? sign : 0;
        }
      : (a: SortItem, b: SortItem): number =>
          a.score > b.score ? sign : a.score < b.score ? -sign : sign * compareBytes(a.obj, b.obj);
    if (bypattern && (start !== 0 || end !== vector.length - 1)) pqsort(vector, cmp, start, end);
    else vector.sort(cmp);
  }

  const outputlen = getops.length > 0 ? getops.length * (end - start + 1) : end - start + 1;
  if (conversionError) {
    ctx.reply.error(ERR_SCORES);
    return;
  }
  if (storekey === null) {
    const r = ctx.reply;
    r.array(outputlen);
    for (let j = start; j <= end; j++) {
      const obj = vector[j]!.obj;
      if (getops.length === 0) r.bulk(obj);
      for (const pattern of getops) {
        const val = lookupByPattern(ctx, pattern, obj);
        if (val === undefined) r.nullBulk();
        else r.bulk(val);
      }
    }
    return;
  }

  const out = new RedisList();
  for (let j = start; j <= end; j++) {
    const obj = vector[j]!.obj;
    if (getops.length === 0) out.pushRight(obj);
    else for (const pattern of getops) out.pushRight(lookupByPattern(ctx, pattern, obj) ?? '');
  }
  if (outputlen > 0) {
    ctx.lookupWrite(storekey); // setKey: an expired destination goes first, with its event
    ctx.db.set(storekey, out);
    ctx.modified(storekey);
    ctx.notify('l', 'sortstore', storekey);
    ctx.dirty(outputlen);
  } else if (ctx.db.delete(storekey)) {
    ctx.modified(storekey);
    ctx.notify('g', 'del', storekey);
    ctx.dirty(1);
  }
  ctx.reply.integer(outputlen);
}

export const sortCommands: CommandDef[] = [
  {
    name: 'sort',
    group: 'generic',
    summary: 'Sort the elements in a list, set or sorted set',
    since: '1.0.0',
    handler: (ctx, argv) => sortGeneric(ctx, argv, false),
  },
  {
    name: 'sort_ro',
    group: 'generic',
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    since: '7.0.0',
    handler: (ctx, argv) => sortGeneric(ctx, argv, true),
  },
];
