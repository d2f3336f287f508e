// The geo family: GEOADD GEOPOS GEODIST GEOHASH GEOSEARCH GEOSEARCHSTORE GEORADIUS
// GEORADIUSBYMEMBER and the _RO variants, as Redis 7.0's geo.c runs them. Positions live in a
// sorted set whose scores are the 52-bit interleaved geohashes (types/geohash.ts), so ZRANGE
// WITHSCORES of a geo key is Redis's. The search walks the same 9 cells in the same order and
// collects members in zset order per cell, so unsorted replies are in Redis's order too; ASC/DESC
// use a stable sort by distance where Redis calls glibc's qsort (a stable merge sort), and a
// port of Redis's pqsort where it uses that (COUNT without ANY below the number of matches), so
// even members at exactly equal distances come out in Redis's order.
//
// Numbers are formatted as Redis does: distances by fixedpoint_d2string (llrint of d * 10^4,
// four decimals), coordinates by addReplyHumanLongDouble ("%.17Lf" without trailing zeros; a
// RESP3 double), error coordinates by "%f".

import type { CommandDef, ExecContext } from './types.js';
import type { Value } from '../types/value.js';
import { ZSet } from '../types/zset.js';
import { parseDouble, parseInt64 } from '../protocol/numbers.js';
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  decodeScore,
  decodeScoreTo,
  decodedLat,
  decodedLon,
  distance,
  ShapeFilter,
  encodeScore,
  searchBoxes,
  standardGeohash,
  type GeoShape,
} from '../types/geohash.js';

// ----- formatting ----------------------------------------------------------------------------

/** printf("%f", v). */
function formatF(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isNaN(v)) return 'nan';
  if (Math.abs(v) >= 1e21) return `${BigInt(v).toString()}.000000`;
  const s = v.toFixed(6);
  return Object.is(v, -0) ? `-${s}` : s;
}

/** ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros (and a bare dot) removed; -0 is "0". */
function formatHumanDouble(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  let s = Math.abs(v) >= 1e21 ? `${BigInt(v).toString()}.00000000000000000` : v.toFixed(17);
  if (Object.is(v, -0)) s = `-${s}`;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  s = s.slice(0, end);
  return s === '-0' ? '0' : s;
}

/** llrint (round half to even) of a double known to be an exact .5 or not. */
function rint(x: number): number {
  const r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** fixedpoint_d2string(d, 4): what Redis replies for distances. */
export function formatDistance(d: number): string {
  if (d === 0) return '0.0000';
  const sv = rint(d * 10000);
  const neg = sv < 0;
  const digits = String(Math.abs(sv)).padStart(5, '0');
  const out = `${digits.slice(0, digits.length - 4)}.${digits.slice(digits.length - 4)}`;
  return neg ? `-${out}` : out;
}

// ----- argument helpers ----------------------------------------------------------------------

/** extractLongLatOrReply: [lon, lat] or null after the error reply. */
function longLatOrReply(ctx: ExecContext, lonText: string, latText: string): [number, number] | null {
  const lon = parseDouble(lonText);
  if (lon === null) {
    ctx.reply.error(ERR_NOT_FLOAT);
    return null;
  }
  const lat = parseDouble(latText);
  if (lat === null) {
    ctx.reply.error(ERR_NOT_FLOAT);
    return null;
  }
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    ctx.reply.error(`ERR invalid longitude,latitude pair ${formatF(lon)},${formatF(lat)}`);
    return null;
  }
  return [lon, lat];
}

/** extractUnitOrReply: meters per unit, or -1 after the error reply. */
function unitOrReply(ctx: ExecContext, unit: string): number {
  switch (unit.toLowerCase()) {
    case 'm':
      return 1;
    case 'km':
      return 1000;
    case 'ft':
      return 0.3048;
    case 'mi':
      return 1609.34;
    default:
      ctx.reply.error('ERR unsupported unit provided. please use M, KM, FT, MI');
      return -1;
  }
}

function zsetOrReply(ctx: ExecContext, v: Value | undefined): ZSet | null | undefined {
  if (v === undefined) return undefined;
  if (v instanceof ZSet) return v;
  ctx.reply.error(ERR_WRONGTYPE);
  return null;
}

// ----- GEOADD --------------------------------------------------------------------------------

