// One connected client: its socket, request parser, reply buffer and session state (selected
// database, protocol version, name, authentication, reply mode). It owns the read → dispatch →
// flush loop for its socket: every chunk received is parsed into as many commands as it holds,
// each is dispatched, and all their replies leave in one socket write.
//
// Backpressure bounds memory for clients that pipeline without reading: while the socket's
// unsent bytes exceed a high-water mark, the client stops reading until the socket drains.

import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { RequestParser, ProtocolError, type ParserLimits } from '../protocol/parser.js';
import { ensureSampler } from '../commands/info.js';
import { ensureIdleCheck } from '../commands/client.js';
import { ReplyWriter, type ProtocolVersion } from '../protocol/reply.js';
import type { ServerState } from '../server/state.js';
import type { BlockedState } from '../blocking/blocking.js';
import type { WatchedKey } from '../transactions/watch.js';
import type { Command } from '../commands/types.js';

export interface MultiState {
  commands: { cmd: Command; argv: string[] }[];
  /** A command was rejected while queuing: EXEC must fail with EXECABORT. */
  aborted: boolean;
}

/** Unsent reply bytes above which we stop reading from the client until the socket drains. */
const OUTPUT_PAUSE_BYTES = 64 * 1024 * 1024;

export type ReplyMode = 'on' | 'off' | 'skip';

export class Client {
  readonly id: number;
  readonly parser: RequestParser;
  /** The parser's limits, kept here so CONFIG SET can change them for connected clients. */
  readonly parserLimits: ParserLimits;
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
  /** The channels, patterns and shard channels this client is subscribed to (pub/sub keeps them). */
  readonly subscriptions: Record<'channel' | 'pattern' | 'shard', Set<string>> = {
    channel: new Set(),
    pattern: new Set(),
    shard: new Set(),
  };
  /** Close once the pending replies are written (QUIT, protocol errors, CLIENT KILL). */
  closing = false;
  closed = false;
  /** Set while the client waits in a blocking command; its further input waits too. */
  blocked: BlockedState | null = null;
  /** A command held by CLIENT PAUSE; the client's further input waits until it has run. */
  postponed: string[] | null = null;
  /** Set while this client's script finishes on the worker thread; its further input waits. */
  waitingForScript = false;
  /** Commands queued since MULTI, or null outside a transaction. */
  multi: MultiState | null = null;
  /** When the client's output first went over its soft limit (0: it is not over). */
  softLimitSince = 0;
  /** Keys under WATCH, and whether one of them changed since. */
  watched: WatchedKey[] = [];
  dirtyCas = false;
  private paused = false;
  private processing = false;

