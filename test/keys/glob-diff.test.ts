// Glob matching compared with Redis 7.0 through KEYS and SCAN MATCH: the edge cases (`*`, `?`,
// ranges, reversed ranges, negation, escapes, unterminated `[`, bytes >= 0x80 in ranges, the
// nesting limit) over a key set that exercises them, then seeded random patterns and keys.
import { test, before, after } from 'node:test';
import { Rng, type Argv, type DifferentialPair } from '../helpers/differential.js';
import { referenceRedisSkipReason } from '../helpers/servers.js';
import { normalizeKeysReply, startPair } from './support.js';

const skip = referenceRedisSkipReason();
let pair: DifferentialPair;

before(async () => {
  if (!skip) pair = await startPair();
});
after(async () => {
  await pair?.stop();
});

const KEYS = [
  '', 'a', 'b', 'c', 'd', 'z', 'A', 'B', 'ab', 'abc', 'aXXb', 'aXXc', 'hello', 'hallo', 'hillo', 'h*llo', 'h?llo',
  '*', '?', '[', ']', '^', '-', '\\', '[a]', 'a\\', 'x\\y', '\x00', '\xff', '\x80', '\x90', '\xc8', '\xfe', 'a\x00b',
  'xb', 'xa', 'x-', '\xff\x80', 'caf\xe9', '\x7f',
];

const PATTERNS = [
  '*', '', '**', '?', '??', 'a*', '*b', 'a*b', 'a?b', 'h?llo', 'h*llo', 'h[ae]llo', 'h[^e]llo', 'h[a-e]llo', 'h[e-a]llo',
  '[a-c]', '[c-a]', '[A-C]', '[^a]', '[^a-c]', '[^]', '[]', '[]]', '[a-]', '[-a]', '[!a]', '\\*', '\\?', '\\[a]', 'h\\*llo',
  'a\\', '\\', '[\\]]', '[\\-]', '[a', '[ab', '[', '[^', '[a-', 'x[a-c', 'x[a-', '[\\', '[x\\', '[\x80-\xff]', '[\xff-\x80]',
  '[a-\xff]', '[\xff-a]', '[\x00-a]', '[\x00-\xff]', '[\x7f-\x80]', '\xff*', '*\xff', '?\x00?', 'caf[\xe0-\xef]', '[[]', '[]a]',
  '*[', '*\\', '\\\\', 'a[b', '[^\\]]',
];

test('KEYS and SCAN MATCH agree with Redis on glob edge cases', { skip }, async () => {
  const stream: Argv[] = KEYS.map((k) => ['SET', k, 'v']);
  for (const p of PATTERNS) stream.push(['KEYS', p], ['SCAN', '0', 'COUNT', '10000', 'MATCH', p]);
  await pair.assertSame('glob edge cases', stream, { normalize: normalizeKeysReply });
});

test('the nesting limit is the same as Redis', { skip }, async () => {
  const stream: Argv[] = [['SET', 'a'.repeat(1100), 'v']];
  for (let n = 998; n <= 1004; n++) stream.push(['KEYS', 'a*'.repeat(n)]);
  stream.push(['KEYS', '*a'.repeat(40) + 'b']); // slow without the skip-longer-matches cut
  await pair.assertSame('glob nesting', stream, { normalize: normalizeKeysReply });
});

const ALPHABET = 'abcA*?[]^-\\\x00\x80\xc8\xff';
const KEY_ALPHABET = 'abcA*?[]^-\\\x00\x80\xc8\xff';

for (const seed of [11, 12, 13]) {
  test(`random glob patterns agree with Redis, seed ${seed}`, { skip }, async () => {
    const rng = new Rng(seed);
    const keys = new Set<string>();
    while (keys.size < 120) keys.add(rng.bytes(5, KEY_ALPHABET));
    const stream: Argv[] = [...keys].map((k) => ['SET', k, 'v']);
    for (let i = 0; i < 300; i++) {
      const p = rng.bytes(7, ALPHABET);
      stream.push(rng.chance(0.8) ? ['KEYS', p] : ['SCAN', '0', 'COUNT', '10000', 'MATCH', p]);
    }
    await pair.assertSame('random globs', stream, { normalize: normalizeKeysReply, seed });
  });
}
