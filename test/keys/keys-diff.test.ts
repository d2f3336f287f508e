// The keys family compared byte for byte with Redis 7.0: hand-written streams for every command
// and option, errors included. Timing-dependent replies (TTL of relative expiries) are only
// compared where they are exact (large second values, absolute timestamps).
import { test, before, after } from 'node:test';
import { Rng, type Argv, type DifferentialPair } from '../helpers/differential.js';
import { referenceRedisSkipReason } from '../helpers/servers.js';
import { normalizeKeysReply, startPair } from './support.js';
import assert from 'node:assert/strict';
import type { RespConnection } from '../helpers/resp.js';

const skip = referenceRedisSkipReason();
let pair: DifferentialPair;

before(async () => {
  if (!skip) pair = await startPair();
});
after(async () => {
  await pair?.stop();
});

/** A timestamp in 2100, in seconds: far enough that nothing expires during the test. */
const T2100 = 4102444800;

test('DEL UNLINK EXISTS TYPE TOUCH', { skip }, async () => {
  await pair.assertSame('del/exists', [
    ['DEL', 'a'],
    ['SET', 'a', '1'],
    ['SET', 'b', '2'],
    ['EXISTS', 'a', 'b', 'c', 'a'],
    ['DEL', 'a', 'b', 'c', 'a'],
    ['DEL', 'a'],
    ['EXISTS', 'a'],
    ['SET', 'a', 'x'],
    ['TYPE', 'a'],
    ['TYPE', 'nokey'],
    ['type', 'a'],
    ['TOUCH', 'a', 'b', 'a'],
    ['TOUCH', 'nokey'],
    ['UNLINK', 'a', 'a'],
    ['UNLINK', 'a'],
    ['EXISTS', 'a'],
    ['SET', '', 'empty key'],
    ['EXISTS', ''],
    ['TYPE', ''],
    ['DEL', ''],
    ['SET', '\x00\xff\r\n', 'bin'],
    ['EXISTS', '\x00\xff\r\n'],
    ['DEL', '\x00\xff\r\n'],
    ['DEL'],
    ['UNLINK'],
    ['EXISTS'],
    ['TOUCH'],
    ['TYPE'],
    ['TYPE', 'a', 'b'],
  ]);
});

test('RENAME and RENAMENX, with TTLs', { skip }, async () => {
  await pair.assertSame('rename', [
    ['RENAME', 'nokey', 'x'],
    ['RENAMENX', 'nokey', 'x'],
    ['RENAME', 'nokey', 'nokey'],
    ['SET', 'a', '1'],
    ['RENAME', 'a', 'a'],
    ['RENAMENX', 'a', 'a'],
    ['SET', 'b', '2'],
    ['RENAMENX', 'a', 'b'],
    ['GET', 'a'],
    ['RENAME', 'a', 'b'],
    ['GET', 'b'],
    ['EXISTS', 'a'],
    ['EXPIREAT', 'b', String(T2100)],
    ['RENAME', 'b', 'c'],
    ['EXPIRETIME', 'c'],
    ['TTL', 'b'],
    ['SET', 'd', 'no ttl'],
    ['RENAME', 'd', 'c'],
    ['TTL', 'c'],
    ['GET', 'c'],
    ['EXPIREAT', 'c', String(T2100 + 5)],
    ['RENAMENX', 'c', 'e\x00\xff'],
    ['EXPIRETIME', 'e\x00\xff'],
    ['RENAMENX', 'e\x00\xff', 'c'],
    ['EXPIRETIME', 'c'],
    ['RENAME', 'a'],
    ['RENAME', 'a', 'b', 'c'],
  ]);
});

