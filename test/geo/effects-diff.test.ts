// Side effects of the HyperLogLog and geo commands against real Redis 7.0: the keyspace events a
// subscriber receives (pfadd for PFADD and PFMERGE, zadd for GEOADD, geosearchstore /
// georadiusstore, del for emptied destinations, none for PFCOUNT's cache write) and the change
// counter (rdb_changes_since_last_save: PFADD counts changed registers, PFCOUNT's cache write
// counts one, *STORE counts the stored members), compared step by step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCommand, type RespConnection } from '../helpers/resp.js';
import { referenceRedisSkipReason, startKeyraft, startRedis, type ServerProcess } from '../helpers/servers.js';

const skip = referenceRedisSkipReason();
let keyraft: ServerProcess;
let redis: ServerProcess | undefined;

before(async () => {
  keyraft = await startKeyraft();
  if (!skip) redis = await startRedis();
});
after(async () => {
  await keyraft?.stop();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const STEPS: string[][] = [
  ['PFADD', 'h', 'a', 'b', 'c'],
  ['PFADD', 'h', 'a'],
  ['PFADD', 'h2'],
  ['PFCOUNT', 'h'],
  ['PFCOUNT', 'h'],
  ['PFCOUNT', 'h', 'h2'],
  ['PFMERGE', 'm', 'h', 'h2'],
  ['PFDEBUG', 'TODENSE', 'h'],
  ['PFDEBUG', 'TODENSE', 'h'],
  ['GEOADD', 'g', '1', '2', 'a', '3', '4', 'b', '5', '6', 'c'],
  ['GEOADD', 'g', '1', '2', 'a'],
  ['GEOADD', 'g', 'CH', '1.5', '2', 'a'],
  ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '1', '2', 'BYRADIUS', '1000', 'km'],
  ['GEORADIUS', 'g', '1', '2', '1000', 'km', 'STORE', 'e'],
  ['GEORADIUSBYMEMBER', 'g', 'a', '1000', 'km', 'STOREDIST', 'e'],
  ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '100', '2', 'BYRADIUS', '1', 'km'],
  ['GEOSEARCHSTORE', 'x', 'nokey', 'FROMLONLAT', '100', '2', 'BYRADIUS', '1', 'km'],
  ['SET', 'x', '1'],
  ['GEOSEARCHSTORE', 'x', 'nokey', 'FROMLONLAT', '100', '2', 'BYRADIUS', '1', 'km'],
  ['GEOSEARCH', 'g', 'FROMLONLAT', '1', '2', 'BYRADIUS', '1000', 'km'],
];

async function run(server: ServerProcess): Promise<{ changes: number[]; events: string[] }> {
  const c = await server.connect();
  const sub: RespConnection = await server.connect();
  try {
    await c.call('FLUSHALL');
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
    const changes: number[] = [];
    const counter = async () => Number(/rdb_changes_since_last_save:(\d+)/.exec((await c.value('INFO', 'persistence')) as string)![1]);
    let last = await counter();
    for (const step of STEPS) {
      c.writeRaw(encodeCommand(step));
      await c.next();
      const now = await counter();
      changes.push(now - last);
      last = now;
    }
    await sleep(100);
    const events = sub.unsolicited.map((r) => r.raw.latin1Slice());
    // Replies to PSUBSCRIBE itself may sit in unsolicited too; both servers are treated alike.
    return { changes, events };
  } finally {
    c.close();
    sub.close();
  }
}

test('keyspace events and change counts match Redis', { skip }, async () => {
  const k = await run(keyraft);
  const r = await run(redis!);
  assert.deepEqual(
    k.changes.map((n, i) => `${STEPS[i]!.join(' ')}: ${n}`),
    r.changes.map((n, i) => `${STEPS[i]!.join(' ')}: ${n}`),
  );
  assert.ok(r.events.length > 5, 'the subscriber saw events');
  assert.deepEqual(k.events, r.events);
});
