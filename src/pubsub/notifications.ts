// Keyspace notifications (notify-keyspace-events). Handlers report events through ctx.notify
// with Redis's class letters; when the configured flags select the class, the event is published
// as `__keyspace@<db>__:<key>` (message: the event name) and then `__keyevent@<db>__:<event>`
// (message: the key), exactly as Redis's notifyKeyspaceEvent orders them.
//
// 'new' events (class n) come from the databases rather than from handlers: Redis fires them in
// dbAdd, whatever command adds the key. The notifier installs Db.onInsert only while 'n' is
// selected, so inserting a key costs one null check otherwise.

import type { PubSub } from './pubsub.js';
import type { Db } from '../keyspace/db.js';

export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
const CLASS_BITS: Record<string, number> = {
  g: 1 << 2,
  $: 1 << 3,
  l: 1 << 4,
  s: 1 << 5,
  h: 1 << 6,
  z: 1 << 7,
  x: 1 << 8,
  e: 1 << 9,
  t: 1 << 10,
  m: 1 << 11,
  d: 1 << 12,
  n: 1 << 13,
};
/** 'A' is every class except key-miss (m) and new-key (n), as in Redis. */
const ALL = ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd'].reduce((a, c) => a | CLASS_BITS[c]!, 0);

/** Parses the flags string; null when it has a character Redis rejects. */
export function parseNotifyFlags(text: string): number | null {
  let flags = 0;
  for (const ch of text) {
    if (ch === 'A') flags |= ALL;
    else if (ch === 'K') flags |= NOTIFY_KEYSPACE;
    else if (ch === 'E') flags |= NOTIFY_KEYEVENT;
    else if (CLASS_BITS[ch] !== undefined) flags |= CLASS_BITS[ch]!;
    else return null;
  }
  return flags;
}

export class KeyspaceNotifier {
  private flags = 0;
  private readonly onInsert = (key: string, db: Db): void => this.notify('n', 'new', key, db.id);

  constructor(
    private readonly pubsub: PubSub,
    private readonly dbs: readonly Db[] = [],
  ) {}

  configure(text: string): void {
    this.flags = parseNotifyFlags(text) ?? 0;
    const hook = this.wants('n') ? this.onInsert : null;
    for (const db of this.dbs) db.onInsert = hook;
  }

  /** Whether events of this class letter are published at all (cheap check for hot paths). */
  wants(type: string): boolean {
    const bit = CLASS_BITS[type];
    return bit !== undefined && (this.flags & bit) !== 0 && (this.flags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT)) !== 0;
  }

  notify(type: string, event: string, key: string, dbIndex: number): void {
    if (!this.wants(type)) return;
    if (this.flags & NOTIFY_KEYSPACE) this.pubsub.publish(`__keyspace@${dbIndex}__:${key}`, event);
    if (this.flags & NOTIFY_KEYEVENT) this.pubsub.publish(`__keyevent@${dbIndex}__:${event}`, key);
  }
}