test('COPY with DB and REPLACE', { skip }, async () => {
  await pair.assertSame('copy', [
    ['COPY', 'a', 'b'],
    ['SET', 'a', 'hello'],
    ['COPY', 'a', 'a'],
    ['COPY', 'a', 'a', 'DB', '0'],
    ['COPY', 'nokey', 'nokey'],
    ['COPY', 'a', 'a', 'DB', '1'],
    ['SELECT', '1'],
    ['GET', 'a'],
    ['SELECT', '0'],
    ['COPY', 'a', 'b'],
    ['GET', 'b'],
    ['SET', 'a', 'changed'],
    ['COPY', 'a', 'b'],
    ['GET', 'b'],
    ['COPY', 'a', 'b', 'REPLACE'],
    ['GET', 'b'],
    ['COPY', 'a', 'b', 'replace', 'REPLACE', 'db', '0'],
    ['COPY', 'a', 'b', 'DB', '16'],
    ['COPY', 'a', 'b', 'DB', '-1'],
    ['COPY', 'a', 'b', 'DB', 'x'],
    ['COPY', 'a', 'b', 'DB', '2147483648'],
    ['COPY', 'a', 'b', 'DB', '1.0'],
    ['COPY', 'a', 'b', 'DB'],
    ['COPY', 'a', 'b', 'FOO'],
    ['COPY', 'a', 'b', 'DB', '99', 'FOO'],
    ['COPY', 'a', 'b', 'FOO', 'DB', '99'],
    ['COPY', 'a', 'b', 'DB', '2', 'DB', '1'],
    ['SELECT', '1'],
    ['GET', 'b'],
    ['SELECT', '2'],
    ['GET', 'b'],
    ['SELECT', '0'],
    ['EXPIREAT', 'a', String(T2100)],
    ['COPY', 'a', 'ttl', 'DB', '2'],
    ['SELECT', '2'],
    ['EXPIRETIME', 'ttl'],
    ['COPY', 'ttl', 'ttl', 'DB', '0'],
    ['SELECT', '0'],
    ['EXPIRETIME', 'ttl'],
    ['SET', 'n', '12345'],
    ['COPY', 'n', 'n2'],
    ['OBJECT', 'ENCODING', 'n2'],
    ['COPY', 'a'],
  ]);
});

test('MOVE keeps the TTL and refuses occupied targets', { skip }, async () => {
  await pair.assertSame('move', [
    ['MOVE', 'nokey', '0'],
    ['MOVE', 'nokey', '1'],
    ['MOVE', 'nokey', '16'],
    ['MOVE', 'nokey', '-1'],
    ['MOVE', 'nokey', 'x'],
    ['MOVE', 'nokey', '2147483648'],
    ['SET', 'a', '1'],
    ['MOVE', 'a', '0'],
    ['MOVE', 'a', '1'],
    ['EXISTS', 'a'],
    ['MOVE', 'a', '1'],
    ['SELECT', '1'],
    ['GET', 'a'],
    ['EXPIREAT', 'a', String(T2100)],
    ['MOVE', 'a', '2'],
    ['SELECT', '2'],
    ['EXPIRETIME', 'a'],
    ['SELECT', '0'],
    ['SET', 'a', 'occupied'],
    ['SELECT', '2'],
    ['MOVE', 'a', '0'],
    ['EXISTS', 'a'],
    ['SELECT', '0'],
    ['GET', 'a'],
    ['MOVE', 'a'],
  ]);
});

