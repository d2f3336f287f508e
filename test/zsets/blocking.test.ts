// Blocking sorted-set pops (BZPOPMIN BZPOPMAX BZMPOP) with several real connections. Each
// scenario runs against keyraft and against real Redis 7.0 and the raw replies every client got
// must be the same, besides the scenario's own assertions: FIFO order of blocked clients,
// timeouts (RESP2 and RESP3 nulls), a client blocked on several keys, wake-ups by ZADD, ZINCRBY
// and the *STORE commands, a client that disconnects while blocked, BZMPOP COUNT with fewer
// members than asked, RESP3 doubles, and MULTI (no blocking: a nil at once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCommand } from '../helpers/resp.js';
import { sleep, arr, useScenarioServers } from '../helpers/scenario.js';

const both = useScenarioServers();

test('blocked BZPOPMIN clients are served first-come first-served', async () => {
  await both('fifo', async (s) => {
    const c = [await s.open(), await s.open(), await s.open()];
    for (let i = 0; i < 3; i++) {
      s.send(c[i]!, 'BZPOPMIN', 'k', '0');
      await s.blocked(i + 1);
    }
    await s.cmd('zadd', 'ZADD', 'k', '3', 'c', '1', 'a', '2', 'b');
    assert.equal(await s.reply('c0', c[0]!), arr('k', 'a', '1'));
    assert.equal(await s.reply('c1', c[1]!), arr('k', 'b', '2'));
    assert.equal(await s.reply('c2', c[2]!), arr('k', 'c', '3'));
    assert.equal(await s.cmd('exists', 'EXISTS', 'k'), ':0\r\n');
  });
});

test('fewer members than waiters: the rest keep waiting in order; BZMPOP COUNT takes what there is', async () => {
  await both('fewer', async (s) => {
    const c = [await s.open(), await s.open(), await s.open()];
    s.send(c[0]!, 'BZPOPMAX', 'k', '0');
    await s.blocked(1);
    s.send(c[1]!, 'BZPOPMIN', 'k', '0');
    await s.blocked(2);
    s.send(c[2]!, 'BZMPOP', '0', '1', 'k', 'MAX', 'COUNT', '5');
    await s.blocked(3);
    await s.cmd('zadd1', 'ZADD', 'k', '1.5', 'x');
    assert.equal(await s.reply('c0', c[0]!), arr('k', 'x', '1.5'));
    await s.blocked(2);
    s.quiet(c[1]!);
    s.quiet(c[2]!);
    await s.cmd('zadd3', 'ZADD', 'k', '1', 'y', '2', 'z', '3', 'w');
    assert.equal(await s.reply('c1', c[1]!), arr('k', 'y', '1'));
    assert.equal(await s.reply('c2', c[2]!), '*2\r\n$1\r\nk\r\n*2\r\n' + arr('w', '3') + arr('z', '2'));
    assert.equal(await s.cmd('exists', 'EXISTS', 'k'), ':0\r\n');
  });
});

test('timeouts reply a null array (RESP2) or null (RESP3) after about the timeout', async () => {
  await both('timeouts', async (s) => {
    const c = await s.open();
    for (const argv of [
      ['BZPOPMIN', 'k', '0.1'],
      ['BZPOPMAX', 'k', 'k2', '0.05'],
      ['BZMPOP', '0.05', '2', 'k', 'k2', 'MIN'],
    ]) {
      const t0 = Date.now();
      const r = (await c.call(...argv)).raw.latin1Slice();
      const elapsed = Date.now() - t0;
      s.transcript.push([argv[0]!, r]);
      assert.equal(r, '*-1\r\n', `${s.server.name} ${argv[0]}`);
      const want = Number(argv[argv[0] === 'BZMPOP' ? 1 : argv.length - 1]) * 1000;
      assert.ok(elapsed >= want - 5 && elapsed < want + 1000, `${argv[0]} took ${elapsed} ms`);
    }
    await c.call('HELLO', '3');
    assert.equal((await c.call('BZPOPMIN', 'k', '0.05')).raw.latin1Slice(), '_\r\n');
    assert.equal((await c.call('BZMPOP', '0.05', '1', 'k', 'MAX')).raw.latin1Slice(), '_\r\n');
  });
});

test('a client blocked on several keys is served by whichever gets members', async () => {
  await both('multikey', async (s) => {
    const c = [await s.open(), await s.open()];
    s.send(c[0]!, 'BZPOPMIN', 'a', 'b', 'c', '0');
    await s.blocked(1);
    s.send(c[1]!, 'BZPOPMAX', 'c', 'b', '0');
    await s.blocked(2);
    await s.cmd('zadd-c', 'ZADD', 'c', '1', 'one', '2', 'two');
    assert.equal(await s.reply('c0', c[0]!), arr('c', 'one', '1'));
    assert.equal(await s.reply('c1', c[1]!), arr('c', 'two', '2'));
    s.send(c[0]!, 'BZMPOP', '0', '3', 'a', 'b', 'c', 'MIN');
    await s.blocked(1);
    await s.cmd('zadd-b', 'ZADD', 'b', '-inf', 'x');
    assert.equal(await s.reply('c0-again', c[0]!), '*2\r\n$1\r\nb\r\n*1\r\n' + arr('x', '-inf'));
    await s.cmd('exists', 'EXISTS', 'a', 'b', 'c');
  });
});

