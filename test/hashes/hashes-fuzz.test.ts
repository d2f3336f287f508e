// Seeded random streams of hash commands over a few keys (one of them a string, for
// WRONGTYPE), compared with Redis 7.0. Two kinds of streams:
// - "listpack" streams never store a field or value longer than 64 bytes and stay far below
//   512 fields, so every hash stays a listpack and HGETALL/HKEYS/HVALS/HSCAN must match Redis's
//   insertion order byte for byte;
// - "mixed" streams add long fields and values (conversion to hashtable, checked through OBJECT
//   ENCODING) and compare unordered replies sorted.
// HRANDFIELD replies are compared by shape (random-hashes.test.ts checks their properties).
// Replay one seed with DIFF_SEED=n.
import { test } from 'node:test';
import { fuzzFamily, seedsToRun, Rng, type Argv, useDifferentialPair } from '../helpers/differential.js';
import { makeNormalizer } from '../sets/support.js';

const { skip, pair } = useDifferentialPair();

const KEYS = ['h1', 'h2', 'str'];
const FIELDS = ['a', 'b', 'c', 'n', 'f', '', 'x\x00\xff', '10'];
const VALUES = ['1', '-7', '0', 'v', '', '1.5', '9223372036854775807', '-9223372036854775808', '3e2', 'abc', '\r\n'];
const LONG = ['L'.repeat(65), 'M'.repeat(100)];

function genHashCommand(long: boolean): (rng: Rng) => Argv {
  const field = (rng: Rng) => (long && rng.chance(0.05) ? rng.pick(LONG) : rng.pick(FIELDS));
  const value = (rng: Rng) => (long && rng.chance(0.1) ? rng.pick(LONG) : rng.pick(VALUES));
  const pairs = (rng: Rng) => Array.from({ length: rng.int(1, 4) }, () => [field(rng), value(rng)]).flat();
  return (rng) => {
    const k = rng.pick(KEYS);
    switch (rng.int(0, 25)) {
      case 0:
      case 1:
      case 2:
        return ['HSET', k, ...pairs(rng)];
      case 3:
        return ['HMSET', k, ...pairs(rng)];
      case 4:
        return ['HSETNX', k, field(rng), value(rng)];
      case 5:
        return ['HGET', k, field(rng)];
      case 6:
        return ['HMGET', k, field(rng), field(rng)];
      case 7:
      case 8:
        return ['HDEL', k, ...Array.from({ length: rng.int(1, 3) }, () => field(rng))];
      case 9:
        return ['HEXISTS', k, field(rng)];
      case 10:
        return ['HLEN', k];
      case 11:
        return ['HSTRLEN', k, field(rng)];
      case 12:
        return ['HKEYS', k];
      case 13:
        return ['HVALS', k];
      case 14:
      case 15:
        return ['HGETALL', k];
      case 16:
      case 17:
        return ['HINCRBY', k, field(rng), rng.pick(['1', '-3', '100', '9223372036854775807', '-9223372036854775808', 'x', '0'])];
      case 18:
      case 19:
        return ['HINCRBYFLOAT', k, field(rng), rng.pick(['0.1', '-2.5', '1e10', '3', 'x', 'inf', '1e-5', '-0.1'])];
      case 20:
        return ['HRANDFIELD', k, ...rng.pick([[], ['0'], ['2'], ['-3'], ['50'], ['2', 'WITHVALUES'], ['-2', 'withvalues'], ['x']])];
      case 21:
        return ['HSCAN', k, '0', ...rng.pick([['COUNT', '1000'], ['MATCH', '?', 'COUNT', '1000'], ['MATCH', '[ab]*', 'COUNT', '1000']])];
      case 22:
        return ['OBJECT', 'ENCODING', k];
      case 23:
        return ['DEL', k];
      case 24:
        return ['SET', 'str', 'v'];
      default:
        return ['TYPE', k];
    }
  };
}

const exact = makeNormalizer({ exactHashOrder: true });
const unordered = makeNormalizer();

for (const seed of seedsToRun([21, 22, 23, 24])) {
  test(`random listpack hash streams (exact order), seed ${seed}`, { skip }, async () => {
    await fuzzFamily(pair, 'hashes-listpack', seed, 300, genHashCommand(false), { normalize: exact });
  });
  test(`random mixed hash streams (long values, conversions), seed ${seed}`, { skip }, async () => {
    await fuzzFamily(pair, 'hashes-mixed', seed, 300, genHashCommand(true), { normalize: unordered });
  });
}

test('random hash streams in RESP3', { skip }, async () => {
  const rng = new Rng(77);
  const gen = genHashCommand(false);
  const stream: Argv[] = [['HELLO', '3']];
  for (let i = 0; i < 300; i++) stream.push(gen(rng));
  await pair.assertSame('hashes resp3', stream, { normalize: exact, seed: 77 });
});
