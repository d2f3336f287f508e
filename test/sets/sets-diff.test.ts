// Hand-written differential cases for the sets family: every command and option against real
// Redis 7.0, byte for byte — errors and their order, WRONGTYPE against a string, emptied sets
// removing their key, *STORE into keys of other types, intset order (numeric) and encodings.
// Replies whose order is a hashtable's (not reproducible in Redis itself) are compared sorted;
// random replies are compared by shape only (random-sets.test.ts checks their properties).
import { test } from 'node:test';
import { type Argv, useDifferentialPair } from '../helpers/differential.js';
import { normalizeIntsetExact, normalizeSetReply } from './support.js';

const { skip, pair } = useDifferentialPair();

const MAX = '9223372036854775807';
const MIN = '-9223372036854775808';

test('SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS, intset order and encodings', { skip }, async () => {
  const s: Argv[] = [
    ['SADD', 'i', '5', '-3', '10', '1', MAX, MIN, '0'],
    ['SMEMBERS', 'i'],
    ['OBJECT', 'ENCODING', 'i'],
    ['SADD', 'i', '5', '7'],
    ['SCARD', 'i'],
    ['SISMEMBER', 'i', '7'],
    ['SISMEMBER', 'i', '8'],
    ['SISMEMBER', 'nokey', '8'],
    ['SMISMEMBER', 'i', '7', '8', '5'],
    ['SMISMEMBER', 'nokey', '7'],
    ['SREM', 'i', '7', '8', '7'],
    ['SMEMBERS', 'i'],
    ['SADD', 'i', '01'],
    ['OBJECT', 'ENCODING', 'i'],
    ['SREM', 'i', '01'],
    ['OBJECT', 'ENCODING', 'i'],
    ['SADD', 'j', 'a', '1'],
    ['OBJECT', 'ENCODING', 'j'],
    ['SADD', 'k', '-0'],
    ['OBJECT', 'ENCODING', 'k'],
    ['SADD', 'b', 'x\x00y', '\xff', ''],
    ['SISMEMBER', 'b', ''],
    ['SISMEMBER', 'b', 'x\x00y'],
    ['SCARD', 'b'],
    ['SCARD', 'nokey'],
    ['SREM', 'b', 'x\x00y', '\xff', '', 'more'],
    ['EXISTS', 'b'],
    ['SREM', 'nokey', 'a'],
    ['SMEMBERS', 'nokey'],
    ['SET', 'str', 'v'],
    ['SADD', 'str', 'a'],
    ['SREM', 'str', 'a'],
    ['SCARD', 'str'],
    ['SISMEMBER', 'str', 'a'],
    ['SMISMEMBER', 'str', 'a'],
    ['SMEMBERS', 'str'],
    ['SADD', 'i'],
    ['SMISMEMBER', 'i'],
    ['TYPE', 'i'],
  ];
  await pair.assertSame('sets basics', s, { normalize: normalizeIntsetExact });
});

test('intset limit: 512 integers stay intset, the 513th converts for good', { skip }, async () => {
  const nums = Array.from({ length: 512 }, (_, i) => String(1000 - i * 3));
  const s: Argv[] = [
    ['SADD', 'i', ...nums],
    ['OBJECT', 'ENCODING', 'i'],
    ['SMEMBERS', 'i'],
    ['SSCAN', 'i', '0'],
    ['SSCAN', 'i', '17', 'COUNT', '1'],
    ['SSCAN', 'i', '0', 'MATCH', '*1*'],
    ['SADD', 'i', '5000'],
    ['OBJECT', 'ENCODING', 'i'],
    ['SREM', 'i', '5000', '1000'],
    ['OBJECT', 'ENCODING', 'i'],
    ['SCARD', 'i'],
  ];
  await pair.assertSame('intset limit', s, { normalize: normalizeIntsetExact });
});

