// Pub/Sub, transactions and MONITOR through real client libraries against a keyraft process:
// ioredis (RESP2: channels, patterns, sharded channels, WATCH/MULTI/EXEC retried on conflict,
// monitor()) and node-redis v5 with RESP3 (messages as push frames on a connection that keeps
// running normal commands, patterns).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';

/** How long a test waits for an expected message before failing. */
const MESSAGE_WAIT_MS = 5000;
let server: ServerProcess;

before(async () => {
  server = await startKeyraft();
});
after(async () => {
  await server?.stop();
});

function ioredis(): IORedis {
  return new IORedis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => null });
}

/** Resolves when `count` items have been pushed to `into`, or rejects after MESSAGE_WAIT_MS. */
function waitFor<T>(into: T[], count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + MESSAGE_WAIT_MS;
    const check = (): void => {
      if (into.length >= count) resolve();
      else if (Date.now() > deadline) reject(new Error(`got ${into.length} of ${count}: ${JSON.stringify(into)}`));
      else setTimeout(check, 5);
    };
    check();
  });
}

test('ioredis: channels, patterns and sharded channels deliver in order', async () => {
  const sub = ioredis();
  const pub = ioredis();
  try {
    const got: string[] = [];
    sub.on('message', (channel: string, message: string) => got.push(`message ${channel} ${message}`));
    sub.on('pmessage', (pattern: string, channel: string, message: string) => got.push(`pmessage ${pattern} ${channel} ${message}`));
    sub.on('smessage', (channel: string, message: string) => got.push(`smessage ${channel} ${message}`));
    assert.equal(await sub.subscribe('news', 'sport'), 2);
    assert.equal(await sub.psubscribe('n*'), 3);
    assert.equal(await sub.ssubscribe('shard-a'), 1);
    assert.equal(await pub.publish('news', 'one'), 2); // the channel and the pattern
    assert.equal(await pub.publish('sport', 'two'), 1);
    assert.equal(await pub.publish('nothing', 'three'), 1);
    assert.equal(await pub.publish('other', 'none'), 0);
    assert.equal(await pub.spublish('shard-a', 'four'), 1);
    assert.equal(await pub.spublish('shard-b', 'nobody'), 0);
    await waitFor(got, 5);
    await new Promise((r) => setTimeout(r, 50)); // nothing else may arrive
    assert.deepEqual(got, ['message news one', 'pmessage n* news one', 'message sport two', 'pmessage n* nothing three', 'smessage shard-a four']);
    assert.deepEqual(await pub.pubsub('NUMSUB', 'news', 'sport'), ['news', 1, 'sport', 1]);
    assert.equal(await pub.pubsub('NUMPAT'), 1);
    assert.deepEqual(await pub.pubsub('SHARDCHANNELS'), ['shard-a']);
    // (ioredis waits forever on an argument-less PUNSUBSCRIBE here, against Redis too: name them.)
    await sub.unsubscribe('news');
    await sub.punsubscribe('n*');
    await sub.sunsubscribe('shard-a');
    assert.equal(await pub.publish('news', 'gone'), 0);
  } finally {
    sub.disconnect();
    pub.disconnect();
  }
});

test('ioredis: WATCH/MULTI/EXEC retried after a concurrent writer wins', async () => {
  const a = ioredis();
  const writer = ioredis();
  try {
    await a.set('balance', '100');
    let attempts = 0;
    let result: [Error | null, unknown][] | null = null;
    while (result === null && attempts < 5) {
      attempts++;
      await a.watch('balance');
      const balance = Number(await a.get('balance'));
      // The first attempt loses the race: another client writes between WATCH and EXEC.
      if (attempts === 1) await writer.incrby('balance', 50);
      result = await a.multi().set('balance', String(balance - 30)).incr('transfers').exec();
    }
    assert.equal(attempts, 2, 'the first EXEC must be aborted, the second succeed');
    assert.deepEqual(result, [
      [null, 'OK'],
      [null, 1],
    ]);
    assert.equal(await a.get('balance'), '120');
    // Concurrent increments through optimistic transactions never lose an update.
    await a.set('shared', '0');
    const clients = [ioredis(), ioredis(), ioredis()];
    try {
      const retries = await Promise.all(
        clients.map(async (c) => {
          let aborted = 0;
          for (let i = 0; i < 20; i++) {
            for (;;) {
              await c.watch('shared');
              const v = Number(await c.get('shared'));
              const r = await c.multi().set('shared', String(v + 1)).exec();
              if (r !== null) break;
              aborted++;
            }
          }
          return aborted;
        }),
      );
      assert.equal(await a.get('shared'), '60', `aborted attempts: ${retries.join(',')}`);
    } finally {
      for (const c of clients) c.disconnect();
    }
  } finally {
    a.disconnect();
    writer.disconnect();
  }
});