test('EXPIRE family: options, errors, overflow, past times', { skip }, async () => {
  await pair.assertSame('expire', [
    ['EXPIRE', 'nokey', '100'],
    ['EXPIRE', 'nokey', '-1'],
    ['SET', 'k', 'v'],
    ['TTL', 'k'],
    ['PTTL', 'k'],
    ['EXPIRETIME', 'k'],
    ['PEXPIRETIME', 'k'],
    ['TTL', 'nokey'],
    ['PTTL', 'nokey'],
    ['EXPIRETIME', 'nokey'],
    ['PEXPIRETIME', 'nokey'],
    ['EXPIRE', 'k', '100', 'nx', 'xx'],
    ['EXPIRE', 'k', '100', 'NX', 'GT'],
    ['EXPIRE', 'k', '100', 'NX', 'LT'],
    ['EXPIRE', 'k', '100', 'GT', 'LT'],
    ['EXPIRE', 'k', '100', 'XX', 'NX'],
    ['EXPIRE', 'k', '100', 'foo'],
    ['EXPIRE', 'k', '100', 'nx', 'bar\x00baz'],
    ['EXPIRE', 'k', 'abc', 'NX', 'XX'],
    ['EXPIRE', 'k', 'abc'],
    ['EXPIRE', 'k', '1.5'],
    ['EXPIRE', 'k', ''],
    ['EXPIRE', 'k', ' 1'],
    ['EXPIRE', 'k', '9223372036854775'],
    ['EXPIRE', 'k', '9223372036854776'],
    ['EXPIRE', 'k', '-9223372036854776'],
    ['PEXPIRE', 'k', '9223372036854775807'],
    ['EXPIREAT', 'k', '9223372036854776'],
    ['PEXPIREAT', 'k', '9223372036854775808'],
    ['EXPIRE', 'k', '100', 'XX'],
    ['EXPIRE', 'k', '100', 'GT'],
    ['EXPIRE', 'k', '100', 'LT'],
    ['TTL', 'k'],
    ['PERSIST', 'k'],
    ['PERSIST', 'k'],
    ['PERSIST', 'nokey'],
    ['EXPIRE', 'k', '100', 'NX'],
    ['EXPIRE', 'k', '200', 'NX'],
    ['TTL', 'k'],
    ['EXPIREAT', 'k', String(T2100), 'XX'],
    ['EXPIRETIME', 'k'],
    ['PEXPIRETIME', 'k'],
    ['EXPIREAT', 'k', String(T2100 + 1000), 'GT'],
    ['EXPIREAT', 'k', String(T2100 + 500), 'GT'],
    ['EXPIREAT', 'k', String(T2100 + 1000), 'GT'],
    ['EXPIRETIME', 'k'],
    ['EXPIREAT', 'k', String(T2100 + 2000), 'LT'],
    ['EXPIREAT', 'k', String(T2100 + 1000), 'lt'],
    ['EXPIREAT', 'k', String(T2100 + 999), 'Lt', 'xX'],
    ['EXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', String(T2100 * 1000 + 123)],
    ['PEXPIRETIME', 'k'],
    ['EXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', String(T2100 * 1000 + 499)],
    ['EXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', String(T2100 * 1000 + 500)],
    ['EXPIRETIME', 'k'],
    ['EXPIRE', 'k', '-5', 'GT'],
    ['EXISTS', 'k'],
    ['EXPIRE', 'k', '-5', 'LT'],
    ['EXISTS', 'k'],
    ['SET', 'k', 'v'],
    ['EXPIRE', 'k', '-5', 'LT'],
    ['EXISTS', 'k'],
    ['SET', 'k', 'v'],
    ['EXPIRE', 'k', '0'],
    ['EXISTS', 'k'],
    ['SET', 'k', 'v'],
    ['PEXPIRE', 'k', '-1'],
    ['EXISTS', 'k'],
    ['SET', 'k', 'v'],
    ['EXPIREAT', 'k', '1'],
    ['EXISTS', 'k'],
    ['SET', 'k', 'v'],
    ['PEXPIREAT', 'k', '-9223372036854775808'],
    ['EXISTS', 'k'],
    ['SET', 'k', 'v'],
    ['EXPIRE', 'k', '-9223372036854775', 'XX'],
    ['EXISTS', 'k'],
    ['EXPIRE', 'k', '-9223372036854775'],
    ['EXISTS', 'k'],
    ['SET', 'k', 'v'],
    ['EXPIRE', 'k', '1000000'],
    ['TTL', 'k'],
    ['SET', 'k', 'overwritten'],
    ['TTL', 'k'],
    ['EXPIRE', 'k'],
    ['TTL'],
    ['PERSIST', 'a', 'b'],
  ]);
});

