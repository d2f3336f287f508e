// Seeded random streams of list commands over a small key set, with SET/DEL on the same keys
// (WRONGTYPE paths, deleted lists) and the blocking commands with data present or with a tiny
// timeout, compared with Redis 7.0 byte for byte — in RESP2 and, for a shorter stream, after
// HELLO 3. Replay one seed with DIFF_SEED=n.
import { test } from 'node:test';
import { fuzzFamily, seedsToRun, type Argv, type Rng, useDifferentialPair } from '../helpers/differential.js';

const { skip, pair } = useDifferentialPair();

const KEYS = ['l1', 'l2', 'l3', 's'];
const ELEMENTS = ['a', 'b', 'c', '', 'a\x00\xff', '1', '-1'];

function key(rng: Rng): string {
  return rng.pick(KEYS);
}
function el(rng: Rng): string {
  return rng.chance(0.9) ? rng.pick(ELEMENTS) : rng.bytes(6);
}
function idx(rng: Rng): string {
  if (rng.chance(0.05)) return rng.pick(['x', '9223372036854775807', '-9223372036854775808', '1.5', '']);
  return String(rng.int(-8, 8));
}
function side(rng: Rng): string {
  return rng.chance(0.97) ? rng.pick(['LEFT', 'RIGHT', 'left', 'Right']) : 'UP';
}
function count(rng: Rng): string {
  return rng.chance(0.1) ? rng.pick(['-1', 'x', '0']) : String(rng.int(0, 6));
}
function keysList(rng: Rng): string[] {
  const n = rng.int(1, 3);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(key(rng));
  return out;
}
/** A timeout: tiny (the command may wait 10 ms when the keys are empty), or malformed. */
function timeout(rng: Rng): string {
  return rng.chance(0.95) ? '0.01' : rng.pick(['-1', 'x']);
}

function pushArgs(rng: Rng): string[] {
  const n = rng.int(1, 4);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(el(rng));
  return out;
}

export function genListCommand(rng: Rng): Argv {
  const r = rng.int(0, 34);
  switch (r) {
    case 0:
    case 1:
    case 2:
      return ['LPUSH', key(rng), ...pushArgs(rng)];
    case 3:
    case 4:
    case 5:
      return ['RPUSH', key(rng), ...pushArgs(rng)];
    case 6:
      return [rng.pick(['LPUSHX', 'RPUSHX']), key(rng), ...pushArgs(rng)];
    case 7:
    case 8:
      return rng.chance(0.5) ? [rng.pick(['LPOP', 'RPOP']), key(rng)] : [rng.pick(['LPOP', 'RPOP']), key(rng), count(rng)];
    case 9:
      return ['LLEN', key(rng)];
    case 10:
    case 11:
      return ['LRANGE', key(rng), idx(rng), idx(rng)];
    case 12:
      return ['LINDEX', key(rng), idx(rng)];
    case 13:
      return ['LSET', key(rng), idx(rng), el(rng)];
    case 14:
      return ['LINSERT', key(rng), rng.pick(['BEFORE', 'AFTER', 'after', 'x']), el(rng), el(rng)];
    case 15:
      return ['LREM', key(rng), String(rng.int(-3, 3)), el(rng)];
    case 16:
      return ['LTRIM', key(rng), idx(rng), idx(rng)];
    case 17:
    case 18: {
      const argv = ['LPOS', key(rng), el(rng)];
      if (rng.chance(0.5)) argv.push('RANK', rng.chance(0.9) ? String(rng.int(-3, 3)) : 'x');
      if (rng.chance(0.5)) argv.push('COUNT', count(rng));
      if (rng.chance(0.3)) argv.push('MAXLEN', count(rng));
      return argv;
    }
    case 19:
    case 20:
      return ['LMOVE', key(rng), key(rng), side(rng), side(rng)];
    case 21:
      return ['RPOPLPUSH', key(rng), key(rng)];
    case 22:
    case 23: {
      const ks = keysList(rng);
      const argv = ['LMPOP', rng.chance(0.95) ? String(ks.length) : rng.pick(['0', String(ks.length + 1)]), ...ks, side(rng)];
      if (rng.chance(0.5)) argv.push('COUNT', count(rng));
      return argv;
    }
    case 24:
      return [rng.pick(['BLPOP', 'BRPOP']), ...keysList(rng), timeout(rng)];
    case 25: {
      const ks = keysList(rng);
      const argv = ['BLMPOP', timeout(rng), String(ks.length), ...ks, side(rng)];
      if (rng.chance(0.5)) argv.push('COUNT', count(rng));
      return argv;
    }
    case 26:
      return ['BLMOVE', key(rng), key(rng), side(rng), side(rng), timeout(rng)];
    case 27:
      return ['BRPOPLPUSH', key(rng), key(rng), timeout(rng)];
    case 28:
      return ['SET', key(rng), 'str'];
    case 29:
      return ['DEL', key(rng)];
    case 30:
      return ['EXISTS', key(rng)];
    case 31:
      return ['TYPE', key(rng)];
    case 32:
      return ['LRANGE', key(rng), '0', '-1'];
    case 33: {
      // Sometimes hundreds of elements, so lists outgrow their first chunk and span several.
      if (rng.chance(0.3)) {
        const n = rng.int(100, 400);
        const els: string[] = [];
        for (let i = 0; i < n; i++) els.push(el(rng));
        return [rng.pick(['LPUSH', 'RPUSH']), key(rng), ...els];
      }
      return ['RPUSH', key(rng), ...pushArgs(rng), ...pushArgs(rng), ...pushArgs(rng)];
    }
    default:
      return ['LPOS', key(rng), el(rng), 'COUNT', '0'];
  }
}

for (const seed of seedsToRun([1, 2, 3, 4, 5, 6])) {
  test(`random list streams, seed ${seed}`, { skip }, async () => {
    await fuzzFamily(pair, 'lists', seed, 400, genListCommand);
  });
}

for (const seed of seedsToRun([101, 102])) {
  test(`random list streams after HELLO 3, seed ${seed}`, { skip }, async () => {
    const normalize = (argv: Argv, raw: string): string => (argv[0] === 'HELLO' ? '' : raw);
    let first = true;
    await fuzzFamily(pair, 'lists-resp3', seed, 150, (rng) => {
      if (first) {
        first = false;
        return ['HELLO', '3'];
      }
      return genListCommand(rng);
    }, { normalize });
  });
}
