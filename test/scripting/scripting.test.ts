// Scripting behaviour specific to keyraft's design, on real processes: a script is one write
// entry holding the commands it ran (replayed after SIGKILL without the script cache),
// libraries survive restarts through the AOF and through snapshots, a script's SELECT does not
// leak to its caller, a blocked client is served by a script's push once the script is done,
// math.random carries on across scripts (as Redis 7), and the sandbox refuses every escape we know of.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { kill9, startOn, stopKeep, tempDir } from '../persistence/aof-support.js';
import { startKeyraft, type ServerProcess } from '../helpers/servers.js';
import { RespError, type RespConnection } from '../helpers/resp.js';

const procs: ServerProcess[] = [];
const dirs: string[] = [];
after(async () => {
  for (const p of procs) kill9(p);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const LIB = `#!lua name=counters
redis.register_function('bump', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)
redis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}`;

/** keyraft with appendfsync always on a fresh directory, which can be SIGKILLed and restarted there. */
async function aofKeyraft(): Promise<{ dir: string; connect(): Promise<RespConnection>; crashAndRestart(): Promise<RespConnection>; stop(): Promise<void> }> {
  const dir = tempDir();
  dirs.push(dir);
  const args = ['--appendonly', 'yes', '--appendfsync', 'always'];
  let p = await startOn(dir, args);
  procs.push(p);
  return {
    dir,
    connect: () => p.connect(),
    async crashAndRestart() {
      kill9(p);
      await p.waitExit();
      p = await startOn(dir, args);
      procs.push(p);
      return p.connect();
    },
    stop: () => stopKeep(p),
  };
}

function aofText(dir: string): string {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.aof$|appendonly/.test(e.name)) files.push(join(d, e.name));
    }
  };
  walk(dir);
  return files.map((f) => readFileSync(f, 'latin1')).join('');
}

test('a script is logged as the commands it ran and replays after SIGKILL without the script', async () => {
  const server = await aofKeyraft();
  let c = await server.connect();
  assert.equal(await c.value('FUNCTION', 'LOAD', LIB), 'counters');
  const script = "redis.call('set', KEYS[1], ARGV[1]) redis.call('rpush', KEYS[2], 'a', 'b') redis.call('lpop', KEYS[2]) return redis.call('get', KEYS[1])";
  assert.equal(await c.value('EVAL', script, '2', 's', 'l', 'v1'), 'v1');
  assert.equal(await c.value('FCALL', 'bump', '1', 'n', '5'), 5);
  assert.equal(await c.value('FCALL', 'bump', '1', 'n', '2'), 7);
  // A read-only script writes no entry at all.
  assert.equal(await c.value('EVAL', "return redis.call('get', KEYS[1])", '1', 's'), 'v1');
  const text = aofText(server.dir);
  assert.ok(!text.includes("redis.call('set'"), 'the script source is not in the AOF');
  assert.ok(text.includes('rpush') && text.includes('incrby'), 'the commands it ran are');
  c = await server.crashAndRestart();
  assert.equal(await c.value('GET', 's'), 'v1');
  assert.deepEqual(await c.value('LRANGE', 'l', '0', '-1'), ['b']);
  assert.equal(await c.value('GET', 'n'), '7');
  // The library came back through its logged FUNCTION LOAD; the EVAL cache did not (as Redis).
  assert.equal(await c.value('FCALL_RO', 'peek', '1', 'n'), '7');
  assert.deepEqual(await c.value('SCRIPT', 'EXISTS', 'ffffffffffffffffffffffffffffffffffffffff'), [0]);
  c.close();
  await server.stop();
});

test('libraries are part of snapshots (SAVE, restart, DEBUG RELOAD) and FUNCTION DUMP/RESTORE round-trips', async () => {
  const dir = tempDir();
  dirs.push(dir);
  let p = await startOn(dir, ['--enable-debug-command', 'yes']);
  procs.push(p);
  let c = await p.connect();
  await c.value('FUNCTION', 'LOAD', LIB);
  await c.value('SET', 'n', '1');
  assert.equal(await c.value('SAVE'), 'OK');
  assert.equal(await c.value('DEBUG', 'RELOAD'), 'OK');
  assert.equal(await c.value('FCALL', 'bump', '1', 'n', '1'), 2);
  const dump = (await c.value('FUNCTION', 'DUMP')) as string;
  assert.equal(await c.value('SAVE'), 'OK');
  c.close();
  await stopKeep(p);
  p = await startOn(dir);
  procs.push(p);
  c = await p.connect();
  assert.equal(await c.value('FCALL', 'bump', '1', 'n', '1'), 3);
  assert.equal(await c.value('FUNCTION', 'FLUSH'), 'OK');
  assert.ok((await c.value('FCALL', 'bump', '1', 'n', '1')) instanceof RespError);
  assert.equal(await c.value('FUNCTION', 'RESTORE', dump), 'OK');
  assert.equal(await c.value('FCALL', 'bump', '1', 'n', '1'), 4);
  // INFO memory counts libraries, functions and cached scripts.
  await c.value('SCRIPT', 'LOAD', 'return 1');
  const info = String(await c.value('INFO', 'memory'));
  assert.match(info, /\r\nnumber_of_libraries:1\r\n/);
  assert.match(info, /\r\nnumber_of_functions:2\r\n/);
  assert.match(info, /\r\nnumber_of_cached_scripts:1\r\n/);
  assert.match(info, /\r\nused_memory_functions:[1-9]\d*\r\n/);
  // FUNCTION STATS: nothing running, and both engines with their counts.
  assert.deepEqual(await c.value('FUNCTION', 'STATS'), [
    'running_script',
    null,
    'engines',
    ['LUA', ['libraries_count', 1, 'functions_count', 2], 'WASM', ['libraries_count', 0, 'functions_count', 0]],
  ]);
  const clash = await c.value('FUNCTION', 'RESTORE', dump);
  assert.ok(clash instanceof RespError && clash.message === "ERR Library 'counters' already exists", String(clash));
  assert.equal(await c.value('FUNCTION', 'RESTORE', dump, 'REPLACE'), 'OK');
  assert.equal(await c.value('FUNCTION', 'RESTORE', dump, 'FLUSH'), 'OK');
  const bad = Buffer.from(dump, 'latin1');
  bad[0] = bad[0]! ^ 1;
  const refused = await c.value('FUNCTION', 'RESTORE', bad.toString('latin1'));
  assert.ok(refused instanceof RespError && /payload version or checksum are wrong/.test(refused.message));
  c.close();
  await stopKeep(p);
});

