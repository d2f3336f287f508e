// Resumable RESP request parser. The connection feeds it socket chunks and pulls one command at
// a time with next(), so it can stop pulling while the client is blocked or paused. State
// survives between chunks (how many arguments are still expected, the pending bulk length), so a
// large command arriving in many chunks is scanned once, not once per chunk.
//
// Arguments come out as latin1 strings: one char per byte, binary-safe, compared byte-wise, and
// the representation the keyspace stores. The common case (whole commands in one chunk) keeps
// no copy of the chunk at all.
//
// Limits and error texts follow Redis 7.0's networking.c (processMultibulkBuffer and
// processInlineBuffer); a protocol error is returned once and the connection must then reply
// and close.

/** Largest inline request or count line Redis accepts before it sees a newline. */
export const INLINE_BYTES_MAX = 64 * 1024;
/** Largest number of arguments in one multibulk request (Redis: INT_MAX; we cap at 1M). */
export const MULTIBULK_ARGS_MAX = 1024 * 1024;
/** Largest string V8 can hold; bulk arguments beyond this cannot be represented. */
export const STRING_BYTES_MAX = 0x1fffffe8;
/** Requests with up to this many arguments get their argument vector allocated at its full size. */
const ARGS_PREALLOC_MAX = 1024;
/** Bulk arguments at least this big get a buffer of their exact size up front. */
const BIG_ARG_BYTES = 32 * 1024;

export interface ParserLimits {
  /** proto-max-bulk-len */
  bulkBytesMax: number;
  /** client-query-buffer-limit */
  queryBufferBytesMax: number;
}

export class ProtocolError {
  constructor(readonly message: string) {}
}

/** The result of next(): a command, nothing complete yet (null), or a protocol error. */
export type ParseResult = string[] | null | ProtocolError;

