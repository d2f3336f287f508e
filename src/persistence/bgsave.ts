// Point-in-time views of the keyspace and the background save built on them: keyraft's
// equivalent of Redis's fork() for BGSAVE.
//
// A PointInTimeView is taken in one event-loop turn: each Db's slot arrays (keys and value
// references) are copied — a memcpy, about 4 ms per million keys — and its expiry maps are kept by
// reference. From then on the live keyspace may change freely while the view is serialized in
// slices between event-loop turns:
// - a key set, replaced, deleted, renamed, moved, flushed or swapped only changes the live slot
//   arrays or points them at new objects: the view's copies still hold the old references, and
//   plain string values are immutable JS strings, so nothing needs copying;
// - a value changed in place (a collection, a MutableString) is handed out by Db.getForWrite,
//   which first calls the view's beforeMutate: the view keeps a clone (copy-on-write, once per
//   object) unless it has already serialized that object;
// - an expiry change (EXPIRE, PERSIST, SET without KEEPTTL, DEL, expiry itself) calls
//   beforeExpireChange first, and the view stashes the key's old expiry (once per key). The maps
//   are identified by object, so SWAPDB (which swaps the maps between Dbs) needs nothing, and
//   FLUSHALL gives the Db a new map, leaving the old one to the view.
// So the view serializes exactly the keyspace at the instant it was taken, and the extra memory is
// proportional to what is written meanwhile, as with fork's copy-on-write pages.
//
// Several views may run at once (a BGSAVE and, say, an AOF rewrite base): a Db's single barrier
// slot then holds a fan-out to each of them.

import { open as openAsync, unlink as unlinkAsync, type FileHandle } from 'node:fs/promises';
import { openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db, DbCapture, SnapshotBarrier } from '../keyspace/db.js';
import { MutableString, type RedisCollection, type Value } from '../types/value.js';
import { SnapshotEncoder, SNAPSHOT_CHUNK_BYTES } from './snapshot-format.js';

/** Keys visited between two clock reads while serializing. */
const KEYS_PER_CLOCK_READ = 64;
/** Time one BGSAVE slice may take before yielding to clients (their added latency, at most). */
export const BGSAVE_SLICE_MS = 1;
/** Encoded bytes waiting for the disk before the BGSAVE stops encoding until they drain. */
export const BGSAVE_QUEUED_BYTES_MAX = 16 << 20;
/** Written chunk buffers kept for reuse. */
const BGSAVE_POOLED_CHUNKS_MAX = 4;

interface CapturedDb extends DbCapture {
  index: number;
  /** Expiry at the view's start of keys whose expiry changed since (undefined = none). */
  stash: Map<string, number | bigint | undefined> | null;
}

export type Visit = (db: number, key: string, value: Value, expireMs: number | bigint | undefined) => void;

export class PointInTimeView implements SnapshotBarrier {
  private readonly captured: CapturedDb[];
  /** Clones of values changed in place after the start, by original object. */
  private readonly replaced = new Map<Value, Value>();
  /** Mutable values already serialized: later changes need no clone. */
  private readonly swept = new Set<Value>();
  private attached: Db[] = [];
  private dbCursor = 0;
  private slotCursor = 0;
  /** Keys present at the start (expired ones included). */
  readonly totalKeys: number;
  /** Keys visited so far. */
  processed = 0;
  /** Values cloned by the copy-on-write barrier (for INFO/tests). */
  cowClones = 0;

  /** `attach`: install the barrier (needed unless the view is consumed within this turn). */
  constructor(
    dbs: readonly Db[],
    readonly startedAt: number,
    attach: boolean,
  ) {
    this.captured = dbs.map((db) => ({ ...db.capture(), index: db.id, stash: null }));
    let total = 0;
    for (const db of dbs) total += db.size;
    this.totalKeys = total;
    if (attach) {
      for (const db of dbs) attachBarrier(db, this);
      this.attached = [...dbs];
    }
  }

  beforeMutate(value: Value): void {
    if (this.swept.has(value) || this.replaced.has(value)) return;
    // Values created after the start are cloned too (the view cannot tell them apart cheaply);
    // that costs one clone per such object per save, never more.
    this.replaced.set(value, value instanceof MutableString ? value.toString() : (value as RedisCollection).clone());
    this.cowClones++;
  }

  beforeExpireChange(key: string, expires: Map<string, number>, exact: Map<string, bigint> | null): void {
    for (const c of this.captured) {
      if (c.expires !== expires) continue;
      const stash = (c.stash ??= new Map());
      if (!stash.has(key)) stash.set(key, readExpire(expires, exact, key));
      return;
    }
  }