test('ioredis: monitor() sees other clients\' commands', async () => {
  const client = ioredis();
  const monitor = await client.monitor();
  try {
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
    const other = ioredis();
    try {
      await other.set('watched-key', 'v');
      await other.get('watched-key');
      const deadline = Date.now() + MESSAGE_WAIT_MS;
      while (!seen.some((a) => a[0]!.toLowerCase() === 'get' && a[1] === 'watched-key') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const mine = seen.filter((a) => a[1] === 'watched-key').map((a) => [a[0]!.toLowerCase(), ...a.slice(1)]);
      assert.deepEqual(mine, [
        ['set', 'watched-key', 'v'],
        ['get', 'watched-key'],
      ]);
    } finally {
      other.disconnect();
    }
  } finally {
    monitor.disconnect();
    client.disconnect();
  }
});

test('node-redis RESP3: messages arrive as push frames while the same connection runs commands', async () => {
  const client = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false }, RESP: 3 });
  const pub = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false }, RESP: 3 });
  client.on('error', () => undefined);
  pub.on('error', () => undefined);
  await client.connect();
  await pub.connect();
  try {
    const got: string[] = [];
    await client.subscribe('chat', (message, channel) => got.push(`${channel} ${message}`));
    await client.pSubscribe('ch*', (message, channel) => got.push(`p ${channel} ${message}`));
    // RESP3: a subscribed connection still runs normal commands, replies and pushes interleaved.
    assert.equal(await client.set('k', 'v'), 'OK');
    assert.equal(await pub.publish('chat', 'hello'), 2);
    assert.equal(await client.get('k'), 'v');
    assert.equal(await pub.publish('chat', 'again'), 2);
    assert.equal(await client.incr('n'), 1);
    assert.equal(await pub.publish('channel-2', 'pattern only'), 1);
    await waitFor(got, 5);
    assert.deepEqual(got, ['chat hello', 'p chat hello', 'chat again', 'p chat again', 'p channel-2 pattern only']);
    assert.equal(await client.get('k'), 'v');
    await client.unsubscribe('chat');
    await client.pUnsubscribe('ch*');
    assert.equal(await pub.publish('chat', 'nobody'), 0);
  } finally {
    await client.close().catch(() => undefined);
    await pub.close().catch(() => undefined);
  }
});

test('node-redis RESP3: keyspace notifications through a pattern subscription', async () => {
  const sub = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false }, RESP: 3 });
  const client = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false }, RESP: 3 });
  sub.on('error', () => undefined);
  client.on('error', () => undefined);
  await sub.connect();
  await client.connect();
  try {
    await client.configSet('notify-keyspace-events', 'KEA');
    const got: string[] = [];
    await sub.pSubscribe('__keyevent@0__:*', (key, channel) => got.push(`${channel} ${key}`));
    await client.set('a', '1');
    await client.lPush('l', 'x');
    await client.del('a');
    await waitFor(got, 3);
    assert.deepEqual(got, ['__keyevent@0__:set a', '__keyevent@0__:lpush l', '__keyevent@0__:del a']);
  } finally {
    await client.configSet('notify-keyspace-events', '').catch(() => undefined);
    await sub.close().catch(() => undefined);
    await client.close().catch(() => undefined);
  }
});
