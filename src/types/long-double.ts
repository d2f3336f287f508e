// Exact emulation of the C `long double` arithmetic Redis 7.0 uses for INCRBYFLOAT on x86-64:
// the x87 80-bit extended format (64-bit mantissa with an explicit integer bit, exponent range
// so that finite values are below 2^16384, subnormals down to 2^-16445), parsed like glibc's
// strtold (correctly rounded, round-half-even), added with one rounding, and printed like
// printf("%.17Lf") (the exact decimal expansion, rounded half-even at 17 fraction digits).
//
// Everything is done with BigInt over exact rationals, so the replies are byte-identical to
// Redis's: a JS double would give "0.30000000000000004" where Redis says "0.3". This is slow
// compared to a double add (microseconds), which is fine for INCRBYFLOAT.

/** A finite long double: (-1)^neg * m * 2^e with 0 <= m < 2^64; or an infinity. */
export interface LongDouble {
  neg: boolean;
  m: bigint;
  e: number;
  inf?: boolean;
}

const MANT_BITS = 64;
/** Exponent of the least significant mantissa bit of the smallest subnormal. */
const E_MIN = -16445;
/** Finite values are below 2^16384. */
const E_LIMIT = 16384;
/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld refuses inputs this long or longer. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const TWO64 = 1n << 64n;
const TWO63 = 1n << 63n;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

type Rounded = { m: bigint; e: number } | 'overflow' | 'underflow';

/** Rounds the positive rational num/den to the nearest long double (ties to even). */
export function roundRatio(num: bigint, den: bigint): Rounded {
  if (num === 0n) return { m: 0n, e: 0 };
  let e = bitLength(num) - bitLength(den) - MANT_BITS;
  if (e < E_MIN) e = E_MIN;
  for (;;) {
    let n = num;
    let d = den;
    if (e <= 0) n <<= BigInt(-e);
    else d <<= BigInt(e);
    let q = n / d;
    if (q >= TWO64) {
      e++;
      continue;
    }
    if (q < TWO63 && e > E_MIN) {
      // The estimate was one too high; only happens right after the initial guess.
      e--;
      continue;
    }
    const r2 = (n - q * d) * 2n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
    if (q === TWO64) {
      q = TWO63;
      e++;
    }
    if (q === 0n) return 'underflow';
    if (e + MANT_BITS > E_LIMIT) return 'overflow';
    return { m: q, e };
  }
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF = /^([+-]?)(?:inf|infinity)$/i;

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Clamps an exponent text to a range that cannot matter beyond it. */
function exponentOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const v = Number(text);
  if (v > 1e6) return 1e6;
  if (v < -1e6) return -1e6;
  return v;
}

function build(neg: boolean, num: bigint, den: bigint): LongDouble | null {
  const r = roundRatio(num, den);
  if (r === 'overflow' || r === 'underflow') return null; // strtold's ERANGE cases string2ld refuses
  return { neg, m: r.m, e: r.e };
}

/**
 * Redis's string2ld: strtold over the whole text; refuses empty or overlong input, leading
 * space, trailing garbage, NaN, and overflow or underflow to zero. Returns null when refused.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  if (isCSpace(s.charCodeAt(0))) return null;
  let m = DECIMAL.exec(s);
  if (m !== null) {
    const intDigits = m[2] ?? '';
    const fracDigits = m[3] ?? '';
    if (intDigits.length + fracDigits.length === 0) return null;
    const neg = m[1] === '-';
    const digits = (intDigits + fracDigits).replace(/^0+/, '');
    if (digits.length === 0) return { neg, m: 0n, e: 0 };
    const exp = exponentOf(m[4]) - fracDigits.length;
    // Beyond these bounds the value certainly overflows or underflows to zero.
    if (exp + digits.length > 5000) return null;
    if (exp + digits.length < -5000) return null;
    const d = BigInt(digits);
    if (exp >= 0) return build(neg, d * 10n ** BigInt(exp), 1n);
    return build(neg, d, 10n ** BigInt(-exp));
  }
  m = HEX.exec(s);
  if (m !== null) {
    const intDigits = m[2] ?? '';
    const fracDigits = m[3] ?? '';
    if (intDigits.length + fracDigits.length === 0) return null;
    const neg = m[1] === '-';
    const mant = BigInt('0x' + (intDigits + fracDigits || '0'));
    if (mant === 0n) return { neg, m: 0n, e: 0 };
    const exp = exponentOf(m[4]) - 4 * fracDigits.length;
    if (exp + bitLength(mant) > E_LIMIT + 1) return null;
    if (exp < -40000) return null;
    if (exp >= 0) return build(neg, mant << BigInt(exp), 1n);
    return build(neg, mant, 1n << BigInt(-exp));
  }
  m = INF.exec(s);
  if (m !== null) return { neg: m[1] === '-', m: 0n, e: 0, inf: true };
  return null;
}

/** a + b rounded once to long double; null when the result is infinite or NaN. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.inf || b.inf) return null;
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0 } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const sa = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const sb = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = sa + sb;
  if (sum === 0n) return { neg: false, m: 0n, e: 0 };
  const neg = sum < 0n;
  const mag = neg ? -sum : sum;
  const r = e >= 0 ? roundRatio(mag << BigInt(e), 1n) : roundRatio(mag, 1n << BigInt(-e));
  if (r === 'overflow') return null;
  if (r === 'underflow') return { neg, m: 0n, e: 0 };
  return { neg, m: r.m, e: r.e };
}

const FRAC_DIGITS = 17;
const TEN17 = 10n ** 17n;

/** printf("%.17Lf", v) for a finite value. */
export function formatFixed17(v: LongDouble): string {
  let q: bigint;
  if (v.e >= 0) {
    q = (v.m << BigInt(v.e)) * TEN17;
  } else {
    const shift = BigInt(-v.e);
    const scaled = v.m * TEN17;
    q = scaled >> shift;
    const r = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
  }
  const intPart = (q / TEN17).toString();
  const frac = (q % TEN17).toString().padStart(FRAC_DIGITS, '0');
  return `${v.neg ? '-' : ''}${intPart}.${frac}`;
}

/** Redis's ld2string in LD_STR_HUMAN mode: "%.17Lf" without trailing zeros, "-0" as "0". */
export function formatHuman(v: LongDouble): string {
  let s = formatFixed17(v);
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  s = s.slice(0, end);
  return s === '-0' ? '0' : s;
}

export type IncrByFloatResult = string | 'not-float' | 'nan-or-inf';

/** INCRBYFLOAT's arithmetic: the stored text plus the increment text, as Redis formats it. */
export function incrByFloat(current: string, increment: string): IncrByFloatResult {
  const a = parseLongDouble(current);
  if (a === null) return 'not-float';
  const b = parseLongDouble(increment);
  if (b === null) return 'not-float';
  const sum = addLongDouble(a, b);
  if (sum === null) return 'nan-or-inf';
  return formatHuman(sum);
}
