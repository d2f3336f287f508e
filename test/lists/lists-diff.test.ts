// Hand-written differential cases for the lists family: every command and option with the edge
// cases that decide Redis's reply (negative and out-of-range indexes, counts, LPOS options,
// missing pivots, argument errors and which one wins, WRONGTYPE against a string made with SET,
// an emptied list removing its key), in RESP2 and after HELLO 3, compared byte for byte with
// real Redis 7.0.
import { test } from 'node:test';
import { type Argv, useDifferentialPair } from '../helpers/differential.js';

const { skip, pair } = useDifferentialPair();

/** HELLO's reply carries the connection id, which differs between the two servers. */
const normalize = (argv: Argv, raw: string): string => (argv[0] === 'HELLO' ? raw.replace(/id\r\n:\d+/, 'id') : raw);

const MAX = '9223372036854775807';
const MIN = '-9223372036854775808';

test('LPUSH RPUSH LPUSHX RPUSHX LLEN', { skip }, async () => {
  const s: Argv[] = [
    ['LPUSHX', 'l', 'a'],
    ['RPUSHX', 'l', 'a', 'b'],
    ['EXISTS', 'l'],
    ['LPUSH', 'l', 'a'],
    ['LPUSH', 'l', 'b', 'c', 'd'],
    ['RPUSH', 'l', 'x', '', 'a\x00b\xff\r\n'],
    ['LRANGE', 'l', '0', '-1'],
    ['LPUSHX', 'l', '1', '2'],
    ['RPUSHX', 'l', '3'],
    ['LLEN', 'l'],
    ['LLEN', 'nokey'],
    ['LRANGE', 'l', '0', '-1'],
    ['TYPE', 'l'],
    ['OBJECT', 'ENCODING', 'l'],
    ['SET', 's', 'v'],
    ['LPUSH', 's', 'a'],
    ['RPUSH', 's', 'a'],
    ['LPUSHX', 's', 'a'],
    ['RPUSHX', 's', 'a'],
    ['LLEN', 's'],
    ['LPUSH', 'l'],
    ['RPUSHX', 'l'],
    ['LLEN'],
    ['LLEN', 'l', 'x'],
    ['RPUSH', 'e', 'x'.repeat(100)],
    ['OBJECT', 'ENCODING', 'e'],
  ];
  await pair.assertSame('push', s);
});

test('LPOP RPOP with and without count; emptied list removes the key', { skip }, async () => {
  const s: Argv[] = [
    ['LPOP', 'l'],
    ['RPOP', 'l'],
    ['LPOP', 'l', '0'],
    ['LPOP', 'l', '1'],
    ['RPOP', 'l', '5'],
    ['LPOP', 'l', '-1'],
    ['LPOP', 'l', 'x'],
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'g'],
    ['LPOP', 'l'],
    ['RPOP', 'l'],
    ['LPOP', 'l', '0'],
    ['RPOP', 'l', '0'],
    ['LPOP', 'l', '2'],
    ['RPOP', 'l', '2'],
    ['LPOP', 'l', '-1'],
    ['RPOP', 'l', 'abc'],
    ['LPOP', 'l', '1.5'],
    ['LPOP', 'l', MAX],
    ['EXISTS', 'l'],
    ['RPUSH', 'l', 'a', 'b', 'c'],
    ['RPOP', 'l', '10'],
    ['EXISTS', 'l'],
    ['RPUSH', 'l', 'a'],
    ['LPOP', 'l'],
    ['EXISTS', 'l'],
    ['RPUSH', 'l', 'a'],
    ['RPOP', 'l'],
    ['EXISTS', 'l'],
    ['LPOP', 'l', '1', '2'],
    ['RPOP', 'l', '1', '2'],
    ['SET', 's', 'v'],
    ['LPOP', 's'],
    ['RPOP', 's', '2'],
    ['LPOP', 's', '0'],
    ['LPOP', 's', '-1'],
    ['LPOP', 's', 'x'],
  ];
  await pair.assertSame('pop', s);
});

