// Keyspace events of the sorted-set family, compared with Redis 7.0 over the wire: a subscriber
// on __keyevent@0__:* records every event a stream of commands causes (names, order, and the
// "del" of emptied keys and empty *STORE results), and both servers must send the same list.
// Commands that change nothing (ZADD NX on an existing member, ZREM of a missing member…) must
// send nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RespConnection, RespValue } from '../helpers/resp.js';
import { referenceRedisSkipReason, startKeyraft, startRedis, type ServerProcess } from '../helpers/servers.js';

const skip = referenceRedisSkipReason();
let keyraft: ServerProcess;
let redis: ServerProcess;

before(async () => {
  if (skip) return;
  [keyraft, redis] = await Promise.all([startKeyraft(), startRedis()]);
});
after(async () => {
  await keyraft?.stop();
  await redis?.stop();
});

const c = (line: string): string[] => line.split(' ');

const STREAM: string[][] = [
  c('ZADD z 1 a 2 b 3 c'),
  c('ZADD z NX 5 a'),
  c('ZADD z XX 5 a'),
  c('ZADD z 5 a'),
  c('ZINCRBY z 1 a'),
  c('ZADD z INCR 1 b'),
  c('ZADD z INCR NX 1 b'),
  c('ZREM z nosuch'),
  c('ZREM z c'),
  c('ZADD z 1 c 2 d 3 e 4 f'),
  c('ZREMRANGEBYRANK z 0 0'),
  c('ZREMRANGEBYRANK z 100 200'),
  c('ZREMRANGEBYSCORE z 2 2'),
  c('ZREMRANGEBYSCORE z 100 200'),
  c('ZADD lx 0 a 0 b 0 c'),
  c('ZREMRANGEBYLEX lx [a [a'),
  c('ZREMRANGEBYLEX lx - +'),
  c('ZPOPMIN z'),
  c('ZPOPMAX z 2'),
  c('ZPOPMIN nokey'),
  c('ZADD p 1 x'),
  c('ZMPOP 2 nokey p MIN'),
  c('ZADD p 1 x 2 y'),
  c('BZPOPMAX p 0'),
  c('BZMPOP 0 1 p MIN COUNT 5'),
  c('ZADD s1 1 a 2 b'),
  c('ZADD s2 3 b 4 c'),
  c('ZUNIONSTORE d 2 s1 s2'),
  c('ZINTERSTORE d 2 s1 s2'),
  c('ZDIFFSTORE d 2 s1 s2'),
  c('ZINTERSTORE d 2 s1 nokey'),
  c('ZINTERSTORE d 2 s1 nokey'),
  c('ZRANGESTORE r s1 0 0'),
  c('ZRANGESTORE r s1 5 6'),
  c('ZRANGESTORE r s1 5 6'),
  c('ZREM z nosuch'),
  c('ZREM s1 a b'),
  c('ZREM s2 b c nosuch'),
];

async function events(server: ServerProcess): Promise<string[]> {
  const admin = await server.connect();
  const sub = await server.connect();
  try {
    await admin.call('FLUSHALL');
    await admin.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
    for (const argv of STREAM) await admin.call(...argv);
    await admin.call('PUBLISH', '__keyevent@0__:zz-end', 'end');
    const seen: string[] = [];
    for (;;) {
      const m = (await next(sub)) as RespValue[];
      const channel = String(m[2]);
      if (channel.endsWith('zz-end')) break;
      seen.push(`${channel.slice('__keyevent@0__:'.length)} ${String(m[3])}`);
    }
    return seen;
  } finally {
    admin.close();
    sub.close();
  }
}

async function next(conn: RespConnection): Promise<RespValue> {
  return (await conn.next()).value;
}

test('sorted-set keyspace events match Redis', { skip }, async () => {
  const [k, r] = [await events(keyraft), await events(redis)];
  assert.deepEqual(k, r);
  // The stream does emit events of every kind the family has (guards against a silent subscriber).
  for (const name of ['zadd', 'zincr', 'zrem', 'zremrangebyrank', 'zremrangebyscore', 'zremrangebylex', 'zpopmin', 'zpopmax', 'zunionstore', 'zinterstore', 'zdiffstore', 'zrangestore', 'del']) {
    assert.ok(r.some((e) => e.startsWith(`${name} `)), `no ${name} event in ${JSON.stringify(r)}`);
  }
});
