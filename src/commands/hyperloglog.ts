// The HyperLogLog family: PFADD PFCOUNT PFMERGE (and PFDEBUG, PFSELFTEST), as Redis 7.0's hyperloglog.c runs them — the
// same lookups and order of checks, the same errors for non-HLL strings and corrupted data, the
// cached cardinality written back by PFCOUNT (which therefore dirties the key as in Redis), and
// the "pfadd" keyspace event for PFADD and PFMERGE. The representation and the algorithms are in
// types/hyperloglog.ts; values stay Redis strings (GET returns Redis's exact bytes).

import type { CommandDef, ExecContext } from './types.js';
import { MutableString, isString, type StringValue } from '../types/value.js';
import { ERR_WRONGTYPE } from '../protocol/errors.js';
import {
  HLL_DENSE,
  HLL_REGISTERS,
  HLL_SPARSE,
  cacheValid,
  cachedCard,
  createHll,
  decodeSparse,
  denseRegisters,
  encodingOf,
  hllAdd,
  hllCount,
  hllCountRaw,
  hllMerge,
  invalidateCache,
  isHll,
  setCachedCard,
  setRegisters,
  selfTest,
  sparseToDense,
  toMutable,
} from '../types/hyperloglog.js';

const ERR_NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const ERR_INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';

function sparseMaxBytes(ctx: ExecContext): number {
  return ctx.server.config.int('hll-sparse-max-bytes');
}

/** isHLLObjectOrReply: the value as an HLL string, or null after the error reply. */
function hllOrReply(ctx: ExecContext, v: NonNullable<ReturnType<ExecContext['lookupRead']>>): StringValue | null {
  if (!isString(v)) {
    ctx.reply.error(ERR_WRONGTYPE);
    return null;
  }
  if (!isHll(v)) {
    ctx.reply.error(ERR_NOT_HLL);
    return null;
  }
  return v;
}

/** The key's HLL as a MutableString stored in the db (dbUnshareStringValue). */
function mutableIn(ctx: ExecContext, key: string, v: StringValue): MutableString {
  const m = toMutable(v);
  if (m !== v) ctx.db.replace(key, m);
  return m;
}

function pfadd(ctx: ExecContext, argv: string[]): void {
  const key = argv[1]!;
  const v = ctx.lookupWrite(key);
  let updated = 0;
  let m: MutableString;
  if (v === undefined) {
    m = createHll();
    ctx.db.set(key, m);
    updated++;
  } else {
    const h = hllOrReply(ctx, v);
    if (h === null) return;
    m = mutableIn(ctx, key, h);
  }
  const max = sparseMaxBytes(ctx);
  for (let j = 2; j < argv.length; j++) {
    const r = hllAdd(m, argv[j]!, max);
    if (r === 1) updated++;
    else if (r === -1) {
      ctx.reply.error(ERR_INVALID_HLL);
      return;
    }
  }
  if (updated) {
    invalidateCache(m);
    ctx.modified(key);
    ctx.notify('$', 'pfadd', key);
    ctx.dirty(updated);
  }
  ctx.reply.integer(updated ? 1 : 0);
}

function pfcount(ctx: ExecContext, argv: string[]): void {
  if (argv.length > 2) {
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const v = ctx.lookupRead(argv[j]!);
      if (v === undefined) continue;
      const h = hllOrReply(ctx, v);
      if (h === null) return;
      if (!hllMerge(max, h)) {
        ctx.reply.error(ERR_INVALID_HLL);
        return;
      }
    }
    ctx.reply.integer(hllCountRaw(max));
    return;
  }
  const key = argv[1]!;
  const v = ctx.lookupRead(key);
  if (v === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const h = hllOrReply(ctx, v);
  if (h === null) return;
  const header = h instanceof MutableString ? h : MutableString.from(h.slice(0, 16));
  if (cacheValid(header)) {
    ctx.reply.integer(cachedCard(header));
    return;
  }
  // Recompute and write the cache back: a change to the value, with the write barrier.
  const w = ctx.lookupWrite(key) as StringValue;
  const m = mutableIn(ctx, key, w);
  const card = hllCount(m);
  if (card === null) {
    ctx.reply.error(ERR_INVALID_HLL);
    return;
  }
  setCachedCard(m, card);
  ctx.modified(key);
  ctx.dirty();
  ctx.reply.integer(card);
}

