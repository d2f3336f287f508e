// SAVE and BGSAVE: the snapshot commands (the machinery is in src/persistence/snapshot.ts).
// LASTSAVE stays with the server family and reads ServerState.lastSaveAt, which saves update.
// Replies and error texts follow Redis 7.0's saveCommand / bgsaveCommand.

import type { CommandDef } from './types.js';
import { ERR_SYNTAX } from '../protocol/errors.js';

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
];
