// Keyspace events of the set and hash commands compared with Redis 7.0: the same commands run
// on each server while a second connection listens to every keyevent of db 0; the event
// sequences (event name and key, in order) must be equal. Covers the events of emptied keys
// ("del"), *STORE into existing keys and with empty results, SMOVE, SPOP and HINCRBY*.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyspaceEvents, useDifferentialPair, type Argv } from '../helpers/differential.js';

const { skip, pair } = useDifferentialPair();

async function same(stream: Argv[]): Promise<void> {
  const [k, r] = [await keyspaceEvents(pair.keyraft, stream), await keyspaceEvents(pair.redis, stream)];
  assert.deepEqual(k, r);
  assert.ok(r.length > 0);
}

test('set command events', { skip }, async () => {
  await same([
    ['SADD', 'e1', 'a', 'b'],
    ['SADD', 'e1', 'a'],
    ['SREM', 'e1', 'a', 'zz'],
    ['SREM', 'e1', 'zz'],
    ['SMOVE', 'e1', 'e2', 'b'],
    ['SMOVE', 'e2', 'e2', 'b'],
    ['SADD', 'e4', 'b', 'c'],
    ['SMOVE', 'e4', 'e2', 'b'],
    ['SUNIONSTORE', 'e3', 'e2', 'e4'],
    ['SINTERSTORE', 'e3', 'e2', 'e4'],
    ['SDIFFSTORE', 'e3', 'e4', 'e2'],
    ['SET', 'str', 'v'],
    ['SUNIONSTORE', 'str', 'e2'],
    ['SINTERSTORE', 'e5', 'e2', 'nokey'],
    ['SINTERSTORE', 'e3', 'e2', 'nokey'],
    ['SDIFFSTORE', 'str', 'e2', 'e2'],
    ['SPOP', 'e2'],
    ['SADD', 'e6', '1', '2', '3'],
    ['SPOP', 'e6', '0'],
    ['SPOP', 'e6', '1'],
    ['SPOP', 'e6', '10'],
    ['SPOP', 'nokey', '10'],
  ]);
});

test('hash command events', { skip }, async () => {
  await same([
    ['HSET', 'h', 'a', '1', 'b', '2'],
    ['HSET', 'h', 'a', '1'],
    ['HMSET', 'h', 'c', '3'],
    ['HSETNX', 'h', 'a', '9'],
    ['HSETNX', 'h', 'd', '9'],
    ['HINCRBY', 'h', 'a', '5'],
    ['HINCRBY', 'h', 'b', 'x'],
    ['HINCRBYFLOAT', 'h', 'a', '0.5'],
    ['HDEL', 'h', 'zz'],
    ['HDEL', 'h', 'a', 'b'],
    ['HDEL', 'h', 'c', 'd'],
    ['HINCRBY', 'h2', 'n', '1'],
    ['HINCRBYFLOAT', 'h3', 'n', 'inf'],
  ]);
});
