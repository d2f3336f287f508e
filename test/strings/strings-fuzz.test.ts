// Seeded random command streams for the strings and bitmaps families, compared byte for byte
// with real Redis. A generator draws commands over a small key set so keys collide often, with
// values that hit the interesting paths: integers near the int64 bounds, float texts for
// INCRBYFLOAT (the long double emulation's differential check), binary bytes, small offsets.
// A failure prints SEED=n; DIFF_SEED=n replays it.
import { test } from 'node:test';
import { fuzzFamily, seedsToRun, type Argv, type Rng, useDifferentialPair } from '../helpers/differential.js';
import { bitmapCommand, floatText, stringCommand } from './gen.js';

const { skip, pair } = useDifferentialPair();

test('random string streams match Redis', { skip }, async () => {
  for (const seed of seedsToRun([1, 2, 3, 4, 5, 6])) await fuzzFamily(pair, 'strings', seed, 300, stringCommand);
});

test('random bitmap streams match Redis', { skip }, async () => {
  for (const seed of seedsToRun([11, 12, 13, 14, 15, 16])) await fuzzFamily(pair, 'bitmaps', seed, 300, bitmapCommand);
});

test('random mixed streams match Redis', { skip }, async () => {
  const gen = (rng: Rng): Argv => (rng.chance(0.5) ? stringCommand(rng) : bitmapCommand(rng));
  for (const seed of seedsToRun([21, 22, 23])) await fuzzFamily(pair, 'mixed', seed, 300, gen);
});

test('INCRBYFLOAT on random float texts matches Redis', { skip }, async () => {
  for (const seed of seedsToRun([31, 32])) {
    await fuzzFamily(pair, 'incrbyfloat', seed, 400, (rng) => (rng.chance(0.3) ? ['SET', 'f', floatText(rng)] : ['INCRBYFLOAT', 'f', floatText(rng)]));
  }
});
