// SAVE, BGSAVE and BGREWRITEAOF: the persistence commands (the machinery is in
// src/persistence/snapshot.ts and src/persistence/aof-rewrite.ts). LASTSAVE stays with the server
// family and reads ServerState.lastSaveAt, which saves update. Replies and error texts follow
// Redis 7.0's saveCommand / bgsaveCommand / bgrewriteaofCommand.

import type { CommandDef } from './types.js';
import { ERR_SYNTAX } from '../protocol/errors.js';
import { aofRewriter } from '../persistence/aof-rewrite.js';

export const persistenceCommands: CommandDef[] = [
  {
    name: 'save',
    group: 'server',
    summary: 'Synchronously saves the database(s) to disk.',
    handler(ctx) {
      const rdb = ctx.server.rdb;
      if (rdb.bgsave !== null) {
        ctx.reply.error('ERR Background save already in progress');
        return;
      }
      // Redis replies a bare "-ERR" when rdbSave fails; the reason is in the log.
      if (rdb.save() === null) ctx.reply.ok();
      else ctx.reply.error('ERR');
    },
  },
  {
    name: 'bgsave',
    group: 'server',
    summary: 'Asynchronously saves the database(s) to disk.',
    handler(ctx, argv) {
      if (argv.length > 1 && (argv.length > 2 || argv[1]!.toLowerCase() !== 'schedule')) {
        ctx.reply.error(ERR_SYNTAX);
        return;
      }
      // SCHEDULE waits for another background job in Redis (an AOF rewrite's fork). keyraft's
      // BGSAVE needs no fork and runs beside anything else, so SCHEDULE starts it at once.
      const rdb = ctx.server.rdb;
      if (rdb.bgsave !== null) {
        ctx.reply.error('ERR Background save already in progress');
        return;
      }
      const error = rdb.startBgsave();
      if (error === null) ctx.reply.simple('Background saving started');
      else ctx.reply.error(`ERR ${error}`);
    },
  },
  {
    name: 'bgrewriteaof',
    group: 'server',
    summary: 'Asynchronously rewrites the append-only file to disk.',
    handler(ctx) {
      // Runs beside a BGSAVE in keyraft (no fork), but is scheduled after it as in Redis, so
      // the two never compete for the disk.
      switch (aofRewriter(ctx.server).request()) {
        case 'in-progress':
          ctx.reply.error('ERR Background append only file rewriting already in progress');
          return;
        case 'scheduled':
          ctx.reply.simple('Background append only file rewriting scheduled');
          return;
        case 'started':
          ctx.reply.simple('Background append only file rewriting started');
          return;
        default:
          ctx.reply.error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
      }
    },
  },
];
