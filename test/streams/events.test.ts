// Keyspace events of the stream commands compared with Redis 7.0: with notify-keyspace-events
// KEA, a subscriber collects every __keyevent@0__ message a sequence of stream commands produces
// (xadd, xtrim, xdel, xsetid, xgroup-create / -setid / -destroy / -createconsumer /
// -delconsumer, and their absence on failures); both servers must send the same list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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

const SCRIPT: string[][] = [
  ['XADD', 's', '1-1', 'f', 'v'],
  ['XADD', 's', '1-1', 'f', 'v'],
  ['XADD', 's', 'MAXLEN', '1', '2-1', 'f', 'v'],
  ['XADD', 's', 'MAXLEN', '5', '3-1', 'f', 'v'],
  ['XADD', 'n', 'NOMKSTREAM', '1-1', 'f', 'v'],
  ['XTRIM', 's', 'MAXLEN', '1'],
  ['XTRIM', 's', 'MAXLEN', '1'],
  ['XDEL', 's', '3-1'],
  ['XDEL', 's', '3-1'],
  ['XSETID', 's', '9-9'],
  ['XGROUP', 'CREATE', 's', 'g', '0'],
  ['XGROUP', 'CREATE', 's', 'g', '0'],
  ['XGROUP', 'CREATE', 'm', 'g', '$', 'MKSTREAM'],
  ['XGROUP', 'SETID', 's', 'g', '0'],
  ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'],
  ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'],
  ['XADD', 's', '10-1', 'f', 'v'],
  ['XREADGROUP', 'GROUP', 'g', 'd', 'STREAMS', 's', '>'],
  ['XCLAIM', 's', 'g', 'e', '0', '10-1'],
  ['XAUTOCLAIM', 's', 'g', 'f', '0', '0'],
  ['XACK', 's', 'g', '10-1'],
  ['XGROUP', 'DELCONSUMER', 's', 'g', 'c'],
  ['XGROUP', 'DELCONSUMER', 's', 'g', 'nobody'],
  ['XGROUP', 'DESTROY', 's', 'g'],
  ['XGROUP', 'DESTROY', 's', 'g'],
  ['DEL', 's'],
];

async function eventsOf(server: ServerProcess): Promise<string[]> {
  const admin = await server.connect();
  const sub = await server.connect();
  try {
    await admin.call('FLUSHALL');
    await admin.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
    await sub.call('SUBSCRIBE', 'marker');
    for (const argv of SCRIPT) await admin.call(...argv);
    await admin.call('PUBLISH', 'marker', 'end');
    const out: string[] = [];
    for (;;) {
      const v = (await sub.next(3000)).value as string[];
      if (v[0] === 'message') break;
      out.push(`${v[2]} ${v[3]}`);
    }
    await admin.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    return out;
  } finally {
    admin.close();
    sub.close();
  }
}

test('stream commands send the same keyspace events as Redis 7.0', { skip }, async () => {
  const [k, r] = [await eventsOf(keyraft), await eventsOf(redis)];
  assert.ok(r.length > 10);
  assert.deepEqual(k, r);
});
