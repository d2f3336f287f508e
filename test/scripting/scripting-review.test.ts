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
