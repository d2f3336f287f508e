// The two shortcuts keyraft takes around lua-redis-wasm, checked against the package itself:
// - ReplyEncoder writes a command's reply straight into the package's wire format; it must be
//   byte for byte what the package's own encodeReply makes of CaptureReply's value, for every
//   reply shape, in RESP2 and RESP3 (plus the same error text).
// - returnsOneValue lets a script run without the keep-the-first-value wrapper; every script it
//   accepts must give exactly what the wrapped one gives, and multi-value scripts must be refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeReply } from 'lua-redis-wasm';
import { CaptureReply, ReplyEncoder } from '../../src/scripting/script-reply.js';
import { returnsOneValue, runLua, type EncodingScriptHost } from '../../src/scripting/lua-runtime.js';
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

test('ReplyEncoder writes what the package encodes from CaptureReply, for every reply shape', () => {
  for (const resp of [2, 3] as const) {
    replies.forEach((write, i) => {
      const capture = new CaptureReply();
      capture.reset(resp);
      write(capture);
      const encoder = new ReplyEncoder();
      encoder.reset(resp);
      write(encoder);
      const n = encoder.finish();
      const want = encodeReply(capture.take() as Parameters<typeof encodeReply>[0]);
      assert.deepEqual(encoder.buf.subarray(0, n), want, `RESP${resp} case ${i}`);
      assert.equal(encoder.errorText, capture.errorText, `RESP${resp} case ${i} error text`);
    });
  }
});

/** A host whose commands answer from a fixed table, in the package's wire format. */
const host: EncodingScriptHost = {
  call: () => 1,
  pcall: () => 1,
  log() {},
  runEncoded(argv: readonly string[], out: Reply) {
    if (argv[0] === 'INCR') out.error('WRONGTYPE Operation');
    else if (argv[0] === 'GET') out.bulk('v1');
    else if (argv[0] === 'NIL') out.nullBulk();
    else if (argv[0] === 'ARR') {
      out.array(2);
      out.bulk('a');
      out.bulk('b');
    } else out.integer(1);
  },
} as EncodingScriptHost;

const show = (v: ScriptValue) => JSON.stringify(v, (_k, x) => (x && x.type === 'Buffer' ? Buffer.from(x.data).toString('latin1') : typeof x === 'bigint' ? String(x) : x));
const run = (source: string) => show(runLua(Buffer.from(source, 'latin1'), ['k'], ['v1'], host));
const wrapped = (s: string) => `return ((function(...) ${s}\nend)())`;

test('scripts returnsOneValue accepts give the wrapped result; multi-value scripts are refused', () => {
  const single = [
    "local v = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], ARGV[1]) return v",
    "local x = 1\nlocal y = 2\nreturn redis.call('INCR', 'h')",
    "local x = 1\nif x then return redis.call('INCR', 'h') end\nreturn 0",
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
    "return redis.call('ARR')",
    "return redis.pcall('INCR', 'h')",
    "return redis.call('NIL')",
    'return KEYS[1]',
    'return nil',
    "return 'abc'",
  ];
  for (const s of single) {
    assert.ok(returnsOneValue(s), `should run unwrapped: ${s}`);
    assert.equal(run(s), run(wrapped(s)), s);
  }
  const multi = [
    'return 1, 2',
    'return f()',
    'local function f() return 1, 2 end return f()',
    'return ...',
    'return unpack({1,2})',
    "return string.find('abc', 'b')",
    "local redis = {call = function() return 1, 2 end} return redis.call('x')",
    "return redis.call('GET', 'k'), 2",
    "return redis.call('GET', 'a)'), 2",
    'return select(1, 1, 2)',
    "return 'a', 'b'",
    "local function g(redis) return redis.call() end return g({call = function() return 1, 2 end})",
  ];
  for (const s of multi) assert.ok(!returnsOneValue(s), `must keep the wrapper: ${s}`);
});