test('LRANGE and LINDEX: negative and out-of-range indexes', { skip }, async () => {
  const s: Argv[] = [
    ['LRANGE', 'l', '0', '-1'],
    ['LINDEX', 'l', '0'],
    ['LINDEX', 'l', 'x'],
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
    ['LRANGE', 'l', '0', '-1'],
    ['LRANGE', 'l', '1', '3'],
    ['LRANGE', 'l', '-2', '-1'],
    ['LRANGE', 'l', '-100', '100'],
    ['LRANGE', 'l', '3', '1'],
    ['LRANGE', 'l', '5', '10'],
    ['LRANGE', 'l', '4', '4'],
    ['LRANGE', 'l', '-1', '-5'],
    ['LRANGE', 'l', '-6', '0'],
    ['LRANGE', 'l', MIN, MAX],
    ['LRANGE', 'l', MAX, MIN],
    ['LRANGE', 'l', '0', '9223372036854775808'],
    ['LRANGE', 'l', 'a', '1'],
    ['LRANGE', 'l', '0', 'b'],
    ['LRANGE', 'nokey', 'a', '1'],
    ['LINDEX', 'l', '0'],
    ['LINDEX', 'l', '4'],
    ['LINDEX', 'l', '5'],
    ['LINDEX', 'l', '-1'],
    ['LINDEX', 'l', '-5'],
    ['LINDEX', 'l', '-6'],
    ['LINDEX', 'l', MIN],
    ['LINDEX', 'l', MAX],
    ['LINDEX', 'l', 'x'],
    ['LINDEX', 'l', '1.0'],
    ['SET', 's', 'v'],
    ['LRANGE', 's', '0', '-1'],
    ['LRANGE', 's', 'x', '-1'],
    ['LINDEX', 's', '0'],
    ['LINDEX', 's', 'x'],
  ];
  await pair.assertSame('lrange/lindex', s);
});

test('LSET LINSERT', { skip }, async () => {
  const s: Argv[] = [
    ['LSET', 'l', '0', 'x'],
    ['LSET', 'l', 'x', 'x'],
    ['RPUSH', 'l', 'a', 'b', 'c'],
    ['LSET', 'l', '0', 'A'],
    ['LSET', 'l', '-1', 'C'],
    ['LSET', 'l', '3', 'x'],
    ['LSET', 'l', '-4', 'x'],
    ['LSET', 'l', 'x', 'x'],
    ['LSET', 'l', MAX, 'x'],
    ['LRANGE', 'l', '0', '-1'],
    ['LINSERT', 'l', 'BEFORE', 'A', 'z'],
    ['LINSERT', 'l', 'after', 'C', 'y'],
    ['LINSERT', 'l', 'after', 'b', 'm'],
    ['LINSERT', 'l', 'Before', 'b', 'n'],
    ['LINSERT', 'l', 'before', 'missing', 'n'],
    ['LINSERT', 'l', 'middle', 'b', 'n'],
    ['LINSERT', 'nokey', 'before', 'b', 'n'],
    ['LINSERT', 'nokey', 'middle', 'b', 'n'],
    ['EXISTS', 'nokey'],
    ['LRANGE', 'l', '0', '-1'],
    ['RPUSH', 'd', 'p', 'q', 'p'],
    ['LINSERT', 'd', 'AFTER', 'p', 'r'],
    ['LRANGE', 'd', '0', '-1'],
    ['SET', 's', 'v'],
    ['LSET', 's', '0', 'x'],
    ['LSET', 's', 'x', 'x'],
    ['LINSERT', 's', 'before', 'v', 'x'],
    ['LINSERT', 's', 'middle', 'v', 'x'],
  ];
  await pair.assertSame('lset/linsert', s);
});

