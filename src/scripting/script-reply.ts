// Conversions between RESP replies and script values, both ways, as Redis does them:
// - CaptureReply is the Reply a command run by redis.call writes into; it builds the value the
//   script receives, shaped by the RESP version the script selected (redis.setresp): under 2 a
//   map is a flat array, a double a bulk string, a boolean 1/0; under 3 they keep their types.
// - writeScriptValue renders what a script returned onto the caller's connection, which does its
//   own RESP2/RESP3 rendering (a RESP3 map reaches a RESP2 client as a flat array).

import { grownBuffer, type Bytes, type ProtocolVersion, type Reply } from '../protocol/reply.js';
import { formatDouble } from '../protocol/numbers.js';
import { TAG_ARRAY, TAG_BOOL, TAG_BULK, TAG_DOUBLE, TAG_ERROR, TAG_INT, TAG_MAP, TAG_NIL, TAG_SET, TAG_STATUS, TAG_VERBATIM } from './wasm-codec.js';
import type { ScriptHost, ScriptValue } from './types.js';

function bytes(v: Bytes): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

interface Frame {
  kind: 'array' | 'map' | 'set';
  items: ScriptValue[];
  expected: number;
}

const OK = Buffer.from('OK');

/** A Reply that builds the ScriptValue a command's reply becomes inside a script. */
export class CaptureReply implements Reply {
  resp: ProtocolVersion = 2;
  private stack: Frame[] = [];
  private result: ScriptValue = null;
  private done = false;
  /** Set when the command answered with an error (the first reply element was one). */
  errorText: string | null = null;

  reset(resp: ProtocolVersion): void {
    this.resp = resp;
    this.stack.length = 0;
    this.result = null;
    this.done = false;
    this.errorText = null;
  }

  /** The value built; a command writes exactly one reply. */
  take(): ScriptValue {
    return this.result;
  }

  private add(v: ScriptValue): void {
    let value = v;
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (top === undefined) {
        if (!this.done) {
          this.result = value;
          this.done = true;
        }
        return;
      }
      top.items.push(value);
      if (top.items.length < top.expected) return;
      this.stack.pop();
      value = close(top);
    }
  }

  private open(kind: Frame['kind'], expected: number): void {
    if (expected <= 0) {
      this.add(close({ kind, items: [], expected: 0 }));
      return;
    }
    this.stack.push({ kind, items: [], expected });
  }

  ok(): void {
    this.add({ ok: OK });
  }
  simple(text: string): void {
    this.add({ ok: Buffer.from(text, 'latin1') });
  }
  error(text: string): void {
    if (this.stack.length === 0 && !this.done) this.errorText = text;
    this.add({ err: Buffer.from(text, 'latin1') });
  }
  integer(n: number | bigint): void {
    this.add(typeof n === 'bigint' && n >= -0x1fffffffffffffn && n <= 0x1fffffffffffffn ? Number(n) : n);
  }
  bulk(value: Bytes): void {
    this.add(bytes(value));
  }
  nullBulk(): void {
    this.add(null);
  }
  nullArray(): void {
    this.add(null);
  }
  array(length: number): void {
    this.open('array', length);
  }
  map(length: number): void {
    if (this.resp === 3) this.open('map', length * 2);
    else this.open('array', length * 2);
  }
  set(length: number): void {
    this.open(this.resp === 3 ? 'set' : 'array', length);
  }
  push(length: number): void {
    this.open('array', length);
  }
  double(value: number): void {
    if (this.resp === 3) this.add({ double: value });
    else this.add(Buffer.from(formatDouble(value), 'latin1'));
  }
  doubleText(text: string): void {
    if (this.resp === 3) this.add({ double: Number(text === 'inf' ? Infinity : text === '-inf' ? -Infinity : text) });
    else this.add(Buffer.from(text, 'latin1'));
  }
  bool(value: boolean): void {
    if (this.resp === 3) this.add(value);
    else this.add(value ? 1 : 0);
  }
  verbatim(text: string): void {
    if (this.resp === 3) this.add({ verbatim_string: { format: Buffer.from('txt'), string: Buffer.from(text, 'latin1') } });
    else this.add(Buffer.from(text, 'latin1'));
  }
  bulkArray(values: readonly Bytes[]): void {
    if (values.length === 0) {
      this.add([]);
      return;
    }
    this.add(values.map(bytes));
  }
}

function close(frame: Frame): ScriptValue {
  if (frame.kind === 'array') return frame.items;
  if (frame.kind === 'set') return { set: frame.items };
  const pairs: [ScriptValue, ScriptValue][] = [];
  for (let i = 0; i + 1 < frame.items.length; i += 2) pairs.push([frame.items[i]!, frame.items[i + 1]!]);
  return { map: pairs };
}

/** Most nesting a returned value may have before it is cut off (Redis's Lua stack limit is similar). */
const REPLY_DEPTH_MAX = 1000;

/**
 * Writes what a script returned to the caller. `errorText` renders an error value (the caller
 * decides whether it gets a script-location suffix).
 */
