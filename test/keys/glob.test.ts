// Unit tests of src/util/glob.ts: hand-checked cases for every rule of Redis 7.0's
// stringmatchlen, and a property test against a line-by-line transliteration of the C code
// (pointer arithmetic over a NUL-terminated byte array, signed chars), so the port's index
// juggling cannot drift from the original. The comparison with the real server is in
// glob-diff.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { globMatch } from '../../src/util/glob.js';

/** C's tolower in the "C" locale, applied to an int holding a (signed) char. */
function ctolower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/**
 * util.c stringmatchlen_impl, transliterated: `p`/`s` are indices into NUL-terminated byte
 * arrays (reading one past the end sees 0, as C does), `int` values of chars are signed.
 */
function cStringMatch(pattern: string, subject: string, nocase: boolean): boolean {
  const P = new Int8Array(pattern.length + 1);
  for (let i = 0; i < pattern.length; i++) P[i] = pattern.charCodeAt(i);
  const S = new Int8Array(subject.length + 1);
  for (let i = 0; i < subject.length; i++) S[i] = subject.charCodeAt(i);
  const skip = { v: false };

  function impl(p: number, patternLen: number, s: number, stringLen: number, nesting: number): boolean {
    if (nesting > 1000) return false;
    while (patternLen && stringLen) {
      switch (P[p]) {
        case 42: // '*'
          while (patternLen && P[p + 1] === 42) {
            p++;
            patternLen--;
          }
          if (patternLen === 1) return true;
          while (stringLen) {
            if (impl(p + 1, patternLen - 1, s, stringLen, nesting + 1)) return true;
            if (skip.v) return false;
            s++;
            stringLen--;
          }
          skip.v = true;
          return false;
        case 63: // '?'
          s++;
          stringLen--;
          break;
        case 91: {
          // '['
          p++;
          patternLen--;
          const not = P[p] === 94;
          if (not) {
            p++;
            patternLen--;
          }
          let match = false;
          for (;;) {
            if (P[p] === 92 && patternLen >= 2) {
              p++;
              patternLen--;
              if (P[p] === S[s]) match = true;
            } else if (P[p] === 93) {
              break;
            } else if (patternLen === 0) {
              p--;
              patternLen++;
              break;
            } else if (patternLen >= 3 && P[p + 1] === 45) {
              let start = P[p]!;
              let end = P[p + 2]!;
              let c = S[s]!;
              if (start > end) [start, end] = [end, start];
              if (nocase) {
                start = ctolower(start);
                end = ctolower(end);
                c = ctolower(c);
              }
              p += 2;
              patternLen -= 2;
              if (c >= start && c <= end) match = true;
            } else if (!nocase) {
              if (P[p] === S[s]) match = true;
            } else if (ctolower(P[p]!) === ctolower(S[s]!)) {
              match = true;
            }
            p++;
            patternLen--;
          }
          if (not) match = !match;
          if (!match) return false;
          s++;
          stringLen--;
          break;
        }
        case 92: // '\\'
          if (patternLen >= 2) {
            p++;
            patternLen--;
          }
        // falls through
        default:
          if (!nocase) {
            if (P[p] !== S[s]) return false;
          } else if (ctolower(P[p]!) !== ctolower(S[s]!)) {
            return false;
          }
          s++;
          stringLen--;
          break;
      }
      p++;
      patternLen--;
      if (stringLen === 0) {
        while (P[p] === 42) {
          p++;
          patternLen--;
        }
        break;
      }
    }
    return patternLen === 0 && stringLen === 0;
  }
  return impl(0, pattern.length, 0, subject.length, 0);
}