test('LREM LTRIM', { skip }, async () => {
  const s: Argv[] = [
    ['LREM', 'l', '0', 'a'],
    ['LREM', 'l', 'x', 'a'],
    ['LTRIM', 'l', '0', '1'],
    ['LTRIM', 'l', 'x', '1'],
    ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'],
    ['LREM', 'l', '1', 'a'],
    ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '-2', 'a'],
    ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '0', 'b'],
    ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '5', 'zz'],
    ['LREM', 'l', MIN, 'c'],
    ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '0', 'a'],
    ['EXISTS', 'l'],
    ['RPUSH', 'l', '1', '2', '3', '4', '5', '6'],
    ['LTRIM', 'l', '1', '-2'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '-3', '100'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '-100', '1'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '1', 'y'],
    ['LTRIM', 'l', '1', '0'],
    ['EXISTS', 'l'],
    ['RPUSH', 'l', '1', '2', '3'],
    ['LTRIM', 'l', '5', '10'],
    ['EXISTS', 'l'],
    ['RPUSH', 'l', '1', '2', '3'],
    ['LTRIM', 'l', MIN, MAX],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'nokey', '0', '1'],
    ['SET', 's', 'v'],
    ['LREM', 's', '0', 'v'],
    ['LREM', 's', 'x', 'v'],
    ['LTRIM', 's', '0', '1'],
    ['LTRIM', 's', 'x', '1'],
  ];
  await pair.assertSame('lrem/ltrim', s);
});