test('SPOP and SRANDMEMBER: errors, counts, whole-set replies, key removal', { skip }, async () => {
  const s: Argv[] = [
    ['SADD', 's', '3', '1', '2'],
    ['SPOP', 's', '-1'],
    ['SPOP', 's', 'x'],
    ['SPOP', 's', '1', '2'],
    ['SPOP', 's', '0'],
    ['SPOP', 'nokey'],
    ['SPOP', 'nokey', '0'],
    ['SPOP', 'nokey', '5'],
    ['SPOP', 'nokey', '-5'],
    ['SRANDMEMBER', 's', '1', '2'],
    ['SRANDMEMBER', 's', 'x'],
    ['SRANDMEMBER', 's', MIN],
    ['SRANDMEMBER', 's', '0'],
    ['SRANDMEMBER', 's', '-0'],
    ['SRANDMEMBER', 's', '3'],
    ['SRANDMEMBER', 's', '100'],
    ['SRANDMEMBER', 's', MAX],
    ['SRANDMEMBER', 'nokey'],
    ['SRANDMEMBER', 'nokey', '3'],
    ['SRANDMEMBER', 'nokey', '-3'],
    ['SPOP', 's', '3'],
    ['EXISTS', 's'],
    ['SADD', 's', '9', '7', '8'],
    ['SPOP', 's', MAX],
    ['EXISTS', 's'],
    ['SADD', 'one', 'only'],
    ['SPOP', 'one'],
    ['EXISTS', 'one'],
    ['SADD', 'one', 'only'],
    ['SRANDMEMBER', 'one'],
    ['SRANDMEMBER', 'one', '-3'],
    ['SRANDMEMBER', 'one', '1'],
    ['SPOP', 'one', '1'],
    ['EXISTS', 'one'],
    ['SET', 'str', 'v'],
    ['SPOP', 'str'],
    ['SPOP', 'str', '1'],
    ['SPOP', 'str', '-1'],
    ['SRANDMEMBER', 'str'],
    ['SRANDMEMBER', 'str', '2'],
    ['SRANDMEMBER', 'str', 'x'],
  ];
  await pair.assertSame('spop srandmember', s, { normalize: normalizeSetReply });
});

test('SMOVE', { skip }, async () => {
  const s: Argv[] = [
    ['SADD', 'a', '1', '2', 'x'],
    ['SMOVE', 'a', 'b', '1'],
    ['SMEMBERS', 'b'],
    ['OBJECT', 'ENCODING', 'b'],
    ['SMOVE', 'a', 'b', 'nope'],
    ['SMOVE', 'a', 'a', '2'],
    ['SMOVE', 'a', 'a', 'nope'],
    ['SMOVE', 'nokey', 'a', '2'],
    ['SET', 'str', 'v'],
    ['SMOVE', 'nokey', 'str', '2'],
    ['SMOVE', 'a', 'str', '2'],
    ['SMOVE', 'str', 'a', '2'],
    ['SMOVE', 'a', 'c', 'x'],
    ['OBJECT', 'ENCODING', 'c'],
    ['SMOVE', 'a', 'b', '2'],
    ['EXISTS', 'a'],
    ['SMEMBERS', 'b'],
    ['SADD', 'd', '1'],
    ['SMOVE', 'd', 'b', '1'],
    ['EXISTS', 'd'],
    ['SCARD', 'b'],
  ];
  await pair.assertSame('smove', s, { normalize: normalizeSetReply });
});

