// The server and CLIENT commands through real client libraries: node-redis over RESP3 (it sends
// HELLO 3 and CLIENT SETINFO on connect) and ioredis over RESP2 (it parses INFO for its ready
// check). Also the COMMAND replies' overall shape, which ioredis and redis-cli read.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';

let keyraft: ServerProcess;

before(async () => {
  keyraft = await startKeyraft();
});
after(async () => {
  await keyraft?.stop();
});

test('node-redis (RESP3): connects with SETINFO, reads INFO, CONFIG GET, CLIENT LIST', async () => {
  const client = createClient({ url: `redis://127.0.0.1:${keyraft.port}`, RESP: 3 });
  client.on('error', () => {});
  await client.connect();
  try {
    const info = await client.info('server');
    assert.match(String(info), /redis_version:7\.\d+\.\d+\r\n/);
    const cfg = await client.configGet('maxmemory-policy');
    assert.deepEqual({ ...cfg }, { 'maxmemory-policy': 'noeviction' });
    assert.equal(await client.configSet({ hz: '25', 'maxmemory-policy': 'allkeys-lfu' }), 'OK');
    assert.deepEqual({ ...(await client.configGet('hz')) }, { hz: '25' });
    await client.configSet({ hz: '10', 'maxmemory-policy': 'noeviction' });
    assert.equal(await client.clientSetName('nr'), 'OK');
    assert.equal(await client.clientGetName(), 'nr');
    const list = String(await client.sendCommand(['CLIENT', 'LIST']));
    const mine = list.split('\n').find((l) => l.includes(' name=nr '));
    assert.ok(mine, list);
    assert.match(mine, / resp=3 /);
    // node-redis announces itself with CLIENT SETINFO LIB-NAME / LIB-VER.
    assert.match(mine, / lib-name=node-redis/);
    assert.match(mine, / lib-ver=\d/);
    assert.equal(typeof (await client.dbSize()), 'number');
    const time = (await client.time()) as unknown;
    assert.ok(time instanceof Date || Array.isArray(time), String(time));
  } finally {
    await client.quit().catch(() => {});
  }
});

test('ioredis (RESP2): ready check via INFO, COMMAND, CONFIG, CLIENT', async () => {
  const redis = new Redis({ port: keyraft.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  await redis.connect();
  try {
    assert.equal(redis.status, 'ready');
    const info = await redis.info('keyspace');
    assert.ok(info.startsWith('# Keyspace\r\n'));
    assert.deepEqual(await redis.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction']);
    const id = await redis.client('ID');
    assert.equal(typeof id, 'number');
    const count = (await redis.call('COMMAND', 'COUNT')) as number;
    const all = (await redis.call('COMMAND')) as unknown[][];
    assert.equal(all.length, count);
    for (const entry of all) {
      assert.equal(entry.length, 10);
      assert.equal(typeof entry[0], 'string');
      assert.equal(typeof entry[1], 'number');
      assert.ok(Array.isArray(entry[2]) && Array.isArray(entry[6]));
    }
    const get = all.find((e) => e[0] === 'get')!;
    assert.deepEqual(get.slice(0, 7), ['get', 2, ['readonly', 'fast'], 1, 1, 1, ['@read', '@string', '@fast']]);
    const config = all.find((e) => e[0] === 'config')!;
    const subNames = (config[9] as unknown[][]).map((s) => s[0]).sort();
    assert.deepEqual(subNames, ['config|get', 'config|help', 'config|resetstat', 'config|rewrite', 'config|set']);
  } finally {
    redis.disconnect();
  }
});

test('COMMAND DOCS: summary, since, group and subcommands per command', async () => {
  const c = await keyraft.connect();
  try {
    await c.call('HELLO', '3');
    const docs = (await c.value('COMMAND', 'DOCS', 'get', 'config', 'nosuch')) as { map: [unknown, unknown][] };
    assert.deepEqual(
      docs.map.map(([k]) => k),
      ['get', 'config'],
    );
    const get = new Map((docs.map[0]![1] as { map: [string, unknown][] }).map);
    assert.equal(typeof get.get('summary'), 'string');
    assert.equal(get.get('since'), '1.0.0');
    assert.equal(get.get('group'), 'string');
    const config = new Map((docs.map[1]![1] as { map: [string, unknown][] }).map);
    assert.equal(config.get('group'), 'server');
    const subs = (config.get('subcommands') as { map: [string, unknown][] }).map.map(([k]) => k).sort();
    assert.deepEqual(subs, ['config|get', 'config|help', 'config|resetstat', 'config|rewrite', 'config|set']);
    const help = (await c.value('COMMAND', 'HELP')) as string[];
    assert.ok(help[0]!.startsWith('COMMAND <subcommand>'));
    const list = (await c.value('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'keyspace')) as string[];
    assert.ok(list.includes('dbsize') && list.includes('flushdb') && !list.includes('config|get'));
  } finally {
    c.close();
  }
});
