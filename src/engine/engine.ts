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

/**
 * What reproduces a change: the commands (one, or a transaction's queued commands), the time
 * and the seed they ran with, and the db selected when they started. Replaying a transaction
 * runs its commands in order with seeds seed+1, seed+2…, as EXEC does.
 */
export interface WriteEntry {
  time: number;
  seed: number;
  db: number;
  commands: string[][];
  /** Set when the commands are a transaction's (EXEC): they replay with seeds seed+1, seed+2… */
  transaction?: boolean;
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
  /**
   * What replays this command, when it is not its own argv: a command whose effect depends on
   * state a replica or a reloaded snapshot may lay out differently (SPOP's random draw) records
   * its effect instead (SREM of the popped members).
   */
  entryCommands: string[][] | null = null;
  /** The replay commands of the commands this one ran (EXEC's queue), in order. */
  childCommands: string[][] | null = null;
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
    if (v === undefined) {
      this.server.stats.keyspaceMisses++;
      this.notify('m', 'keymiss', key);
    } else this.server.stats.keyspaceHits++;
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

  recordEntryAs(commands: string[][]): void {
    this.entryCommands = commands;
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
  /** Called after a top-level command changed the dataset, with the entry that reproduces it. */
  readonly writeListeners: ((entry: WriteEntry, changes: number) => void)[] = [];
  /**
   * One context per nesting level: EXEC (and, later, scripts) run commands from inside a
   * handler, and each level needs its own now/db/reply/seed.
   */
  private contexts: Context[] = [];
  private depth = 0;
  private seedCounter: number;
  /** Total changes since start (Redis's server.dirty). */
  dirty = 0;

  constructor(private readonly server: ServerState) {
    this.seedCounter = Math.floor(Math.random() * 0x7fffffff); // deterministic-ok: the standalone server orders writes and picks their seeds; entries carry them
  }

  /** A fresh seed for a write that is about to be ordered (standalone: the server orders writes). */
  nextSeed(): number {
    return (this.seedCounter = (this.seedCounter + 1) | 0);
  }

  /** How many commands are running, one inside the other (1 inside a top-level handler). */
  get level(): number {
    return this.depth;
  }


  /**
   * Runs a command for a client (or for replay when client is null). `canBlock` lets a blocking
   * command park the client instead of answering (the dispatcher allows it outside MULTI).
   * Only a top-level command reports its write entry; commands run from inside another (EXEC)
   * are part of their parent's entry.
   */
  execute(cmd: Command, argv: string[], client: Client | null, dbIndex: number, reply: Reply, now: number, seed?: number, canBlock = false): ExecContext {
    const depth = this.depth;
    const ctx = this.contexts[depth] ?? (this.contexts[depth] = new Context(this));
    const entrySeed = seed ?? this.nextSeed();
    ctx.reset(this.server, client, this.server.dbs[dbIndex]!, now, reply, entrySeed, canBlock && client !== null);
    ctx.cmd = cmd;
    ctx.argv = argv;
    ctx.entryCommands = null;
    ctx.childCommands = null;
    this.depth = depth + 1;
    try {
      cmd.handler!(ctx, argv);
    } finally {
      this.depth = depth;
    }
    if (depth > 0) {
      // A nested command belongs to its parent's entry (one entry per EXEC); every one is kept,
      // changes or not, so a SELECT in the queue still moves the commands after it. A nested
      // command that ran commands itself (a script inside EXEC) contributes those.
      const parent = this.contexts[depth - 1]!;
      (parent.childCommands ??= []).push(...(ctx.childCommands ?? ctx.entryCommands ?? [argv]));
      parent.changes += ctx.changes;
      return ctx;
    }
    this.finishEntry(ctx, now, entrySeed, dbIndex, argv);
    return ctx;
  }

  /** Reports a top-level command's write entry, if it changed anything. */
  private finishEntry(ctx: Context, now: number, entrySeed: number, dbIndex: number, argv: string[]): void {
    if (ctx.changes === 0) return;
    this.dirty += ctx.changes;
    if (this.writeListeners.length === 0) return;
    const entry: WriteEntry =
      ctx.childCommands !== null
        ? { time: now, seed: entrySeed, db: dbIndex, commands: ctx.childCommands, transaction: true }
        : { time: now, seed: entrySeed, db: dbIndex, commands: ctx.entryCommands ?? [argv] };
    for (const l of this.writeListeners) l(entry, ctx.changes);
  }

  /**
   * A context for a command that finishes after its handler returned (a long script moved to
   * a worker thread): commands run with executeChild join its entry, which closeDetached
   * reports. Nothing else may write to the dataset meanwhile (the dispatcher answers -BUSY).
   */
  openDetached(client: Client | null, dbIndex: number, reply: Reply, now: number, seed: number): ExecContext {
    const ctx = new Context(this);
    ctx.reset(this.server, client, this.server.dbs[dbIndex]!, now, reply, seed);
    ctx.entryCommands = [];
    return ctx;
  }

  /** Runs a command as a child of a detached context, from the event loop (no command running). */
  executeChild(parent: ExecContext, cmd: Command, argv: string[], client: Client | null, dbIndex: number, reply: Reply, now: number, seed: number): ExecContext {
    if (this.depth !== 0 || !(parent instanceof Context)) throw new Error('executeChild needs a detached context and no running command');
    const saved = this.contexts[0];
    this.contexts[0] = parent;
    this.depth = 1;
    try {
      return this.execute(cmd, argv, client, dbIndex, reply, now, seed, false);
    } finally {
      this.depth = 0;
      this.contexts[0] = saved ?? new Context(this);
    }
  }

  /** Reports a detached context's entry (the commands run under it) if they changed anything. */
  closeDetached(parent: ExecContext): void {
    if (!(parent instanceof Context)) return;
    this.finishEntry(parent, parent.now, parent.seed, parent.db.id, parent.argv);
  }

  /** A context for work the server does on its own (active expiry), with no client. */
  internalContext(dbIndex: number, reply: Reply, now: number): ExecContext {
    const ctx = this.contexts[this.depth] ?? (this.contexts[this.depth] = new Context(this));
    ctx.reset(this.server, null, this.server.dbs[dbIndex]!, now, reply, 0);
    return ctx;
  }
}
