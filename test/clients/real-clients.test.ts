// Real clients, not mocks: ioredis (RESP2), node-redis (RESP3), redis-cli running a script, and
// redis-benchmark, all against a keyraft process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';
import { startKeyraft, referenceRedisSkipReason, type ServerProcess } from '../helpers/servers.js';

// redis-cli and redis-benchmark come with the reference Redis packages.
const toolsSkip = referenceRedisSkipReason();
let server: ServerProcess;

before(async () => {
  server = await startKeyraft();
});
after(async () => {
  await server?.stop();
});

test('ioredis: strings, counters, binary values, pipelines', async () => {
  const client = new IORedis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  await client.connect();
  try {
    assert.equal(await client.set('greeting', 'hello'), 'OK');
    assert.equal(await client.get('greeting'), 'hello');
    assert.equal(await client.incr('counter'), 1);
    assert.equal(await client.incrby('counter', 41), 42);
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff, 0x0d, 0x0a]);
    await client.set(Buffer.from('bin\x00key', 'latin1'), bytes);
    assert.deepEqual(await client.getBuffer(Buffer.from('bin\x00key', 'latin1')), bytes);
    const results = await client.pipeline().set('a', '1').get('a').mget('a', 'nokey').exec();
    assert.deepEqual(results, [
      [null, 'OK'],
      [null, '1'],
      [null, ['1', null]],
    ]);
    await client.set('ttl', 'x', 'EX', 100);
    const ttl = await client.ttl('ttl');
    assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
    await assert.rejects(client.call('NOSUCHCMD'), /unknown command 'NOSUCHCMD'/);
  } finally {
    client.disconnect();
  }
});

test('node-redis with RESP3: HELLO 3, typed replies', async () => {
  const client = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false }, RESP: 3 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    assert.equal(await client.set('k', 'v'), 'OK');
    assert.equal(await client.get('k'), 'v');
    assert.equal(await client.get('missing'), null);
    assert.equal(await client.incrBy('n', 5), 5);
    assert.equal(await client.exists(['k', 'missing']), 1);
    assert.deepEqual(await client.mGet(['k', 'missing']), ['v', null]);
    const hello = (await client.sendCommand(['HELLO', '3'])) as unknown;
    // node-redis decodes RESP3 maps; the protocol must say 3.
    const proto = hello instanceof Map ? hello.get('proto') : (hello as Record<string, unknown>)['proto'];
    assert.equal(proto, 3);
  } finally {
    await client.close();
  }
});

test('redis-cli runs a script of commands', { skip: toolsSkip }, () => {
  const script = ['SET cli:a 10', 'INCRBY cli:a 5', 'GET cli:a', 'DEL cli:a', 'EXISTS cli:a', 'ECHO "two words"'].join('\n');
  const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(server.port)], { input: script + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['OK', '15', '15', '1', '0', 'two words']);
});

test('redis-benchmark runs without warnings', { skip: toolsSkip }, () => {
  const r = spawnSync('redis-benchmark', ['-h', '127.0.0.1', '-p', String(server.port), '-n', '2000', '-c', '10', '-t', 'ping,set,get,incr,mset', '-q'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.trim(), '', 'redis-benchmark printed warnings');
  assert.doesNotMatch(r.stdout, /WARNING|ERR/i);
  for (const name of ['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'MSET \\(10 keys\\)']) assert.match(r.stdout, new RegExp(`${name}: [\\d.]+ requests per second`));
});
