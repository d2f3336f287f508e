// Pub/Sub: who is subscribed to what, and delivery. Channels and shard channels map to their
// subscribers in subscription order; patterns are matched with Redis's glob matcher on every
// publish. A message is rendered into each receiver's reply buffer (RESP2 array or RESP3 push)
// and the receiver is flushed once the publishing command's batch is done (a microtask), which
// is the equivalent of Redis writing replies before it sleeps. Each message is rendered once per
// protocol version and the bytes copied to every receiver.
//
// A subscriber that stops reading cannot exhaust memory: after each delivery its pending output
// is checked against `client-output-buffer-limit` for its class (pubsub for subscribed clients,
// normal otherwise), and it is disconnected when over the hard limit, or over the soft limit for
// longer than the soft seconds — as Redis does.

import type { Client } from '../net/client.js';
import type { ServerState } from '../server/state.js';
import { globMatch } from '../util/glob.js';
import type { ProtocolVersion } from '../protocol/reply.js';
import { parseOutputBufferLimits, type OutputBufferLimit } from '../config/directives.js';

export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

/**
 * One message rendered once per protocol version (RESP2 array, RESP3 push) and copied into each
 * receiver's reply buffer: a publish to 50 subscribers renders it once, not 50 times.
 */
class Frame {
  private resp2: Buffer | null = null;
  private resp3: Buffer | null = null;

  constructor(private readonly parts: readonly string[]) {}

  bytes(resp: ProtocolVersion): Buffer {
    if (resp === 3) return (this.resp3 ??= this.render('>'));
    return (this.resp2 ??= this.render('*'));
  }

  private render(prefix: string): Buffer {
    let s = `${prefix}${this.parts.length}\r\n`;
    for (const p of this.parts) s += `$${p.length}\r\n${p}\r\n`;
    return Buffer.from(s, 'latin1');
  }
}

export class PubSub {
  private channels = new Map<string, Set<Client>>();
  private patterns = new Map<string, Set<Client>>();
  private shardChannels = new Map<string, Set<Client>>();
  private pendingFlush = new Set<Client>();
  private flushScheduled = false;
  private limits: { normal?: OutputBufferLimit; replica?: OutputBufferLimit; pubsub?: OutputBufferLimit } = {};

  constructor(private readonly server: ServerState) {
    this.loadLimits();
    server.config.onChange((name) => {
      if (name === 'client-output-buffer-limit') this.loadLimits();
    });
  }

  private loadLimits(): void {
    this.limits = parseOutputBufferLimits(this.server.config.get('client-output-buffer-limit')) ?? {};
  }

  private table(kind: SubscriptionKind): Map<string, Set<Client>> {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shardChannels;
  }

  /** Adds a subscription; returns false if the client already had it. */
  subscribe(client: Client, kind: SubscriptionKind, name: string): boolean {
    const own = client.subscriptions[kind];
    if (own.has(name)) return false;
    own.add(name);
    const table = this.table(kind);
    const set = table.get(name);
    if (set) set.add(client);
    else table.set(name, new Set([client]));
    return true;
  }

  /** Removes a subscription; returns false if the client did not have it. */
  unsubscribe(client: Client, kind: SubscriptionKind, name: string): boolean {
    const own = client.subscriptions[kind];
    if (!own.delete(name)) return false;
    const table = this.table(kind);
    const set = table.get(name);
    if (set) {
      set.delete(client);
      if (set.size === 0) table.delete(name);
    }
    return true;
  }

  /** Drops every subscription of a client (disconnect, RESET). */
  removeClient(client: Client): void {
    for (const kind of ['channel', 'pattern', 'shard'] as const) {
      for (const name of [...client.subscriptions[kind]]) this.unsubscribe(client, kind, name);
    }
    this.pendingFlush.delete(client);
  }

  /** PUBLISH / SPUBLISH: delivers and returns the number of receivers. */
  publish(channel: string, message: string, shard = false): number {
    let receivers = 0;
    if (shard) {
      const set = this.shardChannels.get(channel);
      if (set) {
        const frame = new Frame(['smessage', channel, message]);
        for (const c of set) receivers += this.deliver(c, frame);
      }
      return receivers;
    }
    const set = this.channels.get(channel);
    if (set) {
      const frame = new Frame(['message', channel, message]);
      for (const c of set) receivers += this.deliver(c, frame);
    }
    if (this.patterns.size > 0) {
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        const frame = new Frame(['pmessage', pattern, channel, message]);
        for (const c of clients) receivers += this.deliver(c, frame);
      }
    }
    return receivers;
  }

  private deliver(client: Client, frame: Frame): number {
    if (client.closed || client.closing) return 0;
    const w = client.writer;
    w.raw(frame.bytes(w.resp));
    this.scheduleFlush(client);
    this.enforceOutputLimit(client);
    return 1;
  }

  /** Flushes the client once the current batch is done (a microtask). */
  scheduleFlush(client: Client): void {
    this.pendingFlush.add(client);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      const clients = [...this.pendingFlush];
      this.pendingFlush.clear();
      for (const c of clients) if (!c.closed) c.flush();
    });
  }

  /** Disconnects a client whose pending output is over its class's limits. */
  enforceOutputLimit(client: Client): void {
    const limit = client.subscriptionCount > 0 ? this.limits.pubsub : this.limits.normal;
    if (!limit || (limit.hardBytes === 0 && limit.softBytes === 0)) return;
    const pending = client.writer.length + client.socket.writableLength;
    let over = limit.hardBytes > 0 && pending >= limit.hardBytes;
    if (!over && limit.softBytes > 0 && pending >= limit.softBytes) {
      // The clock is read only past the soft limit: this runs once per delivered message.
      const now = Date.now();
      if (client.softLimitSince === 0) client.softLimitSince = now;
      else if (now - client.softLimitSince >= limit.softSeconds * 1000) over = true;
    } else if (!over) {
      client.softLimitSince = 0;
    }
    if (over) {
      this.server.log.warning(
        `Client id=${client.id} addr=${client.addr} name=${client.name} closed for overcoming of output buffer limits.`,
      );
      this.server.stats.clientOutputLimitDisconnections++;
      client.close();
    }
  }

  channelCount(kind: 'channel' | 'shard' = 'channel'): number {
    return this.table(kind).size;
  }

  get patternCount(): number {
    return this.patterns.size;
  }

  /** Active channels (with at least one subscriber) matching an optional pattern. */
  activeChannels(kind: 'channel' | 'shard', pattern?: string): string[] {
    const out: string[] = [];
    for (const name of this.table(kind).keys()) if (pattern === undefined || globMatch(pattern, name)) out.push(name);
    return out;
  }

  subscriberCount(kind: 'channel' | 'shard', channel: string): number {
    return this.table(kind).get(channel)?.size ?? 0;
  }
}
