// FLUSHDB, FLUSHALL and SWAPDB report their effects through the engine, in process: every key
// that existed is signalled as modified (what WATCH needs, as Redis's touchAllWatchedKeysInDb),
// no keyspace event is emitted (Redis emits none), and the change is counted as dirty so that it
// is persisted and replicated even when the database was already empty.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Config } from '../../src/config/config.js';
import { ServerState } from '../../src/server/state.js';
import { NullReply, ReplyWriter } from '../../src/protocol/reply.js';

function setup() {
  const server = new ServerState(new Config());
  const modified: string[] = [];
  const events: string[] = [];
  const writes: string[][] = [];
  server.engine.modifiedListeners.push((key, db) => modified.push(`${db.id}:${key}`));
  server.engine.eventListeners.push((type, event, key, db) => events.push(`${db}:${type}:${event}:${key}`));
  server.engine.writeListeners.push((entry) => writes.push(...entry.commands));
  const run = (db: number, ...argv: string[]): string => {
    const reply = new ReplyWriter();
    const cmd = server.commands.resolve(argv)!;
    server.engine.execute(cmd, argv, null, db, reply, Date.now());
    return reply.take().latin1Slice();
  };
  return { server, modified, events, writes, run };
}

test('FLUSHDB signals each existing key of its db, emits no event, and is always persisted', () => {
  const { server, modified, events, writes, run } = setup();
  run(0, 'SET', 'a', '1');
  run(0, 'SET', 'b', '2');
  run(1, 'SET', 'c', '3');
  modified.length = 0;
  events.length = 0;
  writes.length = 0;
  const dirty = server.engine.dirty;
  assert.equal(run(0, 'FLUSHDB'), '+OK\r\n');
  assert.deepEqual(modified.sort(), ['0:a', '0:b']);
  assert.deepEqual(events, []);
  assert.deepEqual(writes, [['FLUSHDB']]);
  assert.equal(server.engine.dirty, dirty + 2);
  assert.equal(server.dbs[0]!.size, 0);
  assert.equal(server.dbs[1]!.size, 1);
  // An empty db: nothing to signal, but still a change to persist/replicate.
  modified.length = 0;
  assert.equal(run(0, 'FLUSHDB', 'ASYNC'), '+OK\r\n');
  assert.deepEqual(modified, []);
  assert.deepEqual(writes, [['FLUSHDB'], ['FLUSHDB', 'ASYNC']]);
  // A syntax error changes nothing.
  assert.equal(run(1, 'FLUSHDB', 'NOW'), '-ERR syntax error\r\n');
  assert.equal(server.dbs[1]!.size, 1);
  assert.equal(writes.length, 2);
});

test('FLUSHALL signals the keys of every db', () => {
  const { modified, events, writes, run, server } = setup();
  run(0, 'SET', 'a', '1');
  run(3, 'SET', 'b', '2');
  modified.length = 0;
  events.length = 0;
  writes.length = 0;
  assert.equal(run(0, 'FLUSHALL'), '+OK\r\n');
  assert.deepEqual(modified.sort(), ['0:a', '3:b']);
  assert.deepEqual(events, []);
  assert.deepEqual(writes, [['FLUSHALL']]);
  assert.ok(server.dbs.every((db) => db.size === 0));
});

test('SWAPDB signals keys of both dbs in both dbs, and swaps contents', () => {
  const { modified, writes, run, server } = setup();
  run(0, 'SET', 'a', 'zero');
  run(1, 'SET', 'b', 'one');
  modified.length = 0;
  writes.length = 0;
  assert.equal(run(0, 'SWAPDB', '0', '1'), '+OK\r\n');
  assert.deepEqual(modified.sort(), ['0:a', '0:b', '1:a', '1:b']);
  assert.deepEqual(writes, [['SWAPDB', '0', '1']]);
  assert.equal(run(0, 'GET', 'b'), '$3\r\none\r\n');
  assert.equal(run(1, 'GET', 'a'), '$4\r\nzero\r\n');
  assert.equal(run(0, 'SWAPDB', '0', '16'), '-ERR DB index is out of range\r\n');
  assert.equal(writes.length, 1);
  assert.ok(server.dbs[0]!.size === 1);
});

test('replaying FLUSHDB without a client (AOF / Raft apply) works', () => {
  const { server, run } = setup();
  run(2, 'SET', 'k', 'v');
  const cmd = server.commands.resolve(['FLUSHDB'])!;
  server.engine.execute(cmd, ['FLUSHDB'], null, 2, new NullReply(), Date.now());
  assert.equal(server.dbs[2]!.size, 0);
});
