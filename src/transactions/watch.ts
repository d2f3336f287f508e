// WATCH bookkeeping: which clients watch which keys, and whether a watched key changed since.
// Any write that modifies a watched key (including deletion by expiry, FLUSHDB, SWAPDB) marks
// its watchers dirty through the engine's modified-key hook; EXEC then fails with a null reply.
// A watched key that was live at WATCH time and has logically expired by EXEC also fails it, as
// in Redis 7.0 (isWatchedKeyExpired), even if no write has reclaimed it yet.

import type { Client } from '../net/client.js';
import type { Db } from '../keyspace/db.js';

export interface WatchedKey {
  db: Db;
  key: string;
  /** The key was stored but already past its expiry time when WATCH ran. */
  expiredAtWatch: boolean;
}

function slot(dbIndex: number, key: string): string {
  return `${dbIndex} ${key}`;
}

function isExpired(db: Db, key: string, now: number): boolean {
  const at = db.getExpire(key);
  return at !== undefined && at <= now;
}

export class WatchRegistry {
  private watchers = new Map<string, Set<Client>>();

  get watchedKeys(): number {
    return this.watchers.size;
  }

  watch(client: Client, db: Db, key: string, now: number): void {
    if (client.watched.some((w) => w.db === db && w.key === key)) return;
    client.watched.push({ db, key, expiredAtWatch: isExpired(db, key, now) });
    const s = slot(db.id, key);
    const set = this.watchers.get(s);
    if (set) set.add(client);
    else this.watchers.set(s, new Set([client]));
  }

  unwatchAll(client: Client): void {
    for (const w of client.watched) {
      const s = slot(w.db.id, w.key);
      const set = this.watchers.get(s);
      if (!set) continue;
      set.delete(client);
      if (set.size === 0) this.watchers.delete(s);
    }
    client.watched = [];
    client.dirtyCas = false;
  }

  /** The engine's modified-key hook. */
  keyModified(dbIndex: number, key: string): void {
    if (this.watchers.size === 0) return;
    const set = this.watchers.get(slot(dbIndex, key));
    if (set) for (const c of set) c.dirtyCas = true;
  }

  /** Whether EXEC must fail: a watched key changed, or expired since WATCH. */
  shouldAbort(client: Client, now: number): boolean {
    if (client.dirtyCas) return true;
    for (const w of client.watched) if (!w.expiredAtWatch && isExpired(w.db, w.key, now)) return true;
    return false;
  }
}
