// Review of the long-script worker path with keyraft's own Lua build: a script that outran its
// main-thread budget finishes on the worker thread, with its own interpreter, and must see
// the same things there as it would on the main thread (and as in Redis).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';
import { RespError } from '../helpers/resp.js';
import { createHash } from 'node:crypto';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `c` is answered BUSY (the script runs on the worker). */
async function waitBusy(c: Awaited<ReturnType<ServerProcess['connect']>>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await c.value('PING') instanceof RespError) return;
    await sleep(20);
  }
  throw new Error('the server never reported BUSY');
}

test('SCRIPT KILL: the killed script fails with Redis 7.0\'s text and where it was stopped', async () => {
  const caller = await server.connect();
  const other = await server.connect();
  const script = 'local n = 0\nwhile true do n = n + 1 end';
  const pending = caller.value('EVAL', script, '0');
  await waitBusy(other);
  assert.equal(await other.value('SCRIPT', 'KILL'), 'OK');
  const r = await pending;
  assert.ok(r instanceof RespError);
  assert.equal(r.message, `ERR Script killed by user with SCRIPT KILL... script: ${createHash('sha1').update(script).digest('hex')}, on @user_script:2.`);
  assert.equal(await caller.value('PING'), 'PONG');
  caller.close();
  other.close();
});

test('FUNCTION KILL: the killed function fails with Redis 7.0\'s text (it says SCRIPT KILL) and where it was stopped', async () => {
  const caller = await server.connect();
  const other = await server.connect();
  await other.value('FUNCTION', 'LOAD', 'REPLACE', '#!lua name=rwspin\nredis.register_function("rwspin", function() local n = 0\nwhile true do n = n + 1 end end)');
  const pending = caller.value('FCALL', 'rwspin', '0');
  await waitBusy(other);
  assert.equal(await other.value('FUNCTION', 'KILL'), 'OK');
  const r = await pending;
  assert.ok(r instanceof RespError);
  assert.equal(r.message, 'ERR Script killed by user with SCRIPT KILL... script: rwspin, on @user_function:3.');
  // The worker lives on: the next long script finishes there.
  assert.equal(await caller.value('EVAL', `${SPIN} return n`, '0'), 3e6);
  caller.close();
  other.close();
});
