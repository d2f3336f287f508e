// The WASM library engine on its own (no server): the SDK examples compiled with asc at test time
// and called against an in-memory fake ScriptHost; call vs pcall error semantics; the sandbox
// (forbidden imports and features refused at load), the memory cap, the abort hook stopping a
// runaway loop, per-call state reset, and malformed payloads giving errors instead of crashes.
// Hand-written modules are WebAssembly text assembled with binaryen.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lib, wat } from '../helpers/wasm-modules.js';
import { Worker } from 'node:worker_threads';
import { WasmEngine, type WasmScriptHost } from '../../src/scripting/wasm-engine.js';
import type { CompiledLibrary, ScriptValue } from '../../src/scripting/types.js';

const REPO_ROOT = new URL('../../../', import.meta.url);

interface BuildModule {
  buildLibrary(o: { entry: string; name: string; maxMemoryPages?: number }): Promise<{ wasm: Uint8Array; payload: string }>;
  EXAMPLES: { entry: string; name: string }[];
}

/** An in-memory keyspace with the few commands the examples use, and a clock. */
class FakeHost implements WasmScriptHost {
  strings = new Map<string, Buffer>();
  lists = new Set<string>();
  expires = new Map<string, number>();
  now = 1_700_000_000_000;
  log_: [number, string][] = [];
  seen: string[][] = [];
  abortAfterPolls = Infinity;
  abortText = 'ERR Script killed by user with FUNCTION KILL.';
  polls = 0;
  randomValue = 0.25;

  random(): number {
    return this.randomValue;
  }

  shouldAbort(): string | null {
    this.polls++;
    return this.polls > this.abortAfterPolls ? this.abortText : null;
  }

  private alive(k: string): boolean {
    const at = this.expires.get(k);
    if (at !== undefined && at <= this.now) {
      this.strings.delete(k);
      this.expires.delete(k);
    }
    return this.strings.has(k) || this.lists.has(k);
  }

  call(argv: Buffer[]): ScriptValue {
    const a = argv.map((b) => b.toString());
    this.seen.push(a);
    const cmd = a[0]!.toUpperCase();
    const k = a[1] ?? '';
    const err = (t: string): ScriptValue => ({ err: Buffer.from(t) });
    const wrongType = (): ScriptValue => err('WRONGTYPE Operation against a key holding the wrong kind of value');
    switch (cmd) {
      case 'GET':
        if (this.lists.has(k)) return wrongType();
        return this.alive(k) ? this.strings.get(k)! : null;
      case 'SET': {
        let nx = false;
        let px: number | undefined;
        for (let i = 3; i < a.length; i++) {
          const opt = a[i]!.toUpperCase();
          if (opt === 'NX') nx = true;
          else if (opt === 'PX') px = Number(a[++i]);
          else return err('ERR syntax error');
        }
        if (nx && this.alive(k)) return null;
        this.strings.set(k, argv[2]!);
        this.expires.delete(k);
        if (px !== undefined) this.expires.set(k, this.now + px);
        return { ok: Buffer.from('OK') };
      }
      case 'INCR': {
        if (this.lists.has(k)) return wrongType();
        const cur = this.alive(k) ? Number(this.strings.get(k)!.toString()) : 0;
        this.strings.set(k, Buffer.from(String(cur + 1)));
        return cur + 1;
      }
      case 'EXPIRE':
      case 'PEXPIRE': {
        if (!this.alive(k)) return 0;
        const n = Number(a[2]);
        this.expires.set(k, this.now + (cmd === 'EXPIRE' ? n * 1000 : n));
        return 1;
      }
      case 'TTL': {
        if (!this.alive(k)) return -2;
        const at = this.expires.get(k);
        return at === undefined ? -1 : Math.round((at - this.now) / 1000);
      }
      case 'DEL':
        if (!this.alive(k)) return 0;
        this.strings.delete(k);
        this.lists.delete(k);
        this.expires.delete(k);
        return 1;
      case 'ECHO':
        return argv[1]!;
      case 'REPLYTYPES':
        return [1, -2, 2 ** 40, 2n ** 62n, null, true, false, Buffer.from('bulk'), { ok: Buffer.from('OK') }, { double: 1.5 },
          { map: [[Buffer.from('k'), 7]] }, { set: [Buffer.from('m')] }, { big_number: Buffer.from('123456789012345678901234567890') },
          { verbatim_string: { format: Buffer.from('txt'), string: Buffer.from('hello') } }];
      default:
        return err(`ERR unknown command '${a[0]}'`);
    }
  }

