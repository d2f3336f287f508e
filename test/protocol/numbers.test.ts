// Double formatting must be byte-identical to C's printf("%.17g") (Redis 7.0's addReplyDouble).
// The vectors were produced by Python's '%.17g' operator, which calls the C library's printf.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDouble, formatG, int64Text, parseDouble, parseInt64 } from '../../src/protocol/numbers.js';
import { REPO_ROOT } from '../helpers/servers.js';

const vectors = JSON.parse(readFileSync(join(REPO_ROOT, 'test/protocol/printf-17g-vectors.json'), 'utf8')) as [string, string][];

test('formatDouble matches printf %.17g (fast integer path included)', () => {
  assert.ok(vectors.length > 900);
  for (const [repr, expected] of vectors) {
    const v = Number(repr === '-0.0' ? '-0' : repr);
    assert.equal(formatDouble(v), expected, `formatDouble(${repr})`);
    assert.equal(formatG(v, 17), expected, `formatG(${repr})`);
  }
});

test('parseInt64 follows string2ll', () => {
  assert.equal(parseInt64('9223372036854775807'), 9223372036854775807n);
  assert.equal(parseInt64('-9223372036854775808'), -9223372036854775808n);
  assert.equal(parseInt64('9223372036854775808'), null);
  for (const bad of ['', '-', '+1', '01', '-0', ' 1', '1 ', '1e3', '0x10']) assert.equal(parseInt64(bad), null, bad);
  assert.equal(parseInt64('0'), 0);
  assert.equal(parseInt64('-42'), -42);
});

test('parseDouble follows Redis strtod rules', () => {
  assert.equal(parseDouble('1.5'), 1.5);
  assert.equal(parseDouble('inf'), Infinity);
  assert.equal(parseDouble('-Infinity'), -Infinity);
  assert.equal(parseDouble('0x10'), 16);
  for (const bad of ['', ' 1', '1 ', 'nan', '1e400', 'abc', '1e-400']) assert.equal(parseDouble(bad), null, bad);
  // Plain decimals that underflow to 0 are rejected like their exponent forms.
  assert.equal(parseDouble(`0.${'0'.repeat(400)}1`), null);
  assert.equal(parseDouble(`-0.${'0'.repeat(400)}`), -0);
  for (const [text, v] of [['1.', 1], ['.5', 0.5], ['+1.5', 1.5], ['-13.000000012345', -13.000000012345], ['007', 7]] as const) assert.equal(parseDouble(text), v, text);
  for (const bad of ['.', '+', '-', '+.', '1.2.3', '--1', '1-', '.e1']) assert.equal(parseDouble(bad), null, bad);
});

test('parseDouble: decimals of up to 17 digits read exactly as Number() (strtod) reads them (property)', () => {
  const digit = fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
  fc.assert(
    fc.property(fc.constantFrom('', '-', '+'), fc.string({ unit: digit, minLength: 1, maxLength: 17 }), fc.nat({ max: 17 }), (sign, digits, dot) => {
      const at = Math.min(dot, digits.length);
      const text = `${sign}${digits.slice(0, at)}.${digits.slice(at)}`;
      for (const t of [text, `${sign}${digits}`]) assert.ok(Object.is(parseDouble(t), Number(t)), t);
    }),
    { numRuns: 20000, seed: 6 },
  );
});

test('parseDouble: decimals without exponent parse as strtod (the regex-free path, property)', () => {
  const reference = (s: string): number | null => {
    if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return null;
    const v = Number(s);
    if (!Number.isFinite(v) || (v === 0 && /[1-9]/.test(s.split(/[eE]/)[0]!))) return null;
    return v;
  };
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('+', '-', '.', '0', '1', '5', '9', 'e'), maxLength: 24 }), (s) => {
      assert.equal(parseDouble(s), reference(s), JSON.stringify(s));
    }),
    { numRuns: 5000, seed: 5 },
  );
});

test('int64Text is the decimal text, shared for 0..9999 like Redis shared integers', () => {
  for (const n of [-10000, -1, 0, 1, 42, 9999, 10000, 123456789, Number.MAX_SAFE_INTEGER, -(2n ** 63n), 2n ** 63n - 1n]) {
    assert.equal(int64Text(n), String(n));
  }
  for (let n = 0; n < 10000; n += 37) assert.equal(int64Text(n), String(n));
});
