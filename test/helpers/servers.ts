// Starting and stopping servers for tests: keyraft (the compiled binary) and Debian's
// redis-server as the reference. Each listens on 127.0.0.1 on a port the test picks, and is
// stopped by process id. Tests that need the reference Redis call `referenceRedisOrSkip`: in CI
// (CI set) a missing redis-server is a failure; elsewhere the test is skipped with the reason.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RespConnection } from './resp.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const KEYRAFT_BIN = join(REPO_ROOT, 'dist/src/bin/keyraft-server.js');

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export class ServerProcess {
  output = '';
  constructor(
    readonly name: string,
    readonly port: number,
    readonly child: ChildProcess,
    readonly dir: string,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  connect(): Promise<RespConnection> {
    return RespConnection.open(this.port);
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Waits for the process to exit; resolves with its exit code (null if killed by a signal). */
  waitExit(timeoutMs = 5000): Promise<number | null> {
    if (this.exited) return Promise.resolve(this.child.exitCode);
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`${this.name} (pid ${this.pid}) did not exit`)), timeoutMs);
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        res(code);
      });
    });
  }

  /** Stops the server by pid: SIGTERM, then SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (!this.exited) {
      try {
        process.kill(this.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      try {
        await this.waitExit(5000);
      } catch {
        process.kill(this.pid, 'SIGKILL');
        await this.waitExit(5000);
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function waitReady(proc: ServerProcess, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exited) throw new Error(`${proc.name} exited early:\n${proc.output}`);
    try {
      const c = await proc.connect();
      const r = await c.value('PING');
      c.close();
      if (r === 'PONG' || (r && typeof r === 'object')) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${proc.name} not ready on port ${proc.port}:\n${proc.output}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** Starts keyraft on a free port with extra `--directive value` arguments. */
export async function startKeyraft(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'keyraft-test-'));
  const child = spawn(process.execPath, [KEYRAFT_BIN, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const proc = new ServerProcess('keyraft', port, child, dir);
  await waitReady(proc);
  return proc;
}

let redisPath: string | null | undefined;

/** The path of redis-server, or null when it is not installed. */
export function findRedisServer(): string | null {
  if (redisPath !== undefined) return redisPath;
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  redisPath = r.status === 0 ? r.stdout.trim() : null;
  return redisPath;
}

/**
 * Whether tests needing the reference Redis can run. In CI a missing redis-server throws (the
 * test fails); elsewhere it returns a skip reason to pass to `t.skip()` / `{ skip }`.
 */
export function referenceRedisSkipReason(): string | false {
  if (findRedisServer()) return false;
  if (process.env.CI) throw new Error('redis-server is not installed, and CI must run the tests that compare against it');
  const reason = 'redis-server not installed (apt-get install redis-server); skipping the comparison with real Redis';
  console.log(`# SKIP: ${reason}`);
  return reason;
}

/** Starts Debian's redis-server on a free port, in-memory only. */
export async function startRedis(args: string[] = []): Promise<ServerProcess> {
  const bin = findRedisServer();
  if (!bin) throw new Error('redis-server is not installed');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-ref-'));
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = new ServerProcess('redis', port, child, dir);
  await waitReady(proc);
  return proc;
}
