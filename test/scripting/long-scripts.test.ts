// Scripts that run past busy-reply-threshold (set to 200 ms here): other clients get Redis's
// -BUSY while the script finishes on the worker thread, SCRIPT KILL / FUNCTION KILL stop one
// that has not written (and refuse with UNKILLABLE once it has), FUNCTION STATS shows the
// running function, the caller's pipelined commands wait for its reply, and a script that wrote
// before running long is stopped with an error while its writes stay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';
import { RespError, type RespConnection } from '../helpers/resp.js';

let server: ServerProcess;
before(async () => {
  server = await startKeyraft(['--save', '', '--busy-reply-threshold', '200']);
});
after(async () => {
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BUSY_SCRIPT = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';

function errorText(v: unknown): string {
  assert.ok(v instanceof RespError, `expected an error, got ${JSON.stringify(v)}`);
  return v.message;
}

/** Polls with PING until the server answers -BUSY (the script moved to the worker). */
async function waitBusy(c: RespConnection): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const r = await c.value('PING');
    if (r instanceof RespError) return r.message;
    await sleep(20);
  }
  throw new Error('the server never reported BUSY');
}

test('an endless read-only script: others get BUSY, SCRIPT KILL stops it, the caller gets the kill error', async () => {
  const caller = await server.connect();
  const other = await server.connect();
  const pending = caller.value('EVAL', 'while true do end', '0');
  // The caller's next command waits behind the script.
  const after = caller.value('ECHO', 'after the script');
  assert.equal(await waitBusy(other), BUSY_SCRIPT);
  assert.equal(errorText(await other.value('GET', 'x')), BUSY_SCRIPT);
  assert.equal(errorText(await other.value('FUNCTION', 'KILL')), BUSY_SCRIPT);
  const stats = (await other.value('FUNCTION', 'STATS')) as unknown[];
  assert.equal(stats[1], null, 'FUNCTION STATS shows functions only');
  assert.equal(await other.value('SCRIPT', 'KILL'), 'OK');
  assert.match(errorText(await pending), /^ERR Script killed by user with SCRIPT KILL/);
  assert.equal(await after, 'after the script');
  assert.equal(await other.value('PING'), 'PONG');
  assert.equal(errorText(await other.value('SCRIPT', 'KILL')), 'NOTBUSY No scripts in execution right now.');
  caller.close();
  other.close();
});

test('a long function: FUNCTION STATS shows it, SCRIPT KILL refuses, FUNCTION KILL stops it', async () => {
  const caller = await server.connect();
  const other = await server.connect();
  await other.value('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=spinner\nredis.register_function('spin', function(keys, args) while true do end end)");
  const pending = caller.value('FCALL', 'spin', '1', 'somekey');
  assert.equal(await waitBusy(other), BUSY_FUNCTION);
  const stats = (await other.value('FUNCTION', 'STATS')) as unknown[];
  const running = stats[1] as unknown[];
  assert.equal(running[1], 'spin');
  assert.deepEqual(running[3], ['FCALL', 'spin', '1', 'somekey']);
  assert.ok(typeof running[5] === 'number' && running[5] >= 0);
  assert.equal(errorText(await other.value('SCRIPT', 'KILL')), BUSY_FUNCTION);
  assert.equal(await other.value('FUNCTION', 'KILL'), 'OK');
  // Redis 7.0 says SCRIPT KILL for FUNCTION KILL too.
  assert.match(errorText(await pending), /^ERR Script killed by user with SCRIPT KILL\.\.\. script: spin, on @user_function:2\.$/);
  assert.equal(await other.value('PING'), 'PONG');
  caller.close();
  other.close();
});

test('a script that wrote and then runs past the threshold is stopped; its write stays', async () => {
  const c = await server.connect();
  await c.value('CONFIG', 'SET', 'busy-reply-threshold', '200');
  await c.value('DEL', 'early');
  const r = await c.value('EVAL', "redis.call('set', KEYS[1], 'v') while true do end", '1', 'early');
  assert.match(errorText(r), /^ERR Script ran past busy-reply-threshold \(200 ms\) after writing/);
  assert.equal(await c.value('GET', 'early'), 'v');
  c.close();
});

test('inside MULTI a long read-only script runs to its end on the main thread', async () => {
  const c = await server.connect();
  await c.value('MULTI');
  await c.value('EVAL', 'local n = 0 for i = 1, 3e7 do n = n + 1 end return n', '0');
  assert.deepEqual(await c.value('EXEC'), [3e7]);
  c.close();
});

test('a long script that writes on the worker completes, its writes are one entry', async () => {
  const caller = await server.connect();
  const other = await server.connect();
  await other.value('DEL', 'lk', 'seen');
  // A 1 ms budget: the read-only first loop outgrows it and the script moves to the worker.
  await other.value('CONFIG', 'SET', 'busy-reply-threshold', '1');
  const script = "local n = 0 for i = 1, 1e6 do n = n + 1 end redis.call('set', KEYS[1], n) redis.call('incr', KEYS[2]) for i = 1, 1e6 do n = n + 1 end return n";
  assert.equal(await caller.value('EVAL', script, '2', 'lk', 'seen'), 2e6);
  assert.equal(await other.value('GET', 'lk'), '1000000');
  assert.equal(await other.value('GET', 'seen'), '1');
  await other.value('CONFIG', 'SET', 'busy-reply-threshold', '200');
  caller.close();
  other.close();
});

test('once a script on the worker has written, SCRIPT KILL answers UNKILLABLE and SHUTDOWN NOSAVE still works', async () => {
  const caller = await server.connect();
  const other = await server.connect();
  await other.value('CONFIG', 'SET', 'busy-reply-threshold', '1');
  const pending = caller.value('EVAL', "local n = 0 for i = 1, 1e6 do n = n + 1 end redis.call('set', KEYS[1], n) while true do end", '1', 'forever');
  pending.catch(() => {});
  await waitBusy(other);
  // The worker starts, runs the short loop and writes; then the script spins forever.
  await sleep(1000);
  assert.match(errorText(await other.value('SCRIPT', 'KILL')), /^UNKILLABLE Sorry the script already executed write commands/);
  assert.equal(errorText(await other.value('GET', 'forever')), BUSY_SCRIPT);
  other.writeRaw('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
  assert.equal(await server.waitExit(10000), 0);
});
