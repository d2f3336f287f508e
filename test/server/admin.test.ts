// Administration on spawned keyraft processes: SHUTDOWN stops the process (exit code 0, a log
// line, the client sees the connection close), DEBUG SLEEP blocks the whole server, DEBUG is
// refused unless enabled (as in Redis 7.0), and requirepass gates commands until AUTH / HELLO AUTH.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyraft } from '../helpers/servers.js';
import { RespError } from '../helpers/resp.js';

test('SHUTDOWN stops the process with exit code 0 and logs it; the client gets no reply', async () => {
  const k = await startKeyraft();
  try {
    const c = await k.connect();
    const bad = await c.value('SHUTDOWN', 'NOSAVE', 'SAVE');
    assert.ok(bad instanceof RespError && bad.message === 'ERR syntax error');
    const abort = await c.value('SHUTDOWN', 'ABORT');
    assert.ok(abort instanceof RespError && abort.message === 'ERR No shutdown in progress.');
    const other = await k.connect();
    c.writeRaw('SHUTDOWN NOSAVE NOW\r\n');
    await c.waitClosed(5000);
    await other.waitClosed(5000);
    assert.equal(c.unsolicited.length, 0, 'no reply to SHUTDOWN');
    assert.equal(await k.waitExit(5000), 0);
    assert.match(k.output, /User requested shutdown/);
  } finally {
    await k.stop();
  }
});

test('DEBUG SLEEP blocks every client; DEBUG HELP and errors', async () => {
  const k = await startKeyraft(['--enable-debug-command', 'yes']);
  try {
    const a = await k.connect();
    const b = await k.connect();
    await b.call('PING');
    const start = Date.now();
    const sleeping = a.call('DEBUG', 'SLEEP', '0.4');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await b.value('PING'), 'PONG');
    const blockedMs = Date.now() - start;
    assert.ok(blockedMs >= 350, `PING answered after ${blockedMs} ms`);
    assert.equal((await sleeping).value, 'OK');
    assert.equal(await a.value('DEBUG', 'SLEEP', '0'), 'OK');
    const help = (await a.value('DEBUG', 'HELP')) as string[];
    assert.ok(help[0]!.startsWith('DEBUG <subcommand>'));
    assert.ok(help.includes('SLEEP <seconds>'));
    const unknown = await a.value('DEBUG', 'NOSUCHTHING');
    assert.ok(unknown instanceof RespError);
    assert.equal(unknown.message, "ERR unknown subcommand or wrong number of arguments for 'NOSUCHTHING'. Try DEBUG HELP.");
    const extra = await a.value('DEBUG', 'SLEEP', '0', '1');
    assert.ok(extra instanceof RespError && extra.message.startsWith('ERR unknown subcommand or wrong number of arguments for'));
    a.close();
    b.close();
  } finally {
    await k.stop();
  }
});

test('DEBUG is refused by default, as in Redis 7.0', async () => {
  const k = await startKeyraft();
  try {
    const c = await k.connect();
    const r = await c.value('DEBUG', 'SLEEP', '0');
    assert.ok(r instanceof RespError);
    assert.match(r.message, /^ERR DEBUG command not allowed\. If the enable-debug-command option is set to "local"/);
    c.close();
  } finally {
    await k.stop();
  }
});

test('requirepass: NOAUTH until AUTH, WRONGPASS on a bad password, HELLO 3 AUTH default', async () => {
  const k = await startKeyraft(['--requirepass', 's3cret']);
  try {
    const c = await k.connect();
    const noauth = await c.value('GET', 'k');
    assert.ok(noauth instanceof RespError && noauth.message === 'NOAUTH Authentication required.');
    const cfg = await c.value('CONFIG', 'GET', 'requirepass');
    assert.ok(cfg instanceof RespError && cfg.message.startsWith('NOAUTH'));
    const wrong = await c.value('AUTH', 'nope');
    assert.ok(wrong instanceof RespError && wrong.message === 'WRONGPASS invalid username-password pair or user is disabled.');
    const wrongUser = await c.value('AUTH', 'bob', 's3cret');
    assert.ok(wrongUser instanceof RespError && wrongUser.message.startsWith('WRONGPASS'));
    assert.equal(await c.value('AUTH', 's3cret'), 'OK');
    assert.equal(await c.value('SET', 'k', 'v'), 'OK');
    assert.equal(await c.value('GET', 'k'), 'v');

    const h = await k.connect();
    const helloBad = await h.value('HELLO', '3', 'AUTH', 'default', 'nope');
    assert.ok(helloBad instanceof RespError && helloBad.message.startsWith('WRONGPASS'));
    const hello = await h.call('HELLO', '3', 'AUTH', 'default', 's3cret');
    assert.equal(hello.raw[0], '%'.charCodeAt(0));
    assert.equal(await h.value('GET', 'k'), 'v');

    // CONFIG SET requirepass: connections already authenticated stay so; new ones must AUTH
    // with the new password.
    assert.equal(await c.value('CONFIG', 'SET', 'requirepass', 'other'), 'OK');
    assert.equal(await c.value('GET', 'k'), 'v');
    const n = await k.connect();
    const gated = await n.value('GET', 'k');
    assert.ok(gated instanceof RespError && gated.message.startsWith('NOAUTH'));
    const old = await n.value('AUTH', 's3cret');
    assert.ok(old instanceof RespError && old.message.startsWith('WRONGPASS'));
    assert.equal(await n.value('AUTH', 'other'), 'OK');
    assert.equal(await n.value('GET', 'k'), 'v');
    for (const x of [c, h, n]) x.close();
  } finally {
    await k.stop();
  }
});
