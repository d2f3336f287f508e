// Keyspace notifications against real Redis, command by command: 'new' key events (class n),
// every collection family (lists, hashes, sets, sorted sets), commands run inside EXEC, and keys
// removed by the active expiry cycle. A subscriber listens to every keyspace and keyevent
// channel; after each command a marker is published, so a difference names its command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Argv, useDifferentialPair } from '../helpers/differential.js';
import { collectSteps, describeDifferences, missingCommands, sameSteps } from './support.js';

const { skip, pair } = useDifferentialPair();

const notify = (flags: string): Argv[] => [['CONFIG', 'SET', 'notify-keyspace-events', flags]];

/** Drops commands keyraft does not implement yet (printed, so the gap is visible). */
async function implemented(name: string, commands: Argv[]): Promise<Argv[]> {
  const missing = await missingCommands(pair.keyraft, commands);
  if (missing.size > 0) console.log(`# ${name}: not implemented by keyraft, left out: ${[...missing].join(' ')}`);
  return commands.filter((c) => !missing.has(c[0]!.toLowerCase()));
}

const NEW_KEY_COMMANDS: Argv[] = [
  ['SET', 'a', '1'],
  ['SET', 'a', '2'],
  ['SETNX', 'a', '3'],
  ['INCR', 'counter'],
  ['INCR', 'counter'],
  ['APPEND', 'app', 'x'],
  ['MSET', 'm1', '1', 'a', '4'],
  ['RENAME', 'a', 'b'],
  ['COPY', 'b', 'c'],
  ['MOVE', 'c', '1'],
  ['SETBIT', 'bits', '3', '1'],
  ['BITOP', 'OR', 'dest', 'bits', 'nokey'],
  ['LPUSH', 'list', 'x'],
  ['RPUSH', 'list', 'y'],
  ['LMOVE', 'list', 'list2', 'LEFT', 'RIGHT'],
  ['HSET', 'hash', 'f', 'v'],
  ['HINCRBY', 'hash2', 'f', '1'],
  ['SADD', 'set', 'a', 'b'],
  ['SMOVE', 'set', 'set2', 'a'],
  ['SUNIONSTORE', 'set3', 'set', 'set2'],
  ['ZADD', 'z', '1', 'a'],
  ['ZINCRBY', 'z2', '1', 'a'],
  ['ZUNIONSTORE', 'z3', '2', 'z', 'z2'],
  ['DEL', 'z3'],
  ['ZUNIONSTORE', 'z3', '1', 'z'],
  ['PFADD', 'hll', 'a'],
  ['PFADD', 'hll', 'b'],
  ['PFMERGE', 'hll2', 'hll'],
  ['XADD', 'stream', '1-1', 'f', 'v'],
  ['XADD', 'stream', '1-2', 'f', 'v'],
  ['GEOADD', 'geo', '13.361389', '38.115556', 'Palermo'],
  ['SORT', 'list2', 'ALPHA', 'STORE', 'sorted'],
];

test("'new' key events (KEn and En) match Redis", { skip }, async () => {
  const commands = await implemented('new-key events', NEW_KEY_COMMANDS);
  await sameSteps(pair, 'KEn', commands, { config: notify('KEn'), minMessages: 10 });
  await sameSteps(pair, 'En', commands, { config: notify('En'), minMessages: 10 });
});

// Redis keeps 'n' in its flags when given with 'A' (CONFIG GET shows "AKE", but 'new' events
// fire). keyraft stores the canonical text CONFIG GET shows (src/config/directives.ts drops the
// n next to A) and the notifier is configured from it, so 'new' is lost with A. Needs the
// notifier to see the value as set (a change in src/config, not ours): kept as a todo.
test("'new' key events together with A (KEAn) match Redis", { skip }, async () => {
  const commands = await implemented('new-key events', NEW_KEY_COMMANDS);
  // With every other class too: 'new' comes before the command's own event, as in dbAdd.
  await sameSteps(pair, 'KEA + n', commands, { config: notify('KEAn'), minMessages: 30 });
});

