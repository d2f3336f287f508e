// `node dist/scripts/bench-inproc.js`: the cost of keyraft's own code per command — parse,
// dispatch, execute, render — with the network taken out. A fake socket feeds 16-command
// pipelines (as redis-benchmark -P 16 sends them) to a real Client and swallows the replies.
// Reports CPU nanoseconds per command, which is far steadier than requests per second on a
// shared machine. Used to check optimisations of the hot path; not a test.

import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { Config } from '../src/config/config.js';
import { ServerState } from '../src/server/state.js';
import { Client } from '../src/net/client.js';

class FakeSocket extends EventEmitter {
  remoteAddress = '127.0.0.1';
  remotePort = 1;
  localAddress = '127.0.0.1';
  localPort = 6379;
  writableLength = 0;
  bytesOut = 0;
  setNoDelay(): void {}
  setKeepAlive(): void {}
  write(b: Buffer): boolean {
    this.bytesOut += b.length;
    return true;
  }
  pause(): void {}
  resume(): void {}
  end(): void {}
  destroy(): void {}
}

function encode(argv: string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
}

function pipelineOf(make: (i: number) => string[], depth: number, variants: number): Buffer[] {
  const out: Buffer[] = [];
  for (let v = 0; v < variants; v++) {
    let s = '';
    for (let i = 0; i < depth; i++) s += encode(make(v * depth + i));
    out.push(Buffer.from(s, 'latin1'));
  }
  return out;
}

const INCR_EXPIRE = "local v = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], ARGV[1]) return v";
const INCR_EXPIRE_SHA = createHash('sha1').update(INCR_EXPIRE).digest('hex');
const INCR_EXPIRE_LIBRARY = "#!lua name=bench\nredis.register_function('incr_expire_lua', function(keys, args) local v = redis.call('INCR', keys[1]) redis.call('EXPIRE', keys[1], args[1]) return v end)";
const key = (i: number) => `key:${String((i * 7919) % 100000).padStart(12, '0')}`;
const CASES: Record<string, (i: number) => string[]> = {
  PING: () => ['PING'],
  SET: (i) => ['SET', key(i), 'xxx'],
  GET: (i) => ['GET', key(i)],
  INCR: (i) => ['INCR', `counter:${i % 1000}`],
  MSET: (i) => ['MSET', ...Array.from({ length: 10 }, (_, j) => [key(i * 10 + j), 'xxx']).flat()],
  SADD: (i) => ['SADD', 'myset', `element:${i % 100000}`],
  SPOP: () => ['SPOP', 'myset'],
  ZADD: (i) => ['ZADD', 'myzset', String(i % 1000), `element:${i % 100000}`],
  LPUSH: () => ['LPUSH', 'mylist', 'xxx'],
  // As bench-hll-geo's GEOADD: redis-benchmark's __rand_int__ is 12 digits.
  GEOADD: (i) => ['GEOADD', 'geoadd', `13.${String(i % 100000).padStart(12, '0')}`, `52.${String((i * 7) % 100000).padStart(12, '0')}`, `m:${String(i % 100000).padStart(12, '0')}`],
  EVALSHA: (i) => ['EVALSHA', INCR_EXPIRE_SHA, '1', `counter:${i % 1000}`, '100'],
  FCALL: (i) => ['FCALL', 'incr_expire_lua', '1', `counter:${i % 1000}`, '100'],
  FCALL_WASM: (i) => ['FCALL', 'incr_expire', '1', `counter:${i % 1000}`, '100'],
};

const server = new ServerState(new Config());
const socket = new FakeSocket();
const client = new Client(server, socket as unknown as Socket, 1);
socket.emit('data', Buffer.from(encode(['SCRIPT', 'LOAD', INCR_EXPIRE]) + encode(['FUNCTION', 'LOAD', INCR_EXPIRE_LIBRARY]), 'latin1'));
// The SDK's AssemblyScript example (npm run build:wasm-examples), when built.
const WASM_PAYLOAD = join(import.meta.dirname, '../../sdk/assemblyscript/build/incr_expire.wasmlib');
if (existsSync(WASM_PAYLOAD)) socket.emit('data', Buffer.from(encode(['FUNCTION', 'LOAD', readFileSync(WASM_PAYLOAD, 'latin1').trim()]), 'latin1'));
const only = process.argv.slice(2);
const commands = Number(process.env.COMMANDS ?? 400_000);
for (const [name, make] of Object.entries(CASES)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const batches = pipelineOf(make, 16, 512);
  const rounds = commands / 16;
  // Warm up, then measure CPU time.
  for (let r = 0; r < 2000; r++) socket.emit('data', batches[r % batches.length]);
  const before = process.cpuUsage();
  for (let r = 0; r < rounds; r++) socket.emit('data', batches[r % batches.length]);
  const used = process.cpuUsage(before);
  const ns = ((used.user + used.system) * 1000) / commands;
  console.log(`${name.padEnd(10)} ${ns.toFixed(0).padStart(6)} ns/command (CPU), ${(1e9 / ns / 1e6).toFixed(2)} M commands/s of CPU`);
}
