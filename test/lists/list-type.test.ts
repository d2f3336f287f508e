// The list structure (src/types/list.ts) against a plain array model with fast-check: random
// sequences of pushes and pops at both ends, index reads and writes, inserts, removals, trims,
// value removal and range reads, across chunk boundaries, through growth, wrap-around and
// shrinking of the chunk ring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RedisList } from '../../src/types/list.js';

type Op =
  | { op: 'pushLeft' | 'pushRight'; v: string; n: number }
  | { op: 'popLeft' | 'popRight'; n: number }
  | { op: 'at' | 'removeAt'; i: number }
  | { op: 'set' | 'insert'; i: number; v: string }
  | { op: 'trim'; left: number; right: number }
  | { op: 'removeValue'; v: string; count: number; fromTail: boolean }
  | { op: 'indexOf'; v: string }
  | { op: 'range'; start: number; end: number }
  | { op: 'clone' }
  | { op: 'clear' };

const value = fc.constantFrom('a', 'b', 'c', '', 'x\x00\xff');
// Indexes and batch sizes reach past the 256-slot chunks, so ops cross chunk boundaries.
const index = fc.integer({ min: 0, max: 1200 });
/** Mostly a few elements, sometimes past a chunk. */
const small = fc.oneof(fc.integer({ min: 0, max: 8 }), index);
const batch = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 200, max: 600 }));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom('pushLeft' as const, 'pushRight' as const), v: value, n: batch }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constantFrom('popLeft' as const, 'popRight' as const), n: batch }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('at' as const, 'removeAt' as const), i: index }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('set' as const, 'insert' as const), i: index, v: value }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('trim' as const), left: small, right: small }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeValue' as const), v: value, count: fc.integer({ min: 0, max: 5 }), fromTail: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('indexOf' as const), v: value }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('range' as const), start: index, end: index }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('clone' as const, 'clear' as const) }) },
);

/** Applies one op to both; returns the list to carry on with (clone replaces it). */
function apply(list: RedisList, model: string[], o: Op): RedisList {
  switch (o.op) {
    case 'pushLeft':
      for (let k = 0; k < o.n; k++) {
        list.pushLeft(o.v + k);
        model.unshift(o.v + k);
      }
      break;
    case 'pushRight':
      for (let k = 0; k < o.n; k++) {
        list.pushRight(o.v + k);
        model.push(o.v + k);
      }
      break;
    case 'popLeft':
      for (let k = 0; k < o.n; k++) assert.equal(list.popLeft(), model.shift());
      break;
    case 'popRight':
      for (let k = 0; k < o.n; k++) assert.equal(list.popRight(), model.pop());
      break;
    case 'at':
      if (o.i < model.length) assert.equal(list.at(o.i), model[o.i]);
      break;
    case 'removeAt':
      if (o.i < model.length) {
        list.removeAt(o.i);
        model.splice(o.i, 1);
      }
      break;
    case 'set':
      if (o.i < model.length) {
        list.set(o.i, o.v);
        model[o.i] = o.v;
      }
      break;
    case 'insert': {
      const i = Math.min(o.i, model.length);
      list.insert(i, o.v);
      model.splice(i, 0, o.v);
      break;
    }
    case 'trim':
      list.trim(o.left, o.right);
      if (o.left + o.right >= model.length) model.length = 0;
      else model.splice(0, model.length, ...model.slice(o.left, model.length - o.right));
      break;
    case 'removeValue': {
      let removed = 0;
      const keep: boolean[] = model.map(() => true);
      const order = model.map((_, i) => i);
      if (o.fromTail) order.reverse();
      for (const i of order) {
        if (model[i] === o.v && (o.count === 0 || removed < o.count)) {
          keep[i] = false;
          removed++;
        }
      }
      assert.equal(list.removeValue(o.v, o.count, o.fromTail), removed);
      const next = model.filter((_, i) => keep[i]);
      model.splice(0, model.length, ...next);
      break;
    }
    case 'indexOf':
      assert.equal(list.indexOf(o.v), model.indexOf(o.v));
      break;
    case 'range': {
      const got: string[] = [];
      for (let i = o.start; i <= o.end && i < list.length; i++) got.push(list.at(i));
      assert.deepEqual(got, model.slice(o.start, Math.min(o.end + 1, model.length)));
      break;
    }
    case 'clone': {
      const c = list.clone();
      // The clone is independent: changing the original leaves it alone.
      list.pushRight('zz');
      assert.deepEqual(c.toArray(), model);
      list.popRight();
      return c;
    }
    case 'clear':
      list.clear();
      model.length = 0;
      break;
  }
  assert.equal(list.length, model.length);
  if (model.length > 0) {
    assert.equal(list.at(0), model[0]);
    assert.equal(list.at(model.length - 1), model[model.length - 1]);
    const mid = model.length >> 1;
    assert.equal(list.at(mid), model[mid]);
  }
  return list;
}

test('RedisList behaves like an array under random operation sequences', () => {
  fc.assert(
    // Fixed chunks of 1, 2, 4 or 16 slots make every operation cross chunk boundaries; undefined
    // is the real layout (a small first chunk growing to 256-slot chunks).
    fc.property(fc.constantFrom(undefined, undefined, 0, 1, 2, 4, 8), fc.array(opArb, { maxLength: 120 }), (chunkBits, ops) => {
      let list = new RedisList(chunkBits);
      const model: string[] = [];
      for (const o of ops) list = apply(list, model, o);
      assert.deepEqual(list.toArray(), model);
    }),
    { numRuns: 500 },
  );
});

test('RedisList.from, type and encoding', () => {
  const l = RedisList.from(['a', 'b', 'c']);
  assert.deepEqual(l.toArray(), ['a', 'b', 'c']);
  assert.equal(l.type, 'list');
  assert.equal(l.encoding(), 'quicklist');
  for (let i = 0; i < 1000; i++) l.pushLeft(String(i));
  assert.equal(l.encoding(), 'quicklist');
  assert.equal(l.at(0), '999');
  assert.equal(l.at(1002), 'c');
});
