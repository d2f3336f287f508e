// CLIENT commands on a raw connection: the CLIENT LIST / INFO line (fields in Redis 7.0's order,
// values that follow the connection's state), KILL with its filters, REPLY ON/OFF/SKIP, SETINFO,
// and the run-time effect of CONFIG SET on connected clients (parser limits, maxclients).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { startKeyraft, startRedis, findRedisServer, type ServerProcess } from '../helpers/servers.js';
import { RespConnection, RespError } from '../helpers/resp.js';

let keyraft: ServerProcess;
const open: RespConnection[] = [];

before(async () => {
  keyraft = await startKeyraft();
});
after(async () => {
  for (const c of open) c.close();
  await keyraft?.stop();
});

async function connect(): Promise<RespConnection> {
  const c = await keyraft.connect();
  open.push(c);
  return c;
}

/** CLIENT LIST / INFO text → one ordered [field, value] list per client. */
function parseList(text: string): [string, string][][] {
  // RESP3 sends a verbatim string; the test client keeps its "txt:" format prefix.
  if (text.startsWith('txt:')) text = text.slice(4);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((line) =>
      line.split(' ').map((kv) => {
        const eq = kv.indexOf('=');
        return [kv.slice(0, eq), kv.slice(eq + 1)] as [string, string];
      }),
    );
}

function asMap(fields: [string, string][]): Map<string, string> {
  return new Map(fields);
}

const REDIS_70_FIELDS = 'id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp'.split(' ');

test('CLIENT LIST and CLIENT INFO: Redis 7.0 fields in order, then lib-name and lib-ver', async () => {
  const c = await connect();
  const text = (await c.value('CLIENT', 'LIST')) as string;
  assert.ok(text.endsWith('\n'));
  const lines = parseList(text);
  assert.ok(lines.length >= 1);
  for (const l of lines) assert.deepEqual(l.map(([k]) => k), [...REDIS_70_FIELDS, 'lib-name', 'lib-ver']);
  const info = parseList((await c.value('CLIENT', 'INFO')) as string);
  assert.equal(info.length, 1);
  assert.deepEqual(info[0]!.map(([k]) => k), [...REDIS_70_FIELDS, 'lib-name', 'lib-ver']);
});

test('CLIENT LIST field names match what Redis 7.0 prints', { skip: findRedisServer() ? false : 'redis-server not installed' }, async () => {
  const redis = await startRedis();
  try {
    const rc = await redis.connect();
    const text = (await rc.value('CLIENT', 'LIST')) as string;
    rc.close();
    assert.deepEqual(parseList(text)[0]!.map(([k]) => k), REDIS_70_FIELDS);
  } finally {
    await redis.stop();
  }
});

test('CLIENT LIST values follow the connection state', async () => {
  const c = await connect();
  const id = (await c.value('CLIENT', 'ID')) as number;
  assert.equal(typeof id, 'number');
  assert.equal(await c.value('CLIENT', 'SETNAME', 'worker-7'), 'OK');
  assert.equal(await c.value('CLIENT', 'GETNAME'), 'worker-7');
  await c.call('SELECT', '5');
  await c.call('CLIENT', 'SETINFO', 'LIB-NAME', 'mylib');
  await c.call('CLIENT', 'SETINFO', 'lib-ver', '1.2.3');
  await c.call('CLIENT', 'NO-EVICT', 'on');
  await c.call('HELLO', '3');
  const other = await connect();
  await other.call('PING');
  const text = (await c.value('CLIENT', 'LIST', 'ID', String(id))) as string;
  const lines = parseList(text);
  assert.equal(lines.length, 1);
  const me = asMap(lines[0]!);
  assert.equal(me.get('id'), String(id));
  assert.equal(me.get('addr'), `${c.socket.localAddress}:${c.socket.localPort}`);
  assert.equal(me.get('laddr'), `127.0.0.1:${keyraft.port}`);
  assert.match(me.get('fd')!, /^\d+$/);
  assert.equal(me.get('name'), 'worker-7');
  assert.equal(me.get('db'), '5');
  assert.equal(me.get('flags'), 'e');
  assert.equal(me.get('cmd'), 'client|list');
  assert.equal(me.get('resp'), '3');
  assert.equal(me.get('user'), 'default');
  assert.equal(me.get('multi'), '-1');
  assert.equal(me.get('lib-name'), 'mylib');
  assert.equal(me.get('lib-ver'), '1.2.3');
  assert.ok(Number(me.get('argv-mem')) > 0);
  // The other connection: last command PING, default state.
  const otherId = (await other.value('CLIENT', 'ID')) as number;
  await other.call('PING');
  const o = asMap(parseList((await c.value('CLIENT', 'LIST', 'ID', String(otherId), '999999')) as string)[0]!);
  assert.equal(o.get('cmd'), 'ping');
  assert.equal(o.get('flags'), 'N');
  assert.equal(o.get('db'), '0');
  assert.equal(o.get('name'), '');
  // TYPE filters: everyone is a normal client; nobody is a master.
  const normal = parseList((await c.value('CLIENT', 'LIST', 'TYPE', 'normal')) as string).map((l) => asMap(l).get('id'));
  assert.ok(normal.includes(String(id)) && normal.includes(String(otherId)));
  assert.deepEqual(parseList((await c.value('CLIENT', 'LIST', 'TYPE', 'master')) as string), []);
  // Idle time grows while a client does nothing.
  await c.call('CLIENT', 'NO-TOUCH', 'on');
  const flags = asMap(parseList((await c.value('CLIENT', 'INFO')) as string)[0]!).get('flags');
  assert.equal(flags, 'eT');
  await c.call('HELLO', '2');
});