function pfmerge(ctx: ExecContext, argv: string[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const v = ctx.lookupRead(argv[j]!);
    if (v === undefined) continue;
    const h = hllOrReply(ctx, v);
    if (h === null) return;
    if (encodingOf(h) === HLL_DENSE) useDense = true;
    if (!hllMerge(max, h)) {
      ctx.reply.error(ERR_INVALID_HLL);
      return;
    }
  }
  const key = argv[1]!;
  const v = ctx.lookupWrite(key);
  let m: MutableString;
  if (v === undefined) {
    m = createHll();
    ctx.db.set(key, m);
  } else {
    m = mutableIn(ctx, key, v as StringValue);
  }
  if (useDense && !sparseToDense(m)) {
    ctx.reply.error(ERR_INVALID_HLL);
    return;
  }
  setRegisters(m, max, sparseMaxBytes(ctx));
  invalidateCache(m);
  ctx.modified(key);
  ctx.notify('$', 'pfadd', key);
  ctx.dirty();
  ctx.reply.ok();
}

/** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key (Redis's debugging command, same replies). */
function pfdebug(ctx: ExecContext, argv: string[]): void {
  const cmd = argv[1]!;
  const key = argv[2]!;
  const v = ctx.lookupWrite(key);
  if (v === undefined) {
    ctx.reply.error('ERR The specified key does not exist');
    return;
  }
  const h = hllOrReply(ctx, v);
  if (h === null) return;
  const m = mutableIn(ctx, key, h);
  const sub = cmd.toLowerCase();
  const known = sub === 'getreg' || sub === 'decode' || sub === 'encoding' || sub === 'todense';
  if (!known) {
    ctx.reply.error(`ERR Unknown PFDEBUG subcommand '${cmd}'`);
    return;
  }
  if (argv.length !== 3) {
    ctx.reply.error(`ERR Wrong number of arguments for the '${cmd}' subcommand`);
    return;
  }
  const sparse = encodingOf(m) === HLL_SPARSE;
  if (sub === 'getreg' || sub === 'todense') {
    if (sparse) {
      if (!sparseToDense(m)) {
        ctx.reply.error(ERR_INVALID_HLL);
        return;
      }
      ctx.dirty();
    }
    if (sub === 'todense') ctx.reply.integer(sparse ? 1 : 0);
    else {
      const regs = denseRegisters(m);
      ctx.reply.array(regs.length);
      for (const r of regs) ctx.reply.integer(r);
    }
  } else if (sub === 'decode') {
    if (!sparse) ctx.reply.error('ERR HLL encoding is not sparse');
    else ctx.reply.bulk(decodeSparse(m));
  } else {
    ctx.reply.simple(sparse ? 'sparse' : 'dense');
  }
}

/** PFSELFTEST: Redis's internal self test of the HLL code (takes seconds, as in Redis). */
function pfselftest(ctx: ExecContext): void {
  const failure = selfTest(() => ctx.random(), sparseMaxBytes(ctx));
  if (failure === null) ctx.reply.ok();
  else ctx.reply.error(failure);
}

export const hyperloglogCommands: CommandDef[] = [
  { name: 'pfadd', group: 'hyperloglog', summary: 'Adds the specified elements to the specified HyperLogLog.', since: '2.8.9', handler: pfadd },
  {
    name: 'pfcount',
    group: 'hyperloglog',
    summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).',
    since: '2.8.9',
    handler: pfcount,
  },
  { name: 'pfmerge', group: 'hyperloglog', summary: 'Merge N different HyperLogLogs into a single one.', since: '2.8.9', handler: pfmerge },
  { name: 'pfdebug', group: 'hyperloglog', summary: 'Internal commands for debugging HyperLogLog values', since: '2.8.9', handler: pfdebug },
  { name: 'pfselftest', group: 'hyperloglog', summary: 'An internal command for testing HyperLogLog values', since: '2.8.9', handler: pfselftest },
];
