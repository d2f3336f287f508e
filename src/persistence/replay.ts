// Replay of write entries: applies an engine WriteEntry to the server's state exactly as it ran
// the first time — same commands, same `now`, same seeds — so expiries and random choices (SPOP…)
// come out identical. It knows nothing about files: the append-only-file loader feeds it, and so
// can anything else that keeps entries (snapshot tails, tests).
//
// There is no client during replay, and SELECT only changes a client's database; so inside a
// transaction replay follows SELECT itself, as the live EXEC's client did.

import type { WriteEntry } from '../engine/engine.js';
import type { Command } from '../commands/types.js';
import type { ServerState } from '../server/state.js';
import { NullReply, type Reply } from '../protocol/reply.js';
import { parseInt64 } from '../protocol/numbers.js';

export class ReplayError extends Error {}

function resolveCommand(server: ServerState, argv: string[]): Command {
  let cmd = server.commands.lookup(argv[0]!);
  if (cmd !== undefined && cmd.subcommands !== undefined && argv.length >= 2) cmd = cmd.subcommands.get(argv[1]!.toLowerCase());
  if (cmd === undefined || cmd.handler === undefined) throw new ReplayError(`unknown command '${argv[0]}' in a recorded write`);
  return cmd;
}

/** The database SELECT switches to, or null when the live SELECT failed (and changed nothing). */
function selectTarget(server: ServerState, argv: string[]): number | null {
  if (argv.length !== 2) return null;
  const index = parseInt64(argv[1]!);
  if (typeof index !== 'number' || index < 0 || index >= server.dbs.length) return null;
  return index;
}

const nullReply = new NullReply();

/**
 * Applies one entry. Throws ReplayError when it cannot be applied as recorded (an unknown
 * command, a database that does not exist): the state would no longer match what was written.
 */
export function replayEntry(server: ServerState, entry: WriteEntry, reply: Reply = nullReply): void {
  if (entry.db >= server.dbs.length) throw new ReplayError(`recorded write for database ${entry.db}, but only ${server.dbs.length} databases are configured`);
  const engine = server.engine;
  if (!entry.transaction) {
    const argv = entry.commands[0]!;
    engine.execute(resolveCommand(server, argv), argv, null, entry.db, reply, entry.time, entry.seed, false);
    return;
  }
  let db = entry.db;
  for (let i = 0; i < entry.commands.length; i++) {
    const argv = entry.commands[i]!;
    const cmd = resolveCommand(server, argv);
    engine.execute(cmd, argv, null, db, reply, entry.time, entry.seed + i + 1, false);
    if (cmd.name === 'select') db = selectTarget(server, argv) ?? db;
  }
}
