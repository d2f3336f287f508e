// Seeded random command streams over a small key set and databases 0–2, mixing SET/GET with
// every keys-family command, compared with Redis 7.0. Replay one seed with DIFF_SEED=n.
//
// Timing: relative expiries use whole thousands of seconds and never GT/LT (two servers see
// slightly different `now`s, so comparing two relative times could go either way); absolute
// ones sit in 2100, far from any relative one, so GT/LT between them are deterministic. TTL-like
// replies are compared after rounding (normalizeKeysReply).
import { test, before, after } from 'node:test';
import { fuzzFamily, seedsToRun, type DifferentialPair } from '../helpers/differential.js';
import { referenceRedisSkipReason } from '../helpers/servers.js';
import { normalizeKeysReply, startPair } from './support.js';
import { genKeysCommand } from './gen.js';

const skip = referenceRedisSkipReason();
let pair: DifferentialPair;

before(async () => {
  if (!skip) pair = await startPair();
});
after(async () => {
  await pair?.stop();
});

for (const seed of seedsToRun([1, 2, 3, 4, 5, 6])) {
  test(`random keys-family streams, seed ${seed}`, { skip }, async () => {
    await fuzzFamily(pair, 'keys', seed, 250, genKeysCommand, { normalize: normalizeKeysReply });
  });
}
