// Db additions used by the keys family: exact expiry times beyond 2^53 ms (read back exactly
// while the key keeps that TTL, never resurfacing after any path removed or replaced it) and
// string-encoding marks (dropped whenever the key's value is stored again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Db } from '../../src/keyspace/db.js';

const BIG = 9223372036854775807n;
const BIG_ROUNDED = Number(BIG); // 2^63: what a number can hold

test('Db: exact expiry times survive only while the TTL they belong to does', () => {
  const db = new Db(0);
  db.set('k', 'v');
  db.setExpire('k', BIG);
  assert.equal(db.getExpireExact('k'), BIG);
  assert.equal(db.getExpire('k'), BIG_ROUNDED);

  db.persist('k');
  assert.equal(db.getExpireExact('k'), undefined);
  db.setExpire('k', BIG_ROUNDED); // a number path (e.g. another family) with the same rounded value
  assert.equal(db.getExpireExact('k'), BIG_ROUNDED, 'a stale exact time must not come back');

  db.setExpire('k', BIG);
  db.set('k', 'overwritten'); // drops the TTL
  assert.equal(db.getExpireExact('k'), undefined);
  db.setExpire('k', BIG_ROUNDED);
  assert.equal(db.getExpireExact('k'), BIG_ROUNDED);

  db.setExpire('k', BIG);
  db.delete('k');
  db.set('k', 'again');
  db.setExpire('k', BIG_ROUNDED);
  assert.equal(db.getExpireExact('k'), BIG_ROUNDED);

  db.setExpire('k', BIG);
  db.set('k', 'kept', true); // KEEPTTL keeps the exact time
  assert.equal(db.getExpireExact('k'), BIG);

  const other = new Db(1);
  db.swapWith(other);
  assert.equal(other.getExpireExact('k'), BIG);
  assert.equal(db.getExpireExact('k'), undefined);

  other.clear();
  other.set('k', 'v');
  other.setExpire('k', BIG_ROUNDED);
  assert.equal(other.getExpireExact('k'), BIG_ROUNDED);

  // Safe times are plain numbers, whichever type they were given as.
  other.setExpire('k', 1234n);
  assert.equal(other.getExpireExact('k'), 1234);
  assert.equal(other.getExpire('k'), 1234);
});

test('Db: string-encoding marks last until the value is stored again', () => {
  const db = new Db(0);
  db.setStringEncoding('absent', 'raw');
  assert.equal(db.getStringEncoding('absent'), undefined, 'marks only existing keys');
  db.set('k', '123');
  db.setStringEncoding('k', 'raw');
  assert.equal(db.getStringEncoding('k'), 'raw');
  db.setExpire('k', 5000);
  assert.equal(db.getStringEncoding('k'), 'raw', 'a TTL change keeps the value');
  db.replace('k', '1234');
  assert.equal(db.getStringEncoding('k'), undefined, 'replace stores a new value');
  db.setStringEncoding('k', 'embstr');
  db.set('k', 'x', true);
  assert.equal(db.getStringEncoding('k'), undefined, 'set stores a new value');
  db.setStringEncoding('k', 'raw');
  db.delete('k');
  db.set('k', 'y');
  assert.equal(db.getStringEncoding('k'), undefined, 'delete drops the mark');
  db.setStringEncoding('k', 'raw');
  const other = new Db(1);
  db.swapWith(other);
  assert.equal(other.getStringEncoding('k'), 'raw');
  assert.equal(db.getStringEncoding('k'), undefined);
  other.clear();
  other.set('k', 'z');
  assert.equal(other.getStringEncoding('k'), undefined);
});
