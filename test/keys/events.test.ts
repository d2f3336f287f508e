// The keys family's effects, checked in process where they are visible: which keyspace events
// each command emits (the names and order Redis 7.0 uses — checked against redis-server with
// notify-keyspace-events KEA), which keys it reports modified, how many changes it counts for
// persistence, and that it uses the entry's `now` rather than the wall clock. Also the generic
// handling of non-string values (TYPE, OBJECT ENCODING, SCAN TYPE, COPY via clone()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Config } from '../../src/config/config.js';
import { ServerState } from '../../src/server/state.js';
import { lruClock } from '../../src/keyspace/db.js';
import { ReplyWriter } from '../../src/protocol/reply.js';
import { MutableString, type RedisCollection } from '../../src/types/value.js';
import { parseReply, type RespValue } from '../helpers/resp.js';

class Harness {
  readonly server = new ServerState(new Config());
  events: string[] = [];
  modified: string[] = [];
  now = 1_700_000_000_000;

  constructor() {
    this.server.engine.eventListeners.push((type, event, key, db) => this.events.push(`${type}:${event}:${key}@${db}`));
    this.server.engine.modifiedListeners.push((key, db) => this.modified.push(`${key}@${db.id}`));
  }

  /** Runs one command in `db` at the harness's `now`; returns the reply and the effects. */
  run(argv: string[], db = 0): { reply: RespValue; events: string[]; modified: string[]; dirty: number } {
    this.events = [];
    this.modified = [];
    const dirtyBefore = this.server.engine.dirty;
    const cmd = this.server.commands.resolve(argv);
    assert.ok(cmd?.handler, `no handler for ${argv[0]}`);
    const w = new ReplyWriter();
    this.server.engine.execute(cmd, argv, null, db, w, this.now);
    const reply = parseReply(w.take(), 0)!.value;
    return { reply, events: this.events, modified: this.modified, dirty: this.server.engine.dirty - dirtyBefore };
  }
}

test('DEL/UNLINK: one "del" per removed key; an expired key goes with "expired" and is not counted', () => {
  const h = new Harness();
  h.run(['SET', 'a', '1']);
  h.run(['SET', 'b', '1']);
  h.run(['SET', 'gone', '1']);
  h.run(['PEXPIRE', 'gone', '10']);
  h.now += 20;
  assert.deepEqual(h.run(['DEL', 'a', 'gone', 'missing', 'a']), {
    reply: 1,
    events: ['g:del:a@0', 'x:expired:gone@0'],
    modified: ['a@0', 'gone@0'],
    dirty: 1,
  });
  assert.deepEqual(h.run(['UNLINK', 'b']).events, ['g:del:b@0']);
});

test('EXPIRE family: "expire" for a future time, "del" for a past one, "expired" for a key already gone', () => {
  const h = new Harness();
  h.run(['SET', 'k', 'v']);
  assert.deepEqual(h.run(['EXPIRE', 'k', '100']), { reply: 1, events: ['g:expire:k@0'], modified: ['k@0'], dirty: 1 });
  // Relative times are based on the entry's `now`, exactly.
  assert.equal(h.run(['PEXPIRETIME', 'k']).reply, h.now + 100_000);
  assert.equal(h.run(['PTTL', 'k']).reply, 100_000);
  h.now += 400;
  assert.equal(h.run(['PTTL', 'k']).reply, 99_600);
  assert.equal(h.run(['TTL', 'k']).reply, 100); // (99600 + 500) / 1000
  h.now += 101;
  assert.equal(h.run(['TTL', 'k']).reply, 99); // (99499 + 500) / 1000, truncated
});

test('EXPIRE with a time in the past deletes with "del"; a time equal to now counts as past', () => {
  const h = new Harness();
  h.run(['SET', 'k', 'v']);
  assert.deepEqual(h.run(['PEXPIREAT', 'k', String(h.now)]), { reply: 1, events: ['g:del:k@0'], modified: ['k@0'], dirty: 1 });
  assert.equal(h.run(['EXISTS', 'k']).reply, 0);
  h.run(['SET', 'k', 'v']);
  assert.deepEqual(h.run(['PEXPIREAT', 'k', String(h.now + 1)]).events, ['g:expire:k@0']);
  h.now += 1;
  assert.equal(h.run(['EXISTS', 'k']).reply, 0, 'expired at its exact millisecond');
  assert.deepEqual(h.run(['EXPIRE', 'k', '100']), { reply: 0, events: ['x:expired:k@0'], modified: ['k@0'], dirty: 0 });
  // Refused by an option: nothing happens.
  h.run(['SET', 'k', 'v']);
  assert.deepEqual(h.run(['EXPIRE', 'k', '-1', 'XX']), { reply: 0, events: [], modified: [], dirty: 0 });
});

