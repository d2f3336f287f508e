// Conversions between RESP replies and script values, both ways, as Redis does them:
// - CaptureReply is the Reply a command run by redis.call writes into; it builds the value the
//   script receives, shaped by the RESP version the script selected (redis.setresp): under 2 a
//   map is a flat array, a double a bulk string, a boolean 1/0; under 3 they keep their types.
// - writeScriptValue renders what a script returned onto the caller's connection, which does its
//   own RESP2/RESP3 rendering (a RESP3 map reaches a RESP2 client as a flat array).

import type { Bytes, ProtocolVersion, Reply } from '../protocol/reply.js';
import { formatDouble } from '../protocol/numbers.js';
import type { ScriptValue } from './types.js';

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
