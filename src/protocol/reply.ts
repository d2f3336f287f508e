// Reply writer: renders typed replies as RESP2 or RESP3 straight into one growing output
// buffer per connection. Handlers call one method per reply element; the connection flushes the
// buffer once per batch of commands (one socket write per read), which is what makes pipelining
// cheap. Strings are latin1 (one char = one byte), so binary values round-trip unchanged.
//
// `Reply` is the interface handlers see; `NullReply` discards everything (used when replaying
// the AOF or applying a Raft entry that has no client waiting on it).

import { formatDouble } from './numbers.js';

export type ProtocolVersion = 2 | 3;

/** Anything a string value can be stored as: a latin1 string or raw bytes. */
export type Bytes = string | Uint8Array;

export interface Reply {
  readonly resp: ProtocolVersion;
  ok(): void;
  simple(text: string): void;
  /** `text` is the whole error line without the leading '-', e.g. "ERR syntax error". */
  error(text: string): void;
  integer(n: number | bigint): void;
  bulk(value: Bytes): void;
  /** RESP2 `$-1`, RESP3 `_`. */
  nullBulk(): void;
  /** RESP2 `*-1`, RESP3 `_`. */
  nullArray(): void;
  array(length: number): void;
  /** RESP3 map header; RESP2 flattens it into an array of 2*length. */
  map(length: number): void;
  /** RESP3 set header; RESP2 array. */
  set(length: number): void;
  /** RESP3 push header; RESP2 array. */
  push(length: number): void;
  /** RESP3 double; RESP2 bulk string with Redis's formatting. */
  double(value: number): void;
  /** RESP3 double written as the given text; RESP2 bulk string of it (addReplyHumanLongDouble). */
  doubleText(text: string): void;
  /** RESP3 boolean; RESP2 integer 1/0. */
  bool(value: boolean): void;
  /** RESP3 verbatim string ("txt"); RESP2 bulk string. */
  verbatim(text: string): void;
  /** Bulk strings for each element, in an array header. */
  bulkArray(values: readonly Bytes[]): void;
}

/** Strings up to this long are copied byte by byte rather than through latin1Write. */
const SHORT_STRING_CHARS = 32;
const INITIAL_BYTES = 16 * 1024;
/**
 * Output up to this many bytes (a reply or a short pipeline's) is copied out byte by byte:
 * Buffer.copy's checks and the typed-array view it makes cost more than the copy itself.
 */
const SHORT_COPY_BYTES = 128;
/** Replies smaller than this are copied out of the buffer on flush; bigger ones hand it off. */
const COPY_OUT_BYTES_MAX = 64 * 1024;

const SMALL_INTS = 10000;
const intCache: Buffer[] = [];
for (let i = 0; i < SMALL_INTS; i++) intCache.push(Buffer.from(`:${i}\r\n`, 'latin1'));

/** A buffer at least `need` bytes long (doubling), holding the first `used` bytes of `buf`. */
export function grownBuffer(buf: Buffer, used: number, need: number): Buffer {
  let size = buf.length * 2;
  while (size < need) size *= 2;
  const next = Buffer.allocUnsafe(size);
  buf.copy(next, 0, 0, used);
  return next;
}

export class ReplyWriter implements Reply {
  resp: ProtocolVersion = 2;
  /** Error replies written so far (the dispatcher counts failed calls by the difference). */
  errorCount = 0;
  /** Called with each error line, for INFO errorstats. */
  onError: ((text: string) => void) | null = null;
  private buf: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  private len = 0;

  get length(): number {
    return this.len;
  }

  /** Bytes the buffer can hold before it grows (CLIENT LIST rbs). */
  get capacity(): number {
    return this.buf.length;
  }

  /** Takes what has been written so far, leaving the writer empty. */
  take(): Buffer {
    const len = this.len;
    this.len = 0;
    if (len <= COPY_OUT_BYTES_MAX) {
      const out = Buffer.allocUnsafe(len);
      if (len <= SHORT_COPY_BYTES) {
        const b = this.buf;
        for (let i = 0; i < len; i++) out[i] = b[i]!;
      } else this.buf.copy(out, 0, 0, len);
      return out;
    }
    const out = this.buf.subarray(0, len);
    this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
    return out;
  }

  /** Drops bytes written after `mark` (used to discard a partially rendered reply). */
  truncate(mark: number): void {
    if (mark < this.len) this.len = mark;
  }

  private reserve(extra: number): void {
    const need = this.len + extra;
    if (need > this.buf.length) this.buf = grownBuffer(this.buf, this.len, need);
  }

