// A minimal RESP client for tests: sends commands as multibulk requests and returns each reply
// both as its raw bytes (for byte-for-byte comparison with real Redis) and decoded. It knows
// every RESP2 and RESP3 type, so it can find where one reply ends, including push frames.

import { connect, type Socket } from 'node:net';

export type RespValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | RespError
  | RespValue[]
  | { map: [RespValue, RespValue][] }
  | { set: RespValue[] }
  | { push: RespValue[] };

export class RespError {
  constructor(readonly message: string) {}
}

export interface RawReply {
  raw: Buffer;
  value: RespValue;
}

/** Parses one reply starting at `pos`; returns null when the buffer does not hold all of it. */
export function parseReply(buf: Buffer, pos: number): { value: RespValue; end: number } | null {
  if (pos >= buf.length) return null;
  const nl = buf.indexOf('\r\n', pos, 'latin1');
  if (nl < 0) return null;
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.latin1Slice(pos + 1, nl);
  const next = nl + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
    case '!':
      if (type === '!') {
        const n = Number(line);
        if (buf.length < next + n + 2) return null;
        return { value: new RespError(buf.latin1Slice(next, next + n)), end: next + n + 2 };
      }
      return { value: new RespError(line), end: next };
    case ':':
      return { value: Number.isSafeInteger(Number(line)) ? Number(line) : BigInt(line), end: next };
    case '(':
      return { value: BigInt(line), end: next };
    case ',':
      return { value: line, end: next };
    case '#':
      return { value: line === 't', end: next };
    case '_':
      return { value: null, end: next };
    case '$':
    case '=': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      if (buf.length < next + n + 2) return null;
      return { value: buf.latin1Slice(next, next + n), end: next + n + 2 };
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const count = type === '%' ? n * 2 : n;
      const items: RespValue[] = [];
      let p = next;
      for (let i = 0; i < count; i++) {
        const r = parseReply(buf, p);
        if (r === null) return null;
        items.push(r.value);
        p = r.end;
      }
      if (type === '*') return { value: items, end: p };
      if (type === '~') return { value: { set: items }, end: p };
      if (type === '>') return { value: { push: items }, end: p };
      const map: [RespValue, RespValue][] = [];
      for (let i = 0; i < items.length; i += 2) map.push([items[i]!, items[i + 1]!]);
      return { value: { map }, end: p };
    }
    default:
      throw new Error(`unexpected reply type byte ${JSON.stringify(type)} at ${pos}: ${buf.latin1Slice(pos, pos + 40)}`);
  }
}

/** Encodes a command as a RESP multibulk request (arguments are latin1 strings or bytes). */
export function encodeCommand(argv: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`, 'latin1')];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

export class RespConnection {
  private buf: Buffer = Buffer.alloc(0);
  private waiters: { resolve: (r: RawReply) => void; reject: (e: Error) => void }[] = [];
  private closedError: Error | null = null;
  /** Replies that arrived with nobody waiting (push messages, replies to raw writes). */
  readonly unsolicited: RawReply[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.fail(new Error('connection closed')));
    socket.on('error', (e) => this.fail(e));
  }

  static open(port: number, host = '127.0.0.1'): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new RespConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  private fail(e: Error): void {
    if (!this.closedError) this.closedError = e;
    for (const w of this.waiters.splice(0)) w.reject(e);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const r = parseReply(this.buf, 0);
      if (r === null) break;
      const raw = this.buf.subarray(0, r.end);
      this.buf = this.buf.subarray(r.end);
      const reply = { raw: Buffer.from(raw), value: r.value };
      const w = this.waiters.shift();
      if (w) w.resolve(reply);
      else this.unsolicited.push(reply);
    }
  }

  /** Waits for the next reply (one not yet claimed). */
  next(timeoutMs = 5000): Promise<RawReply> {
    const ready = this.unsolicited.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** Sends one command and returns its reply. */
  async call(...argv: (string | Buffer)[]): Promise<RawReply> {
    this.socket.write(encodeCommand(argv));
    return this.next();
  }

  /** Sends one command and returns its decoded reply. */
  async value(...argv: (string | Buffer)[]): Promise<RespValue> {
    return (await this.call(...argv)).value;
  }

  /** Writes raw bytes (inline commands, malformed input). */
  writeRaw(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Resolves when the server closes the connection (or after timeoutMs, rejecting). */
  waitClosed(timeoutMs = 2000): Promise<void> {
    if (this.closedError) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('connection still open')), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