test("no 'new' events unless n is selected, and none after it is removed", { skip }, async () => {
  const commands: Argv[] = [['SET', 'x', '1'], ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'], ['SET', 'y', '1'], ['CONFIG', 'SET', 'notify-keyspace-events', 'KEn'], ['SET', 'z', '1']];
  const k = await collectSteps(pair.keyraft, commands, { config: notify('KEA') });
  const r = await collectSteps(pair.redis, commands, { config: notify('KEA') });
  assert.deepEqual(k, r, describeDifferences(commands, k, r).join('\n'));
  const isNew = (m: string): boolean => m.endsWith(' new') || m.includes(':new ');
  assert.deepEqual(k[2]!.filter(isNew), [], 'n not selected: SET y fires no new event');
  assert.ok(k[4]!.some((m) => m.includes('__keyevent@0__:new')), 'n selected again: SET z fires new');
});

const LIST_COMMANDS: Argv[] = [
  ['LPUSH', 'l', 'a', 'b', 'c'],
  ['RPUSH', 'l', 'd'],
  ['LPUSHX', 'l', 'e'],
  ['RPUSHX', 'l', 'f'],
  ['LPUSHX', 'nolist', 'e'],
  ['LPOP', 'l'],
  ['RPOP', 'l'],
  ['LPOP', 'l', '2'],
  ['LSET', 'l', '0', 'z'],
  ['LINSERT', 'l', 'BEFORE', 'z', 'y'],
  ['LINSERT', 'l', 'AFTER', 'nope', 'y'],
  ['LREM', 'l', '0', 'y'],
  ['LREM', 'l', '0', 'absent'],
  ['RPUSH', 'l', '1', '2', '3', '4'],
  ['LTRIM', 'l', '1', '-2'],
  ['LTRIM', 'l', '0', '-1'],
  ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
  ['LMOVE', 'l', 'l', 'LEFT', 'RIGHT'],
  ['RPOPLPUSH', 'l', 'l2'],
  ['LMPOP', '2', 'none', 'l2', 'LEFT', 'COUNT', '1'],
  ['BLPOP', 'l2', '0'],
  ['BRPOP', 'l', '0'],
  ['RPUSH', 'l3', 'x'],
  ['BLMOVE', 'l3', 'l4', 'RIGHT', 'LEFT', '0'],
  ['BRPOPLPUSH', 'l4', 'l5', '0'],
  ['BLMPOP', '0', '1', 'l5', 'RIGHT'],
  ['RPUSH', 'l6', 'a', 'b'],
  ['LTRIM', 'l6', '5', '10'],
  ['RPUSH', 'l7', 'a'],
  ['LREM', 'l7', '0', 'a'],
  ['RPUSH', 'l8', 'a', 'b'],
  ['EXPIRE', 'l8', '100'],
  ['RENAME', 'l8', 'l9'],
  ['COPY', 'l9', 'l10'],
  ['DEL', 'l9', 'l10'],
];

const HASH_COMMANDS: Argv[] = [
  ['HSET', 'h', 'a', '1', 'b', '2'],
  ['HSET', 'h', 'a', '1'],
  ['HSETNX', 'h', 'c', '3'],
  ['HSETNX', 'h', 'c', '4'],
  ['HMSET', 'h', 'd', '4'],
  ['HINCRBY', 'h', 'a', '5'],
  ['HINCRBYFLOAT', 'h', 'b', '1.5'],
  ['HINCRBYFLOAT', 'h', 'new', '2'],
  ['HDEL', 'h', 'a', 'nope'],
  ['HDEL', 'h', 'nope'],
  ['HGETALL', 'h'],
  ['HDEL', 'h', 'b', 'c', 'd', 'new'],
  ['HSET', 'h2', 'f', 'v'],
  ['HINCRBY', 'h3', 'f', '1'],
  ['HSET', 'big', 'f', 'x'.repeat(100)],
  ['HDEL', 'h2', 'f'],
  ['RENAME', 'h3', 'h4'],
  ['EXPIRE', 'h4', '0'],
];

const SET_COMMANDS: Argv[] = [
  ['SADD', 's', 'a', 'b', 'c'],
  ['SADD', 's', 'a'],
  ['SADD', 'ints', '1', '2', '3'],
  ['SREM', 's', 'a', 'nope'],
  ['SREM', 's', 'nope'],
  ['SMOVE', 's', 't', 'b'],
  ['SMOVE', 's', 't', 'nope'],
  ['SMOVE', 's', 't', 'c'],
  ['SADD', 'one', 'x'],
  ['SPOP', 'one'],
  ['SPOP', 'ints', '10'],
  ['SADD', 'u', 'a', 'b'],
  ['SADD', 'v', 'b', 'c'],
  ['SINTERSTORE', 'i', 'u', 'v'],
  ['SUNIONSTORE', 'un', 'u', 'v'],
  ['SDIFFSTORE', 'd', 'u', 'v'],
  ['SDIFFSTORE', 'd', 'u', 'u'],
  ['SINTERSTORE', 'i', 'u', 'none'],
  ['SUNIONSTORE', 'nothing', 'none1', 'none2'],
  ['SRANDMEMBER', 'u'],
  ['SMEMBERS', 'u'],
  ['SADD', 'w', 'only'],
  ['SMOVE', 'w', 'w2', 'only'],
  ['SPOP', 'w2', '0'],
  ['SPOP', 'none'],
];

const ZSET_COMMANDS: Argv[] = [
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
  ['ZADD', 'z', '1', 'a'],
  ['ZADD', 'z', 'XX', 'CH', '9', 'a'],
  ['ZADD', 'z', 'NX', '1', 'a'],
  ['ZADD', 'z', 'INCR', '1', 'b'],
  ['ZINCRBY', 'z', '2', 'c'],
  ['ZREM', 'z', 'd', 'nope'],
  ['ZREM', 'z', 'nope'],
  ['ZADD', 'z', '10', 'f', '11', 'g', '12', 'h'],
  ['ZREMRANGEBYRANK', 'z', '0', '0'],
  ['ZREMRANGEBYSCORE', 'z', '11', '11'],
  ['ZREMRANGEBYSCORE', 'z', '100', '200'],
  ['ZREMRANGEBYLEX', 'z', '[a', '[b'],
  ['ZPOPMIN', 'z'],
  ['ZPOPMAX', 'z', '2'],
  ['ZMPOP', '2', 'none', 'z', 'MIN', 'COUNT', '1'],
  ['ZADD', 'y', '1', 'a', '2', 'b'],
  ['BZPOPMIN', 'y', '0'],
  ['BZPOPMAX', 'y', '0'],
  ['ZADD', 'x', '1', 'a', '2', 'b'],
  ['BZMPOP', '0', '1', 'x', 'MAX', 'COUNT', '5'],
  ['ZADD', 'p', '1', 'a', '2', 'b'],
  ['ZADD', 'q', '1', 'b', '3', 'c'],
  ['ZUNIONSTORE', 'u', '2', 'p', 'q'],
  ['ZINTERSTORE', 'i', '2', 'p', 'q'],
  ['ZDIFFSTORE', 'd', '2', 'p', 'q'],
  ['ZINTERSTORE', 'i', '2', 'p', 'none'],
  ['ZDIFFSTORE', 'nothing', '1', 'none'],
  ['ZRANGESTORE', 'r', 'p', '0', '-1'],
  ['ZRANGESTORE', 'r', 'p', '5', '10'],
  ['ZRANGE', 'p', '0', '-1'],
  ['ZREMRANGEBYRANK', 'p', '0', '-1'],
  ['ZADD', 'big', '1', 'x'.repeat(100)],
  ['RENAME', 'q', 'q2'],
];

for (const [family, commands] of [
  ['lists', LIST_COMMANDS],
  ['hashes', HASH_COMMANDS],
  ['sets', SET_COMMANDS],
  ['sorted sets', ZSET_COMMANDS],
] as const) {
  test(`keyspace events for ${family} match Redis (KEA)`, { skip }, async () => {
    const stream = await implemented(family, [...commands]);
    await sameSteps(pair, family, stream, { config: notify('KEA'), minMessages: stream.length });
  });
}

test('commands inside EXEC fire their events in order; a discarded or aborted transaction fires none', { skip }, async () => {
  const commands: Argv[] = [
    ['MULTI'],
    ['SET', 'a', '1'],
    ['LPUSH', 'l', 'x'],
    ['INCR', 'a'],
    ['HSET', 'h', 'f', 'v'],
    ['DEL', 'a'],
    ['EXPIRE', 'l', '100'],
    ['EXEC'],
    ['MULTI'],
    ['SET', 'b', '1'],
    ['DISCARD'],
    ['MULTI'],
    ['SET', 'c', '1'],
    ['NOSUCHCOMMAND'],
    ['EXEC'],
    ['MULTI'],
    ['SET', 'd', '1'],
    ['LPUSH', 'd', 'x'],
    ['SADD', 's', 'm'],
    ['EXEC'],
  ];
  await sameSteps(pair, 'EXEC', commands, { config: notify('KEA'), minMessages: 10 });
  await sameSteps(pair, 'EXEC new keys', commands, { config: notify('KEn'), minMessages: 4 });
});

test("the active expiry cycle fires 'expired' events (and del/expire events of the setup)", { skip }, async () => {
  // One key per step, so the order within a step is determined; a long pause lets both servers'
  // background cycles (Redis: hz 10) reclaim the key with nothing reading it.
  const commands: Argv[] = [
    ['SET', 'str', 'v', 'PX', '30'],
    ['RPUSH', 'list', 'a'],
    ['PEXPIRE', 'list', '30'],
    ['HSET', 'hash', 'f', 'v'],
    ['PEXPIRE', 'hash', '30'],
    ['ZADD', 'zset', '1', 'a'],
    ['PEXPIREAT', 'zset', '1'],
    ['SADD', 'set', 'a'],
    ['PEXPIRE', 'set', '30'],
    ['SET', 'kept', 'v', 'PX', '100000'],
  ];
  const pauseAfterMs = (argv: Argv): number => (/PX|PEXPIRE/.test(argv.join(' ')) && argv[1] !== 'kept' ? 400 : 0);
  await sameSteps(pair, 'active expiry', commands, { config: notify('KEA'), pauseAfterMs, minMessages: 10 });
  // And the keys really are gone on both, removed by the cycle rather than by a read.
  const k = await pair.keyraft.connect();
  try {
    assert.equal(await k.value('DBSIZE'), 1);
  } finally {
    k.close();
  }
});