test('expiry times beyond 2^53 ms stay exact (compare, read back, carry over)', { skip }, async () => {
  await pair.assertSame('huge expiry', [
    ['SET', 'k', 'v'],
    ['PEXPIREAT', 'k', '9223372036854775806'],
    ['PEXPIRETIME', 'k'],
    ['EXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', '9223372036854775807', 'GT'],
    ['PEXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', '9223372036854775806', 'GT'],
    ['PEXPIREAT', 'k', '9223372036854775807', 'LT'],
    ['PEXPIREAT', 'k', '9223372036854775806', 'LT'],
    ['PEXPIRETIME', 'k'],
    ['RENAME', 'k', 'r'],
    ['PEXPIRETIME', 'r'],
    ['COPY', 'r', 'c', 'DB', '1'],
    ['MOVE', 'r', '2'],
    ['SELECT', '1'],
    ['PEXPIRETIME', 'c'],
    ['SELECT', '2'],
    ['PEXPIRETIME', 'r'],
    ['EXPIREAT', 'r', '9223372036854775'],
    ['EXPIRETIME', 'r'],
    ['PEXPIRETIME', 'r'],
    ['PEXPIREAT', 'r', '9007199254740993'],
    ['PEXPIRETIME', 'r'],
    ['PEXPIREAT', 'r', '9223372036854770000'],
    ['PEXPIRETIME', 'r'],
    ['PERSIST', 'r'],
    ['PEXPIRETIME', 'r'],
    ['PEXPIREAT', 'r', '-9223372036854770000'],
    ['EXISTS', 'r'],
  ]);
});

test('OBJECT subcommands', { skip }, async () => {
  const long = 'x'.repeat(44);
  await pair.assertSame('object', [
    ['OBJECT', 'ENCODING', 'nokey'],
    ['OBJECT', 'REFCOUNT', 'nokey'],
    ['OBJECT', 'IDLETIME', 'nokey'],
    ['OBJECT', 'FREQ', 'nokey'],
    ['SET', 'k', '123'],
    ['OBJECT', 'ENCODING', 'k'],
    ['OBJECT', 'REFCOUNT', 'k'],
    ['OBJECT', 'FREQ', 'k'],
    ...[
      '0',
      '9999',
      '10000',
      '-1',
      '-0',
      '01',
      '+1',
      ' 1',
      '9223372036854775807',
      '9223372036854775808',
      '-9223372036854775808',
      '-9223372036854775809',
      long,
      long + 'x',
      '',
      '12345678901234567890123',
    ].flatMap((v) => [
      ['SET', 'k', v],
      ['OBJECT', 'ENCODING', 'k'],
      ['OBJECT', 'REFCOUNT', 'k'],
    ]),
    ['OBJECT', 'HELP'],
    ['object', 'help'],
    ['OBJECT', 'HELP', 'x'],
    ['OBJECT', 'FOO'],
    ['OBJECT', 'FOO', 'k'],
    ['OBJECT'],
    ['OBJECT', 'ENCODING'],
    ['OBJECT', 'ENCODING', 'k', 'x'],
  ]);
});

test('OBJECT FREQ, IDLETIME and REFCOUNT under an LFU policy with maxmemory', { skip }, async () => {
  const args = ['--maxmemory-policy', 'allkeys-lfu', '--maxmemory', '100mb'];
  const lfu = await startPair(args, args);
  try {
    await lfu.assertSame('object-lfu', [
      ['SET', 'k', 'v'],
      ['OBJECT', 'IDLETIME', 'k'],
      ['OBJECT', 'IDLETIME', 'nokey'],
      ['OBJECT', 'FREQ', 'nokey'],
      ['SET', 'n', '1'],
      ['OBJECT', 'REFCOUNT', 'n'],
      ['OBJECT', 'ENCODING', 'n'],
      // The deterministic part of LFU: a new key starts at 5, the first access always counts.
      ['OBJECT', 'FREQ', 'k'],
      ['OBJECT', 'FREQ', 'n'],
      ['GET', 'k'],
      ['OBJECT', 'FREQ', 'k'],
      ['EXISTS', 'k'],
      ['TYPE', 'k'],
      ['OBJECT', 'FREQ', 'k'],
      // Only the first access after creation is certain to count (beyond 6 it is a coin flip).
      ['SET', 'big', 'x'.repeat(100)],
      ['OBJECT', 'FREQ', 'big'],
      ['RENAME', 'big', 'big2'],
      ['OBJECT', 'FREQ', 'big2'],
      ['SET', 't', 'x'],
      ['TOUCH', 't'],
      ['OBJECT', 'FREQ', 't'],
      ['SET', 'm', 'v'],
      ['MOVE', 'm', '1'],
      ['SELECT', '1'],
      ['OBJECT', 'FREQ', 'm'],
      ['COPY', 'm', 'm2'],
      ['OBJECT', 'FREQ', 'm2'],
    ]);
  } finally {
    await lfu.stop();
  }
});

