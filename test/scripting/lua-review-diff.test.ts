// Review of keyraft's own Lua build (native/lua) against real Redis, reply for reply: what a
// script can observe that depends on the interpreter being built for wasm32 rather than for
// Redis's LP64 x86-64 (the width of lua_Integer, long and size_t inside Lua's libraries).
import { test } from 'node:test';
import { type Argv, useDifferentialPair } from '../helpers/differential.js';

const { skip, pair } = useDifferentialPair();

const evals = (scripts: string[]): Argv[] => scripts.map((s) => ['EVAL', s, '0']);

test('64-bit integers inside Lua libraries behave as on Redis (string.format, tonumber, hex literals)', { skip }, async () => {
  await pair.assertSame(
    'lua 64-bit integers',
    evals([
      // A millisecond timestamp: past 32 bits.
      "return string.format('%d', 1700000000000)",
      "return string.format('%d', 2^53)",
      "return string.format('%x', 2^40)",
      "return string.format('%X %o %i %u', 2^40, 2^40, -2^40, 2^40)",
      "return string.format('%d', 2^63)",
      "return string.format('%d', -2^63)",
      "return string.format('%d', 1e300)",
      "return string.format('%020d|%-14d|', 2^45, -2^45)",
      "return tostring(tonumber('ffffffffff', 16))",
      "return tostring(tonumber('zzzzzzzzzzzzzzzzz', 36))",
      "return tostring(tonumber('0x100000000'))",
      'return tostring(0x100000000)',
      'return tostring(0xffffffffffffffffff)',
    ]),
  );
});

test('struct sizes of long and size_t are LP64 sizes, as on Redis', { skip }, async () => {
  await pair.assertSame(
    'lua struct LP64',
    evals([
      "return struct.pack('l', 1)",
      "return struct.pack('>L', 2^40)",
      "return #struct.pack('T', 1)",
      "return struct.unpack('l', struct.pack('l', 2^40))",
      "return {struct.unpack('>l', '\\0\\0\\0\\0\\0\\0\\0\\1')}",
      "return {struct.unpack('i8', struct.pack('i8', 2^40))}",
      "return struct.pack('i8', -2^40)",
      "return struct.size('lLTidfhb')",
      "return struct.size('!lLTidfhb')",
      "return #struct.pack('!bl', 1, 1)",
    ]),
  );
});

test('string positions and counts past 32 bits behave as on Redis', { skip }, async () => {
  await pair.assertSame(
    'lua positions past 32 bits',
    evals([
      "return string.sub('hello', 2^32+2)",
      "return string.sub('hello', 2, 2^32)",
      "return string.sub('hello', -2^32)",
      "return string.byte('hello', 2^31)",
      "return {string.byte('hello', 1, 2^32)}",
      "return string.find('hello', 'l', 2^32)",
      "return string.find('hello', 'l', -2^32)",
      "return select(2^32+1, 'a', 'b')",
      'return unpack({1,2,3}, 2^32+1)',
      "return table.concat({1,2,3}, ',', 2^32+1)",
      'return string.char(2^32+65)',
    ]),
  );
});

/** FUNCTION LOAD of a library named `name` whose code (after the shebang line) is `body`. */
const load = (name: string, body: string): Argv => ['FUNCTION', 'LOAD', `#!lua name=${name}\n${body}`];
const reg = "redis.register_function('f', function() return 1 end)";

test('what a library sees while it loads is what Redis 7.0 gives it: redis.register_function, log and the version', { skip }, async () => {
  const bodies = [
    "error('boom')",
    "error({err='MY boom'})",
    `local s = string.format('%d', 1) ${reg}`,
    `local t = type(1) ${reg}`,
    `local m = math ${reg}`,
    `local j = cjson ${reg}`,
    `local p = pcall ${reg}`,
    `local x = undefined_var ${reg}`,
    `local k = KEYS ${reg}`,
    `local g = _G ${reg}`,
    `x = 1 ${reg}`,
    `redis.log(redis.LOG_NOTICE, 'loading') ${reg}`,
    `local v = redis.REDIS_VERSION .. redis.REDIS_VERSION_NUM ${reg}`,
    `redis.setresp(3) ${reg}`,
    `redis.sha1hex('x') ${reg}`,
    `local e = redis.error_reply ${reg}`,
    `local c = redis.call ${reg}`,
    `server.register_function('f', function() return 1 end)`,
    `redis.x = 1 ${reg}`,
    'return 1',
    `${reg} return {1, 2}`,
    `${reg} error('after')`,
    `local n = nil + 1 ${reg}`,
  ];
  const stream: Argv[] = [];
  bodies.forEach((body, i) => stream.push(['FUNCTION', 'FLUSH'], load(`lib${i}`, body), ['FCALL', 'f', '0']));
  await pair.assertSame('library load environment', stream);
});

