// Streams through real client libraries against a keyraft process: ioredis (RESP2) running a
// producer / consumer-group worker loop with a blocking XREADGROUP woken by another connection,
// XACK, XPENDING, XAUTOCLAIM; node-redis v5 with RESP3 parsing XREAD / XREADGROUP map replies and
// XINFO maps through its typed stream helpers (XREAD/XREADGROUP under RESP3 need node-redis's
// unstableResp3 flag).
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

function ioredis(): IORedis {
  return new IORedis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
}

test('ioredis: producer and a blocked consumer-group worker', async () => {
  const producer = ioredis();
  const worker = ioredis();
  await Promise.all([producer.connect(), worker.connect()]);
  try {
    await producer.del('jobs');
    assert.equal(await producer.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM'), 'OK');
    const read = worker.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', '10', 'BLOCK', '2000', 'STREAMS', 'jobs', '>');
    await new Promise((r) => setTimeout(r, 50));
    const id = await producer.xadd('jobs', '*', 'task', 'resize', 'size', '42');
    assert.match(id!, /^\d+-0$/);
    const got = (await read) as [string, [string, string[]][]][];
    assert.deepEqual(got, [['jobs', [[id, ['task', 'resize', 'size', '42']]]]]);
    const pending = (await producer.xpending('jobs', 'workers')) as [number, string, string, [string, string][]];
    assert.deepEqual(pending, [1, id, id, [['w1', '1']]]);
    // Another worker takes over idle work, then acknowledges it.
    const claimed = (await producer.xautoclaim('jobs', 'workers', 'w2', 0, '0', 'COUNT', 10)) as [string, [string, string[]][], string[]];
    assert.deepEqual(claimed, ['0-0', [[id, ['task', 'resize', 'size', '42']]], []]);
    assert.equal(await producer.xack('jobs', 'workers', id!), 1);
    assert.equal(await producer.xlen('jobs'), 1);
    // A blocking read that times out answers null.
    assert.equal(await worker.xreadgroup('GROUP', 'workers', 'w1', 'BLOCK', '30', 'STREAMS', 'jobs', '>'), null);
    assert.deepEqual(await producer.xrange('jobs', '-', '+'), [[id, ['task', 'resize', 'size', '42']]]);
  } finally {
    producer.disconnect();
    worker.disconnect();
  }
});

test('node-redis RESP3: XADD / XREAD / XREADGROUP / XINFO through the typed helpers', async () => {
  const client = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false }, RESP: 3, unstableResp3: true });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.del('ev');
    const id1 = await client.xAdd('ev', '1-1', { kind: 'created' });
    const id2 = await client.xAdd('ev', '2-1', { kind: 'updated' });
    assert.deepEqual([id1, id2], ['1-1', '2-1']);
    const read = await client.xRead({ key: 'ev', id: '0' });
    assert.ok(read, 'XREAD answered');
    const asText = JSON.stringify(read);
    assert.match(asText, /created/);
    assert.match(asText, /updated/);
    await client.xGroupCreate('ev', 'g', '0');
    const rg = await client.xReadGroup('g', 'c1', { key: 'ev', id: '>' }, { COUNT: 1 });
    assert.match(JSON.stringify(rg), /1-1/);
    const info = await client.xInfoStream('ev');
    assert.equal(info.length, 2);
    assert.equal(info.groups, 1);
    const groups = await client.xInfoGroups('ev');
    assert.equal(groups.length, 1);
    assert.equal(groups[0]!.name, 'g');
    assert.equal(groups[0]!.pending, 1);
    const consumers = await client.xInfoConsumers('ev', 'g');
    assert.equal(consumers[0]!.name, 'c1');
    assert.equal(consumers[0]!.pending, 1);
    assert.equal(await client.xLen('ev'), 2);
  } finally {
    await client.quit();
  }
});
