#!/usr/bin/env node
// Measures the WASM function engine (run `npx tsc -p .` first; it loads dist/):
//  1. µs per FCALL-equivalent call of the incr_expire example through WasmEngine with a trivial
//     in-memory host, next to keyraft's own Lua runtime running the same INCR+EXPIRE script
//     against the same host (what EVALSHA executes, without the server around it);
//  2. the cost of the fuel instrumentation on pure computation (instrumented vs. the same module
//     compiled as is).
//
//   node sdk/assemblyscript/bench.mjs [--calls 300000]

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildLibrary, EXAMPLES } from './build.mjs';

const SDK_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(SDK_DIR, '..', '..');
const dist = (p) => pathToFileURL(join(ROOT, 'dist', p)).href;
const { WasmEngine } = await import(dist('src/scripting/wasm-engine.js'));
const { prepareModule } = await import(dist('src/scripting/wasm-instrument.js'));

const argv = process.argv.slice(2);
const CALLS = Number(argv[argv.indexOf('--calls') + 1] || 300_000) || 300_000;

// A host with just INCR and EXPIRE over a Map (as cheap as a host can be).
const data = new Map();
const expires = new Map();
const host = {
  call(args) {
    const k = args[1].toString('latin1');
    const c = args[0].toString('latin1');
    if (c === 'INCR' || c === 'incr') {
      const v = (data.get(k) ?? 0) + 1;
      data.set(k, v);
      return v;
    }
    if (c === 'EXPIRE' || c === 'expire') {
      expires.set(k, Number(args[2].toString('latin1')));
      return 1;
    }
    return { err: Buffer.from('ERR unknown command') };
  },
  pcall(args) {
    return this.call(args);
  },
  log() {},
  now: 1_700_000_000_000,
  random: () => 0.5,
  shouldAbort: () => null,
};

function timeIt(label, n, fn) {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn();
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
  console.log(`${label.padEnd(58)} ${best.toFixed(3)} µs/call  (${Math.round(1e6 / best).toLocaleString('en')} calls/s, best of 3 x ${n})`);
  return best;
}

const ex = EXAMPLES.find((e) => e.name === 'incr_expire');
const built = await buildLibrary(ex);
const lib = new WasmEngine().create('incr_expire', Buffer.from(built.payload));
const keys = [Buffer.from('counter')];
const args = [Buffer.from('60')];
if (lib.call('incr_expire', keys, args, host) !== 1) throw new Error('incr_expire did not return 1');
const wasmUs = timeIt('WASM  FCALL incr_expire (WasmEngine.call)', CALLS, () => lib.call('incr_expire', keys, args, host));

let luaUs = null;
try {
  const { runLua } = await import(dist('src/scripting/lua-runtime.js'));
  const script = Buffer.from("local v = redis.call('INCR', KEYS[1]); redis.call('EXPIRE', KEYS[1], ARGV[1]); return v");
  runLua(script, keys, args, host);
  luaUs = timeIt("Lua   same script (keyraft's runLua, lua-redis-wasm)", Math.ceil(CALLS / 3), () => runLua(script, keys, args, host));
} catch (e) {
  console.log(`Lua   not measured: ${e.message}`);
}
if (luaUs !== null) console.log(`WASM is ${(luaUs / wasmUs).toFixed(1)}x faster per call than Lua here`);

// Instrumentation overhead on computation.
const compute = await buildLibrary({ entry: join(SDK_DIR, 'bench', 'compute.ts'), name: 'compute', maxMemoryPages: 256 });
const raw = new WebAssembly.Instance(new WebAssembly.Module(compute.wasm), { keyraft: { fail() { throw new Error('abort'); } } }).exports;
const prepared = prepareModule(new Uint8Array(compute.wasm), { memoryPagesMax: 256 });
let polls = 0;
const inst = new WebAssembly.Instance(new WebAssembly.Module(prepared.binary), {
  keyraft: { fail() { throw new Error('abort'); } },
  keyraft_internal: { refuel: () => (polls++, 10_000) },
}).exports;
console.log('');
for (const [name, arg, n] of [['sum', 10_000_000, 5], ['fib', 27, 5], ['sieve', 100_000, 10]]) {
  if (raw[name](arg) !== inst[name](arg)) throw new Error(`${name}: results differ`);
  const a = timeIt(`compute ${name}(${arg}) uninstrumented`, n, () => raw[name](arg));
  const b = timeIt(`compute ${name}(${arg}) with fuel checks`, n, () => inst[name](arg));
  console.log(`  fuel instrumentation cost on ${name}: ${(((b - a) / a) * 100).toFixed(0)}%`);
}
console.log(`(refuel hook polled ${polls} times at 10000 units per poll)`);