function geoadd(ctx: ExecContext, argv: string[]): void {
  let nx = false;
  let xx = false;
  let ch = false;
  let longidx = 2;
  while (longidx < argv.length) {
    const opt = argv[longidx]!.toLowerCase();
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt === 'ch') ch = true;
    else break;
    longidx++;
  }
  if ((argv.length - longidx) % 3 !== 0 || (xx && nx)) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  const elements = (argv.length - longidx) / 3;
  const scores = new Array<number>(elements);
  for (let i = 0; i < elements; i++) {
    const xy = longLatOrReply(ctx, argv[longidx + i * 3]!, argv[longidx + i * 3 + 1]!);
    if (xy === null) return;
    scores[i] = encodeScore(xy[0], xy[1]);
  }
  // From here on it is ZADD's work on the rewritten command vector.
  if (elements === 0) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  const key = argv[1]!;
  const found = zsetOrReply(ctx, ctx.lookupWrite(key));
  if (found === null) return;
  let z: ZSet;
  if (found === undefined) {
    if (xx) {
      ctx.reply.integer(0);
      return;
    }
    z = new ZSet();
    ctx.db.set(key, z);
  } else z = found;
  let added = 0;
  let updated = 0;
  for (let i = 0; i < elements; i++) {
    const member = argv[longidx + i * 3 + 2]!;
    const s = scores[i]!;
    const cur = z.score(member);
    if (cur !== undefined) {
      if (nx) continue;
      if (s !== cur) {
        z.update(member, cur, s);
        updated++;
      }
    } else if (!xx) {
      z.insert(member, s);
      added++;
    }
  }
  ctx.reply.integer(ch ? added + updated : added);
  if (added || updated) {
    ctx.modified(key);
    ctx.notify('z', 'zadd', key);
    ctx.dirty(added + updated);
  } else if (z.size === 0) {
    ctx.db.delete(key);
  }
}

// ----- GEOPOS / GEODIST / GEOHASH -------------------------------------------------------------

function geopos(ctx: ExecContext, argv: string[]): void {
  const z = zsetOrReply(ctx, ctx.lookupRead(argv[1]!));
  if (z === null) return;
  const r = ctx.reply;
  r.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z === undefined ? undefined : z.score(argv[j]!);
    if (score === undefined) {
      r.nullArray();
      continue;
    }
    const [lon, lat] = decodeScore(score);
    r.array(2);
    r.doubleText(formatHumanDouble(lon));
    r.doubleText(formatHumanDouble(lat));
  }
}

