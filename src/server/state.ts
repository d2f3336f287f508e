// The server: owns the configuration, the databases, the command table, the engine, the
// connected clients, the statistics and the listening sockets, and runs the periodic work
// (active expiry, the LRU clock). Everything a command handler may need is reachable from here,
// which keeps handlers free of globals and lets tests run several servers in one process.

import { createServer, type Server as NetServer } from 'node:net';
import { adoptWithSharedBuffer } from '../net/adopt.js';
import { randomBytes } from 'node:crypto';
import { Config } from '../config/config.js';
import { Db, lfuTracking, lruClock } from '../keyspace/db.js';
import { CommandTable } from '../commands/registry.js';
import { ALL_FAMILIES } from '../commands/index.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { Engine, type KeyspaceEventListener } from '../engine/engine.js';
import { BlockingManager } from '../blocking/blocking.js';
import { WatchRegistry } from '../transactions/watch.js';
import { PubSub } from '../pubsub/pubsub.js';
import { CommandObservers } from './observers.js';
import { ClientPause } from './pause.js';
import { KeyspaceNotifier, parseNotifyFlags } from '../pubsub/notifications.js';
import { Client } from '../net/client.js';
import { Logger } from '../util/log.js';
import { Scripting } from '../scripting/scripting.js';
import { NullReply } from '../protocol/reply.js';
import { KEYRAFT_VERSION } from '../version.js';
import { startMetricsServer } from './metrics.js';
import { SnapshotManager } from '../persistence/snapshot.js';
import { AppendOnlyFile, appendOnlyVeto, type FsyncPolicy } from '../persistence/aof.js';

/** Keys removed per database per active-expiry run; bounds the work of one event-loop turn. */
const ACTIVE_EXPIRE_KEYS_PER_RUN = 200;
/** Share of each timer period active expiry may spend (Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC). */
const ACTIVE_EXPIRE_TIME_PERCENT = 25;

export interface Clock {
  now(): number;
}

/** Distinct error codes INFO errorstats keeps (Redis's ERROR_STATS_NUMBER). */
const ERROR_CODES_MAX = 128;

export class Stats {
  totalConnections = 0;
  rejectedConnections = 0;
  totalCommands = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  expiredKeys = 0;
  evictedKeys = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  totalErrorReplies = 0;
  /** Clients disconnected for going over client-output-buffer-limit. */
  clientOutputLimitDisconnections = 0;
  /** Error replies by their first word (ERR, WRONGTYPE…), for INFO errorstats. */
  errors = new Map<string, number>();

  recordError(text: string): void {
    this.totalErrorReplies++;
    const space = text.indexOf(' ');
    const code = space < 0 ? text : text.slice(0, space);
    const seen = this.errors.get(code);
    // Like Redis, track at most 128 distinct error codes; the rest only count in the total.
    if (seen !== undefined || this.errors.size < ERROR_CODES_MAX) this.errors.set(code, (seen ?? 0) + 1);
  }

  reset(): void {
    const fresh = new Stats();
    Object.assign(this, fresh);
  }
}

export class ServerState {
  readonly config: Config;
  readonly log = new Logger();
  readonly dbs: Db[];
  readonly commands: CommandTable;
  readonly dispatcher: Dispatcher;
  readonly engine: Engine;
  readonly blocking: BlockingManager;
  readonly watches = new WatchRegistry();
  readonly pubsub: PubSub;
  readonly observers: CommandObservers;
  readonly pause = new ClientPause(this);
  /** EVAL's script cache, FUNCTION libraries, the script running now. */
  readonly scripting = new Scripting();
  readonly notifier: KeyspaceNotifier;
  readonly clients = new Map<number, Client>();
  readonly stats = new Stats();
  readonly runId = randomBytes(20).toString('hex');
  readonly startedAt = Date.now();
  clock: Clock = { now: () => Date.now() };
  lastSaveAt = Math.floor(Date.now() / 1000);
  private nextClientId = 1;
  private listeners: NetServer[] = [];
  /** The HTTP server behind metrics-port, when enabled. */
  private metrics: import('node:http').Server | null = null;
  private timers: NodeJS.Timeout[] = [];
  /** Ports actually bound (useful when configured with port 0). */
  boundPorts: number[] = [];
  /** The append-only file, when appendonly is yes (opened by listen(), after loading it). */
  aof: AppendOnlyFile | null = null;
  /** Called when SHUTDOWN or a signal asks the process to stop. */
  onShutdown: (() => void) | null = null;
  shuttingDown = false;
  /** Set while a dataset loads at start: commands without the `loading` flag get -LOADING. */
  loading = false;
  /** Snapshots: SAVE/BGSAVE, save rules, loading, INFO persistence status. */
  readonly rdb: SnapshotManager;

