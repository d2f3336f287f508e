// keyraft SDK for functions written in AssemblyScript (ABI v1, docs/WASM-FUNCTIONS.md).
// Import from your library's entry file:
//
//   import { Value, key, argInt, call, reply, functions } from "../keyraft";
//   export function __keyraft_manifest(): void { functions().add("myfn").done(); }
//   export function myfn(): void { reply(call(["INCR", key(0)])); }
//
// It wraps the host imports (module "keyraft") with typed helpers: KEYS/ARGV access, call/pcall
// with string or byte arguments returning a decoded Value, reply builders, log, the entry's time
// and PRNG. Build with sdk/assemblyscript/build.mjs (runtime "stub": every call starts from a
// fresh memory, so nothing needs freeing; memory is capped by --maximumMemory).

// ---------------------------------------------------------------------------------------------
// Host imports
// ---------------------------------------------------------------------------------------------

/** Copies the encoded KEYS/ARGV block to dst if it fits in cap bytes; returns its length. */
@external("keyraft", "input")
declare function host_input(dst: usize, cap: i32): i32;
/** Runs a command (argv encoding at argv); an error reply aborts the function. Returns the reply length; copied to dst if it fits. */
@external("keyraft", "call")
declare function host_call(argv: usize, argvLen: i32, dst: usize, cap: i32): i32;
/** Like call, but an error reply is returned as a value. */
@external("keyraft", "pcall")
declare function host_pcall(argv: usize, argvLen: i32, dst: usize, cap: i32): i32;
/** Copies the last call/pcall reply to dst if it fits; returns its length. */
@external("keyraft", "result")
declare function host_result(dst: usize, cap: i32): i32;
/** Sets the function's reply (one encoded value). */
@external("keyraft", "reply")
declare function host_reply(ptr: usize, len: i32): void;
/** Ends the function with an error reply (the text, e.g. "ERR something"). Does not return. */
@external("keyraft", "fail")
declare function host_fail(ptr: usize, len: i32): void;
/** redis.log: level 0 debug, 1 verbose, 2 notice, 3 warning. */
@external("keyraft", "log")
declare function host_log(level: i32, ptr: usize, len: i32): void;
/** The write entry's time in milliseconds (the only clock a function sees). */
@external("keyraft", "time")
declare function host_time(): f64;
/** The write entry's PRNG, in [0, 1). */
@external("keyraft", "random")
declare function host_random(): f64;

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

export const enum Kind {
  Nil = 0,
  Int = 1,
  Bulk = 2,
  Status = 3,
  Error = 4,
  Array = 5,
  Bool = 6,
  Double = 7,
  Map = 8,
  Set = 9,
  BigNumber = 10,
  Verbatim = 11,
}

/** A command reply or a function reply. Maps hold keys and values alternately in `items`. */
export class Value {
  kind: Kind = Kind.Nil;
  int: i64 = 0;
  num: f64 = 0;
  bytes: Uint8Array | null = null;
  format: Uint8Array | null = null;
  items: Value[] | null = null;

  static nil(): Value {
    return new Value();
  }
  static int(v: i64): Value {
    const x = new Value();
    x.kind = Kind.Int;
    x.int = v;
    return x;
  }
  static bulk(b: Uint8Array): Value {
    const x = new Value();
    x.kind = Kind.Bulk;
    x.bytes = b;
    return x;
  }
  static str(s: string): Value {
    return Value.bulk(utf8(s));
  }
  static status(s: string): Value {
    const x = Value.str(s);
    x.kind = Kind.Status;
    return x;
  }
  /** An error value (returned as a reply, like redis.error_reply; use fail() to raise instead). */
  static error(s: string): Value {
    const x = Value.str(s);
    x.kind = Kind.Error;
    return x;
  }
  static bool(v: bool): Value {
    const x = new Value();
    x.kind = Kind.Bool;
    x.int = v ? 1 : 0;
    return x;
  }
  static double(v: f64): Value {
    const x = new Value();
    x.kind = Kind.Double;
    x.num = v;
    return x;
  }
  static array(items: Value[]): Value {
    const x = new Value();
    x.kind = Kind.Array;
    x.items = items;
    return x;
  }

