// Random command generators for the strings and bitmaps families, shared by the fuzz tests
// (and handy for long ad-hoc runs with more seeds). Commands are drawn over a small key set so
// keys collide often, with values that hit the interesting paths: integers near the int64
// bounds, float texts for INCRBYFLOAT, binary bytes, small offsets (no huge allocations).
import type { Argv, Rng } from '../helpers/differential.js';

const KEYS = ['a', 'b', 'c', 'd'];
const INTS = ['0', '1', '-1', '42', '9223372036854775807', '-9223372036854775808', '9223372036854775806', '-9223372036854775807', '9007199254740991', '9007199254740992', '-9007199254740993', '100', '01', '-0', ' 1', '1.5', 'x', ''];

function key(rng: Rng): string {
  return rng.pick(KEYS);
}

function int(rng: Rng): string {
  return rng.chance(0.6) ? String(rng.int(-300, 300)) : rng.pick(INTS);
}

export function floatText(rng: Rng): string {
  switch (rng.int(0, 7)) {
    case 0:
      return String(rng.int(-1000, 1000));
    case 1:
      return `${rng.int(-999, 999)}.${rng.int(0, 99999)}`;
    case 2:
      return `${rng.int(1, 9)}e${rng.int(-30, 30)}`;
    case 3:
      return `${rng.chance(0.5) ? '-' : ''}${rng.int(1, 9)}.${rng.int(0, 999)}e${rng.int(-320, 320)}`;
    case 4:
      return `0x${rng.int(0, 0xffff).toString(16)}${rng.chance(0.5) ? `p${rng.int(-20, 20)}` : ''}`;
    case 5:
      return rng.pick(['inf', '-inf', 'nan', '1e400', '1e-400', '1e5000', ' 1', '1e', '.5', '5.', '+3', '0.1', '0.2', '-0.3']);
    case 6:
      return String(rng.next() * 10 ** rng.int(-10, 20));
    default:
      return `${rng.int(0, 99)}.${String(rng.int(0, 10 ** 8)).padStart(8, '0')}${rng.int(0, 99999)}`;
  }
}

function value(rng: Rng): string {
  if (rng.chance(0.3)) return int(rng);
  if (rng.chance(0.2)) return floatText(rng);
  return rng.bytes(8);
}

function range(rng: Rng): string {
  return String(rng.int(-12, 12));
}

export function stringCommand(rng: Rng): Argv {
  const k = key(rng);
  switch (rng.int(0, 23)) {
    case 0:
    case 1:
      return ['GET', k];
    case 2: {
      const argv = ['SET', k, value(rng)];
      const opts = ['NX', 'XX', 'GET', 'KEEPTTL', 'EX', 'PX', 'EXAT', 'PXAT', 'PERSIST'];
      const n = rng.int(0, 2);
      for (let i = 0; i < n; i++) {
        const o = rng.pick(opts);
        argv.push(rng.chance(0.2) ? o.toLowerCase() : o);
        if (o === 'EX') argv.push(rng.pick(['100', '1000', '0', '-1', 'x']));
        if (o === 'PX') argv.push(rng.pick(['100000', '0', '9223372036854775807']));
        if (o === 'EXAT') argv.push(rng.pick(['99999999999', '1']));
        if (o === 'PXAT') argv.push(rng.pick(['99999999999999', '1']));
      }
      return argv;
    }
    case 3:
      return ['SETNX', k, value(rng)];
    case 4:
      return ['SETEX', k, rng.pick(['100', '0', 'x', '-5']), value(rng)];
    case 5:
      return ['PSETEX', k, rng.pick(['100000', '0', '1.5']), value(rng)];
    case 6:
      return ['MGET', k, key(rng), key(rng)];
    case 7:
      return rng.chance(0.9) ? ['MSET', k, value(rng), key(rng), value(rng)] : ['MSET', k, value(rng), key(rng)];
    case 8:
      return ['MSETNX', k, value(rng), key(rng), value(rng)];
    case 9:
      return ['GETSET', k, value(rng)];
    case 10:
      return ['GETDEL', k];
    case 11: {
      const o = rng.pick(['', 'EX', 'PX', 'EXAT', 'PXAT', 'PERSIST', 'NX']);
      if (o === '') return ['GETEX', k];
      if (o === 'PERSIST' || o === 'NX') return ['GETEX', k, o];
      // Relative times stay long (a 1 ms TTL would race the wall clock); absolute ones may be past.
      const at = o === 'EX' ? rng.pick(['100', '0', '-1']) : o === 'PX' ? rng.pick(['100000', '0', '-1']) : rng.pick(['1', '0', '99999999999']);
      return ['GETEX', k, o, at];
    }
    case 12:
      // Now and then a big chunk, so values cross into the in-place (MutableString) representation.
      return ['APPEND', k, rng.chance(0.05) ? 'z'.repeat(rng.int(1000, 5000)) : rng.bytes(6)];
    case 13:
      return ['STRLEN', k];
    case 14:
      return [rng.pick(['INCR', 'DECR']), k];
    case 15:
      return [rng.pick(['INCRBY', 'DECRBY']), k, int(rng)];
    case 16:
    case 17:
      return ['INCRBYFLOAT', k, floatText(rng)];
    case 18:
      return [rng.pick(['GETRANGE', 'SUBSTR']), k, range(rng), range(rng)];
    case 19:
      return ['SETRANGE', k, String(rng.chance(0.05) ? rng.int(3000, 6000) : rng.int(-1, 20)), rng.bytes(5)];
    case 20: {
      const argv = ['LCS', k, key(rng)];
      const opt = rng.pick(['', 'LEN', 'IDX', 'IDX WITHMATCHLEN', 'IDX MINMATCHLEN 2', 'IDX MINMATCHLEN 2 WITHMATCHLEN', 'LEN IDX']);
      if (opt) argv.push(...opt.split(' '));
      return argv;
    }
    case 21:
      return ['TTL', k];
    case 22:
      return ['SET', k, floatText(rng)];
    default:
      return ['EXISTS', k];
  }
}

