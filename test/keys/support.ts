// Shared pieces of the keys-family tests: starting a differential pair that can be emptied even
// before keyraft has FLUSHALL, and the reply normalisations the family needs (KEYS and SCAN
// return keys in hash-table order, which legitimately differs from Redis; TTLs depend on the
// exact millisecond each server saw the command).

import { DifferentialPair, type Argv } from '../helpers/differential.js';
import { parseReply, type RespConnection, type RespValue } from '../helpers/resp.js';

/** Databases the family's streams touch. */
export const TEST_DBS = [0, 1, 2];

/** Deletes every key of the test databases through the keys family itself. */
export async function emptyWithoutFlushall(c: RespConnection): Promise<void> {
  for (const db of TEST_DBS) {
    await c.call('SELECT', String(db));
    const keys = (await c.value('KEYS', '*')) as string[];
    if (Array.isArray(keys) && keys.length > 0) await c.call('DEL', ...keys);
  }
  await c.call('SELECT', '0');
}

/**
 * A pair whose reset() empties keyraft even when FLUSHALL is not implemented yet (the server
 * family is written in parallel); with FLUSHALL present this is the harness's own reset.
 */
export async function startPair(keyraftArgs: string[] = [], redisArgs: string[] = []): Promise<DifferentialPair> {
  const pair = await DifferentialPair.start(keyraftArgs, redisArgs);
  const probe = await pair.keyraft.connect();
  const flush = await probe.value('FLUSHALL');
  probe.close();
  if (flush !== 'OK') {
    const reset = pair.reset.bind(pair);
    pair.reset = async () => {
      await reset();
      const c = await pair.keyraft.connect();
      try {
        await emptyWithoutFlushall(c);
      } finally {
        c.close();
      }
    };
  }
  return pair;
}

function encodeValue(v: RespValue): string {
  if (v === null) return '*-1\r\n';
  if (typeof v === 'string') return `$${v.length}\r\n${v}\r\n`;
  if (typeof v === 'number' || typeof v === 'bigint') return `:${v}\r\n`;
  if (Array.isArray(v)) return `*${v.length}\r\n${v.map(encodeValue).join('')}`;
  return JSON.stringify(v);
}

function sortStrings(items: RespValue[]): RespValue[] {
  return [...items].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

/** Raw RESP2 reply → decoded value (for normalising). */
export function decodeRaw(raw: string): RespValue {
  return parseReply(Buffer.from(raw, 'latin1'), 0)!.value;
}

/**
 * Normalises replies whose order or exact millisecond legitimately differs:
 * - KEYS: the array sorted; SCAN: the key array sorted (callers use a COUNT that completes the
 *   iteration in one call, so both cursors are 0);
 * - RANDOMKEY: any key becomes "<key>" (which key is random; whether there is one is not);
 * - TTL/EXPIRETIME (seconds) rounded to thousands, PTTL/PEXPIRETIME (ms) to millions, so the few
 *   milliseconds between the two servers' clocks do not matter; -1 and -2 stay exact.
 */
export function normalizeKeysReply(argv: Argv, raw: string): string {
  if (raw.startsWith('-')) return raw;
  const name = argv[0]!.toLowerCase();
  switch (name) {
    case 'keys': {
      const v = decodeRaw(raw);
      return Array.isArray(v) ? encodeValue(sortStrings(v)) : raw;
    }
    case 'scan': {
      const v = decodeRaw(raw);
      if (Array.isArray(v) && v.length === 2 && Array.isArray(v[1])) return encodeValue([v[0]!, sortStrings(v[1])]);
      return raw;
    }
    case 'randomkey':
      return raw.startsWith('$-1') ? raw : '<key>';
    case 'ttl':
    case 'expiretime':
    case 'pttl':
    case 'pexpiretime': {
      const v = decodeRaw(raw);
      if (typeof v !== 'number' || v < 0) return raw;
      const unit = name === 'ttl' || name === 'expiretime' ? 1000 : 1_000_000;
      return `:~${Math.round(v / unit)}e${Math.log10(unit)}\r\n`;
    }
    default:
      return raw;
  }
}