test('PERSIST emits "persist" only when it removed a TTL', () => {
  const h = new Harness();
  h.run(['SET', 'k', 'v']);
  assert.deepEqual(h.run(['PERSIST', 'k']), { reply: 0, events: [], modified: [], dirty: 0 });
  h.run(['EXPIRE', 'k', '100']);
  assert.deepEqual(h.run(['PERSIST', 'k']), { reply: 1, events: ['g:persist:k@0'], modified: ['k@0'], dirty: 1 });
  assert.equal(h.run(['TTL', 'k']).reply, -1);
});

test('RENAME, MOVE and COPY events, modified keys and TTL carry-over', () => {
  const h = new Harness();
  h.run(['SET', 'a', '1']);
  h.run(['PEXPIRE', 'a', '5000']);
  assert.deepEqual(h.run(['RENAME', 'a', 'b']), {
    reply: 'OK',
    events: ['g:rename_from:a@0', 'g:rename_to:b@0'],
    modified: ['a@0', 'b@0'],
    dirty: 1,
  });
  assert.equal(h.run(['PTTL', 'b']).reply, 5000);
  assert.deepEqual(h.run(['RENAME', 'b', 'b']), { reply: 'OK', events: [], modified: [], dirty: 0 });
  assert.deepEqual(h.run(['MOVE', 'b', '1']), {
    reply: 1,
    events: ['g:move_from:b@0', 'g:move_to:b@1'],
    modified: ['b@0', 'b@1'],
    dirty: 1,
  });
  assert.equal(h.run(['PTTL', 'b'], 1).reply, 5000);
  assert.deepEqual(h.run(['COPY', 'b', 'c', 'DB', '2'], 1), { reply: 1, events: ['g:copy_to:c@2'], modified: ['c@2'], dirty: 1 });
  assert.equal(h.run(['PTTL', 'c'], 2).reply, 5000);
  // An expired destination is reclaimed (with its event) before RENAME writes over it.
  h.run(['SET', 'x', '1']);
  h.run(['SET', 'y', '2']);
  h.run(['PEXPIRE', 'y', '1']);
  h.now += 5;
  assert.deepEqual(h.run(['RENAMENX', 'x', 'y']).events, ['x:expired:y@0', 'g:rename_from:x@0', 'g:rename_to:y@0']);
});

test('reads emit nothing and count no changes', () => {
  const h = new Harness();
  h.run(['SET', 'k', 'v']);
  h.run(['EXPIRE', 'k', '100']);
  for (const argv of [
    ['EXISTS', 'k'],
    ['TYPE', 'k'],
    ['TOUCH', 'k'],
    ['TTL', 'k'],
    ['PTTL', 'k'],
    ['EXPIRETIME', 'k'],
    ['KEYS', '*'],
    ['SCAN', '0'],
    ['RANDOMKEY'],
    ['OBJECT', 'ENCODING', 'k'],
    ['OBJECT', 'REFCOUNT', 'k'],
  ]) {
    const r = h.run(argv);
    assert.deepEqual([r.events, r.modified, r.dirty], [[], [], 0], argv.join(' '));
  }
});

test('COPY of an in-place string makes an independent copy', () => {
  const h = new Harness();
  h.server.dbs[0]!.set('m', MutableString.from('abc', 16));
  assert.equal(h.run(['COPY', 'm', 'm2']).reply, 1);
  const original = h.server.dbs[0]!.get('m', h.now) as MutableString;
  original.bytes[0] = 0x7a; // 'z'
  assert.equal(h.run(['GET', 'm']).reply, 'zbc');
  assert.equal(h.run(['GET', 'm2']).reply, 'abc');
  assert.equal(h.run(['OBJECT', 'ENCODING', 'm2']).reply, 'raw');
});

