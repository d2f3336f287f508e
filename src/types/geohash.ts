// Geohash math as Redis 7.0's geohash.c and geohash_helper.c do it, so scores, decoded
// positions, distances and the cells a search visits are the same as Redis's: 26-step (52-bit)
// interleaved hashes over longitude [-180, 180] and latitude [-85.05112878, 85.05112878]
// (latitude in the even bits, longitude in the odd bits), cell centres as positions (clamped to
// the ranges), haversine distances on a sphere of radius 6372797.560856 m, and the search area
// of geohashCalculateAreasByShapeWGS84 (step estimated from the radius, the 9 cells around the
// centre, useless neighbours dropped).
//
// A cell is kept as its two integer coordinates (ilat, ilon) at a step rather than as the
// interleaved 64-bit word: moving to a neighbour is then ±1 on one coordinate modulo 2^step,
// which is exactly what geohash_move_x/_y do on the interleaved bits. An encoded coordinate can
// be 2^step (latitude 85.05112878 or longitude 180 exactly), spilling one bit above the 52 —
// Redis keeps that bit in the hash and so does this code.

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

const TWO32 = 2 ** 32;

function degRad(ang: number): number {
  return ang * D_R;
}

function radDeg(ang: number): number {
  return ang / D_R;
}

/** Spreads the low 16 bits of v to the even bit positions of a 32-bit word. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

/** Gathers the even bits of a 32-bit word into 16 bits. */
function squash32(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** interleave64(lat, lon) as a double (C's (double) of the uint64: one rounding). */
export function interleave(ilat: number, ilon: number, add = 0): number {
  const lo = (spread16(ilat) | (spread16(ilon) << 1)) >>> 0;
  const hi = (spread16(ilat >>> 16) | (spread16(ilon >>> 16) << 1)) >>> 0;
  return hi * TWO32 + (lo + add);
}

/** (uint64_t)score as x86-64 gcc converts it, split into two 32-bit words. */
function scoreWords(score: number): [number, number] {
  if (score >= 0 && score < 2 ** 64) {
    const hi = Math.floor(score / TWO32);
    const lo = score - hi * TWO32;
    return [hi >>> 0, Math.floor(lo) >>> 0];
  }
  let v: bigint;
  if (score < 0 && score > -(2 ** 63)) v = BigInt.asUintN(64, BigInt(Math.trunc(score)));
  else if (score >= 2 ** 64) v = 0n;
  else v = 1n << 63n; // the "integer indefinite" value (NaN, -inf, <= -2^63)
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

export interface Cell {
  ilat: number;
  ilon: number;
  step: number;
}

/** geohashEncode over the given ranges; null when outside Redis's supported limits. */
function encodeCell(lon: number, lat: number, step: number, latMin: number, latMax: number): Cell | null {
  if (lon > 180 || lon < -180 || lat > 85.05112878 || lat < -85.05112878) return null;
  if (lat < latMin || lat > latMax || lon < GEO_LONG_MIN || lon > GEO_LONG_MAX) return null;
  const scale = 1 << step; // step <= 26
  const latOffset = ((lat - latMin) / (latMax - latMin)) * scale;
  const lonOffset = ((lon - GEO_LONG_MIN) / (GEO_LONG_MAX - GEO_LONG_MIN)) * scale;
  return { ilat: latOffset >>> 0, ilon: lonOffset >>> 0, step };
}

/** The score GEOADD stores for a position (geohashEncodeWGS84 + geohashAlign52Bits). */
export function encodeScore(lon: number, lat: number): number {
  const c = encodeCell(lon, lat, GEO_STEP_MAX, GEO_LAT_MIN, GEO_LAT_MAX)!;
  return interleave(c.ilat, c.ilon);
}

interface Area {
  latMin: number;
  latMax: number;
  lonMin: number;
  lonMax: number;
}

/** geohashDecode of a cell over the WGS84 ranges Redis uses. */
function decodeCell(ilat: number, ilon: number, step: number): Area {
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const lonScale = GEO_LONG_MAX - GEO_LONG_MIN;
  const div = 2 ** step;
  return {
    latMin: GEO_LAT_MIN + ((ilat * 1.0) / div) * latScale,
    latMax: GEO_LAT_MIN + (((ilat + 1) * 1.0) / div) * latScale,
    lonMin: GEO_LONG_MIN + ((ilon * 1.0) / div) * lonScale,
    lonMax: GEO_LONG_MIN + (((ilon + 1) * 1.0) / div) * lonScale,
  };
}

/** Output of decodeScoreTo (avoids allocating a pair per decoded member in searches). */
export let decodedLon = 0;
export let decodedLat = 0;

/** decodeGeohash: the position a score stands for (its cell's centre, clamped), into decoded*. */
export function decodeScoreTo(score: number): void {
  let hi: number;
  let lo: number;
  if (score >= 0 && score < 2 ** 64) {
    hi = Math.floor(score / TWO32);
    lo = Math.floor(score - hi * TWO32) >>> 0;
    hi >>>= 0;
  } else [hi, lo] = scoreWords(score);
  const ilat = (squash32(lo) | (squash32(hi) << 16)) >>> 0;
  const ilon = (squash32(lo >>> 1) | (squash32(hi >>> 1) << 16)) >>> 0;
  // geohashDecode at step 26 and geohashDecodeAreaToLongLat, operation for operation.
  const div = 67108864; // 1 << GEO_STEP_MAX
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const latMin = GEO_LAT_MIN + ((ilat * 1.0) / div) * latScale;
  const latMax = GEO_LAT_MIN + (((ilat + 1) * 1.0) / div) * latScale;
  const lonMin = GEO_LONG_MIN + ((ilon * 1.0) / div) * 360;
  const lonMax = GEO_LONG_MIN + (((ilon + 1) * 1.0) / div) * 360;
  let x = (lonMin + lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (latMin + latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  decodedLon = x;
  decodedLat = y;
}

/** decodeGeohash as a [longitude, latitude] pair. */
export function decodeScore(score: number): [number, number] {
  decodeScoreTo(score);
  return [decodedLon, decodedLat];
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character standard geohash of a stored score ([-90, 90] latitude range). */
export function standardGeohash(score: number): string {
  const [lon, lat] = decodeScore(score);
  const c = encodeCell(lon, lat, GEO_STEP_MAX, -90, 90);
  let bits = 0n;
  if (c !== null) {
    const v = interleave(c.ilat, c.ilon);
    // interleave's double is exact here: both coordinates are below 2^26 + 1.
    bits = BigInt(v);
  }
  let out = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEOALPHABET[idx];
  }
  return out;
}

/** Half the great-circle latitude distance (geohashGetLatDistance). */
export function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** geohashGetDistance: haversine distance in meters, with glibc-like (correctly rounded) trig. */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = crSin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = crSin((lat2r - lat1r) / 2);
  const a = u * u + crCos(lat1r) * crCos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * crAsin(Math.sqrt(a));
}

/** The same formula with the engine's Math functions: within a few ulps of distance(). */
function fastDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** Relative distance from a limit under which the fast formula is not trusted to decide. */
const FAST_MARGIN = 1e-7;

/** Whether distance(...) > limit, deciding with the fast formula unless it is too close to call. */
function beyond(limit: number, lon1: number, lat1: number, lon2: number, lat2: number): boolean {
  const d = fastDistance(lon1, lat1, lon2, lat2);
  if (Math.abs(d - limit) > FAST_MARGIN * Math.max(limit, 1e-3)) return d > limit;
  return distance(lon1, lat1, lon2, lat2) > limit;
}

/** A search shape: centre, radius or box (in the unit), and the unit's meters. */
export interface GeoShape {
  circle: boolean;
  lon: number;
  lat: number;
  radius: number;
  width: number;
  height: number;
  conversion: number;
}

/**
 * Whether a point is inside the shape (geohashGetDistanceIfInRadiusWGS84 /
 * geohashGetDistanceIfInRectangle); its distance from the centre is distance(centre, point).
 */
export function inShape(s: GeoShape, lon: number, lat: number): boolean {
  if (s.circle) return !beyond(s.radius * s.conversion, s.lon, s.lat, lon, lat);
  const heightM = s.height * s.conversion;
  const widthM = s.width * s.conversion;
  if (latDistance(lat, s.lat) > heightM / 2) return false;
  return !beyond(widthM / 2, lon, lat, s.lon, lat);
}

/**
 * inShape for many points against one shape (GEOSEARCH's scan of its cells), with the centre's
 * terms computed once. For a circle it decides on the haversine term a = sin²(Δlat/2) +
 * cos(lat1)·cos(lat2)·sin²(Δlon/2), compared with the radius's own a (distance = 2R·asin(√a)
 * is increasing in a), so a candidate costs two sines and a cosine instead of four trig calls,
 * an asin and a sqrt; one outside the latitude band (distance ≥ R·|Δlat|) costs none. Within a
 * relative 4e-7 of the boundary it falls back to distance(), so the answer is always
 * distance(centre, point) > radius exactly as inShape decides it.
 */
export class ShapeFilter {
  private readonly lon1r: number;
  private readonly lat1r: number;
  private readonly cosLat1: number;
  private readonly limit: number;
  /** Points further than this in latitude alone (meters, with margin) are outside. */
  private readonly latReject: number;
  /** a below this is inside, above aOutside outside; in between distance() decides. */
  private readonly aInside: number;
  private readonly aOutside: number;

  constructor(private readonly shape: GeoShape) {
    this.lon1r = degRad(shape.lon);
    this.lat1r = degRad(shape.lat);
    this.cosLat1 = Math.cos(this.lat1r);
    this.limit = shape.radius * shape.conversion;
    this.latReject = this.limit * (1 + 1e-6) + 1e-6;
    const half = this.limit / (2 * EARTH_RADIUS_IN_METERS);
    if (half < 1.5) {
      const sinHalf = Math.sin(half);
      const aLimit = sinHalf * sinHalf;
      const margin = aLimit * 4e-7 + 1e-30;
      this.aInside = aLimit - margin;
      this.aOutside = aLimit + margin;
    } else {
      // A radius near half the Earth's circumference: leave every point to distance().
      this.aInside = -1;
      this.aOutside = Infinity;
    }
  }

  contains(lon: number, lat: number): boolean {
    const s = this.shape;
    if (!s.circle) return inShape(s, lon, lat);
    const lat2r = degRad(lat);
    const dlat = lat2r - this.lat1r;
    if (EARTH_RADIUS_IN_METERS * Math.abs(dlat) > this.latReject) return false;
    const v = Math.sin((degRad(lon) - this.lon1r) / 2);
    const u = Math.sin(dlat / 2);
    const a = u * u + this.cosLat1 * Math.cos(lat2r) * v * v;
    if (a < this.aInside) return true;
    if (a > this.aOutside) return false;
    return !(distance(s.lon, s.lat, lon, lat) > this.limit);
  }
}

export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** A score interval [min, max) of one cell to scan (geohashAlign52Bits of bits and bits + 1). */
export interface ScoreBox {
  min: number;
  max: number;
}

function moved(c: Cell, dlon: number, dlat: number): Cell {
  const mod = 2 ** c.step;
  const ilon = dlon === 0 ? c.ilon : (((c.ilon + dlon) % mod) + mod) % mod;
  const ilat = dlat === 0 ? c.ilat : (((c.ilat + dlat) % mod) + mod) % mod;
  return { ilat, ilon, step: c.step };
}

/**
 * geohashCalculateAreasByShapeWGS84 + membersOfAllNeighbors' order: the score ranges of the
 * centre cell and its neighbours (north, south, east, west, NE, NW, SE, SW), without the
 * neighbours Redis drops and without a range equal to the one processed just before it.
 */
export function searchBoxes(s: GeoShape): ScoreBox[] {
  const height = s.conversion * (s.circle ? s.radius : s.height / 2);
  const width = s.conversion * (s.circle ? s.radius : s.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(s.lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(s.lat - latDelta)));
  const southern = s.lat < 0;
  const minLon = southern ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop;
  const maxLon = southern ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop;
  const minLat = s.lat - latDelta;
  const maxLat = s.lat + latDelta;

  let radiusMeters = s.circle ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2));
  radiusMeters *= s.conversion;
  let steps = estimateStepsByRadius(radiusMeters, s.lat);

  let hash = encodeCell(s.lon, s.lat, steps, GEO_LAT_MIN, GEO_LAT_MAX)!;
  {
    const north = decodeCell(moved(hash, 0, 1).ilat, hash.ilon, steps);
    const south = decodeCell(moved(hash, 0, -1).ilat, hash.ilon, steps);
    const east = decodeCell(hash.ilat, moved(hash, 1, 0).ilon, steps);
    const west = decodeCell(hash.ilat, moved(hash, -1, 0).ilon, steps);
    let decrease = false;
    if (north.latMax < maxLat) decrease = true;
    if (south.latMin > minLat) decrease = true;
    if (east.lonMax < maxLon) decrease = true;
    if (west.lonMin > minLon) decrease = true;
    if (steps > 1 && decrease) {
      steps--;
      hash = encodeCell(s.lon, s.lat, steps, GEO_LAT_MIN, GEO_LAT_MAX)!;
    }
  }
  const area = decodeCell(hash.ilat, hash.ilon, steps);
  // Order: centre, north, south, east, west, north_east, north_west, south_east, south_west.
  const cells: (Cell | null)[] = [
    hash,
    moved(hash, 0, 1),
    moved(hash, 0, -1),
    moved(hash, 1, 0),
    moved(hash, -1, 0),
    moved(hash, 1, 1),
    moved(hash, -1, 1),
    moved(hash, 1, -1),
    moved(hash, -1, -1),
  ];
  if (steps >= 2) {
    const N = 1, S = 2, E = 3, W = 4, NE = 5, NW = 6, SE = 7, SW = 8;
    if (area.latMin < minLat) cells[S] = cells[SW] = cells[SE] = null;
    if (area.latMax > maxLat) cells[N] = cells[NE] = cells[NW] = null;
    if (area.lonMin < minLon) cells[W] = cells[SW] = cells[NW] = null;
    if (area.lonMax > maxLon) cells[E] = cells[SE] = cells[NE] = null;
  }
  const boxes: ScoreBox[] = [];
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (c === null || c === undefined) continue;
    if (last !== 0) {
      const p = cells[last]!;
      if (p.ilat === c.ilat && p.ilon === c.ilon) continue;
    }
    const shift = 2 ** (52 - c.step * 2);
    boxes.push({ min: interleave(c.ilat, c.ilon) * shift, max: interleave(c.ilat, c.ilon, 1) * shift });
    last = i;
  }
  return boxes;
}

// ----- correctly rounded sin / cos / asin ----------------------------------------------------
// glibc's sin, cos and asin are (all but always) correctly rounded; V8's fdlibm ports are not
// (a few percent of results differ in the last bit), which shows in STOREDIST scores and, rarely,
// in distances and orderings. These evaluate in double-double precision (~2^-70 relative or
// better) and round once, so they agree with glibc. Reduction: multiples of pi/2 (Cody-Waite,
// three parts), then a table of sin/cos at k/64 built at load time with a long Taylor series.

let LO = 0;

function split(a: number): [number, number] {
  const t = 134217729 * a;
  const hi = t - (t - a);
  return [hi, a - hi];
}

/** a * b as hi (returned) + LO exactly. */
function twoProd(a: number, b: number): number {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  LO = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

function ddMul(ah: number, al: number, bh: number, bl: number): number {
  const p = twoProd(ah, bh);
  const e = LO + (ah * bl + al * bh);
  const s = p + e;
  LO = e - (s - p);
  return s;
}

function ddAdd(ah: number, al: number, bh: number, bl: number): number {
  const s = ah + bh;
  const bb = s - ah;
  const e = ah - (s - bb) + (bh - bb) + al + bl;
  const h = s + e;
  LO = e - (h - s);
  return h;
}

const PIO2_1 = 1.57079632673412561417e0;
const PIO2_2 = 6.07710050630396597660e-11;
const PIO2_3 = 2.02226624871116645580e-21;
const PIO2_3T = 8.47842766036889956997e-32;
const TABLE_STEPS = 64;
const TABLE_SIZE = 52; // k/64 up to pi/4
const SIN_HI = new Float64Array(TABLE_SIZE);
const SIN_LO = new Float64Array(TABLE_SIZE);
const COS_HI = new Float64Array(TABLE_SIZE);
const COS_LO = new Float64Array(TABLE_SIZE);

/** sin and cos of a small exact double by Taylor series in double-double (table building). */
function taylorSinCos(a: number): void {
  // Terms a^n / n!, summed in double-double until negligible.
  let th = a;
  let tl = 0;
  let sh = 0;
  let sl = 0;
  let ch = 1;
  let cl = 0;
  for (let n = 1; n < 40; n++) {
    // term = a^n / n!
    if (n % 4 === 1) sh = ddAdd(sh, sl, th, tl), (sl = LO);
    else if (n % 4 === 3) sh = ddAdd(sh, sl, -th, -tl), (sl = LO);
    else if (n % 4 === 2) ch = ddAdd(ch, cl, -th, -tl), (cl = LO);
    else ch = ddAdd(ch, cl, th, tl), (cl = LO);
    th = ddMul(th, tl, a, 0);
    tl = LO;
    // divide by (n + 1): q = t / (n+1) in double-double
    const q1 = th / (n + 1);
    const p = twoProd(q1, n + 1);
    const r = th - p - LO + tl;
    const q2 = r / (n + 1);
    th = q1 + q2;
    tl = q2 - (th - q1);
  }
  tableSin = [sh, sl];
  tableCos = [ch, cl];
}
let tableSin: [number, number] = [0, 0];
let tableCos: [number, number] = [1, 0];
for (let k = 0; k < TABLE_SIZE; k++) {
  taylorSinCos(k / TABLE_STEPS);
  SIN_HI[k] = tableSin[0];
  SIN_LO[k] = tableSin[1];
  COS_HI[k] = tableCos[0];
  COS_LO[k] = tableCos[1];
}

let sinHi = 0;
let sinLo = 0;
let cosHi = 0;
let cosLo = 0;

/** sin and cos of (rh + rl), |r| <= pi/4 + a little, into sinHi/Lo and cosHi/Lo. */
function sinCosReduced(rh: number, rl: number): void {
  const neg = rh < 0;
  if (neg) {
    rh = -rh;
    rl = -rl;
  }
  const k = Math.min(TABLE_SIZE - 1, Math.round(rh * TABLE_STEPS));
  const dh = ddAdd(rh, rl, -k / TABLE_STEPS, 0);
  const dl = LO;
  // sin d = d - d^3/6 + d^5/120 - ...; cos d = 1 - d^2/2 + d^4/24 - ... (|d| <= 1/128)
  const d2 = dh * dh;
  const sTail = dh * d2 * (-1 / 6 + d2 * (1 / 120 + d2 * (-1 / 5040 + d2 * (1 / 362880))));
  const sdh = ddAdd(dh, dl, sTail, 0);
  const sdl = LO;
  const q = twoProd(dh, dh);
  const ql = LO + 2 * dh * dl;
  const cTail = d2 * d2 * (1 / 24 + d2 * (-1 / 720 + d2 * (1 / 40320 + d2 * (-1 / 3628800))));
  let cdh = ddAdd(1, 0, -0.5 * q, -0.5 * ql);
  let cdl = LO;
  cdh = ddAdd(cdh, cdl, cTail, 0);
  cdl = LO;
  // sin(a + d) = sin a cos d + cos a sin d; cos(a + d) = cos a cos d - sin a sin d
  const sa = SIN_HI[k]!;
  const sal = SIN_LO[k]!;
  const ca = COS_HI[k]!;
  const cal = COS_LO[k]!;
  let x1 = ddMul(sa, sal, cdh, cdl);
  let x1l = LO;
  let x2 = ddMul(ca, cal, sdh, sdl);
  let x2l = LO;
  sinHi = ddAdd(x1, x1l, x2, x2l);
  sinLo = LO;
  x1 = ddMul(ca, cal, cdh, cdl);
  x1l = LO;
  x2 = ddMul(sa, sal, sdh, sdl);
  x2l = LO;
  cosHi = ddAdd(x1, x1l, -x2, -x2l);
  cosLo = LO;
  if (neg) {
    sinHi = -sinHi;
    sinLo = -sinLo;
  }
}

/** Quadrant of the last reduction. */
function reduce(x: number): number {
  if (Math.abs(x) <= 0.785) {
    sinCosReduced(x, 0);
    return 0;
  }
  const k = Math.round(x / (Math.PI / 2));
  let h = ddAdd(x, 0, -k * PIO2_1, 0);
  let l = LO;
  h = ddAdd(h, l, -k * PIO2_2, 0);
  l = LO;
  h = ddAdd(h, l, -k * PIO2_3, 0);
  l = LO - k * PIO2_3T;
  sinCosReduced(h, l);
  return ((k % 4) + 4) % 4;
}

let ddSinH = 0;
let ddSinL = 0;
let ddCosH = 1;
let ddCosL = 0;

/** sin and cos of x in double-double, into ddSinH/L and ddCosH/L. */
function sinCosDD(x: number): void {
  switch (reduce(x)) {
    case 0:
      ddSinH = sinHi, ddSinL = sinLo, ddCosH = cosHi, ddCosL = cosLo;
      break;
    case 1:
      ddSinH = cosHi, ddSinL = cosLo, ddCosH = -sinHi, ddCosL = -sinLo;
      break;
    case 2:
      ddSinH = -sinHi, ddSinL = -sinLo, ddCosH = -cosHi, ddCosL = -cosLo;
      break;
    default:
      ddSinH = -cosHi, ddSinL = -cosLo, ddCosH = sinHi, ddCosL = sinLo;
  }
}

/** sin(x) rounded once from double-double (|x| up to a few pi; NaN/inf fall back). */
export function crSin(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) > 100) return Math.sin(x);
  if (x === 0) return x;
  sinCosDD(x);
  return ddSinH + ddSinL;
}

export function crCos(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) > 100) return Math.cos(x);
  sinCosDD(x);
  return ddCosH + ddCosL;
}

/** asin(s) for s in [0, 1]: one Newton step in double-double from Math.asin. */
export function crAsin(s: number): number {
  const y0 = Math.asin(s);
  if (!(s > 0) || s >= 0.9999 || !Number.isFinite(y0)) return y0;
  sinCosDD(y0);
  // y = y0 - (sin y0 - s) / cos y0, the difference taken in double-double.
  const dh = ddAdd(ddSinH, ddSinL, -s, 0);
  const corr = (dh + LO) / (ddCosH + ddCosL);
  return y0 - corr;
}