test('LPOS with RANK COUNT MAXLEN', { skip }, async () => {
  const s: Argv[] = [
    ['LPOS', 'l', 'a'],
    ['LPOS', 'l', 'a', 'COUNT', '0'],
    ['LPOS', 'l', 'a', 'RANK', '0'],
    ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a', 'd'],
    ['LPOS', 'l', 'a'],
    ['LPOS', 'l', 'b'],
    ['LPOS', 'l', 'z'],
    ['LPOS', 'l', 'z', 'COUNT', '2'],
    ['LPOS', 'l', 'a', 'RANK', '2'],
    ['LPOS', 'l', 'a', 'RANK', '3'],
    ['LPOS', 'l', 'a', 'RANK', '4'],
    ['LPOS', 'l', 'a', 'RANK', '-1'],
    ['LPOS', 'l', 'a', 'RANK', '-3'],
    ['LPOS', 'l', 'a', 'RANK', '-4'],
    ['LPOS', 'l', 'a', 'COUNT', '0'],
    ['LPOS', 'l', 'a', 'COUNT', '2'],
    ['LPOS', 'l', 'a', 'COUNT', '10'],
    ['LPOS', 'l', 'a', 'COUNT', '2', 'RANK', '2'],
    ['LPOS', 'l', 'a', 'COUNT', '0', 'RANK', '-1'],
    ['LPOS', 'l', 'a', 'RANK', '-2', 'COUNT', '1'],
    ['LPOS', 'l', 'a', 'MAXLEN', '3'],
    ['LPOS', 'l', 'a', 'MAXLEN', '1'],
    ['LPOS', 'l', 'd', 'MAXLEN', '6'],
    ['LPOS', 'l', 'd', 'MAXLEN', '7'],
    ['LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '4'],
    ['LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '4', 'RANK', '-1'],
    ['LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '0'],
    ['LPOS', 'l', 'a', 'RANK', '0'],
    ['LPOS', 'l', 'a', 'RANK', 'x'],
    ['LPOS', 'l', 'a', 'RANK', MIN],
    ['LPOS', 'l', 'a', 'RANK', MIN, 'COUNT', '1'],
    ['LPOS', 'l', 'a', 'RANK', MAX],
    ['LPOS', 'l', 'a', 'RANK', '-' + MAX],
    ['LPOS', 'l', 'a', 'COUNT', '-1'],
    ['LPOS', 'l', 'a', 'COUNT', 'x'],
    ['LPOS', 'l', 'a', 'MAXLEN', '-1'],
    ['LPOS', 'l', 'a', 'MAXLEN', 'x'],
    ['LPOS', 'l', 'a', 'RANK'],
    ['LPOS', 'l', 'a', 'COUNT'],
    ['LPOS', 'l', 'a', 'FOO', '1'],
    ['LPOS', 'l', 'a', 'rank', '1', 'count', '1', 'maxlen', '1'],
    ['LPOS', 'nokey', 'a', 'RANK', '0'],
    ['LPOS', 'nokey', 'a', 'COUNT', '1'],
    ['SET', 's', 'v'],
    ['LPOS', 's', 'v'],
    ['LPOS', 's', 'v', 'COUNT', '1'],
    ['LPOS', 's', 'v', 'RANK', '0'],
  ];
  await pair.assertSame('lpos', s);
});

test('LMOVE RPOPLPUSH', { skip }, async () => {
  const s: Argv[] = [
    ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'],
    ['RPOPLPUSH', 'a', 'b'],
    ['EXISTS', 'b'],
    ['RPUSH', 'a', '1', '2', '3'],
    ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'],
    ['LMOVE', 'a', 'b', 'right', 'left'],
    ['LMOVE', 'a', 'b', 'left', 'left'],
    ['EXISTS', 'a'],
    ['LRANGE', 'b', '0', '-1'],
    ['LMOVE', 'b', 'b', 'LEFT', 'RIGHT'],
    ['LRANGE', 'b', '0', '-1'],
    ['RPOPLPUSH', 'b', 'b'],
    ['LRANGE', 'b', '0', '-1'],
    ['RPUSH', 'one', 'x'],
    ['LMOVE', 'one', 'one', 'LEFT', 'LEFT'],
    ['LRANGE', 'one', '0', '-1'],
    ['RPOPLPUSH', 'b', 'c'],
    ['LRANGE', 'c', '0', '-1'],
    ['LMOVE', 'b', 'c', 'UP', 'LEFT'],
    ['LMOVE', 'b', 'c', 'LEFT', 'DOWN'],
    ['LMOVE', 'nokey', 'c', 'UP', 'LEFT'],
    ['SET', 's', 'v'],
    ['LMOVE', 's', 'c', 'LEFT', 'LEFT'],
    ['LMOVE', 'b', 's', 'LEFT', 'LEFT'],
    ['LMOVE', 'nokey', 's', 'LEFT', 'LEFT'],
    ['RPOPLPUSH', 's', 'c'],
    ['RPOPLPUSH', 'b', 's'],
    ['RPOPLPUSH', 'nokey', 's'],
    ['LRANGE', 'b', '0', '-1'],
    ['GET', 's'],
  ];
  await pair.assertSame('lmove', s);
});

test('LMPOP and non-blocking BLMPOP/BLPOP/BRPOP/BLMOVE/BRPOPLPUSH on data', { skip }, async () => {
  const s: Argv[] = [
    ['LMPOP', '1', 'a', 'LEFT'],
    ['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '3'],
    ['RPUSH', 'b', '1', '2', '3', '4'],
    ['LMPOP', '2', 'a', 'b', 'LEFT'],
    ['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '2'],
    ['LMPOP', '2', 'a', 'b', 'left', 'count', '10'],
    ['EXISTS', 'b'],
    ['LMPOP', '0', 'a', 'LEFT'],
    ['LMPOP', '-1', 'a', 'LEFT'],
    ['LMPOP', 'x', 'a', 'LEFT'],
    ['LMPOP', '2', 'a', 'LEFT'],
    ['LMPOP', '3', 'a', 'LEFT'],
    ['LMPOP', MAX, 'a', 'LEFT'],
    ['LMPOP', '1', 'a', 'MIDDLE'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '-1'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', 'x'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
    ['LMPOP', '1', 'a', 'LEFT', 'FOO'],
    ['SET', 's', 'v'],
    ['RPUSH', 'l', 'x', 'y'],
    ['LMPOP', '2', 's', 'l', 'LEFT'],
    ['LMPOP', '2', 'l', 's', 'LEFT'],
    ['LMPOP', '2', 'nokey', 's', 'LEFT'],
    ['RPUSH', 'l', 'x', 'y', 'z'],
    ['BLPOP', 'nokey', 'l', '0'],
    ['BRPOP', 'nokey', 'l', '0'],
    ['BLPOP', 's', 'l', '0'],
    ['BLPOP', 'l', 's', '0'],
    ['BLPOP', 'l', 'x'],
    ['BLPOP', 'l', '-1'],
    ['BLPOP', 's', '-1'],
    ['RPUSH', 'l', 'p', 'q', 'r'],
    ['BLMPOP', '0', '2', 'nokey', 'l', 'RIGHT', 'COUNT', '2'],
    ['BLMPOP', '0', '1', 'l', 'LEFT'],
    ['BLMPOP', 'x', '1', 'l', 'LEFT'],
    ['BLMPOP', '-1', '1', 'l', 'LEFT'],
    ['BLMPOP', '-1', '0', 'l', 'LEFT'],
    ['BLMPOP', '-1', '1', 'l', 'LEFT', 'COUNT', '0'],
    ['BLMPOP', '-1', '1', 'l', 'UP'],
    ['BLMPOP', '0', '1', 's', 'LEFT'],
    ['RPUSH', 'l', 'p', 'q', 'r'],
    ['BLMOVE', 'l', 'm', 'LEFT', 'RIGHT', '0'],
    ['BLMOVE', 'l', 'm', 'LEFT', 'RIGHT', 'x'],
    ['BLMOVE', 'l', 'm', 'UP', 'RIGHT', 'x'],
    ['BLMOVE', 'l', 'm', 'LEFT', 'UP', '-1'],
    ['BLMOVE', 'l', 'm', 'LEFT', 'RIGHT', '-1'],
    ['BLMOVE', 's', 'm', 'LEFT', 'RIGHT', '0'],
    ['BLMOVE', 'l', 's', 'LEFT', 'RIGHT', '0'],
    ['BRPOPLPUSH', 'l', 'm', '0'],
    ['BRPOPLPUSH', 'l', 'm', 'x'],
    ['BRPOPLPUSH', 's', 'm', '0'],
    ['BRPOPLPUSH', 'l', 's', '0'],
    ['LRANGE', 'm', '0', '-1'],
    ['EXISTS', 'l'],
  ];
  await pair.assertSame('lmpop/blocking-on-data', s);
});

test('RESP3: null and empty replies after HELLO 3', { skip }, async () => {
  const s: Argv[] = [
    ['HELLO', '3'],
    ['LPOP', 'l'],
    ['LPOP', 'l', '1'],
    ['LPOP', 'l', '0'],
    ['LRANGE', 'l', '0', '-1'],
    ['LINDEX', 'l', '0'],
    ['LPOS', 'l', 'a'],
    ['LPOS', 'l', 'a', 'COUNT', '0'],
    ['LMPOP', '1', 'l', 'LEFT'],
    ['LMOVE', 'l', 'm', 'LEFT', 'LEFT'],
    ['RPOPLPUSH', 'l', 'm'],
    ['RPUSH', 'l', 'a', 'b', 'c'],
    ['LPOP', 'l', '0'],
    ['RPOP', 'l', '2'],
    ['LINDEX', 'l', '5'],
    ['LPOS', 'l', 'z'],
    ['LPOS', 'l', 'a', 'COUNT', '0'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '5'],
    ['RPUSH', 'l', 'a'],
    ['BLPOP', 'l', '0'],
    ['RPUSH', 'l', 'a'],
    ['BLMPOP', '0', '1', 'l', 'RIGHT'],
  ];
  await pair.assertSame('resp3', s, { normalize });
});

test('timeout arguments as Redis 7.0 parses them (long double seconds, int64 milliseconds)', { skip }, async () => {
  const s: Argv[] = [];
  const texts = ['inf', '-inf', 'nan', '1e3', ' 1', '1 ', '0x10', '1e400', '1e-400', '-1e-400', MAX, '9223372036854775.807',
    '9223372036854775.808', '9223372036854775', '-0', '0.0001', '-0.0001', '', '+1', '.5', '5.', '1e16', '9.3e15', '-1', 'x'];
  for (const t of texts) {
    s.push(['RPUSH', 'l', 'a'], ['BLPOP', 'l', t]);
    s.push(['RPUSH', 'l', 'a'], ['BLMOVE', 'l', 'l', 'LEFT', 'LEFT', t]);
    s.push(['BLMPOP', t, '1', 'l', 'LEFT']);
    s.push(['BRPOPLPUSH', 'l', 'm', t]);
  }
  await pair.assertSame('timeout parsing', s);
});

test('timeouts of the blocking commands, RESP2 and RESP3', { skip }, async () => {
  const s: Argv[] = [
    ['BLPOP', 'nokey', '0.01'],
    ['BRPOP', 'nokey', 'other', '0.01'],
    ['BLMPOP', '0.01', '1', 'nokey', 'LEFT'],
    ['BLMOVE', 'nokey', 'd', 'LEFT', 'LEFT', '0.01'],
    ['BRPOPLPUSH', 'nokey', 'd', '0.01'],
    ['EXISTS', 'd'],
    ['HELLO', '3'],
    ['BLPOP', 'nokey', '0.01'],
    ['BLMPOP', '0.01', '1', 'nokey', 'LEFT'],
    ['BLMOVE', 'nokey', 'd', 'LEFT', 'LEFT', '0.01'],
    ['BRPOPLPUSH', 'nokey', 'd', '0.01'],
  ];
  await pair.assertSame('timeouts', s, { normalize });
});

test('long lists: ranges across reply batches, big and binary elements, pops with big counts', { skip }, async () => {
  const elements: string[] = [];
  for (let i = 0; i < 1300; i++) {
    if (i % 97 === 0) elements.push('B'.repeat(500 + i));
    else if (i % 31 === 0) elements.push(`\x00\xff\r\n${'y'.repeat((i * 7) % 300)}`);
    else elements.push(`e${i}`);
  }
  const s: Argv[] = [
    ['RPUSH', 'l', ...elements.slice(0, 700)],
    ['LPUSH', 'l', ...elements.slice(700)],
    ['LRANGE', 'l', '0', '-1'],
    ['LRANGE', 'l', '100', '1000'],
    ['LRANGE', 'l', '-600', '-1'],
    ['LINDEX', 'l', '650'],
    ['LPOS', 'l', 'e5', 'RANK', '-1'],
    ['LINSERT', 'l', 'AFTER', 'e650', 'mid'],
    ['LREM', 'l', '-3', elements[31]!],
    ['LMPOP', '1', 'l', 'RIGHT', 'COUNT', '530'],
    ['LPOP', 'l', '513'],
    ['RPOP', 'l', '1'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '10', '-10'],
    ['LRANGE', 'l', '0', '-1'],
    ['RPOP', 'l', '10000'],
    ['EXISTS', 'l'],
  ];
  await pair.assertSame('long lists', s);
});

test('element lengths at the reply renderer\'s edges (1-3 digit lengths, 255/256 bytes)', { skip }, async () => {
  const lens = [0, 1, 9, 10, 99, 100, 254, 255, 256, 257, 1000];
  const els = lens.map((n) => '\xe9'.repeat(n));
  const s: Argv[] = [
    ['RPUSH', 'l', ...els],
    ['LRANGE', 'l', '0', '-1'],
    ['LPOP', 'l', '3'],
    ['RPOP', 'l', '20'],
    ['RPUSH', 'l', ...els, ...els],
    ['LMPOP', '1', 'l', 'RIGHT', 'COUNT', '15'],
    ['LRANGE', 'l', '-100', '100'],
  ];
  await pair.assertSame('element lengths', s);
});