test('libraries survive an AOF rewrite (they are in the BASE) and a SIGKILL after it', async () => {
  const server = await aofKeyraft();
  let c = await server.connect();
  await c.value('FUNCTION', 'LOAD', LIB);
  await c.value('FCALL', 'bump', '1', 'n', '3');
  assert.equal(await c.value('BGREWRITEAOF'), 'Background append only file rewriting started');
  for (let i = 0; i < 200 && /aof_rewrite_in_progress:1/.test(String(await c.value('INFO', 'persistence'))); i++) await new Promise((r) => setTimeout(r, 20));
  await c.value('FCALL', 'bump', '1', 'n', '4');
  c = await server.crashAndRestart();
  assert.equal(await c.value('FCALL', 'bump', '1', 'n', '0'), 7);
  c.close();
  await server.stop();
});

test('a script SELECT stays inside the script, also inside MULTI, and replays in the right db', async () => {
  const server = await aofKeyraft();
  let c = await server.connect();
  await c.value('MULTI');
  await c.value('EVAL', "redis.call('select', 3) return redis.call('set', 'in3', 'x')", '0');
  await c.value('SET', 'in0', 'y');
  assert.deepEqual(await c.value('EXEC'), ['OK', 'OK']);
  assert.equal(await c.value('GET', 'in0'), 'y');
  c = await server.crashAndRestart();
  assert.equal(await c.value('GET', 'in0'), 'y', 'the command after the script replays in db 0');
  assert.equal(await c.value('GET', 'in3'), null);
  await c.value('SELECT', '3');
  assert.equal(await c.value('GET', 'in3'), 'x');
  c.close();
  await server.stop();
});

test('a client blocked on a list is served once the script that pushed is complete', async () => {
  const p = await startKeyraft(['--save', '']);
  procs.push(p);
  const blocked = await p.connect();
  const c = await p.connect();
  const pending = blocked.value('BLPOP', 'q', '5');
  await new Promise((r) => setTimeout(r, 50));
  // The script pushes two and pops one; the waiter must see the state after the whole script.
  const r = await c.value('EVAL', "redis.call('rpush', KEYS[1], 'first', 'second') redis.call('lpop', KEYS[1]) return redis.call('llen', KEYS[1])", '1', 'q');
  assert.equal(r, 1);
  assert.deepEqual(await pending, ['q', 'second']);
  blocked.close();
  c.close();
  await p.stop();
});

test('math.random carries on from script to script (Redis 7 does not reseed) and math.randomseed works', async () => {
  const p = await startKeyraft(['--save', '']);
  procs.push(p);
  const c = await p.connect();
  const values = new Set<string>();
  for (let i = 0; i < 5; i++) values.add(String(await c.value('EVAL', 'return tostring(math.random())', '0')));
  assert.ok(values.size > 1, 'the sequence is not restarted for each script');
  const inOne = (await c.value('EVAL', 'local a = math.random() math.randomseed(1) local b = math.random() math.randomseed(1) return {tostring(b), tostring(math.random())}', '0')) as string[];
  assert.equal(inOne[0], inOne[1], 'the sequence is a deterministic function of the seed');
  c.close();
  await p.stop();
});

test('sandbox escapes fail with errors', async () => {
  const p = await startKeyraft(['--save', '']);
  procs.push(p);
  const c = await p.connect();
  const attempts = [
    "return os.execute('touch /tmp/keyraft-escaped')",
    "return io.open('/etc/passwd'):read('*a')",
    "return require('os')",
    "return dofile('/etc/passwd')",
    "return loadfile('/etc/passwd')",
    'return loadstring(string.dump(function() return 1 end))()',
    'return debug.getinfo(1)',
    "setmetatable(_G, nil) _G.os = 1 return 1",
    "getmetatable(_G).__newindex = nil x = 1 return x",
    "rawset(_G, 'evil', 1) return evil",
    "redis.call = function() return 'hijacked' end return 1",
    "local s = string s.rep = nil return 1",
    "return package.loaded",
    "return newproxy(true)",
  ];
  for (const script of attempts) {
    const r = await c.value('EVAL', script, '0');
    assert.ok(r instanceof RespError, `${script} -> ${JSON.stringify(r)}`);
  }
  // Still healthy, and redis.call was not replaced.
  assert.equal(await c.value('EVAL', "return redis.call('ping')", '0'), 'PONG');
  c.close();
  await p.stop();
});
