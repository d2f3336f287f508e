// Unit tests of the checker's edges: unknown outcomes, definite cas failures, real-time ties,
// counterexample text, the time budget (-> 'unknown', never 'linearizable'), input validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKvHistory, checkOperations, keyraftKvModel, type KvOp } from '../../src/lincheck/index.js';

const put = (client: number, key: string, value: string, call: number, ret: number | null): KvOp => ({ client, kind: 'put', key, value, call, ret });
const append = (client: number, key: string, value: string, call: number, ret: number | null): KvOp => ({ client, kind: 'append', key, value, call, ret });
const get = (client: number, key: string, output: string | null, call: number, ret: number | null): KvOp => ({ client, kind: 'get', key, output, call, ret });
const cas = (client: number, key: string, expected: string | null, value: string, output: boolean | undefined, call: number, ret: number | null): KvOp => {
  const op: KvOp = { client, kind: 'cas', key, expected, value, call, ret };
  if (output !== undefined) op.output = output;
  return op;
};
const verdict = (ops: KvOp[]): string => checkKvHistory(ops, { timeoutMs: 5000 }).verdict;

test('empty history and missing keys', () => {
  assert.equal(verdict([]), 'linearizable');
  assert.equal(verdict([get(0, 'a', null, 0, 1)]), 'linearizable');
  assert.equal(verdict([get(0, 'a', '', 0, 1)]), 'not-linearizable');
  assert.equal(verdict([append(0, 'a', 'x', 0, 1), get(0, 'a', 'x', 2, 3)]), 'linearizable');
});

test('real-time order: a read after a completed write must see it; touching intervals are concurrent', () => {
  assert.equal(verdict([put(0, 'a', 'x', 0, 1), get(1, 'a', null, 2, 3)]), 'not-linearizable');
  assert.equal(verdict([put(0, 'a', 'x', 0, 2), get(1, 'a', null, 2, 3)]), 'linearizable');
  assert.equal(verdict([put(0, 'a', 'x', 0, 5), get(1, 'a', null, 1, 2), get(2, 'a', 'x', 3, 4)]), 'linearizable');
  // Once a read saw the new value, a later read may not see the old one.
  assert.equal(verdict([put(0, 'a', 'x', 0, 9), get(1, 'a', 'x', 1, 2), get(2, 'a', null, 3, 4)]), 'not-linearizable');
});

test('unknown outcomes may take effect after their call, or never', () => {
  // May have happened...
  assert.equal(verdict([put(0, 'a', 'x', 0, null), get(1, 'a', 'x', 5, 6)]), 'linearizable');
  // ...or not...
  assert.equal(verdict([put(0, 'a', 'x', 0, null), get(1, 'a', null, 5, 6)]), 'linearizable');
  // ...or much later (it has no return time to bound it).
  assert.equal(verdict([put(0, 'a', 'x', 0, null), get(1, 'a', null, 5, 6), get(1, 'a', 'x', 7, 8)]), 'linearizable');
  // But never before its call (touching times count as concurrent, so it may be seen at ret = call).
  assert.equal(verdict([get(1, 'a', 'x', 0, 1), put(0, 'a', 'x', 2, null)]), 'not-linearizable');
  assert.equal(verdict([get(1, 'a', 'x', 0, 2), put(0, 'a', 'x', 2, null)]), 'linearizable');
  assert.equal(verdict([get(1, 'a', 'x', 0, 2), append(0, 'a', 'x', 2, null), put(2, 'a', 'q', 3, 4)]), 'linearizable');
  // And at most once: x then y then x again is impossible with one unknown put of x.
  assert.equal(
    verdict([put(0, 'a', 'x', 0, null), get(1, 'a', 'x', 1, 2), put(1, 'a', 'y', 3, 4), get(1, 'a', 'x', 5, 6)]),
    'not-linearizable',
  );
  // Identical unknown operations are interchangeable, but each only from its own call on.
  assert.equal(verdict([put(0, 'a', 'x', 0, null), put(1, 'a', 'x', 10, null), get(2, 'a', 'x', 2, 3)]), 'linearizable');
  assert.equal(verdict([put(0, 'a', 'x', 10, null), put(1, 'a', 'x', 0, null), get(2, 'a', 'x', 2, 3)]), 'linearizable');
  assert.equal(
    verdict([append(0, 'a', 'x', 0, null), append(1, 'a', 'x', 10, null), get(2, 'a', 'x', 2, 3), get(2, 'a', 'xx', 11, 12)]),
    'linearizable',
  );
  assert.equal(
    verdict([append(0, 'a', 'x', 0, null), append(1, 'a', 'x', 10, null), get(2, 'a', 'xx', 2, 3)]),
    'not-linearizable',
  );
  // An unknown get never constrains anything, whatever output it carries.
  assert.equal(verdict([{ ...get(0, 'a', 'nonsense', 0, null) }]), 'linearizable');
  // An unknown cas only takes effect if its comparison holds.
  assert.equal(verdict([cas(0, 'a', 'q', 'x', undefined, 0, null), get(1, 'a', 'x', 5, 6)]), 'not-linearizable');
  assert.equal(verdict([cas(0, 'a', null, 'x', undefined, 0, null), get(1, 'a', 'x', 5, 6)]), 'linearizable');
});

