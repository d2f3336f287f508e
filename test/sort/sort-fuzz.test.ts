// Seeded random streams mixing list/set/sorted-set/string/hash setup with random SORT and
// SORT_RO invocations (options in random order and number, BY and GET patterns, LIMIT edge
// values, STORE over keys of every type, bad options), compared with Redis 7.0 byte for byte.
//
// Normalised only where Redis's order is unspecified: a hashtable set or a sorted set feeds the
// sort in its hash table's order, so under ALPHA BY (where equal weights keep their input
// order) and for a hashtable set with a constant BY (no sort at all) the reply is compared as a
// sorted list of rows (GET tuples kept together), or by its length when LIMIT picks a slice.
// Such sorts never STORE, so stored lists are always compared exactly. s1 holds only integers
// (an intset: ascending order in both servers), so it is compared exactly. Weights never
// overflow, because Redis 7.0 leaves a stale ERANGE in errno (see sort-diff.test.ts).
// Replay one seed with DIFF_SEED=n.
import { test } from 'node:test';
import { fuzzFamily, seedsToRun, type Argv, type Rng, useDifferentialPair } from '../helpers/differential.js';

const { skip, pair } = useDifferentialPair();

const ELEMENTS = ['1', '2', '3', '10', '-5', '0', '07', '1.5', '1e3', ' 4', 'inf', 'a', 'b', 'ab', 'B', '', 'x\x00y', 'x\x00z', '\xff', 'nan'];
/** l1 holds only what strtod accepts, so numeric sorts of it mostly succeed. */
const NUMERIC = ['1', '2', '3', '10', '-5', '0', '07', '1.5', '1e3', ' 4', 'inf', '-inf', '', '0x10', '2.0', '-0'];
const INTS = ['1', '2', '3', '10', '-5', '0', '42', '-100', '9223372036854775807'];
const SET_MEMBERS = ELEMENTS.filter((e) => !e.includes('\x00')); // NUL ties would depend on input order
const WEIGHTS = ['1', '2', '2.0', '-1', '0', '3.5', '1e2', '', ' 3', '0x1f', 'inf', '-inf', '10', '7', '-2.5', '1'];
const BAD_WEIGHTS = ['a', 'b', 'A', 'nan', 'x', 'ab'];
const SORT_KEYS = ['l1', 'l1', 'l2', 's1', 's1', 's2', 'z1', 'z2', 'z2', 'str', 'h_a', 'nokey', 'd1', 'd2'];
const BY = ['w_*', 'h_*->f', 'h_*->n', 'nosort', 'const', 'miss_*', '*', 'w_*->f', 'h_*->', 'g_*'];
const GET = ['#', 'g_*', 'h_*->n', 'h_*->f', 'w_*', 'miss_*', 'nostar', 'h_*'];
const LIMITS = ['0', '1', '2', '-1', '3', '100', '-100', '5', 'x'];
const DESTS = ['d1', 'd2', 'str', 'w_a', 'h_b', 'l2'];
/** Keys whose input order is Redis's hash table order. */
const UNORDERED = new Set(['s2', 'z1', 'z2']);

function genSort(rng: Rng): Argv {
  const ro = rng.chance(0.2);
  const key = rng.pick(SORT_KEYS);
  const argv: Argv = [ro ? 'SORT_RO' : 'SORT', key];
  const n = rng.int(0, 5);
  let alpha = false;
  let by: string | null = null;
  let dontsort = false;
  for (let i = 0; i < n; i++) {
    switch (rng.int(0, 9)) {
      case 0:
        argv.push(rng.pick(['ASC', 'desc']));
        break;
      case 1:
      case 2:
        argv.push(rng.pick(['ALPHA', 'alpha']));
        alpha = true;
        break;
      case 3:
        argv.push('LIMIT', rng.pick(LIMITS), rng.pick(LIMITS));
        break;
      case 4:
      case 5:
        by = rng.pick(BY);
        if (!by.includes('*')) dontsort = true;
        argv.push('BY', by);
        break;
      case 6:
      case 7:
        argv.push('GET', rng.pick(GET));
        break;
      case 8:
        if (rng.chance(0.1)) argv.push(rng.pick(['bogus', 'LIMIT', 'GET']));
        break;
      default:
        break;
    }
  }
  const unordered =
    UNORDERED.has(key) && ((alpha && by !== null && !dontsort) || (key === 's2' && dontsort));
  if (!ro && !unordered && rng.chance(0.3)) argv.push('STORE', rng.pick(DESTS));
  return argv;
}

