// HDEL, SREM and ZREM share one shape in Redis (t_hash.c, t_set.c, t_zset.c): remove each named
// member, delete the key as soon as the collection is empty, then signal, notify and count the
// change once, and reply how many were removed. This is that shape, once.

import type { ExecContext } from './types.js';

export function removeMembersAndReply(
  ctx: ExecContext,
  key: string,
  collection: { readonly size: number },
  remove: (member: string) => boolean,
  argv: readonly string[],
  from: number,
  eventClass: string,
  event: string,
): void {
  let removed = 0;
  let keyDeleted = false;
  for (let i = from; i < argv.length; i++) {
    if (!remove(argv[i]!)) continue;
    removed++;
    if (collection.size === 0) {
      ctx.db.delete(key);
      keyDeleted = true;
      break;
    }
  }
  if (removed > 0) {
    ctx.modified(key);
    ctx.notify(eventClass, event, key);
    if (keyDeleted) ctx.notify('g', 'del', key);
    ctx.dirty(removed);
  }
  ctx.reply.integer(removed);
}