test('ZINCRBY, ZUNIONSTORE and ZRANGESTORE into a key wake its waiters; a failed ZADD does not', async () => {
  await both('store-wake', async (s) => {
    const c = [await s.open(), await s.open(), await s.open()];
    s.send(c[0]!, 'BZPOPMIN', 'd1', '0');
    s.send(c[1]!, 'BZPOPMAX', 'd2', '0');
    s.send(c[2]!, 'BZPOPMIN', 'd3', '0');
    await s.blocked(3);
    await s.cmd('xx', 'ZADD', 'd1', 'XX', '1', 'a');
    await s.cmd('src', 'ZADD', 'src', '1', 'a', '2', 'b', '3', 'c');
    await sleep(20);
    s.quiet(c[0]!);
    await s.cmd('zincrby', 'ZINCRBY', 'd1', '0.5', 'm');
    assert.equal(await s.reply('c0', c[0]!), arr('d1', 'm', '0.5'));
    await s.cmd('zunionstore', 'ZUNIONSTORE', 'd2', '1', 'src', 'WEIGHTS', '10');
    assert.equal(await s.reply('c1', c[1]!), arr('d2', 'c', '30'));
    await s.cmd('zrangestore', 'ZRANGESTORE', 'd3', 'src', '1', '2');
    assert.equal(await s.reply('c2', c[2]!), arr('d3', 'b', '2'));
    await s.cmd('left', 'ZRANGE', 'd2', '0', '-1', 'WITHSCORES');
  });
});

test('a client that disconnects while blocked is forgotten; the next in line is served', async () => {
  await both('disconnect', async (s) => {
    const c = [await s.open(), await s.open()];
    s.send(c[0]!, 'BZPOPMIN', 'k', '0');
    await s.blocked(1);
    s.send(c[1]!, 'BZPOPMIN', 'k', '0');
    await s.blocked(2);
    c[0]!.close();
    await s.blocked(1);
    await s.cmd('zadd', 'ZADD', 'k', '1', 'a', '2', 'b');
    assert.equal(await s.reply('c1', c[1]!), arr('k', 'a', '1'));
    assert.equal(await s.cmd('left', 'ZRANGE', 'k', '0', '-1'), arr('b'));
  });
});

test('RESP3: a woken BZPOPMAX replies a double; a pipeline goes on after the blocked command', async () => {
  await both('resp3', async (s) => {
    const c = await s.open();
    await c.call('HELLO', '3');
    c.writeRaw(Buffer.concat([encodeCommand(['BZPOPMAX', 'k', '0']), encodeCommand(['ZCARD', 'k']), encodeCommand(['PING'])]));
    await s.blocked(1);
    await s.cmd('zadd', 'ZADD', 'k', '1.1', 'a', '2', 'b');
    assert.equal(await s.reply('pop', c), '*3\r\n$1\r\nk\r\n$1\r\nb\r\n,2\r\n');
    assert.equal(await s.reply('zcard', c), ':1\r\n');
    assert.equal(await s.reply('ping', c), '+PONG\r\n');
    assert.equal((await c.call('BZMPOP', '0', '1', 'k', 'MIN')).raw.latin1Slice(), '*2\r\n$1\r\nk\r\n*1\r\n*2\r\n$1\r\na\r\n,1.1000000000000001\r\n');
  });
});

test('inside MULTI the blocking pops do not block: nil at once, or the pop when there is one', async () => {
  await both('multi', async (s) => {
    const c = await s.open();
    await c.call('MULTI');
    await c.call('BZPOPMIN', 'k', '0');
    await c.call('BZMPOP', '0', '1', 'k', 'MIN');
    await c.call('ZADD', 'k', '5', 'v');
    await c.call('BZPOPMAX', 'k', '0');
    const r = (await c.call('EXEC')).raw.latin1Slice();
    s.transcript.push(['exec', r]);
    assert.equal(r, '*4\r\n*-1\r\n*-1\r\n:1\r\n' + arr('k', 'v', '5'));
  });
});

test('WRONGTYPE and bad timeouts are replied at once', async () => {
  await both('errors', async (s) => {
    const c = await s.open();
    await s.cmd('set', 'SET', 'str', 'x');
    for (const argv of [
      ['BZPOPMIN', 'none', 'str', '0'],
      ['BZPOPMIN', 'k', '-1'],
      ['BZPOPMIN', 'k', 'abc'],
      ['BZMPOP', '0', '2', 'none', 'str', 'MIN'],
      ['BZMPOP', '-1', '1', 'k', 'MIN'],
    ]) {
      const r = (await c.call(...argv)).raw.latin1Slice();
      s.transcript.push([argv.join(' '), r]);
      assert.ok(r.startsWith('-'), `${argv.join(' ')} → ${r}`);
    }
  });
});
