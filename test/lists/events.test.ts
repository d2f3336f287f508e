// The lists family's effects, checked in process: the keyspace events each command emits (names
// and order as Redis 7.0 sends them with notify-keyspace-events KEA — checked by hand against
// redis-server), the keys reported modified (what wakes blocked clients), the dirty counts, and
// the blocking commands where blocking is not allowed (no client: replays; later MULTI), which
// answer like their non-blocking twins and reply null when there is nothing to pop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Config } from '../../src/config/config.js';
import { ServerState } from '../../src/server/state.js';
import { ReplyWriter } from '../../src/protocol/reply.js';
import { RedisList } from '../../src/types/list.js';

class Harness {
  readonly server = new ServerState(new Config());
  events: string[] = [];
  modified: string[] = [];
  now = 1_700_000_000_000;

  constructor() {
    this.server.engine.eventListeners.push((type, event, key) => this.events.push(`${type}:${event}:${key}`));
    this.server.engine.modifiedListeners.push((key) => this.modified.push(key));
  }

  run(argv: string[], resp: 2 | 3 = 2): { raw: string; events: string[]; modified: string[]; dirty: number } {
    this.events = [];
    this.modified = [];
    const dirtyBefore = this.server.engine.dirty;
    const cmd = this.server.commands.resolve(argv);
    assert.ok(cmd?.handler, `no handler for ${argv[0]}`);
    const w = new ReplyWriter();
    w.resp = resp;
    this.server.engine.execute(cmd, argv, null, 0, w, this.now);
    return { raw: w.take().latin1Slice(), events: this.events, modified: this.modified, dirty: this.server.engine.dirty - dirtyBefore };
  }
}

test('push and pop events, modified keys, dirty counts; an emptied list is deleted with "del"', () => {
  const h = new Harness();
  assert.deepEqual(h.run(['RPUSH', 'l', 'a', 'b', 'c']), { raw: ':3\r\n', events: ['l:rpush:l'], modified: ['l'], dirty: 3 });
  assert.deepEqual(h.run(['LPUSH', 'l', 'z']), { raw: ':4\r\n', events: ['l:lpush:l'], modified: ['l'], dirty: 1 });
  assert.deepEqual(h.run(['LPUSHX', 'nokey', 'z']), { raw: ':0\r\n', events: [], modified: [], dirty: 0 });
  assert.deepEqual(h.run(['LPOP', 'l']).events, ['l:lpop:l']);
  assert.deepEqual(h.run(['RPOP', 'l', '5']), {
    raw: '*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n',
    events: ['l:rpop:l', 'g:del:l'],
    modified: ['l'],
    dirty: 3,
  });
  assert.equal(h.server.dbs[0]!.size, 0);
  assert.deepEqual(h.run(['LPOP', 'l']), { raw: '$-1\r\n', events: [], modified: [], dirty: 0 });
});

test('LSET LINSERT LREM LTRIM events', () => {
  const h = new Harness();
  h.run(['RPUSH', 'l', 'a', 'b', 'a']);
  assert.deepEqual(h.run(['LSET', 'l', '0', 'x']), { raw: '+OK\r\n', events: ['l:lset:l'], modified: ['l'], dirty: 1 });
  assert.deepEqual(h.run(['LINSERT', 'l', 'BEFORE', 'a', 'y']), { raw: ':4\r\n', events: ['l:linsert:l'], modified: ['l'], dirty: 1 });
  assert.deepEqual(h.run(['LINSERT', 'l', 'BEFORE', 'nope', 'y']), { raw: ':-1\r\n', events: [], modified: [], dirty: 0 });
  assert.deepEqual(h.run(['LREM', 'l', '0', 'a']), { raw: ':1\r\n', events: ['l:lrem:l'], modified: ['l'], dirty: 1 });
  assert.deepEqual(h.run(['LREM', 'l', '0', 'nope']), { raw: ':0\r\n', events: [], modified: [], dirty: 0 });
  assert.deepEqual(h.run(['LTRIM', 'l', '0', '0']), { raw: '+OK\r\n', events: ['l:ltrim:l'], modified: ['l'], dirty: 2 });
  assert.deepEqual(h.run(['LTRIM', 'l', '1', '0']), { raw: '+OK\r\n', events: ['l:ltrim:l', 'g:del:l'], modified: ['l'], dirty: 1 });
  assert.deepEqual(h.run(['LTRIM', 'nokey', '0', '1']), { raw: '+OK\r\n', events: [], modified: [], dirty: 0 });
});

test('LMOVE events: push on the destination first, then pop and del on the source', () => {
  const h = new Harness();
  h.run(['RPUSH', 'l', 'a']);
  assert.deepEqual(h.run(['LMOVE', 'l', 'm', 'LEFT', 'RIGHT']), {
    raw: '$1\r\na\r\n',
    events: ['l:rpush:m', 'l:lpop:l', 'g:del:l'],
    modified: ['m', 'l'],
    dirty: 1,
  });
  assert.deepEqual(h.run(['LMOVE', 'm', 'm', 'LEFT', 'LEFT']).events, ['l:lpush:m', 'l:lpop:m']);
  assert.ok(h.server.dbs[0]!.get('m', h.now) instanceof RedisList);
  assert.deepEqual(h.run(['LMPOP', '1', 'm', 'LEFT', 'COUNT', '3']).events, ['l:lpop:m', 'g:del:m']);
});

test('blocking forms where blocking is not allowed: served when there is data, null otherwise', () => {
  const h = new Harness();
  for (const resp of [2, 3] as const) {
    const nullArray = resp === 2 ? '*-1\r\n' : '_\r\n';
    const nullBulk = resp === 2 ? '$-1\r\n' : '_\r\n';
    assert.equal(h.run(['BLPOP', 'k', '0'], resp).raw, nullArray);
    assert.equal(h.run(['BRPOP', 'k', 'k2', '0'], resp).raw, nullArray);
    assert.equal(h.run(['BLMPOP', '0', '1', 'k', 'LEFT'], resp).raw, nullArray);
    assert.equal(h.run(['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0'], resp).raw, nullBulk);
    assert.equal(h.run(['BRPOPLPUSH', 'k', 'd', '0'], resp).raw, nullBulk);
  }
  h.run(['RPUSH', 'k', 'a', 'b', 'c']);
  assert.deepEqual(h.run(['BLPOP', 'k', '0']), { raw: '*2\r\n$1\r\nk\r\n$1\r\na\r\n', events: ['l:lpop:k'], modified: ['k'], dirty: 1 });
  assert.equal(h.run(['BRPOPLPUSH', 'k', 'd', '0']).raw, '$1\r\nc\r\n');
  assert.equal(h.run(['BLMPOP', '0', '1', 'k', 'RIGHT', 'COUNT', '9']).raw, '*2\r\n$1\r\nk\r\n*1\r\n$1\r\nb\r\n');
  assert.equal(h.server.blocking.blockedKeys, 0);
});
