// ShapeFilter (GEOSEARCH's per-candidate test) must decide exactly as the precise distance()
// does — Redis's answer — however close a point is to the radius: it only skips work when the
// answer is clear. Points are drawn around the boundary on purpose, plus radius 0, tiny radii,
// radii near half the Earth's circumference, the poles and the antimeridian.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EARTH_RADIUS_IN_METERS, ShapeFilter, distance, inShape, type GeoShape } from '../../src/types/geohash.js';

const lon = fc.double({ min: -180, max: 180, noNaN: true });
const lat = fc.double({ min: -85.05112878, max: 85.05112878, noNaN: true });

function circle(cLon: number, cLat: number, radius: number, conversion = 1): GeoShape {
  return { circle: true, lon: cLon, lat: cLat, radius, width: 0, height: 0, conversion };
}

/** A point `meters` from the centre along `bearing` (spherical, so only near the exact distance). */
function pointAt(cLon: number, cLat: number, meters: number, bearing: number): [number, number] {
  const d = meters / EARTH_RADIUS_IN_METERS;
  const φ1 = (cLat * Math.PI) / 180;
  const λ1 = (cLon * Math.PI) / 180;
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(bearing));
  const λ2 = λ1 + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
  const lonOut = ((((λ2 * 180) / Math.PI + 540) % 360) + 360) % 360 - 180;
  return [lonOut, Math.max(-85.05112878, Math.min(85.05112878, (φ2 * 180) / Math.PI))];
}

function expectSame(shape: GeoShape, pLon: number, pLat: number): void {
  const exact = shape.circle ? !(distance(shape.lon, shape.lat, pLon, pLat) > shape.radius * shape.conversion) : inShape(shape, pLon, pLat);
  assert.equal(new ShapeFilter(shape).contains(pLon, pLat), exact, JSON.stringify({ shape, pLon, pLat }));
}

test('ShapeFilter agrees with distance() for points near the radius (property)', () => {
  const radius = fc.oneof(fc.double({ min: 0.001, max: 100, noNaN: true }), fc.double({ min: 100, max: 5e6, noNaN: true }), fc.constant(0));
  fc.assert(
    fc.property(lon, lat, radius, fc.double({ min: -1e-6, max: 1e-6, noNaN: true }), fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), (cLon, cLat, r, rel, bearing) => {
      const [pLon, pLat] = pointAt(cLon, cLat, r * (1 + rel), bearing);
      expectSame(circle(cLon, cLat, r), pLon, pLat);
      // The same radius in km: the limit is radius × conversion.
      expectSame(circle(cLon, cLat, r / 1000, 1000), pLon, pLat);
    }),
    { numRuns: 3000, seed: 11 },
  );
});

test('ShapeFilter agrees with distance() for random points, huge radii and boxes (property)', () => {
  const radius = fc.oneof(fc.double({ min: 0, max: 3e7, noNaN: true }), fc.constantFrom(0, 1e-9, 2.0015e7, 2.003e7, 4e7));
  fc.assert(
    fc.property(lon, lat, radius, lon, lat, (cLon, cLat, r, pLon, pLat) => {
      expectSame(circle(cLon, cLat, r), pLon, pLat);
      expectSame({ circle: false, lon: cLon, lat: cLat, radius: 0, width: r / 3, height: r / 5, conversion: 1 }, pLon, pLat);
    }),
    { numRuns: 3000, seed: 12 },
  );
});

test('ShapeFilter: the centre itself, radius 0, and the antimeridian', () => {
  for (const [cLon, cLat] of [[0, 0], [13.4, 52.5], [179.9999, 10], [-180, -85.05112878], [180, 85.05112878]] as const) {
    expectSame(circle(cLon, cLat, 0), cLon, cLat);
    expectSame(circle(cLon, cLat, 1), cLon, cLat);
    expectSame(circle(cLon, cLat, 50_000), -cLon, cLat);
    expectSame(circle(cLon, cLat, 50_000), cLon > 0 ? cLon - 359.9999 : cLon + 359.9999, cLat);
  }
});
