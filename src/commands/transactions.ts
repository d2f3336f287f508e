// Transactions: MULTI EXEC DISCARD WATCH UNWATCH. Queuing happens in the dispatcher (a command
// sent after MULTI is checked — unknown, arity, auth — and queued, or rejected and the
// transaction flagged for EXECABORT). EXEC runs the queue through the engine as nested commands:
// one after another with the same `now`, nothing else in between, their replies in one array,
// and one write entry for the whole transaction (seeds seed+1, seed+2… per command), so the AOF
// and the Raft log see it as a single atomic record. A command that fails while executing does
// not stop the others. Blocking commands behave as their non-blocking twins inside EXEC.

import type { CommandDef, ExecContext } from './types.js';
import type { Client } from '../net/client.js';
import { performance } from 'node:perf_hooks';

/** Commands that act at once inside MULTI instead of being queued. */
export const MULTI_CONTROL_COMMANDS: ReadonlySet<string> = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Most commands one transaction may queue; a limit like every other queue. */
export const MULTI_QUEUE_COMMANDS_MAX = 1_000_000;

function clientOf(ctx: ExecContext): Client | null {
  return ctx.client;
}

function exec(ctx: ExecContext): void {
  const client = clientOf(ctx);
  const multi = client?.multi;
  if (!client || !multi) {
    ctx.reply.error('ERR EXEC without MULTI');
    return;
  }
  const server = ctx.server;
  client.multi = null;
  if (multi.aborted) {
    server.watches.unwatchAll(client);
    ctx.reply.error('EXECABORT Transaction discarded because of previous errors.');
    return;
  }
  if (server.watches.shouldAbort(client, ctx.now)) {
    server.watches.unwatchAll(client);
    ctx.reply.nullArray();
    return;
  }
  // Unwatch first: the transaction's own writes must not count as conflicts.
  server.watches.unwatchAll(client);
  const reply = ctx.reply;
  const writer = client.writer;
  reply.array(multi.commands.length);
  multi.commands.forEach(({ cmd, argv }, i) => {
    const errorsBefore = writer.errorCount;
    const start = performance.now(); // deterministic-ok: timing for commandstats, not state
    server.engine.execute(cmd, argv, client, client.dbIndex, reply, ctx.now, ctx.seed + i + 1, false);
    const usec = (performance.now() - start) * 1000; // deterministic-ok: timing for commandstats, not state
    cmd.stats.calls++;
    cmd.stats.usec += usec;
    server.observers.afterCommand(client, cmd, argv, client.dbIndex, usec);
    if (writer.errorCount !== errorsBefore) cmd.stats.failedCalls++;
  });
  // The engine records the queue's replay commands (each command's own: SPOP's is an SREM) as
  // this EXEC's single entry, a transaction replayed with seeds seed+1, seed+2…
}

export const transactionCommands: CommandDef[] = [
  {
    name: 'multi',
    group: 'transactions',
    summary: 'Starts a transaction.',
    since: '1.2.0',
    handler(ctx) {
      const client = clientOf(ctx);
      if (client?.multi) {
        ctx.reply.error('ERR MULTI calls can not be nested');
        return;
      }
      if (client) client.multi = { commands: [], aborted: false };
      ctx.reply.ok();
    },
  },
  {
    name: 'exec',
    group: 'transactions',
    summary: 'Executes all commands in a transaction.',
    since: '1.2.0',
    handler: exec,
  },
  {
    name: 'discard',
    group: 'transactions',
    summary: 'Discards a transaction.',
    since: '2.0.0',
    handler(ctx) {
      const client = clientOf(ctx);
      if (!client?.multi) {
        ctx.reply.error('ERR DISCARD without MULTI');
        return;
      }
      client.multi = null;
      ctx.server.watches.unwatchAll(client);
      ctx.reply.ok();
    },
  },
  {
    name: 'watch',
    group: 'transactions',
    summary: 'Monitors changes to keys to determine the execution of a transaction.',
    since: '2.2.0',
    handler(ctx, argv) {
      const client = clientOf(ctx);
      if (client?.multi) {
        ctx.reply.error('ERR WATCH inside MULTI is not allowed');
        return;
      }
      if (client) for (let i = 1; i < argv.length; i++) ctx.server.watches.watch(client, ctx.db, argv[i]!, ctx.now);
      ctx.reply.ok();
    },
  },
  {
    name: 'unwatch',
    group: 'transactions',
    summary: 'Forgets about watched keys of a transaction.',
    since: '2.2.0',
    handler(ctx) {
      const client = clientOf(ctx);
      if (client) ctx.server.watches.unwatchAll(client);
      ctx.reply.ok();
    },
  },
];