export function writeScriptValue(reply: Reply, v: ScriptValue, errorText: (e: { err: Buffer; code?: Buffer; meta?: unknown }) => string, depth = 0): void {
  if (v === null) {
    reply.nullBulk();
    return;
  }
  switch (typeof v) {
    case 'number':
      reply.integer(Number.isFinite(v) ? Math.trunc(v) : 0);
      return;
    case 'bigint':
      reply.integer(v);
      return;
    case 'boolean':
      reply.bool(v);
      return;
  }
  if (Buffer.isBuffer(v)) {
    reply.bulk(v);
    return;
  }
  if (Array.isArray(v)) {
    if (depth >= REPLY_DEPTH_MAX) {
      reply.error('ERR reached lua stack limit');
      return;
    }
    reply.array(v.length);
    for (const item of v) writeScriptValue(reply, item, errorText, depth + 1);
    return;
  }
  if ('err' in v) reply.error(errorText(v));
  else if ('ok' in v) reply.simple(v.ok.toString('latin1').replace(/[\r\n]/g, ' '));
  else if ('double' in v) reply.double(v.double);
  else if ('big_number' in v) reply.bulk(v.big_number);
  else if ('verbatim_string' in v) reply.verbatim(v.verbatim_string.string.toString('latin1'));
  else if ('map' in v) {
    reply.map(v.map.length);
    for (const [k, val] of v.map) {
      writeScriptValue(reply, k, errorText, depth + 1);
      writeScriptValue(reply, val, errorText, depth + 1);
    }
  } else if ('set' in v) {
    reply.set(v.set.length);
    for (const item of v.set) writeScriptValue(reply, item, errorText, depth + 1);
  } else reply.nullBulk();
}

/**
 * A script value as it arrives from another thread: structured cloning turns every Buffer into a
 * plain Uint8Array, which this turns back (in place for containers).
 */
export function reviveBuffers(v: ScriptValue): ScriptValue {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Uint8Array) {
    const bytes: Uint8Array = v;
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = reviveBuffers(v[i]!);
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const field = o[k];
    if (k === 'map') for (const pair of field as ScriptValue[][]) (pair[0] = reviveBuffers(pair[0]!)), (pair[1] = reviveBuffers(pair[1]!));
    else if (k === 'verbatim_string') {
      const vs = field as { format: Uint8Array; string: Uint8Array };
      vs.format = reviveBuffers(vs.format as Buffer) as Buffer;
      vs.string = reviveBuffers(vs.string as Buffer) as Buffer;
    } else if (field instanceof Uint8Array || Array.isArray(field)) o[k] = reviveBuffers(field as ScriptValue);
  }
  return v;
}

/**
 * A host that runs a redis.call command straight into a script engine's reply encoding
 * (CommandHost): the arguments arrive as latin1 strings, the reply is written into `out`.
 */
export interface EncodingScriptHost extends ScriptHost {
  runEncoded(argv: string[], out: ReplyEncoder): void;
  /** redis.acl_check_cmd: 1 allowed, 0 denied, -1 no such command. */
  aclCheck?(argv: string[]): number;
}

/** The encoder's buffer to start with; it grows to the largest reply seen, up to this and then as needed. */
const ENCODER_INITIAL_BYTES = 4 * 1024;
/** A buffer grown past this is dropped after the reply that needed it (one huge reply should not pin memory). */
const ENCODER_KEPT_BYTES_MAX = 1024 * 1024;
/** Most nested containers one reply may open (a command's reply is a few levels deep). */
const ENCODER_DEPTH_MAX = 1024;
const TWO_TO_32 = 0x100000000;

/**
 * A Reply that writes a command's reply, run by redis.call from a script, straight into the
 * value encoding both script engines read (wasm-codec.ts: the WASM function ABI, which the Lua
 * glue shares), shaped by the script's RESP version exactly as CaptureReply shapes a
 * ScriptValue (test/scripting/lua-glue.test.ts checks the bytes equal wasm-codec's encoding of
 * CaptureReply's value) — without building the value or the per-node Buffers. Only the first
 * complete top-level value counts, as in CaptureReply.
 */
export class ReplyEncoder implements Reply {
  resp: ProtocolVersion = 2;
  /** Set when the command answered with an error (the first reply element was one). */
  errorText: string | null = null;
  buf: Buffer = Buffer.allocUnsafe(ENCODER_INITIAL_BYTES);
  len = 0;
  /** Items each open container still expects, innermost last. */
  private readonly remaining = new Int32Array(ENCODER_DEPTH_MAX);
  private depth = 0;
  private done = false;

  reset(resp: ProtocolVersion): void {
    this.resp = resp;
    this.errorText = null;
    this.depth = 0;
    this.done = false;
    if (this.buf.length > ENCODER_KEPT_BYTES_MAX) this.buf = Buffer.allocUnsafe(ENCODER_INITIAL_BYTES);
    this.len = 0;
  }

  /** The encoded reply's length, after writing a nil when the command wrote nothing. */
  finish(): number {
    if (this.len === 0) this.tag(TAG_NIL);
    return this.len;
  }