export function genCommand(rng: Rng): Argv {
  const e = (): string => rng.pick(ELEMENTS);
  const weight = (): string => (rng.chance(0.03) ? rng.pick(BAD_WEIGHTS) : rng.pick(WEIGHTS));
  switch (rng.int(0, 19)) {
    case 0:
    case 1:
      return rng.chance(0.5)
        ? ['RPUSH', 'l1', ...Array.from({ length: rng.int(1, 6) }, () => rng.pick(NUMERIC))]
        : ['RPUSH', 'l2', ...Array.from({ length: rng.int(1, 6) }, e)];
    case 2:
      return ['SADD', 's1', ...Array.from({ length: rng.int(1, 5) }, () => rng.pick(INTS))];
    case 3:
      return ['SADD', 's2', ...Array.from({ length: rng.int(1, 5) }, () => rng.pick(SET_MEMBERS))];
    case 4:
    case 5: {
      const args: string[] = [];
      const z1 = rng.chance(0.5); // z1: numeric members only, z2: any
      for (let i = rng.int(1, 4); i > 0; i--) args.push(String(rng.int(-3, 3)), rng.pick(z1 ? NUMERIC : SET_MEMBERS));
      return ['ZADD', z1 ? 'z1' : 'z2', ...args];
    }
    case 6:
    case 7:
      return ['SET', `w_${e()}`, weight()];
    case 8:
      return ['HSET', `h_${e()}`, 'f', weight(), 'n', `name-${rng.int(0, 9)}`];
    case 9:
      return ['SET', `g_${e()}`, `get-${rng.int(0, 99)}`];
    case 10:
      return ['DEL', rng.pick(['l1', 's2', 'z1', 'd1', `w_${e()}`, `h_${e()}`])];
    case 11:
      return rng.chance(0.5) ? ['SET', 'str', 'v'] : ['HSET', 'h_a', 'f', '1'];
    case 12:
      return ['LRANGE', rng.pick(DESTS), '0', '-1'];
    case 13:
      // Long lists take Redis's partial quicksort through its median-of-nine path (n > 40).
      return ['RPUSH', 'l2', ...Array.from({ length: rng.int(30, 90) }, e)];
    default:
      return genSort(rng);
  }
}

/** The items of an array reply (bulk strings or nulls), or null for another reply. */
function arrayItems(raw: string): { count: string; items: string[] } | null {
  if (!raw.startsWith('*')) return null;
  let i = raw.indexOf('\r\n');
  const count = raw.slice(1, i);
  i += 2;
  const items: string[] = [];
  while (i < raw.length) {
    const eol = raw.indexOf('\r\n', i);
    const head = raw.slice(i, eol);
    if (head === '$-1' || head === '_') {
      items.push(head);
      i = eol + 2;
    } else {
      const len = Number(head.slice(1));
      items.push(raw.slice(eol + 2, eol + 2 + len));
      i = eol + 2 + len + 2;
    }
  }
  return { count, items };
}

/** Compares replies whose order Redis leaves unspecified as sorted rows (see the header). */
export function normalizeSort(argv: Argv, raw: string): string {
  const cmd = argv[0]!.toUpperCase();
  if (cmd !== 'SORT' && cmd !== 'SORT_RO') return raw;
  const key = argv[1]!;
  if (!UNORDERED.has(key)) return raw;
  const up = argv.map((a) => a.toUpperCase());
  let alpha = false;
  let byPattern = false;
  let dontsort = false;
  let limit = false;
  let gets = 0;
  for (let j = 2; j < argv.length; j++) {
    if (up[j] === 'ALPHA') alpha = true;
    else if (up[j] === 'LIMIT') {
      limit = true;
      j += 2;
    } else if (up[j] === 'BY' && j + 1 < argv.length) {
      if (argv[j + 1]!.split('\x00')[0]!.includes('*')) byPattern = true;
      else dontsort = true;
      j++;
    } else if (up[j] === 'GET' && j + 1 < argv.length) {
      gets++;
      j++;
    } else if (up[j] === 'STORE') j++;
  }
  const unordered = (alpha && byPattern && !dontsort) || (key === 's2' && dontsort);
  if (!unordered) return raw;
  const parsed = arrayItems(raw);
  if (parsed === null) return raw;
  if (limit) return `*${parsed.count} (slice of an unspecified order)`;
  const width = Math.max(gets, 1);
  const rows: string[] = [];
  for (let i = 0; i < parsed.items.length; i += width) rows.push(JSON.stringify(parsed.items.slice(i, i + width)));
  return `*${parsed.count} ${rows.sort().join(',')}`;
}

for (const seed of seedsToRun([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])) {
  test(`random SORT streams, seed ${seed}`, { skip }, async () => {
    await fuzzFamily(pair, 'sort fuzz', seed, 500, genCommand, { normalize: normalizeSort });
  });
}