  private ascii(s: string): void {
    this.reserve(s.length);
    this.put(s);
  }

  /** Copies a latin1 string in; short ones byte by byte (cheaper than a call into C++). */
  private put(s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING_CHARS) {
      const b = this.buf;
      let l = this.len;
      for (let i = 0; i < n; i++) b[l++] = s.charCodeAt(i);
      this.len = l;
    } else {
      this.len += this.buf.latin1Write(s, this.len);
    }
  }

  /** Writes a non-negative integer's digits. */
  private digits(n: number): void {
    if (n < 10) {
      this.buf[this.len++] = 48 + n;
      return;
    }
    this.put(String(n));
  }

  private line(prefix: number, s: string): void {
    this.reserve(s.length + 3);
    const b = this.buf;
    b[this.len++] = prefix;
    this.put(s);
    b[this.len++] = 13;
    b[this.len++] = 10;
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  ok(): void {
    this.reserve(5);
    const b = this.buf;
    const l = this.len;
    b[l] = 0x2b; // +
    b[l + 1] = 0x4f; // O
    b[l + 2] = 0x4b; // K
    b[l + 3] = 0x0d;
    b[l + 4] = 0x0a;
    this.len = l + 5;
  }

  simple(text: string): void {
    this.line(0x2b, text);
  }

  error(text: string): void {
    // Error lines cannot contain newlines; Redis replaces them with spaces.
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) text = text.replace(/[\r\n]/g, ' ');
    this.errorCount++;
    if (this.onError) this.onError(text);
    this.line(0x2d, text);
  }

  integer(n: number | bigint): void {
    if (typeof n === 'number' && n >= 0 && n < SMALL_INTS && Number.isInteger(n)) {
      this.raw(intCache[n]!);
      return;
    }
    this.line(0x3a, String(n));
  }

  bulk(value: Bytes): void {
    const n = value.length;
    this.reserve(n + 16);
    const b = this.buf;
    b[this.len++] = 0x24; // $
    this.digits(n);
    b[this.len++] = 13;
    b[this.len++] = 10;
    if (typeof value === 'string') this.put(value);
    else {
      b.set(value, this.len);
      this.len += n;
    }
    b[this.len++] = 13;
    b[this.len++] = 10;
  }

  nullBulk(): void {
    this.ascii(this.resp === 3 ? '_\r\n' : '$-1\r\n');
  }

  nullArray(): void {
    this.ascii(this.resp === 3 ? '_\r\n' : '*-1\r\n');
  }

  array(length: number): void {
    this.reserve(24);
    this.buf[this.len++] = 0x2a;
    this.digits(length);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  map(length: number): void {
    if (this.resp === 3) this.line(0x25, String(length));
    else this.line(0x2a, String(length * 2));
  }

  set(length: number): void {
    this.line(this.resp === 3 ? 0x7e : 0x2a, String(length));
  }

  push(length: number): void {
    this.line(this.resp === 3 ? 0x3e : 0x2a, String(length));
  }

  double(value: number): void {
    if (this.resp === 3) {
      let s: string;
      if (value === Infinity) s = 'inf';
      else if (value === -Infinity) s = '-inf';
      else if (Number.isNaN(value)) s = 'nan';
      else s = formatDouble(value);
      this.line(0x2c, s);
    } else {
      this.bulk(formatDouble(value));
    }
  }

  doubleText(text: string): void {
    if (this.resp === 3) this.line(0x2c, text);
    else this.bulk(text);
  }

  bool(value: boolean): void {
    if (this.resp === 3) this.ascii(value ? '#t\r\n' : '#f\r\n');
    else this.integer(value ? 1 : 0);
  }

  verbatim(text: string): void {
    if (this.resp === 3) {
      this.line(0x3d, String(text.length + 4));
      this.ascii('txt:');
      this.ascii(text);
      this.ascii('\r\n');
    } else {
      this.bulk(text);
    }
  }

  bulkArray(values: readonly Bytes[]): void {
    this.array(values.length);
    for (let i = 0; i < values.length; i++) this.bulk(values[i]!);
  }
}

/** A reply sink that renders nothing: for replaying entries nobody is waiting on. */
export class NullReply implements Reply {
  constructor(readonly resp: ProtocolVersion = 2) {}
  ok(): void {}
  simple(): void {}
  error(): void {}
  integer(): void {}
  bulk(): void {}
  nullBulk(): void {}
  nullArray(): void {}
  array(): void {}
  map(): void {}
  set(): void {}
  push(): void {}
  double(): void {}
  doubleText(): void {}
  bool(): void {}
  verbatim(): void {}
  bulkArray(): void {}
}
