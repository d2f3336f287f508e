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
  const scale = 2 ** step;
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

/** decodeGeohash: the [longitude, latitude] a score stands for (its cell's centre, clamped). */
export function decodeScore(score: number): [number, number] {
  const [hi, lo] = scoreWords(score);
  const ilat = (squash32(lo) | (squash32(hi) << 16)) >>> 0;
  const ilon = (squash32(lo >>> 1) | (squash32(hi >>> 1) << 16)) >>> 0;
  const a = decodeCell(ilat, ilon, GEO_STEP_MAX);
  let x = (a.lonMin + a.lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (a.latMin + a.latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
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

/** geohashGetDistance: haversine distance in meters. */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
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

/** The distance of a point from the centre when inside the shape, else -1. */
export function distanceIfInShape(s: GeoShape, lon: number, lat: number): number {
  if (s.circle) {
    const d = distance(s.lon, s.lat, lon, lat);
    return d > s.radius * s.conversion ? -1 : d;
  }
  const heightM = s.height * s.conversion;
  const widthM = s.width * s.conversion;
  if (latDistance(lat, s.lat) > heightM / 2) return -1;
  if (distance(lon, lat, s.lon, lat) > widthM / 2) return -1;
  return distance(s.lon, s.lat, lon, lat);
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
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat - latDelta)));
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