  pcall(argv: Buffer[]): ScriptValue {
    return this.call(argv);
  }

  log(level: number, message: Buffer): void {
    this.log_.push([level, message.toString()]);
  }
}

const b = (s: string) => Buffer.from(s);
const text = (v: ScriptValue) => {
  assert.ok(v !== null && typeof v === 'object' && 'err' in v, `expected an error, got ${JSON.stringify(v)}`);
  return (v as { err: Buffer }).err.toString();
};

function compileErr(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: Error) => {
    assert.match(e.message, /^ERR /);
    assert.match(e.message, re);
    return true;
  });
}

// A module whose `pass_call`/`pass_pcall` run the argv stored at 0 (ECHO or an unknown command)
// and reply with whatever the host returned, byte for byte.
const PASSTHROUGH = `(module
  (import "keyraft" "call" (func $call (param i32 i32 i32 i32) (result i32)))
  (import "keyraft" "pcall" (func $pcall (param i32 i32 i32 i32) (result i32)))
  (import "keyraft" "reply" (func $reply (param i32 i32)))
  (import "keyraft" "result" (func $result (param i32 i32) (result i32)))
  (memory 1 2)
  ;; argv: 2 args, "NOPE" / "x"
  (data (i32.const 0) "\\02\\00\\00\\00\\04\\00\\00\\00NOPE\\01\\00\\00\\00x")
  ;; argv: 1 arg, "REPLYTYPES"
  (data (i32.const 64) "\\01\\00\\00\\00\\0a\\00\\00\\00REPLYTYPES")
  (func (export "pass_call") (local $n i32)
    (local.set $n (call $call (i32.const 0) (i32.const 17) (i32.const 1024) (i32.const 4096)))
    (call $reply (i32.const 1024) (local.get $n)))
  (func (export "pass_pcall") (local $n i32)
    (local.set $n (call $pcall (i32.const 0) (i32.const 17) (i32.const 1024) (i32.const 4096)))
    (call $reply (i32.const 1024) (local.get $n)))
  ;; a small destination buffer: the reply is fetched with result()
  (func (export "types") (local $n i32)
    (local.set $n (call $pcall (i32.const 64) (i32.const 18) (i32.const 1024) (i32.const 4)))
    (drop (call $result (i32.const 2048) (local.get $n)))
    (call $reply (i32.const 2048) (local.get $n)))
)`;