const cases: [pattern: string, subject: string, expected: boolean][] = [
  ['*', 'anything', true],
  ['*', '', false], // the matcher itself: KEYS/SCAN special-case "*" so the empty key matches
  ['', '', true],
  ['', 'a', false],
  ['a', '', false],
  ['**', 'x', true],
  ['a*', 'a', true],
  ['a*b', 'aXXb', true],
  ['a*b', 'aXXc', false],
  ['*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaac', false],
  ['?', 'a', true],
  ['?', '', false],
  ['?', 'ab', false],
  ['??', '\xff\x00', true],
  ['h[ae]llo', 'hallo', true],
  ['h[ae]llo', 'hillo', false],
  ['[a-c]', 'b', true],
  ['[a-c]', 'd', false],
  ['[c-a]', 'b', true], // reversed ranges swap their ends
  ['[c-a]', 'd', false],
  ['[^a]', 'b', true],
  ['[^a]', 'a', false],
  ['[^a-c]', 'b', false],
  ['[^]', 'x', true], // "[^]" is a negated empty class closed by ']'
  ['[]', ']', false], // "[]" is an empty class: nothing matches
  ['[]]', ']', false],
  ['[a-]', '-', false], // "a-]": too short for a range, so '-' is literal… then ']' closes
  ['[a-]', 'a', true],
  ['[-a]', '-', true],
  ['\\*', '*', true],
  ['\\*', 'x', false],
  ['\\?', '?', true],
  ['\\[a]', '[a]', true],
  ['a\\', 'a\\', true], // a trailing backslash is a literal backslash
  ['[\\]]', ']', true], // escaped ']' inside a class
  ['[\\-]', '-', true],
  ['[a', 'a', true], // unterminated '[' matches what it has
  ['[a', 'b', false],
  ['[ab', 'b', true],
  ['[', 'x', false],
  ['[^', 'x', true],
  ['[a-', 'a', true],
  ['x[a-c', 'xb', true],
  ['[\x80-\xff]', '\x90', true], // bytes >= 0x80 are negative signed chars: still an ordered range
  ['[\x80-\xff]', 'a', false],
  ['[a-\xff]', 'b', false], // 'a'..-1 is reversed to -1..'a': covers 0..'a', not 'b'
  ['[a-\xff]', '\x00', true],
  ['[a-\xff]', '\xfe', false],
  ['[\x00-a]', '\x00', true],
  ['[\x00-a]', '\xff', false],
  ['[\x00-\xff]', 'z', false], // 0..-1 reversed: -1..0
  ['[\x00-\xff]', '\xff', true],
  ['a\x00b', 'a\x00b', true], // binary-safe: NUL is an ordinary byte
  ['a?b', 'a\x00b', true],
];

test('glob: hand-checked cases', () => {
  for (const [pattern, subject, expected] of cases) {
    assert.equal(globMatch(pattern, subject), expected, `globMatch(${JSON.stringify(pattern)}, ${JSON.stringify(subject)})`);
    assert.equal(cStringMatch(pattern, subject, false), expected, `oracle(${JSON.stringify(pattern)}, ${JSON.stringify(subject)})`);
  }
});

test('glob: nocase', () => {
  assert.equal(globMatch('HeLLo', 'hello', true), true);
  assert.equal(globMatch('HeLLo', 'hello', false), false);
  assert.equal(globMatch('[A-C]x', 'bX', true), true);
  assert.equal(globMatch('[^A]', 'a', true), false);
  assert.equal(globMatch('\\A', 'a', true), true); // an escaped letter still folds outside a class
  assert.equal(globMatch('[\\A]', 'a', true), false); // but not inside one (Redis compares it exactly)
});

test('glob: nesting limit and no exponential blow-up', () => {
  const subject = 'a'.repeat(1100);
  // n stars nest n-1 deep (the last one matches the rest at once); Redis gives up past 1000.
  assert.equal(globMatch('a*'.repeat(1001), subject), true);
  assert.equal(globMatch('a*'.repeat(1002), subject), false);
  const start = Date.now();
  assert.equal(globMatch('*a'.repeat(40) + 'b', 'a'.repeat(60)), false);
  assert.ok(Date.now() - start < 1000, 'skipLongerMatches keeps failing patterns polynomial');
});

const ALPHABET = ['a', 'b', 'c', 'A', '*', '?', '[', ']', '^', '-', '\\', '\x00', '\x80', '\xc8', '\xff'];
const text = (max: number) => fc.array(fc.constantFrom(...ALPHABET), { maxLength: max }).map((a) => a.join(''));

test('glob: property — matches a transliteration of the C code', () => {
  fc.assert(
    fc.property(text(10), text(8), fc.boolean(), (pattern, subject, nocase) => {
      assert.equal(globMatch(pattern, subject, nocase), cStringMatch(pattern, subject, nocase));
    }),
    { numRuns: 20000 },
  );
});
