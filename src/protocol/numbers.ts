// Number parsing and formatting exactly as Redis 7.0 does it. Clients and the differential
// harness compare bytes, so "1.1000000000000001" versus "1.1" matters: Redis 7.0 replies with
// printf's "%.17g", parses integers with its strict string2ll and doubles with strtod plus a
// few extra rejections. Signed 64-bit integers are numbers while they are exact (|n| < 2^53)
// and bigints beyond.

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** A signed 64-bit integer: a number when it is a safe integer, a bigint otherwise. */
export type Int64 = number | bigint;

/**
 * Redis's string2ll: optional '-', no '+', no leading zeros, no spaces, within int64.
 * Returns null when the text is not such an integer.
 */
export function parseInt64(s: string): Int64 | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  let negative = false;
  if (s.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
    if (n === 1) return null;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 0 : null; // "0" only; "-0" and "01" are not integers
  if (first < 49 || first > 57) return null;
  if (n - i <= 15) {
    let v = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return negative ? -v : v;
  }
  for (let j = i; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const big = BigInt(s);
  if (big < INT64_MIN || big > INT64_MAX) return null;
  return normalizeInt64(big);
}

/** A bigint as a number when that is exact. */
export function normalizeInt64(v: bigint): Int64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** Parses a non-negative or negative int64 and returns it as a number if it fits safely, else null. */
export function parseSafeInteger(s: string): number | null {
  const v = parseInt64(s);
  return typeof v === 'number' ? v : null;
}

/**
 * The decimal text of 0..9999 made once, as Redis keeps OBJ_SHARED_INTEGERS (10,000) shared
 * integer objects: an INCR'd counter in that range stores a string that already lives in the
 * old generation, so it costs no allocation and no copy by the young-generation GC.
 */
const SHARED_INTEGERS = 10_000;
const sharedIntegerText = Array.from({ length: SHARED_INTEGERS }, (_, i) => String(i));

/** String(n) for an int64, shared for 0..9999. */
export function int64Text(n: Int64): string {
  return typeof n === 'number' && n >= 0 && n < SHARED_INTEGERS ? sharedIntegerText[n]! : String(n);
}

/** Adds two int64 values; null on overflow (Redis: "increment or decrement would overflow"). */
export function addInt64(a: Int64, b: Int64): Int64 | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt(a) + BigInt(b);
  if (r < INT64_MIN || r > INT64_MAX) return null;
  return normalizeInt64(r);
}

/** 10^0 .. 10^22: every one exactly representable (parsed, so each is exact). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * The common case of DECIMAL_FLOAT without a regex or a runtime call: [+-]digits[.digits]
 * (either side may be empty, not both), no exponent, at most 15 digits. Then the digits form an
 * exact integer N < 2^53 and N / 10^k (k <= 15, 10^k exact) is one correctly rounded division:
 * the same double strtod returns. NaN when the text is not of that form (the caller then takes
 * the general path). Scores and coordinates arrive like this.
 */
function plainDecimal(s: string): number {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  const negative = c === 45;
  if (negative || c === 43) i = 1;
  let v = 0;
  let digits = 0;
  let fraction = 0;
  while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) {
    v = v * 10 + (c - 48);
    digits++;
    i++;
  }
  if (i < n && c === 46) {
    i++;
    while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      digits++;
      fraction++;
      i++;
    }
  }
  if (i !== n || digits === 0 || digits > 15) return NaN;
  const r = fraction === 0 ? v : v / POWERS_OF_TEN[fraction]!;
  return negative ? -r : r;
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?$/;
const INF_TEXT = /^[+-]?(?:inf|infinity)$/i;

