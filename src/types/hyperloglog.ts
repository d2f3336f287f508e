// HyperLogLog as Redis 7.0's hyperloglog.c keeps it, byte for byte, so an HLL string is
// interchangeable with Redis's: the 16-byte header ("HYLL", encoding, 3 unused bytes, the cached
// cardinality as 8 little-endian bytes whose top bit marks it stale), the sparse encoding
// (ZERO / XZERO / VAL opcodes, edited in place the way hllSparseSet does it, including its merge
// of adjacent VAL opcodes), the dense encoding (16384 6-bit registers packed LSB first), the
// MurmurHash64A hash with seed 0xadc83b19 and Otmar Ertl's estimator (hllSigma / hllTau).
//
// No RESP here: the commands (commands/hyperloglog.ts) call these on a MutableString, which
// PFADD edits in O(1) (dense) or O(sparse length) (sparse), as Redis edits its sds.

import { MutableString, type StringValue } from './value.js';

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.floor((HLL_REGISTERS * HLL_BITS + 7) / 8);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;
const HLL_ALPHA_INF = 0.721347520444481703680;

const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
/** Byte offset of the cached cardinality in the header. */
const CARD_OFFSET = 8;

// ----- MurmurHash64A on 32-bit halves -------------------------------------------------------

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
/** Result registers of mulM / murmur (avoid allocating pairs). */
let rHi = 0;
let rLo = 0;

/** High 32 bits of the unsigned 32x32 product. */
function mulHi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const ll = a0 * b0;
  const hl = a1 * b0;
  const cross = (ll >>> 16) + (hl & 0xffff) + a0 * b1;
  return ((hl >>> 16) + Math.floor(cross / 65536) + a1 * b1) >>> 0;
}

/** (hi:lo) * m mod 2^64 into rHi:rLo. */
function mulM(hi: number, lo: number): void {
  const nlo = Math.imul(lo, M_LO) >>> 0;
  rHi = (mulHi32(lo, M_LO) + Math.imul(lo, M_HI) + Math.imul(hi, M_LO)) >>> 0;
  rLo = nlo;
}

/** MurmurHash64A (Redis's, little-endian reads) of a latin1 string; result in rHi:rLo. */
function murmur64a(s: string, seed: number): void {
  const len = s.length;
  mulM(0, len);
  let hHi = rHi;
  let hLo = (rLo ^ seed) >>> 0;
  const end = len - (len & 7);
  let i = 0;
  for (; i < end; i += 8) {
    let kLo = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24)) >>> 0;
    let kHi = (s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) | (s.charCodeAt(i + 7) << 24)) >>> 0;
    mulM(kHi, kLo);
    kHi = rHi;
    kLo = (rLo ^ (rHi >>> 15)) >>> 0;
    mulM(kHi, kLo);
    hHi = (hHi ^ rHi) >>> 0;
    hLo = (hLo ^ rLo) >>> 0;
    mulM(hHi, hLo);
    hHi = rHi;
    hLo = rLo;
  }
  const tail = len & 7;
  if (tail > 0) {
    switch (tail) {
      case 7:
        hHi ^= s.charCodeAt(i + 6) << 16;
      // falls through
      case 6:
        hHi ^= s.charCodeAt(i + 5) << 8;
      // falls through
      case 5:
        hHi ^= s.charCodeAt(i + 4);
      // falls through
      case 4:
        hLo ^= s.charCodeAt(i + 3) << 24;
      // falls through
      case 3:
        hLo ^= s.charCodeAt(i + 2) << 16;
      // falls through
      case 2:
        hLo ^= s.charCodeAt(i + 1) << 8;
      // falls through
      case 1:
        hLo ^= s.charCodeAt(i);
    }
    mulM(hHi >>> 0, hLo >>> 0);
    hHi = rHi;
    hLo = rLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mulM(hHi, hLo);
  hHi = rHi;
  hLo = (rLo ^ (rHi >>> 15)) >>> 0;
  rHi = hHi;
  rLo = hLo;
}

