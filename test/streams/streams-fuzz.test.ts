// Seeded random stream command streams compared with Redis 7.0: XADD with explicit, mostly
// increasing IDs (sometimes stale, `ms-*`, trimming options), XDEL, XTRIM (= and ~), ranges,
// XREAD, consumer groups (create/setid/destroy/consumers), XREADGROUP (> and history, NOACK,
// COUNT), XACK, XPENDING, XCLAIM / XAUTOCLAIM with idle thresholds of 0 or "never" so times do not
// matter, and XINFO (lag / entries-read bookkeeping). Replay one seed with DIFF_SEED=n.
import { test } from 'node:test';
import { fuzzFamily, seedsToRun, type Argv, type Rng, useDifferentialPair } from '../helpers/differential.js';
import { normalizeStreamReply } from './support.js';

const { skip, pair } = useDifferentialPair();

const KEYS = ['s1', 's1', 's1', 's1', 's2', 's2', 's3', 'str', 'none'];
/** Group commands mostly go to the keys that have groups. */
const GROUP_KEYS = ['s1', 's1', 's1', 's1', 's1', 's2', 's2', 'none', 'str'];
const GROUPS = ['g1', 'g1', 'g1', 'g2', 'g2', 'g3'];
const CONSUMERS = ['alice', 'bob', 'carol'];