test('SINTER SINTERCARD SINTERSTORE', { skip }, async () => {
  const s: Argv[] = [
    ['SADD', 'a', '1', '2', '3', '4', 'x', 'y'],
    ['SADD', 'b', '2', '3', '4', '5', 'y'],
    ['SADD', 'c', '4', '3', '9'],
    ['SINTER', 'a', 'b'],
    ['SINTER', 'a', 'b', 'c'],
    ['SINTER', 'c', 'b'],
    ['SINTER', 'a', 'nokey'],
    ['SINTER', 'a'],
    ['SINTER', 'a', 'a'],
    ['SET', 'str', 'v'],
    ['SINTER', 'nokey', 'str'],
    ['SINTER', 'a', 'str'],
    ['SINTERCARD', '2', 'a', 'b'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '2'],
    ['SINTERCARD', '2', 'a', 'b', 'limit', '0'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '100'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', 'x'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1', 'LIMIT', '2'],
    ['SINTERCARD', '2', 'a', 'b', 'FOO'],
    ['SINTERCARD', '0', 'a'],
    ['SINTERCARD', '-1', 'a'],
    ['SINTERCARD', 'x', 'a'],
    ['SINTERCARD', '3', 'a', 'b'],
    ['SINTERCARD', '1', 'nokey'],
    ['SINTERCARD', '2', 'str', 'a'],
    ['SINTERCARD', '2', 'nokey', 'str'],
    ['SINTERCARD', '1', 'a'],
    ['SINTERSTORE', 'd', 'a', 'b'],
    ['SMEMBERS', 'd'],
    ['OBJECT', 'ENCODING', 'd'],
    ['SINTERSTORE', 'd', 'a', 'c'],
    ['SMEMBERS', 'd'],
    ['OBJECT', 'ENCODING', 'd'],
    ['SINTERSTORE', 'd', 'a', 'nokey'],
    ['EXISTS', 'd'],
    ['SINTERSTORE', 'str', 'a', 'b'],
    ['TYPE', 'str'],
    ['SET', 'str2', 'v'],
    ['SINTERSTORE', 'str2', 'a', 'nokey'],
    ['EXISTS', 'str2'],
    ['SET', 'str3', 'v', 'EX', '100'],
    ['SINTERSTORE', 'str3', 'a', 'c'],
    ['TTL', 'str3'],
    ['SINTERSTORE', 'e', 'c', 'str'],
    ['SET', 'str4', 'v'],
    ['SINTERSTORE', 'e', 'c', 'str4'],
    ['SINTERSTORE', 'a', 'a', 'b'],
    ['SMEMBERS', 'a'],
    ['SINTERSTORE', 'f', 'x1', 'x2'],
  ];
  await pair.assertSame('sinter', s, { normalize: normalizeSetReply });
});

test('SUNION SUNIONSTORE SDIFF SDIFFSTORE', { skip }, async () => {
  const big = Array.from({ length: 600 }, (_, i) => String(i));
  const s: Argv[] = [
    ['SADD', 'a', '1', '2', '3', '4'],
    ['SADD', 'b', '2', '3', '40'],
    ['SADD', 'c', 'x', '3'],
    ['SUNION', 'a', 'b'],
    ['SUNION', 'a', 'b', 'c'],
    ['SUNION', 'nokey'],
    ['SUNION', 'nokey', 'a'],
    ['SDIFF', 'a', 'b'],
    ['SDIFF', 'a', 'b', 'c'],
    ['SDIFF', 'a', 'a'],
    ['SDIFF', 'nokey', 'a'],
    ['SDIFF', 'a', 'nokey'],
    ['SDIFF', 'c', 'a'],
    ['SET', 'str', 'v'],
    ['SUNION', 'a', 'str'],
    ['SUNION', 'nokey', 'str'],
    ['SDIFF', 'nokey', 'str'],
    ['SDIFF', 'str', 'a'],
    ['SUNIONSTORE', 'd', 'a', 'b'],
    ['SMEMBERS', 'd'],
    ['OBJECT', 'ENCODING', 'd'],
    ['SUNIONSTORE', 'd', 'a', 'c'],
    ['OBJECT', 'ENCODING', 'd'],
    ['SUNIONSTORE', 'd', 'nokey'],
    ['EXISTS', 'd'],
    ['SDIFFSTORE', 'd', 'a', 'b'],
    ['SMEMBERS', 'd'],
    ['SDIFFSTORE', 'd', 'a', 'a'],
    ['EXISTS', 'd'],
    ['SDIFFSTORE', 'str', 'a', 'b'],
    ['TYPE', 'str'],
    ['SET', 'str', 'v'],
    ['SDIFFSTORE', 'str', 'nokey'],
    ['EXISTS', 'str'],
    ['SET', 'str', 'v'],
    ['SUNIONSTORE', 'x', 'a', 'str'],
    ['SUNIONSTORE', 'a', 'a', 'b'],
    ['SMEMBERS', 'a'],
    ['SADD', 'big', ...big],
    ['SADD', 'small', '1', '2', '3'],
    ['SADD', 'mid', ...big.slice(100)],
    ['SDIFFSTORE', 'd1', 'big', 'small'],
    ['OBJECT', 'ENCODING', 'd1'],
    ['SDIFFSTORE', 'd2', 'big', 'mid'],
    ['OBJECT', 'ENCODING', 'd2'],
    ['SDIFF', 'big', 'mid'],
    ['SCARD', 'd1'],
    ['SUNIONSTORE', 'd3', 'small', 'mid'],
    ['OBJECT', 'ENCODING', 'd3'],
    ['SINTERSTORE', 'd4', 'big', 'small'],
    ['OBJECT', 'ENCODING', 'd4'],
  ];
  await pair.assertSame('sunion sdiff', s, { normalize: normalizeSetReply });
});

