// SPOP and SRANDMEMBER checked by their properties against keyraft (their picks are random, so
// they cannot be compared with Redis's): sizes, membership, distinctness, repetition for
// negative counts, that popped members leave the set and the key goes when the set empties,
// that every member is reachable, for intset and hashtable sets. Plus node-redis over RESP3
// (SMEMBERS decodes as a set).
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

async function fill(key: string, members: string[]): Promise<void> {
  await c.call('DEL', key);
  for (let i = 0; i < members.length; i += 500) await c.call('SADD', key, ...members.slice(i, i + 500));
}

const KINDS: [string, string[]][] = [
  ['intset', Array.from({ length: 40 }, (_, i) => String(i * 3 - 20))],
  ['hashtable', Array.from({ length: 40 }, (_, i) => `m${i}\x00\xff`)],
  ['big hashtable', Array.from({ length: 2000 }, (_, i) => `big${i}`)],
];

for (const [kind, members] of KINDS) {
  test(`SRANDMEMBER on a ${kind} set: sizes, membership, distinctness, reachability`, async () => {
    await fill('s', members);
    const all = new Set(members);
    const single = await c.value('SRANDMEMBER', 's');
    assert.ok(all.has(single as string));
    for (const count of [1, 5, Math.floor(members.length / 2), members.length - 1, members.length, members.length + 10]) {
      const r = (await c.value('SRANDMEMBER', 's', String(count))) as string[];
      assert.equal(r.length, Math.min(count, members.length));
      assert.equal(new Set(r).size, r.length, `distinct for count ${count}`);
      for (const m of r) assert.ok(all.has(m));
    }
    const neg = (await c.value('SRANDMEMBER', 's', String(-3 * members.length))) as string[];
    assert.equal(neg.length, 3 * members.length);
    for (const m of neg) assert.ok(all.has(m));
    assert.ok(new Set(neg).size < neg.length, 'negative counts repeat members');
    // Every member reachable through the count forms.
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < all.size; i++) for (const m of (await c.value('SRANDMEMBER', 's', String(-members.length))) as string[]) seen.add(m);
    assert.equal(seen.size, all.size, 'every member reachable with repetitions');
    seen.clear();
    const distinct = String(Math.ceil(members.length / 4));
    for (let i = 0; i < 200 && seen.size < all.size; i++) for (const m of (await c.value('SRANDMEMBER', 's', distinct)) as string[]) seen.add(m);
    assert.equal(seen.size, all.size, 'every member reachable without repetitions');
    assert.equal(await c.value('SCARD', 's'), members.length, 'SRANDMEMBER does not remove');
  });

  test(`SPOP on a ${kind} set: popped members leave, distinct, the key goes when emptied`, async () => {
    await fill('s', members);
    const left = new Set(members);
    const one = (await c.value('SPOP', 's')) as string;
    assert.ok(left.delete(one));
    const sizes = [1, 3, Math.floor(members.length / 3)];
    for (const n of sizes) {
      const r = (await c.value('SPOP', 's', String(n))) as { set: string[] } | string[];
      const got = Array.isArray(r) ? r : r.set;
      assert.equal(got.length, n);
      for (const m of got) assert.ok(left.delete(m), `popped ${JSON.stringify(m)} twice or never there`);
      assert.equal(await c.value('SCARD', 's'), left.size);
      assert.equal(await c.value('SISMEMBER', 's', got[0]!), 0);
    }
    while (left.size > 5) assert.ok(left.delete((await c.value('SPOP', 's')) as string));
    const rest = (await c.value('SPOP', 's', '100')) as string[];
    assert.deepEqual(new Set(rest), left);
    assert.equal(await c.value('EXISTS', 's'), 0);
    assert.equal(await c.value('SPOP', 's'), null);
  });
}

