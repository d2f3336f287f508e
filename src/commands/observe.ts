// MONITOR and SLOWLOG: the commands over src/server/observers.ts, which the dispatcher feeds
// with every executed command.

import { replyHelp } from './server.js';
import type { CommandDef } from './types.js';
import { parseInt64 } from '../protocol/numbers.js';

const SLOWLOG_HELP = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

export const observeCommands: CommandDef[] = [
  {
    name: 'monitor',
    group: 'server',
    summary: 'Listens for all requests received by the server in real-time.',
    since: '1.0.0',
    handler(ctx) {
      const client = ctx.client;
      if (client) ctx.server.observers.monitors.add(client);
      ctx.reply.ok();
    },
  },
  {
    name: 'slowlog',
    group: 'server',
    summary: 'A container for slow log commands.',
    since: '2.2.12',
    subcommands: [
      {
        name: 'get',
        group: 'server',
        summary: 'Returns the slow log\'s entries.',
        since: '2.2.12',
        handler(ctx, argv) {
          let count = 10;
          if (argv.length === 3) {
            const v = parseInt64(argv[2]!);
            if (v === null || typeof v !== 'number' || v < -1) {
              ctx.reply.error('ERR count should be greater than or equal to -1');
              return;
            }
            count = v === -1 ? Infinity : v;
          }
          const entries = ctx.server.observers.slowlog.slice(0, count);
          const r = ctx.reply;
          r.array(entries.length);
          for (const e of entries) {
            r.array(6);
            r.integer(e.id);
            r.integer(e.timestamp);
            r.integer(e.usec);
            r.bulkArray(e.argv);
            r.bulk(e.addr);
            r.bulk(e.name);
          }
        },
      },
      {
        name: 'len',
        group: 'server',
        summary: 'Returns the number of entries in the slow log.',
        since: '2.2.12',
        handler(ctx) {
          ctx.reply.integer(ctx.server.observers.slowlog.length);
        },
      },
      {
        name: 'reset',
        group: 'server',
        summary: 'Clears all entries from the slow log.',
        since: '2.2.12',
        handler(ctx) {
          ctx.server.observers.resetSlowlog();
          ctx.reply.ok();
        },
      },
      {
        name: 'help',
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        handler(ctx) {
          replyHelp(ctx.reply, 'SLOWLOG', SLOWLOG_HELP);
        },
      },
    ],
  },
];