test('a failed cas is a definite outcome: it did not take effect', () => {
  assert.equal(verdict([cas(0, 'a', null, 'x', true, 0, 1), get(1, 'a', 'x', 2, 3)]), 'linearizable');
  assert.equal(verdict([cas(0, 'a', null, 'x', false, 0, 1)]), 'not-linearizable'); // it would have succeeded
  assert.equal(verdict([cas(0, 'a', 'q', 'x', false, 0, 1), get(1, 'a', 'x', 2, 3)]), 'not-linearizable');
  assert.equal(verdict([put(0, 'a', 'q', 0, 1), cas(0, 'a', 'q', 'x', false, 2, 3)]), 'not-linearizable');
  assert.equal(verdict([put(0, 'a', 'q', 0, 1), cas(0, 'a', 'q', 'x', true, 2, 3), get(0, 'a', 'x', 4, 5)]), 'linearizable');
});

test('keys are independent; the offending key is reported', () => {
  const r = checkKvHistory([put(0, 'a', 'x', 0, 1), put(0, 'b', 'y', 2, 3), get(1, 'a', 'x', 4, 5), get(1, 'b', 'x', 6, 7)]);
  assert.equal(r.verdict, 'not-linearizable');
  assert.equal(r.key, 'b');
  assert.ok(r.elapsedMs >= 0);
});

test('counterexample names the key, the longest prefix and the operations that did not fit', () => {
  const r = checkKvHistory([
    put(3, 'k', 'x', 10, 20),
    append(4, 'k', 'y', 21, 30),
    get(5, 'k', 'x', 31, 40),
  ]);
  assert.equal(r.verdict, 'not-linearizable');
  const text = r.explanation ?? '';
  assert.match(text, /key "k"/);
  assert.match(text, /longest linearizable prefix: 2 of 3 operations/);
  assert.match(text, /1\. client 3 {2}put\("x"\) -> ok {2}\[call 10, ret 20\] {2}=> value "x"/);
  assert.match(text, /2\. client 4 {2}append\("y"\) -> ok {2}\[call 21, ret 30\] {2}=> value "xy"/);
  assert.match(text, /state after the prefix: value "xy"/);
  assert.match(text, /could not place next:\n {2}- client 5 {2}get -> "x" {2}\[call 31, ret 40\] {2}\(impossible in this state\)/);
});

test('counterexample shows unknown outcomes and elides long prefixes', () => {
  const ops: KvOp[] = [];
  for (let i = 0; i < 30; i++) ops.push(append(0, 'k', 'a', 2 * i, 2 * i + 1));
  ops.push(cas(1, 'k', 'zz', 'q', undefined, 100, null));
  ops.push(get(2, 'k', 'nope', 101, 102));
  const r = checkKvHistory(ops);
  assert.equal(r.verdict, 'not-linearizable');
  assert.match(r.explanation ?? '', /\.\.\. \d+ earlier operations/);
  assert.match(r.explanation ?? '', /cas\("zz" -> "q"\) -> unknown outcome {2}\[call 100, ret \?\]/);
  assert.match(r.explanation ?? '', /get -> "nope"/);
});

/** n appends of distinct values, all concurrent, then a read no order can produce: exponential. */
function hardHistory(n: number): KvOp[] {
  const ops: KvOp[] = [];
  for (let i = 0; i < n; i++) ops.push(append(i, 'h', String.fromCharCode(97 + i), 0, 100));
  ops.push(get(n, 'h', 'impossible', 101, 102));
  return ops;
}

test('running out of time gives unknown, never linearizable', () => {
  const start = Date.now();
  const r = checkKvHistory(hardHistory(14), { timeoutMs: 100 });
  assert.equal(r.verdict, 'unknown');
  assert.equal(r.key, 'h');
  assert.match(r.explanation ?? '', /time budget/);
  assert.ok(Date.now() - start < 5000, 'the budget is honoured');
  // The generic checker, with an absolute deadline already passed.
  const ops = hardHistory(14).map((o) => ({ client: o.client, input: o.kind === 'get' ? { kind: 'get' as const } : { kind: 'append' as const, value: o.value! }, output: o.output, call: o.call, ret: o.ret }));
  assert.equal(checkOperations(keyraftKvModel, ops, { deadline: Date.now() - 1 }).verdict, 'unknown');
  // Small instances of the same shape finish.
  assert.equal(checkKvHistory(hardHistory(5), { timeoutMs: 5000 }).verdict, 'not-linearizable');
});

test('a violation on a small key is found even when another key would time out', () => {
  const ops = [...hardHistory(14), put(0, 'small', 'x', 0, 1), get(1, 'small', 'y', 2, 3)];
  const r = checkKvHistory(ops, { timeoutMs: 100 });
  assert.equal(r.verdict, 'not-linearizable');
  assert.equal(r.key, 'small');
});

test('malformed operations are rejected with a clear error', () => {
  assert.throws(() => checkKvHistory([put(0, 'a', 'x', 5, 4)]), /return time 4 is before call time 5/);
  assert.throws(() => checkKvHistory([{ client: 0, kind: 'put', key: 'a', call: 0, ret: 1 }]), /value must be a string/);
  assert.throws(() => checkKvHistory([{ client: 0, kind: 'cas', key: 'a', value: 'x', expected: null, call: 0, ret: 1 }]), /cas output/);
  assert.throws(() => checkKvHistory([{ client: 0, kind: 'get', key: 'a', output: 3 as never, call: 0, ret: 1 }]), /get output/);
});
