// Small helpers for side-by-side benchmarks of keyraft and Debian's redis-server: start either on
// a free loopback port (no persistence), stop it by pid, a pipelined raw-RESP client that counts
// complete replies without decoding them, and the statistics every script reports (pairedRatio).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

export function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface Proc {
  name: string;
  port: number;
  child: ChildProcess;
  dir: string;
}

export async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        res(true);
      });
      s.on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} never opened`);
}

export async function startServer(name: 'keyraft' | 'redis', extra: string[] = []): Promise<Proc> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const child =
    name === 'keyraft'
      ? spawn(process.execPath, [...extra, join(ROOT, 'dist/src/bin/keyraft-server.js'), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], { stdio: 'ignore' })
      : spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await waitPort(port);
  return { name, port, child, dir };
}

export async function stopServer(p: Proc): Promise<void> {
  if (p.child.exitCode === null) {
    const exited = new Promise((r) => p.child.once('exit', r));
    process.kill(p.child.pid!, 'SIGTERM');
    await exited;
  }
  rmSync(p.dir, { recursive: true, force: true });
}

/**
 * redis-benchmark in custom-command mode (`argv` with __rand_int__ placeholders) against a port;
 * returns requests per second.
 */
export function customBenchmark(port: number, argv: readonly string[], opts: { clients: number; requests: number; pipeline?: number }): number {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(opts.clients), '-n', String(opts.requests), '-P', String(opts.pipeline ?? 1), '-r', '100000', '--csv', ...argv];
  const r = spawnSync('redis-benchmark', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith(`"${argv[0]}`));
  if (!line) throw new Error(`no result line in: ${r.stdout}`);
  return Number(line.split(',')[1]!.replace(/"/g, ''));
}

export function encode(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}

/**
 * Returns the end offset of the complete reply starting at `pos`, or -1 if incomplete. Handles
 * the reply types a benchmark meets (+ - : $ * and RESP3 , _ %).
 */
function replyEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const nl = buf.indexOf(10, pos);
  if (nl < 0) return -1;
  const type = buf[pos];
  const head = Number(buf.latin1Slice(pos + 1, nl - 1));
  if (type === 0x24) {
    if (head < 0) return nl + 1;
    const end = nl + 1 + head + 2;
    return end <= buf.length ? end : -1;
  }
  if (type === 0x2a || type === 0x25) {
    let p = nl + 1;
    const n = head < 0 ? 0 : type === 0x25 ? head * 2 : head;
    for (let i = 0; i < n; i++) {
      p = replyEnd(buf, p);
      if (p < 0) return -1;
    }
    return p;
  }
  return nl + 1;
}

/** A raw pipelined connection: send many commands, await until all replies arrived. */
export class PipeClient {
  private pending: Buffer = Buffer.alloc(0);
  private received = 0;
  private waiting: { count: number; resolve: () => void } | null = null;

  private constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.pending = this.pending.length === 0 ? d : Buffer.concat([this.pending, d]);
      let p = 0;
      for (;;) {
        const e = replyEnd(this.pending, p);
        if (e < 0) break;
        p = e;
        this.received++;
      }
      this.pending = this.pending.subarray(p);
      if (this.waiting && this.received >= this.waiting.count) {
        const w = this.waiting;
        this.waiting = null;
        w.resolve();
      }
    });
  }

  static async open(port: number): Promise<PipeClient> {
    const sock = connect({ port, host: '127.0.0.1' });
    await new Promise((r) => sock.once('connect', r));
    return new PipeClient(sock);
  }

  /** Sends `commands` (already encoded), keeping at most `window` unanswered, and waits for all. */
  async run(commands: Iterable<string>, window = 64): Promise<void> {
    let sent = 0;
    const base = this.received;
    for (const c of commands) {
      if (sent - (this.received - base) >= window) await this.until(base + sent - window + 1);
      this.sock.write(c);
      sent++;
    }
    await this.until(base + sent);
  }

  private until(count: number): Promise<void> {
    if (this.received >= count) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting = { count, resolve };
    });
  }

  close(): void {
    this.sock.destroy();
  }
}

/**
 * CPU milliseconds (user + system) a process has used so far, from /proc/<pid>/stat. On a shared
 * machine this is steadier than wall time: it does not count time spent waiting for a core.
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in ticks.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The ratio a/b of two series measured in the same rounds, each a[i] right next to b[i]: the
 * median of the per-round ratios and their range, as "0.97 (0.91–1.02)". Pairing by round
 * cancels the drift of a shared machine, which a ratio of two averages, bests or medians does
 * not: on the benchmark VM the kernel's loopback path switches between two speeds for tens of
 * seconds at a time (the same kernel instructions taking 1.5 or 4.5 G cycles per 200,000
 * requests, for both servers and for redis-benchmark itself), and the disk's fdatasync time
 * moves 2x within a minute.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): { median: number; text: string } {
  const ratios = a.map((x, i) => x / b[i]!);
  const m = median(ratios);
  return { median: m, text: `${m.toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` };
}
