// Property tests for types/bitops.ts against naive bit-by-bit models: population count, first
// set/clear bit in a range, big-endian bit fields (read after write, neighbours untouched), and
// the overflow rules of BITFIELD for in-range values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Overflow, findBit, getUnsignedBitfield, popcount, setUnsignedBitfield, signedOverflow, unsignedOverflow } from '../../src/types/bitops.js';

function bitAt(bytes: Uint8Array, pos: number): number {
  return (bytes[pos >> 3]! >> (7 - (pos & 7))) & 1;
}

const bytesArb = fc.uint8Array({ minLength: 0, maxLength: 24 }).map((a) => {
  // Bias towards runs of 0x00 / 0xff so the byte-skipping paths are used.
  for (let i = 0; i < a.length; i++) if (a[i]! % 3 === 0) a[i] = a[i]! % 2 === 0 ? 0 : 0xff;
  return a;
});

test('popcount counts set bits', () => {
  fc.assert(
    fc.property(bytesArb, (bytes) => {
      let n = 0;
      for (let p = 0; p < bytes.length * 8; p++) n += bitAt(bytes, p);
      assert.equal(popcount(bytes, 0, bytes.length), n);
    }),
  );
});

test('findBit returns the first matching bit in the range or -1', () => {
  fc.assert(
    fc.property(bytesArb, fc.nat(200), fc.nat(200), fc.constantFrom<0 | 1>(0, 1), (bytes, a, b, bit) => {
      const total = bytes.length * 8;
      if (total === 0) return;
      const from = a % total;
      const to = b % total;
      let want = -1;
      for (let p = from; p <= to; p++) {
        if (bitAt(bytes, p) === bit) {
          want = p;
          break;
        }
      }
      assert.equal(findBit(bytes, from, to, bit), want);
    }),
  );
});

test('bit fields read back what was written and leave other bits alone', () => {
  fc.assert(
    fc.property(bytesArb.filter((b) => b.length >= 9), fc.nat(200), fc.integer({ min: 1, max: 64 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (bytes, off, bits, value) => {
      const offset = off % (bytes.length * 8 - bits + 1);
      const before = Uint8Array.from(bytes);
      setUnsignedBitfield(bytes, offset, bits, BigInt.asUintN(bits, value));
      assert.equal(getUnsignedBitfield(bytes, bytes.length, offset, bits), BigInt.asUintN(bits, value));
      for (let p = 0; p < bytes.length * 8; p++) {
        if (p < offset || p >= offset + bits) assert.equal(bitAt(bytes, p), bitAt(before, p), `bit ${p}`);
      }
    }),
  );
});

test('reads past the end are zeros', () => {
  const bytes = Uint8Array.from([0xff]);
  assert.equal(getUnsignedBitfield(bytes, 1, 4, 8), 0xf0n);
  assert.equal(getUnsignedBitfield(bytes, 1, 8, 16), 0n);
});

test('overflow rules agree with exact arithmetic for in-range values', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 63 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (bits, incr, raw) => {
      const value = BigInt.asUintN(bits, raw);
      const max = (1n << BigInt(bits)) - 1n;
      const sum = value + incr;
      const u = unsignedOverflow(value, incr, bits, Overflow.Sat);
      assert.equal(u.overflow, sum < 0n || sum > max);
      if (u.overflow) assert.equal(u.limit, sum < 0n ? 0n : max);
      const w = unsignedOverflow(value, incr, bits, Overflow.Wrap);
      if (w.overflow) assert.equal(w.limit, BigInt.asUintN(bits, sum));

      const sv = BigInt.asIntN(bits, raw);
      const smax = (1n << BigInt(bits - 1)) - 1n;
      const ssum = sv + incr;
      const s = signedOverflow(sv, incr, bits, Overflow.Sat);
      assert.equal(s.overflow, ssum > smax || ssum < -smax - 1n);
      if (s.overflow) assert.equal(s.limit, ssum > smax ? smax : -smax - 1n);
      const sw = signedOverflow(sv, incr, bits, Overflow.Wrap);
      if (sw.overflow) assert.equal(sw.limit, BigInt.asIntN(bits, ssum));
    }),
    { numRuns: 500 },
  );
});
