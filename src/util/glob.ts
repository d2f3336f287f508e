// Redis's glob matcher (util.c stringmatchlen), reproduced rule for rule because clients see the
// difference: `*`, `?`, `[...]` with ranges (reversed ranges swap their ends), `[^...]`,
// backslash escapes, an unterminated `[` matching what it has, no braces or extglobs. Bytes are
// compared as C's signed chars in ranges, as Redis does on x86. The early exit after a failed `*`
// (skipLongerMatches) and the nesting limit keep pathological patterns from taking exponential
// time or overflowing the stack.

const NESTING_MAX = 1000;

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** A byte as C's (signed) char. */
function signed(c: number): number {
  return c >= 128 ? c - 256 : c;
}

export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const state = { skipLonger: false };
  return match(pattern, 0, subject, 0, nocase, state, 0);
}

function match(p: string, pi: number, s: string, si: number, nocase: boolean, state: { skipLonger: boolean }, nesting: number): boolean {
  if (nesting > NESTING_MAX) return false;
  const pl = p.length;
  const sl = s.length;
  while (pi < pl && si < sl) {
    const pc = p.charCodeAt(pi);
    switch (pc) {
      case 42: {
        // '*'
        while (pi + 1 < pl && p.charCodeAt(pi + 1) === 42) pi++;
        if (pi + 1 === pl) return true;
        while (si < sl) {
          if (match(p, pi + 1, s, si, nocase, state, nesting + 1)) return true;
          if (state.skipLonger) return false;
          si++;
        }
        state.skipLonger = true;
        return false;
      }
      case 63: // '?'
        si++;
        break;
      case 91: {
        // '['
        pi++;
        const not = pi < pl && p.charCodeAt(pi) === 94;
        if (not) pi++;
        let matched = false;
        const c0 = s.charCodeAt(si);
        for (;;) {
          const c = pi < pl ? p.charCodeAt(pi) : 0;
          if (c === 92 && pl - pi >= 2) {
            pi++;
            if (p.charCodeAt(pi) === c0) matched = true;
          } else if (c === 93 && pi < pl) {
            break;
          } else if (pi >= pl) {
            pi--;
            break;
          } else if (pl - pi >= 3 && p.charCodeAt(pi + 1) === 45) {
            let start = signed(c);
            let end = signed(p.charCodeAt(pi + 2));
            let ch = signed(c0);
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
            }
            pi += 2;
            if (ch >= start && ch <= end) matched = true;
          } else if (nocase ? lower(c) === lower(c0) : c === c0) {
            matched = true;
          }
          pi++;
        }
        if (not) matched = !matched;
        if (!matched) return false;
        si++;
        break;
      }
      case 92: // '\\'
        if (pl - pi >= 2) pi++;
      // falls through
      // eslint-disable-next-line no-fallthrough
      default: {
        const a = p.charCodeAt(pi);
        const b = s.charCodeAt(si);
        if (nocase ? lower(a) !== lower(b) : a !== b) return false;
        si++;
        break;
      }
    }
    pi++;
    if (si === sl) {
      while (pi < pl && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi >= pl && si === sl;
}