function makeGen(): (rng: Rng) => Argv {
  // Next millisecond part per key; IDs mostly go up so XADD mostly succeeds.
  const nextMs = new Map<string, number>();
  const used: string[] = [];
  const id = (rng: Rng): string => {
    if (used.length > 0 && rng.chance(0.8)) return rng.pick(used.slice(-30));
    return `${rng.int(0, 60)}-${rng.int(0, 3)}`;
  };
  const bound = (rng: Rng, lo: boolean): string => {
    const r = rng.int(0, 9);
    if (r === 0) return lo ? '-' : '+';
    if (r === 1) return String(rng.int(0, 60));
    if (r === 2) return '(' + id(rng);
    if (r === 3) return rng.pick(['x', '(-', '(+', '(0-0']);
    return id(rng);
  };
  return (rng: Rng): Argv => {
    const op = rng.int(0, 22);
    const k = rng.pick(op >= 10 && op <= 19 ? GROUP_KEYS : KEYS);
    const g = rng.pick(GROUPS);
    const c = rng.pick(CONSUMERS);
    switch (op) {
      case 0:
      case 1:
      case 2:
      case 3: {
        let ms = nextMs.get(k) ?? 1;
        ms += rng.int(0, 4);
        nextMs.set(k, ms + 1);
        let theId = rng.chance(0.3) ? `${ms}-*` : `${ms}-${rng.int(0, 2)}`;
        if (rng.chance(0.05)) theId = id(rng);
        used.push(theId.replace('*', '0'));
        const out = ['XADD', k];
        if (rng.chance(0.05)) out.push('NOMKSTREAM');
        if (rng.chance(0.15)) {
          out.push(rng.pick(['MAXLEN', 'MINID']), rng.pick(['=', '~', '']));
          out.push(out[out.length - 2] === 'MAXLEN' ? String(rng.int(0, 8)) : id(rng));
          if (out[out.length - 2] === '') out.splice(out.length - 2, 1);
          if (rng.chance(0.2)) out.push('LIMIT', String(rng.int(0, 3)));
        }
        out.push(theId);
        const nf = rng.chance(0.05) ? 0 : rng.int(1, 2);
        // Mostly tiny values; some large ones so nodes also split on stream-node-max-bytes.
        for (let i = 0; i < nf; i++) out.push(rng.pick(['f', 'g', 'h']), rng.chance(0.1) ? 'x'.repeat(rng.int(40, 1500)) : rng.chance(0.2) ? String(rng.int(-5000, 99999)) : rng.bytes(4));
        return out;
      }
      case 4:
        return ['XDEL', k, id(rng), ...(rng.chance(0.3) ? [id(rng)] : [])];
      case 5: {
        const s = rng.pick(['MAXLEN', 'MINID']);
        return ['XTRIM', k, s, rng.pick(['=', '~']), s === 'MAXLEN' ? String(rng.int(0, 6)) : id(rng)];
      }
      case 6:
        return ['XRANGE', k, bound(rng, true), bound(rng, false), ...(rng.chance(0.4) ? ['COUNT', String(rng.int(-1, 4))] : [])];
      case 7:
        return ['XREVRANGE', k, bound(rng, false), bound(rng, true), ...(rng.chance(0.4) ? ['COUNT', String(rng.int(-1, 4))] : [])];
      case 8:
        return ['XLEN', k];
      case 9:
        return ['XREAD', ...(rng.chance(0.4) ? ['COUNT', String(rng.int(0, 3))] : []), 'STREAMS', k, rng.pick(['s1', 's2']), id(rng), rng.pick(['$', '0', id(rng)])];
      case 10:
        return ['XGROUP', 'CREATE', k, g, rng.pick(['$', '0', '0', id(rng)]), ...(rng.chance(0.3) ? ['MKSTREAM'] : []), ...(rng.chance(0.2) ? ['ENTRIESREAD', String(rng.int(-1, 5))] : [])];
      case 11:
        return rng.chance(0.5)
          ? ['XGROUP', 'SETID', k, g, rng.pick(['$', '0', id(rng)]), ...(rng.chance(0.3) ? ['ENTRIESREAD', String(rng.int(-1, 5))] : [])]
          : ['XGROUP', rng.pick(['DESTROY', 'CREATECONSUMER', 'DELCONSUMER', 'CREATECONSUMER']), k, g, ...(rng.chance(0.1) ? [] : [c])].slice(0, rng.chance(0.9) ? 5 : 4);
      case 12:
      case 13:
      case 14:
        return [
          'XREADGROUP', 'GROUP', g, c,
          ...(rng.chance(0.5) ? ['COUNT', String(rng.int(0, 3))] : []),
          ...(rng.chance(0.15) ? ['NOACK'] : []),
          'STREAMS', k, rng.chance(0.7) ? '>' : rng.pick(['0', id(rng)]),
        ];
      case 15:
        return ['XACK', k, g, id(rng), ...(rng.chance(0.3) ? [id(rng)] : [])];
      case 16:
        return rng.chance(0.4)
          ? ['XPENDING', k, g]
          : ['XPENDING', k, g, ...(rng.chance(0.3) ? ['IDLE', rng.pick(['0', '100000000'])] : []), bound(rng, true), bound(rng, false), String(rng.int(-1, 5)), ...(rng.chance(0.4) ? [c] : [])];
      case 17:
        return [
          'XCLAIM', k, g, c, rng.pick(['0', '0', '100000000']), id(rng), ...(rng.chance(0.3) ? [id(rng)] : []),
          ...(rng.chance(0.2) ? ['FORCE'] : []),
          ...(rng.chance(0.2) ? ['JUSTID'] : []),
          ...(rng.chance(0.2) ? ['RETRYCOUNT', String(rng.int(0, 5))] : []),
          ...(rng.chance(0.1) ? ['LASTID', id(rng)] : []),
        ];
      case 18:
        return ['XAUTOCLAIM', k, g, c, rng.pick(['0', '0', '100000000']), rng.pick(['0', '-', id(rng), '(' + id(rng)]), ...(rng.chance(0.5) ? ['COUNT', String(rng.int(1, 4))] : []), ...(rng.chance(0.3) ? ['JUSTID'] : [])];
      case 19:
        return rng.chance(0.5) ? ['XINFO', 'GROUPS', k] : ['XINFO', 'CONSUMERS', k, g];
      case 20:
        return ['XINFO', 'STREAM', k, ...(rng.chance(0.4) ? ['FULL'] : [])];
      case 21:
        if (rng.chance(0.7)) return ['XREADGROUP', 'GROUP', 'g1', c, 'STREAMS', 's1', '>'];
        return ['XSETID', k, id(rng), ...(rng.chance(0.3) ? ['ENTRIESADDED', String(rng.int(0, 30))] : []), ...(rng.chance(0.2) ? ['MAXDELETEDID', id(rng)] : [])];
      default:
        return rng.chance(0.3) ? ['SET', 'str', 'x'] : rng.chance(0.3) ? ['DEL', rng.pick(['s3', 's2'])] : ['XGROUP', 'CREATE', 's1', rng.pick(['g1', 'g2']), '0'];
    }
  };
}

for (const seed of seedsToRun([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])) {
  test(`stream commands, seed ${seed}`, { skip }, async () => {
    await fuzzFamily(pair, 'streams', seed, 800, makeGen(), { normalize: normalizeStreamReply });
  });
}
