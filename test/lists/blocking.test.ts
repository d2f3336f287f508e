// Blocking list commands with several real connections. Each scenario runs against keyraft and
// against real Redis 7.0 and the raw replies every client got are compared (they must be the
// same), besides the scenario's own assertions: FIFO order of blocked clients, timeouts, a client
// blocked on several keys, wake-ups by LPUSH/RPUSH/LMOVE, fewer elements than waiters, a blocked
// client that disconnects, BLMOVE chains, a 0 timeout that waits until served, RESP3 replies,
// a pipeline that goes on after the blocked command, and keys that change type while clients wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCommand } from '../helpers/resp.js';
import { sleep, arr, bulk, useScenarioServers } from '../helpers/scenario.js';

const both = useScenarioServers();

test('blocked clients are served first-come first-served', async () => {
  await both('fifo', async (s) => {
    const c = [await s.open(), await s.open(), await s.open()];
    for (let i = 0; i < 3; i++) {
      s.send(c[i]!, 'BLPOP', 'k', '0');
      await s.blocked(i + 1);
    }
    await s.cmd('rpush', 'RPUSH', 'k', 'a', 'b', 'c');
    assert.equal(await s.reply('c0', c[0]!), arr('k', 'a'));
    assert.equal(await s.reply('c1', c[1]!), arr('k', 'b'));
    assert.equal(await s.reply('c2', c[2]!), arr('k', 'c'));
    assert.equal(await s.cmd('exists', 'EXISTS', 'k'), ':0\r\n');
  });
});

