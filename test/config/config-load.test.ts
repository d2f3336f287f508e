// Configuration end to end on spawned keyraft processes: a config file, KEYRAFT_* environment
// variables and --flags with the precedence flags > env > file > defaults (CONFIG GET shows the
// winner); an unknown or malformed directive stops startup with a message naming it; CONFIG
// REWRITE writes a file that keeps the original's comments and loads back. Plus the rewrite's
// text on its own, in process.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYRAFT_BIN, ServerProcess, freePort } from '../helpers/servers.js';
import { RespError, type RespConnection } from '../helpers/resp.js';
import { Config, loadConfig, ConfigError } from '../../src/config/config.js';

const dirs: string[] = [];
const procs: ServerProcess[] = [];

after(async () => {
  for (const p of procs) await p.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keyraft-config-'));
  dirs.push(d);
  return d;
}

/** Spawns keyraft with a config file first (as Redis takes it) and waits until it answers. */
async function startWithFile(file: string, flags: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dir = tempDir();
  const child = spawn(process.execPath, [KEYRAFT_BIN, file, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const proc = new ServerProcess('keyraft', port, child, dir);
  procs.push(proc);
  const deadline = Date.now() + 10000;
  for (;;) {
    if (proc.exited) throw new Error(`keyraft exited early:\n${proc.output}`);
    try {
      const c = await proc.connect();
      await c.value('PING');
      c.close();
      return proc;
    } catch {
      if (Date.now() > deadline) throw new Error(`keyraft not ready:\n${proc.output}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  }
}

/** Spawns keyraft expecting it to refuse to start; returns its exit code and output. */
async function startFailing(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const dir = tempDir();
  const child = spawn(process.execPath, [KEYRAFT_BIN, ...args.map((a) => a.replace('$PORT', String(port)))], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const proc = new ServerProcess('keyraft', port, child, dir);
  procs.push(proc);
  const code = await proc.waitExit(10000);
  return { code, output: proc.output };
}

async function configGet(c: RespConnection, name: string): Promise<string> {
  const v = (await c.value('CONFIG', 'GET', name)) as string[];
  assert.equal(v.length, 2, `${name}: ${JSON.stringify(v)}`);
  return v[1]!;
}

test('precedence: flags > environment > file > defaults', async () => {
  const dir = tempDir();
  const file = join(dir, 'keyraft.conf');
  writeFileSync(
    file,
    ['# test configuration', 'maxmemory-policy allkeys-lru', 'hz 20', 'timeout 30', 'databases 4', 'maxmemory 2mb', ''].join('\n'),
  );
  const k = await startWithFile(file, ['--timeout', '50', '--maxmemory', '3mb'], { KEYRAFT_HZ: '30', KEYRAFT_TIMEOUT: '40', KEYRAFT_MAXMEMORY: '4mb' });
  const c = await k.connect();
  assert.equal(await configGet(c, 'maxmemory-policy'), 'allkeys-lru'); // file
  assert.equal(await configGet(c, 'hz'), '30'); // env over file
  assert.equal(await configGet(c, 'timeout'), '50'); // flag over env and file
  assert.equal(await configGet(c, 'maxmemory'), String(3 * 1024 * 1024)); // flag over env and file
  assert.equal(await configGet(c, 'databases'), '4'); // file
  assert.equal(await configGet(c, 'maxclients'), '10000'); // default
  const dbErr = await c.value('SELECT', '4');
  assert.ok(dbErr instanceof RespError && dbErr.message === 'ERR DB index is out of range');
  assert.match((await c.value('INFO', 'server')) as string, new RegExp(`\\r\\nconfig_file:${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\r\\n`));
  c.close();
});

test('an unknown directive in the file stops startup, naming it', async () => {
  const dir = tempDir();
  const file = join(dir, 'bad.conf');
  writeFileSync(file, 'hz 10\nno-such-directive yes\n');
  const r = await startFailing([file, '--port', '$PORT']);
  assert.notEqual(r.code, 0);
  assert.match(r.output, /no-such-directive/);
  assert.match(r.output, /bad\.conf:2/);
});

test('an unknown flag, a bad value and an unknown KEYRAFT_ variable stop startup too', async () => {
  const flag = await startFailing(['--port', '$PORT', '--frobnicate', 'yes']);
  assert.notEqual(flag.code, 0);
  assert.match(flag.output, /frobnicate/);
  const value = await startFailing(['--port', '$PORT', '--maxmemory-policy', 'sometimes']);
  assert.notEqual(value.code, 0);
  assert.match(value.output, /maxmemory-policy/);
  const env = await startFailing(['--port', '$PORT'], { KEYRAFT_NO_SUCH_THING: '1' });
  assert.notEqual(env.code, 0);
  assert.match(env.output, /no-such-thing/);
});

test('CONFIG REWRITE writes a file that keeps its comments and loads back', async () => {
  const dir = tempDir();
  const file = join(dir, 'keyraft.conf');
  writeFileSync(file, ['# my settings', 'hz 15', '', '# memory', 'maxmemory-policy allkeys-lru', 'save 900 1', 'save 300 10', ''].join('\n'));
  const k = await startWithFile(file, []);
  const c = await k.connect();
  assert.equal(await c.value('CONFIG', 'SET', 'hz', '42', 'maxmemory-policy', 'volatile-ttl', 'timeout', '77', 'save', ''), 'OK');
  assert.equal(await c.value('CONFIG', 'REWRITE'), 'OK');
  c.close();
  const text = readFileSync(file, 'latin1');
  const lines = text.split('\n');
  assert.equal(lines[0], '# my settings');
  assert.equal(lines[1], 'hz 42');
  assert.ok(lines.includes('# memory'));
  assert.ok(lines.includes('maxmemory-policy volatile-ttl'));
  assert.equal(lines.filter((l) => l.startsWith('save')).length, 1);
  assert.ok(lines.includes('save ""'));
  assert.ok(lines.includes('timeout 77'));
  assert.ok(lines.includes('# Generated by CONFIG REWRITE'));
  await k.stop();

  const again = await startWithFile(file, []);
  const c2 = await again.connect();
  assert.equal(await configGet(c2, 'hz'), '42');
  assert.equal(await configGet(c2, 'maxmemory-policy'), 'volatile-ttl');
  assert.equal(await configGet(c2, 'timeout'), '77');
  assert.equal(await configGet(c2, 'save'), '');
  c2.close();
});

test('CONFIG REWRITE without a config file fails as in Redis', async () => {
  const config = new Config();
  assert.throws(() => config.rewrite(), (e: unknown) => e instanceof ConfigError && e.message === 'The server is running without a config file');
});

test('render: values that need quoting round-trip through the file parser', () => {
  const dir = tempDir();
  const file = join(dir, 'q.conf');
  const config = new Config();
  config.apply('requirepass', ['pa ss"wo\\rd'], 'test');
  config.apply('bind', ['127.0.0.1', '::1'], 'test');
  config.apply('notify-keyspace-events', ['KEA'], 'test');
  writeFileSync(file, config.render(''));
  const loaded = loadConfig([file], {});
  assert.equal(loaded.get('requirepass'), 'pa ss"wo\\rd');
  assert.equal(loaded.get('bind'), '127.0.0.1 ::1');
  assert.equal(loaded.get('notify-keyspace-events'), 'AKE'); // canonical, as Redis shows it
  assert.equal(loaded.get('hz'), '10');
});