  /**
   * Visits keys in order until all are done (returns true) or `deadlineMs` (performance.now())
   * passes. Keys whose expiry had passed at the start are skipped.
   */
  step(deadlineMs: number, visit: Visit): boolean {
    const start = this.startedAt;
    let n = 0;
    while (this.dbCursor < this.captured.length) {
      const c = this.captured[this.dbCursor]!;
      const { keys, values } = c;
      while (this.slotCursor < keys.length) {
        const slot = this.slotCursor++;
        const key = keys[slot];
        if (key === undefined) continue;
        this.processed++;
        let value = values[slot]!;
        keys[slot] = undefined; // let the collector have what is done
        values[slot] = undefined;
        if (typeof value === 'object') {
          const clone = this.replaced.get(value);
          this.swept.add(value);
          if (clone !== undefined) {
            this.replaced.delete(value);
            value = clone;
          }
        }
        const expire = c.stash !== null && c.stash.has(key) ? c.stash.get(key) : readExpire(c.expires, c.exact, key);
        if (expire === undefined || expire > start) visit(c.index, key, value, expire);
        if (++n % KEYS_PER_CLOCK_READ === 0 && performance.now() >= deadlineMs) return false;
      }
      this.dbCursor++;
      this.slotCursor = 0;
    }
    return true;
  }

  /** Detaches the barrier and drops what the view holds. */
  release(): void {
    for (const db of this.attached) detachBarrier(db, this);
    this.attached = [];
    this.replaced.clear();
    this.swept.clear();
    for (const c of this.captured) {
      c.keys = [];
      c.values = [];
      c.stash = null;
    }
  }
}

/** Several barriers on one Db (each view gets every notification). */
class BarrierFanout implements SnapshotBarrier {
  constructor(readonly barriers: SnapshotBarrier[]) {}
  beforeMutate(value: Value): void {
    for (const b of this.barriers) b.beforeMutate(value);
  }
  beforeExpireChange(key: string, expires: Map<string, number>, exact: Map<string, bigint> | null): void {
    for (const b of this.barriers) b.beforeExpireChange(key, expires, exact);
  }
}

function attachBarrier(db: Db, b: SnapshotBarrier): void {
  if (db.cow === null) db.cow = b;
  else if (db.cow instanceof BarrierFanout) db.cow.barriers.push(b);
  else db.cow = new BarrierFanout([db.cow, b]);
}

function detachBarrier(db: Db, b: SnapshotBarrier): void {
  if (db.cow === b) db.cow = null;
  else if (db.cow instanceof BarrierFanout) {
    const rest = db.cow.barriers.filter((x) => x !== b);
    db.cow = rest.length === 0 ? null : rest.length === 1 ? rest[0]! : new BarrierFanout(rest);
  }
}

function readExpire(expires: Map<string, number>, exact: Map<string, bigint> | null, key: string): number | bigint | undefined {
  const at = expires.get(key);
  if (at === undefined || exact === null) return at;
  const e = exact.get(key);
  return e !== undefined && Number(e) === at ? e : at;
}

/** The aux fields written in every snapshot's header. */
export function snapshotAux(keyraftVersion: string, redisVersion: string, dbCount: number): [string, string][] {
  return [
    ['keyraft-ver', keyraftVersion],
    ['redis-ver', redisVersion],
    ['ctime', String(Math.floor(Date.now() / 1000))],
    ['databases', String(dbCount)],
  ];
}

/** Encodes every key of a view into `encoder` (SELECTDB sections included). */
function encoderVisit(encoder: SnapshotEncoder): Visit {
  let current = -1;
  return (db, key, value, expire) => {
    if (db !== current) {
      encoder.selectDb(db);
      current = db;
    }
    encoder.record(key, value, expire);
  };
}

function fsyncDir(path: string): void {
  const fd = openSync(dirname(path), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

let tempCounter = 0;

function tempPathFor(finalPath: string): string {
  return `${dirname(finalPath)}/temp-${process.pid}-${++tempCounter}.krdb`;
}

export interface SaveResult {
  keys: number;
  bytes: number;
}

/**
 * A blocking save (SAVE, SHUTDOWN, FLUSHALL, DEBUG RELOAD): encodes `dbs` as they are into a
 * temporary file, fsyncs it, renames it over `finalPath` and fsyncs the directory.
 */
export function saveSync(dbs: readonly Db[], finalPath: string, aux: [string, string][], now: number): SaveResult {
  const tmp = tempPathFor(finalPath);
  const fd = openSync(tmp, 'w');
  try {
    const encoder = new SnapshotEncoder((chunk) => {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
    });
    encoder.header(aux);
    const view = new PointInTimeView(dbs, now, false);
    view.step(Infinity, encoderVisit(encoder));
    view.release();
    encoder.finish();
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, finalPath);
    fsyncDir(finalPath);
    return { keys: encoder.keys, bytes: encoder.size };
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* gone */
    }
    throw e;
  }
}

/**
 * A BGSAVE: serializes a point-in-time view in slices of BGSAVE_SLICE_MS between event-loop turns,
 * writing chunks asynchronously (at most BGSAVE_QUEUED_BYTES_MAX queued), then fsync, rename,
 * directory fsync. `onDone` gets null on success or the error.
 */
