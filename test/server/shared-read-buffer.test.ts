// Every connection's reads land in one shared buffer (src/net/adopt.ts), so whatever a client
// has not consumed when its read callback returns must be copied out before another
// connection's read overwrites it: a request split across reads, commands queued behind a
// blocked command, and a big argument arriving in pieces. Each case interleaves a second
// connection whose bytes would corrupt the first one's if they shared memory.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';
import { RespConnection, encodeCommand } from '../helpers/resp.js';

let keyraft: ServerProcess;
let a: RespConnection;
let b: RespConnection;

before(async () => {
  keyraft = await startKeyraft();
  a = await RespConnection.open(keyraft.port);
  b = await RespConnection.open(keyraft.port);
});
after(async () => {
  a?.close();
  b?.close();
  await keyraft?.stop();
});

/** Gives the server time to read what was just written (the bytes must arrive separately). */
const settle = () => sleep(20);

test('a request split across reads survives another connection reading in between', async () => {
  const valueA = 'a'.repeat(120);
  const request = encodeCommand(['SET', 'split:a', valueA]);
  // Split points inside the multibulk header, a length line, the key and the value.
  for (const at of [1, 3, 6, 12, 20, 40, request.length - 1]) {
    a.writeRaw(request.subarray(0, at));
    await settle();
    // Same shape and length, other bytes: they overwrite the shared buffer where A's were.
    assert.equal(await b.value('SET', 'split:b', 'b'.repeat(120)), 'OK');
    a.writeRaw(request.subarray(at));
    assert.equal((await a.next()).value, 'OK', `split at ${at}`);
    assert.equal(await a.value('GET', 'split:a'), valueA, `split at ${at}`);
    await a.value('DEL', 'split:a');
  }
});

test('commands pipelined behind a blocked BLPOP run intact after other connections wrote', async () => {
  a.writeRaw(Buffer.concat([encodeCommand(['BLPOP', 'shared:q', '0']), encodeCommand(['SET', 'shared:after', 'behind-the-block']), encodeCommand(['GET', 'shared:after'])]));
  await settle();
  for (let i = 0; i < 5; i++) assert.equal(await b.value('SET', `shared:filler${i}`, 'z'.repeat(300)), 'OK');
  assert.equal(await b.value('RPUSH', 'shared:q', 'v'), 1);
  assert.deepEqual((await a.next()).value, ['shared:q', 'v']);
  assert.equal((await a.next()).value, 'OK');
  assert.equal((await a.next()).value, 'behind-the-block');
});

test('a big argument arriving in pieces, with another connection reading between them', async () => {
  const value = Buffer.alloc(300_000);
  for (let i = 0; i < value.length; i++) value[i] = (i * 7 + (i >> 9)) & 0xff;
  const request = encodeCommand(['SET', 'shared:big', value]);
  const pieces = 5;
  const step = Math.ceil(request.length / pieces);
  for (let p = 0; p < pieces; p++) {
    a.writeRaw(request.subarray(p * step, (p + 1) * step));
    await settle();
    assert.equal(await b.value('SET', 'shared:other', Buffer.alloc(70_000, 0x55)), 'OK');
  }
  assert.equal((await a.next()).value, 'OK');
  const back = (await a.call('GET', 'shared:big')).raw;
  const header = `$${value.length}\r\n`;
  assert.equal(back.latin1Slice(0, header.length), header);
  assert.ok(back.subarray(header.length, header.length + value.length).equals(value), 'the big value reads back byte for byte');
});
