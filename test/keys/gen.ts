// The random command generator for the keys-family streams (keys-fuzz.test.ts); see there for
// the timing rules it follows.
import type { Argv, Rng } from '../helpers/differential.js';

const KEYS = ['a', 'b', 'c', 'ab', '', 'x\xff\x00'];
const PATTERNS = ['*', 'a*', '?', '??', '[a-c]', '[c-a]', '[^a]*', '', 'x*', '*\x00', 'a\\*', '[ab]b', '*b*'];
const T2100 = 4102444800;

function key(rng: Rng): string {
  return rng.pick(KEYS);
}

function keys(rng: Rng, max: number): string[] {
  return Array.from({ length: rng.int(1, max) }, () => key(rng));
}

function absoluteOption(rng: Rng): string[] {
  return rng.pick([[], [], ['NX'], ['XX'], ['GT'], ['LT'], ['GT', 'XX'], ['lt', 'xx'], ['NX', 'GT'], ['GT', 'LT'], ['zz']]);
}

function relativeOption(rng: Rng): string[] {
  return rng.pick([[], [], ['NX'], ['XX'], ['nx'], ['NX', 'XX']]);
}

export function genKeysCommand(rng: Rng): Argv {
  const k = key(rng);
  switch (rng.int(0, 28)) {
    case 0:
    case 1:
    case 2:
      return ['SET', k, rng.pick(['1', 'v', '123', 'x'.repeat(50), '', '10000'])];
    case 3:
      return ['GET', k];
    case 4:
      return ['SELECT', String(rng.int(0, 2))];
    case 5:
      return [rng.pick(['DEL', 'UNLINK']), ...keys(rng, 3)];
    case 6:
      return ['EXISTS', ...keys(rng, 3)];
    case 7:
      return rng.chance(0.5) ? ['TYPE', k] : ['TOUCH', ...keys(rng, 3)];
    case 8:
      return [rng.pick(['RENAME', 'RENAMENX']), k, key(rng)];
    case 9: {
      const argv = ['COPY', k, key(rng)];
      if (rng.chance(0.5)) argv.push('DB', String(rng.int(0, 2)));
      if (rng.chance(0.4)) argv.push('REPLACE');
      if (rng.chance(0.05)) argv.push('BOGUS');
      return argv;
    }
    case 10:
      return ['MOVE', k, String(rng.int(0, 2))];
    case 11:
      return ['KEYS', rng.pick(PATTERNS)];
    case 12: {
      const argv = ['SCAN', '0', 'COUNT', '1000'];
      if (rng.chance(0.5)) argv.push('MATCH', rng.pick(PATTERNS));
      if (rng.chance(0.3)) argv.push('TYPE', rng.pick(['string', 'none', 'hash', 'STRING']));
      return argv;
    }
    case 13:
      return ['RANDOMKEY'];
    case 14:
      return ['EXPIRE', k, String(rng.int(1, 9) * 1000), ...relativeOption(rng)];
    case 15:
      return ['PEXPIRE', k, String(rng.int(1, 9) * 1_000_000), ...relativeOption(rng)];
    case 16:
      return ['EXPIREAT', k, String(T2100 + rng.int(0, 5) * 1000), ...absoluteOption(rng)];
    case 17:
      return ['PEXPIREAT', k, String((T2100 + rng.int(0, 5) * 1000) * 1000 + rng.int(0, 999)), ...absoluteOption(rng)];
    case 18: {
      // Times already past delete the key (or not, depending on the options).
      const cmd = rng.pick(['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']);
      const past = cmd.endsWith('AT') ? ['0', '-1', '1', '-100000'] : ['0', '-1', '-100000'];
      return [cmd, k, rng.pick(past), ...absoluteOption(rng)];
    }
    case 19:
    case 20:
      return [rng.pick(['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']), k];
    case 21:
      return ['PERSIST', k];
    case 22:
      return ['OBJECT', rng.pick(['ENCODING', 'REFCOUNT', 'encoding']), k];
    case 23:
      return ['EXPIRE', k, rng.pick(['abc', '9223372036854775807', '1.5', '']), ...relativeOption(rng)];
    case 24:
      return ['DBSIZE'];
    case 25:
      // Whole-database changes under the keys: SWAPDB moves TTLs along, FLUSHDB clears them.
      return rng.chance(0.8) ? ['SWAPDB', String(rng.int(0, 2)), String(rng.int(0, 2))] : ['FLUSHDB'];
    default:
      return [rng.pick(['EXISTS', 'TYPE', 'TTL']), k];
  }
}

