// Shared pieces of the keys-family tests: the reply normalisations the family needs (KEYS and
// SCAN return keys in hash-table order, which legitimately differs from Redis; TTLs depend on
// the exact millisecond each server saw the command).

import { DifferentialPair, type Argv } from '../helpers/differential.js';
import { parseReply, type RespValue } from '../helpers/resp.js';

/** A differential pair (keyraft + Redis) with the servers' extra arguments. */
export function startPair(keyraftArgs: string[] = [], redisArgs: string[] = []): Promise<DifferentialPair> {
  return DifferentialPair.start(keyraftArgs, redisArgs);
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