test('SSCAN: errors, small sets in one reply, MATCH, COUNT', { skip }, async () => {
  const s: Argv[] = [
    ['SADD', 'i', '1', '2', '3', '10', '20'],
    ['SSCAN', 'i', '0'],
    ['SSCAN', 'i', '5'],
    ['SSCAN', 'i', '0', 'MATCH', '1*'],
    ['SSCAN', 'i', '0', 'COUNT', '1'],
    ['SSCAN', 'i', '0', 'COUNT', '0'],
    ['SSCAN', 'i', '0', 'COUNT', 'x'],
    ['SSCAN', 'i', '0', 'TYPE', 'string'],
    ['SSCAN', 'i', '0', 'MATCH'],
    ['SSCAN', 'i', 'x'],
    ['SSCAN', 'i', '-1'],
    ['SSCAN', 'nokey', '0'],
    ['SSCAN', 'nokey', '0', 'COUNT', '0'],
    ['SSCAN', 'nokey', 'x'],
    ['SADD', 'h', 'a', 'b', 'c', 'ab'],
    ['SSCAN', 'h', '0'],
    ['SSCAN', 'h', '0', 'MATCH', 'a*'],
    ['SSCAN', 'h', '0', 'MATCH', '*'],
    ['SET', 'str', 'v'],
    ['SSCAN', 'str', '0'],
    ['SSCAN', 'str', 'x'],
  ];
  await pair.assertSame('sscan', s, { normalize: normalizeSetReply });
});

test('RESP3 shapes: SMEMBERS/SINTER/SUNION/SDIFF and SPOP count are sets, SRANDMEMBER count an array', { skip }, async () => {
  const s: Argv[] = [
    ['HELLO', '3'],
    ['SADD', 'i', '3', '1', '2'],
    ['SMEMBERS', 'i'],
    ['SMEMBERS', 'nokey'],
    ['SINTER', 'i', 'i'],
    ['SINTER', 'i', 'nokey'],
    ['SUNION', 'i', 'nokey'],
    ['SDIFF', 'i', 'nokey'],
    ['SRANDMEMBER', 'i', '5'],
    ['SRANDMEMBER', 'i', '0'],
    ['SRANDMEMBER', 'nokey', '5'],
    ['SRANDMEMBER', 'nokey'],
    ['SPOP', 'nokey'],
    ['SPOP', 'nokey', '2'],
    ['SPOP', 'i', '0'],
    ['SMISMEMBER', 'i', '1', '9'],
    ['SSCAN', 'i', '0'],
    ['SPOP', 'i', '5'],
  ];
  await pair.assertSame('sets resp3', s, { normalize: normalizeSetReply });
});