test('KEYS and SCAN options and errors', { skip }, async () => {
  const keys = ['a', 'b', 'ab', 'abc', '', 'x\x00y', '\xff\x80', 'h*llo', 'h?llo', 'hello', 'hallo', 'h[a]llo'];
  await pair.assertSame(
    'keys/scan',
    [
      ...keys.map((k) => ['SET', k, 'v']),
      ['KEYS', '*'],
      ['KEYS', ''],
      ['KEYS', 'a*'],
      ['KEYS', 'h?llo'],
      ['KEYS', 'h\\*llo'],
      ['KEYS', 'h[ae]llo'],
      ['KEYS', 'x*'],
      ['KEYS', '**'],
      ['KEYS', '*', 'x'],
      ['SCAN', '0', 'COUNT', '1000'],
      ['SCAN', '0', 'COUNT', '1000', 'MATCH', 'h*'],
      ['SCAN', '0', 'count', '1000', 'match', '*'],
      ['SCAN', '0', 'COUNT', '1000', 'TYPE', 'string'],
      ['SCAN', '0', 'COUNT', '1000', 'TYPE', 'STRING', 'MATCH', 'a*'],
      ['SCAN', '0', 'COUNT', '1000', 'TYPE', 'list'],
      ['SCAN', '0', 'COUNT', '1000', 'TYPE', 'none'],
      ['SCAN', '0', 'COUNT', '1000', 'TYPE', 'nosuchtype'],
      ['SCAN', '0', 'COUNT', '5', 'COUNT', '1000', 'MATCH', 'x', 'MATCH', 'a*'],
      ['SCAN', '0', 'COUNT', '0'],
      ['SCAN', '0', 'COUNT', '-1'],
      ['SCAN', '0', 'COUNT', 'abc'],
      ['SCAN', '0', 'COUNT', '99999999999999999999'],
      ['SCAN', '0', 'COUNT'],
      ['SCAN', '0', 'MATCH'],
      ['SCAN', '0', 'TYPE'],
      ['SCAN', '0', 'FOO', 'bar'],
      ['SCAN', 'x', 'COUNT', '0'],
      ['SCAN', ' 0'],
      ['SCAN', '\t0'],
      ['SCAN', '0x1'],
      ['SCAN', '1a'],
      ['SCAN', '+'],
      ['SCAN', '-'],
      ['SCAN', '18446744073709551616'],
      ['SCAN', '99999999999999999999999'],
      ['SCAN', '-18446744073709551616'],
      ['SCAN'],
      ['KEYS'],
    ],
    { normalize: normalizeKeysReply },
  );
});

test('RANDOMKEY on empty and one-key databases', { skip }, async () => {
  await pair.assertSame('randomkey', [
    ['RANDOMKEY'],
    ['SET', 'only', '1'],
    ['RANDOMKEY'],
    ['RANDOMKEY'],
    ['DEL', 'only'],
    ['RANDOMKEY'],
    ['SET', 'gone', '1'],
    ['EXPIRE', 'gone', '-1'],
    ['RANDOMKEY'],
    ['RANDOMKEY', 'x'],
  ]);
});