  constructor(config: Config) {
    this.config = config;
    this.log.setLevel(config.get('loglevel'));
    this.log.file = config.get('logfile');
    const n = config.int('databases');
    this.dbs = Array.from({ length: n }, (_, i) => new Db(i));
    this.commands = new CommandTable(ALL_FAMILIES);
    this.engine = new Engine(this);
    this.rdb = new SnapshotManager(this);
    this.dispatcher = new Dispatcher(this);
    this.blocking = new BlockingManager(this);
    this.observers = new CommandObservers(this);
    this.pubsub = new PubSub(this);
    this.notifier = new KeyspaceNotifier(this.pubsub, this.dbs);
    this.configureNotifications();
    config.onChange((name) => {
      if (name === 'notify-keyspace-events') this.configureNotifications();
    });
    this.engine.modifiedListeners.push((key, db) => {
      this.blocking.keyModified(db.id, key);
      this.watches.keyModified(db.id, key);
    });
    config.addVeto((name, value) => (name === 'appendonly' ? appendOnlyVeto(this, value === 'yes') : null));
    lfuTracking.enabled = config.get('maxmemory-policy').includes('lfu');
    config.onChange((name, value) => {
      if (name === 'maxmemory-policy') lfuTracking.enabled = value.includes('lfu');
      if (name === 'loglevel') this.log.setLevel(value);
      if (name === 'hz') this.startTimers();
      if (name === 'appendfsync') this.aof?.setPolicy(value as FsyncPolicy);
      if (name === 'appendonly') this.switchAppendOnly(value === 'yes');
    });
  }

  private readonly publishKeyspaceEvent: KeyspaceEventListener = (type, event, key, dbIndex) => this.notifier.notify(type, event, key, dbIndex);

  /**
   * Applies notify-keyspace-events. The notifier hears the engine's events only while some
   * class is selected: with none (the default) ctx.notify finds no listener and returns at
   * once, instead of every write paying a call into the notifier to learn it publishes nothing.
   */
  private configureNotifications(): void {
    const text = this.config.getAsGiven('notify-keyspace-events');
    this.notifier.configure(text);
    const listeners = this.engine.eventListeners;
    const at = listeners.indexOf(this.publishKeyspaceEvent);
    const selected = (parseNotifyFlags(text) ?? 0) !== 0;
    if (selected && at < 0) listeners.push(this.publishKeyspaceEvent);
    else if (!selected && at >= 0) listeners.splice(at, 1);
  }

