// Seeded random streams of set commands over a few keys (one of them a string, for WRONGTYPE),
// compared with Redis 7.0. Members mix integers (intset) and strings (hashtable), so encodings
// and conversions are exercised and checked through OBJECT ENCODING. Unordered replies are
// compared sorted; random replies by shape (support.ts). SPOP only appears in its deterministic
// forms (count 0, or a count that empties the set), because a random pop would make the two
// servers' states diverge; random-sets.test.ts checks random pops by their properties.
// Replay one seed with DIFF_SEED=n.
import { test } from 'node:test';
import { fuzzFamily, seedsToRun, type Argv, type Rng, useDifferentialPair } from '../helpers/differential.js';
import { normalizeSetReply } from './support.js';

const { skip, pair } = useDifferentialPair();

const KEYS = ['s1', 's2', 's3', 'str'];
const MEMBERS = ['1', '2', '3', '10', '-5', '0', '9223372036854775807', 'a', 'b', '', 'x\x00\xff', '01', '1.5'];

function members(rng: Rng, max: number, ints: boolean): string[] {
  const pool = ints ? MEMBERS.slice(0, 7) : MEMBERS;
  return Array.from({ length: rng.int(1, max) }, () => rng.pick(pool));
}

function keys(rng: Rng, max: number): string[] {
  return Array.from({ length: rng.int(1, max) }, () => rng.pick(KEYS));
}

export function genSetCommand(rng: Rng): Argv {
  const k = rng.pick(KEYS);
  const ints = rng.chance(0.6);
  switch (rng.int(0, 24)) {
    case 0:
    case 1:
    case 2:
    case 3:
      return ['SADD', k, ...members(rng, 5, ints)];
    case 4:
    case 5:
      return ['SREM', k, ...members(rng, 3, false)];
    case 6:
      return ['SISMEMBER', k, rng.pick(MEMBERS)];
    case 7:
      return ['SMISMEMBER', k, ...members(rng, 3, false)];
    case 8:
      return ['SCARD', k];
    case 9:
      return ['SMEMBERS', k];
    case 10:
      return ['SPOP', k, rng.pick(['0', '1000000', '-1', 'x'])];
    case 11:
      return ['SRANDMEMBER', k, ...rng.pick([[], ['0'], ['2'], ['-3'], ['100'], ['x']])];
    case 12:
      return ['SMOVE', k, rng.pick(KEYS), rng.pick(MEMBERS)];
    case 13:
      return [rng.pick(['SINTER', 'SUNION', 'SDIFF']), ...keys(rng, 3)];
    case 14:
      return [rng.pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), rng.pick(KEYS), ...keys(rng, 3)];
    case 15: {
      const ks = keys(rng, 3);
      const limit = rng.pick([[], ['LIMIT', '1'], ['LIMIT', '0'], ['LIMIT', '-1']]);
      return ['SINTERCARD', String(rng.chance(0.9) ? ks.length : rng.int(0, 4)), ...ks, ...limit];
    }
    case 16:
      // COUNT 1000 makes one call cover a whole set of this size on both servers (a partial
      // step's cursor is an implementation detail); small sets are complete without it.
      return ['SSCAN', k, '0', ...rng.pick([['COUNT', '1000'], ['MATCH', '*1*', 'COUNT', '1000'], ['COUNT', '1000', 'MATCH', 'a'], ['COUNT', '0']])];
    case 17:
    case 18:
      return ['OBJECT', 'ENCODING', k];
    case 19:
      return ['DEL', k];
    case 20:
      return ['SET', 'str', 'v'];
    case 21:
      return ['TYPE', k];
    case 22:
      return ['EXISTS', k];
    case 23:
      // Grow past the intset limit now and then.
      return ['SADD', k, ...Array.from({ length: rng.int(100, 300) }, (_, i) => String(i * 7))];
    default:
      return ['SCARD', k];
  }
}

for (const seed of seedsToRun([11, 12, 13, 14, 15, 16])) {
  test(`random set streams, seed ${seed}`, { skip }, async () => {
    await fuzzFamily(pair, 'sets', seed, 300, genSetCommand, { normalize: normalizeSetReply });
  });
}

test('random set streams in RESP3', { skip }, async () => {
  const rng = (await import('../helpers/differential.js')).Rng;
  const r = new rng(99);
  const stream: Argv[] = [['HELLO', '3']];
  for (let i = 0; i < 300; i++) stream.push(genSetCommand(r));
  await pair.assertSame('sets resp3', stream, { normalize: normalizeSetReply, seed: 99 });
});
