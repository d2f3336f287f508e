// Review of keyraft's Lua build: the interpreter's memory (capped at 512 MB, docs/SCRIPTING.md)
// must be the script's. The glue's own buffers (a redis.call reply, an argument block) that grew
// large for one call must not keep that memory from the scripts that follow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';
import { RespError } from '../helpers/resp.js';

let server: ServerProcess;
before(async () => {
  server = await startKeyraft(['--save', '']);
});
after(async () => {
  await server?.stop();
});

const MB = 1024 * 1024;
/** A 64 MB string built by doubling: some 200 MB of the interpreter's heap at its peak. */
const BUILD_64MB = "local s = string.rep('x', 2^20) for i = 1, 6 do s = s .. s end return #s";

test('a big redis.call reply leaves the interpreter its memory for the next script', async () => {
  const c = await server.connect();
  await c.value('SETRANGE', 'review-big', String(130 * MB - 1), 'x');
  assert.equal(await c.value('EVAL', "return #redis.call('get', KEYS[1])", '1', 'review-big'), 130 * MB);
  // The next script, which does no redis.call of its own, gets the heap back (the reply's area
  // was kept, grown to 256 MB, until the next redis.call).
  assert.equal(await c.value('EVAL', BUILD_64MB, '0'), 64 * MB);
  await c.value('DEL', 'review-big');
  c.close();
});

test('a script that built a big string leaves room for a big reply in the next one', async () => {
  const c = await server.connect();
  await c.value('SETRANGE', 'review-big', String(130 * MB - 1), 'x');
  assert.equal(await c.value('EVAL', BUILD_64MB, '0'), 64 * MB);
  // Lua's concatenation buffer, 64 MB and allocated high in the module's memory, split the
  // free space: the 130 MB reply and its 130 MB Lua string no longer fitted.
  assert.equal(await c.value('EVAL', "local v = redis.call('get', KEYS[1]) return #v", '1', 'review-big'), 130 * MB);
  await c.value('DEL', 'review-big');
  c.close();
});

test('a script that ran out of memory leaves the interpreter able to take big values', async () => {
  const c = await server.connect();
  await c.value('SETRANGE', 'review-big', String(130 * MB - 1), 'x');
  const r = await c.value('EVAL', "local s = string.rep('x', 2^20) for i = 1, 7 do s = s .. s end return #s", '0');
  assert.ok(r instanceof RespError && /not enough memory/.test(r.message), `expected an out of memory error, got ${JSON.stringify(r)}`);
  for (let i = 0; i < 2; i++) assert.equal(await c.value('EVAL', "return #redis.call('get', KEYS[1])", '1', 'review-big'), 130 * MB);
  assert.equal(await c.value('EVAL', 'return 1', '0'), 1);
  await c.value('DEL', 'review-big');
  c.close();
});