  get isNil(): bool {
    return this.kind == Kind.Nil;
  }
  get isError(): bool {
    return this.kind == Kind.Error;
  }
  /** Number of elements of an array/set (pairs count twice for a map). */
  get length(): i32 {
    const items = this.items;
    return items === null ? 0 : items.length;
  }
  at(i: i32): Value {
    const items = this.items;
    if (items === null || i < 0 || i >= items.length) return Value.nil();
    return items[i];
  }
  /** Text of a bulk/status/error/big number/verbatim; decimal of an integer; "" for nil. */
  toString(): string {
    if (this.kind == Kind.Int) return this.int.toString();
    if (this.kind == Kind.Double) return this.num.toString();
    const b = this.bytes;
    if (b === null) return "";
    return String.UTF8.decodeUnsafe(b.dataStart, <usize>b.length);
  }
  /** An integer reply, or a bulk string holding a decimal integer; fails the function otherwise. */
  toInt(): i64 {
    if (this.kind == Kind.Int) return this.int;
    const b = this.bytes;
    if (b !== null && (this.kind == Kind.Bulk || this.kind == Kind.Status)) return parseI64(b);
    fail("ERR value is not an integer or out of range");
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding (little-endian tag-length-value, see docs/WASM-FUNCTIONS.md)
// ---------------------------------------------------------------------------------------------

function utf8(s: string): Uint8Array {
  const n = String.UTF8.byteLength(s);
  const out = new Uint8Array(n);
  String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, out.dataStart);
  return out;
}

function encodedSize(v: Value): i32 {
  switch (v.kind) {
    case Kind.Nil:
      return 1;
    case Kind.Int:
    case Kind.Double:
      return 9;
    case Kind.Bool:
      return 2;
    case Kind.Bulk:
    case Kind.Status:
    case Kind.Error:
    case Kind.BigNumber: {
      const b = v.bytes;
      return 5 + (b === null ? 0 : b.length);
    }
    case Kind.Verbatim: {
      const b = v.bytes;
      const f = v.format;
      return 9 + (b === null ? 0 : b.length) + (f === null ? 0 : f.length);
    }
    default: {
      let n = 5;
      const items = v.items;
      if (items !== null) for (let i = 0; i < items.length; i++) n += encodedSize(items[i]);
      return n;
    }
  }
}

function putBytes(p: usize, b: Uint8Array | null): usize {
  const n = b === null ? 0 : b.length;
  store<u32>(p, n);
  if (b !== null) memory.copy(p + 4, b.dataStart, n);
  return p + 4 + n;
}

function encodeAt(p: usize, v: Value): usize {
  store<u8>(p, <u8>v.kind);
  p += 1;
  switch (v.kind) {
    case Kind.Nil:
      return p;
    case Kind.Int:
      store<i64>(p, v.int);
      return p + 8;
    case Kind.Double:
      store<f64>(p, v.num);
      return p + 8;
    case Kind.Bool:
      store<u8>(p, v.int != 0 ? 1 : 0);
      return p + 1;
    case Kind.Bulk:
    case Kind.Status:
    case Kind.Error:
    case Kind.BigNumber:
      return putBytes(p, v.bytes);
    case Kind.Verbatim:
      return putBytes(putBytes(p, v.format), v.bytes);
    default: {
      const items = v.items;
      const n = items === null ? 0 : items.length;
      // A map's items alternate key, value: its count is the number of pairs.
      store<u32>(p, v.kind == Kind.Map ? n >> 1 : n);
      p += 4;
      if (items !== null) for (let i = 0; i < items.length; i++) p = encodeAt(p, items[i]);
      return p;
    }
  }
}

function takeBytes(p: usize): Uint8Array {
  const n = load<u32>(p);
  const out = new Uint8Array(n);
  memory.copy(out.dataStart, p + 4, n);
  return out;
}

// The decoder's position, advanced by decodeAt.
let decodePos: usize = 0;

function decodeAt(): Value {
  const p = decodePos;
  const v = new Value();
  v.kind = <Kind>load<u8>(p);
  decodePos = p + 1;
  switch (v.kind) {
    case Kind.Nil:
      break;
    case Kind.Int:
      v.int = load<i64>(p + 1);
      decodePos = p + 9;
      break;
    case Kind.Double:
      v.num = load<f64>(p + 1);
      decodePos = p + 9;
      break;
    case Kind.Bool:
      v.int = load<u8>(p + 1);
      decodePos = p + 2;
      break;
    case Kind.Bulk:
    case Kind.Status:
    case Kind.Error:
    case Kind.BigNumber:
      v.bytes = takeBytes(p + 1);
      decodePos = p + 5 + v.bytes!.length;
      break;
    case Kind.Verbatim: {
      v.format = takeBytes(p + 1);
      const q = p + 5 + v.format!.length;
      v.bytes = takeBytes(q);
      decodePos = q + 4 + v.bytes!.length;
      break;
    }
    default: {
      let n = load<u32>(p + 1);
      decodePos = p + 5;
      if (v.kind == Kind.Map) n *= 2;
      const items = new Array<Value>(n);
      for (let i: u32 = 0; i < n; i++) items[i] = decodeAt();
      v.items = items;
    }
  }
  return v;
}

function decode(p: usize): Value {
  decodePos = p;
  return decodeAt();
}

// Replies of up to SCRATCH_BYTES land in one buffer, and argument vectors of up to
// ARGV_SCRATCH_BYTES in another, without an allocation each. Both are taken from the heap on
// first use in a call rather than from static data: keyraft restores the module's memory after
// every call by copying back the range the call wrote, and buffers next to the call's other
// allocations keep that range to what was used (static buffers below the heap made it span all
// the static data in between). The pointers are globals, which keyraft resets too.
const SCRATCH_BYTES: i32 = 4096;
const ARGV_SCRATCH_BYTES: i32 = 4096;
let scratchAt: usize = 0;
let argvScratchAt: usize = 0;

function scratch(): usize {
  if (scratchAt == 0) scratchAt = heap.alloc(<usize>SCRATCH_BYTES);
  return scratchAt;
}

function argvScratch(): usize {
  if (argvScratchAt == 0) argvScratchAt = heap.alloc(<usize>ARGV_SCRATCH_BYTES);
  return argvScratchAt;
}

/** Fetches the reply of the last call/pcall, `len` bytes long, into memory and decodes it. */
function fetchReply(len: i32): Value {
  if (len <= SCRATCH_BYTES) return decode(scratch());
  const buf = heap.alloc(<usize>len);
  host_result(buf, len);
  return decode(buf);
}

// ---------------------------------------------------------------------------------------------
// KEYS and ARGV
// ---------------------------------------------------------------------------------------------

let inputLoaded = false;
let KEYS: Uint8Array[] = [];
let ARGV: Uint8Array[] = [];

function loadInput(): void {
  if (inputLoaded) return;
  inputLoaded = true;
  let p = scratch();
  const len = host_input(p, SCRATCH_BYTES);
  if (len > SCRATCH_BYTES) {
    p = heap.alloc(<usize>len);
    host_input(p, len);
  }
  const nkeys = load<u32>(p);
  const nargs = load<u32>(p + 4);
  p += 8;
  KEYS = new Array<Uint8Array>(nkeys);
  for (let i: u32 = 0; i < nkeys; i++) {
    KEYS[i] = takeBytes(p);
    p += 4 + KEYS[i].length;
  }
  ARGV = new Array<Uint8Array>(nargs);
  for (let i: u32 = 0; i < nargs; i++) {
    ARGV[i] = takeBytes(p);
    p += 4 + ARGV[i].length;
  }
}

export function keyCount(): i32 {
  loadInput();
  return KEYS.length;
}
export function argCount(): i32 {
  loadInput();
  return ARGV.length;
}
/** KEYS[i] (0-based) as bytes; fails the function when missing. */
export function keyBytes(i: i32): Uint8Array {
  loadInput();
  if (i < 0 || i >= KEYS.length) fail("ERR missing key #" + (i + 1).toString());
  return KEYS[i];
}
/** ARGV[i] (0-based) as bytes; fails the function when missing. */
export function argBytes(i: i32): Uint8Array {
  loadInput();
  if (i < 0 || i >= ARGV.length) fail("ERR missing argument #" + (i + 1).toString());
  return ARGV[i];
}
/** KEYS[i] as a UTF-8 string (use keyBytes for binary keys). */
export function key(i: i32): string {
  const b = keyBytes(i);
  return String.UTF8.decodeUnsafe(b.dataStart, <usize>b.length);
}
/** ARGV[i] as a UTF-8 string. */
export function arg(i: i32): string {
  const b = argBytes(i);
  return String.UTF8.decodeUnsafe(b.dataStart, <usize>b.length);
}
/** ARGV[i] as a signed 64-bit decimal integer; fails with Redis's text otherwise. */
export function argInt(i: i32): i64 {
  return parseI64(argBytes(i));
}

function parseI64(b: Uint8Array): i64 {
  const n = b.length;
  if (n == 0 || n > 20) fail("ERR value is not an integer or out of range");
  let i = 0;
  let neg = false;
  if (b[0] == 45) {
    neg = true;
    i = 1;
    if (n == 1) fail("ERR value is not an integer or out of range");
  }
  // Redis's string2ll: no leading zeros, and no "-0".
  if (b[i] == 48 && (n > i + 1 || neg)) fail("ERR value is not an integer or out of range");
  let v: u64 = 0;
  for (; i < n; i++) {
    const c = b[i];
    if (c < 48 || c > 57) fail("ERR value is not an integer or out of range");
    const next = v * 10 + <u64>(c - 48);
    if (next / 10 != v) fail("ERR value is not an integer or out of range");
    v = next;
  }
  if (neg) {
    if (v > 9223372036854775808) fail("ERR value is not an integer or out of range");
    return -(<i64>v);
  }
  if (v > 9223372036854775807) fail("ERR value is not an integer or out of range");
  return <i64>v;
}

// ---------------------------------------------------------------------------------------------
// Calling commands
// ---------------------------------------------------------------------------------------------

function invoke(args: string[], protectedCall: bool): Value {
  let size = 4;
  for (let i = 0; i < args.length; i++) size += 4 + String.UTF8.byteLength(args[i]);
  const buf = size > ARGV_SCRATCH_BYTES ? heap.alloc(<usize>size) : argvScratch();
  store<u32>(buf, args.length);
  let p = buf + 4;
  for (let i = 0; i < args.length; i++) {
    const s = args[i];
    const n = String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, p + 4);
    store<u32>(p, <u32>n);
    p += 4 + n;
  }
  const out = scratch();
  const len = protectedCall ? host_pcall(buf, size, out, SCRATCH_BYTES) : host_call(buf, size, out, SCRATCH_BYTES);
  return fetchReply(len);
}

