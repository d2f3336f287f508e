// Hand-written differential cases for the hashes family against real Redis 7.0, byte for byte:
// every command and option, errors and their order, WRONGTYPE against a string, emptied hashes
// removing their key, HINCRBY bounds and HINCRBYFLOAT formatting, listpack encoding limits and
// insertion order (compared exactly while the hash is a listpack), HRANDFIELD shapes in RESP2
// and RESP3, HSCAN.
import { test } from 'node:test';
import { type Argv, useDifferentialPair } from '../helpers/differential.js';
import { makeNormalizer } from '../sets/support.js';

const { skip, pair } = useDifferentialPair();

const MAX = '9223372036854775807';
const MIN = '-9223372036854775808';
/** Listpack hashes must match Redis's order exactly. */
const exact = makeNormalizer({ exactHashOrder: true });
/** Hashtable hashes: order-insensitive. */
const unordered = makeNormalizer();

test('HSET HSETNX HMSET HGET HMGET HGETALL HKEYS HVALS HLEN HEXISTS HSTRLEN HDEL', { skip }, async () => {
  const s: Argv[] = [
    ['HSET', 'h', 'b', '2', 'a', '1', 'c', '3'],
    ['HSET', 'h', 'a', '10', 'd', '4'],
    ['HGETALL', 'h'],
    ['HKEYS', 'h'],
    ['HVALS', 'h'],
    ['HSET', 'h', 'a'],
    ['HSET', 'h', 'a', '1', 'b'],
    ['HMSET', 'h', 'a', '1', 'b'],
    ['HMSET', 'h', 'e', '5', 'a', '11'],
    ['HGETALL', 'h'],
    ['HSETNX', 'h', 'a', 'x'],
    ['HSETNX', 'h', 'f', 'x'],
    ['HSETNX', 'new', 'f', 'x'],
    ['HGET', 'h', 'a'],
    ['HGET', 'h', 'zz'],
    ['HGET', 'nokey', 'a'],
    ['HMGET', 'h', 'a', 'zz', 'b'],
    ['HMGET', 'nokey', 'a', 'b'],
    ['HLEN', 'h'],
    ['HLEN', 'nokey'],
    ['HEXISTS', 'h', 'a'],
    ['HEXISTS', 'h', 'zz'],
    ['HEXISTS', 'nokey', 'a'],
    ['HSTRLEN', 'h', 'a'],
    ['HSTRLEN', 'h', 'zz'],
    ['HSTRLEN', 'nokey', 'a'],
    ['HDEL', 'h', 'b', 'zz', 'b'],
    ['HGETALL', 'h'],
    ['HSET', 'h', 'b', 'again'],
    ['HGETALL', 'h'],
    ['HDEL', 'nokey', 'a'],
    ['HDEL', 'h', 'a', 'c', 'd', 'e', 'f', 'b', 'more'],
    ['EXISTS', 'h'],
    ['HGETALL', 'nokey'],
    ['HKEYS', 'nokey'],
    ['HVALS', 'nokey'],
    ['HSET', 'bin', 'f\x00\xff', '', '', 'v\r\n'],
    ['HGETALL', 'bin'],
    ['HSTRLEN', 'bin', ''],
    ['HGET', 'bin', 'f\x00\xff'],
    ['SET', 'str', 'v'],
    ['HSET', 'str', 'a', '1'],
    ['HMSET', 'str', 'a', '1'],
    ['HSETNX', 'str', 'a', '1'],
    ['HGET', 'str', 'a'],
    ['HMGET', 'str', 'a'],
    ['HGETALL', 'str'],
    ['HKEYS', 'str'],
    ['HVALS', 'str'],
    ['HLEN', 'str'],
    ['HEXISTS', 'str', 'a'],
    ['HSTRLEN', 'str', 'a'],
    ['HDEL', 'str', 'a'],
    ['HINCRBY', 'str', 'a', '1'],
    ['HINCRBYFLOAT', 'str', 'a', '1'],
    ['HRANDFIELD', 'str'],
    ['HRANDFIELD', 'str', '1'],
    ['HSCAN', 'str', '0'],
    ['TYPE', 'bin'],
    ['OBJECT', 'ENCODING', 'bin'],
  ];
  await pair.assertSame('hash basics', s, { normalize: exact });
});

