// The shapes every command family shares: how a command is declared, and the context its
// handler runs in.
//
// A family module exports a list of `CommandDef`s: the name, the handler and the words for the
// docs. Arity, flags and key positions are not typed by hand; the registry takes them from
// @ioredis/commands (generated from Redis's own command JSON), so they match Redis.
//
// A handler gets an ExecContext and the argument vector (argv[0] is the command name as sent)
// and must write exactly one reply. Handlers never read the wall clock or Math.random while
// writing: `ctx.now` and `ctx.random()` are fixed by whoever ordered the write (determinism
// rule, docs/ARCHITECTURE.md). They report effects through ctx.modified / ctx.notify / ctx.dirty
// rather than reaching into other subsystems.

import type { Reply } from '../protocol/reply.js';
import type { Db } from '../keyspace/db.js';
import type { ServerState } from '../server/state.js';
import type { Client } from '../net/client.js';
import type { Value } from '../types/value.js';

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'module'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'random'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_mandatory_keys'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy'
  | 'no_async_loading';

/** The command families, used for docs (COMMAND DOCS group, docs/COMMANDS.md). */
export type CommandGroup =
  | 'connection'
  | 'server'
  | 'string'
  | 'bitmap'
  | 'generic'
  | 'list'
  | 'hash'
  | 'set'
  | 'sorted-set'
  | 'stream'
  | 'pubsub'
  | 'transactions'
  | 'scripting'
  | 'hyperloglog'
  | 'geo'
  | 'cluster';

export interface ExecContext {
  readonly server: ServerState;
  /** The client that sent the command; null when replaying the AOF or a Raft entry. */
  readonly client: Client | null;
  /** The selected database. */
  db: Db;
  /** Milliseconds since the epoch, fixed once for the whole entry. */
  readonly now: number;
  readonly reply: Reply;
  /**
   * Looks a key up for reading in the selected db: an expired key reads as absent (nothing is
   * removed), and INFO's keyspace_hits/misses are counted. Returns undefined when absent.
   */
  lookupRead(key: string): Value | undefined;
  /**
   * Looks a key up in a command that writes: an expired key is removed first (with its
   * "expired" event), so the command sees it as absent. `db` defaults to the selected one.
   */
  lookupWrite(key: string, db?: Db): Value | undefined;
  /** Whether the command may block its client (false inside MULTI, scripts and replays). */
  readonly canBlock: boolean;
  /**
   * Parks the calling client on `keys` of the selected db until a write touches one of them —
   * then the same command runs again — or until `timeoutMs` passes (0 = forever), when
   * `onTimeout` writes the reply. A handler that blocks writes no reply. Only when canBlock.
   */
  block(keys: readonly string[], timeoutMs: number, onTimeout: (reply: Reply) => void): void;
  /** The seed of this command's entry (EXEC derives its commands' seeds from it). */
  readonly seed: number;
  /**
   * Makes this command's write entry (what the AOF and, later, the Raft log replay) record
   * `commands` instead of its own argv, for a command whose effect a replay must not compute
   * again (SPOP records SREM of the members it drew). Inside EXEC the one replacement command
   * takes the original's place in the transaction's entry.
   */
  recordEntryAs(commands: string[][]): void;
  /** Deterministic random number in [0, 1) seeded from the entry. */
  random(): number;
  /** A key's value changed or the key was removed (Redis's signalModifiedKey). */
  modified(key: string, db?: Db): void;
  /** A keyspace event (Redis's notifyKeyspaceEvent); `type` is the class letter (g, $, l, x…). */
  notify(type: string, event: string, key: string, dbIndex?: number): void;
  /** Counts changes for persistence and the `save` rules (Redis's server.dirty). */
  dirty(changes?: number): void;
  /** Changes this command (and the commands it ran) made so far. */
  readonly changes: number;
}

export type Handler = (ctx: ExecContext, argv: string[]) => void;

export interface CommandDef {
  /** Lowercase command name, e.g. "set"; for subcommands the subcommand name, e.g. "getname". */
  name: string;
  group: CommandGroup;
  summary: string;
  /** Redis version that introduced it (COMMAND DOCS "since"). */
  since?: string;
  handler?: Handler;
  subcommands?: CommandDef[];
  /** Overrides for metadata @ioredis/commands lacks or gets wrong for Redis 7.0. */
  arity?: number;
  flags?: CommandFlag[];
  keys?: { first: number; last: number; step: number };
}

export interface Command {
  readonly name: string;
  /** "CONFIG|GET" style full name for subcommands, same as name otherwise. */
  readonly fullName: string;
  readonly group: CommandGroup;
  readonly summary: string;
  readonly since: string;
  readonly arity: number;
  readonly flags: ReadonlySet<CommandFlag>;
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  readonly categories: readonly string[];
  readonly handler: Handler | undefined;
  readonly subcommands: ReadonlyMap<string, Command> | undefined;
  readonly isWrite: boolean;
  /** Per-command statistics for INFO commandstats. */
  stats: { calls: number; usec: number; rejectedCalls: number; failedCalls: number };
}