/** MurmurHash64A of a latin1 string as a BigInt (tests; the hot path uses the halves). */
export function murmurHash64A(s: string, seed: number): bigint {
  murmur64a(s, seed >>> 0);
  return (BigInt(rHi) << 32n) | BigInt(rLo);
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** hllPatLen's register index of the last hashed element. */
let patIndex = 0;

/** The register index computed by the last patLenWords call (tests). */
export function lastPatIndex(): number {
  return patIndex;
}

/** Redis's hllPatLen: sets patIndex, returns the run length of zeros + 1 (1..51). */
function patLen(ele: string): number {
  murmur64a(ele, 0xadc83b19);
  patIndex = rLo & HLL_P_MASK;
  // The 50 bits above the index: bits 14..45 in `low`, 46..63 in `high`.
  const low = ((rLo >>> HLL_P) | (rHi << (32 - HLL_P))) >>> 0;
  if (low !== 0) return ctz32(low) + 1;
  const high = rHi >>> HLL_P;
  if (high !== 0) return 32 + ctz32(high) + 1;
  return HLL_Q + 1;
}

/** patLen of an 8-byte element given as two little-endian 32-bit words (PFSELFTEST). */
export function patLenWords(kLo: number, kHi: number): number {
  mulM(0, 8);
  let hHi = rHi;
  let hLo = (rLo ^ 0xadc83b19) >>> 0;
  mulM(kHi, kLo);
  kHi = rHi;
  kLo = (rLo ^ (rHi >>> 15)) >>> 0;
  mulM(kHi, kLo);
  hHi = (hHi ^ rHi) >>> 0;
  hLo = (hLo ^ rLo) >>> 0;
  mulM(hHi, hLo);
  hHi = rHi;
  hLo = (rLo ^ (rHi >>> 15)) >>> 0;
  mulM(hHi, hLo);
  hHi = rHi;
  hLo = (rLo ^ (rHi >>> 15)) >>> 0;
  patIndex = hLo & HLL_P_MASK;
  const low = ((hLo >>> HLL_P) | (hHi << (32 - HLL_P))) >>> 0;
  if (low !== 0) return ctz32(low) + 1;
  const high = hHi >>> HLL_P;
  if (high !== 0) return 32 + ctz32(high) + 1;
  return HLL_Q + 1;
}

// ----- header and validity ------------------------------------------------------------------

function byteAt(v: StringValue, i: number): number {
  return typeof v === 'string' ? v.charCodeAt(i) : v.bytes[i]!;
}

/** Redis's isHLLObjectOrReply minus the type check: header magic, encoding, dense length. */
export function isHll(v: StringValue): boolean {
  if (v.length < HLL_HDR_SIZE) return false;
  if (byteAt(v, 0) !== 0x48 || byteAt(v, 1) !== 0x59 || byteAt(v, 2) !== 0x4c || byteAt(v, 3) !== 0x4c) return false;
  const enc = byteAt(v, 4);
  if (enc > HLL_MAX_ENCODING) return false;
  if (enc === HLL_DENSE && v.length !== HLL_DENSE_SIZE) return false;
  return true;
}

export function encodingOf(v: StringValue): number {
  return byteAt(v, 4);
}

/** A new empty HLL: sparse, a single XZERO opcode covering all registers (createHLLObject). */
export function createHll(): MutableString {
  const bytes = Buffer.alloc(64);
  bytes.latin1Write('HYLL', 0);
  bytes[4] = HLL_SPARSE;
  const aux = SPARSE_XZERO_MAX_LEN - 1;
  bytes[HLL_HDR_SIZE] = (aux >> 8) | 0x40;
  bytes[HLL_HDR_SIZE + 1] = aux & 0xff;
  return new MutableString(bytes, HLL_HDR_SIZE + 2);
}

export function cacheValid(m: MutableString): boolean {
  return (m.bytes[CARD_OFFSET + 7]! & 0x80) === 0;
}

export function invalidateCache(m: MutableString): void {
  m.bytes[CARD_OFFSET + 7] = m.bytes[CARD_OFFSET + 7]! | 0x80;
}

/** The cached cardinality (only meaningful when cacheValid). */
export function cachedCard(m: MutableString): number {
  const b = m.bytes;
  return b.readUInt32LE(CARD_OFFSET) + b.readUInt32LE(CARD_OFFSET + 4) * 2 ** 32;
}

export function setCachedCard(m: MutableString, card: number): void {
  m.bytes.writeUInt32LE(card % 2 ** 32, CARD_OFFSET);
  m.bytes.writeUInt32LE(Math.floor(card / 2 ** 32), CARD_OFFSET + 4);
}

// ----- dense registers ----------------------------------------------------------------------

function denseGet(b: Uint8Array, len: number, reg: number): number {
  const bit = reg * HLL_BITS;
  const byte = HLL_HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  const b0 = b[byte]!;
  const b1 = byte + 1 < len ? b[byte + 1]! : 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

function denseSetRaw(b: Uint8Array, len: number, reg: number, val: number): void {
  const bit = reg * HLL_BITS;
  const byte = HLL_HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  const fb8 = 8 - fb;
  b[byte] = (b[byte]! & ~(HLL_REGISTER_MAX << fb)) | (val << fb);
  if (byte + 1 < len) b[byte + 1] = (b[byte + 1]! & ~(HLL_REGISTER_MAX >> fb8)) | (val >> fb8);
}

/** hllDenseSet: raises register `reg` to `count`; 1 when it changed. */
function denseSet(m: MutableString, reg: number, count: number): number {
  const old = denseGet(m.bytes, m.length, reg);
  if (count > old) {
    denseSetRaw(m.bytes, m.length, reg, count);
    return 1;
  }
  return 0;
}

/** Visits the 16384 dense registers; groups of 3 bytes hold 4 registers. */
function denseEach(b: Uint8Array, visit: (reg: number, val: number) => void): void {
  let p = HLL_HDR_SIZE;
  for (let r = 0; r < HLL_REGISTERS; r += 4, p += 3) {
    const b0 = b[p]!;
    const b1 = b[p + 1]!;
    const b2 = b[p + 2]!;
    visit(r, b0 & 63);
    visit(r + 1, ((b0 >> 6) | (b1 << 2)) & 63);
    visit(r + 2, ((b1 >> 4) | (b2 << 4)) & 63);
    visit(r + 3, b2 >> 2);
  }
}

// ----- sparse -------------------------------------------------------------------------------

function valSet(b: Uint8Array, p: number, val: number, len: number): void {
  b[p] = (((val - 1) << 2) | (len - 1)) | 0x80;
}

function zeroSet(b: Uint8Array, p: number, len: number): void {
  b[p] = len - 1;
}

function xzeroSet(b: Uint8Array, p: number, len: number): void {
  const l = len - 1;
  b[p] = (l >> 8) | 0x40;
  b[p + 1] = l & 0xff;
}

/** hllSparseToDense in place; false when the sparse data does not cover exactly 16384 registers. */
export function sparseToDense(m: MutableString): boolean {
  const src = m.bytes;
  if (src[4] === HLL_DENSE) return true;
  const dense = Buffer.alloc(HLL_DENSE_SIZE);
  src.copy(dense, 0, 0, HLL_HDR_SIZE);
  dense[4] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  const end = m.length;
  while (p < end) {
    const op = src[p]!;
    if ((op & 0xc0) === 0) {
      const runlen = (op & 0x3f) + 1;
      if (runlen + idx > HLL_REGISTERS) break;
      idx += runlen;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      const runlen = (((op & 0x3f) << 8) | (p + 1 < end ? src[p + 1]! : 0)) + 1;
      if (runlen + idx > HLL_REGISTERS) break;
      idx += runlen;
      p += 2;
    } else {
      let runlen = (op & 3) + 1;
      const regval = ((op >> 2) & 0x1f) + 1;
      if (runlen + idx > HLL_REGISTERS) break;
      while (runlen--) denseSetRaw(dense, HLL_DENSE_SIZE, idx++, regval);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  m.bytes = dense;
  m.length = HLL_DENSE_SIZE;
  return true;
}

function reserve(m: MutableString, extra: number): void {
  if (m.length + extra <= m.bytes.length) return;
  const next = Buffer.alloc(Math.max(m.length + extra, m.length * 2));
  m.bytes.copy(next, 0, 0, m.length);
  m.bytes = next;
}

/**
 * hllSparseSet: raises register `index` to `count` in the sparse data, splitting the opcode
 * that covers it and merging equal neighbours; promotes to dense when `count` exceeds what VAL
 * holds or the result would pass `sparseMaxBytes`. 1 changed, 0 unchanged, -1 corrupted.
 */
function sparseSet(m: MutableString, index: number, count: number, sparseMaxBytes: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(m, index, count);
  reserve(m, 3);
  let b = m.bytes;
  let p = HLL_HDR_SIZE;
  let end = m.length;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p]!;
    let oplen = 1;
    if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
    else if (op & 0x80) span = (op & 3) + 1;
    else {
      span = (((op & 0x3f) << 8) | b[p + 1]!) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = b[p]!;
  let next = (op & 0xc0) === 0x40 ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const isZero = (op & 0xc0) === 0;
  const isXzero = (op & 0xc0) === 0x40;
  const isVal = (op & 0x80) !== 0;
  const runlen = isZero ? (op & 0x3f) + 1 : isXzero ? (((op & 0x3f) << 8) | b[p + 1]!) + 1 : (op & 3) + 1;

  let updatedInPlace = false;
  if (isVal) {
    const oldcount = ((op >> 2) & 0x1f) + 1;
    if (oldcount >= count) return 0;
    if (runlen === 1) {
      valSet(b, p, count, 1);
      updatedInPlace = true;
    }
  }
  if (!updatedInPlace && isZero && runlen === 1) {
    valSet(b, p, count, 1);
    updatedInPlace = true;
  }
  if (!updatedInPlace) {
    const seq = scratchSeq;
    let n = 0;
    const last = first + span - 1;
    if (isZero || isXzero) {
      if (index !== first) {
        const len = index - first;
        if (len > SPARSE_ZERO_MAX_LEN) {
          xzeroSet(seq, n, len);
          n += 2;
        } else zeroSet(seq, n++, len);
      }
      valSet(seq, n++, count, 1);
      if (index !== last) {
        const len = last - index;
        if (len > SPARSE_ZERO_MAX_LEN) {
          xzeroSet(seq, n, len);
          n += 2;
        } else zeroSet(seq, n++, len);
      }
    } else {
      const curval = ((op >> 2) & 0x1f) + 1;
      if (index !== first) valSet(seq, n++, curval, index - first);
      valSet(seq, n++, count, 1);
      if (index !== last) valSet(seq, n++, curval, last - index);
    }
    const oldlen = isXzero ? 2 : 1;
    const delta = n - oldlen;
    if (delta > 0 && m.length + delta > sparseMaxBytes) return promote(m, index, count);
    if (delta !== 0 && next >= 0) b.copyWithin(next + delta, next, end);
    m.length += delta;
    for (let i = 0; i < n; i++) b[p + i] = seq[i]!;
    end += delta;
  }

  // Merge adjacent equal VAL opcodes, up to 5 opcodes from the previous one.
  b = m.bytes;
  p = prev >= 0 ? prev : HLL_HDR_SIZE;
  let scanlen = 5;
  while (p < end && scanlen-- > 0) {
    const o = b[p]!;
    if ((o & 0xc0) === 0x40) {
      p += 2;
      continue;
    } else if ((o & 0xc0) === 0) {
      p++;
      continue;
    }
    if (p + 1 < end && b[p + 1]! & 0x80) {
      const o2 = b[p + 1]!;
      const v1 = ((o >> 2) & 0x1f) + 1;
      const v2 = ((o2 >> 2) & 0x1f) + 1;
      if (v1 === v2) {
        const len = (o & 3) + 1 + (o2 & 3) + 1;
        if (len <= SPARSE_VAL_MAX_LEN) {
          valSet(b, p + 1, v1, len);
          b.copyWithin(p, p + 1, end);
          m.length--;
          end--;
          continue;
        }
      }
    }
    p++;
  }
  invalidateCache(m);
  return 1;
}

const scratchSeq = new Uint8Array(5);

function promote(m: MutableString, index: number, count: number): number {
  if (!sparseToDense(m)) return -1;
  return denseSet(m, index, count);
}

/** hllAdd: 1 when a register changed, 0 when not, -1 for a corrupted HLL. */
export function hllAdd(m: MutableString, ele: string, sparseMaxBytes: number): number {
  const count = patLen(ele);
  const enc = m.bytes[4];
  if (enc === HLL_DENSE) return denseSet(m, patIndex, count);
  if (enc === HLL_SPARSE) return sparseSet(m, patIndex, count, sparseMaxBytes);
  return -1;
}

/** Raises registers of an HLL to `max` (PFMERGE's write-back: hllDenseSet / hllSparseSet). */
export function setRegisters(m: MutableString, max: Uint8Array, sparseMaxBytes: number): void {
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const v = max[j]!;
    if (v === 0) continue;
    if (m.bytes[4] === HLL_DENSE) denseSet(m, j, v);
    else sparseSet(m, j, v, sparseMaxBytes);
  }
}

// ----- merge and count ----------------------------------------------------------------------

/** hllMerge: max[i] = MAX(max[i], hll[i]); false when the sparse data is corrupted. */
export function hllMerge(max: Uint8Array, v: StringValue): boolean {
  const b = typeof v === 'string' ? Buffer.from(v, 'latin1') : v.bytes;
  const len = v.length;
  if (b[4] === HLL_DENSE) {
    denseEach(b, (r, val) => {
      if (val > max[r]!) max[r] = val;
    });
    return true;
  }
  let i = 0;
  let p = HLL_HDR_SIZE;
  while (p < len) {
    const op = b[p]!;
    if ((op & 0xc0) === 0) {
      i += (op & 0x3f) + 1;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      i += (((op & 0x3f) << 8) | (p + 1 < len ? b[p + 1]! : 0)) + 1;
      p += 2;
    } else {
      let runlen = (op & 3) + 1;
      const regval = ((op >> 2) & 0x1f) + 1;
      if (runlen + i > HLL_REGISTERS) break;
      while (runlen--) {
        if (regval > max[i]!) max[i] = regval;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

/** The estimator of hllCount from a register histogram (Ertl's improved estimator). */
function estimate(reghisto: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - reghisto[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += reghisto[j]!;
    z *= 0.5;
  }
  z += m * hllSigma(reghisto[0]! / m);
  return Math.round((HLL_ALPHA_INF * m * m) / z);
}

const histo = new Int32Array(64);

/** hllCount of a dense or sparse HLL; null when the sparse data is corrupted. */
export function hllCount(v: MutableString): number | null {
  histo.fill(0);
  const b = v.bytes;
  if (b[4] === HLL_DENSE) {
    denseEach(b, (_r, val) => {
      histo[val]!++;
    });
  } else {
    let idx = 0;
    let p = HLL_HDR_SIZE;
    const end = v.length;
    while (p < end) {
      const op = b[p]!;
      if ((op & 0xc0) === 0) {
        const runlen = (op & 0x3f) + 1;
        idx += runlen;
        histo[0] += runlen;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        const runlen = (((op & 0x3f) << 8) | (p + 1 < end ? b[p + 1]! : 0)) + 1;
        idx += runlen;
        histo[0] += runlen;
        p += 2;
      } else {
        const runlen = (op & 3) + 1;
        idx += runlen;
        histo[((op >> 2) & 0x1f) + 1] += runlen;
        p++;
      }
    }
    if (idx !== HLL_REGISTERS) return null;
  }
  return estimate(histo);
}

/** hllCount of the raw (one byte per register) array PFCOUNT builds for several keys. */
export function hllCountRaw(max: Uint8Array): number {
  histo.fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[max[i]!]!++;
  return estimate(histo);
}

/** The value as a MutableString (the commands keep HLLs mutable; a plain string is copied once). */
export function toMutable(v: StringValue): MutableString {
  return typeof v === 'string' ? MutableString.from(v, 3) : v;
}

/** PFDEBUG GETREG: the 16384 register values of a dense HLL. */
export function denseRegisters(m: MutableString): number[] {
  const out = new Array<number>(HLL_REGISTERS);
  denseEach(m.bytes, (r, v) => {
    out[r] = v;
  });
  return out;
}

/** PFDEBUG DECODE: the sparse opcodes as "z:N Z:N v:V,N" text. */
export function decodeSparse(m: MutableString): string {
  const b = m.bytes;
  const end = m.length;
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = b[p]!;
    if ((op & 0xc0) === 0) {
      parts.push(`z:${(op & 0x3f) + 1}`);
      p++;
    } else if ((op & 0xc0) === 0x40) {
      parts.push(`Z:${(((op & 0x3f) << 8) | (p + 1 < end ? b[p + 1]! : 0)) + 1}`);
      p += 2;
    } else {
      parts.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`);
      p++;
    }
  }
  return parts.join(' ');
}

/**
 * PFSELFTEST, as Redis's pfselftestCommand: (1) 1000 rounds of random values written to and read
 * back from all dense registers; (2) 10,000,000 distinct 8-byte elements added to a dense and a
 * sparse HLL at once, checking at every power of ten that the sparse one is still sparse while
 * small, that both estimate the same, and that the error stays within 6 standard errors.
 * Returns null on success or Redis's TESTFAILED message. `random` gives floats in [0, 1).
 */
export function selfTest(random: () => number, sparseMaxBytes: number): string | null {
  const dense = new MutableString(Buffer.alloc(HLL_DENSE_SIZE), HLL_DENSE_SIZE);
  const b = dense.bytes;
  b.latin1Write('HYLL', 0);
  b[4] = HLL_DENSE;
  const bytecounters = new Uint8Array(HLL_REGISTERS);
  for (let j = 0; j < 1000; j++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = Math.floor(random() * 64) & HLL_REGISTER_MAX;
      bytecounters[i] = r;
      denseSetRaw(b, HLL_DENSE_SIZE, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(b, HLL_DENSE_SIZE, i);
      if (val !== bytecounters[i]) return `TESTFAILED Register ${i} should be ${bytecounters[i]} but is ${val}`;
    }
  }
  b.fill(0, HLL_HDR_SIZE);
  const sparse = createHll();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let checkpoint = 1;
  const seedLo = Math.floor(random() * 2 ** 32) >>> 0;
  const seedHi = Math.floor(random() * 2 ** 32) >>> 0;
  for (let j = 1; j <= 10000000; j++) {
    // The element is the 8 little-endian bytes of j ^ seed: hashed once, applied to both.
    const count = patLenWords((j ^ seedLo) >>> 0, seedHi);
    denseSet(dense, patIndex, count);
    if (sparse.bytes[4] === HLL_DENSE) denseSet(sparse, patIndex, count);
    else sparseSet(sparse, patIndex, count, sparseMaxBytes);
    if (j !== checkpoint) continue;
    if (j < sparseMaxBytes / 2 && sparse.bytes[4] !== HLL_SPARSE) return 'TESTFAILED sparse encoding not used';
    const card = hllCount(dense);
    if (card !== hllCount(sparse)) return 'TESTFAILED dense/sparse disagree';
    let maxerr = Math.ceil(relerr * 6 * checkpoint);
    if (j === 10) maxerr = 1;
    const abserr = Math.abs(checkpoint - (card ?? 0));
    if (abserr > maxerr) return `TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`;
    checkpoint *= 10;
  }
  return null;
}
