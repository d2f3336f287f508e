// Blocking timeouts as Redis parses them (timeout.c getTimeoutFromObjectOrReply): seconds as a
// float (BLPOP, BZPOPMIN…) or milliseconds as an integer (XREAD BLOCK); 0 means forever.

import { parseDouble, parseInt64 } from '../protocol/numbers.js';

/** The timeout in ms (0 = forever), or an error reply text. */
export function parseTimeoutSeconds(arg: string): { ms: number } | { error: string } {
  const v = parseDouble(arg);
  if (v === null) return { error: 'ERR timeout is not a float or out of range' };
  const ms = Math.ceil(v * 1000);
  if (ms > 9.2e18) return { error: 'ERR timeout is out of range' };
  if (ms < 0) return { error: 'ERR timeout is negative' };
  return { ms: ms === 0 ? 0 : Math.max(1, ms) };
}

export function parseTimeoutMilliseconds(arg: string): { ms: number } | { error: string } {
  const v = parseInt64(arg);
  if (v === null) return { error: 'ERR timeout is not an integer or out of range' };
  if (v < 0) return { error: 'ERR timeout is negative' };
  return { ms: Number(v) };
}