test('CLIENT SETNAME validation and SETINFO errors', async () => {
  const c = await connect();
  const bad = await c.value('CLIENT', 'SETNAME', 'has space');
  assert.ok(bad instanceof RespError);
  assert.equal(bad.message, 'ERR Client names cannot contain spaces, newlines or special characters.');
  const opt = await c.value('CLIENT', 'SETINFO', 'color', 'red');
  assert.ok(opt instanceof RespError);
  assert.equal(opt.message, "ERR Unrecognized option 'color'");
  const val = await c.value('CLIENT', 'SETINFO', 'lib-name', 'a b');
  assert.ok(val instanceof RespError);
  assert.match(val.message, /cannot contain spaces, newlines or special characters/);
  // TRACKING is not there yet: the dispatcher's unknown-subcommand error.
  const tracking = await c.value('CLIENT', 'TRACKING', 'on');
  assert.ok(tracking instanceof RespError);
  assert.equal(tracking.message, "ERR unknown subcommand 'TRACKING'. Try CLIENT HELP.");
});

test('CLIENT KILL: old addr form, ID, ADDR, LADDR, USER, SKIPME, TYPE, MAXAGE', async () => {
  const c = await connect();
  const victim = await connect();
  const victimId = (await victim.value('CLIENT', 'ID')) as number;
  assert.equal(await c.value('CLIENT', 'KILL', 'ID', String(victimId)), 1);
  await victim.waitClosed();

  const v2 = await connect();
  await v2.call('PING');
  assert.equal(await c.value('CLIENT', 'KILL', `${v2.socket.localAddress}:${v2.socket.localPort}`), 'OK');
  await v2.waitClosed();
  const none = await c.value('CLIENT', 'KILL', '127.0.0.1:1');
  assert.ok(none instanceof RespError && none.message === 'ERR No such client');

  const v3 = await connect();
  await v3.call('PING');
  assert.equal(await c.value('CLIENT', 'KILL', 'ADDR', `${v3.socket.localAddress}:${v3.socket.localPort}`), 1);
  await v3.waitClosed();

  // LADDR / USER / TYPE kill everyone else that matches, but SKIPME (default yes) spares us.
  const v4 = await connect();
  const v5 = await connect();
  await v4.call('PING');
  await v5.call('PING');
  assert.equal(await c.value('CLIENT', 'KILL', 'LADDR', '127.0.0.1:1'), 0);
  const killed = (await c.value('CLIENT', 'KILL', 'LADDR', `127.0.0.1:${keyraft.port}`, 'USER', 'default', 'TYPE', 'normal')) as number;
  assert.ok(killed >= 2, String(killed));
  await v4.waitClosed();
  await v5.waitClosed();
  assert.equal(await c.value('PING'), 'PONG');

  // MAXAGE: only clients older than the age are killed.
  const young = await connect();
  await young.call('PING');
  assert.equal(await c.value('CLIENT', 'KILL', 'MAXAGE', '3600'), 0);
  assert.equal(await young.value('PING'), 'PONG');

  // SKIPME no: the caller gets its reply, then the connection closes.
  const me = (await c.value('CLIENT', 'ID')) as number;
  assert.equal(await c.value('CLIENT', 'KILL', 'ID', String(me), 'SKIPME', 'no'), 1);
  await c.waitClosed();
});

