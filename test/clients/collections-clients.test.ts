// Every collection family through real clients: ioredis (RESP2) and node-redis with RESP3, where
// HGETALL arrives as a map, SMEMBERS as a set and ZSCORE as a double.
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

test('ioredis round-trips lists, hashes, sets, sorted sets and a blocking pop', async () => {
  const r = new IORedis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  const waiter = new IORedis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  await Promise.all([r.connect(), waiter.connect()]);
  try {
    await r.flushall();
    assert.equal(await r.rpush('l', 'a', 'b', 'c'), 3);
    assert.deepEqual(await r.lrange('l', 0, -1), ['a', 'b', 'c']);
    assert.equal(await r.lpop('l'), 'a');
    assert.equal(await r.hset('h', { f1: 'v1', f2: 'v2' }), 2);
    assert.deepEqual(await r.hgetall('h'), { f1: 'v1', f2: 'v2' });
    assert.equal(await r.hincrby('h', 'n', 5), 5);
    assert.equal(await r.sadd('s', 'x', 'y', 'x'), 2);
    assert.deepEqual((await r.smembers('s')).sort(), ['x', 'y']);
    assert.equal(await r.sismember('s', 'y'), 1);
    assert.equal(await r.zadd('z', 1.5, 'one', 2, 'two'), 2);
    assert.deepEqual(await r.zrange('z', 0, -1, 'WITHSCORES'), ['one', '1.5', 'two', '2']);
    assert.equal(await r.zscore('z', 'one'), '1.5');
    assert.deepEqual(await r.sort('l', 'ALPHA', 'DESC'), ['c', 'b']);
    // A blocking pop served by a push from another connection.
    const popped = waiter.blpop('q', 5);
    await new Promise((res) => setTimeout(res, 50));
    await r.rpush('q', 'job');
    assert.deepEqual(await popped, ['q', 'job']);
    await assert.rejects(r.lpush('h', 'x'), /WRONGTYPE/);
  } finally {
    r.disconnect();
    waiter.disconnect();
  }
});

test('node-redis with RESP3: maps, sets and doubles', async () => {
  const c = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false }, RESP: 3 });
  c.on('error', () => undefined);
  await c.connect();
  try {
    await c.flushAll();
    await c.hSet('h', { a: '1', b: '2' });
    const all = await c.hGetAll('h');
    assert.deepEqual({ ...all }, { a: '1', b: '2' });
    await c.sAdd('s', ['m1', 'm2']);
    const members = await c.sMembers('s');
    assert.deepEqual([...members].sort(), ['m1', 'm2']);
    await c.zAdd('z', [
      { score: 1.25, value: 'a' },
      { score: 3, value: 'b' },
    ]);
    assert.equal(await c.zScore('z', 'a'), 1.25);
    assert.deepEqual(await c.zRangeWithScores('z', 0, -1), [
      { value: 'a', score: 1.25 },
      { value: 'b', score: 3 },
    ]);
    await c.rPush('l', ['1', '2', '3']);
    assert.deepEqual(await c.lRange('l', 0, -1), ['1', '2', '3']);
    assert.deepEqual(await c.lmPop(['nolist', 'l'], 'LEFT', { COUNT: 2 }), ['l', ['1', '2']]);
  } finally {
    await c.close();
  }
});