  /**
   * `readsByCallback`: the socket was built with a shared read buffer (net/adopt.ts) and calls
   * onRead itself; otherwise the client listens for 'data'.
   */
  constructor(
    readonly server: ServerState,
    readonly socket: Socket,
    id: number,
    readsByCallback = false,
  ) {
    this.id = id;
    this.createdAt = Date.now();
    this.lastInteraction = this.createdAt;
    this.addr = `${socket.remoteAddress}:${socket.remotePort}`;
    this.laddr = `${socket.localAddress}:${socket.localPort}`;
    this.authenticated = server.config.get('requirepass') === '';
    this.parserLimits = {
      bulkBytesMax: server.config.int('proto-max-bulk-len'),
      queryBufferBytesMax: server.config.int('client-query-buffer-limit'),
    };
    this.parser = new RequestParser(this.parserLimits);
    ensureSampler(server);
    ensureIdleCheck(server);
    this.parser.authenticated = this.authenticated;
    socket.setNoDelay(true);
    // tcp-keepalive: seconds between TCP keepalive probes on idle connections (0 = off).
    const keepAliveSeconds = server.config.int('tcp-keepalive');
    if (keepAliveSeconds > 0) socket.setKeepAlive(true, keepAliveSeconds * 1000);
    if (!readsByCallback) socket.on('data', (chunk: Buffer) => this.onData(chunk, chunk.length));
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  /** The socket's file descriptor (CLIENT LIST fd), -1 when Node does not expose it. */
  get fd(): number {
    const handle = (this.socket as unknown as { _handle?: { fd?: number } })._handle;
    return typeof handle?.fd === 'number' ? handle.fd : -1;
  }

  /** All subscriptions; a RESP2 client with any is in Pub/Sub mode. */
  get subscriptionCount(): number {
    const s = this.subscriptions;
    return s.channel.size + s.pattern.size + s.shard.size;
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

  /** A read into the shared buffer (net/adopt.ts): the bytes are only valid during this call. */
  onRead(length: number, buffer: Buffer): void {
    this.onData(buffer, length);
    this.parser.detach();
  }

  private onData(chunk: Buffer, length: number): void {
    if (this.closing || this.closed) return;
    this.server.stats.netInputBytes += length;
    if (!this.parser.feed(chunk, length)) {
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
    // Commands pipelined in one read share a clock reading, refreshed every 32 commands and
    // after any slow command, so `now` is never more than a few milliseconds stale.
    let now = this.server.clock.now();
    // Redis updates lastinteraction on every read and write; this is the read's clock reading.
    this.lastInteraction = now;
    let count = 0;
    // One performance.now() per command: each command's end is the next one's start.
    let started = performance.now();
    try {
      while (!this.closing && !this.closed && this.blocked === null && this.postponed === null && !this.waitingForScript) {
        if (this.writer.length + this.socket.writableLength > OUTPUT_PAUSE_BYTES) {
          // Too much unsent output: leave the remaining commands in the parser until the
          // socket drains (onDrain picks them up again).
          this.pauseReading();
          break;
        }
        const r = this.parser.next();
        if (r === null) break;
        if (r instanceof ProtocolError) {
          this.writer.error(`ERR ${r.message}`);
          this.server.log.verbose(`Protocol error (${r.message}) from client: id=${this.id} addr=${this.addr}`);
          this.closing = true;
          break;
        }
        const finished = this.server.dispatcher.dispatch(this, r, now, started);
        if (finished - started > 1 || (++count & 31) === 0) now = this.server.clock.now();
        started = finished;
      }
    } finally {
      this.processing = false;
    }
    // Replies leave once every socket that was readable in this event-loop turn has been read
    // (as Redis writes replies before it sleeps): a client with many connections then gets its
    // replies in bursts instead of one wake-up per reply.
    this.server.flushSoon(this);
  }

  /**
   * Sends everything the writer holds in one socket write — or hands it to the append-only file
   * when it must wait for an fsync (appendfsync always), which sends it back via releaseHeld.
   */
  flush(): void {
    if (this.closed) return;
    if (this.writer.length > 0) {
      const out = this.writer.take();
      this.server.stats.netOutputBytes += out.length;
      const aof = this.server.aof;
      if (aof === null || !aof.holdReply(this, out)) {
        this.socket.write(out);
        if (this.socket.writableLength > OUTPUT_PAUSE_BYTES) this.pauseReading();
        // client-output-buffer-limit for this client's class (the normal class is 0 0 0 by
        // default, i.e. unlimited, as in Redis; then this returns at once).
        this.server.pubsub.enforceOutputLimit(this);
      }
    }
    if (this.closing && this.heldReplies === 0) {
      this.closed = true;
      this.socket.end();
      this.server.removeClient(this);
    }
  }

  /** Replies held by the append-only file until their writes are on disk, in order. */
  heldReplies = 0;

  /** The append-only file releases a held reply (oldest first). */
  releaseHeld(out: Buffer): void {
    this.heldReplies--;
    if (this.closed) return;
    this.socket.write(out);
    if (this.socket.writableLength > OUTPUT_PAUSE_BYTES) this.pauseReading();
    if (this.closing && this.heldReplies === 0) this.flush();
  }

  private pauseReading(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  private onDrain(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
    // Commands that arrived while we were paused are still in the parser.
    if (this.parser.pendingBytes > 0) this.processInput();
  }

  /** Closes the connection at once, dropping unsent replies. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.server.removeClient(this);
  }
}
