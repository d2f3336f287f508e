// MONITOR lines and SLOWLOG entries compared with real Redis (times, ids and ports normalized).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyraft, startRedis, referenceRedisSkipReason, type ServerProcess } from '../helpers/servers.js';
import type { RespValue } from '../helpers/resp.js';

const skip = referenceRedisSkipReason();
let keyraft: ServerProcess;
let redis: ServerProcess;

before(async () => {
  if (skip) return;
  [keyraft, redis] = await Promise.all([startKeyraft(), startRedis()]);
});
after(async () => {
  await Promise.all([keyraft?.stop(), redis?.stop()]);
});

const WORKLOAD: string[][] = [
  ['SET', 'a b', 'x\ny"\\\x01\xff'],
  ['SELECT', '3'],
  ['GET', 'k'],
  ['SELECT', '0'],
  ['AUTH', 'nosuchpassword'],
  ['CONFIG', 'GET', 'maxmemory'],
  ['MULTI'],
  ['SET', 'a', '1'],
  ['INCR', 'a'],
  ['EXEC'],
  ['NOSUCHCOMMAND', 'x'],
  ['PING'],
  // Scripts feed MONITOR themselves, before the commands they run ([db lua]); even when they fail.
  ['EVAL', "redis.call('incr', 'a') return redis.call('get', KEYS[1])", '1', 'a'],
  ['EVAL_RO', "return redis.call('get', 'a')", '0'],
  ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'],
  ['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=mon\nredis.register_function('monf', function(keys) return redis.call('incr', keys[1]) end)"],
  ['FCALL', 'monf', '1', 'a'],
  ['FCALL_RO', 'monf', '1', 'a'],
];

async function monitorLines(server: ServerProcess): Promise<string[]> {
  const mon = await server.connect();
  const other = await server.connect();
  try {
    assert.equal(await mon.value('MONITOR'), 'OK');
    for (const argv of WORKLOAD) await other.call(...argv);
    await other.call('ECHO', 'end');
    const lines: string[] = [];
    for (;;) {
      const line = String((await mon.next()).value);
      lines.push(line.replace(/^\d+\.\d{6} \[(\d+) ([^\]]+)\]/, (_, db: string, source: string) => `T [${db} ${source === 'lua' ? 'lua' : 'ADDR'}]`));
      if (line.endsWith('"ECHO" "end"')) break;
    }
    return lines;
  } finally {
    mon.close();
    other.close();
  }
}

test('MONITOR shows what Redis shows, in the same format', { skip }, async () => {
  const k = await monitorLines(keyraft);
  const r = await monitorLines(redis);
  assert.ok(r.length > 5);
  assert.deepEqual(k, r);
});

async function slowlog(server: ServerProcess): Promise<RespValue> {
  const c = await server.connect();
  try {
    await c.call('SLOWLOG', 'RESET');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await c.call('CONFIG', 'SET', 'slowlog-max-len', '5');
    await c.call('CLIENT', 'SETNAME', 'slowpoke');
    await c.call('SET', 'k', 'v'.repeat(300));
    await c.call('DEL', ...Array.from({ length: 40 }, (_, i) => `key${i}`));
    await c.call('AUTH', 'secret');
    await c.call('PING');
    // A command a script runs is logged as Redis's Lua client's: address ?:0, no name.
    await c.call('EVAL', "return redis.call('incr', 'n')", '0');
    const entries = (await c.value('SLOWLOG', 'GET', '-1')) as RespValue[][];
    const len = await c.value('SLOWLOG', 'LEN');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
    await c.call('SLOWLOG', 'RESET');
    const after = await c.value('SLOWLOG', 'LEN');
    // Normalize id, timestamp, duration and the client's port.
    return [len, after, entries.map((e) => [e[3], String(e[4]).replace(/:\d+$/, ':PORT'), e[5]])];
  } finally {
    c.close();
  }
}

test('SLOWLOG entries, truncation, LEN and RESET match Redis', { skip }, async () => {
  assert.deepEqual(await slowlog(keyraft), await slowlog(redis));
});
