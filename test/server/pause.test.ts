// CLIENT PAUSE / UNPAUSE: writes (or everything) wait while paused and run, in order, when the
// pause ends; errors as Redis words them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyraft, referenceRedisSkipReason, type ServerProcess } from '../helpers/servers.js';
import { DifferentialPair } from '../helpers/differential.js';

let server: ServerProcess;
before(async () => {
  server = await startKeyraft();
});
after(async () => {
  await server?.stop();
});

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await p;
  return [v, performance.now() - t0];
}

test('PAUSE WRITE holds writes but not reads; held writes run in order', async () => {
  const admin = await server.connect();
  const a = await server.connect();
  const b = await server.connect();
  try {
    await a.call('SET', 'n', '0');
    assert.equal(await admin.value('CLIENT', 'PAUSE', '400', 'WRITE'), 'OK');
    const [got, readMs] = await timed(a.value('GET', 'n'));
    assert.equal(got, '0');
    assert.ok(readMs < 200, `read took ${readMs} ms during a WRITE pause`);
    const first = timed(a.value('APPEND', 'n', 'a'));
    await new Promise((r) => setTimeout(r, 20));
    const second = timed(b.value('APPEND', 'n', 'b'));
    const [[r1, ms1], [r2]] = await Promise.all([first, second]);
    assert.ok(ms1 >= 300, `write answered after ${ms1} ms, before the pause ended`);
    assert.deepEqual([r1, r2], [2, 3]);
    assert.equal(await a.value('GET', 'n'), '0ab');
  } finally {
    admin.close();
    a.close();
    b.close();
  }
});

test('PAUSE ALL holds everything, UNPAUSE included, until the timeout', async () => {
  const admin = await server.connect();
  const other = await server.connect();
  try {
    await admin.call('CLIENT', 'PAUSE', '300', 'ALL');
    const [pong, ms] = await timed(other.value('PING'));
    assert.equal(pong, 'PONG');
    assert.ok(ms >= 200, `PING answered after ${ms} ms during an ALL pause`);
  } finally {
    admin.close();
    other.close();
  }
});

test('UNPAUSE releases held writes at once', async () => {
  const admin = await server.connect();
  const other = await server.connect();
  try {
    await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    const held = timed(other.value('SET', 'x', '1'));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await admin.value('CLIENT', 'UNPAUSE'), 'OK');
    const [ok, ms] = await held;
    assert.equal(ok, 'OK');
    assert.ok(ms < 2000, `held write took ${ms} ms after UNPAUSE`);
  } finally {
    admin.close();
    other.close();
  }
});

const skip = referenceRedisSkipReason();
test('CLIENT PAUSE errors match Redis', { skip }, async () => {
  const pair = await DifferentialPair.start();
  try {
    await pair.assertSame('client pause errors', [
      ['CLIENT', 'PAUSE', 'abc'],
      ['CLIENT', 'PAUSE', '-1'],
      ['CLIENT', 'PAUSE', '10', 'foo'],
      ['CLIENT', 'PAUSE', '10', 'write', 'x'],
      ['CLIENT', 'PAUSE'],
      ['CLIENT', 'UNPAUSE', 'x'],
      ['CLIENT', 'UNPAUSE'],
    ]);
  } finally {
    await pair.stop();
  }
});