  private reserve(extra: number): void {
    const need = this.len + extra;
    if (need > this.buf.length) this.buf = grownBuffer(this.buf, this.len, need);
  }

  private tag(tag: number): void {
    this.reserve(1);
    this.buf[this.len++] = tag;
  }

  private u32(n: number): void {
    this.reserve(4);
    const b = this.buf;
    const l = this.len;
    b[l] = n & 0xff;
    b[l + 1] = (n >>> 8) & 0xff;
    b[l + 2] = (n >>> 16) & 0xff;
    b[l + 3] = (n >>> 24) & 0xff;
    this.len = l + 4;
  }

  /** One value done: closes every container it completes; the top-level one ends the reply. */
  private completed(): void {
    let d = this.depth;
    while (d > 0) {
      const left = --this.remaining[d - 1]!;
      if (left > 0) return;
      d = --this.depth;
    }
    this.done = true;
  }

  private open(tag: number, count: number, items: number): void {
    if (this.done) return;
    this.tag(tag);
    this.u32(count);
    if (items <= 0) {
      this.completed();
      return;
    }
    if (this.depth >= ENCODER_DEPTH_MAX) throw new Error('ERR reply nested too deeply for a script');
    this.remaining[this.depth++] = items;
  }

  private latin1(s: string): void {
    const n = s.length;
    this.u32(n);
    this.reserve(n);
    if (n <= 32) {
      const b = this.buf;
      let l = this.len;
      for (let i = 0; i < n; i++) b[l++] = s.charCodeAt(i);
      this.len = l;
    } else this.len += this.buf.latin1Write(s, this.len, n);
  }

  private string(tag: number, s: string): void {
    if (this.done) return;
    this.tag(tag);
    this.latin1(s);
    this.completed();
  }

  private bytes(tag: number, v: Bytes): void {
    if (typeof v === 'string') {
      this.string(tag, v);
      return;
    }
    if (this.done) return;
    const n = v.length;
    this.tag(tag);
    this.u32(n);
    this.reserve(n);
    this.buf.set(v, this.len);
    this.len += n;
    this.completed();
  }

  ok(): void {
    this.string(TAG_STATUS, 'OK');
  }
  simple(text: string): void {
    this.string(TAG_STATUS, text);
  }
  error(text: string): void {
    if (this.depth === 0 && !this.done) this.errorText = text;
    this.string(TAG_ERROR, text);
  }
  integer(n: number | bigint): void {
    if (this.done) return;
    this.tag(TAG_INT);
    this.reserve(8);
    if (typeof n === 'number') {
      const hi = Math.floor(n / TWO_TO_32);
      this.buf.writeUInt32LE(n - hi * TWO_TO_32, this.len);
      this.buf.writeInt32LE(hi | 0, this.len + 4);
    } else this.buf.writeBigInt64LE(BigInt.asIntN(64, n), this.len);
    this.len += 8;
    this.completed();
  }
  bulk(value: Bytes): void {
    this.bytes(TAG_BULK, value);
  }
  nullBulk(): void {
    if (this.done) return;
    this.tag(TAG_NIL);
    this.completed();
  }
  nullArray(): void {
    this.nullBulk();
  }
  array(length: number): void {
    this.open(TAG_ARRAY, Math.max(length, 0), length);
  }
  map(length: number): void {
    if (this.resp === 3) this.open(TAG_MAP, Math.max(length, 0), length * 2);
    else this.open(TAG_ARRAY, Math.max(length * 2, 0), length * 2);
  }
  set(length: number): void {
    this.open(this.resp === 3 ? TAG_SET : TAG_ARRAY, Math.max(length, 0), length);
  }
  push(length: number): void {
    this.open(TAG_ARRAY, Math.max(length, 0), length);
  }
  double(value: number): void {
    if (this.resp !== 3) {
      this.string(TAG_BULK, formatDouble(value));
      return;
    }
    if (this.done) return;
    this.tag(TAG_DOUBLE);
    this.reserve(8);
    this.buf.writeDoubleLE(value, this.len);
    this.len += 8;
    this.completed();
  }
  doubleText(text: string): void {
    if (this.resp === 3) this.double(Number(text === 'inf' ? Infinity : text === '-inf' ? -Infinity : text));
    else this.string(TAG_BULK, text);
  }
  bool(value: boolean): void {
    if (this.resp !== 3) {
      this.integer(value ? 1 : 0);
      return;
    }
    if (this.done) return;
    this.tag(TAG_BOOL);
    this.reserve(1);
    this.buf[this.len++] = value ? 1 : 0;
    this.completed();
  }
  verbatim(text: string): void {
    if (this.resp !== 3) {
      this.string(TAG_BULK, text);
      return;
    }
    if (this.done) return;
    this.tag(TAG_VERBATIM);
    this.latin1('txt');
    this.latin1(text);
    this.completed();
  }
  bulkArray(values: readonly Bytes[]): void {
    this.array(values.length);
    for (const v of values) this.bytes(TAG_BULK, v);
  }
}