test('RESP3 replies (nulls, arrays, OBJECT HELP) match', { skip }, async () => {
  await pair.assertSame(
    'resp3',
    [
      ['HELLO', '3'],
      ['SET', 'k', 'v'],
      ['EXPIREAT', 'k', String(T2100)],
      ['OBJECT', 'ENCODING', 'nokey'],
      ['OBJECT', 'ENCODING', 'k'],
      ['OBJECT', 'REFCOUNT', 'nokey'],
      ['OBJECT', 'HELP'],
      ['RANDOMKEY'],
      ['KEYS', '*'],
      ['SCAN', '0', 'COUNT', '100'],
      ['TTL', 'k'],
      ['EXPIRETIME', 'k'],
      ['TYPE', 'k'],
      ['TYPE', 'nokey'],
      ['EXISTS', 'k', 'nokey'],
      ['RENAME', 'k', 'j'],
      ['RENAMENX', 'j', 'k'],
      ['COPY', 'k', 'j'],
      ['PERSIST', 'k'],
      ['DEL', 'k', 'j'],
      ['RANDOMKEY'],
      ['SCAN', '0'],
      ['KEYS', '*'],
    ],
    { normalize: (argv, raw) => (argv[0] === 'HELLO' ? '' : raw) },
  );
});

test('keyspace hits and misses are counted by the same commands as Redis', { skip }, async () => {
  const info = ['INFO', 'stats'];
  await pair.assertSame(
    'hits/misses',
    [
      ['CONFIG', 'RESETSTAT'],
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['SET', 'c', 'x'],
      ['SCAN', '0', 'TYPE', 'string'],
      info,
      ['SCAN', '0', 'MATCH', 'a', 'TYPE', 'list'],
      ['KEYS', '*'],
      ['RANDOMKEY'],
      ['SCAN', '0'],
      info,
      ['OBJECT', 'ENCODING', 'a'],
      ['OBJECT', 'REFCOUNT', 'zz'],
      info,
      ['TTL', 'a'],
      ['PTTL', 'zz'],
      ['EXPIRETIME', 'a'],
      ['EXISTS', 'a', 'zz', 'b'],
      ['TYPE', 'a'],
      ['TYPE', 'zz'],
      ['TOUCH', 'a', 'zz'],
      info,
      ['COPY', 'a', 'x'],
      ['COPY', 'zz', 'y'],
      ['RENAME', 'a', 'q'],
      ['RENAME', 'zz', 'q'],
      ['EXPIRE', 'q', '100'],
      ['EXPIRE', 'zz', '100'],
      ['MOVE', 'q', '1'],
      ['PERSIST', 'b'],
      ['DEL', 'b', 'zz'],
      info,
    ],
    {
      normalize: (argv, raw) =>
        argv[0] === 'INFO' ? raw.split('\r\n').filter((l) => l.startsWith('keyspace_')).join('\n') : normalizeKeysReply(argv, raw),
    },
  );
});

test('SCAN cursor parsing agrees with Redis on random cursor strings', { skip }, async () => {
  // On an empty database every valid cursor replies "0" and no keys, in both servers, so the
  // replies can be compared byte for byte: what differs is only valid versus invalid.
  const rng = new Rng(21);
  const stream: Argv[] = [];
  for (let i = 0; i < 300; i++) {
    const len = rng.int(0, 24);
    let cursor = '';
    for (let j = 0; j < len; j++) cursor += rng.chance(0.75) ? String(rng.int(0, 9)) : rng.pick(['+', '-', ' ', '\t', '\x00', 'a', '\n']);
    stream.push(['SCAN', cursor]);
  }
  stream.push(['SCAN', '18446744073709551615'], ['SCAN', '18446744073709551616'], ['SCAN', '-18446744073709551615'], ['SCAN', '0\x00garbage']);
  await pair.assertSame('scan cursors', stream);
});

