// Blocking timeouts as Redis parses them (timeout.c getTimeoutFromObjectOrReply): seconds as a
// float (BLPOP, BZPOPMIN…) or milliseconds as an integer (XREAD BLOCK); 0 means forever.

import { parseInt64 } from '../protocol/numbers.js';
import type { Reply } from '../protocol/reply.js';
import { parseLongDouble } from '../types/long-double.js';

const TWO63 = 1n << 63n;

/**
 * The timeout in ms (0 = forever), or an error reply text. Redis 7.0 parses the seconds as a
 * long double (so "1e400" and "1e-400" are numbers) and converts ceill(seconds * 1000) to a long
 * long, where anything outside the int64 range (inf, 1e16 s…) becomes LLONG_MIN: "timeout is
 * negative". The product is taken exactly here, without the long double rounding, which only
 * matters within a quarter millisecond of 2^63 ms.
 */
export function parseTimeoutSeconds(arg: string): { ms: number } | { error: string } {
  const v = parseLongDouble(arg);
  if (v === null) return { error: 'ERR timeout is not a float or out of range' };
  if (v.inf) return { error: 'ERR timeout is negative' };
  // |seconds| * 1000 = m * 1000 * 2^e; ceil of it (floor of the magnitude when negative).
  let ms: bigint;
  const scaled = v.m * 1000n;
  if (v.e >= 0) ms = scaled << BigInt(v.e);
  else {
    const shift = BigInt(-v.e);
    ms = v.neg ? scaled >> shift : (scaled + (1n << shift) - 1n) >> shift;
  }
  if (v.neg) ms = -ms;
  if (ms >= TWO63 || ms < -TWO63 || ms < 0n) return { error: 'ERR timeout is negative' };
  return { ms: Number(ms) };
}

export function parseTimeoutMilliseconds(arg: string): { ms: number } | { error: string } {
  const v = parseInt64(arg);
  if (v === null) return { error: 'ERR timeout is not an integer or out of range' };
  if (v < 0) return { error: 'ERR timeout is negative' };
  return { ms: Number(v) };
}

/** parseTimeoutSeconds for a handler: the timeout in ms, or null after replying the error. */
export function timeoutSecondsOrReply(ctx: { reply: Reply }, arg: string): number | null {
  const t = parseTimeoutSeconds(arg);
  if ('error' in t) {
    ctx.reply.error(t.error);
    return null;
  }
  return t.ms;
}