test('TYPE, OBJECT ENCODING, SCAN TYPE, COPY (clone), RENAME and MOVE work on any value type', () => {
  const h = new Harness();
  const db = h.server.dbs[0]!;
  const list: RedisCollection & { items: string[] } = {
    type: 'list',
    items: ['x'],
    encoding: () => 'listpack',
    clone() {
      return { ...this, items: [...this.items] };
    },
  };
  db.set('l', list);
  db.set('s', 'str');
  assert.equal(h.run(['TYPE', 'l']).reply, 'list');
  assert.equal(h.run(['OBJECT', 'ENCODING', 'l']).reply, 'listpack');
  assert.deepEqual(h.run(['SCAN', '0', 'TYPE', 'list']).reply, ['0', ['l']]);
  assert.deepEqual(h.run(['SCAN', '0', 'TYPE', 'LIST']).reply, ['0', ['l']]);
  assert.equal(h.run(['COPY', 'l', 'l2']).reply, 1);
  const copy = db.get('l2', h.now) as typeof list;
  assert.notEqual(copy, list);
  assert.deepEqual(copy.items, ['x']);
  copy.items.push('y');
  assert.deepEqual(list.items, ['x'], 'the copy does not alias the original');
  // RENAME and MOVE move the value itself, whatever it is.
  assert.equal(h.run(['RENAME', 'l', 'l3']).reply, 'OK');
  assert.equal(db.get('l3', h.now), list);
  assert.equal(h.run(['MOVE', 'l3', '1']).reply, 1);
  assert.equal(h.server.dbs[1]!.get('l3', h.now), list);
});

test('active expiry removes due keys in slices with "expired" events, using the server clock', () => {
  const h = new Harness();
  let clock = h.now;
  h.server.clock = { now: () => clock };
  for (let i = 0; i < 5000; i++) {
    h.run(['SET', `k${i}`, 'v']);
    h.run(['PEXPIRE', `k${i}`, String(100 + (i % 100))]);
  }
  h.run(['SET', 'keep', 'v']);
  h.run(['EXPIRE', 'keep', '1000']);
  const db = h.server.dbs[0]!;
  h.events = [];
  h.server.activeExpire();
  assert.equal(db.size, 5001, 'nothing is due yet');
  clock += 150;
  let passes = 0;
  // Due by now: PEXPIRE 100..150, i.e. i % 100 <= 50 — 51 keys in every 100.
  while (db.size > 2451 && passes < 100) {
    const before = db.size;
    h.server.activeExpire();
    assert.ok(db.size < before, 'every pass makes progress');
    passes++;
  }
  assert.equal(db.size, 2451, 'exactly the keys due by the clock are gone');
  assert.equal(h.events.length, 2550);
  assert.ok(h.events.every((e) => e.startsWith('x:expired:k')));
  clock += 1000;
  while (db.size > 1 && passes++ < 200) h.server.activeExpire();
  assert.equal(db.size, 1);
  assert.equal(h.run(['EXISTS', 'keep']).reply, 1);
});

test('OBJECT IDLETIME: reads that touch reset it, NOTOUCH lookups (EXISTS, TYPE, TTL, OBJECT) do not', () => {
  const h = new Harness();
  const saved = lruClock.seconds;
  try {
    lruClock.seconds = 1_000_000;
    h.run(['SET', 'k', 'v']);
    lruClock.seconds += 7;
    assert.equal(h.run(['OBJECT', 'IDLETIME', 'k']).reply, 7);
    for (const argv of [['EXISTS', 'k'], ['TYPE', 'k'], ['TTL', 'k'], ['PTTL', 'k'], ['OBJECT', 'ENCODING', 'k'], ['KEYS', '*'], ['SCAN', '0']]) {
      h.run(argv);
      assert.equal(h.run(['OBJECT', 'IDLETIME', 'k']).reply, 7, `${argv.join(' ')} must not touch the key`);
    }
    h.run(['TOUCH', 'k']);
    assert.equal(h.run(['OBJECT', 'IDLETIME', 'k']).reply, 0, 'TOUCH updates the access time');
    lruClock.seconds += 3;
    h.run(['GET', 'k']);
    assert.equal(h.run(['OBJECT', 'IDLETIME', 'k']).reply, 0, 'GET updates the access time');
    lruClock.seconds += 4;
    h.run(['EXPIRE', 'k', '100']); // lookupKeyWrite touches too
    assert.equal(h.run(['OBJECT', 'IDLETIME', 'k']).reply, 0);
    lruClock.seconds += 2;
    h.run(['RENAME', 'k', 'k2']);
    assert.equal(h.run(['OBJECT', 'IDLETIME', 'k2']).reply, 0, 'RENAME looks the source up for writing');
    assert.equal(h.run(['OBJECT', 'IDLETIME', 'nokey']).reply, null);
  } finally {
    lruClock.seconds = saved;
  }
});

