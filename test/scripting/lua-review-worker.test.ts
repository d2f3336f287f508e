// Review of the long-script worker path with keyraft's own Lua build: a script that outran its
// main-thread budget finishes on the worker thread, with its own interpreter, and must see
// the same things there as it would on the main thread (and as in Redis).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';

let server: ServerProcess;
before(async () => {
  server = await startKeyraft(['--save', '', '--busy-reply-threshold', '1']);
});
after(async () => {
  await server?.stop();
});

/** Enough Lua work to use up a 1 ms budget, so the script finishes on the worker. */
const SPIN = 'local n = 0 for i = 1, 3e6 do n = n + 1 end';

test('redis.setresp(3) in a script finishing on the worker: redis.call replies come in RESP3 shapes', async () => {
  const c = await server.connect();
  await c.value('DEL', 'rw-h');
  await c.value('HSET', 'rw-h', 'f', 'v');
  await c.value('ZADD', 'rw-z', '1.5', 'm');
  const script = `${SPIN} redis.setresp(3) local h = redis.call('hgetall', KEYS[1]) local s = redis.call('zscore', KEYS[2], 'm')
    local miss = redis.call('get', 'rw-missing')
    return {type(h.map), h.map and h.map.f or 'none', type(s), s.double and tostring(s.double) or 'none', type(miss)}`;
  const on = await c.value('EVAL', script, '2', 'rw-h', 'rw-z');
  // The same script with a budget it cannot use up runs on the main thread: the reference.
  await c.value('CONFIG', 'SET', 'busy-reply-threshold', '60000');
  try {
    const main = await c.value('EVAL', script, '2', 'rw-h', 'rw-z');
    assert.deepEqual(main, ['table', 'v', 'table', '1.5', 'nil']);
    assert.deepEqual(on, main);
  } finally {
    await c.value('CONFIG', 'SET', 'busy-reply-threshold', '1');
  }
  c.close();
});

test('a script back on RESP2 after a worker run with RESP3 gets RESP2 replies', async () => {
  const c = await server.connect();
  await c.value('HSET', 'rw-h2', 'f', 'v');
  await c.value('EVAL', `${SPIN} redis.setresp(3) return redis.call('hgetall', KEYS[1])`, '1', 'rw-h2');
  // On the worker (long) and on the main thread: RESP2's flat array, false for a nil.
  assert.deepEqual(await c.value('EVAL', `${SPIN} local h = redis.call('hgetall', KEYS[1]) return {#h, type(redis.call('get', 'rw-missing'))}`, '1', 'rw-h2'), [2, 'boolean']);
  assert.deepEqual(await c.value('EVAL', `local h = redis.call('hgetall', KEYS[1]) return {#h, type(redis.call('get', 'rw-missing'))}`, '1', 'rw-h2'), [2, 'boolean']);
  c.close();
});