test('CLIENT REPLY OFF, SKIP and ON', async () => {
  const c = await connect();
  c.writeRaw('CLIENT REPLY OFF\r\nPING\r\nECHO dropped\r\nCLIENT REPLY ON\r\nECHO back\r\n');
  assert.equal((await c.next()).value, 'OK');
  assert.equal((await c.next()).value, 'back');
  c.writeRaw('CLIENT REPLY SKIP\r\nECHO skipped\r\nECHO kept\r\n');
  assert.equal((await c.next()).value, 'kept');
  // An error is dropped as well while replies are off.
  c.writeRaw('CLIENT REPLY OFF\r\nNOSUCH\r\nCLIENT REPLY ON\r\n');
  assert.equal((await c.next()).value, 'OK');
  const bad = await c.value('CLIENT', 'REPLY', 'MAYBE');
  assert.ok(bad instanceof RespError && bad.message === 'ERR syntax error');
  assert.equal(c.unsolicited.length, 0);
});

test('CONFIG SET proto-max-bulk-len applies to clients already connected', async () => {
  const admin = await connect();
  const c = await connect();
  await c.call('PING');
  assert.equal(await admin.value('CONFIG', 'SET', 'proto-max-bulk-len', '1mb'), 'OK');
  try {
    c.writeRaw(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${2 * 1024 * 1024}\r\n`);
    const r = await c.next();
    assert.ok(r.value instanceof RespError, String(r.value));
    assert.match(r.value.message, /^ERR Protocol error: invalid bulk length/);
    await c.waitClosed();
  } finally {
    await admin.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb');
  }
});

test('CONFIG SET maxclients: new connections beyond it get Redis\'s error', async () => {
  const admin = await connect();
  const connected = Number(/connected_clients:(\d+)/.exec((await admin.value('INFO', 'clients')) as string)![1]);
  assert.equal(await admin.value('CONFIG', 'SET', 'maxclients', String(connected)), 'OK');
  try {
    const refused = await RespConnection.open(keyraft.port);
    const r = await refused.next();
    assert.ok(r.value instanceof RespError);
    assert.equal(r.value.message, 'ERR max number of clients reached');
    await refused.waitClosed();
    assert.match((await admin.value('INFO', 'stats')) as string, /\r\nrejected_connections:1\r\n/);
    // A refused connection is closed on the server's side too (it is accepted paused: one that
    // was never read from would keep its descriptor open after the peer left).
    const fdDir = `/proc/${keyraft.pid}/fd`;
    if (existsSync(fdDir)) {
      const sockets = () => readdirSync(fdDir).filter((fd) => {
        try {
          return readlinkSync(`${fdDir}/${fd}`).startsWith('socket:');
        } catch {
          return false; // closed while listing
        }
      }).length;
      const before = sockets();
      for (let i = 0; i < 10; i++) {
        const c = await RespConnection.open(keyraft.port);
        await c.next();
        await c.waitClosed();
      }
      let after = sockets();
      for (let wait = 0; wait < 80 && after > before; wait++) {
        await new Promise((r) => setTimeout(r, 25));
        after = sockets();
      }
      assert.ok(after <= before, `server sockets ${before} -> ${after} after 10 refused connections`);
    }
  } finally {
    await admin.call('CONFIG', 'SET', 'maxclients', '10000');
  }
});

test('CLIENT UNBLOCK releases a client blocked in BLPOP; blocked clients show in LIST and INFO', async () => {
  const admin = await connect();
  const waiter = await connect();
  const waiterId = (await waiter.value('CLIENT', 'ID')) as number;
  assert.equal(await admin.value('CLIENT', 'UNBLOCK', String(waiterId)), 0);
  const first = waiter.call('BLPOP', 'unblock-test', '0');
  await new Promise((r) => setTimeout(r, 50));
  const clients = (await admin.value('INFO', 'clients')) as string;
  assert.match(clients, /\r\nblocked_clients:1\r\n/);
  assert.match(clients, /\r\nclients_in_timeout_table:0\r\n/);
  const line = asMap(parseList((await admin.value('CLIENT', 'LIST', 'ID', String(waiterId))) as string)[0]!);
  assert.equal(line.get('flags'), 'b');
  assert.equal(line.get('cmd'), 'blpop');
  assert.equal(await admin.value('CLIENT', 'UNBLOCK', String(waiterId)), 1);
  assert.equal((await first).raw.latin1Slice(), '*-1\r\n');

  const second = waiter.call('BLPOP', 'unblock-test', '100');
  await new Promise((r) => setTimeout(r, 50));
  assert.match((await admin.value('INFO', 'clients')) as string, /\r\nclients_in_timeout_table:1\r\n/);
  assert.equal(await admin.value('CLIENT', 'UNBLOCK', String(waiterId), 'ERROR'), 1);
  const err = (await second).value;
  assert.ok(err instanceof RespError && err.message === 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
  assert.match((await admin.value('INFO', 'clients')) as string, /\r\nblocked_clients:0\r\n/);
  assert.equal(await waiter.value('PING'), 'PONG');
});

test('timeout: idle clients are closed, blocked ones are not', async () => {
  const admin = await connect();
  const idle = await connect();
  const blocked = await connect();
  await idle.call('PING');
  const waiting = blocked.call('BLPOP', 'idle-test', '0');
  assert.equal(await admin.value('CONFIG', 'SET', 'timeout', '1'), 'OK');
  try {
    // Keep admin busy while the others sit idle for more than a second.
    const deadline = Date.now() + 5000;
    while (!idle.closed) {
      assert.ok(Date.now() < deadline, 'idle client was not closed');
      assert.equal(await admin.value('PING'), 'PONG');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(!blocked.closed, 'a blocked client is not idle');
    assert.equal(await admin.value('RPUSH', 'idle-test', 'x'), 1);
    assert.deepEqual((await waiting).value, ['idle-test', 'x']);
  } finally {
    await admin.call('CONFIG', 'SET', 'timeout', '0');
  }
});

test('SWAPDB serves a client blocked on a key that the swap brings in', async () => {
  const admin = await connect();
  const waiter = await connect();
  await waiter.call('SELECT', '9');
  const waiting = waiter.call('BLPOP', 'swapped', '0');
  await new Promise((r) => setTimeout(r, 50));
  await admin.call('SELECT', '8');
  assert.equal(await admin.value('RPUSH', 'swapped', 'v'), 1);
  assert.equal(await admin.value('SWAPDB', '8', '9'), 'OK');
  assert.deepEqual((await waiting).value, ['swapped', 'v']);
  await admin.call('FLUSHALL');
});

test('CLIENT KILL MAXAGE kills connections older than the age', async () => {
  const old = await connect();
  await old.call('PING');
  await new Promise((r) => setTimeout(r, 2100));
  const young = await connect();
  const killed = (await young.value('CLIENT', 'KILL', 'MAXAGE', '1')) as number;
  assert.ok(killed >= 1, String(killed));
  await old.waitClosed();
  assert.equal(await young.value('PING'), 'PONG');
});

test('CLIENT LIST shows MULTI state: x and d flags, queued commands and their memory', async () => {
  const a = await connect();
  const b = await connect();
  const aId = (await a.value('CLIENT', 'ID')) as number;
  const lineOf = async () => asMap(parseList((await b.value('CLIENT', 'LIST', 'ID', String(aId))) as string)[0]!);
  assert.equal(await a.value('WATCH', 'watched'), 'OK');
  assert.equal((await lineOf()).get('flags'), 'N');
  assert.equal(await b.value('SET', 'watched', '1'), 'OK');
  assert.equal((await lineOf()).get('flags'), 'd');
  assert.equal(await a.value('MULTI'), 'OK');
  assert.equal(await a.value('SET', 'k', 'value'), 'QUEUED');
  assert.equal(await a.value('GET', 'k'), 'QUEUED');
  const inMulti = await lineOf();
  assert.equal(inMulti.get('flags'), 'xd');
  assert.equal(inMulti.get('multi'), '2');
  assert.equal(inMulti.get('multi-mem'), String('SETkvalue'.length + 'GETk'.length));
  assert.equal(await a.value('EXEC'), null);
  const after = await lineOf();
  assert.equal(after.get('flags'), 'N');
  assert.equal(after.get('multi'), '-1');
});
