// HyperLogLog against real Redis 7.0, byte for byte: GET of the HLL string after random PFADD
// sequences (sparse, then promoted to dense at hll-sparse-max-bytes), PFCOUNT of one key (and
// the cache it writes back) and of several keys, PFMERGE of sparse/dense mixes, an HLL made by
// Redis loaded into keyraft with SET and used there, non-HLL and corrupted values and their
// errors. Plus MurmurHash64A checked against a BigInt transcription of Redis's C code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFamily, seedsToRun, type Argv, type Rng, useDifferentialPair } from '../helpers/differential.js';
import { lastPatIndex, murmurHash64A, patLenWords } from '../../src/types/hyperloglog.js';

const { skip, pair } = useDifferentialPair();

/** Redis's MurmurHash64A, transcribed literally with BigInt arithmetic mod 2^64. */
function murmurRef(data: Buffer, seed: number): bigint {
  const M = 0xc6a4a7935bd1e995n;
  const mask = (1n << 64n) - 1n;
  const len = data.length;
  let h = (BigInt(seed) ^ ((BigInt(len) * M) & mask)) & mask;
  const end = len - (len & 7);
  for (let i = 0; i < end; i += 8) {
    let k = data.readBigUInt64LE(i);
    k = (k * M) & mask;
    k ^= k >> 47n;
    k = (k * M) & mask;
    h ^= k;
    h = (h * M) & mask;
  }
  const tail = len & 7;
  if (tail) {
    for (let t = tail - 1; t >= 0; t--) h ^= BigInt(data[end + t]!) << BigInt(8 * t);
    h = (h * M) & mask;
  }
  h ^= h >> 47n;
  h = (h * M) & mask;
  h ^= h >> 47n;
  return h;
}

test('MurmurHash64A matches the BigInt transcription', () => {
  let x = 12345;
  for (let n = 0; n < 2000; n++) {
    const len = n % 40;
    const b = Buffer.alloc(len);
    for (let i = 0; i < len; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      b[i] = x >>> 24;
    }
    assert.equal(murmurHash64A(b.latin1Slice(), 0xadc83b19), murmurRef(b, 0xadc83b19), `len ${len}`);
  }
});

test("PFSELFTEST's word hashing equals hllPatLen of the 8 bytes", () => {
  const b = Buffer.alloc(8);
  for (let i = 0; i < 5000; i++) {
    const lo = Math.imul(i, 2654435761) >>> 0;
    const hi = Math.imul(i, 40503) >>> 0;
    b.writeUInt32LE(lo, 0);
    b.writeUInt32LE(hi, 4);
    const h = murmurHash64A(b.latin1Slice(0, 8), 0xadc83b19);
    let rest = (h >> 14n) | (1n << 50n);
    let count = 1;
    while ((rest & 1n) === 0n) {
      count++;
      rest >>= 1n;
    }
    assert.equal(patLenWords(lo, hi), count);
    assert.equal(lastPatIndex(), Number(h & 0x3fffn));
  }
});

const KEYS = ['h1', 'h2', 'h3'];

function element(rng: Rng): string {
  switch (rng.int(0, 3)) {
    case 0:
      return String(rng.int(0, 100000));
    case 1:
      return rng.bytes(20);
    default:
      return `e:${rng.int(0, 5000)}`;
  }
}

function hllGen(rng: Rng): Argv {
  const k = rng.pick(KEYS);
  const r = rng.int(0, 99);
  if (r < 70) {
    const n = rng.chance(0.7) ? rng.int(1, 4) : rng.int(5, 60);
    const argv = ['PFADD', k];
    for (let i = 0; i < n; i++) argv.push(element(rng));
    return argv;
  }
  if (r < 80) return ['GET', k];
  if (r < 88) return ['PFCOUNT', k];
  if (r < 93) return ['PFCOUNT', ...KEYS.filter(() => rng.chance(0.7)), 'missing'];
  if (r < 97) return ['PFMERGE', rng.pick(['h4', ...KEYS]), ...KEYS.filter(() => rng.chance(0.6))];
  return ['GET', 'h4'];
}