function invokeBytes(args: Uint8Array[], protectedCall: bool): Value {
  let size = 4;
  for (let i = 0; i < args.length; i++) size += 4 + args[i].length;
  const buf = size > ARGV_SCRATCH_BYTES ? heap.alloc(<usize>size) : argvScratch();
  store<u32>(buf, args.length);
  let p = buf + 4;
  for (let i = 0; i < args.length; i++) p = putBytes(p, args[i]);
  const out = scratch();
  const len = protectedCall ? host_pcall(buf, size, out, SCRATCH_BYTES) : host_call(buf, size, out, SCRATCH_BYTES);
  return fetchReply(len);
}

/** redis.call with string arguments: an error reply ends the function with that error. */
export function call(args: string[]): Value {
  return invoke(args, false);
}
/** redis.pcall with string arguments: an error reply comes back as a Value with isError. */
export function pcall(args: string[]): Value {
  return invoke(args, true);
}
/** redis.call with binary arguments. */
export function callBytes(args: Uint8Array[]): Value {
  return invokeBytes(args, false);
}
/** redis.pcall with binary arguments. */
export function pcallBytes(args: Uint8Array[]): Value {
  return invokeBytes(args, true);
}

// ---------------------------------------------------------------------------------------------
// Replies, errors, log, time, random
// ---------------------------------------------------------------------------------------------