/**
 * Redis's getDoubleFromObject: strtod over the whole string; rejects empty input, leading
 * space, trailing garbage, NaN, and results that overflowed to infinity or underflowed to zero.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  const plain = plainDecimal(s);
  if (plain === plain) return plain;
  if (DECIMAL_FLOAT.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null;
    if (v === 0 && /[1-9]/.test(mantissaOf(s))) return null;
    return v;
  }
  if (INF_TEXT.test(s)) return s.charCodeAt(0) === 45 ? -Infinity : Infinity;
  if (HEX_FLOAT.test(s)) return parseHexFloat(s);
  return null;
}

function mantissaOf(s: string): string {
  const e = s.search(/[eE]/);
  return e < 0 ? s : s.slice(0, e);
}

function parseHexFloat(s: string): number | null {
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/.exec(s);
  if (!m) return null;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  let v = 0;
  for (const ch of digits) v = v * 16 + parseInt(ch, 16);
  const exp = Number(m[4] ?? '0') - 4 * (m[3] ?? '').length;
  v = v * Math.pow(2, exp);
  if (!Number.isFinite(v)) return null;
  return m[1] === '-' ? -v : v;
}

/** printf("%.17g", v) for finite v; "inf"/"-inf"/"nan" otherwise (Redis's addReplyDouble). */
export function formatDouble(v: number): string {
  // Integral scores are the common case; below 2^53 String() prints exactly what %.17g does
  // (beyond it JS shortens the digits, so those go the long way).
  if (Number.isInteger(v) && v < 9007199254740992 && v > -9007199254740992 && !Object.is(v, -0)) return String(v);
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isNaN(v)) return 'nan';
  return formatG(v, 17);
}

/** printf("%.<precision>g", v) for finite v. */
export function formatG(v: number, precision: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const exp = exactTie(v, precision) ?? v.toExponential(precision - 1); // "d.ddddde+X"
  const ePos = exp.indexOf('e');
  let mantissa = exp.slice(0, ePos);
  const x = Number(exp.slice(ePos + 1));
  if (x < -4 || x >= precision) {
    if (mantissa.indexOf('.') >= 0) mantissa = mantissa.replace(/\.?0+$/, '');
    const sign = x < 0 ? '-' : '+';
    const ax = Math.abs(x);
    return `${mantissa}e${sign}${ax < 10 ? '0' : ''}${ax}`;
  }
  const negative = mantissa.charCodeAt(0) === 45;
  const digits = mantissa.replace('-', '').replace('.', '');
  let out: string;
  if (x >= 0) {
    const intPart = digits.slice(0, x + 1);
    const frac = digits.slice(x + 1).replace(/0+$/, '');
    out = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  } else {
    const frac = ('0'.repeat(-x - 1) + digits).replace(/0+$/, '');
    out = `0.${frac}`;
  }
  return negative ? `-${out}` : out;
}

/**
 * JS's toExponential rounds a value exactly halfway between two candidates up (away from zero);
 * printf rounds it to even. A double's decimal expansion is finite — k fractional bits give k
 * fractional digits ending in 5 — so a tie at `precision` significant digits needs exactly
 * precision+1 of them. Only then is the expansion computed exactly (BigInt) and rounded half to
 * even; returns the toExponential-shaped text, or null when toExponential is right.
 */
function exactTie(v: number, precision: number): string | null {
  const a = Math.abs(v);
  // More fractional bits than this means more than precision+1 significant digits: no tie.
  const kMax = precision + 2 - Math.floor(Math.log10(a));
  let x = a;
  let k = 0;
  while (!Number.isInteger(x)) {
    if (++k > kMax) return null;
    x *= 2;
  }
  if (k === 0) {
    // An integer: a tie needs precision+1 digits ending in 5 (beyond 2^53, x is a multiple of 2).
    if (a < 10 ** precision || a >= 10 ** (precision + 1)) return null;
  } else {
    const approxDigits = k + Math.floor(Math.log10(a)) + 1;
    if (Math.abs(approxDigits - (precision + 1)) > 1) return null;
  }
  const digits = (BigInt(x) * 5n ** BigInt(k)).toString(); // a * 10^k, exactly
  if (digits.length !== precision + 1 || digits[precision] !== '5') return null;
  let head = BigInt(digits.slice(0, precision));
  if (head % 2n === 1n) head += 1n; // half to even
  let text = head.toString();
  let exponent = digits.length - 1 - k;
  if (text.length > precision) {
    text = text.slice(0, precision);
    exponent++;
  }
  const mantissa = `${text[0]}.${text.slice(1)}`;
  return `${v < 0 ? '-' : ''}${mantissa}e${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
}

/**
 * Redis's d2string (used where it stores or replies a double as text, e.g. HINCRBYFLOAT's
 * sibling paths in 7.0): integers in (-2^52, 2^52) print as integers, others as "%.17g".
 */
export function d2string(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (v > -4503599627370495 && v < 4503599627370496 && Number.isInteger(v)) return String(v);
  return formatG(v, 17);
}
