// Review regressions for long scripts (busy-reply-threshold): a run on the main thread that used
// its budget up is dropped and started again (on the worker, or inside EXEC on the main thread).
// That is only safe when the dropped run left no trace: a PUBLISH must not reach subscribers
// twice, and the run started again must begin in the database the script was called from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';
import { RespError, type RespConnection } from '../helpers/resp.js';

let server: ServerProcess;
before(async () => {
  server = await startKeyraft(['--save', '', '--busy-reply-threshold', '1']);
});
after(async () => {
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SPIN = 'local n = 0 for i = 1, 3e6 do n = n + 1 end';

/** The subscriber gets the message, and nothing else: PING's reply is the next thing it reads. */
async function assertDeliveredOnce(sub: RespConnection, channel: string, payload: string): Promise<void> {
  assert.deepEqual((await sub.next()).value, ['message', channel, payload]);
  await sleep(300);
  assert.deepEqual(await sub.value('PING'), ['pong', '']);
}

test('a long script that published before its budget ran out: subscribers get the message once', async () => {
  const sub = await server.connect();
  assert.deepEqual(await sub.value('SUBSCRIBE', 'review-ch'), ['subscribe', 'review-ch', 1]);
  const c = await server.connect();
  const r = await c.value('EVAL', `redis.call('publish', 'review-ch', 'hello') ${SPIN} return n`, '0');
  // Stopped like a script that wrote (it cannot be started again elsewhere), never run twice.
  assert.ok(r instanceof RespError, `expected an error, got ${JSON.stringify(r)}`);
  assert.match(r.message, /^ERR Script ran past busy-reply-threshold/);
  await assertDeliveredOnce(sub, 'review-ch', 'hello');
  sub.close();
  c.close();
});

test('a long script that published inside EXEC runs once', async () => {
  const sub = await server.connect();
  await sub.value('SUBSCRIBE', 'review-ch2');
  const c = await server.connect();
  await c.value('MULTI');
  await c.value('EVAL', `redis.call('publish', 'review-ch2', 'once') ${SPIN} return n`, '0');
  const r = (await c.value('EXEC')) as unknown[];
  assert.equal(r.length, 1);
  await assertDeliveredOnce(sub, 'review-ch2', 'once');
  sub.close();
  c.close();
});

test('a long read-only script inside EXEC that SELECTs: its run to the end starts in the caller\'s database', async () => {
  const c = await server.connect();
  await c.value('SELECT', '0');
  await c.value('SET', 'review-k', 'db0');
  await c.value('SELECT', '1');
  await c.value('SET', 'review-k', 'db1');
  await c.value('SELECT', '0');
  await c.value('MULTI');
  await c.value('EVAL', `local v = redis.call('get', KEYS[1]) redis.call('select', '1') ${SPIN} return v`, '1', 'review-k');
  await c.value('GET', 'review-k');
  assert.deepEqual(await c.value('EXEC'), ['db0', 'db0']);
  c.close();
});

const BUSY_SCRIPT = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';

/** Polls with PING until the server answers -BUSY (the script moved to the worker). */
async function waitBusy(c: Awaited<ReturnType<ServerProcess['connect']>>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await c.value('PING');
    if (r instanceof RespError) return;
    await sleep(20);
  }
  throw new Error('the server never reported BUSY');
}

test('EXEC rejected with BUSY aborts the transaction (EXECABORT) and the client leaves MULTI, as in Redis', async () => {
  const caller = await server.connect();
  const other = await server.connect();
  await other.value('DEL', 'review-mx');
  const pending = caller.value('EVAL', 'while true do end', '0');
  await waitBusy(other);
  assert.equal(await other.value('MULTI'), 'OK');
  const queued = await other.value('SET', 'review-mx', '1');
  assert.ok(queued instanceof RespError && queued.message === BUSY_SCRIPT);
  const exec = await other.value('EXEC');
  assert.ok(exec instanceof RespError, `expected an error, got ${JSON.stringify(exec)}`);
  assert.equal(exec.message, `EXECABORT Transaction discarded because of: ${BUSY_SCRIPT}`);
  assert.equal(await other.value('SCRIPT', 'KILL'), 'OK');
  assert.ok((await pending) instanceof RespError);
  // Out of MULTI: commands run (before the fix they were QUEUED into a dead transaction).
  assert.equal(await other.value('GET', 'review-mx'), null);
  assert.equal(await other.value('PING'), 'PONG');
  caller.close();
  other.close();
});

test('SHUTDOWN without NOSAVE while a script runs answers BUSY (Redis: saving would store half a script)', async () => {
  const caller = await server.connect();
  const other = await server.connect();
  const pending = caller.value('EVAL', 'while true do end', '0');
  await waitBusy(other);
  for (const argv of [['SHUTDOWN'], ['SHUTDOWN', 'SAVE'], ['shutdown', 'now']]) {
    const r = await other.value(...argv);
    assert.ok(r instanceof RespError, `${argv.join(' ')}: expected an error, got ${JSON.stringify(r)}`);
    assert.equal(r.message, BUSY_SCRIPT);
  }
  assert.equal(await other.value('SCRIPT', 'KILL'), 'OK');
  assert.ok((await pending) instanceof RespError);
  assert.equal(await other.value('PING'), 'PONG');
  caller.close();
  other.close();
});

test('while a script finishes on the worker, active expiry leaves its keys alone (the script sees one frozen dataset, as in Redis)', async () => {
  const c = await server.connect();
  await c.value('SET', 'review-ek', 'v', 'PX', '300');
  const r = await c.value(
    'EVAL',
    "local a = redis.call('exists', KEYS[1]) local n = 0 for i = 1, 1.5e8 do n = n + 1 end return {a, redis.call('exists', KEYS[1]), redis.call('get', KEYS[1])}",
    '1',
    'review-ek',
  );
  // Redis 7.0.15 answers [1, 1, 'v']: no active expiry runs during a script, and its clock stands still.
  assert.deepEqual(r, [1, 1, 'v']);
  await sleep(50);
  assert.equal(await c.value('EXISTS', 'review-ek'), 0);
  c.close();
});

test('no save-rule snapshot is taken while a script finishes on the worker (it would hold half of the script)', async () => {
  const first = await startKeyraft(['--save', '2 1', '--busy-reply-threshold', '1']);
  let second: ServerProcess | null = null;
  try {
    const c = await first.connect();
    const other = await first.connect();
    await c.value('SET', 'other', '1'); // the save rule (1 change, 2 s) comes due while the script runs
    const pending = c.value('EVAL', "local n = 0 for i = 1, 1e6 do n = n + 1 end redis.call('incr', 'half') while true do end", '0');
    pending.catch(() => {});
    await sleep(3500);
    other.writeRaw('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    await first.waitExit(10000);
    second = await startKeyraft(['--save', '', '--dir', first.dir]);
    const d = await second.connect();
    // The script never finished: none of its writes may survive (Redis saves nothing during a script).
    assert.equal(await d.value('GET', 'half'), null);
    d.close();
  } finally {
    await first.stop().catch(() => {});
    await second?.stop();
  }
});

test('no automatic AOF rewrite starts while a script finishes on the worker (its writes would replay twice)', async () => {
  const args = ['--save', '', '--appendonly', 'yes', '--auto-aof-rewrite-percentage', '100', '--auto-aof-rewrite-min-size', '1', '--busy-reply-threshold', '1'];
  const first = await startKeyraft(args);
  let second: ServerProcess | null = null;
  try {
    const c = await first.connect();
    assert.match(String(await c.value('BGREWRITEAOF')), /rewriting started/);
    await sleep(500);
    // The AOF grows past the threshold in the same read as the EVAL: the automatic rewrite comes
    // due while the script (INCR, then a long loop) runs on the worker.
    const [set, result] = await Promise.all([
      c.value('SET', 'pad', 'x'.repeat(5000)),
      c.value('EVAL', "local n = 0 for i = 1, 1e6 do n = n + 1 end redis.call('incr', 'cnt') for i = 1, 1e8 do n = n + 1 end return n", '0'),
    ]);
    assert.equal(set, 'OK');
    assert.equal(result, 1e8 + 1e6);
    assert.equal(await c.value('GET', 'cnt'), '1');
    await sleep(300);
    c.writeRaw('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    await first.waitExit(10000);
    second = await startKeyraft(['--save', '', '--appendonly', 'yes', '--dir', first.dir]);
    const d = await second.connect();
    assert.equal(await d.value('GET', 'cnt'), '1');
    d.close();
  } finally {
    await first.stop().catch(() => {});
    await second?.stop();
  }
});

test('SIGTERM while a script finishes on the worker does not save half of it (the server stays up, as Redis does)', async () => {
  const first = await startKeyraft(['--save', '3600 1', '--busy-reply-threshold', '1']);
  let second: ServerProcess | null = null;
  try {
    const c = await first.connect();
    const other = await first.connect();
    const pending = c.value('EVAL', "local n = 0 for i = 1, 1e6 do n = n + 1 end redis.call('incr', 'half') while true do end", '0');
    pending.catch(() => {});
    await waitBusy(other);
    await sleep(300);
    process.kill(first.pid, 'SIGTERM');
    await sleep(500);
    assert.equal((await other.value('PING')) instanceof RespError, true, 'still up, still busy');
    other.writeRaw('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    await first.waitExit(10000);
    second = await startKeyraft(['--save', '', '--dir', first.dir]);
    const d = await second.connect();
    assert.equal(await d.value('GET', 'half'), null);
    d.close();
  } finally {
    await first.stop().catch(() => {});
    await second?.stop();
  }
});
