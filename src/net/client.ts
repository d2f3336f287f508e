// One connected client: its socket, request parser, reply buffer and session state (selected
// database, protocol version, name, authentication, reply mode). It owns the read → dispatch →
// flush loop for its socket: every chunk received is parsed into as many commands as it holds,
// each is dispatched, and all their replies leave in one socket write.
//
// Backpressure bounds memory for clients that pipeline without reading: while the socket's
// unsent bytes exceed a high-water mark, the client stops reading until the socket drains.

import type { Socket } from 'node:net';
import { RequestParser, ProtocolError } from '../protocol/parser.js';
import { ReplyWriter, type ProtocolVersion } from '../protocol/reply.js';
import type { ServerState } from '../server/state.js';

/** Unsent reply bytes above which we stop reading from the client until the socket drains. */
const OUTPUT_PAUSE_BYTES = 64 * 1024 * 1024;

export type ReplyMode = 'on' | 'off' | 'skip';

export class Client {
  readonly id: number;
  readonly parser: RequestParser;
  readonly writer = new ReplyWriter();
  readonly createdAt: number;
  readonly addr: string;
  readonly laddr: string;
  dbIndex = 0;
  name = '';
  libName = '';
  libVer = '';
  authenticated: boolean;
  user = 'default';
  lastInteraction: number;
  lastCommand = 'NULL';
  /** CLIENT REPLY: 'skip' drops the next command's reply, then returns to 'on'. */
  replyMode: ReplyMode = 'on';
  noEvict = false;
  noTouch = false;
  /** Close once the pending replies are written (QUIT, protocol errors, CLIENT KILL). */
  closing = false;
  closed = false;
  private paused = false;
  private processing = false;

  constructor(
    readonly server: ServerState,
    readonly socket: Socket,
    id: number,
  ) {
    this.id = id;
    this.createdAt = Date.now();
    this.lastInteraction = this.createdAt;
    this.addr = `${socket.remoteAddress}:${socket.remotePort}`;
    this.laddr = `${socket.localAddress}:${socket.localPort}`;
    this.authenticated = server.config.get('requirepass') === '';
    this.parser = new RequestParser({
      bulkBytesMax: server.config.int('proto-max-bulk-len'),
      queryBufferBytesMax: server.config.int('client-query-buffer-limit'),
    });
    this.parser.authenticated = this.authenticated;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get resp(): ProtocolVersion {
    return this.writer.resp;
  }

  set resp(v: ProtocolVersion) {
    this.writer.resp = v;
  }

  setAuthenticated(user: string): void {
    this.authenticated = true;
    this.user = user;
    this.parser.authenticated = true;
  }

  private onData(chunk: Buffer): void {
    if (this.closing || this.closed) return;
    this.server.stats.netInputBytes += chunk.length;
    this.lastInteraction = Date.now();
    if (!this.parser.feed(chunk)) {
      this.server.log.warning(`Closing client that reached max query buffer length: id=${this.id} addr=${this.addr}`);
      this.close();
      return;
    }
    this.processInput();
  }

  /** Parses and runs every complete command in the input buffer, then flushes. */
  processInput(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      while (!this.closing && !this.closed) {
        const r = this.parser.next();
        if (r === null) break;
        if (r instanceof ProtocolError) {
          this.writer.error(`ERR ${r.message}`);
          this.server.log.verbose(`Protocol error (${r.message}) from client: id=${this.id} addr=${this.addr}`);
          this.closing = true;
          break;
        }
        this.server.dispatcher.dispatch(this, r);
      }
    } finally {
      this.processing = false;
    }
    this.flush();
  }

  /** Sends everything the writer holds in one socket write. */
  flush(): void {
    if (this.closed) return;
    if (this.writer.length > 0) {
      const out = this.writer.take();
      this.server.stats.netOutputBytes += out.length;
      this.socket.write(out);
      if (!this.paused && this.socket.writableLength > OUTPUT_PAUSE_BYTES) {
        this.paused = true;
        this.socket.pause();
      }
    }
    if (this.closing) {
      this.closed = true;
      this.socket.end();
      this.server.removeClient(this);
    }
  }

  private onDrain(): void {
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Closes the connection at once, dropping unsent replies. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.server.removeClient(this);
  }
}
