// Review regressions for scripting, against real Redis 7.0.15 where it is about its behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDifferentialPair } from '../helpers/differential.js';
import { encodeCommand, RespError } from '../helpers/resp.js';

const { skip, pair } = useDifferentialPair(['--busy-reply-threshold', '5000'], ['--busy-reply-threshold', '5000']);

test('FUNCTION LOAD of a library that never ends stops after ~500 ms with Redis\'s error, whatever budget the last script had', { skip }, async () => {
  // The EVAL leaves the interpreter with busy-reply-threshold's budget (5 s); loading must not inherit it.
  await pair.assertSame('load timeout', [
    ['EVAL', 'return 1', '0'],
    ['FUNCTION', 'LOAD', '#!lua name=endless\nwhile true do end'],
    ['FUNCTION', 'LIST'],
  ]);
  const c = await pair.keyraft.connect();
  await c.value('EVAL', 'return 1', '0');
  const started = Date.now();
  const r = await c.value('FUNCTION', 'LOAD', '#!lua name=endless2\nlocal n = 0 while true do n = n + 1 end');
  const elapsedMs = Date.now() - started;
  assert.ok(r instanceof RespError);
  assert.equal(r.message, 'ERR Error registering functions: ERR FUNCTION LOAD timeout');
  assert.ok(elapsedMs < 2000, `FUNCTION LOAD took ${elapsedMs} ms`);
  c.close();
});

test('a script that runs the interpreter out of memory gets an error; the server and later scripts carry on', { skip }, async () => {
  // Before: the interpreter's malloc aborted and the RuntimeError ended the keyraft process.
  const c = await pair.keyraft.connect();
  const oom = /^ERR Error running script: not enough memory \(keyraft scripts have a 512 MB interpreter heap\)/;
  // The interpreter's memory is capped at 512 MB (native/lua/build.sh). Doubling strings gets
  // there in a few copies (string.rep builds byte by byte: far slower).
  const doubled = (times: number) => `local s = string.rep('x', 1024 * 1024) for i = 1, ${times} do s = s .. s end return #s`;
  const cases: (string | Buffer)[][] = [
    ['EVAL', doubled(10), '0'],
    ['EVAL', 'return #(ARGV[1] .. ARGV[1] .. ARGV[1] .. ARGV[1] .. ARGV[1] .. ARGV[1] .. ARGV[1] .. ARGV[1])', '0', Buffer.alloc(70 * 1024 * 1024, 99)],
    ['EVAL', "local t = {} local s = string.rep('y', 1024 * 1024) for i = 1, 600 do t[i] = s .. i end return #t", '0'],
  ];
  // Filling 512 MB takes a second or two, more on a loaded machine: a longer wait than value()'s.
  const slowValue = async (argv: (string | Buffer)[]) => {
    c.writeRaw(encodeCommand(argv));
    return (await c.next(30_000)).value;
  };
  for (let round = 0; round < 2; round++) {
    for (const argv of cases) {
      const r = await slowValue(argv);
      assert.ok(r instanceof RespError, `expected an error, got ${JSON.stringify(r)}`);
      assert.match(r.message, oom);
      // What the failed run allocated is reclaimed: a 64 MB string still fits afterwards.
      assert.equal(await slowValue(['EVAL', doubled(6), '0']), 64 * 1024 * 1024);
      assert.equal(await c.value('EVAL', "return cjson.encode({a = {1, 2}})", '0'), '{"a":[1,2]}');
    }
  }
  c.close();
});

