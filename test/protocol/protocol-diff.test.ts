// The wire protocol against real Redis: malformed requests get the same bytes back and the
// connection closed; inline commands, deep pipelines and RESP3 replies match byte for byte; a
// client stuck on half a frame does not disturb others.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startKeyraft, startRedis, referenceRedisSkipReason, type ServerProcess } from '../helpers/servers.js';
import { encodeCommand, RespConnection } from '../helpers/resp.js';

const skip = referenceRedisSkipReason();
let keyraft: ServerProcess;
let redis: ServerProcess;

before(async () => {
  if (skip) return;
  [keyraft, redis] = await Promise.all([startKeyraft(), startRedis()]);
});
after(async () => {
  await Promise.all([keyraft?.stop(), redis?.stop()]);
});

/** Sends raw bytes, then collects everything received until the server closes or `quietMs` passes. */
function exchange(port: number, data: Buffer | string, quietMs = 300): Promise<{ received: string; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = connect({ port, host: '127.0.0.1' });
    let received = '';
    let timer: NodeJS.Timeout;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ received, closed });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), quietMs);
    };
    sock.on('connect', () => {
      sock.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
      arm();
    });
    sock.on('data', (d: Buffer) => {
      received += d.latin1Slice();
      arm();
    });
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
  });
}

async function same(data: Buffer | string, quietMs?: number): Promise<void> {
  const [k, r] = await Promise.all([exchange(keyraft.port, data, quietMs), exchange(redis.port, data, quietMs)]);
  assert.deepEqual(k, r, `for input ${JSON.stringify(typeof data === 'string' ? data.slice(0, 80) : data.length + ' bytes')}`);
}

test('malformed requests: same reply, connection closed', { skip }, async () => {
  const cases = [
    '*abc\r\n',
    '*1\r\n$abc\r\n',
    '*1\r\n$-1\r\n',
    '*1\r\n$536870913\r\n',
    '*2\r\n$3\r\nGET\r\nx\r\n',
    '*3000000000\r\n',
    'SET "unbalanced\r\n',
    'SET \'x\'y\r\n',
    'PING\r\n*1\r\n$x\r\n',
    '*1\r\n$4\r\nPING\r\n*1\r\n:5\r\n',
  ];
  for (const c of cases) await same(c);
});

test('inline commands and empty lines behave as in Redis', { skip }, async () => {
  await same('PING\r\nECHO "a b"\r\n\r\n   \r\nECHO \'x\\\'y\'\nPING hello\n');
  await same('*0\r\n*-1\r\nPING\r\n');
});

test('a deep pipeline gets every reply in order', { skip }, async () => {
  const parts: Buffer[] = [];
  for (let i = 0; i < 5000; i++) parts.push(encodeCommand(['ECHO', `v${i}`]), Buffer.from(`PING ${i}\r\n`));
  await same(Buffer.concat(parts), 500);
});

test('RESP3 replies after HELLO 3 match', { skip }, async () => {
  const cmds = [encodeCommand(['SET', 'k', 'v']), encodeCommand(['GET', 'nokey']), encodeCommand(['GET', 'k']), encodeCommand(['PING']), encodeCommand(['ECHO', 'x'])];
  const hello = encodeCommand(['HELLO', '3']);
  // The HELLO reply itself differs (client id); compare what follows it.
  const run = async (port: number) => {
    const c = await RespConnection.open(port);
    await c.call('HELLO', '3');
    c.writeRaw(Buffer.concat(cmds));
    const out: string[] = [];
    for (let i = 0; i < cmds.length; i++) out.push((await c.next()).raw.latin1Slice());
    c.close();
    return out;
  };
  assert.ok(hello.length > 0);
  assert.deepEqual(await run(keyraft.port), await run(redis.port));
});

test('a client stuck on half a frame does not disturb others, and is bounded', { skip }, async () => {
  const stuck = connect({ port: keyraft.port, host: '127.0.0.1' });
  await new Promise((r) => stuck.once('connect', r));
  stuck.write('*2\r\n$3\r\nGET\r\n$100000\r\nabc');
  const other = await keyraft.connect();
  for (let i = 0; i < 50; i++) assert.equal(await other.value('PING'), 'PONG');
  other.close();
  stuck.destroy();
});

test('a bulk over proto-max-bulk-len is refused without buffering it', async () => {
  const small = await startKeyraft(['--proto-max-bulk-len', '1mb']);
  try {
    const r = await exchange(small.port, '*2\r\n$4\r\nECHO\r\n$2000000\r\n');
    assert.deepEqual(r, { received: '-ERR Protocol error: invalid bulk length\r\n', closed: true });
    const ok = await exchange(small.port, `*2\r\n$4\r\nECHO\r\n$1000000\r\n${'x'.repeat(1000000)}\r\n`);
    assert.equal(ok.received.length, '$1000000\r\n'.length + 1000000 + 2);
  } finally {
    await small.stop();
  }
});
