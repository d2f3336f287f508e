// `npm run bench:scripting`: server-side scripts, keyraft against Debian's redis-server on this
// machine, redis-benchmark in custom-command mode (-c 50, -P 1 by default). The workload is the
// issue's: INCR a key and EXPIRE it, returning the count —
//   EVALSHA  <sha of the Lua script> 1 key:__rand_int__ 100   (both servers)
//   FCALL    incr_expire_lua 1 key:__rand_int__ 100           (a #!lua library, both servers)
//   FCALL    incr_expire 1 key:__rand_int__ 100               (the SDK's AssemblyScript example as a
//            #!wasm library, keyraft only: compared with Redis's EVALSHA and keyraft's own Lua)
// INCR runs first as a baseline for the server's per-request cost. Rounds alternate the order
// so drift on a loaded machine hits both. Prints median rps and the median of the per-round
// ratios (keyraft / Redis EVALSHA; see pairedRatio in bench-util.ts).
//
// Options: --requests N (default 100000), --clients N (default 50), --rounds N (default 5),
//          --pipelines 1,16, --port-base N (servers on N, N+1, N+2 instead of free ports the
//          system picks), --before DIR (another keyraft build, e.g. an older commit's tree with its
//          dist/ built: measured alongside in the same rounds, in a "before" column)

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { arg, customBenchmark, encode, median, pairedRatio, PipeClient, ROOT, startServer, stopServer, waitPort, type Proc } from './bench-util.js';

const REQUESTS = Number(arg('requests', '100000'));
const CLIENTS = Number(arg('clients', '50'));
const ROUNDS = Number(arg('rounds', '5'));
const PIPELINES = arg('pipelines', '1').split(',').map(Number);
const PORT_BASE = Number(arg('port-base', '0'));
const BEFORE = arg('before', '');

/** A server on a chosen port (--port-base): keyraft from `root`'s dist/, or redis-server. */
async function startOnPort(name: string, port: number, root: string | null): Promise<Proc> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const child =
    root !== null
      ? spawn(process.execPath, [join(root, 'dist/src/bin/keyraft-server.js'), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], { stdio: 'ignore' })
      : spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await waitPort(port);
  return { name, port, child, dir };
}

async function startAll(): Promise<Proc[]> {
  if (PORT_BASE > 0) {
    const servers = [await startOnPort('keyraft', PORT_BASE, ROOT), await startOnPort('redis', PORT_BASE + 1, null)];
    if (BEFORE !== '') servers.push(await startOnPort('before', PORT_BASE + 2, BEFORE));
    return servers;
  }
  if (BEFORE !== '') throw new Error('--before needs --port-base');
  return [await startServer('keyraft'), await startServer('redis')];
}

const LUA_SCRIPT = "local v = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], ARGV[1]) return v";
const LUA_SHA = createHash('sha1').update(LUA_SCRIPT).digest('hex');
const LUA_LIBRARY = `#!lua name=benchlib\nredis.register_function('incr_expire_lua', function(keys, args) local v = redis.call('INCR', keys[1]) redis.call('EXPIRE', keys[1], args[1]) return v end)`;
/** The SDK example's payload (`#!wasm name=…` + base64), made by `npm run build:wasm-examples`. */
const WASM_PAYLOAD = join(ROOT, 'sdk/assemblyscript/build/incr_expire.wasmlib');

interface Test {
  name: string;
  argv: string[];
  servers: 'both' | 'keyraft';
}

async function prepare(s: Proc, wasmPayload: string | null): Promise<boolean> {
  const c = await PipeClient.open(s.port);
  const cmds = [encode(['SCRIPT', 'LOAD', LUA_SCRIPT]), encode(['FUNCTION', 'LOAD', 'REPLACE', LUA_LIBRARY])];
  let wasm = false;
  if (wasmPayload !== null && s.name !== 'redis') {
    cmds.push(encode(['FUNCTION', 'LOAD', 'REPLACE', wasmPayload]));
    wasm = true;
  }
  await c.run(cmds[Symbol.iterator]());
  c.close();
  return wasm;
}

