// WRONGTYPE and the order of checks against a key of another type, for every strings and bitmaps
// command, compared with real Redis. Uses LPUSH and HSET to make non-string keys; skipped while
// keyraft has no list type.
import { test, before, after } from 'node:test';
import { DifferentialPair, type Argv } from '../helpers/differential.js';
import { referenceRedisSkipReason } from '../helpers/servers.js';

const skip = referenceRedisSkipReason();
let pair: DifferentialPair;
let noLists = false;

before(async () => {
  if (skip) return;
  pair = await DifferentialPair.start();
  const [k] = await pair.both(['LPUSH', '__probe__', 'x']);
  noLists = k.startsWith('-ERR unknown command');
});
after(async () => {
  await pair?.stop();
});

test('commands on a list key reply WRONGTYPE where Redis does, after the same argument checks', { skip }, async (t) => {
  if (noLists) {
    t.skip('keyraft has no LPUSH yet');
    return;
  }
  const L = 'list';
  const s: Argv[] = [
    ['LPUSH', L, 'a', 'b'],
    ['SET', 's', 'str'],
    ['GET', L],
    ['SET', L, 'v', 'GET'],
    ['SET', L, 'v', 'NX', 'GET'],
    ['SET', L, 'v', 'EX', '0', 'GET'],
    ['SETNX', L, 'v'],
    ['MGET', 's', L, 'nokey'],
    ['MSETNX', L, 'v', 'x', 'y'],
    ['GETSET', L, 'v'],
    ['GETDEL', L],
    ['GETEX', L],
    ['GETEX', L, 'EX', '0'],
    ['GETEX', L, 'FOO'],
    ['APPEND', L, 'x'],
    ['STRLEN', L],
    ['INCR', L],
    ['INCRBY', L, 'x'],
    ['DECRBY', L, '-9223372036854775808'],
    ['INCRBYFLOAT', L, 'x'],
    ['INCRBYFLOAT', L, '1'],
    ['GETRANGE', L, '0', '1'],
    ['GETRANGE', L, 'x', '1'],
    ['SETRANGE', L, '0', ''],
    ['SETRANGE', L, '0', 'x'],
    ['SETRANGE', L, '-1', 'x'],
    ['LCS', L, 's'],
    ['LCS', 's', L, 'FOO'],
    ['SETBIT', L, '0', '1'],
    ['SETBIT', L, 'x', '1'],
    ['GETBIT', L, '0'],
    ['BITCOUNT', L],
    ['BITCOUNT', L, 'x'],
    ['BITPOS', L, '1'],
    ['BITPOS', L, '2'],
    ['BITOP', 'AND', 'dst', 's', L],
    ['BITOP', 'NOT', L, 's'],
    ['TYPE', L],
    ['BITFIELD', L, 'GET', 'u8', '0'],
    ['BITFIELD', L, 'SET', 'u8', '0', '1'],
    ['BITFIELD_RO', L, 'GET', 'u8', '0'],
    ['BITFIELD_RO', L, 'SET', 'u8', '0', '1'],
    ['SET', L, 'now a string'],
    ['GET', L],
    ['MSET', L, 'x'],
    ['LPUSH', 'list2', 'a'],
    ['BITOP', 'OR', 'list2', 's'],
    ['GET', 'list2'],
    ['LPUSH', 'list3', 'a'],
    ['GETEX', 'list3', 'PERSIST'],
  ];
  await pair.assertSame('wrongtype', s);
});
