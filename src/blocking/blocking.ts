// Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK…).
//
// A handler that finds nothing to serve and may block calls ctx.block(keys, timeoutMs,
// onTimeout) and writes no reply; the client then stops executing its input until it is served,
// times out, disconnects or is unblocked. Any write that modifies a key some client is blocked on
// marks that key ready (the engine's modified-key hook). After the write's command completes —
// after a whole EXEC, later — the dispatcher calls handleReady(): for each ready key, in the order
// keys became ready, the clients blocked on it are retried in the order they blocked, by running
// their blocking command again as a normal write (so the pop is an ordinary, replayable entry). A
// retry that still finds nothing blocks again and keeps its place in line. A served client may
// make other keys ready (BLMOVE), which join the same loop.
//
// This is Redis 7.2's model (re-execution). Redis 7.0 serves a client blocked on several keys from
// the key that became ready rather than the first non-empty key in argument order; the two differ
// only when several of those keys become non-empty in one transaction.

import type { Client } from '../net/client.js';
import type { Command } from '../commands/types.js';
import type { Reply } from '../protocol/reply.js';
import type { ServerState } from '../server/state.js';

export interface BlockedState {
  client: Client;
  dbIndex: number;
  keys: string[];
  cmd: Command;
  argv: string[];
  /** Absolute deadline in ms, or 0 for none. */
  deadline: number;
  onTimeout: (reply: Reply) => void;
  timer: NodeJS.Timeout | null;
}

/** setTimeout's largest delay; a longer one would fire after 1 ms. */
const TIMER_MAX_MS = 2 ** 31 - 1;

function slot(dbIndex: number, key: string): string {
  return `${dbIndex} ${key}`;
}

export class BlockingManager {
  /** Blocked clients per "db key", first blocked first. */
  private waiting = new Map<string, BlockedState[]>();
  /** Keys written since the last handleReady, in the order they became ready. */
  private ready = new Set<string>();
  /** Set while a retry runs: a block() call then means "still nothing to serve". */
  private retrying: BlockedState | null = null;
  private reblocked = false;
  private handling = false;

  constructor(private readonly server: ServerState) {}

  get blockedCount(): number {
    let n = 0;
    for (const c of this.server.clients.values()) if (c.blocked) n++;
    return n;
  }

  /** Number of keys with at least one blocked client (INFO blocked_keys). */
  get blockedKeys(): number {
    return this.waiting.size;
  }

  get hasReady(): boolean {
    return this.ready.size > 0;
  }

  /** The engine's modified-key hook: a write touched `key` in db `dbIndex`. */
  keyModified(dbIndex: number, key: string): void {
    if (this.waiting.size === 0) return;
    const s = slot(dbIndex, key);
    if (this.waiting.has(s)) this.ready.add(s);
  }

  /** Parks a client (called through ctx.block). */
  block(client: Client, dbIndex: number, keys: readonly string[], cmd: Command, argv: string[], timeoutMs: number, now: number, onTimeout: (reply: Reply) => void): void {
    if (this.retrying !== null && this.retrying.client === client) {
      this.reblocked = true;
      return;
    }
    const state: BlockedState = {
      client,
      dbIndex,
      keys: [...new Set(keys)],
      cmd,
      argv,
      deadline: timeoutMs > 0 ? now + timeoutMs : 0,
      onTimeout,
      timer: null,
    };
    for (const key of state.keys) {
      const s = slot(dbIndex, key);
      const list = this.waiting.get(s);
      if (list) list.push(state);
      else this.waiting.set(s, [state]);
    }
    if (timeoutMs > 0) this.arm(state);
    client.blocked = state;
  }

  /** Starts the timeout timer, in steps of at most TIMER_MAX_MS for far deadlines. */
  private arm(state: BlockedState): void {
    const delay = Math.max(0, state.deadline - Date.now());
    state.timer = setTimeout(() => (delay > TIMER_MAX_MS ? this.arm(state) : this.timeout(state)), Math.min(delay, TIMER_MAX_MS));
  }

  private detach(state: BlockedState): void {
    for (const key of state.keys) {
      const s = slot(state.dbIndex, key);
      const list = this.waiting.get(s);
      if (!list) continue;
      const i = list.indexOf(state);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.waiting.delete(s);
    }
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    if (state.client.blocked === state) state.client.blocked = null;
  }

  /** Unblocks a client, writes its reply with `write`, and lets it go on with its input. */
  private release(state: BlockedState, write: ((reply: Reply) => void) | null): void {
    this.detach(state);
    const client = state.client;
    if (write) write(client.writer);
    client.flush();
    if (client.parser.pendingBytes > 0) setImmediate(() => client.processInput());
  }

  private timeout(state: BlockedState): void {
    if (state.client.blocked !== state) return;
    this.release(state, state.onTimeout);
  }

  /** A blocked client disconnected: forget it. */
  remove(client: Client): void {
    if (client.blocked) this.detach(client.blocked);
  }

  /** CLIENT UNBLOCK: answer as on timeout, or with an UNBLOCKED error. Returns whether it was blocked. */
  unblock(client: Client, withError: boolean): boolean {
    const state = client.blocked;
    if (!state) return false;
    this.release(state, withError ? (r) => r.error('UNBLOCKED client unblocked via CLIENT UNBLOCK') : state.onTimeout);
    return true;
  }

  /** Serves clients blocked on keys that became ready (called after each command completes). */
  handleReady(now: number): void {
    if (this.handling) return;
    this.handling = true;
    try {
      while (this.ready.size > 0) {
        const s = this.ready.values().next().value as string;
        this.ready.delete(s);
        const list = this.waiting.get(s);
        if (!list) continue;
        for (const state of [...list]) {
          if (state.client.blocked !== state) continue;
          this.retry(state, now);
        }
      }
    } finally {
      this.handling = false;
    }
  }

  private retry(state: BlockedState, now: number): void {
    const client = state.client;
    const mark = client.writer.length;
    this.retrying = state;
    this.reblocked = false;
    try {
      this.server.engine.execute(state.cmd, state.argv, client, state.dbIndex, client.writer, now, undefined, true);
    } finally {
      this.retrying = null;
    }
    if (this.reblocked) {
      client.writer.truncate(mark);
      return;
    }
    this.release(state, null);
  }
}
