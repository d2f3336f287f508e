// The engine runs a command against the keyspace with a fixed `now` and a seeded PRNG, and
// collects its effects (modified keys, keyspace events, dirty count). In standalone mode the
// server orders writes itself: it stamps each write with the current time and a fresh seed and
// applies it at once. Persistence (AOF) and replication (Raft) hook in at `afterWrite`, where an
// entry {time, seed, db, argv} is known to have changed the dataset; replaying that entry through
// execute() on the same state gives the same result.

import type { Command, ExecContext } from '../commands/types.js';
import type { Reply } from '../protocol/reply.js';
import type { Db } from '../keyspace/db.js';
import type { ServerState } from '../server/state.js';
import type { Client } from '../net/client.js';
import { Random } from '../util/random.js';
import type { Value } from '../types/value.js';

export interface WriteEntry {
  time: number;
  seed: number;
  db: number;
  argv: string[];
}

export type KeyspaceEventListener = (type: string, event: string, key: string, dbIndex: number) => void;
export type ModifiedKeyListener = (key: string, db: Db) => void;

class Context implements ExecContext {
  server!: ServerState;
  client: Client | null = null;
  db!: Db;
  now = 0;
  reply!: Reply;
  seed = 0;
  changes = 0;
  canBlock = false;
  cmd: Command | null = null;
  argv: string[] = [];
  private rng: Random | null = null;
  private engine: Engine;

  constructor(engine: Engine) {
    this.engine = engine;
  }

  reset(server: ServerState, client: Client | null, db: Db, now: number, reply: Reply, seed: number, canBlock = false): void {
    this.server = server;
    this.canBlock = canBlock;
    this.client = client;
    this.db = db;
    this.now = now;
    this.reply = reply;
    this.seed = seed;
    this.changes = 0;
    this.rng = null;
  }

  lookupRead(key: string): Value | undefined {
    const v = this.client !== null && this.client.noTouch ? this.db.peek(key, this.now) : this.db.get(key, this.now);
    if (v === undefined) this.server.stats.keyspaceMisses++;
    else this.server.stats.keyspaceHits++;
    return v;
  }

  lookupWrite(key: string, db?: Db): Value | undefined {
    const target = db ?? this.db;
    return target.getForWrite(key, this.now, (expired) => {
      this.server.stats.expiredKeys++;
      this.modified(expired, target);
      this.notify('x', 'expired', expired, target.id);
    });
  }

  block(keys: readonly string[], timeoutMs: number, onTimeout: (reply: Reply) => void): void {
    if (!this.canBlock || this.client === null || this.cmd === null) throw new Error('block() called where the command may not block');
    this.server.blocking.block(this.client, this.db.id, keys, this.cmd, this.argv, timeoutMs, this.now, onTimeout);
  }

  random(): number {
    if (this.rng === null) this.rng = new Random(this.seed);
    return this.rng.next();
  }

  modified(key: string, db?: Db): void {
    const target = db ?? this.db;
    for (const l of this.engine.modifiedListeners) l(key, target);
  }

  notify(type: string, event: string, key: string, dbIndex?: number): void {
    const listeners = this.engine.eventListeners;
    if (listeners.length === 0) return;
    const index = dbIndex ?? this.db.id;
    for (const l of listeners) l(type, event, key, index);
  }

  dirty(changes = 1): void {
    this.changes += changes;
  }
}

export class Engine {
  readonly modifiedListeners: ModifiedKeyListener[] = [];
  readonly eventListeners: KeyspaceEventListener[] = [];
  /** Called after a command changed the dataset, with the entry that reproduces it. */
  readonly writeListeners: ((entry: WriteEntry, changes: number) => void)[] = [];
  private ctx = new Context(this);
  private seedCounter: number;
  /** Total changes since start (Redis's server.dirty). */
  dirty = 0;

  constructor(private readonly server: ServerState) {
    this.seedCounter = Math.floor(Math.random() * 0x7fffffff);
  }

  /**
   * Runs a command for a client (or for replay when client is null). `canBlock` lets a blocking
   * command park the client instead of answering (the dispatcher allows it outside MULTI).
   */
  execute(cmd: Command, argv: string[], client: Client | null, dbIndex: number, reply: Reply, now: number, seed?: number, canBlock = false): ExecContext {
    const ctx = this.ctx;
    const entrySeed = seed ?? (cmd.isWrite ? (this.seedCounter = (this.seedCounter + 1) | 0) : 0);
    ctx.reset(this.server, client, this.server.dbs[dbIndex]!, now, reply, entrySeed, canBlock && client !== null);
    ctx.cmd = cmd;
    ctx.argv = argv;
    cmd.handler!(ctx, argv);
    if (ctx.changes > 0) {
      this.dirty += ctx.changes;
      if (this.writeListeners.length > 0) {
        const entry: WriteEntry = { time: now, seed: entrySeed, db: dbIndex, argv };
        for (const l of this.writeListeners) l(entry, ctx.changes);
      }
    }
    return ctx;
  }

  /** A context for work the server does on its own (active expiry), with no client. */
  internalContext(dbIndex: number, reply: Reply, now: number): ExecContext {
    this.ctx.reset(this.server, null, this.server.dbs[dbIndex]!, now, reply, 0);
    return this.ctx;
  }
}