export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  private end = 0;
  /** Arguments still expected in the current multibulk request (0 = between requests). */
  private argsLeft = 0;
  /** Length of the bulk argument being read, or -1 when its `$` line is still to be read. */
  private bulkLen = -1;
  private args: string[] = NO_ARGS;
  /** Arguments of the current request read so far (the next index in `args`). */
  private argCount = 0;
  /** Whether the client has authenticated; unauthenticated clients get tighter limits. */
  authenticated = true;

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes received but not yet consumed (Redis's query buffer length). */
  get pendingBytes(): number {
    return this.end - this.pos;
  }

  /**
   * Appends the first `length` bytes of a received chunk. Returns false when the query buffer
   * limit is exceeded. A chunk whose memory will be reused (a socket's shared read buffer) must
   * be followed by detach() once the commands in it have been taken.
   */
  feed(chunk: Buffer, length = chunk.length): boolean {
    const pending = this.end - this.pos;
    if (pending === 0) {
      // Nothing left over: parse straight out of the chunk, no copy.
      this.buf = chunk;
      this.pos = 0;
      this.end = length;
      this.ownsBuffer = false;
      return true;
    }
    const need = pending + length;
    if (need > this.limits.queryBufferBytesMax) return false;
    if (this.ownsBuffer && this.buf.length - this.end >= length) {
      chunk.copy(this.buf, this.end, 0, length);
      this.end += length;
      return true;
    }
    this.moveToOwnBuffer(need, Math.max(need, pending * 2, 4096));
    chunk.copy(this.buf, pending, 0, length);
    this.end = need;
    return true;
  }

  /**
   * Moves the unconsumed bytes to the start of a new buffer of the parser's own with room for
   * `need` bytes, `size` preferred (bounded by the query buffer limit), or all of a big bulk
   * argument in flight at once.
   */
  private moveToOwnBuffer(need: number, size: number): void {
    if (this.argsLeft > 0 && this.bulkLen >= BIG_ARG_BYTES) size = Math.max(need, this.bulkLen + 2);
    const own = Buffer.allocUnsafe(Math.max(need, Math.min(size, this.limits.queryBufferBytesMax)));
    this.buf.copy(own, 0, this.pos, this.end);
    this.buf = own;
    this.end -= this.pos;
    this.pos = 0;
    this.ownsBuffer = true;
  }

  /** Where fastLength's line ends (valid right after it returned a number). */
  private fastNext = 0;

  /** A recent request's key argument, reused when a later one repeats it (keyArg). */
  private lastKey = '';
  private keyMisses = 0;

  /** Whether `buf` is ours to append into (false while it is a chunk handed to us). */
  private ownsBuffer = false;

  /**
   * Copies the unconsumed bytes out of a chunk handed to feed() into a buffer of the parser's
   * own, so the chunk's memory can be reused for the next read (a partial request, or commands
   * a blocked or paused client has not run yet).
   */
  detach(): void {
    if (this.ownsBuffer) return;
    const pending = this.end - this.pos;
    if (pending === 0) {
      this.release();
      return;
    }
    this.moveToOwnBuffer(pending, Math.max(pending, 4096));
  }

  /** Parses the next complete command, if any. */
  next(): ParseResult {
    if (this.argsLeft === 0) {
      // Skip empty requests ("*0", "*-1", blank inline lines) as Redis does.
      for (;;) {
        if (this.pos >= this.end) return this.release();
        if (this.buf[this.pos] === 0x2a) {
          const r = this.readMultibulkHeader();
          if (r !== true) return r;
          if (this.argsLeft > 0) break;
        } else {
          const r = this.readInline();
          if (r === SKIP) continue;
          return r;
        }
      }
    }
    return this.readBulks();
  }

  private release(): null {
    // Drop the reference to a fully consumed chunk so it can be collected.
    this.buf = EMPTY;
    this.pos = 0;
    this.end = 0;
    this.ownsBuffer = false;
    return null;
  }

  private findCRLF(from: number): number {
    const i = this.buf.indexOf(0x0d, from);
    return i < 0 || i + 1 >= this.end ? -1 : i;
  }

  private readMultibulkHeader(): true | null | ProtocolError {
    const fast = this.fastLength(0x2a);
    if (fast > 0 && fast <= MULTIBULK_ARGS_MAX && (fast <= 10 || this.authenticated)) {
      this.pos = this.fastNext;
      this.argsLeft = fast;
      this.bulkLen = -1;
      this.startArgs(fast);
      return true;
    }
    const cr = this.findCRLF(this.pos);
    if (cr < 0) {
      if (this.end - this.pos > INLINE_BYTES_MAX) return new ProtocolError('Protocol error: too big mbulk count string');
      return null;
    }
    const n = parseLength(this.buf, this.pos + 1, cr);
    if (n === null || n > MULTIBULK_ARGS_MAX) return new ProtocolError('Protocol error: invalid multibulk length');
    if (n > 10 && !this.authenticated) return new ProtocolError('Protocol error: unauthenticated multibulk length');
    this.pos = cr + 2;
    if (n <= 0) return true;
    this.argsLeft = n;
    this.bulkLen = -1;
    this.startArgs(n);
    return true;
  }

  /**
   * A fresh argument vector for a request of `count` arguments: sized up front (as Redis sizes
   * argv, up to ARGS_PREALLOC_MAX) instead of grown element by element, which allocated about
   * three times the memory for short commands (young-generation GC work on every command).
   */
  private startArgs(count: number): void {
    this.args = count <= ARGS_PREALLOC_MAX ? new Array<string>(count) : [];
    this.argCount = 0;
  }

  /**
   * Reads "<prefix><digits>\r" plus one more byte at pos when it is plainly well formed (no sign,
   * no leading zero, at most 10 digits); returns the number and leaves the position after it in
   * fastNext (the caller moves there if it accepts the number), or -1 when the general path
   * must decide.
   */
  private fastLength(prefix: number): number {
    const buf = this.buf;
    const pos = this.pos;
    const end = this.end;
    if (buf[pos] !== prefix) return -1;
    let i = pos + 1;
    let n = 0;
    const limit = Math.min(end, pos + 11);
    while (i < limit) {
      const c = buf[i]!;
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      i++;
    }
    const digits = i - pos - 1;
    if (digits === 0 || i + 1 >= end || buf[i] !== 13) return -1;
    if (digits > 1 && buf[pos + 1] === 48) return -1;
    this.fastNext = i + 2;
    return n;
  }

  private readBulks(): ParseResult {
    const buf = this.buf;
    while (this.argsLeft > 0) {
      if (this.bulkLen < 0) {
        if (this.pos >= this.end) return null;
        // Fast path for a well-formed "$<len>\r\n" within reach: digits parsed in place,
        // without a native indexOf. Anything unusual takes the general path below.
        const fast = this.fastLength(0x24);
        if (fast >= 0) {
          if (fast <= this.limits.bulkBytesMax && (fast <= 16384 || this.authenticated)) {
            this.pos = this.fastNext;
            this.bulkLen = fast;
          } else {
            return fast > this.limits.bulkBytesMax ? new ProtocolError('Protocol error: invalid bulk length') : new ProtocolError('Protocol error: unauthenticated bulk length');
          }
        }
      }
      if (this.bulkLen < 0) {
        const cr = this.findCRLF(this.pos);
        if (cr < 0) {
          if (this.end - this.pos > INLINE_BYTES_MAX) return new ProtocolError('Protocol error: too big bulk count string');
          return null;
        }
        if (buf[this.pos] !== 0x24) return expectedDollar(buf[this.pos]!);
        const n = parseLength(buf, this.pos + 1, cr);
        if (n === null || n < 0 || n > this.limits.bulkBytesMax || n > STRING_BYTES_MAX) {
          return new ProtocolError('Protocol error: invalid bulk length');
        }
        if (n > 16384 && !this.authenticated) return new ProtocolError('Protocol error: unauthenticated bulk length');
        this.pos = cr + 2;
        this.bulkLen = n;
      }
      if (this.end - this.pos < this.bulkLen + 2) return null;
      const start = this.pos;
      const len = this.bulkLen;
      // The command name repeats on every request: reuse one string per name, which also lets
      // the command table's Map use the string's cached hash.
      const i = this.argCount++;
      this.args[i] =
        i === 0 && len <= NAME_BYTES_MAX
          ? internName(buf, start, len)
          : len <= SHORT_ARG_BYTES
            ? internShort(buf, start, len)
            : i === 1
              ? this.keyArg(buf, start, len)
              : buf.latin1Slice(start, start + len);
      // Like Redis, the two bytes after the payload are skipped without being checked.
      this.pos = start + this.bulkLen + 2;
      this.bulkLen = -1;
      this.argsLeft--;
    }
    const args = this.args;
    this.args = NO_ARGS;
    if (this.pos >= this.end) this.release();
    return args;
  }

  /**
   * The first argument after the name: the key for nearly every command. A client that repeats
   * a recent key (a queue, a counter, a leaderboard; redis-benchmark's collection tests) gets
   * the same string again, whose V8 hash is already computed, so the keyspace lookup skips both
   * the latin1Slice call and the rehash (a sixth of SADD's profile). Checked from the end, where
   * keys sharing a prefix differ, so a different key costs a compare or two.
   */
  private keyArg(buf: Buffer, start: number, len: number): string {
    const last = this.lastKey;
    if (last.length === len) {
      let i = len - 1;
      while (i >= 0 && last.charCodeAt(i) === buf[start + i]) i--;
      if (i < 0) return last;
    }
    const s = buf.latin1Slice(start, start + len);
    // Remembered on every eighth miss only: storing a new string into this long-lived object
    // costs a GC write barrier, which a client whose keys never repeat should not pay each time.
    if ((++this.keyMisses & 7) === 0 && len <= KEY_REUSE_BYTES_MAX) this.lastKey = s;
    return s;
  }

  private readInline(): ParseResult | typeof SKIP {
    const nl = this.buf.indexOf(0x0a, this.pos);
    if (nl < 0 || nl >= this.end) {
      if (this.end - this.pos > INLINE_BYTES_MAX) return new ProtocolError('Protocol error: too big inline request');
      return null;
    }
    let lineEnd = nl;
    if (lineEnd > this.pos && this.buf[lineEnd - 1] === 0x0d) lineEnd--;
    const line = this.buf.latin1Slice(this.pos, lineEnd);
    this.pos = nl + 1;
    const args = splitInlineArgs(line);
    if (args === null) return new ProtocolError('Protocol error: unbalanced quotes in request');
    if (args.length === 0) return SKIP;
    if (this.pos >= this.end) this.release();
    return args;
  }
}