test('listpack limits: 512 entries, 64-byte fields and values; conversion is one-way', { skip }, async () => {
  const pairs: string[] = [];
  for (let i = 0; i < 512; i++) pairs.push(`f${i}`, `v${i}`);
  const long = 'x'.repeat(65);
  const s: Argv[] = [
    ['HSET', 'h', ...pairs],
    ['OBJECT', 'ENCODING', 'h'],
    ['HGETALL', 'h'],
    ['HSCAN', 'h', '0'],
    ['HSCAN', 'h', '99', 'COUNT', '1', 'MATCH', 'f1*'],
    ['HSET', 'h', 'f0', 'changed'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h', 'one-more', 'v'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HDEL', 'h', 'one-more', 'f0', 'f1'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'v', 'a', 'x'.repeat(64)],
    ['OBJECT', 'ENCODING', 'v'],
    ['HSET', 'v', 'b', long],
    ['OBJECT', 'ENCODING', 'v'],
    ['HSET', 'f', long, '1'],
    ['OBJECT', 'ENCODING', 'f'],
    ['HSET', 'n', 'a', '1'],
    ['HSETNX', 'n', 'a', long],
    ['OBJECT', 'ENCODING', 'n'],
    ['HSET', 'm', 'a', '1'],
    ['HMSET', 'm', 'b', '2', 'c', long],
    ['OBJECT', 'ENCODING', 'm'],
    ['HGET', 'm', 'c'],
    ['HSET', 'i', 'a', '1'],
    ['HINCRBYFLOAT', 'i', 'a', '1e300'],
    ['OBJECT', 'ENCODING', 'i'],
    ['HSET', 'j', 'a', '1'],
    ['HINCRBY', 'j', long, '1'],
    ['OBJECT', 'ENCODING', 'j'],
  ];
  await pair.assertSame('listpack limits', s, { normalize: unordered });
});

test('HINCRBY: bounds, overflow, non-integer values and increments', { skip }, async () => {
  const s: Argv[] = [
    ['HINCRBY', 'h', 'a', '5'],
    ['HINCRBY', 'h', 'a', '-7'],
    ['HINCRBY', 'h', 'a', 'x'],
    ['HINCRBY', 'h', 'a', '1.5'],
    ['HINCRBY', 'h', 'a', ' 1'],
    ['HINCRBY', 'h', 'a', '+1'],
    ['HINCRBY', 'nokey', 'a', 'x'],
    ['EXISTS', 'nokey'],
    ['HSET', 'h', 'b', MAX, 'c', MIN, 's', 'abc', 'sp', ' 1', 'z', '007'],
    ['HINCRBY', 'h', 'b', '1'],
    ['HINCRBY', 'h', 'b', '0'],
    ['HINCRBY', 'h', 'b', '-1'],
    ['HINCRBY', 'h', 'c', '-1'],
    ['HINCRBY', 'h', 'c', MAX],
    ['HINCRBY', 'h', 'c', '1'],
    ['HINCRBY', 'h', 's', '1'],
    ['HINCRBY', 'h', 'sp', '1'],
    ['HINCRBY', 'h', 'z', '1'],
    ['HINCRBY', 'h', 'new', MIN],
    ['HINCRBY', 'h', 'new', '-1'],
    ['HINCRBY', 'h', 'big', '9007199254740993'],
    ['HINCRBY', 'h', 'big', '9007199254740993'],
    ['HINCRBY', 'h', 'a', '99999999999999999999'],
    ['HGETALL', 'h'],
    ['HINCRBY', 'fresh', 'x', '0'],
    ['HGETALL', 'fresh'],
  ];
  await pair.assertSame('hincrby', s, { normalize: exact });
});

test('HINCRBYFLOAT: long double formatting, errors, NaN and Infinity', { skip }, async () => {
  const s: Argv[] = [
    ['HINCRBYFLOAT', 'h', 'a', '0.1'],
    ['HINCRBYFLOAT', 'h', 'a', '0.2'],
    ['HINCRBYFLOAT', 'h', 'a', '-0.3'],
    ['HINCRBYFLOAT', 'h', 'b', '10.5'],
    ['HINCRBYFLOAT', 'h', 'b', '1e3'],
    ['HINCRBYFLOAT', 'h', 'b', '-1.5e-5'],
    ['HINCRBYFLOAT', 'h', 'c', '3'],
    ['HINCRBYFLOAT', 'h', 'c', '1.0000000000000001'],
    ['HINCRBYFLOAT', 'h', 'd', '5.0e3'],
    ['HINCRBYFLOAT', 'h', 'd', '0x10'],
    ['HINCRBYFLOAT', 'h', 'e', '-0'],
    ['HINCRBYFLOAT', 'h', 'a', 'x'],
    ['HINCRBYFLOAT', 'h', 'a', ''],
    ['HINCRBYFLOAT', 'h', 'a', ' 1'],
    ['HINCRBYFLOAT', 'h', 'a', 'inf'],
    ['HINCRBYFLOAT', 'h', 'a', '-inf'],
    ['HINCRBYFLOAT', 'h', 'a', 'nan'],
    ['HINCRBYFLOAT', 'nokey', 'a', 'inf'],
    ['EXISTS', 'nokey'],
    ['HSET', 'h', 's', 'abc', 'i', 'inf', 'n', '12', 'sp', '1 '],
    ['HINCRBYFLOAT', 'h', 's', '1'],
    ['HINCRBYFLOAT', 'h', 'i', '1'],
    ['HINCRBYFLOAT', 'h', 'n', '0.5'],
    ['HINCRBYFLOAT', 'h', 'sp', '1'],
    ['HINCRBYFLOAT', 'h', 'big', '1.7e308'],
    ['HINCRBYFLOAT', 'h', 'big', '1.7e308'],
    ['HINCRBYFLOAT', 'h', 'huge', '1e4932'],
    ['HINCRBYFLOAT', 'h', 'x', '1.18973149535723176502e+4932'],
    ['HINCRBYFLOAT', 'h', 'x', '1.18973149535723176502e+4932'],
    ['HGETALL', 'h'],
  ];
  await pair.assertSame('hincrbyfloat', s, { normalize: unordered });
});