/** Sets the function's reply (the last one set wins; no reply = nil). */
export function reply(v: Value): void {
  const size = encodedSize(v);
  const buf = size <= SCRATCH_BYTES ? scratch() : heap.alloc(<usize>size);
  encodeAt(buf, v);
  host_reply(buf, size);
}
export function replyInt(v: i64): void {
  const buf = scratch();
  store<u8>(buf, <u8>Kind.Int);
  store<i64>(buf + 1, v);
  host_reply(buf, 9);
}
export function replyString(s: string): void {
  reply(Value.str(s));
}
export function replyStatus(s: string): void {
  reply(Value.status(s));
}
export function replyNil(): void {
  const buf = scratch();
  store<u8>(buf, <u8>Kind.Nil);
  host_reply(buf, 1);
}
/** Replies with an error value (like `return redis.error_reply(s)`). */
export function replyError(s: string): void {
  reply(Value.error(s));
}

/** Ends the function with an error reply, like Lua's error(): "ERR ..." text recommended. */
export function fail(message: string): void {
  const b = utf8(message);
  host_fail(b.dataStart, b.length);
  unreachable();
}

export const LOG_DEBUG: i32 = 0;
export const LOG_VERBOSE: i32 = 1;
export const LOG_NOTICE: i32 = 2;
export const LOG_WARNING: i32 = 3;