  async listen(): Promise<void> {
    const port = this.config.int('port');
    const addresses = this.config.get('bind').split(' ');
    this.log.notice(`keyraft ${KEYRAFT_VERSION} starting, port=${port}, pid=${process.pid}`);
    // The dataset is loaded before the first client can connect.
    if (this.config.bool('appendonly')) this.aof = AppendOnlyFile.start(this);
    for (const address of addresses) {
      const host = address.startsWith('-') ? address.slice(1) : address;
      // Paused on accept: accept() moves the connection into a socket with a shared read buffer.
      const server = createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host, backlog: this.config.int('tcp-backlog') }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const addr = server.address();
      const boundPort = typeof addr === 'object' && addr ? addr.port : port;
      this.boundPorts.push(boundPort);
      this.listeners.push(server);
      this.log.notice(`Ready to accept connections tcp on ${host}:${boundPort}`);
    }
    this.startTimers();
    this.rdb.startTimers();
    const metricsPort = this.config.int('metrics-port');
    if (metricsPort > 0) {
      const host = addresses[0]!.replace(/^-/, '');
      this.metrics = await startMetricsServer(this, metricsPort, host);
      this.log.notice(`Metrics on http://${host}:${metricsPort}/metrics`);
    }
  }

  /** CONFIG SET appendonly: off closes the file; on (allowed with an empty dataset) starts it afresh. */
  private switchAppendOnly(on: boolean): void {
    if (!on && this.aof !== null) {
      void this.aof.close();
      this.aof = null;
    } else if (on && this.aof === null) {
      this.aof = AppendOnlyFile.startEmpty(this);
    }
  }

  private accept(socket: import('node:net').Socket): void {
    if (this.shuttingDown) {
      socket.destroy();
      return;
    }
    if (this.clients.size >= this.config.int('maxclients')) {
      this.stats.rejectedConnections++;
      // Accepted paused: read (and drop) until the peer's FIN, or the socket never closes.
      socket.resume();
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    this.stats.totalConnections++;
    let client: Client | null = null;
    const adopted = adoptWithSharedBuffer(socket, (bytes, buffer) => client!.onRead(bytes, buffer));
    client = new Client(this, adopted ?? socket, this.nextClientId++, adopted !== null);
    if (adopted === null) socket.resume();
    client.writer.onError = (text) => this.stats.recordError(text);
    this.clients.set(client.id, client);
  }

  /** Clients with replies to send at the end of this event-loop turn. */
  private pendingFlush: Client[] = [];
  private flushScheduled = false;

  /** Flushes the client after the I/O callbacks of the current event-loop turn. */
  flushSoon(client: Client): void {
    this.pendingFlush.push(client);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushPending);
  }

  private flushPending = (): void => {
    this.flushScheduled = false;
    const clients = this.pendingFlush;
    this.pendingFlush = [];
    for (const c of clients) c.flush();
  };

  removeClient(client: Client): void {
    this.clients.delete(client.id);
    this.blocking.remove(client);
    this.watches.unwatchAll(client);
    this.pubsub.removeClient(client);
    this.observers.monitors.delete(client);
    this.pause.remove(client);
  }

  private startTimers(): void {
    for (const t of this.timers) clearInterval(t);
    const hz = this.config.int('hz');
    lruClock.seconds = Math.floor(Date.now() / 1000);
    this.timers = [
      setInterval(() => {
        lruClock.seconds = Math.floor(Date.now() / 1000);
        this.activeExpire();
      }, Math.max(2, Math.floor(1000 / hz))),
    ];
    for (const t of this.timers) t.unref();
  }

  /**
   * One bounded pass of active expiry over every database: slices of ACTIVE_EXPIRE_KEYS_PER_RUN
   * keys, repeated while keys are due and the pass has used less than
   * ACTIVE_EXPIRE_TIME_PERCENT of the timer period (Redis's slow cycle budget), so a large
   * population is reclaimed quickly without stalling clients.
   */
  activeExpire(): void {
    if (this.pause.active) return; // the dataset is frozen while clients are paused
    if (this.scripting.long.current !== null) return; // and while a script finishes on the worker (one atomic entry)
    if (this.loading) return;
    const now = this.clock.now();
    const reply = new NullReply();
    const started = performance.now();
    const budgetMs = ((1000 / this.config.int('hz')) * ACTIVE_EXPIRE_TIME_PERCENT) / 100;
    for (const db of this.dbs) {
      if (db.nextExpiry() > now) continue;
      const ctx = this.engine.internalContext(db.id, reply, now);
      do {
        db.expireCycle(now, ACTIVE_EXPIRE_KEYS_PER_RUN, (key) => {
          this.stats.expiredKeys++;
          ctx.modified(key, db);
          ctx.notify('x', 'expired', key, db.id);
        });
      } while (db.nextExpiry() <= now && performance.now() - started < budgetMs);
    }
  }

  /** Stops listening, closes clients and timers. */
  async close(): Promise<void> {
    this.shuttingDown = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.rdb.stopTimers();
    // Everything acknowledged or about to be is written and synced before clients go.
    await this.aof?.close();
    for (const client of [...this.clients.values()]) {
      client.flush();
      client.close();
    }
    await Promise.all(this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
    this.listeners = [];
    this.metrics?.close();
    this.metrics = null;
  }
}