async function main(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v redis-server && command -v redis-benchmark']).status !== 0) {
    console.error('redis-server and redis-benchmark are needed: apt-get install -y redis-server redis-tools');
    process.exit(1);
  }
  if (!existsSync(WASM_PAYLOAD)) spawnSync(process.execPath, [join(ROOT, 'sdk/assemblyscript/build.mjs')], { stdio: 'inherit' });
  const wasmPayload = existsSync(WASM_PAYLOAD) ? readFileSync(WASM_PAYLOAD, 'latin1').trim() : null;
  const servers: Proc[] = await startAll();
  const before = servers.some((s) => s.name === 'before');
  try {
    let wasm = false;
    for (const s of servers) wasm = (await prepare(s, wasmPayload)) || wasm;
    const tests: Test[] = [
      { name: 'INCR (baseline)', argv: ['INCR', 'counter:__rand_int__'], servers: 'both' },
      { name: 'EVALSHA incr+expire', argv: ['EVALSHA', LUA_SHA, '1', 'key:__rand_int__', '100'], servers: 'both' },
      { name: 'FCALL lua incr+expire', argv: ['FCALL', 'incr_expire_lua', '1', 'key:__rand_int__', '100'], servers: 'both' },
    ];
    if (wasm) tests.push({ name: 'FCALL wasm incr+expire', argv: ['FCALL', 'incr_expire', '1', 'key:__rand_int__', '100'], servers: 'keyraft' });
    else console.log('# the WASM example could not be built (npm run build:wasm-examples); the WASM row is skipped');
    for (const pipeline of PIPELINES) {
      console.log(`# redis-benchmark -c ${CLIENTS} -n ${REQUESTS} -P ${pipeline} -r 100000, rounds=${ROUNDS}, node ${process.version}`);
      console.log(before ? '| test | keyraft rps | redis rps | ratio | before rps | before ratio |' : '| test | keyraft rps | redis rps | ratio |');
      console.log(before ? '|---|---|---|---|---|---|' : '|---|---|---|---|');
      let redisEvalsha: number[] = [];
      for (const t of tests) {
        const k: number[] = [];
        const r: number[] = [];
        const b: number[] = [];
        // An unmeasured run on each first (V8's compiler for keyraft), then the rounds.
        for (const s of servers) {
          if (t.servers !== 'keyraft' || s.name !== 'redis') customBenchmark(s.port, t.argv, { clients: CLIENTS, requests: Math.ceil(REQUESTS / 5), pipeline });
        }
        for (let round = 0; round < ROUNDS; round++) {
          const order = round % 2 === 0 ? servers : [...servers].reverse();
          for (const s of order) {
            if (t.servers === 'keyraft' && s.name === 'redis') continue;
            (s.name === 'keyraft' ? k : s.name === 'redis' ? r : b).push(customBenchmark(s.port, t.argv, { clients: CLIENTS, requests: REQUESTS, pipeline }));
          }
        }
        // Ratios are medians of per-round ratios (pairedRatio); the WASM row, keyraft only, is
        // paired with Redis's EVALSHA of the same round.
        if (t.name.startsWith('EVALSHA')) redisEvalsha = r;
        const reference = t.servers === 'keyraft' ? redisEvalsha : r;
        const label = t.servers === 'keyraft' ? `(Redis EVALSHA) ${median(reference).toFixed(0)}` : median(r).toFixed(0);
        const beforeCells = before ? ` ${median(b).toFixed(0)} | ${pairedRatio(b, reference).text} |` : '';
        console.log(`| ${t.name} | ${median(k).toFixed(0)} | ${label} | ${pairedRatio(k, reference).text} |${beforeCells}`);
      }
    }
  } finally {
    for (const s of servers) await stopServer(s);
  }
}

await main();
