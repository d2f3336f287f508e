// `#!wasm` libraries end to end on a real keyraft process: FUNCTION LOAD of the SDK examples
// (compiled with asc at test time), FUNCTION LIST, FCALL/FCALL_RO with replies in RESP2 and
// RESP3, a command error ending the function, refused modules, and the library coming back after a
// SIGKILL through the AOF.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { kill9, startOn, stopKeep, tempDir } from '../persistence/aof-support.js';
import type { ServerProcess } from '../helpers/servers.js';
import { RespError } from '../helpers/resp.js';

const REPO_ROOT = new URL('../../../', import.meta.url);

interface BuildModule {
  buildLibrary(o: { entry: string; name: string }): Promise<{ wasm: Uint8Array; payload: string }>;
  EXAMPLES: { entry: string; name: string }[];
}

const payloads = new Map<string, string>();
const procs: ServerProcess[] = [];
const dirs: string[] = [];

before(async () => {
  const build = (await import(new URL('sdk/assemblyscript/build.mjs', REPO_ROOT).href)) as BuildModule;
  for (const ex of build.EXAMPLES) payloads.set(ex.name, (await build.buildLibrary(ex)).payload);
});

after(async () => {
  for (const p of procs) kill9(p);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function errorOf(v: unknown): string {
  assert.ok(v instanceof RespError, `expected an error, got ${JSON.stringify(v)}`);
  return v.message;
}

test('WASM libraries load, list, run, fail like Lua ones, and survive a SIGKILL through the AOF', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const args = ['--appendonly', 'yes', '--appendfsync', 'always'];
  let p = await startOn(dir, args);
  procs.push(p);
  let c = await p.connect();
  for (const name of ['ratelimit', 'lock', 'incr_expire']) assert.equal(await c.value('FUNCTION', 'LOAD', payloads.get(name)!), name);

  const list = (await c.value('FUNCTION', 'LIST', 'LIBRARYNAME', 'lock')) as unknown[];
  assert.equal(list.length, 1);
  const lib = list[0] as unknown[];
  assert.deepEqual(lib.slice(0, 4), ['library_name', 'lock', 'engine', 'WASM']);
  const fns = lib[5] as unknown[][];
  assert.deepEqual(
    fns.map((f) => [f[1], f[5]]),
    [['lock_acquire', []], ['lock_release', []], ['lock_extend', []], ['lock_owner', ['no-writes']]],
  );

  // incr_expire: INCR + EXPIRE.
  assert.equal(await c.value('FCALL', 'incr_expire', '1', 'hits', '100'), 1);
  assert.equal(await c.value('FCALL', 'incr_expire', '1', 'hits', '100'), 2);
  assert.equal(await c.value('TTL', 'hits'), 100);

  // ratelimit: limit 2 per 10 s.
  assert.deepEqual(await c.value('FCALL', 'ratelimit', '1', 'rl', '2', '10'), [1, 1, 10]);
  assert.deepEqual(await c.value('FCALL', 'ratelimit', '1', 'rl', '2', '10'), [1, 0, 10]);
  assert.deepEqual(await c.value('FCALL', 'ratelimit', '1', 'rl', '2', '10'), [0, 0, 10]);
  assert.deepEqual(await c.value('FCALL_RO', 'ratelimit_peek', '1', 'rl', '2'), [3, 0, 10]);
  assert.match(errorOf(await c.value('FCALL_RO', 'ratelimit', '1', 'rl', '2', '10')), /^ERR Can not execute a script with write flag using \*_ro command/);
  assert.equal(errorOf(await c.value('FCALL', 'ratelimit', '1', 'rl', 'x', '10')), 'ERR value is not an integer or out of range');

  // lock: compare-and-set.
  assert.equal(await c.value('FCALL', 'lock_acquire', '1', 'L', 'me', '60000'), 1);
  assert.equal(await c.value('FCALL', 'lock_acquire', '1', 'L', 'you', '60000'), 0);
  const pttl = (await c.value('PTTL', 'L')) as number;
  assert.ok(pttl > 59_000 && pttl <= 60_000, String(pttl));
  assert.equal(await c.value('FCALL_RO', 'lock_owner', '1', 'L'), 'me');
  assert.equal(await c.value('FCALL', 'lock_release', '1', 'L', 'you'), 0);
  assert.equal(await c.value('FCALL', 'lock_release', '1', 'L', 'me'), 1);
  assert.equal(await c.value('EXISTS', 'L'), 0);

  // A failing command inside call() ends the function with its error.
  await c.value('RPUSH', 'list', 'x');
  assert.match(errorOf(await c.value('FCALL', 'incr_expire', '1', 'list', '10')), /^WRONGTYPE Operation against a key holding the wrong kind of value/);

  // Refused modules.
  const wasi = Buffer.from(payloads.get('lock')!.split('\n')[1]!, 'base64');
  assert.match(errorOf(await c.value('FUNCTION', 'LOAD', '#!wasm name=bad\nnot-base64!')), /^ERR Error compiling function: .*base64/);
  assert.match(errorOf(await c.value('FUNCTION', 'LOAD', `#!wasm name=bad\n${wasi.subarray(0, 100).toString('base64')}`)), /^ERR Error compiling function: invalid WebAssembly module/);

  // RESP3: the same reply shapes.
  await c.value('HELLO', '3');
  assert.deepEqual(await c.value('FCALL', 'ratelimit', '1', 'rl2', '5', '10'), [1, 4, 10]);
  assert.equal(await c.value('FCALL_RO', 'lock_owner', '1', 'nobody'), null);

  // After SIGKILL the libraries come back from the AOF and the data the functions wrote is there.
  kill9(p);
  await p.waitExit();
  p = await startOn(dir, args);
  procs.push(p);
  c = await p.connect();
  assert.equal(await c.value('GET', 'hits'), '2');
  assert.equal(await c.value('FCALL', 'incr_expire', '1', 'hits', '100'), 3);
  assert.deepEqual(await c.value('FCALL_RO', 'ratelimit_peek', '1', 'rl', '2'), [3, 0, (await c.value('TTL', 'rl')) as number]);
  c.close();
  await stopKeep(p);
});