function geodist(ctx: ExecContext, argv: string[]): void {
  let toMeter = 1;
  if (argv.length === 5) {
    toMeter = unitOrReply(ctx, argv[4]!);
    if (toMeter < 0) return;
  } else if (argv.length > 5) {
    ctx.reply.error(ERR_SYNTAX);
    return;
  }
  const v = ctx.lookupRead(argv[1]!);
  if (v === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const z = zsetOrReply(ctx, v);
  if (!z) return;
  const s1 = z.score(argv[2]!);
  const s2 = s1 === undefined ? undefined : z.score(argv[3]!);
  if (s1 === undefined || s2 === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const a = decodeScore(s1);
  const b = decodeScore(s2);
  ctx.reply.bulk(formatDistance(distance(a[0], a[1], b[0], b[1]) / toMeter));
}

function geohash(ctx: ExecContext, argv: string[]): void {
  const z = zsetOrReply(ctx, ctx.lookupRead(argv[1]!));
  if (z === null) return;
  const r = ctx.reply;
  r.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z === undefined ? undefined : z.score(argv[j]!);
    if (score === undefined) r.nullBulk();
    else r.bulk(standardGeohash(score));
  }
}

// ----- searches ------------------------------------------------------------------------------

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

interface GeoPoint {
  member: string;
  score: number;
  lon: number;
  lat: number;
  dist: number;
}

/** Parses a distance and its unit into the shape (extractDistanceOrReply); false after a reply. */
function distanceOrReply(ctx: ExecContext, text: string, unit: string, shape: GeoShape): boolean {
  const d = parseDouble(text);
  if (d === null) {
    ctx.reply.error('ERR need numeric radius');
    return false;
  }
  if (d < 0) {
    ctx.reply.error('ERR radius cannot be negative');
    return false;
  }
  shape.radius = d;
  const conv = unitOrReply(ctx, unit);
  if (conv < 0) return false;
  shape.conversion = conv;
  return true;
}

function boxOrReply(ctx: ExecContext, wText: string, hText: string, unit: string, shape: GeoShape): boolean {
  const w = parseDouble(wText);
  if (w === null) {
    ctx.reply.error('ERR need numeric width');
    return false;
  }
  const h = parseDouble(hText);
  if (h === null) {
    ctx.reply.error('ERR need numeric height');
    return false;
  }
  if (h < 0 || w < 0) {
    ctx.reply.error('ERR height or width cannot be negative');
    return false;
  }
  shape.width = w;
  shape.height = h;
  const conv = unitOrReply(ctx, unit);
  if (conv < 0) return false;
  shape.conversion = conv;
  return true;
}

/** The members of `z` inside the shape, cell by cell (membersOfAllNeighbors); `limit` 0 = all. */
function searchMembers(z: ZSet, shape: GeoShape, limit: number): GeoPoint[] {
  const out: GeoPoint[] = [];
  const filter = new ShapeFilter(shape);
  for (const box of searchBoxes(shape)) {
    if (limit && out.length >= limit) break;
    const rank = z.firstInRange({ min: box.min, max: box.max, minex: false, maxex: true });
    if (rank < 0) continue;
    const max = box.max;
    z.each(rank, false, (member, score) => {
      if (!(score < max)) return false;
      decodeScoreTo(score);
      if (filter.contains(decodedLon, decodedLat)) out.push({ member, score, lon: decodedLon, lat: decodedLat, dist: -1 });
      if (limit && out.length >= limit) return false;
      return true;
    });
  }
  return out;
}

function sortAsc(a: GeoPoint, b: GeoPoint): number {
  return a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1;
}

function sortDesc(a: GeoPoint, b: GeoPoint): number {
  return -sortAsc(a, b);
}

function swap<T>(v: T[], i: number, j: number): void {
  const t = v[i]!;
  v[i] = v[j]!;
  v[j] = t;
}

function vecswap<T>(v: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(v, i + k, j + k);
}

function med3<T>(v: T[], a: number, b: number, c: number, cmp: (x: T, y: T) => number): number {
  return cmp(v[a]!, v[b]!) < 0
    ? cmp(v[b]!, v[c]!) < 0
      ? b
      : cmp(v[a]!, v[c]!) < 0
        ? c
        : a
    : cmp(v[b]!, v[c]!) > 0
      ? b
      : cmp(v[a]!, v[c]!) < 0
        ? a
        : c;
}

/**
 * Redis's pqsort (pqsort.c: NetBSD's quicksort that skips partitions outside [lrange, rrange]),
 * on elements a..a+n-1 of v, in element units, with the same pivots and swaps so that ties land
 * where Redis puts them.
 */
function pqsort<T>(v: T[], a: number, n: number, cmp: (x: T, y: T) => number, lrange: number, rrange: number): void {
  for (;;) {
    if (n < 7) {
      for (let pm = a + 1; pm < a + n; pm++) for (let pl = pm; pl > a && cmp(v[pl - 1]!, v[pl]!) > 0; pl--) swap(v, pl, pl - 1);
      return;
    }
    let pm = a + Math.floor(n / 2);
    if (n > 7) {
      let pl = a;
      let pn = a + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(v, pm - d, pm, pm + d, cmp);
        pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(v, pl, pm, pn, cmp);
    }
    swap(v, a, pm);
    let pa = a + 1;
    let pb = pa;
    let pc = a + n - 1;
    let pd = pc;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(v[pb]!, v[a]!)) <= 0) {
        if (r === 0) swap(v, pa++, pb);
        pb++;
      }
      while (pb <= pc && (r = cmp(v[pc]!, v[a]!)) >= 0) {
        if (r === 0) swap(v, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(v, pb++, pc--);
    }
    const pn = a + n;
    let r = Math.min(pa - a, pb - pa);
    vecswap(v, a, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(v, pb, pn - r, r);
    if ((r = pb - pa) > 1) {
      const l = a;
      const rr = a + r - 1;
      if (!((lrange < l && rrange < l) || (lrange > rr && rrange > rr))) pqsort(v, a, r, cmp, lrange, rrange);
    }
    if ((r = pd - pc) > 1) {
      a = pn - r;
      n = r;
      const l = a;
      const rr = a + r - 1;
      if (!((lrange < l && rrange < l) || (lrange > rr && rrange > rr))) continue;
    }
    return;
  }
}

function georadiusGeneric(ctx: ExecContext, argv: string[], srcKeyIndex: number, flags: number): void {
  let storekey: string | null = null;
  let storedist = false;
  const zobj = zsetOrReply(ctx, ctx.lookupRead(argv[srcKeyIndex]!));
  if (zobj === null) return;
  const shape: GeoShape = { circle: true, lon: 0, lat: 0, radius: 0, width: 0, height: 0, conversion: 1 };
  let baseArgs: number;
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    const xy = longLatOrReply(ctx, argv[2]!, argv[3]!);
    if (xy === null) return;
    [shape.lon, shape.lat] = xy;
    if (!distanceOrReply(ctx, argv[4]!, argv[5]!, shape)) return;
  } else if (flags & RADIUS_MEMBER && zobj === undefined) {
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    const score = zobj!.score(argv[2]!);
    if (score === undefined) {
      ctx.reply.error('ERR could not decode requested zset member');
      return;
    }
    [shape.lon, shape.lat] = decodeScore(score);
    if (!distanceOrReply(ctx, argv[3]!, argv[4]!, shape)) return;
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storekey = argv[1]!;
    }
  }

  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const arg = argv[baseArgs + i]!.toLowerCase();
    if (arg === 'withdist') withdist = true;
    else if (arg === 'withhash') withhash = true;
    else if (arg === 'withcoord') withcoords = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = SORT_ASC;
    else if (arg === 'desc') sort = SORT_DESC;
    else if (arg === 'count' && i + 1 < remaining) {
      const n = parseInt64(argv[baseArgs + i + 1]!);
      if (n === null) {
        ctx.reply.error(ERR_NOT_INTEGER);
        return;
      }
      if (n <= 0) {
        ctx.reply.error('ERR COUNT must be > 0');
        return;
      }
      count = Number(n);
      i++;
    } else if ((arg === 'store' || arg === 'storedist') && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
      storekey = argv[baseArgs + i + 1]!;
      storedist = arg === 'storedist';
      i++;
    } else if (arg === 'storedist' && flags & GEOSEARCH && flags & GEOSEARCHSTORE) {
      storedist = true;
    } else if (arg === 'frommember' && i + 1 < remaining && flags & GEOSEARCH && !fromloc) {
      if (zobj === undefined) {
        frommember = true;
        i++;
        continue;
      }
      const score = zobj.score(argv[baseArgs + i + 1]!);
      if (score === undefined) {
        ctx.reply.error('ERR could not decode requested zset member');
        return;
      }
      [shape.lon, shape.lat] = decodeScore(score);
      frommember = true;
      i++;
    } else if (arg === 'fromlonlat' && i + 2 < remaining && flags & GEOSEARCH && !frommember) {
      const xy = longLatOrReply(ctx, argv[baseArgs + i + 1]!, argv[baseArgs + i + 2]!);
      if (xy === null) return;
      [shape.lon, shape.lat] = xy;
      fromloc = true;
      i += 2;
    } else if (arg === 'byradius' && i + 2 < remaining && flags & GEOSEARCH && !bybox) {
      if (!distanceOrReply(ctx, argv[baseArgs + i + 1]!, argv[baseArgs + i + 2]!, shape)) return;
      shape.circle = true;
      byradius = true;
      i += 2;
    } else if (arg === 'bybox' && i + 3 < remaining && flags & GEOSEARCH && !byradius) {
      if (!boxOrReply(ctx, argv[baseArgs + i + 1]!, argv[baseArgs + i + 2]!, argv[baseArgs + i + 3]!, shape)) return;
      shape.circle = false;
      bybox = true;
      i += 3;
    } else {
      ctx.reply.error(ERR_SYNTAX);
      return;
    }
  }

  if (storekey !== null && (withdist || withhash || withcoords)) {
    ctx.reply.error(
      `ERR ${flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    );
    return;
  }
  if (flags & GEOSEARCH && !(frommember || fromloc)) {
    ctx.reply.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`);
    return;
  }
  if (flags & GEOSEARCH && !(byradius || bybox)) {
    ctx.reply.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
    return;
  }
  if (any && !count) {
    ctx.reply.error('ERR the ANY argument requires COUNT argument');
    return;
  }

  if (zobj === undefined) {
    if (storekey !== null) {
      if (ctx.db.delete(storekey)) {
        ctx.modified(storekey);
        ctx.notify('g', 'del', storekey);
        ctx.dirty();
      }
      ctx.reply.integer(0);
    } else ctx.reply.array(0);
    return;
  }

  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;

  const ga = searchMembers(zobj, shape, any ? count : 0);
  if (ga.length === 0 && storekey === null) {
    ctx.reply.array(0);
    return;
  }
  // Distances only when something shows or orders by them (the filter above decided cheaply).
  if (withdist || sort !== SORT_NONE || (storekey !== null && storedist)) {
    for (const gp of ga) gp.dist = distance(shape.lon, shape.lat, gp.lon, gp.lat);
  }
  const resultLength = ga.length;
  const returned = count === 0 || resultLength < count ? resultLength : count;
  if (sort !== SORT_NONE) {
    const cmp = sort === SORT_ASC ? sortAsc : sortDesc;
    // glibc's qsort is a stable merge sort, as is Array.prototype.sort; Redis's pqsort is not
    // stable, so it is reproduced step for step.
    if (returned === resultLength) ga.sort(cmp);
    else pqsort(ga, 0, resultLength, cmp, 0, returned - 1);
  }

  if (storekey === null) {
    const options = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
    const r = ctx.reply;
    r.array(returned);
    for (let i = 0; i < returned; i++) {
      const gp = ga[i]!;
      if (options) r.array(options + 1);
      r.bulk(gp.member);
      if (withdist) r.bulk(formatDistance(gp.dist / shape.conversion));
      if (withhash) r.integer(Math.trunc(gp.score)); // (long long) of the score; searches only meet scores in [0, 2^54)
      if (withcoords) {
        r.array(2);
        r.doubleText(formatHumanDouble(gp.lon));
        r.doubleText(formatHumanDouble(gp.lat));
      }
    }
    return;
  }
  if (returned > 0) {
    const out = ZSet.create(Infinity);
    let maxLen = 0;
    for (let i = 0; i < returned; i++) {
      const gp = ga[i]!;
      out.insert(gp.member, storedist ? gp.dist / shape.conversion : gp.score);
      if (gp.member.length > maxLen) maxLen = gp.member.length;
    }
    out.fitEncoding(maxLen);
    ctx.db.set(storekey, out);
    ctx.modified(storekey);
    ctx.notify('z', flags & GEOSEARCH ? 'geosearchstore' : 'georadiusstore', storekey);
    ctx.dirty(returned);
  } else if (ctx.db.delete(storekey)) {
    ctx.modified(storekey);
    ctx.notify('g', 'del', storekey);
    ctx.dirty();
  }
  ctx.reply.integer(returned);
}