test('fewer pushed elements than waiters: the rest keep waiting in order', async () => {
  await both('fewer', async (s) => {
    const c = [await s.open(), await s.open(), await s.open()];
    s.send(c[0]!, 'BRPOP', 'k', '0');
    await s.blocked(1);
    s.send(c[1]!, 'BLPOP', 'k', '0');
    await s.blocked(2);
    s.send(c[2]!, 'BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '5');
    await s.blocked(3);
    await s.cmd('lpush', 'LPUSH', 'k', 'x');
    assert.equal(await s.reply('c0', c[0]!), arr('k', 'x'));
    await s.blocked(2);
    s.quiet(c[1]!);
    s.quiet(c[2]!);
    await s.cmd('rpush', 'RPUSH', 'k', 'y', 'z', 'w');
    assert.equal(await s.reply('c1', c[1]!), arr('k', 'y'));
    assert.equal(await s.reply('c2', c[2]!), '*2\r\n$1\r\nk\r\n' + arr('z', 'w'));
  });
});

test('timeouts reply null: null array, RESP3 null, BLMOVE/BRPOPLPUSH too', async () => {
  await both('timeouts', async (s) => {
    const c = await s.open();
    for (const argv of [
      ['BLPOP', 'k', '0.1'],
      ['BRPOP', 'k', 'k2', '0.05'],
      ['BLMPOP', '0.05', '2', 'k', 'k2', 'RIGHT'],
      ['BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0.05'],
      ['BRPOPLPUSH', 'k', 'd', '0.05'],
    ]) {
      const t0 = Date.now();
      const r = (await c.call(...argv)).raw.latin1Slice();
      const elapsed = Date.now() - t0;
      s.transcript.push([argv[0]!, r]);
      assert.equal(r, '*-1\r\n', `${s.server.name} ${argv[0]}`);
      const want = Number(argv[argv[0] === 'BLMPOP' ? 1 : argv.length - 1]) * 1000;
      assert.ok(elapsed >= want - 5 && elapsed < want + 1000, `${argv[0]} took ${elapsed} ms`);
    }
    await c.call('HELLO', '3');
    assert.equal((await c.call('BLPOP', 'k', '0.05')).raw.latin1Slice(), '_\r\n');
    assert.equal((await c.call('BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0.05')).raw.latin1Slice(), '_\r\n');
    assert.equal(await s.cmd('exists', 'EXISTS', 'd'), ':0\r\n');
  });
});

test('a client blocked on several keys is served by whichever gets data', async () => {
  await both('multikey', async (s) => {
    const c = [await s.open(), await s.open()];
    s.send(c[0]!, 'BLPOP', 'a', 'b', 'c', '0');
    await s.blocked(1);
    s.send(c[1]!, 'BRPOP', 'c', 'b', '0');
    await s.blocked(2);
    await s.cmd('push-c', 'RPUSH', 'c', '1', '2');
    assert.equal(await s.reply('c0', c[0]!), arr('c', '1'));
    assert.equal(await s.reply('c1', c[1]!), arr('c', '2'));
    s.send(c[0]!, 'BLPOP', 'a', 'b', 'c', '0');
    await s.blocked(1);
    await s.cmd('push-b', 'LPUSH', 'b', 'x');
    assert.equal(await s.reply('c0-again', c[0]!), arr('b', 'x'));
    await s.cmd('exists', 'EXISTS', 'a', 'b', 'c');
  });
});

test('LMOVE and RPOPLPUSH into a key wake its waiters', async () => {
  await both('lmove-wake', async (s) => {
    const c = [await s.open(), await s.open()];
    s.send(c[0]!, 'BLPOP', 'd', '0');
    s.send(c[1]!, 'BRPOP', 'e', '0');
    await s.blocked(2);
    await s.cmd('src', 'RPUSH', 'src', 'v', 'w');
    await s.cmd('lmove', 'LMOVE', 'src', 'd', 'LEFT', 'RIGHT');
    assert.equal(await s.reply('c0', c[0]!), arr('d', 'v'));
    await s.cmd('rpoplpush', 'RPOPLPUSH', 'src', 'e');
    assert.equal(await s.reply('c1', c[1]!), arr('e', 'w'));
    await s.cmd('exists', 'EXISTS', 'src', 'd', 'e');
  });
});

test('a blocked client that disconnects is forgotten and loses nothing', async () => {
  await both('disconnect', async (s) => {
    const gone = await s.open();
    s.send(gone, 'BLPOP', 'k', '0');
    await s.blocked(1);
    gone.close();
    await s.blocked(0);
    await s.cmd('push1', 'RPUSH', 'k', 'a');
    assert.equal(await s.cmd('llen', 'LLEN', 'k'), ':1\r\n');
    const gone2 = await s.open();
    const stays = await s.open();
    s.send(gone2, 'BLPOP', 'q', '0');
    await s.blocked(1);
    s.send(stays, 'BLPOP', 'q', '0');
    await s.blocked(2);
    gone2.close();
    await s.blocked(1);
    await s.cmd('push2', 'RPUSH', 'q', 'b');
    assert.equal(await s.reply('stays', stays), arr('q', 'b'));
  });
});

test('BLMOVE chains: a served BLMOVE makes its destination ready for the next client', async () => {
  await both('chain', async (s) => {
    const c = [await s.open(), await s.open(), await s.open()];
    s.send(c[0]!, 'BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0');
    await s.blocked(1);
    s.send(c[1]!, 'BRPOPLPUSH', 'b', 'c', '0');
    await s.blocked(2);
    s.send(c[2]!, 'BLPOP', 'c', '0');
    await s.blocked(3);
    await s.cmd('push', 'RPUSH', 'a', 'x');
    assert.equal(await s.reply('c0', c[0]!), bulk('x'));
    assert.equal(await s.reply('c1', c[1]!), bulk('x'));
    assert.equal(await s.reply('c2', c[2]!), arr('c', 'x'));
    assert.equal(await s.cmd('exists', 'EXISTS', 'a', 'b', 'c'), ':0\r\n');
  });
});

test('a 0 timeout waits until served, and the pipeline after it goes on in order', async () => {
  await both('forever', async (s) => {
    const c = await s.open();
    c.writeRaw(Buffer.concat([encodeCommand(['BLPOP', 'k', '0']), encodeCommand(['PING']), encodeCommand(['LLEN', 'k'])]));
    await s.blocked(1);
    await sleep(300);
    s.quiet(c);
    await s.cmd('push', 'RPUSH', 'k', 'a', 'b');
    assert.equal(await s.reply('blpop', c), arr('k', 'a'));
    assert.equal(await s.reply('ping', c), '+PONG\r\n');
    assert.equal(await s.reply('llen', c), ':1\r\n');
  });
});

test('keys that change type while clients wait (Redis 7.0 keeps them blocked)', async () => {
  await both('types', async (s) => {
    const c = [await s.open(), await s.open()];
    s.send(c[0]!, 'BLPOP', 'k', 'other', '0');
    await s.blocked(1);
    await s.cmd('set', 'SET', 'k', 'str');
    await sleep(50);
    await s.blocked(1);
    s.quiet(c[0]!);
    await s.cmd('del', 'DEL', 'k');
    await s.cmd('push', 'RPUSH', 'k', 'v');
    assert.equal(await s.reply('c0', c[0]!), arr('k', 'v'));
    // A BLMOVE whose destination became a string when its source gets data: WRONGTYPE, source kept.
    s.send(c[1]!, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
    await s.blocked(1);
    await s.cmd('set-dst', 'SET', 'dst', 'str');
    await s.cmd('push-src', 'RPUSH', 'src', 'x');
    await s.reply('c1', c[1]!);
    await s.cmd('lrange', 'LRANGE', 'src', '0', '-1');
  });
});

test('RESP3 clients are served in RESP3', async () => {
  await both('resp3', async (s) => {
    const c = await s.open();
    await c.call('HELLO', '3');
    s.send(c, 'BLMPOP', '0', '1', 'k', 'RIGHT', 'COUNT', '2');
    await s.blocked(1);
    await s.cmd('push', 'RPUSH', 'k', '1', '2', '3');
    assert.equal(await s.reply('c', c), '*2\r\n$1\r\nk\r\n' + arr('3', '2'));
  });
});

test('CLIENT UNBLOCK answers a blocked list command as a timeout, or with UNBLOCKED', async () => {
  await both('unblock', async (s) => {
    const c = [await s.open(), await s.open()];
    const ids: string[] = [];
    for (const conn of c) ids.push(String((await conn.value('CLIENT', 'ID')) as number));
    s.send(c[0]!, 'BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0');
    s.send(c[1]!, 'BLMPOP', '0', '1', 'a', 'LEFT');
    await s.blocked(2);
    assert.equal((await s.admin.call('CLIENT', 'UNBLOCK', ids[0]!)).raw.latin1Slice(), ':1\r\n');
    assert.equal(await s.reply('c0', c[0]!), '*-1\r\n');
    assert.equal((await s.admin.call('CLIENT', 'UNBLOCK', ids[1]!, 'ERROR')).raw.latin1Slice(), ':1\r\n');
    assert.equal(await s.reply('c1', c[1]!), '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    await s.cmd('push', 'RPUSH', 'a', 'x');
    assert.equal(await s.cmd('llen', 'LLEN', 'a'), ':1\r\n');
  });
});

test('a client that timed out is not served later; the next waiter is', async () => {
  await both('timed-out', async (s) => {
    const c = [await s.open(), await s.open()];
    s.send(c[0]!, 'BLPOP', 'k', '0.05');
    await s.blocked(1);
    s.send(c[1]!, 'BLPOP', 'k', '0');
    await s.blocked(2);
    assert.equal(await s.reply('c0', c[0]!), '*-1\r\n');
    await s.cmd('push', 'RPUSH', 'k', 'v');
    assert.equal(await s.reply('c1', c[1]!), arr('k', 'v'));
    s.quiet(c[0]!);
  });
});

test('a timeout beyond setTimeout\'s 2^31 ms range still waits', async () => {
  await both('long-timeout', async (s) => {
    const c = await s.open();
    s.send(c, 'BLPOP', 'k', '3000000');
    await s.blocked(1);
    await sleep(100);
    s.quiet(c);
    await s.cmd('push', 'RPUSH', 'k', 'v');
    assert.equal(await s.reply('c', c), arr('k', 'v'));
  });
});

test('RENAME and COPY onto a key serve its waiters', async () => {
  await both('rename-copy', async (s) => {
    const c = [await s.open(), await s.open()];
    s.send(c[0]!, 'BLPOP', 'dst', '0');
    s.send(c[1]!, 'BRPOP', 'dst2', '0');
    await s.blocked(2);
    await s.cmd('src', 'RPUSH', 'src', 'a', 'b');
    await s.cmd('copy', 'COPY', 'src', 'dst2');
    assert.equal(await s.reply('c1', c[1]!), arr('dst2', 'b'));
    await s.cmd('rename', 'RENAME', 'src', 'dst');
    assert.equal(await s.reply('c0', c[0]!), arr('dst', 'a'));
    await s.cmd('lrange', 'LRANGE', 'dst', '0', '-1');
    await s.cmd('lrange2', 'LRANGE', 'dst2', '0', '-1');
  });
});