export class BackgroundSave {
  readonly view: PointInTimeView;
  private readonly encoder: SnapshotEncoder;
  private readonly tmp: string;
  private queue: Buffer[] = [];
  /** Chunk buffers written out, for the encoder to reuse. */
  private pool: Buffer[] = [];
  private queuedBytes = 0;
  private encodingDone = false;
  private state: 'running' | 'finished' | 'aborted' = 'running';
  private wakeWriter: (() => void) | null = null;
  private waitingForDrain = false;
  private readonly visit: Visit;
  private sliceTimer: NodeJS.Immediate | null = null;

  constructor(
    dbs: readonly Db[],
    private readonly finalPath: string,
    aux: [string, string][],
    now: number,
    private readonly onDone: (error: Error | null, result: SaveResult) => void,
  ) {
    this.tmp = tempPathFor(finalPath);
    this.view = new PointInTimeView(dbs, now, true);
    this.encoder = new SnapshotEncoder(
      (chunk) => {
        this.queue.push(chunk);
        this.queuedBytes += chunk.length;
        this.wake();
      },
      () => this.pool.pop() ?? Buffer.allocUnsafe(SNAPSHOT_CHUNK_BYTES),
    );
    this.visit = encoderVisit(this.encoder);
    this.encoder.header(aux);
    void this.write();
    this.sliceTimer = setImmediate(this.slice);
  }

  get running(): boolean {
    return this.state === 'running';
  }

  private wake(): void {
    const w = this.wakeWriter;
    this.wakeWriter = null;
    if (w) w();
  }

  private readonly slice = (): void => {
    this.sliceTimer = null;
    if (this.state !== 'running') return;
    if (this.queuedBytes > BGSAVE_QUEUED_BYTES_MAX) {
      this.waitingForDrain = true;
      return;
    }
    let done: boolean;
    try {
      done = this.view.step(performance.now() + BGSAVE_SLICE_MS, this.visit);
      if (done) this.encoder.finish();
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    if (!done) {
      this.sliceTimer = setImmediate(this.slice);
      return;
    }
    this.view.release();
    this.encodingDone = true;
    this.wake();
  };

  /** The writer: drains the queue into the temporary file, then makes the file durable. */
  private async write(): Promise<void> {
    let fh: FileHandle | null = null;
    try {
      fh = await openAsync(this.tmp, 'w');
      for (;;) {
        if (this.state !== 'running') break;
        const chunk = this.queue.shift();
        if (chunk === undefined) {
          if (this.encodingDone) break;
          await new Promise<void>((resolve) => (this.wakeWriter = resolve));
          continue;
        }
        let off = 0;
        while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
        this.queuedBytes -= chunk.length;
        // Whole chunks go back to the encoder (big values come as their own buffers).
        if (chunk.buffer.byteLength === SNAPSHOT_CHUNK_BYTES && this.pool.length < BGSAVE_POOLED_CHUNKS_MAX) {
          this.pool.push(Buffer.from(chunk.buffer, 0, SNAPSHOT_CHUNK_BYTES));
        }
        if (this.waitingForDrain && this.queuedBytes <= BGSAVE_QUEUED_BYTES_MAX / 2) {
          this.waitingForDrain = false;
          this.sliceTimer = setImmediate(this.slice);
        }
      }
      if (this.state !== 'running') {
        await fh.close();
        fh = null;
        await unlinkAsync(this.tmp).catch(() => undefined);
        return;
      }
      await fh.sync();
      await fh.close();
      fh = null;
      if (this.state !== 'running') {
        await unlinkAsync(this.tmp).catch(() => undefined);
        return;
      }
      // Synchronous, so that an abort (which may be followed by a blocking SAVE) cannot land
      // between the check above and the rename.
      renameSync(this.tmp, this.finalPath);
      fsyncDir(this.finalPath);
      this.state = 'finished';
      this.onDone(null, { keys: this.encoder.keys, bytes: this.encoder.size });
    } catch (e) {
      if (fh !== null) await fh.close().catch(() => undefined);
      await unlinkAsync(this.tmp).catch(() => undefined);
      if (this.state === 'running') this.fail(e as Error);
    }
  }

  private fail(error: Error): void {
    if (this.state !== 'running') return;
    this.stop();
    this.onDone(error, { keys: this.encoder.keys, bytes: this.encoder.size });
  }

  private stop(): void {
    this.state = 'aborted';
    if (this.sliceTimer !== null) clearImmediate(this.sliceTimer);
    this.sliceTimer = null;
    this.view.release();
    this.queue = [];
    this.wake();
  }

  /** Stops a running save (SHUTDOWN, FLUSHALL, DEBUG RELOAD); its temporary file is removed. */
  abort(): void {
    if (this.state !== 'running') return;
    this.stop();
    // Now, not only when the writer notices: SHUTDOWN exits right after.
    try {
      unlinkSync(this.tmp);
    } catch {
      /* not created yet, or gone */
    }
  }
}