export const geoCommands: CommandDef[] = [
  { name: 'geoadd', group: 'geo', summary: 'Add one or more geospatial items in the geospatial index represented using a sorted set', since: '3.2.0', handler: geoadd },
  { name: 'geopos', group: 'geo', summary: 'Returns longitude and latitude of members of a geospatial index', since: '3.2.0', handler: geopos },
  { name: 'geodist', group: 'geo', summary: 'Returns the distance between two members of a geospatial index', since: '3.2.0', handler: geodist },
  { name: 'geohash', group: 'geo', summary: 'Returns members of a geospatial index as standard geohash strings', since: '3.2.0', handler: geohash },
  {
    name: 'georadius',
    group: 'geo',
    summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point',
    since: '3.2.0',
    handler: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_COORDS),
  },
  {
    name: 'georadius_ro',
    group: 'geo',
    summary: 'A read-only variant for GEORADIUS',
    since: '3.2.10',
    handler: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE),
  },
  {
    name: 'georadiusbymember',
    group: 'geo',
    summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member',
    since: '3.2.0',
    handler: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_MEMBER),
  },
  {
    name: 'georadiusbymember_ro',
    group: 'geo',
    summary: 'A read-only variant for GEORADIUSBYMEMBER',
    since: '3.2.10',
    handler: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE),
  },
  {
    name: 'geosearch',
    group: 'geo',
    summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.',
    since: '6.2.0',
    handler: (ctx, argv) => georadiusGeneric(ctx, argv, 1, GEOSEARCH),
  },
  {
    name: 'geosearchstore',
    group: 'geo',
    summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.',
    since: '6.2.0',
    handler: (ctx, argv) => georadiusGeneric(ctx, argv, 2, GEOSEARCH | GEOSEARCHSTORE),
  },
];
