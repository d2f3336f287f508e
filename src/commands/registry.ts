// The command table: every family's declarations, completed with Redis's own metadata (arity,
// flags, key positions) from @ioredis/commands, and indexed for lookup without building an
// upper- or lower-case copy of the name on the hot path (both spellings are indexed; only
// mixed-case names pay for a toLowerCase).

import { createRequire } from 'node:module';
import type { Command, CommandDef, CommandFlag } from './types.js';
import { aclCategories } from './acl-categories.js';

interface Meta {
  arity: number;
  flags: string[];
  keyStart: number;
  keyStop: number;
  step: number;
  subcommands?: Record<string, Meta>;
}

const require = createRequire(import.meta.url);
const META: Record<string, Meta> = require('@ioredis/commands/built/commands.json');

function build(def: CommandDef, meta: Meta | undefined, parent: string | null): Command {
  const flags = new Set<CommandFlag>((def.flags ?? meta?.flags ?? []) as CommandFlag[]);
  const arity = def.arity ?? meta?.arity;
  if (arity === undefined) throw new Error(`command ${def.name}: no arity (not in @ioredis/commands; declare it)`);
  const keys = def.keys ?? { first: meta?.keyStart ?? 0, last: meta?.keyStop ?? 0, step: meta?.step ?? 0 };
  let subcommands: Map<string, Command> | undefined;
  if (def.subcommands) {
    subcommands = new Map();
    for (const sub of def.subcommands) {
      const cmd = build(sub, meta?.subcommands?.[sub.name], def.name);
      subcommands.set(sub.name, cmd);
    }
  }
  const fullName = parent ? `${parent}|${def.name}` : def.name;
  const categories = aclCategories({ fullName, group: def.group, flags, subcommands });
  return {
    categories,
    name: def.name,
    fullName,
    group: def.group,
    summary: def.summary,
    since: def.since ?? '1.0.0',
    arity,
    flags,
    firstKey: keys.first,
    lastKey: keys.last,
    step: keys.step,
    handler: def.handler,
    subcommands,
    isWrite: flags.has('write'),
    stats: { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 },
  };
}

export class CommandTable {
  private byName = new Map<string, Command>();
  private list: Command[] = [];

  constructor(families: readonly (readonly CommandDef[])[]) {
    for (const family of families) {
      for (const def of family) {
        const cmd = build(def, META[def.name], null);
        if (this.byName.has(def.name)) throw new Error(`command ${def.name} declared twice`);
        this.list.push(cmd);
        this.byName.set(def.name, cmd);
        this.byName.set(def.name.toUpperCase(), cmd);
      }
    }
  }

  lookup(name: string): Command | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  /** The command or subcommand an argument vector names (CONFIG GET → CONFIG|GET). */
  resolve(argv: readonly string[]): Command | undefined {
    const cmd = this.lookup(argv[0]!);
    if (!cmd || !cmd.subcommands || argv.length < 2) return cmd;
    return cmd.subcommands.get(argv[1]!.toLowerCase()) ?? cmd;
  }

  all(): readonly Command[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }
}