test('random PFADD / PFCOUNT / PFMERGE streams: replies and GET bytes', { skip }, async () => {
  for (const seed of seedsToRun([1, 2, 3])) await fuzzFamily(pair, 'hll', seed, 400, hllGen);
});

test('promotion at hll-sparse-max-bytes (several thresholds), then dense and mixed merges', { skip }, async () => {
  for (const limit of ['0', '30', '200', '3000', '20000']) {
    const stream: Argv[] = [['CONFIG', 'SET', 'hll-sparse-max-bytes', limit]];
    for (let i = 0; i < 120; i++) {
      stream.push(['PFADD', 'a', ...Array.from({ length: 1 + (i % 7) }, (_, j) => `x${i}-${j}`)]);
      if (i % 10 === 0) stream.push(['STRLEN', 'a'], ['GET', 'a'], ['PFCOUNT', 'a'], ['GET', 'a']);
    }
    stream.push(['PFADD', 'b', 'one', 'two', 'three'], ['PFMERGE', 'c', 'b', 'a'], ['GET', 'c'], ['PFMERGE', 'b', 'b'], ['GET', 'b']);
    stream.push(['PFMERGE', 'd', 'b'], ['GET', 'd'], ['PFMERGE', 'd', 'a'], ['GET', 'd'], ['PFCOUNT', 'a', 'b', 'd']);
    stream.push(['PFMERGE', 'e'], ['GET', 'e'], ['PFADD', 'f'], ['PFADD', 'f'], ['GET', 'f'], ['PFCOUNT', 'f'], ['CONFIG', 'GET', 'hll-sparse-max-bytes']);
    await pair.assertSame(`hll-sparse-max-bytes ${limit}`, stream);
  }
  await pair.both(['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000']);
});

test('large cardinalities: dense estimator and cache', { skip }, async () => {
  const stream: Argv[] = [];
  for (let i = 0; i < 200; i++) {
    stream.push(['PFADD', 'big', ...Array.from({ length: 500 }, (_, j) => String(i * 500 + j))]);
    if (i % 20 === 19) stream.push(['PFCOUNT', 'big'], ['GET', 'big']);
  }
  stream.push(['PFCOUNT', 'big', 'nokey'], ['PFMERGE', 'big2', 'big'], ['PFCOUNT', 'big2'], ['GET', 'big2']);
  await pair.assertSame('large', stream);
});

function bulkOf(raw: string): string {
  const nl = raw.indexOf('\r\n');
  return raw.slice(nl + 2, raw.length - 2);
}

test('HLLs made by Redis work in keyraft after SET (sparse and dense)', { skip }, async () => {
  await pair.reset();
  const r = await pair.redis.connect();
  try {
    await r.call('PFADD', 'sp', 'a', 'b', 'c', ...Array.from({ length: 50 }, (_, i) => `s${i}`));
    for (let i = 0; i < 20; i++) await r.call('PFADD', 'dn', ...Array.from({ length: 200 }, (_, j) => `d${i}-${j}`));
    for (const k of ['sp', 'dn']) {
      const bytes = bulkOf((await r.call('GET', k)).raw.latin1Slice());
      const stream: Argv[] = [
        ['SET', k, bytes],
        ['PFCOUNT', k],
        ['GET', k],
        ['PFADD', k, 'new1', 'new2', 'zz'],
        ['GET', k],
        ['PFCOUNT', k, 'other'],
        ['PFMERGE', 'm', k],
        ['GET', 'm'],
        ['SET', 'stale', bytes.slice(0, 15) + String.fromCharCode(bytes.charCodeAt(15) | 0x80) + bytes.slice(16)],
        ['PFCOUNT', 'stale'],
        ['GET', 'stale'],
      ];
      await pair.assertSame(`redis-made ${k}`, stream);
    }
  } finally {
    r.close();
  }
});

const hdr = (enc: number, card = '\0'.repeat(8)) => `HYLL${String.fromCharCode(enc)}\0\0\0${card}`;

