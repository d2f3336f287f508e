// Shared pieces of the sorted-set tests: reply normalisation for the differential harness
// (HELLO's server details, ZRANDMEMBER's random picks, ZSCAN over big sets) and small stream
// builders.

import { parseReply, type RespValue } from '../helpers/resp.js';
import type { Argv } from '../helpers/differential.js';

function shape(v: RespValue): string {
  if (Array.isArray(v)) return `[${v.length}]`;
  return typeof v;
}

/**
 * HELLO replies carry server names and versions; ZRANDMEMBER picks at random, so only the count
 * and shape of its reply are compared (plus the sorted members when the whole set is returned).
 */
export function normalizeZsetReply(argv: Argv, raw: string): string {
  const cmd = argv[0]!.toLowerCase();
  if (cmd === 'hello') return raw.startsWith('-') ? raw : 'HELLO';
  if (cmd === 'zrandmember' && !raw.startsWith('-')) {
    const r = parseReply(Buffer.from(raw, 'latin1'), 0);
    if (r === null) return raw;
    const v = r.value;
    if (!Array.isArray(v)) return raw.startsWith('$-1') || raw.startsWith('_') ? raw : `bulk:${raw[0]}`;
    const count = argv.length >= 3 ? Number(argv[2]) : 0;
    const head = `${raw[0]}${v.length}:${v.map(shape).join(',')}`;
    // Tests ask for the whole set with a count of 1000 or more: then compare the members sorted.
    if (count >= 1000) {
      const items = v.map((x) => JSON.stringify(x)).sort();
      return `${head}|${items.join(',')}|${count}`;
    }
    return head;
  }
  return raw;
}
