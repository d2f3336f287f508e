// A client that pipelines big replies without reading them must not grow the server's memory
// without bound: the server stops reading from it while its unsent output is over the limit, and
// every reply still arrives, in order, once the client reads.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';
import { encodeCommand } from '../helpers/resp.js';

let server: ServerProcess | undefined;
after(async () => {
  await server?.stop();
});

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

test('unread replies are bounded by backpressure, then all delivered', async () => {
  server = await startKeyraft();
  const setup = await server.connect();
  const value = 'x'.repeat(100_000);
  await setup.call('SET', 'big', value);
  setup.close();
  const before = rss(server.pid);

  const requests = 3000; // 300 MB of replies
  const sock = connect({ port: server.port, host: '127.0.0.1' });
  await new Promise((r) => sock.once('connect', r));
  sock.pause(); // do not read anything yet
  const one = encodeCommand(['GET', 'big']);
  sock.write(Buffer.concat(Array.from({ length: requests }, () => one)));
  await new Promise((r) => setTimeout(r, 1500));
  const grown = rss(server.pid) - before;
  assert.ok(grown < 200 * 1024 * 1024, `server RSS grew by ${(grown / 1048576).toFixed(0)} MiB while the client was not reading`);

  // Now read everything: each reply is "$100000\r\n" + value + "\r\n".
  const replyBytes = `$${value.length}\r\n`.length + value.length + 2;
  let received = 0;
  sock.resume();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${received} of ${requests * replyBytes} bytes arrived`)), 30_000);
    sock.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= requests * replyBytes) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  assert.equal(received, requests * replyBytes);
  sock.destroy();
});

test('a normal client over client-output-buffer-limit normal is disconnected, as Redis does', async () => {
  const limited = await startKeyraft(['--client-output-buffer-limit', 'normal 1mb 0 0']);
  try {
    const setup = await limited.connect();
    await setup.call('SET', 'big', 'x'.repeat(200_000));
    setup.close();
    const sock = connect({ port: limited.port, host: '127.0.0.1' });
    await new Promise((r) => sock.once('connect', r));
    sock.pause(); // read nothing: replies pile up in the server
    sock.write(Buffer.concat(Array.from({ length: 200 }, () => encodeCommand(['GET', 'big']))));
    // A paused socket does not notice the close, so ask the server who is still connected.
    const admin = await limited.connect();
    let clients = 2;
    for (let i = 0; i < 100 && clients > 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      clients = String(await admin.value('CLIENT', 'LIST')).trim().split('\n').length;
    }
    admin.close();
    sock.destroy();
    assert.equal(clients, 1, 'the non-reading client should have been disconnected');
    assert.match(limited.output, /closed for overcoming of output buffer limits/);
  } finally {
    await limited.stop();
  }
});