test('string-encoding marks drive OBJECT ENCODING/REFCOUNT and travel with RENAME, MOVE and COPY', () => {
  const h = new Harness();
  const db = h.server.dbs[0]!;
  h.run(['SET', 'a', '123']);
  assert.equal(h.run(['OBJECT', 'ENCODING', 'a']).reply, 'int');
  assert.equal(h.run(['OBJECT', 'REFCOUNT', 'a']).reply, 2147483647);
  db.setStringEncoding('a', 'raw'); // as APPEND leaves it
  assert.equal(h.run(['OBJECT', 'ENCODING', 'a']).reply, 'raw');
  assert.equal(h.run(['OBJECT', 'REFCOUNT', 'a']).reply, 1);
  h.run(['RENAME', 'a', 'b']);
  assert.equal(h.run(['OBJECT', 'ENCODING', 'b']).reply, 'raw');
  h.run(['MOVE', 'b', '1']);
  assert.equal(h.run(['OBJECT', 'ENCODING', 'b'], 1).reply, 'raw');
  h.run(['COPY', 'b', 'c', 'DB', '2'], 1);
  assert.equal(h.run(['OBJECT', 'ENCODING', 'c'], 2).reply, 'raw');
  h.run(['SET', 'c', '123'], 2);
  assert.equal(h.run(['OBJECT', 'ENCODING', 'c'], 2).reply, 'int', 'a new SET drops the mark');
  h.run(['SET', 'e', '3']);
  db.setStringEncoding('e', 'embstr'); // as INCRBYFLOAT leaves it
  assert.equal(h.run(['OBJECT', 'ENCODING', 'e']).reply, 'embstr');
  assert.equal(h.run(['OBJECT', 'REFCOUNT', 'e']).reply, 1);
});

test('OBJECT FREQ: LFU counters start at 5, grow logarithmically with accesses and decay per idle minute', () => {
  const h = new Harness();
  assert.equal(h.server.config.setMany([['maxmemory-policy', 'allkeys-lfu']]), null);
  const saved = lruClock.seconds;
  try {
    lruClock.seconds = 600_000;
    h.run(['SET', 'k', 'v']);
    assert.equal(h.run(['OBJECT', 'FREQ', 'k']).reply, 5);
    h.run(['GET', 'k']);
    assert.equal(h.run(['OBJECT', 'FREQ', 'k']).reply, 6, 'up to LFU_INIT_VAL+1 every access counts');
    for (let i = 0; i < 1000; i++) h.run(['GET', 'k']);
    const after1000 = h.run(['OBJECT', 'FREQ', 'k']).reply as number;
    // Expected ~ sqrt(2*1000/10) above 5: far fewer than 1000 increments, more than a handful.
    assert.ok(after1000 > 12 && after1000 < 40, `counter after 1000 reads: ${after1000}`);
    lruClock.seconds += 3 * 60;
    assert.equal(h.run(['OBJECT', 'FREQ', 'k']).reply, after1000 - 3, 'one point per idle minute');
    lruClock.seconds += 1000 * 60;
    assert.equal(h.run(['OBJECT', 'FREQ', 'k']).reply, 0);
    h.run(['PERSIST', 'k']); // a write lookup is an access too
    assert.equal(h.run(['OBJECT', 'FREQ', 'k']).reply, 1);
    h.run(['RENAME', 'k', 'k2']);
    assert.equal(h.run(['OBJECT', 'FREQ', 'k2']).reply, 2, 'RENAME keeps the object and its counter (touched once)');
    h.run(['MOVE', 'k2', '1']);
    assert.equal(h.run(['OBJECT', 'FREQ', 'k2'], 1).reply, 3);
    h.run(['COPY', 'k2', 'k3'], 1);
    assert.equal(h.run(['OBJECT', 'FREQ', 'k3'], 1).reply, 5, 'a copy is a new object');
  } finally {
    lruClock.seconds = saved;
  }
});
