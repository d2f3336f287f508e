// Sorted sets through real clients against keyraft: ioredis (RESP2: scores as strings, flat
// WITHSCORES) and node-redis v5 with RESP3 (scores as doubles, [member, score] pairs, a blocking
// pop served by another client's ZADD).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';

let server: ServerProcess;

before(async () => {
  server = await startKeyraft();
});
after(async () => {
  await server?.stop();
});

test('ioredis: ZADD, ZRANGE WITHSCORES, ZSCORE, ZPOPMIN, BZPOPMAX', async () => {
  const client = new IORedis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  await client.connect();
  try {
    assert.equal(await client.zadd('io', 1.1, 'a', 2, 'b', '-inf', 'c'), 3);
    assert.deepEqual(await client.zrange('io', 0, -1, 'WITHSCORES'), ['c', '-inf', 'a', '1.1000000000000001', 'b', '2']);
    assert.equal(await client.zscore('io', 'b'), '2');
    assert.deepEqual(await client.zrangebyscore('io', '(1', '+inf'), ['a', 'b']);
    assert.deepEqual(await client.zpopmin('io'), ['c', '-inf']);
    assert.deepEqual(await client.bzpopmax('io', 0), ['io', 'b', '2']);
    assert.equal(await client.zincrby('io', 0.5, 'a'), '1.6000000000000001');
    await assert.rejects(client.zadd('io', 'x', 'a'), /value is not a valid float/);
  } finally {
    client.disconnect();
  }
});

test('node-redis RESP3: doubles, WITHSCORES pairs, blocking pop woken by another client', async () => {
  const client = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false }, RESP: 3 });
  const other = client.duplicate();
  client.on('error', () => undefined);
  other.on('error', () => undefined);
  await Promise.all([client.connect(), other.connect()]);
  try {
    assert.equal(await client.zAdd('nr', [{ score: 1.5, value: 'x' }, { score: 2, value: 'y' }]), 2);
    assert.equal(await client.zScore('nr', 'x'), 1.5);
    assert.deepEqual(await client.zRangeWithScores('nr', 0, -1), [
      { value: 'x', score: 1.5 },
      { value: 'y', score: 2 },
    ]);
    assert.deepEqual(await client.zPopMin('nr'), { value: 'x', score: 1.5 });
    await client.del('nr');
    const popped = client.bzPopMin('wait', 0);
    await new Promise((r) => setTimeout(r, 100));
    await other.zAdd('wait', { score: -3, value: 'z' });
    assert.deepEqual(await popped, { key: 'wait', value: 'z', score: -3 });
  } finally {
    await Promise.all([client.quit(), other.quit()]).catch(() => undefined);
  }
});

test('ZRANK/ZREVRANK WITHSCORE (Redis 7.2, not in the 7.0 reference): shapes in RESP2 and RESP3', async () => {
  const c = await server.connect();
  try {
    const raw = async (...argv: string[]) => (await c.call(...argv)).raw.latin1Slice();
    await raw('ZADD', 'wr', '1.5', 'a', '2', 'b');
    assert.equal(await raw('ZRANK', 'wr', 'a', 'WITHSCORE'), '*2\r\n:0\r\n$3\r\n1.5\r\n');
    assert.equal(await raw('ZREVRANK', 'wr', 'a', 'withscore'), '*2\r\n:1\r\n$3\r\n1.5\r\n');
    assert.equal(await raw('ZRANK', 'wr', 'nope', 'WITHSCORE'), '*-1\r\n');
    assert.equal(await raw('ZRANK', 'nokey', 'a', 'WITHSCORE'), '*-1\r\n');
    assert.equal(await raw('ZRANK', 'wr', 'a', 'WITHSCORES'), '-ERR syntax error\r\n');
    assert.equal(await raw('ZRANK', 'wr', 'a', 'WITHSCORE', 'x'), '-ERR syntax error\r\n');
    assert.equal(await raw('ZRANK', 'wr', 'nope'), '$-1\r\n');
    await raw('HELLO', '3');
    assert.equal(await raw('ZRANK', 'wr', 'b', 'WITHSCORE'), '*2\r\n:1\r\n,2\r\n');
    assert.equal(await raw('ZRANK', 'wr', 'nope', 'WITHSCORE'), '_\r\n');
  } finally {
    c.close();
  }
});