test('generic commands on sets and hashes: TYPE, COPY (a deep copy), RENAME, SCAN TYPE', { skip }, async () => {
  const s: Argv[] = [
    ['SADD', 's', '1', '2', '3'],
    ['HSET', 'h', 'a', '1', 'b', '2'],
    ['TYPE', 's'],
    ['TYPE', 'h'],
    ['COPY', 's', 's2'],
    ['COPY', 'h', 'h2'],
    ['SADD', 's2', '4'],
    ['HSET', 'h2', 'c', '3'],
    ['SMEMBERS', 's'],
    ['SMEMBERS', 's2'],
    ['HGETALL', 'h'],
    ['HGETALL', 'h2'],
    ['OBJECT', 'ENCODING', 's2'],
    ['OBJECT', 'ENCODING', 'h2'],
    ['SADD', 't', 'x', 'y'],
    ['COPY', 't', 't2'],
    ['SREM', 't2', 'x'],
    ['SMEMBERS', 't'],
    ['SMEMBERS', 't2'],
    ['OBJECT', 'ENCODING', 't2'],
    ['RENAME', 's2', 's3'],
    ['SCARD', 's3'],
    ['SCAN', '0', 'TYPE', 'hash', 'COUNT', '100'],
    ['SCAN', '0', 'TYPE', 'set', 'COUNT', '100'],
    ['SET', 's3', 'v'],
    ['TYPE', 's3'],
    ['SADD', 'e', 'a'],
    ['EXPIRE', 'e', '100'],
    ['SADD', 'e', 'b'],
    ['TTL', 'e'],
    ['SPOP', 'e', '5'],
    ['TTL', 'e'],
  ];
  await pair.assertSame('generic on sets', s, { normalize: (argv, raw) => (argv[0] === 'SCAN' ? normalizeScan(raw) : normalizeIntsetExact(argv, raw)) });
});

/** SCAN's key list sorted (keyspace order is the keys family's business). */
function normalizeScan(raw: string): string {
  const [cursorAndHeader, ...rest] = raw.split(/(?<=\r\n)(?=\*)/);
  const items = rest.join('');
  const bulks = items.replace(/^\*\d+\r\n/, '').match(/\$\d+\r\n[^\r]*\r\n/g) ?? [];
  return cursorAndHeader + `*${bulks.length}\r\n` + [...bulks].sort().join('');
}

test('WATCH sees exactly the changes Redis signals (no-op writes leave a watched key valid)', { skip }, async () => {
  const tx = (...cmd: Argv[]): Argv[] => [['WATCH', 'w'], ...cmd, ['MULTI'], ['PING'], ['EXEC']];
  const s: Argv[] = [
    ['SADD', 'w', '1', '2'],
    ['SADD', 'a', '1', '3'],
    ['HSET', 'hw', 'f', 'v'],
    ...tx(['SADD', 'w', '1']),
    ...tx(['SADD', 'w', '9']),
    ...tx(['SREM', 'w', 'zz']),
    ...tx(['SREM', 'w', '9']),
    ...tx(['SMOVE', 'a', 'w', '1']),
    ...tx(['SMOVE', 'a', 'w', '3']),
    ...tx(['SMOVE', 'w', 'w', '1']),
    ...tx(['SPOP', 'w', '0']),
    ...tx(['SINTERSTORE', 'w', 'w', 'w']),
    ...tx(['SDIFFSTORE', 'x', 'nokey']),
    ...tx(['SDIFFSTORE', 'w', 'nokey']),
    ['HSET', 'w', 'f', 'v'],
    ...tx(['HDEL', 'w', 'zz']),
    ...tx(['HSETNX', 'w', 'f', 'v2']),
    ...tx(['HSET', 'w', 'f', 'v']),
    ...tx(['HINCRBY', 'w', 'f', 'x']),
    ...tx(['HINCRBY', 'w', 'n', '1']),
    ...tx(['HDEL', 'w', 'f', 'n']),
  ];
  await pair.assertSame('watch', s, { normalize: normalizeSetReply });
});
