// The central checks every command passes before its handler runs, so handlers never repeat
// them: lookup (with Redis's unknown command / subcommand texts), arity, authentication, reply
// mode (CLIENT REPLY), and the per-command statistics behind INFO commandstats. Later layers
// (MULTI queueing, pub/sub mode, cluster routing, read-only followers) slot in here too.

import type { Client } from '../net/client.js';
import type { ServerState } from '../server/state.js';
import type { Command } from '../commands/types.js';
import { performance } from 'node:perf_hooks';
import { MULTI_CONTROL_COMMANDS, MULTI_QUEUE_COMMANDS_MAX } from '../commands/transactions.js';
import { MISCONF_ERROR } from '../persistence/snapshot.js';

/** An argument as C's "%.Ns" prints it: cut at a NUL byte, then at `max` bytes. */
function cString(s: string, max: number): string {
  const nul = s.indexOf('\0');
  return (nul >= 0 ? s.slice(0, nul) : s).slice(0, max);
}

/** Redis's "unknown command" text, with the first arguments quoted, each cut to fit 128 bytes. */
export function unknownCommandError(argv: readonly string[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${cString(argv[i]!, 128 - args.length)}' `;
  return `ERR unknown command '${cString(argv[0]!, 128)}', with args beginning with: ${args}`;
}

export function unknownSubcommandError(cmd: Command, sub: string): string {
  return `ERR unknown subcommand '${cString(sub, 128)}'. Try ${cmd.name.toUpperCase()} HELP.`;
}

export function arityError(cmd: Command): string {
  return `ERR wrong number of arguments for '${cmd.fullName}' command`;
}

/** What a RESP2 client in Pub/Sub mode may still send. */
const PUBSUB_MODE_COMMANDS: ReadonlySet<string> = new Set(['subscribe', 'ssubscribe', 'sunsubscribe', 'psubscribe', 'unsubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);

export class Dispatcher {
  /**
   * The last name looked up and its command: pipelines repeat one command, and the parser hands
   * out one string per command name, so this usually answers with one string comparison.
   */
  private lastName = '';
  private lastCommand: Command | undefined = undefined;

  constructor(private readonly server: ServerState) {}

  /**
   * Runs one command for a client. `startedMs` is a performance.now() reading taken just
   * before (the caller chains them: one clock read per command); returns the reading taken
   * when the command finished.
   */
  dispatch(client: Client, argv: string[], now: number, startedMs: number = performance.now()): number {
    const server = this.server;
    const writer = client.writer;
    const name = argv[0]!;
    if (name !== this.lastName) {
      this.lastCommand = server.commands.lookup(name);
      this.lastName = name;
    }
    let cmd = this.lastCommand;
    if (cmd === undefined) {
      this.reject(client, unknownCommandError(argv));
      return startedMs;
    }
    if (cmd.subcommands !== undefined && argv.length >= 2) {
      const sub = cmd.subcommands.get(argv[1]!.toLowerCase());
      if (sub === undefined) {
        this.reject(client, unknownSubcommandError(cmd, argv[1]!));
        return startedMs;
      }
      cmd = sub;
    }
    const arity = cmd.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
      this.reject(client, arityError(cmd), cmd);
      return startedMs;
    }
    if (!client.authenticated && !cmd.flags.has('no_auth')) {
      this.reject(client, 'NOAUTH Authentication required.', cmd);
      return startedMs;
    }
    if (server.scripting.long.current !== null) {
      const busy = server.scripting.long.busyError(cmd.flags.has('allow_busy'), argv);
      if (busy !== null) {
        this.reject(client, busy, cmd);
        return startedMs;
      }
    }
    if (cmd.handler === undefined) {
      this.reject(client, `ERR '${cmd.fullName}' is not implemented by keyraft yet`, cmd);
      return startedMs;
    }
    if (client.resp === 2 && client.subscriptionCount > 0 && !PUBSUB_MODE_COMMANDS.has(cmd.name)) {
      this.reject(
        client,
        `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
        cmd,
      );
      return startedMs;
    }
    if (server.loading && !cmd.flags.has('loading')) {
      this.reject(client, 'LOADING Redis is loading the dataset in memory', cmd);
      return startedMs;
    }
    if (server.rdb.writesDenied && (cmd.isWrite || cmd.name === 'ping' || (cmd.name === 'exec' && client.multi?.commands.some((q) => q.cmd.isWrite)))) {
      this.reject(client, MISCONF_ERROR, cmd);
      return startedMs;
    }
    if (server.pause.active && (server.pause.covers(client, cmd) || this.scriptMayWrite(client, cmd, argv))) {
      server.pause.hold(client, argv);
      return startedMs;
    }
    const multi = client.multi;
    if (multi !== null && !MULTI_CONTROL_COMMANDS.has(cmd.name)) {
      if (multi.commands.length >= MULTI_QUEUE_COMMANDS_MAX) {
        this.reject(client, `ERR MULTI queue is full (${MULTI_QUEUE_COMMANDS_MAX} commands)`, cmd);
        return startedMs;
      }
      multi.commands.push({ cmd, argv });
      writer.simple('QUEUED');
      return startedMs;
    }
    client.lastCommand = cmd.fullName;
    const mark = writer.length;
    const errorsBefore = writer.errorCount;
    server.engine.execute(cmd, argv, client, client.dbIndex, writer, now, undefined, true);
    const finishedMs = performance.now();
    const usec = (finishedMs - startedMs) * 1000;
    server.observers.afterCommand(client, cmd, argv, client.dbIndex, usec);
    const stats = cmd.stats;
    stats.calls++;
    stats.usec += usec;
    if (writer.errorCount !== errorsBefore) stats.failedCalls++;
    server.stats.totalCommands++;
    // Clients blocked on keys this command wrote are served now that it has completed.
    if (server.blocking.hasReady) server.blocking.handleReady(now);
    // CLIENT REPLY decides about its own reply; OFF drops every other reply, SKIP just one.
    if (client.replyMode !== 'on' && cmd.fullName !== 'client|reply') this.dropReply(client, mark);
    return finishedMs;
  }

  private dropReply(client: Client, mark: number): void {
    client.writer.truncate(mark);
    if (client.replyMode === 'skip') client.replyMode = 'on';
  }

  /** EVAL/EVALSHA/FCALL (alone or queued for this EXEC) that may write: held by CLIENT PAUSE WRITE. */
  private scriptMayWrite(client: Client, cmd: Command, argv: string[]): boolean {
    const scripting = this.server.scripting;
    if (cmd.name === 'exec') return client.multi !== null && client.multi.commands.some((q) => scripting.mayWrite(q.cmd, q.argv));
    return scripting.mayWrite(cmd, argv);
  }

  private reject(client: Client, error: string, cmd?: Command): void {
    if (cmd) cmd.stats.rejectedCalls++;
    // A command rejected while queuing dooms the transaction (EXEC answers EXECABORT).
    if (client.multi !== null) {
      if (cmd !== undefined && cmd.name === 'exec') {
        // EXEC itself rejected (-BUSY): the transaction ends, as Redis's execCommandAbort.
        client.multi = null;
        client.server.watches.unwatchAll(client);
        error = `EXECABORT Transaction discarded because of: ${error}`;
      } else client.multi.aborted = true;
    }
    const mark = client.writer.length;
    client.writer.error(error);
    if (client.replyMode !== 'on') this.dropReply(client, mark);
  }
}
