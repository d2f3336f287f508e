// Review regressions for scripting, against real Redis 7.0.15 where it is about its behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDifferentialPair } from '../helpers/differential.js';
import { RespError } from '../helpers/resp.js';

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
  const oom = /^ERR Error running script: not enough memory/;
  const cases: (string | Buffer)[][] = [
    ['EVAL', 'return #ARGV[1]', '0', Buffer.alloc(70 * 1024 * 1024, 97)],
    ['EVAL', "return #string.rep('x', 80 * 1024 * 1024)", '0'],
    ['EVAL', 'return #(ARGV[1] .. ARGV[1])', '0', Buffer.alloc(25 * 1024 * 1024, 99)],
    ['EVAL', "local t = {} local s = string.rep('y', 1024 * 1024) for i = 1, 200 do t[i] = s .. i end return #t", '0'],
  ];
  for (let round = 0; round < 3; round++) {
    for (const argv of cases) {
      const r = await c.value(...argv);
      assert.ok(r instanceof RespError, `expected an error, got ${JSON.stringify(r)}`);
      assert.match(r.message, oom);
      // What the failed run allocated is reclaimed: a 12 MB argument still fits afterwards.
      assert.equal(await c.value('EVAL', 'return #ARGV[1]', '0', Buffer.alloc(12 * 1024 * 1024, 98)), 12 * 1024 * 1024);
      assert.equal(await c.value('EVAL', "return cjson.encode({a = {1, 2}})", '0'), '{"a":[1,2]}');
    }
  }
  c.close();
});