describe('WASM engine', () => {
  let build: BuildModule;
  const payloads = new Map<string, Buffer>();
  const engine = new WasmEngine({ checkEveryUnits: 1000 });
  const libs = new Map<string, CompiledLibrary>();

  before(async () => {
    build = (await import(new URL('sdk/assemblyscript/build.mjs', REPO_ROOT).href)) as BuildModule;
    for (const ex of build.EXAMPLES) {
      const built = await build.buildLibrary(ex);
      payloads.set(ex.name, Buffer.from(built.payload));
      libs.set(ex.name, engine.create(ex.name, Buffer.from(built.payload)));
    }
  });
  after(() => libs.clear());

  test('examples declare their functions and flags through the manifest', () => {
    assert.deepEqual(libs.get('incr_expire')!.functions.map((f) => [f.name, f.flags]), [['incr_expire', []]]);
    assert.deepEqual(libs.get('ratelimit')!.functions.map((f) => [f.name, f.flags]), [
      ['ratelimit', []],
      ['ratelimit_peek', ['no-writes']],
    ]);
    assert.deepEqual(libs.get('lock')!.functions.map((f) => [f.name, f.flags]), [
      ['lock_acquire', []],
      ['lock_release', []],
      ['lock_extend', []],
      ['lock_owner', ['no-writes']],
    ]);
    assert.match(libs.get('ratelimit')!.functions[0]!.description!, /Fixed-window/);
  });

  test('incr_expire: INCR then EXPIRE, replies with the count', () => {
    const host = new FakeHost();
    const l = libs.get('incr_expire')!;
    assert.equal(l.call('incr_expire', [b('hits')], [b('30')], host), 1);
    assert.equal(l.call('incr_expire', [b('hits')], [b('30')], host), 2);
    assert.deepEqual(host.seen.slice(0, 2), [['INCR', 'hits'], ['EXPIRE', 'hits', '30']]);
    assert.equal(host.expires.get('hits'), host.now + 30_000);
    assert.equal(text(l.call('nope', [], [], host)), 'ERR Function not found');
  });

  test('ratelimit: counts within the window, refuses past the limit, resets after it', () => {
    const host = new FakeHost();
    const l = libs.get('ratelimit')!;
    const hit = () => l.call('ratelimit', [b('rl')], [b('2'), b('10')], host);
    assert.deepEqual(hit(), [1, 1, 10]);
    host.now += 3000;
    assert.deepEqual(hit(), [1, 0, 7]);
    assert.deepEqual(hit(), [0, 0, 7]);
    assert.deepEqual(l.call('ratelimit_peek', [b('rl')], [b('2')], host), [3, 0, 7]);
    host.now += 7000;
    assert.deepEqual(l.call('ratelimit_peek', [b('rl')], [b('2')], host), [0, 2, 0]);
    assert.deepEqual(hit(), [1, 1, 10]);
    // Bad arguments fail with an error reply, never a trap.
    for (const bad of ['x', '', '-', '01', '-0', '1a', '9223372036854775808', '-9223372036854775809', '99999999999999999999']) {
      assert.equal(text(l.call('ratelimit', [b('rl')], [b(bad), b('10')], host)), 'ERR value is not an integer or out of range', bad);
    }
    assert.equal(text(l.call('ratelimit', [b('rl')], [b('-9223372036854775808'), b('10')], host)), 'ERR limit must not be negative');
    assert.deepEqual(l.call('ratelimit_peek', [b('rl')], [b('9223372036854775807')], host), [1, 9223372036854775806n, 10]);
    assert.equal(text(l.call('ratelimit', [b('rl')], [b('2'), b('0')], host)), 'ERR window must be positive');
    assert.match(text(l.call('ratelimit', [], [b('2'), b('10')], host)), /^ERR missing key #1/);
  });

  test('lock: acquire with SET NX PX, release and extend only with the right token', () => {
    const host = new FakeHost();
    const l = libs.get('lock')!;
    assert.equal(l.call('lock_acquire', [b('L')], [b('tok-A'), b('5000')], host), 1);
    assert.deepEqual(host.seen.at(-1), ['SET', 'L', 'tok-A', 'NX', 'PX', '5000']);
    assert.equal(l.call('lock_acquire', [b('L')], [b('tok-B'), b('5000')], host), 0);
    assert.deepEqual(l.call('lock_owner', [b('L')], [], host), b('tok-A'));
    assert.equal(l.call('lock_release', [b('L')], [b('tok-B')], host), 0);
    assert.equal(l.call('lock_release', [b('L')], [b('tok-A\0')], host), 0);
    assert.equal(l.call('lock_extend', [b('L')], [b('tok-A'), b('9000')], host), 1);
    assert.equal(host.expires.get('L'), host.now + 9000);
    assert.equal(l.call('lock_release', [b('L')], [b('tok-A')], host), 1);
    assert.equal(l.call('lock_owner', [b('L')], [], host), null);
    assert.equal(l.call('lock_release', [b('L')], [b('tok-A')], host), 0);
    // Expired locks can be taken again.
    assert.equal(l.call('lock_acquire', [b('L')], [b('tok-C'), b('100')], host), 1);
    host.now += 100;
    assert.equal(l.call('lock_acquire', [b('L')], [b('tok-D'), b('100')], host), 1);
    assert.match(text(l.call('lock_acquire', [b('L')], [b('t'), b('-1')], host)), /positive/);
  });

  test('large arguments and replies go through the SDK\'s fallback buffers', () => {
    const host = new FakeHost();
    const l = libs.get('lock')!;
    const token = Buffer.alloc(100_000, 'abcdefghij');
    token[99_999] = 0;
    assert.equal(l.call('lock_acquire', [b('big')], [token, b('5000')], host), 1);
    assert.deepEqual(host.strings.get('big'), token);
    assert.deepEqual(l.call('lock_owner', [b('big')], [], host), token);
    const other = Buffer.from(token);
    other[50_000] = 0x21;
    assert.equal(l.call('lock_release', [b('big')], [other], host), 0);
    assert.equal(l.call('lock_release', [b('big')], [token], host), 1);
  });

  test('a command reply larger than the module\'s memory could hold ends the function', () => {
    const host = new FakeHost();
    host.strings.set('huge', Buffer.alloc(2 * 1024 * 1024, 'x'));
    assert.equal(text(libs.get('lock')!.call('lock_owner', [b('huge')], [], host)), 'ERR reply could not be passed to the WASM function: encoded value larger than 1048576 bytes');
  });

  test('an error reply from call ends the function with that error; pcall returns it', () => {
    const host = new FakeHost();
    host.lists.add('list');
    // Through the SDK: INCR on a list fails inside ratelimit, which never reaches its reply.
    assert.equal(
      text(libs.get('ratelimit')!.call('ratelimit', [b('list')], [b('2'), b('10')], host)),
      'WRONGTYPE Operation against a key holding the wrong kind of value',
    );
    assert.equal(host.seen.length, 1);
    const pass = engine.create('pass', lib('pass', wat(PASSTHROUGH)));
    assert.equal(text(pass.call('pass_call', [], [], host)), "ERR unknown command 'NOPE'");
    // pcall: the module got the error as a value and chose to reply with it.
    assert.equal(text(pass.call('pass_pcall', [], [], host)), "ERR unknown command 'NOPE'");
    assert.deepEqual(host.seen.slice(-2), [['NOPE', 'x'], ['NOPE', 'x']]);
  });

  test('every ScriptValue shape survives the round trip through module memory', () => {
    const host = new FakeHost();
    const pass = engine.create('pass', lib('pass', wat(PASSTHROUGH)));
    const expected = host.call([b('REPLYTYPES')]);
    assert.deepEqual(pass.call('types', [], [], host), [1, -2, 2 ** 40, 2n ** 62n, null, true, false, b('bulk'), { ok: b('OK') },
      { double: 1.5 }, { map: [[b('k'), 7]] }, { set: [b('m')] }, { big_number: b('123456789012345678901234567890') },
      { verbatim_string: { format: b('txt'), string: b('hello') } }]);
    assert.ok(expected);
  });

  test('modules importing anything but keyraft host functions are refused at load', () => {
    compileErr(
      () => engine.create('w', lib('w', wat(`(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))) (memory 1 1) (func (export "f")))`))),
      /only keyraft host functions may be imported/,
    );
    compileErr(
      () => engine.create('w', lib('w', wat(`(module (import "env" "abort" (func (param i32 i32 i32 i32))) (memory 1 1) (func (export "f")))`))),
      /'env\.abort'/,
    );
    compileErr(
      () => engine.create('w', lib('w', wat(`(module (import "keyraft" "clock" (func (result f64))) (memory 1 1) (func (export "f")))`))),
      /'keyraft\.clock'/,
    );
    compileErr(
      () => engine.create('w', lib('w', wat(`(module (import "keyraft_internal" "refuel" (func (result i32))) (memory 1 1) (func (export "f")))`))),
      /only keyraft host functions/,
    );
    compileErr(
      () => engine.create('w', lib('w', wat(`(module (import "keyraft" "call" (func (param i32 i32) (result i32))) (memory 1 1) (func (export "f")))`))),
      /import keyraft\.call has type \(i32, i32\) -> \(i32\); expected/,
    );
    compileErr(() => engine.create('w', lib('w', wat(`(module (import "keyraft" "mem" (memory 1 1)) (func (export "f")))`))), /memory 'keyraft\.mem'/);
    // Exception handling could catch an abort: refused.
    compileErr(
      () => engine.create('w', lib('w', wat(`(module (memory 1 1) (func (export "f") (try (do (nop)) (catch_all (nop)))))`))),
      /exception handling is not supported/,
    );
    // Reference types (table state that would survive the reset): refused.
    compileErr(
      () => engine.create('w', lib('w', wat(`(module (memory 1 1) (table 1 externref) (func (export "f") (param externref) (table.set 0 (i32.const 0) (local.get 0))))`))),
      /reference types are not supported/,
    );
    compileErr(
      () => engine.create('w', lib('w', wat(`(module (memory 1 1) (table 1 funcref) (func (export "f") (drop (table.grow 0 (ref.null func) (i32.const 1)))))`))),
      /table operations are not supported|invalid WebAssembly module/,
    );
  });

  test('memory: a maximum is required and capped; growth stops at the maximum', () => {
    const small = new WasmEngine({ memoryPagesMax: 4 });
    compileErr(() => small.create('m', lib('m', wat(`(module (memory 1) (func (export "f")))`))), /declares no maximum/);
    compileErr(() => small.create('m', lib('m', wat(`(module (memory 1 5) (func (export "f")))`))), /maximum 5 pages exceeds the limit of 4 pages/);
    compileErr(() => small.create('m', lib('m', wat(`(module (func (export "f")))`))), /defines no memory/);
    // Grows until refused, then replies with the page count (an int reply written at 0).
    const grower = small.create('m', lib('m', wat(`(module
      (import "keyraft" "reply" (func $reply (param i32 i32)))
      (memory 1 4)
      (func (export "grow")
        (block $done (loop $l (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1))) (br $l)))
        (i32.store8 (i32.const 0) (i32.const 1))
        (i64.store (i32.const 1) (i64.extend_i32_u (memory.size)))
        (call $reply (i32.const 0) (i32.const 9))))`)));
    const host = new FakeHost();
    assert.equal(grower.call('grow', [], [], host), 4);
    // The grown instance was replaced: the next call starts from 1 page again.
    assert.equal(grower.call('grow', [], [], host), 4);
  });

  test('a runaway loop is stopped by the abort hook, with the hook text, and the library stays usable', () => {
    const spin = engine.create('spin', lib('spin', wat(`(module
      (import "keyraft" "reply" (func $reply (param i32 i32)))
      (memory 1 1)
      (func (export "spin") (loop $l (br $l)))
      (func (export "recurse") (call $r (i32.const 0)))
      (func $r (param i32) (if (i32.eqz (local.get 0)) (then (call $r (i32.const 0)) (call $r (i32.const 0)))))
      (func (export "ok") (i32.store8 (i32.const 0) (i32.const 0)) (call $reply (i32.const 0) (i32.const 1))))`)));
    const host = new FakeHost();
    const started = Date.now();
    let pollsUntilKill = 0;
    host.shouldAbort = () => (++pollsUntilKill > 50 && Date.now() - started > 100 ? 'ERR Script killed by user with FUNCTION KILL.' : null);
    assert.equal(text(spin.call('spin', [], [], host)), 'ERR Script killed by user with FUNCTION KILL.');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 100 && elapsed < 2000, `stopped after ${elapsed} ms`);
    assert.equal(spin.call('ok', [], [], new FakeHost()), null);
    // Unbounded recursion ends with a trap (stack overflow), as an error reply.
    assert.match(text(spin.call('recurse', [], [], new FakeHost())), /^ERR WASM function 'recurse' trapped: /);
    // Without a hook nothing stops it but the caller; with one that fires at once, almost no work runs.
    const h2 = new FakeHost();
    h2.abortAfterPolls = 0;
    h2.abortText = 'ERR timeout';
    assert.equal(text(spin.call('spin', [], [], h2)), 'ERR timeout');
    assert.equal(h2.polls, 1);
    // A unit budget from the units the hook is given.
    const seen: number[] = [];
    const budget = { ...new FakeHost(), call: () => null, pcall: () => null, log: () => {}, shouldAbort: (units: number) => (seen.push(units), units >= 50_000 ? 'ERR budget' : null) };
    assert.equal(text(spin.call('spin', [], [], budget)), 'ERR budget');
    assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => (i + 1) * 1000));
  });

  test('initialization (start function) is bounded too', () => {
    const bounded = new WasmEngine({ initUnitsMax: 100_000, checkEveryUnits: 1000 });
    compileErr(
      () => bounded.create('s', lib('s', wat(`(module (memory 1 1) (func $start (loop $l (br $l))) (start $start) (func (export "f")))`))),
      /initialization exceeded 100000 units/,
    );
  });

  test('every call starts from the initial state: globals and memory are restored', () => {
    const counter = engine.create('c', lib('c', wat(`(module
      (import "keyraft" "reply" (func $reply (param i32 i32)))
      (memory 1 1)
      (global $n (mut i32) (i32.const 0))
      (func (export "bump")
        (global.set $n (i32.add (global.get $n) (i32.const 1)))
        (i32.store (i32.const 100) (i32.add (i32.load (i32.const 100)) (i32.const 10)))
        (i32.store8 (i32.const 0) (i32.const 1))
        (i64.store (i32.const 1) (i64.extend_i32_u (i32.add (global.get $n) (i32.load (i32.const 100)))))
        (call $reply (i32.const 0) (i32.const 9)))
      (func (export "bump_then_trap") (global.set $n (i32.const 1000)) (i32.store (i32.const 100) (i32.const 1000)) (unreachable)))`)));
    const host = new FakeHost();
    assert.equal(counter.call('bump', [], [], host), 11);
    assert.equal(counter.call('bump', [], [], host), 11);
    assert.match(text(counter.call('bump_then_trap', [], [], host)), /trapped: unreachable/);
    assert.equal(counter.call('bump', [], [], host), 11);
  });

  test('time, random and log come from the host; missing ones are errors', () => {
    const m = engine.create('t', lib('t', wat(`(module
      (import "keyraft" "reply" (func $reply (param i32 i32)))
      (import "keyraft" "time" (func $time (result f64)))
      (import "keyraft" "random" (func $random (result f64)))
      (import "keyraft" "log" (func $log (param i32 i32 i32)))
      (memory 1 1)
      (data (i32.const 200) "hello log")
      (func (export "now") (i32.store8 (i32.const 0) (i32.const 1)) (i64.store (i32.const 1) (i64.trunc_f64_s (call $time))) (call $reply (i32.const 0) (i32.const 9)))
      (func (export "rnd") (i32.store8 (i32.const 0) (i32.const 7)) (f64.store (i32.const 1) (call $random)) (call $reply (i32.const 0) (i32.const 9)))
      (func (export "logit") (call $log (i32.const 3) (i32.const 200) (i32.const 9))))`)));
    const host = new FakeHost();
    assert.equal(m.call('now', [], [], host), host.now);
    assert.deepEqual(m.call('rnd', [], [], host), { double: 0.25 });
    assert.equal(m.call('logit', [], [], host), null);
    assert.deepEqual(host.log_, [[3, 'hello log']]);
    const bare = { call: () => null, pcall: () => null, log: () => {} };
    assert.equal(text(m.call('now', [], [], bare)), 'ERR keyraft.time is not available here');
    assert.equal(text(m.call('rnd', [], [], bare)), 'ERR keyraft.random is not available here');
  });

  test('instrumentation keeps calls, indirect calls, element segments and the start function right', () => {
    const m = engine.create('ind', lib('ind', wat(`(module
      (import "keyraft" "reply" (func $reply (param i32 i32)))
      (import "keyraft" "log" (func $log (param i32 i32 i32)))
      (type $ret (func (result i64)))
      (memory 1 1)
      (table 2 funcref)
      (elem (i32.const 0) $seven $answer)
      (global $base (mut i64) (i64.const 0))
      (func $seven (type $ret) (i64.const 7))
      (func $answer (type $ret) (i64.add (global.get $base) (i64.const 2)))
      (func $init (global.set $base (i64.const 40)))
      (start $init)
      (func $out (param i64) (i32.store8 (i32.const 0) (i32.const 1)) (i64.store (i32.const 1) (local.get 0)) (call $reply (i32.const 0) (i32.const 9)))
      (func (export "direct") (call $out (call $seven)))
      (func (export "indirect") (call $out (call_indirect (type $ret) (i32.const 1))))
      (func $pair (result i64 i64) (if (i32.eqz (i32.const 0)) (then (return (i64.const 30) (i64.const 12)))) (i64.const 0) (i64.const 0))
      (func $early (param i32) (result i64) (br_if 0 (i64.const 100) (local.get 0)) (drop) (i64.const 200))
      (func (export "multi") (call $out (i64.add (call $pair))))
      (func (export "branches") (call $out (i64.add (call $early (i32.const 1)) (call $early (i32.const 0)))))
      (func (export "sum") (local $i i32) (local $s i64)
        (loop $l
          (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))
        (call $out (local.get $s))))`)));
    const host = new FakeHost();
    assert.deepEqual(m.functions.map((f) => f.name), ['direct', 'indirect', 'multi', 'branches', 'sum']);
    assert.equal(m.call('multi', [], [], host), 42);
    assert.equal(m.call('branches', [], [], host), 300);
    assert.equal(m.call('direct', [], [], host), 7);
    assert.equal(m.call('indirect', [], [], host), 42);
    assert.equal(m.call('sum', [], [], host), 4999950000);
    // 100000 loop iterations at checkEveryUnits 1000: the hook ran about 100 times.
    assert.ok(host.polls >= 99 && host.polls <= 101, `polled ${host.polls} times`);
  });

  test('randomly damaged modules load or fail with an ERR error, and run or fail without throwing', () => {
    const wasm = Buffer.from(payloads.get('lock')!.toString().split('\n')[1]!, 'base64');
    const fuzzEngine = new WasmEngine({ initUnitsMax: 100_000, checkEveryUnits: 1000 });
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let loaded = 0;
    for (let i = 0; i < 300; i++) {
      const copy = Buffer.from(wasm);
      for (let j = 0, n = 1 + rnd(4); j < n; j++) copy[8 + rnd(copy.length - 8)] = rnd(256);
      let l: CompiledLibrary;
      try {
        l = fuzzEngine.create('f', lib('f', copy));
      } catch (e) {
        assert.match((e as Error).message, /^ERR /);
        continue;
      }
      loaded++;
      const host = new FakeHost();
      host.abortAfterPolls = 100;
      for (const f of l.functions) {
        const r = l.call(f.name, [b('k')], [b('tok'), b('1000')], host);
        assert.ok(r === null || typeof r !== 'object' || Array.isArray(r) || r instanceof Buffer || 'err' in r || 'ok' in r || 'double' in r || 'map' in r || 'set' in r || 'big_number' in r || 'verbatim_string' in r);
      }
    }
    assert.ok(loaded > 0, 'some damaged modules still load');
  });

  test('the engine loads and runs in a worker thread', async () => {
    const engineUrl = new URL('../../src/scripting/wasm-engine.js', import.meta.url).href;
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.engineUrl).then(({ WasmEngine }) => {
        const lib = new WasmEngine().create('incr_expire', Buffer.from(workerData.payload));
        let n = 0;
        const host = { call: (a) => (a[0].toString() === 'INCR' ? ++n : 1), pcall: () => null, log: () => {} };
        lib.call('incr_expire', [Buffer.from('k')], [Buffer.from('5')], host);
        parentPort.postMessage(lib.call('incr_expire', [Buffer.from('k')], [Buffer.from('5')], host));
      });`;
    const worker = new Worker(source, { eval: true, workerData: { engineUrl, payload: payloads.get('incr_expire')!.toString('latin1') } });
    try {
      const result = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        setTimeout(() => reject(new Error('worker timed out')), 10_000).unref();
      });
      assert.equal(result, 2);
    } finally {
      await worker.terminate();
    }
  });

  test('malformed payloads, modules, replies and manifests are errors, never crashes', () => {
    const good = payloads.get('incr_expire')!;
    compileErr(() => engine.create('x', b('#!wasm name=x')), /missing WASM module/);
    compileErr(() => engine.create('x', b('#!wasm name=x\n')), /missing WASM module/);
    compileErr(() => engine.create('x', b('#!wasm name=x\n!!!!')), /not valid base64/);
    compileErr(() => engine.create('x', b('#!wasm name=x\nAAA')), /not valid base64/);
    compileErr(() => engine.create('x', b(`#!wasm name=x\n${Buffer.from('not a wasm module').toString('base64')}`)), /invalid WebAssembly module/);
    compileErr(() => engine.create('x', good.subarray(0, good.length - 40)), /invalid WebAssembly module|not valid base64/);
    // Whitespace in the base64 is ignored (wrapped payloads).
    const [head, body] = good.toString().split('\n');
    const wrapped = `${head}\n${body!.replace(/(.{76})/g, '$1\n')}`;
    assert.equal(engine.create('w', b(wrapped)).functions[0]!.name, 'incr_expire');
    // Manifests.
    const manifest = (reply: string, exports = '') => wat(`(module
      (import "keyraft" "reply" (func $reply (param i32 i32)))
      (memory 1 1)
      (data (i32.const 0) "${reply}")
      (func (export "__keyraft_manifest") (call $reply (i32.const 0) (i32.const ${Buffer.from(reply.replace(/\\(..)/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').length})))
      (func (export "f")) ${exports})`);
    // [[ "f", nil, ["bogus"] ]]
    const entry = (name: string, flag: string) =>
      `\\05\\03\\00\\00\\00\\02${le(name.length)}${name}\\00\\05\\01\\00\\00\\00\\02${le(flag.length)}${flag}`;
    compileErr(() => engine.create('m', lib('m', manifest(`\\05\\01\\00\\00\\00${entry('f', 'bogus')}`))), /unknown flag given/);
    compileErr(() => engine.create('m', lib('m', manifest(`\\05\\02\\00\\00\\00${entry('f', 'no-writes')}${entry('f', 'no-writes')}`))), /Function already exists/);
    compileErr(() => engine.create('m', lib('m', manifest(`\\05\\01\\00\\00\\00${entry('g', 'no-writes')}`))), /'g' is not an exported function/);
    compileErr(() => engine.create('m', lib('m', manifest(`\\05\\00\\00\\00\\00`))), /No functions registered/);
    compileErr(() => engine.create('m', lib('m', manifest(`\\05\\09\\00\\00\\00`))), /malformed reply: /);
    const ok = engine.create('m', lib('m', manifest(`\\05\\01\\00\\00\\00${entry('f', 'no-writes')}`)));
    assert.deepEqual(ok.functions, [{ name: 'f', description: null, flags: ['no-writes'] }]);
    // Without a manifest, exported () -> () functions are the functions.
    const plain = engine.create('p', lib('p', wat(`(module (memory 1 1) (func (export "a")) (func (export "b") (param i32)) (func (export "__c")))`)));
    assert.deepEqual(plain.functions.map((f) => f.name), ['a']);
    // A reply region outside memory, a malformed reply, a bad argv: errors.
    const bad = engine.create('bad', lib('bad', wat(`(module
      (import "keyraft" "reply" (func $reply (param i32 i32)))
      (import "keyraft" "call" (func $call (param i32 i32 i32 i32) (result i32)))
      (memory 1 1)
      (func (export "outside") (call $reply (i32.const 65530) (i32.const 100)))
      (func (export "garbage") (i32.store8 (i32.const 0) (i32.const 99)) (call $reply (i32.const 0) (i32.const 1)))
      (func (export "trailing") (call $reply (i32.const 0) (i32.const 2)))
      (func (export "badargv") (i32.store (i32.const 0) (i32.const 1000)) (drop (call $call (i32.const 0) (i32.const 8) (i32.const 0) (i32.const 0))))
      (func (export "noargs") (drop (call $call (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 0)))))`)));
    const host = new FakeHost();
    assert.equal(text(bad.call('outside', [], [], host)), 'ERR WASM function passed a buffer outside its memory');
    assert.match(text(bad.call('garbage', [], [], host)), /malformed reply: unknown value tag 99/);
    assert.match(text(bad.call('trailing', [], [], host)), /malformed reply: trailing bytes/);
    assert.match(text(bad.call('badargv', [], [], host)), /malformed argument vector/);
    assert.equal(text(bad.call('noargs', [], [], host)), 'ERR Please specify at least one argument for this redis lib call');
  });
});

function le(n: number): string {
  return [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('');
}