test('redis.register_function checks its arguments as Redis 7.0 does', { skip }, async () => {
  const bodies = [
    "redis.register_function{function_name='f', callback=function() return 1 end, description=5}",
    "redis.register_function{function_name=4, callback=function() return 1 end}",
    "redis.register_function{FUNCTION_NAME='f', Callback=function() return 1 end}",
    "redis.register_function{function_name='f', callback=function() return 1 end, flags={'NO-WRITES'}}",
    "redis.register_function{function_name='f', callback=function() return 1 end, flags={'bad'}}",
    "redis.register_function{function_name='f', callback=function() return 1 end, flags='no-writes'}",
    "redis.register_function{function_name='f', callback=function() return 1 end, flags={1}}",
    "redis.register_function{function_name='f', callback=function() return 1 end, foo=5}",
    "redis.register_function{callback=function() return 1 end}",
    "redis.register_function{function_name='f'}",
    "redis.register_function{function_name='f', callback=5}",
    "redis.register_function({function_name='f', callback=function() return 1 end}, 1)",
    'redis.register_function()',
    "redis.register_function('f')",
    "redis.register_function('f', function() return 1 end, 3)",
    "redis.register_function({[1]='x'})",
    "redis.register_function('', function() return 1 end)",
    "redis.register_function('f-2', function() return 1 end)",
    'redis.register_function(1, function() return 1 end)',
    "redis.register_function('f', 'notfn')",
    "redis.register_function('f', function() return 1 end) redis.register_function('f', function() return 2 end)",
    "redis.register_function('f-2', function() return 1 end) error('not reached')",
  ];
  const stream: Argv[] = [];
  bodies.forEach((body, i) => stream.push(['FUNCTION', 'FLUSH'], load(`lib${i}`, body), ['FCALL', 'f', '0'], ['FCALL', '4', '0']));
  await pair.assertSame('register_function arguments', stream);
});

test('a function sees the full environment at call time, but no KEYS or ARGV globals', { skip }, async () => {
  await pair.assertSame('function call environment', [
    ['EVAL', 'return 1', '1', 'evalkey', 'evalarg'],
    load('envlib', [
      "redis.register_function('keys', function() return KEYS end)",
      "redis.register_function('argv', function() return ARGV end)",
      "redis.register_function('fmt', function(k, a) return string.format('%s:%d', a[1], #k) end)",
      "redis.register_function('reg', function() return type(redis.register_function) end)",
      "redis.register_function('set', function(k) return redis.call('set', k[1], 'v') end)",
      "redis.register_function('glob', function() x = 1 end)",
      "redis.register_function('g', function() return type(_G) end)",
    ].join('\n')),
    ['FCALL', 'keys', '0'],
    ['FCALL', 'argv', '0'],
    ['FCALL', 'fmt', '1', 'k', 'a'],
    ['FCALL', 'reg', '0'],
    ['FCALL', 'set', '1', 'fk'],
    ['FCALL', 'glob', '0'],
    ['FCALL', 'g', '0'],
    ['EVAL', 'return {KEYS[1], ARGV[1]}', '1', 'k2', 'a2'],
  ]);
});

test("string.format's unsigned conversions of negative and huge numbers are x86-64's, as on Redis", { skip }, async () => {
  const values = ['-1', '2^64', '-2^63', '2^63', '1e300', '-1e300', '0/0', '2^63+2^11', '-0.5', '-2^64', '4294967296.5', '-2^40'];
  await pair.assertSame('lua format unsigned', evals(values.map((v) => `return string.format('%x %u %o %X', ${v}, ${v}, ${v}, ${v})`)));
});

test('FUNCTION LIST shows registered flags in Redis\'s order, once each, and the description', { skip }, async () => {
  await pair.assertSame('function list flags', [
    ['FUNCTION', 'FLUSH'],
    load('flaglib', "redis.register_function{function_name='ff', callback=function() return 1 end, flags={'allow-stale','no-writes','NO-WRITES','No-Cluster'}, description=42}"),
    ['FUNCTION', 'LIST'],
    ['FUNCTION', 'LIST', 'WITHCODE'],
  ]);
});
