// Blocking XREAD / XREADGROUP with several real connections. Each scenario runs against keyraft
// and against real Redis 7.0 and the raw replies every client got are compared, besides the
// scenario's own assertions: a reader woken by XADD from another client, `$` meaning "the last ID
// when the client blocked" (not at wake-up), XREADGROUP `>` woken and its PEL, several blocked
// consumers of one group, timeouts (null array in RESP2 and RESP3), MULTI (no blocking), a group
// destroyed under a blocked reader (NOGROUP), a key that changes type, and claims afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCommand } from '../helpers/resp.js';
import { sleep, useScenarioServers } from '../helpers/scenario.js';

const both = useScenarioServers();

const entryReply = (key: string, id: string, f: string, v: string): string =>
  `*1\r\n*2\r\n$${key.length}\r\n${key}\r\n*1\r\n*2\r\n$${id.length}\r\n${id}\r\n*2\r\n$${f.length}\r\n${f}\r\n$${v.length}\r\n${v}\r\n`;

test('XREAD BLOCK is woken by XADD from another client', async () => {
  await both('xread-wake', async (s) => {
    const r = await s.open();
    await s.cmd('xadd', 'XADD', 's', '1-1', 'a', '1');
    s.send(r, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '1-1');
    await s.blocked(1);
    s.quiet(r);
    await s.cmd('xadd2', 'XADD', 's', '2-1', 'b', '2');
    assert.equal(await s.reply('reader', r), entryReply('s', '2-1', 'b', '2'));
  });
});