const EMPTY = Buffer.alloc(0);
/** Placeholder between requests; never written to (startArgs gives each request its own). */
const NO_ARGS: string[] = [];

/** Command names up to this many bytes are interned. */
const NAME_BYTES_MAX = 24;
const nameCache: (string | undefined)[] = new Array(512);

function internName(buf: Buffer, start: number, len: number): string {
  if (len === 0) return '';
  const h = (len * 31 + buf[start]! * 7 + buf[start + len - 1]! * 3 + buf[start + (len >> 1)]!) & 511;
  const cached = nameCache[h];
  if (cached !== undefined && cached.length === len) {
    let i = 0;
    while (i < len && cached.charCodeAt(i) === buf[start + i]) i++;
    if (i === len) return cached;
  }
  const s = buf.latin1Slice(start, start + len);
  nameCache[h] = s;
  return s;
}
/**
 * Arguments up to this many bytes (counts, scores, indices, option names, small values) are
 * built here in JS: a call into latin1Slice costs about 40 ns, building such a string about 10.
 */
const SHORT_ARG_BYTES = 4;

function shortLatin1(buf: Buffer, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

/**
 * Short arguments repeat (small values, counts, scores, option names): each is looked up in a
 * small direct-mapped cache keyed by its bytes, so a repeated one is the same string object.
 * A value stored in the keyspace then costs no allocation, and the young-generation GC no copy
 * of it into the old generation (that copy was a tenth of MSET's profile). Strings are
 * immutable, so sharing one is invisible to the commands. Bounded: SHORT_CACHE_SIZE entries.
 */
const SHORT_CACHE_SIZE = 4096;
/** len * 2^32 + the bytes packed big-endian; -1 for an empty entry. */
const shortCodes = new Float64Array(SHORT_CACHE_SIZE).fill(-1);
const shortStrings: string[] = new Array<string>(SHORT_CACHE_SIZE).fill('');

function internShort(buf: Buffer, start: number, len: number): string {
  let packed = 0;
  for (let i = start; i < start + len; i++) packed = (packed << 8) | buf[i]!;
  packed >>>= 0;
  const code = len * 4294967296 + packed;
  const h = Math.imul(packed ^ (len << 29), 0x9e3779b1) >>> 20;
  if (shortCodes[h] === code) return shortStrings[h]!;
  const s = shortLatin1(buf, start, len);
  shortCodes[h] = code;
  shortStrings[h] = s;
  return s;
}

/** Keys up to this long are remembered for reuse by later requests (RequestParser.keyArg). */
const KEY_REUSE_BYTES_MAX = 256;

const SKIP = Symbol('skip');

function expectedDollar(byte: number): ProtocolError {
  return new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(byte)}'`);
}

