// ACL categories as Redis 7.0 reports them (COMMAND INFO, COMMAND LIST FILTERBY ACLCAT): the
// family's category, then the implicit ones Redis derives from the flags, with a table of the
// commands whose categories Redis 7.0.15 sets explicitly. The registry computes them once per
// command.

import type { CommandFlag } from './types.js';

/** ACL categories in Redis's bit order, which is the order COMMAND INFO lists them in. */
const CATEGORY_ORDER = [
  '@keyspace',
  '@read',
  '@write',
  '@set',
  '@sortedset',
  '@list',
  '@hash',
  '@string',
  '@bitmap',
  '@hyperloglog',
  '@geo',
  '@stream',
  '@pubsub',
  '@admin',
  '@fast',
  '@slow',
  '@blocking',
  '@dangerous',
  '@connection',
  '@transaction',
  '@scripting',
];

const GROUP_CATEGORY: Record<string, string> = {
  connection: '@connection',
  string: '@string',
  bitmap: '@bitmap',
  generic: '@keyspace',
  list: '@list',
  hash: '@hash',
  set: '@set',
  'sorted-set': '@sortedset',
  stream: '@stream',
  pubsub: '@pubsub',
  transactions: '@transaction',
  scripting: '@scripting',
  hyperloglog: '@hyperloglog',
  geo: '@geo',
};

/**
 * Commands whose ACL categories in Redis 7.0 are not what the group and flags imply (taken from
 * Redis 7.0.15's COMMAND INFO; the categories of every other command follow from the rules in
 * aclCategories, which is how Redis derives its implicit ones).
 */
const CATEGORY_EXCEPTIONS: Record<string, string> = {
  flushall: '@keyspace @write @slow @dangerous',
  flushdb: '@keyspace @write @slow @dangerous',
  swapdb: '@keyspace @write @fast @dangerous',
  dbsize: '@keyspace @read @fast',
  lastsave: '@admin @fast @dangerous',
  role: '@admin @fast @dangerous',
  info: '@slow @dangerous',
  keys: '@keyspace @read @slow @dangerous',
  sort: '@write @set @sortedset @list @slow @dangerous',
  sort_ro: '@read @set @sortedset @list @slow @dangerous',
  migrate: '@keyspace @write @slow @dangerous',
  restore: '@keyspace @write @slow @dangerous',
  'restore-asking': '@keyspace @write @slow @dangerous',
  readwrite: '@fast @connection',
  readonly: '@fast @connection',
  asking: '@fast @connection',
  wait: '@slow @connection',
  command: '@slow @connection',
  'command|count': '@slow @connection',
  'command|docs': '@slow @connection',
  'command|getkeys': '@slow @connection',
  'command|getkeysandflags': '@slow @connection',
  'command|help': '@slow @connection',
  'command|info': '@slow @connection',
  'command|list': '@slow @connection',
  'pubsub|help': '@slow',
};

/**
 * A command's ACL categories as Redis 7.0 reports them: the family's category (not for
 * containers such as CONFIG), then the implicit ones from the flags (setImplicitACLCategories),
 * in Redis's order.
 */
export function aclCategories(cmd: { fullName: string; group: string; flags: ReadonlySet<CommandFlag>; subcommands?: unknown }): string[] {
  const exception = CATEGORY_EXCEPTIONS[cmd.fullName];
  if (exception) return exception.split(' ');
  const out = new Set<string>();
  const group = cmd.subcommands ? undefined : GROUP_CATEGORY[cmd.group];
  if (group) out.add(group);
  const f = cmd.flags;
  if (f.has('write')) out.add('@write');
  if (f.has('readonly') && group !== '@scripting') out.add('@read');
  if (f.has('admin')) {
    out.add('@admin');
    out.add('@dangerous');
  }
  if (f.has('pubsub')) out.add('@pubsub');
  out.add(f.has('fast') ? '@fast' : '@slow');
  if (f.has('blocking')) out.add('@blocking');
  return [...out].sort((a, b) => CATEGORY_ORDER.indexOf(a) - CATEGORY_ORDER.indexOf(b));
}