test('CLIENT PAUSE WRITE holds EVAL/EVALSHA/FCALL that may write (as Redis does) and lets no-writes scripts, EVAL_RO and FCALL_RO through', { skip }, async () => {
  for (const server of [pair.redis, pair.keyraft]) {
    const admin = await server.connect();
    const c = await server.connect();
    await admin.value('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=pauselib\nredis.register_function('pw', function(keys) return redis.call('incr', keys[1]) end)\nredis.register_function{function_name='pr', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}");
    const sha = (await admin.value('SCRIPT', 'LOAD', "return redis.call('incr', KEYS[1])")) as string;
    const timed = async (argv: string[]): Promise<number> => {
      await admin.value('CLIENT', 'PAUSE', '400', 'WRITE');
      const started = Date.now();
      await c.value(...argv);
      const ms = Date.now() - started;
      await admin.value('CLIENT', 'UNPAUSE');
      return ms;
    };
    const held = [
      ['EVAL', "return redis.call('incr', KEYS[1])", '1', 'pk'],
      ['EVAL', 'return 1', '0'],
      ['EVALSHA', sha, '1', 'pk'],
      ['FCALL', 'pw', '1', 'pk'],
    ];
    const free = [
      ['EVAL', '#!lua flags=no-writes\nreturn 1', '0'],
      ['EVAL_RO', "return redis.call('get', KEYS[1])", '1', 'pk'],
      ['FCALL', 'pr', '1', 'pk'],
      ['FCALL_RO', 'pr', '1', 'pk'],
    ];
    for (const argv of held) assert.ok((await timed(argv)) >= 250, `${server === pair.redis ? 'redis' : 'keyraft'}: ${argv.join(' ')} should wait for the pause`);
    for (const argv of free) assert.ok((await timed(argv)) < 250, `${server === pair.redis ? 'redis' : 'keyraft'}: ${argv.join(' ')} should not wait`);
    // EXEC holding a script that may write waits too.
    await c.value('MULTI');
    await c.value('EVAL', 'return 1', '0');
    assert.ok((await timed(['EXEC'])) >= 250, 'EXEC with EVAL should wait for the pause');
    admin.close();
    c.close();
  }
});

test('scripts may run XREAD, XREADGROUP, BLMPOP and BZMPOP (never blocking; BLOCK refused as Redis words it); BLPOP & co stay refused', { skip }, async () => {
  const ev = (body: string): string[] => ['EVAL', body, '0'];
  await pair.assertSame('blocking commands in scripts', [
    ['DEL', 'bs-l', 'bs-z', 'bs-s'],
    ['XADD', 'bs-s', '1-1', 'f', 'v'],
    ev("return redis.call('xread', 'COUNT', '1', 'STREAMS', 'bs-s', '0')"),
    ev("return redis.call('xread', 'count', '1', 'BLOCK', '0', 'STREAMS', 'bs-s', '0')"),
    ev("return redis.call('XREAD', 'BLOCK', '10', 'STREAMS', 'bs-s', '$')"),
    ['XGROUP', 'CREATE', 'bs-s', 'g', '0'],
    ev("return redis.call('xreadgroup', 'GROUP', 'g', 'c', 'COUNT', '5', 'STREAMS', 'bs-s', '>')"),
    ev("return redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'bs-s', '>')"),
    ev("return redis.call('blmpop', '0', '1', 'bs-l', 'left')"),
    ['RPUSH', 'bs-l', 'a', 'b'],
    ev("return redis.call('blmpop', '5', '1', 'bs-l', 'right', 'COUNT', '2')"),
    ev("return redis.call('bzmpop', '1', '1', 'bs-z', 'min')"),
    ['ZADD', 'bs-z', '1', 'm'],
    ev("return redis.call('bzmpop', '0', '1', 'bs-z', 'max')"),
    ev("return redis.call('blpop', 'bs-l', '0')"),
    ev("return redis.call('bzpopmin', 'bs-z', '0')"),
    ev("return redis.call('brpoplpush', 'bs-l', 'x', '0')"),
  ]);
});

// Redis 7.0 formats a Lua number passed to redis.call with "%.17g", not Lua's own "%.14g":
// past 14 significant digits the latter loses precision (BullMQ's delayed-job scores,
// timestamp * 0x1000 + counter, would lose their counter) and 2^53 would become
// "9.007199254741e+15", which INCRBY refuses. (keyraft's first interpreter had that bug.)
test('Lua numbers passed to redis.call are formatted as Redis 7.0 does (%.17g)', { skip }, async () => {
  await pair.assertSame('numbers as arguments', [
    ['EVAL', "redis.call('set', KEYS[1], 2^53) return redis.call('incrby', KEYS[1], 1)", '1', 'num-a'],
    ['EVAL', "redis.call('zadd', KEYS[1], 1700000000000 * 0x1000 + 5, 'job') return redis.call('zscore', KEYS[1], 'job')", '1', 'num-z'],
    ['EVAL', "return redis.call('echo', 0.1)", '0'],
  ]);
});