function bitType(rng: Rng): string {
  return rng.chance(0.5) ? `i${rng.int(1, 64)}` : `u${rng.int(1, 63)}`;
}

export function bitmapCommand(rng: Rng): Argv {
  const k = key(rng);
  switch (rng.int(0, 11)) {
    case 0:
    case 1:
      return ['SETBIT', k, String(rng.chance(0.05) ? rng.int(30000, 50000) : rng.int(0, 100)), rng.pick(['0', '1', '1', '2'])];
    case 2:
      return ['GETBIT', k, String(rng.int(0, 100))];
    case 3: {
      const argv = ['BITCOUNT', k];
      if (rng.chance(0.7)) argv.push(range(rng), range(rng));
      if (argv.length === 4 && rng.chance(0.5)) argv.push(rng.pick(['BIT', 'BYTE', 'bit']));
      return argv;
    }
    case 4:
    case 5: {
      const argv = ['BITPOS', k, rng.pick(['0', '1'])];
      if (rng.chance(0.7)) {
        const bit = rng.chance(0.5);
        argv.push(String(rng.int(bit ? -40 : -6, bit ? 40 : 6)));
        if (rng.chance(0.6)) {
          argv.push(String(rng.int(bit ? -40 : -6, bit ? 40 : 6)));
          if (bit) argv.push('BIT');
          else if (rng.chance(0.3)) argv.push('BYTE');
        }
      }
      return argv;
    }
    case 6:
      return ['BITOP', rng.pick(['AND', 'OR', 'XOR', 'NOT']), k, key(rng), ...(rng.chance(0.6) ? [key(rng)] : [])];
    case 7:
    case 8:
    case 9: {
      const argv = [rng.chance(0.9) ? 'BITFIELD' : 'BITFIELD_RO', k];
      const n = rng.int(1, 4);
      for (let i = 0; i < n; i++) {
        const t = bitType(rng);
        const offset = rng.chance(0.3) ? `#${rng.int(0, 8)}` : String(rng.int(0, 80));
        switch (rng.int(0, 3)) {
          case 0:
            argv.push('GET', t, offset);
            break;
          case 1:
            argv.push('SET', t, offset, int(rng));
            break;
          case 2:
            argv.push('INCRBY', t, offset, int(rng));
            break;
          default:
            argv.push('OVERFLOW', rng.pick(['WRAP', 'SAT', 'FAIL']));
        }
      }
      return argv;
    }
    case 10:
      return ['SETRANGE', k, String(rng.int(0, 12)), rng.bytes(3, '\x00\xff\x0f\xf0a')];
    default:
      return ['GET', k];
  }
}

