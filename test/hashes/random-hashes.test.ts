// HRANDFIELD checked by its properties against keyraft (its picks are random, so they cannot be
// compared with Redis's): sizes, membership, values matching their fields, distinctness,
// repetition for negative counts, every field reachable, RESP2 flat and RESP3 nested pairs, for
// listpack and hashtable hashes. Plus node-redis over RESP3: HGETALL decodes as a map.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';
import type { RespConnection } from '../helpers/resp.js';

let server: ServerProcess;
let c: RespConnection;

before(async () => {
  server = await startKeyraft();
  c = await server.connect();
});
after(async () => {
  c?.close();
  await server?.stop();
});

async function fill(key: string, n: number, prefix: string): Promise<Map<string, string>> {
  await c.call('DEL', key);
  const model = new Map<string, string>();
  for (let i = 0; i < n; i++) model.set(`${prefix}${i}`, `v${i}\x00`);
  const flat = [...model].flat();
  for (let i = 0; i < flat.length; i += 1000) await c.call('HSET', key, ...flat.slice(i, i + 1000));
  return model;
}

for (const [kind, n] of [
  ['listpack', 30],
  ['hashtable', 1500],
] as const) {
  test(`HRANDFIELD on a ${kind} hash (RESP2): sizes, pairs, distinctness, reachability`, async () => {
    const model = await fill('h', n, 'f');
    assert.equal(await c.value('OBJECT', 'ENCODING', 'h'), kind);
    assert.ok(model.has((await c.value('HRANDFIELD', 'h')) as string));
    for (const count of [1, 3, Math.floor(n / 2), n - 1, n, n + 5]) {
      const fields = (await c.value('HRANDFIELD', 'h', String(count))) as string[];
      assert.equal(fields.length, Math.min(count, n));
      assert.equal(new Set(fields).size, fields.length);
      for (const f of fields) assert.ok(model.has(f));
      const flat = (await c.value('HRANDFIELD', 'h', String(count), 'WITHVALUES')) as string[];
      assert.equal(flat.length, 2 * Math.min(count, n));
      for (let i = 0; i < flat.length; i += 2) assert.equal(model.get(flat[i]!), flat[i + 1]);
    }
    const neg = (await c.value('HRANDFIELD', 'h', String(-2 * n), 'WITHVALUES')) as string[];
    assert.equal(neg.length, 4 * n);
    for (let i = 0; i < neg.length; i += 2) assert.equal(model.get(neg[i]!), neg[i + 1]);
    const seen = new Set<string>();
    for (let i = 0; i < 100 && seen.size < n; i++) for (const f of (await c.value('HRANDFIELD', 'h', String(-n))) as string[]) seen.add(f);
    assert.equal(seen.size, n, 'every field reachable with repetitions');
    seen.clear();
    for (let i = 0; i < 300 && seen.size < n; i++) for (const f of (await c.value('HRANDFIELD', 'h', String(Math.ceil(n / 5)))) as string[]) seen.add(f);
    assert.equal(seen.size, n, 'every field reachable without repetitions');
    assert.equal(await c.value('HLEN', 'h'), n);
  });
}

test('HRANDFIELD WITHVALUES in RESP3 nests each pair', async () => {
  const c3 = await server.connect();
  try {
    await c3.call('HELLO', '3');
    const model = await fill('h3', 10, 'g');
    for (const count of ['3', '-4', '10', '20']) {
      const r = (await c3.value('HRANDFIELD', 'h3', count, 'WITHVALUES')) as string[][];
      assert.equal(r.length, Math.min(Math.abs(Number(count)), Number(count) < 0 ? Infinity : 10));
      for (const pair of r) {
        assert.equal(pair.length, 2);
        assert.equal(model.get(pair[0]!), pair[1]);
      }
    }
  } finally {
    c3.close();
  }
});

test('node-redis RESP3: HGETALL decodes as a map, hash commands round-trip', async () => {
  const client = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false }, RESP: 3 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.del('nr');
    assert.equal(await client.hSet('nr', { a: '1', b: 'two', c: '3' }), 3);
    const raw = (await client.sendCommand(['HGETALL', 'nr'])) as unknown;
    const entries = raw instanceof Map ? [...raw.entries()] : Object.entries(raw as Record<string, string>);
    assert.deepEqual(entries, [
      ['a', '1'],
      ['b', 'two'],
      ['c', '3'],
    ]);
    const all = await client.hGetAll('nr');
    assert.deepEqual({ ...all }, { a: '1', b: 'two', c: '3' });
    assert.equal(await client.hGet('nr', 'b'), 'two');
    assert.equal(await client.hIncrBy('nr', 'a', 41), 42);
    assert.equal(String(await client.hIncrByFloat('nr', 'c', 0.5)), '3.5');
    assert.deepEqual(await client.hmGet('nr', ['a', 'zz']), ['42', null]);
    assert.equal(await client.hLen('nr'), 3);
    assert.deepEqual(await client.hKeys('nr'), ['a', 'b', 'c']);
    assert.equal(await client.hDel('nr', ['a', 'b', 'c']), 3);
    assert.equal(await client.exists('nr'), 0);
  } finally {
    await client.close();
  }
});

test('a negative HRANDFIELD count too big to render is refused, and the server stays up', async () => {
  await fill('h', 3, 'f');
  for (const args of [['-9223372036854775807'], ['-4611686018427387903', 'WITHVALUES']]) {
    const r = await c.call('HRANDFIELD', 'h', ...args);
    assert.match(r.raw.latin1Slice(), /^-ERR value is out of range/);
  }
  assert.equal(((await c.value('HRANDFIELD', 'h', '-1000')) as string[]).length, 1000);
  assert.equal(await c.value('HLEN', 'h'), 3);
});