export function log(level: i32, message: string): void {
  const b = utf8(message);
  host_log(level, b.dataStart, b.length);
}

/** The write entry's time in milliseconds. */
export function timeMs(): i64 {
  return <i64>host_time();
}
/** The write entry's PRNG, in [0, 1): deterministic on replay. */
export function random(): f64 {
  return host_random();
}

/** AssemblyScript's abort (failed assertion, out of memory…) becomes the function's error reply. */
export function keyraftAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = "ERR WASM function aborted";
  if (message !== null) text += ": " + message;
  if (fileName !== null) text += " (" + fileName + ":" + line.toString() + ":" + column.toString() + ")";
  fail(text);
}

// ---------------------------------------------------------------------------------------------
// The manifest
// ---------------------------------------------------------------------------------------------

/** Builds the reply of `__keyraft_manifest`: one [name, description, flags] per function. */
export class Manifest {
  private entries: Value[] = [];

  /** Declares an exported `function name(): void` as callable by FCALL. Flags: "no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys". */
  add(name: string, flags: string[] = [], description: string | null = null): Manifest {
    const flagValues = new Array<Value>(flags.length);
    for (let i = 0; i < flags.length; i++) flagValues[i] = Value.str(flags[i]);
    const desc = description === null ? Value.nil() : Value.str(description);
    this.entries.push(Value.array([Value.str(name), desc, Value.array(flagValues)]));
    return this;
  }

  done(): void {
    reply(Value.array(this.entries));
  }
}

export function functions(): Manifest {
  return new Manifest();
}