/** Parses the integer between `from` and `to` like Redis's string2ll; null if malformed. */
function parseLength(buf: Buffer, from: number, to: number): number | null {
  if (from >= to || to - from > 20) return null;
  let i = from;
  let negative = false;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
    if (i === to) return null;
  }
  if (buf[i] === 0x30) return to - i === 1 ? 0 : null;
  let v = 0;
  for (; i < to; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  if (negative) return -v;
  return v > 2147483647 ? null : v;
}

const HEX = '0123456789abcdefABCDEF';

function isHex(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && HEX.includes(ch);
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\v' || ch === '\f';
}

/**
 * Redis's sdssplitargs: whitespace-separated arguments with "double quotes" (C escapes and
 * \xHH) and 'single quotes' (only \' escaped). A closing quote must be followed by a space or
 * the end. Returns null for unbalanced quotes.
 */
export function splitInlineArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i]!)) i++;
    if (i >= n) return out;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      if (inDouble) {
        if (i >= n) return null;
        const ch = line[i]!;
        if (ch === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (ch === '\\' && i + 1 < n) {
          i++;
          const e = line[i]!;
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (ch === '"') {
          if (i + 1 < n && !isSpace(line[i + 1]!)) return null;
          done = true;
        } else {
          current += ch;
        }
      } else if (inSingle) {
        if (i >= n) return null;
        const ch = line[i]!;
        if (ch === '\\' && line[i + 1] === "'") {
          i++;
          current += "'";
        } else if (ch === "'") {
          if (i + 1 < n && !isSpace(line[i + 1]!)) return null;
          done = true;
        } else {
          current += ch;
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        const ch = line[i]!;
        if (isSpace(ch)) done = true;
        else if (ch === '"') inDouble = true;
        else if (ch === "'") inSingle = true;
        else current += ch;
      }
      if (i < n) i++;
    }
    out.push(current);
  }
}
