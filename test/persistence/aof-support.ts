// Helpers for the append-only-file tests: keyraft processes that restart on the same --dir
// (startKeyraft makes a fresh one each time and removes it on stop), a SIGKILL, and a dump of the
// whole dataset (every db, key, type, value and exact expiry) read back with ordinary commands.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYRAFT_BIN, ServerProcess, freePort } from '../helpers/servers.js';
import { RespConnection, RespError, type RespValue } from '../helpers/resp.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'keyraft-aof-'));
}

/** Starts keyraft on `dir` and waits until it answers PING (or exits: then rejects with its output). */
export async function startOn(dir: string, args: string[] = [], timeoutMs = 15000): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [KEYRAFT_BIN, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = new ServerProcess('keyraft', port, child, dir);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exited) throw new StartError(proc.output, proc.child.exitCode);
    try {
      const c = await proc.connect();
      const r = await c.value('PING');
      c.close();
      if (r === 'PONG') return proc;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      kill9(proc);
      throw new Error(`keyraft not ready on port ${port}:\n${proc.output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export class StartError extends Error {
  constructor(
    readonly output: string,
    readonly code: number | null,
  ) {
    super(`keyraft exited at start (code ${code}):\n${output}`);
  }
}

/** Runs keyraft on `dir` expecting it to refuse to start; returns its output and exit code. */
export async function expectStartFailure(dir: string, args: string[] = []): Promise<{ output: string; code: number | null }> {
  try {
    const proc = await startOn(dir, args);
    kill9(proc);
    await proc.waitExit();
  } catch (e) {
    if (e instanceof StartError) return { output: e.output, code: e.code };
    throw e;
  }
  throw new Error('keyraft started although it should have refused');
}

export function kill9(proc: ServerProcess): void {
  if (!proc.exited) {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Stops with SIGTERM (a clean shutdown) and keeps the directory. */
export async function stopKeep(proc: ServerProcess): Promise<void> {
  if (proc.exited) return;
  process.kill(proc.pid, 'SIGTERM');
  try {
    await proc.waitExit(10000);
  } catch {
    kill9(proc);
    await proc.waitExit(5000);
  }
}

export async function killKeep(proc: ServerProcess): Promise<void> {
  kill9(proc);
  await proc.waitExit(10000);
}

function str(v: RespValue): string {
  if (v instanceof RespError) throw new Error(`unexpected error reply: ${v.message}`);
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

/**
 * Every key of every db with its type, value and PEXPIRETIME, as text lines, sorted. Lists and
 * sorted sets keep their order; hash and set members are kept in the server's own order too
 * (which random choices depend on) — a replay must reproduce it, not just the contents.
 */
export async function dumpDataset(c: RespConnection, dbs = 16): Promise<string[]> {
  const out: string[] = [];
  for (let db = 0; db < dbs; db++) {
    await c.value('SELECT', String(db));
    const keys = (await c.value('KEYS', '*')) as string[];
    for (const key of [...keys].sort()) {
      const type = (await c.value('TYPE', key)) as string;
      let value: RespValue;
      if (type === 'string') value = await c.value('GET', key);
      else if (type === 'list') value = await c.value('LRANGE', key, '0', '-1');
      else if (type === 'hash') value = await c.value('HGETALL', key);
      else if (type === 'set') value = await c.value('SMEMBERS', key);
      else if (type === 'zset') value = await c.value('ZRANGE', key, '0', '-1', 'WITHSCORES');
      else value = `unsupported type ${type}`;
      const at = await c.value('PEXPIRETIME', key);
      out.push(`db${db} ${JSON.stringify(key)} ${type} ${str(value)} expire=${str(at)}`);
    }
  }
  await c.value('SELECT', '0');
  return out;
}