test('SPOP reaches every member: repeated fills of a small set', async () => {
  const members = ['a', 'b', 'c', 'd', '1', '2'];
  const first = new Map<string, number>();
  for (let i = 0; i < 300; i++) {
    await fill('p', members);
    const m = (await c.value('SPOP', 'p')) as string;
    first.set(m, (first.get(m) ?? 0) + 1);
  }
  assert.equal(first.size, members.length);
  for (const [m, n] of first) assert.ok(n > 15, `${m} popped first only ${n} times of ~50`);
});

test('node-redis RESP3: sets round-trip, SMEMBERS decodes as a set', async () => {
  const client = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false }, RESP: 3 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.del('nr');
    assert.equal(await client.sAdd('nr', ['x', 'y', 'z', 'x']), 3);
    const members = (await client.sendCommand(['SMEMBERS', 'nr'])) as unknown;
    assert.ok(members instanceof Set || Array.isArray(members), `decoded as ${typeof members}`);
    assert.deepEqual([...(members as Iterable<string>)].sort(), ['x', 'y', 'z']);
    assert.equal(await client.sCard('nr'), 3);
    assert.equal(await client.sIsMember('nr', 'y'), 1);
    assert.deepEqual(await client.smIsMember('nr', ['y', 'q']), [1, 0]);
    assert.deepEqual([...((await client.sendCommand(['SINTER', 'nr', 'nr'])) as Iterable<string>)].sort(), ['x', 'y', 'z']);
    const popped = (await client.sendCommand(['SPOP', 'nr', '2'])) as unknown;
    assert.equal([...(popped as Iterable<string>)].length, 2);
  } finally {
    await client.close();
  }
});

test('SSCAN and HSCAN over the wire: members present throughout are returned, under churn', async () => {
  const churn = await server.connect();
  try {
    for (const kind of ['set', 'hash'] as const) {
      const key = `scan-${kind}`;
      await c.call('DEL', key);
      // Few stable members, so removing the others makes the table sparse enough to compact.
      const stable: string[] = [];
      const others: string[] = [];
      const args: string[] = [];
      for (let i = 0; i < 3000; i++) {
        const m = i % 10 === 0 ? `stable${i}` : `other${i}`;
        (i % 10 === 0 ? stable : others).push(m);
        if (kind === 'set') args.push(m);
        else args.push(m, 'v');
      }
      await c.call(kind === 'set' ? 'SADD' : 'HSET', key, ...args);
      const seen = new Set<string>();
      let cursor = '0';
      let step = 0;
      do {
        const [next, items] = (await c.value(kind === 'set' ? 'SSCAN' : 'HSCAN', key, cursor, 'COUNT', '25')) as [string, string[]];
        for (let i = 0; i < items.length; i += kind === 'set' ? 1 : 2) seen.add(items[i]!);
        cursor = next;
        // Churn: remove a batch of others (enough to compact the slots) and add new ones.
        const gone = others.splice(0, 60);
        if (gone.length === 0) gone.push('absent');
        if (kind === 'set') await churn.call('SREM', key, ...gone);
        else await churn.call('HDEL', key, ...gone);
        const fresh = Array.from({ length: 10 }, (_, i) => `new${step}-${i}`);
        if (kind === 'set') await churn.call('SADD', key, ...fresh);
        else await churn.call('HSET', key, ...fresh.flatMap((f) => [f, 'v']));
        step++;
        assert.ok(step < 5000, 'scan finishes');
      } while (cursor !== '0');
      for (const m of stable) assert.ok(seen.has(m), `${kind}: ${m} missed`);
    }
  } finally {
    churn.close();
  }
});

test('a negative count too big to render is refused, and the server stays up', async () => {
  await fill('s', ['a', 'b']);
  const r = await c.call('SRANDMEMBER', 's', '-9223372036854775807');
  assert.match(r.raw.latin1Slice(), /^-ERR value is out of range/);
  assert.equal(((await c.value('SRANDMEMBER', 's', '-1000')) as string[]).length, 1000);
  assert.equal(await c.value('SCARD', 's'), 2);
});
