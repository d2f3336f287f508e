// keyraft's Lua glue (native/lua/keyraft_lua.c) against keyraft's own reply shapes: ReplyEncoder
// writes every reply a command can write in the same bytes wasm-codec makes of CaptureReply's
// value (the encoding both engines read); every such reply reaches a script through redis.call
// and comes back out of it as that value (RESP2 and RESP3); and a script keeps only its first
// return value, as Redis does. Redis's own conversions are checked against real Redis in
// scripting-diff.test.ts; this covers the shapes no Redis command gives a script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureReply, ReplyEncoder, type EncodingScriptHost } from '../../src/scripting/script-reply.js';
import { Encoder } from '../../src/scripting/wasm-codec.js';
import { runLua } from '../../src/scripting/lua-runtime.js';
import type { Reply } from '../../src/protocol/reply.js';
import type { ScriptValue } from '../../src/scripting/types.js';

const replies: ((r: Reply) => void)[] = [
  (r) => r.ok(),
  (r) => r.simple('PONG'),
  (r) => r.error('WRONGTYPE Operation against a key'),
  (r) => r.integer(5),
  (r) => r.integer(-5),
  (r) => r.integer(-0x1fffffffffffff),
  (r) => r.integer(9007199254740993n),
  (r) => r.integer(-9223372036854775808n),
  (r) => r.integer(2 ** 40 + 7),
  (r) => r.bulk('abc'),
  (r) => r.bulk(Buffer.from([0, 255, 10])),
  (r) => r.bulk('x'.repeat(100)),
  (r) => r.nullBulk(),
  (r) => r.nullArray(),
  (r) => r.array(0),
  (r) => {
    r.array(2);
    r.bulk('a');
    r.integer(1);
  },
  (r) => {
    r.map(2);
    r.bulk('f');
    r.bulk('v');
    r.bulk('g');
    r.double(1.5);
  },
  (r) => r.map(0),
  (r) => {
    r.set(2);
    r.bulk('a');
    r.bulk('b');
  },
  (r) => r.double(3.25),
  (r) => r.double(Infinity),
  (r) => r.doubleText('inf'),
  (r) => r.doubleText('1.5'),
  (r) => r.bool(true),
  (r) => r.bool(false),
  (r) => r.verbatim('hello world'),
  (r) => r.bulkArray(['a', Buffer.from('bc')]),
  (r) => r.bulkArray([]),
  (r) => {
    r.array(2);
    r.array(2);
    r.bulk('a');
    r.nullBulk();
    r.array(1);
    r.error('ERR x');
  },
  (r) => {
    r.push(1);
    r.bulk('m');
  },
  (r) => {
    r.array(3);
    r.map(1);
    r.bulk('k');
    r.set(1);
    r.bool(true);
    r.verbatim('v');
    r.doubleText('-inf');
  },
];

/** Turns RESP2's false (a null reply inside the script) back into the null it came from. */
const show = (v: ScriptValue) => JSON.stringify(v, (_k, x) => (x && x.type === 'Buffer' ? Buffer.from(x.data).toString('latin1') : typeof x === 'bigint' ? String(x) : x));

test('ReplyEncoder writes what wasm-codec encodes of CaptureReply\'s value, for every reply shape', () => {
  for (const resp of [2, 3] as const) {
    replies.forEach((write, i) => {
      const capture = new CaptureReply();
      capture.reset(resp);
      write(capture);
      const encoder = new ReplyEncoder();
      encoder.reset(resp);
      write(encoder);
      const n = encoder.finish();
      const codec = new Encoder();
      codec.value(capture.take());
      assert.deepEqual(Buffer.from(encoder.buf.subarray(0, n)), Buffer.from(codec.buf.subarray(0, codec.len)), `RESP${resp} case ${i}`);
      assert.equal(encoder.errorText, capture.errorText, `RESP${resp} case ${i} error text`);
    });
  }
});

/**
 * What a Lua table gives back: numbers are doubles (an integer past 2^53 comes back rounded),
 * RESP3 nulls are nils, and a map or set comes out in the table's own order (as in Redis), so
 * both sides are sorted.
 */
function asLua(v: ScriptValue, resp: 2 | 3): ScriptValue {
  if (typeof v === 'bigint') return BigInt(Number(v));
  if (Array.isArray(v)) {
    // RESP3's null is nil in Lua, and a returned table ends at its first nil.
    const end = resp === 3 ? v.indexOf(null) : -1;
    return (end < 0 ? v : v.slice(0, end)).map((x) => asLua(x, resp));
  }
  return v;
}

function sorted(v: ScriptValue): ScriptValue {
  if (Array.isArray(v)) return v.map(sorted);
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  const byText = (a: unknown, b: unknown) => show(a as ScriptValue).localeCompare(show(b as ScriptValue));
  if ('map' in v) return { map: v.map.map(([k, x]): [ScriptValue, ScriptValue] => [sorted(k), sorted(x)]).sort(byText) };
  if ('set' in v) return { set: v.set.map(sorted).sort(byText) };
  return v;
}

test('every reply shape survives redis.call and a return, as CaptureReply shapes it (RESP2 and RESP3)', () => {
  for (const resp of [2, 3] as const) {
    replies.forEach((write, i) => {
      const capture = new CaptureReply();
      capture.reset(resp);
      write(capture);
      const host = {
        call: () => null,
        pcall: () => null,
        log() {},
        runEncoded(_argv: readonly string[], out: Reply) {
          write(out);
        },
      } as unknown as EncodingScriptHost;
      const got = runLua(Buffer.from(`redis.setresp(${resp}) return redis.pcall('X')`), [], [], host);
      assert.equal(show(sorted(got)), show(sorted(asLua(capture.take(), resp))), `RESP${resp} case ${i}`);
    });
  }
});

test('only the first value a script returns counts', () => {
  const host = { call: () => null, pcall: () => null, log() {} };
  const run = (s: string) => show(runLua(Buffer.from(s), ['k'], ['v'], host));
  assert.equal(run('return 1, 2'), '1');
  assert.equal(run('local function f() return KEYS[1], 2 end return f()'), '"k"');
  assert.equal(run('return ...'), 'null');
  assert.equal(run("return unpack({'a', 'b'})"), '"a"');
});

test('a raised error table without an err field gets a generic error (Redis 7.0.15 crashes on it)', () => {
  const host = { call: () => null, pcall: () => null, log() {} };
  for (const s of ['error({})', 'error({err = {}})', 'error({err = true})']) {
    const r = runLua(Buffer.from(s), [], [], host);
    assert.ok(r !== null && typeof r === 'object' && 'err' in r, s);
    assert.equal(r.err.toString(), 'ERR unknown error', s);
  }
  // The interpreter carries on.
  assert.equal(runLua(Buffer.from('return 7'), [], [], host), 7);
});
