// Bit-level operations over byte strings, shared by the bitmap commands: population count,
// first set/clear bit, and reading/writing big-endian bit fields of up to 64 bits. Bits are
// numbered as Redis numbers them: bit 0 is the most significant bit of byte 0.
//
// The functions take Uint8Arrays (a MutableString's bytes, or a copy of the relevant part of a
// latin1 string) and know nothing about keys or replies.

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

/** Number of set bits in bytes[start, end). */
export function popcount(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n += POPCOUNT[bytes[i]!]!;
  return n;
}

/** Population count of one byte. */
export function popcountByte(b: number): number {
  return POPCOUNT[b & 0xff]!;
}

/**
 * The first bit equal to `bit` among bit positions [fromBit, toBit] (inclusive) of `bytes`, or
 * -1 when there is none.
 */
export function findBit(bytes: Uint8Array, fromBit: number, toBit: number, bit: 0 | 1): number {
  if (fromBit > toBit) return -1;
  const skip = bit === 1 ? 0 : 0xff;
  let pos = fromBit;
  while (pos <= toBit) {
    const byteIndex = pos >>> 3;
    if ((pos & 7) === 0 && pos + 7 <= toBit && bytes[byteIndex] === skip) {
      pos += 8;
      continue;
    }
    const b = bytes[byteIndex]!;
    if (((b >> (7 - (pos & 7))) & 1) === bit) return pos;
    pos++;
  }
  return -1;
}

/** Reads `bits` bits starting at bit `offset` as an unsigned value; bytes past the end read as 0. */
export function getUnsignedBitfield(bytes: Uint8Array, length: number, offset: number, bits: number): bigint {
  let value = 0n;
  if (bits <= 32) {
    let v = 0;
    for (let j = 0; j < bits; j++) {
      const pos = offset + j;
      const byte = Math.floor(pos / 8);
      const b = byte < length ? bytes[byte]! : 0;
      v = v * 2 + ((b >> (7 - (pos % 8))) & 1);
    }
    return BigInt(v);
  }
  for (let j = 0; j < bits; j++) {
    const pos = offset + j;
    const byte = Math.floor(pos / 8);
    const b = byte < length ? bytes[byte]! : 0;
    value = (value << 1n) | BigInt((b >> (7 - (pos % 8))) & 1);
  }
  return value;
}

/** Writes the low `bits` bits of `value` at bit `offset` (the bytes must already cover it). */
export function setUnsignedBitfield(bytes: Uint8Array, offset: number, bits: number, value: bigint): void {
  for (let j = 0; j < bits; j++) {
    const bitval = Number((value >> BigInt(bits - 1 - j)) & 1n);
    const pos = offset + j;
    const byte = Math.floor(pos / 8);
    const shift = 7 - (pos % 8);
    bytes[byte] = (bytes[byte]! & ~(1 << shift)) | (bitval << shift);
  }
}

export const enum Overflow {
  Wrap,
  Sat,
  Fail,
}

const U64 = (1n << 64n) - 1n;

/**
 * Redis's checkUnsignedBitfieldOverflow, including its int64 arithmetic: returns whether the
 * result overflowed and, for WRAP/SAT, the value to store.
 */
export function unsignedOverflow(value: bigint, incr: bigint, bits: number, ow: Overflow): { overflow: boolean; limit: bigint } {
  const max = bits === 64 ? U64 : (1n << BigInt(bits)) - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, -value);
  let limit = 0n;
  if (value > max || (incr > 0n && incr > maxincr)) {
    if (ow === Overflow.Wrap) limit = BigInt.asUintN(bits, value + incr);
    else if (ow === Overflow.Sat) limit = max;
    return { overflow: true, limit };
  }
  if (incr < 0n && incr < minincr) {
    if (ow === Overflow.Wrap) limit = BigInt.asUintN(bits, value + incr);
    else if (ow === Overflow.Sat) limit = 0n;
    return { overflow: true, limit };
  }
  return { overflow: false, limit };
}

/** Redis's checkSignedBitfieldOverflow, with the same int64 wrap-around in its bounds. */
export function signedOverflow(value: bigint, incr: bigint, bits: number, ow: Overflow): { overflow: boolean; limit: bigint } {
  const max = bits === 64 ? (1n << 63n) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, min - value);
  let limit = 0n;
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) {
    if (ow === Overflow.Wrap) limit = BigInt.asIntN(bits, value + incr);
    else if (ow === Overflow.Sat) limit = max;
    return { overflow: true, limit };
  }
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    if (ow === Overflow.Wrap) limit = BigInt.asIntN(bits, value + incr);
    else if (ow === Overflow.Sat) limit = min;
    return { overflow: true, limit };
  }
  return { overflow: false, limit };
}