test('XREAD $ means the last ID when the client blocked, not when it is woken', async () => {
  await both('xread-dollar', async (s) => {
    const r = await s.open();
    await s.cmd('xadd', 'XADD', 's', '5-1', 'old', '1');
    s.send(r, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', 'other', '$', '$');
    await s.blocked(1);
    // `$` of a missing key is 0-0: the first entry added to "other" is served.
    await s.cmd('set-other', 'XADD', 'other', '1-1', 'x', 'y');
    assert.equal(await s.reply('reader', r), entryReply('other', '1-1', 'x', 'y'));
    // Now block again on s with $ and add two entries in a transaction: both come back.
    s.send(r, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    await s.blocked(1);
    await s.cmd('xdel', 'XDEL', 's', '5-1');
    await sleep(20);
    s.quiet(r);
    await s.cmd('multi', 'MULTI');
    await s.cmd('q1', 'XADD', 's', '6-1', 'n', '1');
    await s.cmd('q2', 'XADD', 's', '7-1', 'n', '2');
    await s.cmd('exec', 'EXEC');
    // Were `$` resolved again at wake-up it would be 7-1 and the reader would keep waiting.
    const got = await s.reply('reader2', r);
    assert.match(got, /6-1[\s\S]*7-1/);
  });
});

test('XREAD $ on a stream: entries added after blocking are returned, earlier ones never', async () => {
  await both('xread-dollar-2', async (s) => {
    const r = await s.open();
    await s.cmd('xadd', 'XADD', 's', '1-1', 'a', '1');
    s.send(r, 'XREAD', 'COUNT', '10', 'BLOCK', '0', 'STREAMS', 's', '$');
    await s.blocked(1);
    await s.cmd('xadd2', 'XADD', 's', '2-1', 'b', '2');
    assert.equal(await s.reply('reader', r), entryReply('s', '2-1', 'b', '2'));
  });
});

test('XREAD BLOCK times out with a null array (RESP2 *-1, RESP3 _)', async () => {
  await both('xread-timeout', async (s) => {
    const r = await s.open();
    s.send(r, 'XREAD', 'BLOCK', '50', 'STREAMS', 's', '$');
    assert.equal(await s.reply('resp2', r), '*-1\r\n');
    await r.call('HELLO', '3');
    s.send(r, 'XREAD', 'BLOCK', '50', 'STREAMS', 's', '$');
    assert.equal(await s.reply('resp3', r), '_\r\n');
    s.send(r, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '50', 'STREAMS', 's', '>');
    await s.reply('nogroup', r);
    await s.cmd('create', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    s.send(r, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '50', 'STREAMS', 's', '>');
    assert.equal(await s.reply('group-resp3', r), '_\r\n');
    // RESP3 reply when served is a map.
    s.send(r, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    await s.blocked(1);
    await s.cmd('xadd', 'XADD', 's', '1-1', 'f', 'v');
    assert.match(await s.reply('map', r), /^%1\r\n/);
  });
});

test('XREADGROUP > BLOCK: woken by XADD, entries go to the PEL, consumers served in order', async () => {
  await both('xreadgroup-wake', async (s) => {
    const a = await s.open();
    const b = await s.open();
    await s.cmd('create', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    s.send(a, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
    await s.blocked(1);
    s.send(b, 'XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>');
    await s.blocked(2);
    await s.cmd('xadd1', 'XADD', 's', '1-1', 'a', '1');
    assert.equal(await s.reply('alice', a), entryReply('s', '1-1', 'a', '1'));
    await s.blocked(1);
    s.quiet(b);
    await s.cmd('xadd2', 'XADD', 's', '2-1', 'b', '2');
    assert.equal(await s.reply('bob', b), entryReply('s', '2-1', 'b', '2'));
    await s.cmd('pending', 'XPENDING', 's', 'g');
    await s.cmd('groups', 'XINFO', 'GROUPS', 's');
    // A claim moves alice's entry to bob.
    await s.cmd('claim', 'XCLAIM', 's', 'g', 'bob', '0', '1-1', 'JUSTID');
    await s.cmd('pending2', 'XPENDING', 's', 'g');
    await s.cmd('autoclaim', 'XAUTOCLAIM', 's', 'g', 'carol', '0', '0', 'JUSTID');
    await s.cmd('pending3', 'XPENDING', 's', 'g');
  });
});

test('XREADGROUP NOACK BLOCK and XREADGROUP with a history ID never blocks', async () => {
  await both('xreadgroup-noack', async (s) => {
    const a = await s.open();
    await s.cmd('create', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    s.send(a, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '0');
    await s.reply('history', a);
    s.send(a, 'XREADGROUP', 'GROUP', 'g', 'alice', 'NOACK', 'BLOCK', '0', 'STREAMS', 's', '>');
    await s.blocked(1);
    await s.cmd('xadd', 'XADD', 's', '1-1', 'a', '1');
    await s.reply('served', a);
    await s.cmd('pending', 'XPENDING', 's', 'g');
    await s.cmd('groups', 'XINFO', 'GROUPS', 's');
  });
});

test('a group destroyed under a blocked XREADGROUP answers NOGROUP; DEL keeps it waiting', async () => {
  await both('xreadgroup-destroy', async (s) => {
    const a = await s.open();
    await s.cmd('create', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    s.send(a, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
    await s.blocked(1);
    await s.cmd('destroy', 'XGROUP', 'DESTROY', 's', 'g');
    await s.reply('nogroup', a);
    const b = await s.open();
    s.send(b, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    await s.blocked(1);
    await s.cmd('del', 'DEL', 's');
    await sleep(20);
    s.quiet(b);
    await s.cmd('set', 'SET', 's', 'x');
    await sleep(20);
    s.quiet(b);
    await s.cmd('del2', 'DEL', 's');
    await s.cmd('xadd', 'XADD', 's', '1-1', 'a', '1');
    await s.reply('served', b);
  });
});

test('inside MULTI, XREAD / XREADGROUP BLOCK answer at once', async () => {
  await both('multi', async (s) => {
    await s.cmd('create', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    await s.cmd('multi', 'MULTI');
    await s.cmd('q1', 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    await s.cmd('q2', 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
    await s.cmd('exec', 'EXEC');
  });
});

test('XREAD BLOCK with an ID below the last entry is served at once; pipelined commands go on', async () => {
  await both('pipeline', async (s) => {
    const r = await s.open();
    await s.cmd('xadd', 'XADD', 's', '1-1', 'a', '1');
    r.writeRaw(Buffer.concat([encodeCommand(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$']), encodeCommand(['PING'])]));
    await s.blocked(1);
    await s.cmd('xadd2', 'XADD', 's', '2-1', 'b', '2');
    await s.reply('read', r);
    assert.equal(await s.reply('ping', r), '+PONG\r\n');
    s.send(r, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '0');
    await s.reply('immediate', r);
  });
});