test('OBJECT ENCODING after the string commands that leave raw/embstr/int values', { skip }, async () => {
  const enc = (k: string) => ['OBJECT', 'ENCODING', k];
  await pair.assertSame('encodings', [
    ['SET', 'a', '12'], ['APPEND', 'a', '3'], enc('a'),
    ['APPEND', 'b', 'x'], enc('b'),
    ['SETRANGE', 'c', '0', '5'], enc('c'),
    ['SET', 'd', '5'], ['INCR', 'd'], enc('d'), ['INCRBY', 'd', '100000'], enc('d'),
    ['INCRBYFLOAT', 'e', '1.5'], enc('e'), ['INCRBYFLOAT', 'e', '1.5'], enc('e'), ['OBJECT', 'REFCOUNT', 'e'],
    ['SETNX', 'f', 'hello'], enc('f'),
    ['MSET', 'g', '1', 'h', 'x'.repeat(50)], enc('g'), enc('h'),
    ['GETSET', 'i', '77'], enc('i'),
    ['SET', 'j', 'abc'], ['SETRANGE', 'j', '1', 'z'], enc('j'),
    ['SET', 'o', 'x'], ['APPEND', 'o', 'y'], ['COPY', 'o', 'o2'], enc('o2'), ['RENAME', 'o2', 'o3'], enc('o3'),
    ['MOVE', 'o3', '1'], ['SELECT', '1'], enc('o3'), ['SELECT', '0'],
    ['SET', 'p', '10'], ['INCRBYFLOAT', 'p', '0'], enc('p'),
    ['SET', 'q', 'x'.repeat(40)], ['APPEND', 'q', 'yy'], enc('q'),
    ['SET', 'q', 'short'], enc('q'),
  ]);
});

test('option words end at a NUL byte, as Redis compares them as C strings', { skip }, async () => {
  await pair.assertSame(
    'nul options',
    [
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100', 'nx\x00zz'],
      ['EXPIRE', 'k', '200', 'XX\x00', 'gt\x00x'],
      ['EXPIRE', 'k', '50', 'XX\x00', 'gt\x00x'],
      ['EXPIRE', 'k', '100', '\x00nx'],
      ['EXPIRE', 'k', '10\x00'],
      ['SCAN', '0', 'count\x00q', '1000'],
      ['SCAN', '0', 'COUNT', '1000', 'type', 'string\x00x'],
      ['SCAN', '0', 'COUNT', '1000', 'match\x00', 'k\x00'],
      ['COPY', 'k', 'k2', 'replace\x00x'],
      ['COPY', 'k', 'k2', 'db\x00', '1'],
      ['COPY', 'k', 'k2', 'db', '1\x00'],
      ['MOVE', 'k', '1\x00'],
    ],
    { normalize: normalizeKeysReply },
  );
});

test('full SCAN iterations with small COUNTs return the same key sets as Redis', { skip }, async () => {
  const rng = new Rng(31);
  const [k, r] = await Promise.all([pair.keyraft.connect(), pair.redis.connect()]);
  try {
    for (const c of [k, r]) await c.call('FLUSHALL');
    const keys = new Set<string>();
    while (keys.size < 3000) keys.add(rng.bytes(6, 'abcdef:\xff\x00'));
    const list = [...keys];
    for (const c of [k, r]) {
      await Promise.all(list.map((key) => c.call('SET', key, 'v')));
      // Delete a third, so keyraft's slot table has holes (and compacts once below a quarter).
      await Promise.all(list.filter((_, i) => i % 3 === 0).map((key) => c.call('DEL', key)));
    }
    const iterate = async (c: RespConnection, opts: string[]): Promise<string[]> => {
      const seen = new Set<string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [next, batch] = (await c.value('SCAN', cursor, ...opts)) as [string, string[]];
        for (const key of batch) seen.add(key);
        cursor = next;
        calls++;
      } while (cursor !== '0' && calls < 100000);
      return [...seen].sort();
    };
    for (const opts of [['COUNT', '1'], ['COUNT', '7'], ['COUNT', '50', 'MATCH', 'a*'], ['MATCH', '*\xff*'], ['COUNT', '3', 'TYPE', 'string'], ['COUNT', '5', 'TYPE', 'list']]) {
      const [mine, theirs] = await Promise.all([iterate(k, opts), iterate(r, opts)]);
      assert.deepEqual(mine, theirs, `SCAN ${opts.join(' ')}`);
      if (opts[3] !== 'list') assert.ok(mine.length > 0, `SCAN ${opts.join(' ')} found something`);
    }
  } finally {
    k.close();
    r.close();
  }
});