test('non-HLL and corrupted values: Redis errors', { skip }, async () => {
  const stream: Argv[] = [
    ['SET', 's', 'hello'],
    ['PFADD', 's', 'a'],
    ['PFCOUNT', 's'],
    ['PFCOUNT', 's', 'x'],
    ['PFMERGE', 'x', 's'],
    ['SET', 'n', '12345678901234567890'],
    ['PFADD', 'n', 'a'],
    ['LPUSH', 'l', 'a'],
    ['PFADD', 'l', 'a'],
    ['PFCOUNT', 'l'],
    ['PFMERGE', 'l'],
    ['PFMERGE', 'h', 'l'],
    ['SET', 'enc2', hdr(2) + 'xx'],
    ['PFADD', 'enc2', 'a'],
    ['SET', 'shortdense', hdr(0) + '\0'.repeat(100)],
    ['PFCOUNT', 'shortdense'],
    // Sparse data covering too few registers (one XZERO of 100).
    ['SET', 'few', hdr(1, '\0'.repeat(7) + '\x80') + '\x40\x63'],
    ['PFCOUNT', 'few'],
    ['PFADD', 'few', ...Array.from({ length: 30 }, (_, i) => `q${i}`)],
    ['PFCOUNT', 'few', 'h'],
    ['PFMERGE', 'h', 'few'],
    // Too many registers (two full XZEROs and a VAL).
    ['SET', 'many', hdr(1, '\0'.repeat(7) + '\x80') + '\x7f\xff\x7f\xff\x84'],
    ['PFCOUNT', 'many'],
    ['PFADD', 'many', 'a', 'b'],
    ['PFMERGE', 'h', 'many'],
    // Valid cached cardinality on garbage: returned as is, as Redis does.
    ['SET', 'cached', hdr(1, '\x05' + '\0'.repeat(7)) + '\x40\x63'],
    ['PFCOUNT', 'cached'],
    ['PFADD', 'h', 'a'],
    ['PFCOUNT', 'h', 'h'],
    ['PFADD'],
    ['PFCOUNT'],
    ['PFMERGE'],
    ['TYPE', 'h'],
    ['OBJECT', 'ENCODING', 'h'],
  ];
  await pair.assertSame('errors', stream);
});

test('PFDEBUG GETREG / DECODE / ENCODING / TODENSE', { skip }, async () => {
  const stream: Argv[] = [
    ['PFADD', 'h', 'a', 'b', 'c', 'd', 'e'],
    ['PFDEBUG', 'ENCODING', 'h'],
    ['PFDEBUG', 'DECODE', 'h'],
    ['PFDEBUG', 'decode', 'h', 'extra'],
    ['PFDEBUG', 'NOSUCH', 'h'],
    ['PFDEBUG', 'NOSUCH', 'h', 'x'],
    ['PFDEBUG', 'GETREG', 'nokey'],
    ['PFDEBUG', 'TODENSE', 'h'],
    ['PFDEBUG', 'TODENSE', 'h'],
    ['PFDEBUG', 'ENCODING', 'h'],
    ['PFDEBUG', 'DECODE', 'h'],
    ['GET', 'h'],
    ['PFDEBUG', 'GETREG', 'h'],
    ['PFADD', 'h2', 'x', 'y'],
    ['PFDEBUG', 'GETREG', 'h2'],
    ['GET', 'h2'],
    ['SET', 's', 'x'],
    ['PFDEBUG', 'ENCODING', 's'],
    ['SET', 'few', hdr(1) + '\x40\x63'],
    ['PFDEBUG', 'DECODE', 'few'],
    ['PFDEBUG', 'TODENSE', 'few'],
  ];
  await pair.assertSame('pfdebug', stream);
});

test('PFSELFTEST passes (and its arity error)', { skip }, async () => {
  // Register round trips and 10,000,000 elements into a dense and a sparse HLL: a few seconds.
  await pair.assertSame('pfselftest', [['PFSELFTEST'], ['PFSELFTEST', 'x']]);
});
