// Pub/Sub and keyspace notifications against real Redis: confirmations and errors byte for byte,
// and the message streams a subscriber receives on each server compared in full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Argv, useDifferentialPair } from '../helpers/differential.js';
import { type ServerProcess } from '../helpers/servers.js';
import type { RespConnection } from '../helpers/resp.js';

const { skip, pair } = useDifferentialPair();

test('subscribe confirmations, RESP2 restrictions and PUBSUB introspection match Redis', { skip }, async () => {
  await pair.assertSame('pubsub one connection', [
    ['UNSUBSCRIBE'],
    ['PUNSUBSCRIBE'],
    ['SUNSUBSCRIBE'],
    ['PUBLISH', 'nobody', 'x'],
    ['SUBSCRIBE', 'a', 'b', 'a'],
    ['PSUBSCRIBE', 'n*', 'a?'],
    ['GET', 'k'],
    ['PING'],
    ['PING', 'hi'],
    ['SSUBSCRIBE', 's1'],
    ['UNSUBSCRIBE', 'b', 'zz'],
    ['PUNSUBSCRIBE'],
    ['SUNSUBSCRIBE', 's1'],
    ['UNSUBSCRIBE'],
    ['GET', 'k'],
    ['PUBSUB', 'NUMPAT'],
    ['PUBSUB', 'CHANNELS'],
    ['PUBSUB', 'NUMSUB', 'a', 'b'],
    ['PUBSUB', 'SHARDCHANNELS'],
    ['PUBSUB', 'SHARDNUMSUB', 's1'],
    ['PUBSUB', 'NOPE'],
  ]);
  await pair.assertSame('pubsub resp3', [['HELLO', '3'], ['SUBSCRIBE', 'a'], ['GET', 'k'], ['PING'], ['UNSUBSCRIBE', 'a']], {
    // HELLO's reply carries the connection id, which differs.
    normalize: (argv, raw) => (argv[0] === 'HELLO' ? 'hello' : raw),
  });
});

/** Subscribes a connection, runs commands on another, and returns the raw messages received. */
async function collect(server: ServerProcess, subscribe: Argv[], commands: Argv[], config: Argv[] = []): Promise<string[]> {
  const sub = await server.connect();
  const pub = await server.connect();
  try {
    await pub.call('FLUSHALL');
    for (const c of config) await pub.call(...c);
    for (const s of subscribe) {
      await sub.call(...s);
      // Extra confirmations (one per channel) arrive as unsolicited replies.
      for (let i = 2; i < s.length; i++) await sub.next();
    }
    for (const c of commands) await pub.call(...c);
    await pub.call('PUBLISH', 'end-of-test', 'x');
    const messages: string[] = [];
    for (;;) {
      const m = (await sub.next(2000)).raw.latin1Slice();
      if (m.includes('end-of-test')) break;
      messages.push(m);
    }
    return messages;
  } finally {
    await pub.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    sub.close();
    pub.close();
  }
}

async function sameMessages(subscribe: Argv[], commands: Argv[], config: Argv[] = []): Promise<void> {
  const k = await collect(pair.keyraft, subscribe, commands, config);
  const r = await collect(pair.redis, subscribe, commands, config);
  assert.ok(r.length >= commands.length / 2, `too few messages from Redis (${r.length}): the test is not exercising anything`);
  assert.deepEqual(k, r);
}

test('published messages (channels, patterns, shard channels) match Redis', { skip }, async () => {
  await sameMessages(
    [['SUBSCRIBE', 'news', 'end-of-test'], ['PSUBSCRIBE', 'n*', 'x[a-c]'], ['SSUBSCRIBE', 'shard']],
    [
      ['PUBLISH', 'news', 'hello'],
      ['PUBLISH', 'nothing', 'bin\x00\xff'],
      ['PUBLISH', 'xb', 'pattern only'],
      ['PUBLISH', 'zzz', 'nobody'],
      ['SPUBLISH', 'shard', 'sharded'],
    ],
  );
});

test('keyspace notifications match Redis for strings and keys', { skip }, async () => {
  const commands: Argv[] = [
    ['SET', 'a', '1'],
    ['INCR', 'a'],
    ['INCRBYFLOAT', 'a', '1.5'],
    ['APPEND', 'a', 'x'],
    ['SETRANGE', 'a', '1', 'yy'],
    ['EXPIRE', 'a', '100'],
    ['PERSIST', 'a'],
    ['RENAME', 'a', 'b'],
    ['COPY', 'b', 'c'],
    ['GETDEL', 'c'],
    ['MSET', 'm1', '1', 'm2', '2'],
    ['DEL', 'm1', 'm2', 'nokey'],
    ['SET', 'e', 'v', 'EX', '100'],
    ['GETEX', 'e', 'PERSIST'],
    ['EXPIRE', 'e', '-1'],
    ['SETBIT', 'bits', '7', '1'],
    ['BITOP', 'NOT', 'dest', 'bits'],
    ['MOVE', 'dest', '1'],
    ['GET', 'missing'],
  ];
  await sameMessages([['PSUBSCRIBE', '__key*__:*'], ['SUBSCRIBE', 'end-of-test']], commands, [['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']]);
  await sameMessages([['PSUBSCRIBE', '__keyevent*'], ['SUBSCRIBE', 'end-of-test']], commands, [['CONFIG', 'SET', 'notify-keyspace-events', 'Eg$m']]);
});

test('a subscriber that stops reading is disconnected by client-output-buffer-limit', async () => {
  const { startKeyraft } = await import('../helpers/servers.js');
  const server = await startKeyraft(['--client-output-buffer-limit', 'pubsub 1mb 256kb 60']);
  let sub: RespConnection | undefined;
  let pub: RespConnection | undefined;
  try {
    sub = await server.connect();
    await sub.call('SUBSCRIBE', 'flood');
    sub.socket.pause(); // stop reading
    pub = await server.connect();
    const message = 'x'.repeat(10_000);
    let receivers = 1;
    for (let i = 0; i < 2000 && receivers > 0; i++) receivers = (await pub.value('PUBLISH', 'flood', message)) as number;
    assert.equal(receivers, 0, 'the flooded subscriber should have been disconnected');
    assert.equal(await pub.value('PUBSUB', 'NUMSUB', 'flood').then((v) => (v as unknown[])[1]), 0);
    assert.match(server.output, /closed for overcoming of output buffer limits/);
  } finally {
    sub?.close();
    pub?.close();
    await server.stop();
  }
});