test('HRANDFIELD: counts, negative counts, WITHVALUES, errors (RESP2 and RESP3 shapes)', { skip }, async () => {
  const base: Argv[] = [
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
    ['HRANDFIELD', 'h'],
    ['HRANDFIELD', 'nokey'],
    ['HRANDFIELD', 'h', '0'],
    ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '1'],
    ['HRANDFIELD', 'h', '2'],
    ['HRANDFIELD', 'h', '3'],
    ['HRANDFIELD', 'h', '100'],
    ['HRANDFIELD', 'h', '-5'],
    ['HRANDFIELD', 'h', '-5', 'withvalues'],
    ['HRANDFIELD', 'h', '2', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '3', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '5', 'WITHVALUES'],
    ['HRANDFIELD', 'h', 'x'],
    ['HRANDFIELD', 'h', MIN],
    ['HRANDFIELD', 'h', MAX],
    ['HRANDFIELD', 'h', MAX, 'WITHVALUES'],
    ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '4611686018427387903', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUE'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
    ['HRANDFIELD', 'h', 'x', 'foo'],
    ['HRANDFIELD', 'nokey', '5'],
    ['HRANDFIELD', 'nokey', '-5', 'WITHVALUES'],
    ['HRANDFIELD', 'nokey', '1', 'foo'],
    ['HRANDFIELD', 'nokey', 'x'],
    ['SET', 'str', 'v'],
    ['HRANDFIELD', 'str', '0'],
    ['HRANDFIELD', 'str', '-1', 'WITHVALUES'],
  ];
  await pair.assertSame('hrandfield resp2', base, { normalize: exact });
  await pair.assertSame('hrandfield resp3', [['HELLO', '3'], ...base], { normalize: exact });
});

test('HRANDFIELD with count >= size returns the whole listpack hash in order', { skip }, async () => {
  const s: Argv[] = [
    ['HSET', 'h', 'z', '1', 'y', '2', 'x', '3'],
    ['HRANDFIELD', 'h', '3'],
    ['HRANDFIELD', 'h', '10', 'WITHVALUES'],
    ['HELLO', '3'],
    ['HRANDFIELD', 'h', '10', 'WITHVALUES'],
  ];
  // Not normalised: the whole-hash reply is deterministic in Redis.
  await pair.assertSame('hrandfield whole', s, { normalize: (argv, raw) => (argv[0] === 'HELLO' ? '<hello>' : raw) });
});

test('HSCAN: errors, small hashes in one reply, MATCH, COUNT', { skip }, async () => {
  const s: Argv[] = [
    ['HSET', 'h', 'a', '1', 'b', '2', 'ab', '3', 'c', '4'],
    ['HSCAN', 'h', '0'],
    ['HSCAN', 'h', '7'],
    ['HSCAN', 'h', '0', 'MATCH', 'a*'],
    ['HSCAN', 'h', '0', 'MATCH', 'a*', 'COUNT', '1'],
    ['HSCAN', 'h', '0', 'match', '*'],
    ['HSCAN', 'h', '0', 'COUNT', '0'],
    ['HSCAN', 'h', '0', 'COUNT', '-1'],
    ['HSCAN', 'h', '0', 'COUNT', 'x'],
    ['HSCAN', 'h', '0', 'COUNT'],
    ['HSCAN', 'h', '0', 'TYPE', 'hash'],
    ['HSCAN', 'h', '0', 'NOVALUES'],
    ['HSCAN', 'h', 'x'],
    ['HSCAN', 'h', ' 1'],
    ['HSCAN', 'h', '18446744073709551616'],
    ['HSCAN', 'nokey', '0'],
    ['HSCAN', 'nokey', '0', 'COUNT', 'x'],
    ['HSCAN', 'nokey', 'x'],
    ['HELLO', '3'],
    ['HSCAN', 'h', '0'],
    ['HGETALL', 'h'],
    ['HGETALL', 'nokey'],
    ['HKEYS', 'h'],
    ['HMGET', 'h', 'a', 'zz'],
    ['HGET', 'h', 'zz'],
  ];
  await pair.assertSame('hscan', s, { normalize: exact });
});
