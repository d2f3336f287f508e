// The append-only file: every write entry the engine reports is appended as one checksummed
// record (aof-format.ts), and the file is replayed at start (replay.ts). It owns the fsync
// policy and group commit.
//
// Entries are encoded into a pending buffer as commands run (their checksums are filled in for
// the whole batch just before it is written: seal); one setImmediate per event-loop turn writes
// the whole batch with one write(2) (page cache, cheap) after all the sockets that were readable
// in that turn have been processed. Then, by `appendfsync`:
//   always    one fdatasync per batch (group commit), and the batch's replies leave after it.
//             While syncs are fast (the real file, under INLINE_SYSCALL_LIMIT_US on average) it
//             runs on the main thread right after the write, as Redis does: cheaper than a trip
//             to the pool. While they are slow the syncs go to libuv's pool: the next batch
//             accumulates meanwhile and starts its own fdatasync as soon as the previous one
//             completes (at most one sync in flight, each covering everything written before it
//             started). Either way replies of every client wait (Client.flush → holdReply) until
//             the file is synced up to everything appended when the reply was produced — reads
//             included, since they may have seen the unsynced writes — in order per client.
//   everysec  a background fdatasync once per second.
//   no        no fdatasync: the kernel writes the page cache back when it wants.
// The write(2) itself runs on the main thread too, unless writes are slow on average (dirty-page
// throttling): then on the pool, replies waiting for it (everysec/no; under always the write
// stays on the main thread, its sync is what replies wait for).
// Under everysec and no, replies produced in a turn leave right after that turn's write(2) (as
// Redis writes the AOF before sending replies), so a crash of the process alone never loses an
// acknowledged write; a crash of the machine may lose the last second (everysec) or more (no).
// A failed write or fsync under `always` stops the server (as Redis does): acknowledging writes
// that are not on disk would break the promise of the policy.
//
// With the multi-part layout (aof-rewrite.ts) the writer appends to the manifest's last INCR
// file; a rewrite switches it to a new INCR file at one instant (switchTo). Offsets here are
// logical: they run on across files, so held replies and group commit need no change.

import { closeSync, existsSync, write, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync, fsyncSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ServerState } from '../server/state.js';
import type { Client } from '../net/client.js';
import type { WriteEntry } from '../engine/engine.js';
import { AOF_HEADER, AOF_HEADER_BYTES, AofFormatError, encodeRecordUnsealed, encodedSize, scanAof, sealRecords } from './aof-format.js';
import { replayEntry, ReplayError } from './replay.js';
import { enableAppendOnly, prepareAppendOnly, startAppendOnly } from './aof-rewrite.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** Initial size of the buffer records are encoded into before their write(2). */
const PENDING_BUFFER_BYTES = 64 * 1024;
/** A pending buffer grown above this is replaced by a small one after it is written. */
const PENDING_BUFFER_KEEP_BYTES = 4 * 1024 * 1024;
/** Unwritten records kept while writes fail (everysec/no) before the server gives up. */
const PENDING_BYTES_MAX = 1024 * 1024 * 1024;
/** The everysec background sync period. */
const EVERYSEC_INTERVAL_MS = 1000;
/**
 * When the AOF's write(2)s and fdatasyncs take longer than this on average, the next ones go to
 * libuv's pool (see usePool). On the benchmark VM a batch's write takes ~5-20 µs and an
 * fdatasync 43 µs at the median, 155 µs at p99 and a few ms now and then: less than the pool
 * round trip (a wake-up of the loop, a callback, replies held one turn longer), so they stay on
 * the main thread, as Redis's do; a disk that needs milliseconds per sync is better left to the
 * pool. An average, not a single reading: with ~4,000 syncs a second, one over the limit every
 * second is normal here, and switching to the pool for a second after any such one kept the
 * writer there most of the time (appendfsync always at 0.59x Redis).
 */
const INLINE_SYSCALL_LIMIT_US = 250;
/**
 * The average is exponentially weighted, each new duration counting for 1/16. Syscalls on the
 * pool feed it too (timed from the call to its callback), so fast ones bring the writer back to
 * the main thread and slow ones keep it on the pool.
 */
const SYSCALL_MEAN_WEIGHT = 16;

export class AofLoadError extends Error {}

/** Where the append-only file lives: <dir>/<appenddirname>/<appendfilename>. */
export function aofPath(server: ServerState): string {
  const c = server.config;
  // As Redis 7: both are plain names inside `dir`, never paths.
  for (const name of ['appenddirname', 'appendfilename']) {
    const v = c.get(name);
    if (v === '' || v.includes('/') || v === '.' || v === '..') throw new AofLoadError(`${name} can't be a path, just a name: '${v}'`);
  }
  return resolve(c.get('dir'), c.get('appenddirname'), c.get('appendfilename'));
}

function fsyncDir(path: string): void {
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the file's own fsync still holds.
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * Why CONFIG SET appendonly yes cannot be honoured now, or null; creates the INCR file it will
 * use (aof-rewrite.ts). With data, turning the AOF on starts a rewrite that writes the current
 * dataset as the first BASE, as Redis.
 */
export function appendOnlyVeto(server: ServerState, on: boolean): string | null {
  if (!on || server.aof !== null) return null;
  return prepareAppendOnly(server);
}

export interface AofLoadResult {
  records: number;
  /** Bytes cut from a torn tail (aof-load-truncated yes), 0 when the file was whole. */
  truncatedBytes: number;
}

/**
 * Replays the file at `path` into the server (nothing when it does not exist). A torn tail is
 * cut off (and the file truncated) when `loadTruncated`, refused otherwise; damage followed by
 * valid records always stops the load. Errors are AofLoadError with the text for the operator.
 */
export function loadAppendOnlyFile(server: ServerState, path: string, loadTruncated: boolean, notLastOf: string | null = null): AofLoadResult {
  if (!existsSync(path)) return { records: 0, truncatedBytes: 0 };
  const buf = readFileSync(path);
  const fixHint = `make a backup of your AOF file, then use keyraft-check-aof --fix ${path}`;
  const dirtyBefore = server.engine.dirty;
  let scan;
  try {
    scan = scanAof(buf, (entry, offset) => {
      try {
        replayEntry(server, entry);
      } catch (e) {
        if (e instanceof ReplayError) throw new AofLoadError(`Error replaying the append only file ${path} at offset ${offset}: ${e.message}`);
        throw e;
      }
    });
  } catch (e) {
    if (e instanceof AofFormatError) throw new AofLoadError(`Bad file format reading the append only file ${path}: ${e.message}`);
    throw e;
  }
  // Loaded data is not a change since the last save.
  server.engine.dirty = dirtyBefore;
  const problem = scan.problem;
  if (problem === null) return { records: scan.records, truncatedBytes: 0 };
  if (notLastOf !== null) {
    // Only the last INCR file can have a torn tail: the writer leaves a file (written and
    // fsynced) before the manifest lists the next one.
    throw new AofLoadError(
      `Bad file format reading the append only file ${path}: ${problem.reason} at offset ${problem.offset}, ` +
        `and it is not the last file listed in ${notLastOf}: the AOF is damaged; make a backup of the directory, then check it with keyraft-check-aof`,
    );
  }
  if (problem.kind === 'corrupt') {
    throw new AofLoadError(
      `Bad file format reading the append only file ${path}: ${problem.reason} at offset ${problem.offset}, ` +
        `and valid records follow at offset ${problem.nextValidOffset}: ${fixHint}`,
    );
  }
  if (!loadTruncated) {
    throw new AofLoadError(
      `Unexpected end of file reading the append only file ${path} (${problem.reason} at offset ${problem.offset}). You can: ` +
        `1) ${fixHint}; 2) alternatively set the 'aof-load-truncated' configuration option to yes and restart the server.`,
    );
  }
  const cut = buf.length - scan.validBytes;
  server.log.warning(`!!! Warning: short read while loading the AOF file ${path} (${problem.reason} at offset ${problem.offset}) !!!`);
  server.log.warning(`AOF ${path} loaded anyway because aof-load-truncated is enabled: ${scan.records} records kept, the last ${cut} bytes truncated`);
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, scan.validBytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { records: scan.records, truncatedBytes: cut };
}

/**
 * The file operations the writer needs, behind a port so tests can stand in a file that loses
 * whatever was not synced (a power cut) or completes syncs when they choose.
 */
export interface AofFilePort {
  /**
   * Whether the writer may run a batch's write(2)/fdatasync on the main thread while they are
   * fast (usePool). The real file says yes; a port without it always gets the pool calls (test
   * stand-ins that complete writes and syncs when they choose).
   */
  readonly inline?: boolean;
  /** write(2) at the end of the file; returns the bytes written (may be fewer); throws on error. */
  write(buf: Buffer, start: number, length: number): number;
  /** write(2) at the end of the file off the main thread; `done` gets the bytes written. */
  writeAsync(buf: Buffer, start: number, length: number, done: (err: Error | null, written: number) => void): void;
  /** fdatasync(2) off the main thread. */
  datasync(done: (err: Error | null) => void): void;
  datasyncSync(): void;
  close(): void;
}

class FdPort implements AofFilePort {
  readonly inline = true;
  constructor(private readonly fd: number) {}
  write(buf: Buffer, start: number, length: number): number {
    return writeSync(this.fd, buf, start, length);
  }
  writeAsync(buf: Buffer, start: number, length: number, done: (err: Error | null, written: number) => void): void {
    write(this.fd, buf, start, length, null, done);
  }
  datasync(done: (err: Error | null) => void): void {
    fdatasync(this.fd, done);
  }
  datasyncSync(): void {
    fdatasyncSync(this.fd);
  }
  close(): void {
    closeSync(this.fd);
  }
}

interface HeldReply {
  /** The file offset that must be synced before the reply may leave. */
  offset: number;
  client: Client;
  out: Buffer;
}

export class AppendOnlyFile {
  private pending: Buffer = Buffer.allocUnsafe(PENDING_BUFFER_BYTES);
  private pendingLength = 0;
  /** How much of the pending buffer has already reached the file. */
  private pendingWritten = 0;
  /** How much of the pending buffer has its records' checksums (seal: before any write). */
  private pendingSealed = 0;
  /** File offsets: appended (encoded, maybe unwritten) ≥ written (in the page cache) ≥ synced. */
  appendedBytes: number;
  writtenBytes: number;
  syncedBytes: number;
  /** INFO aof_base_size: the AOF's total size after loading or after the last rewrite. */
  baseBytes: number;
  /** Bytes of the other files of the AOF (BASE and earlier INCRs), for aof_current_size. */
  otherFilesBytes = 0;
  /** Logical offset of this file's byte 0 (offsets run on across a switchTo). */
  private fileOrigin = 0;
  /** Called by close() first (the rewrite stops with the AOF). */
  onClose: (() => void) | null = null;
  /** INFO aof_pending_rewrite. */
  pendingRewrite: () => number = () => 0;
  /** Runs once no background write is in flight (whenIdle). */
  private idleWaiters: (() => void)[] = [];
  /** The port an fdatasync is running on (closed by that sync's callback if switched away from). */
  private syncingPort: AofFilePort | null = null;
  policy: FsyncPolicy;
  lastWriteStatus: 'ok' | 'err' = 'ok';
  private syncing = false;
  /** Weighted average duration of the AOF's write(2)s and fdatasyncs, µs (see usePool). */
  private syscallMeanUs = 0;
  /** A write(2) runs off the main thread (everysec/no); nothing else may write meanwhile. */
  private writing = false;
  private writeDone: (() => void) | null = null;
  /** The buffer of the last finished background write, reused for the next batch. */
  private spare: Buffer | null = null;
  private flushScheduled = false;
  private closed = false;
  private closing = false;
  private held: HeldReply[] = [];
  private heldHead = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly listener = (entry: WriteEntry) => this.append(entry);
  private readonly flushNow = () => {
    this.flushScheduled = false;
    this.flushPending();
  };

  /** `size` is the file's current length (records are appended after it). */
  constructor(
    private readonly server: ServerState,
    private file: AofFilePort,
    size: number,
    public path: string,
  ) {
    this.appendedBytes = this.writtenBytes = this.syncedBytes = this.baseBytes = size;
    this.policy = server.config.get('appendfsync') as FsyncPolicy;
    this.setPolicy(this.policy);
  }

  /** Opens (creating it durably, with its header, when needed) the file at `path` for appending. */
  static open(server: ServerState, path: string, discard = false): AppendOnlyFile {
    const { port, size } = openAofPort(path, discard);
    return new AppendOnlyFile(server, port, size, path);
  }

  /** Appends written records from now on (engine write listener). */
  subscribe(): void {
    if (!this.server.engine.writeListeners.includes(this.listener)) this.server.engine.writeListeners.push(this.listener);
  }

  get subscribed(): boolean {
    return this.server.engine.writeListeners.includes(this.listener);
  }

  /** Bytes of the file being appended to (records not yet written included). */
  get currentFileBytes(): number {
    return this.appendedBytes - this.fileOrigin;
  }

  /** Runs `fn` now if no background write(2) is in flight, else as soon as it completes. */
  whenIdle(fn: () => void): void {
    if (!this.writing) fn();
    else this.idleWaiters.push(fn);
  }

  /**
   * Makes every record appended from now on go to the file at `path` (a new INCR file, created
   * with its header and fsynced): the records appended so far are written to the current file
   * and fsynced (synchronously, as Redis does when it opens a new INCR), and the current file is
   * closed. Call from whenIdle (no background write in flight) and between commands. Throws
   * (leaving the writer on the current file) when the new file cannot be created or the current
   * one cannot be completed.
   */
  switchTo(path: string, port: AofFilePort, size: number): void {
    if (this.writing) throw new Error('switchTo with a background write in flight');
    const old = this.file;
    this.seal();
    while (this.pendingWritten < this.pendingLength) {
      const n = old.write(this.pending, this.pendingWritten, this.pendingLength - this.pendingWritten);
      this.pendingWritten += n;
      this.writtenBytes += n;
    }
    this.pendingLength = this.pendingWritten = this.pendingSealed = 0;
    old.datasyncSync();
    this.syncedBytes = this.writtenBytes;
    this.file = port;
    this.path = path;
    this.fileOrigin = this.appendedBytes - size;
    // An fdatasync in flight on the old file closes it when it completes.
    if (this.syncingPort !== old) old.close();
    if (this.heldCount > 0) this.releaseHeld();
  }

  /**
   * Loads the AOF (manifest and its files, or the single file of earlier versions) into the
   * server, then opens the last INCR file for appending and subscribes (aof-rewrite.ts).
   */
  static start(server: ServerState): AppendOnlyFile {
    return startAppendOnly(server);
  }

  /**
   * CONFIG SET appendonly yes at run time: a rewrite writes the current dataset as the first BASE
   * while new writes go to a new INCR file (aof-rewrite.ts); the AOF is in use once it finishes.
   */
  static startEmpty(server: ServerState): AppendOnlyFile {
    return enableAppendOnly(server);
  }

  setPolicy(policy: FsyncPolicy): void {
    this.policy = policy;
    if (policy === 'everysec' && this.timer === null && !this.closed) {
      this.timer = setInterval(() => this.everySecond(), EVERYSEC_INTERVAL_MS);
      this.timer.unref();
    } else if (policy !== 'everysec' && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    // Replies held under `always` are released by the syncs flushPending keeps starting.
    if (!this.flushScheduled) this.flushPending();
  }

  /** Records one entry (engine write listener). */
  append(entry: WriteEntry): void {
    if (this.closed) return;
    const size = encodedSize(entry);
    this.reserve(size);
    this.pendingLength = encodeRecordUnsealed(entry, this.pending, this.pendingLength);
    this.appendedBytes += size;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushNow);
    }
  }

  /** Checksums the records appended since the last seal: every write path calls it first. */
  private seal(): void {
    if (this.pendingSealed < this.pendingLength) {
      sealRecords(this.pending, this.pendingSealed, this.pendingLength);
      this.pendingSealed = this.pendingLength;
    }
  }

  private reserve(size: number): void {
    const need = this.pendingLength + size;
    if (need <= this.pending.length) return;
    if (need > PENDING_BYTES_MAX) this.fatal(`${need} bytes of append-only-file records could not be written`);
    const next = Buffer.allocUnsafe(Math.max(need, Math.min(this.pending.length * 2, PENDING_BYTES_MAX)));
    this.pending.copy(next, 0, 0, this.pendingLength);
    this.pending = next;
  }

  /**
   * Client.flush asks here before sending replies: returns true when it keeps `out` to send once
   * the file is synced (appendfsync always, or earlier replies of this client still held).
   */
  holdReply(client: Client, out: Buffer): boolean {
    if (client.heldReplies === 0 && this.durableBytes >= this.appendedBytes) return false;
    client.heldReplies++;
    this.held.push({ offset: this.appendedBytes, client, out });
    // Whatever it waits for must be on its way: a write this turn or a sync in flight.
    if (!this.flushScheduled && !this.syncing) {
      this.flushScheduled = true;
      setImmediate(this.flushNow);
    }
    return true;
  }

  /** Writes the pending batch, and under `always` (or with replies held) starts a sync. */
  private flushPending(): void {
    // A background write in flight calls back here when it completes.
    if (this.writing) return;
    this.seal();
    if (this.pendingLength > 0 && this.policy !== 'always' && this.usePool()) {
      this.writeInBackground();
      return;
    }
    if (this.pendingLength > 0) {
      const started = performance.now();
      // Progress is kept byte by byte: after a failed write(2), only what did not reach the
      // file is retried, so a record is never half written twice.
      while (this.pendingWritten < this.pendingLength) {
        let n: number;
        try {
          n = this.file.write(this.pending, this.pendingWritten, this.pendingLength - this.pendingWritten);
        } catch (e) {
          this.writeFailed(e as Error);
          return;
        }
        this.pendingWritten += n;
        this.writtenBytes += n;
      }
      this.pendingLength = this.pendingWritten = this.pendingSealed = 0;
      if (this.pending.length > PENDING_BUFFER_KEEP_BYTES) this.pending = Buffer.allocUnsafe(PENDING_BUFFER_BYTES);
      if (this.lastWriteStatus === 'err') {
        this.lastWriteStatus = 'ok';
        this.server.log.warning('AOF write error looks solved, keyraft can write again.');
      }
      this.noteSyscall(started);
    }
    if (this.policy === 'always' && !this.syncing && this.writtenBytes > this.syncedBytes && !this.usePool()) {
      // Fast storage: the batch's fdatasync here, before this turn's replies leave (as Redis
      // does), costs less than a trip to the pool and back.
      const started = performance.now();
      try {
        this.file.datasyncSync();
      } catch (e) {
        this.lastWriteStatus = 'err';
        this.fatal(`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${(e as Error).message}`);
      }
      this.syncedBytes = this.writtenBytes;
      this.noteSyscall(started);
    }
    if (this.heldCount > 0) this.releaseHeld();
    if (!this.syncing && this.writtenBytes > this.syncedBytes && this.policy === 'always') this.startSync();
  }

  /**
   * Whether this batch's write(2) (everysec/no) or fdatasync (always) goes to libuv's pool: while
   * they are slow on average (a disk that takes milliseconds to sync, writes throttled by
   * dirty-page writeback). Always for a port that does not allow the main thread
   * (AofFilePort.inline).
   */
  private usePool(): boolean {
    return this.file.inline !== true || this.syscallMeanUs > INLINE_SYSCALL_LIMIT_US;
  }

  /** Adds a write(2) or fdatasync that began at `started` (performance.now()) to the average. */
  private noteSyscall(started: number): void {
    this.syscallMeanUs += ((performance.now() - started) * 1000 - this.syscallMeanUs) / SYSCALL_MEAN_WEIGHT;
  }

  /**
   * everysec/no while write(2)s are slow (usePool): the batch's write runs on
   * libuv's pool, so the event loop does not wait for it; replies wait for it as they would for
   * a synchronous write. The next batch accumulates meanwhile and goes in one write when this
   * one completes. Under always the write stays synchronous: its fdatasync is what replies wait
   * for, and a write there would only add a hop.
   */
  private writeInBackground(): void {
    const buf = this.pending;
    const end = this.pendingLength;
    this.pending = this.spare ?? Buffer.allocUnsafe(PENDING_BUFFER_BYTES);
    this.spare = null;
    this.pendingLength = this.pendingWritten = this.pendingSealed = 0;
    this.writing = true;
    const step = (from: number) => {
      const started = performance.now();
      this.file.writeAsync(buf, from, end - from, (err, n) => {
        this.noteSyscall(started);
        if (err) {
          this.writeFailed(err);
          const retry = setTimeout(() => step(from), EVERYSEC_INTERVAL_MS);
          if (!this.closing) retry.unref();
          return;
        }
        this.writtenBytes += n;
        if (from + n < end) {
          step(from + n);
          return;
        }
        this.writing = false;
        if (buf.length <= PENDING_BUFFER_KEEP_BYTES) this.spare = buf;
        if (this.lastWriteStatus === 'err') {
          this.lastWriteStatus = 'ok';
          this.server.log.warning('AOF write error looks solved, keyraft can write again.');
        }
        const done = this.writeDone;
        this.writeDone = null;
        if (done !== null) done();
        else if (!this.closed) {
          // A rewrite waiting to switch files does so now, before the next batch is written.
          for (const w of this.idleWaiters.splice(0)) w();
          this.flushPending();
        }
      });
    };
    step(0);
  }

  /**
   * What a reply may depend on: synced under `always`; written (in the page cache, so a crash
   * of the process loses nothing acknowledged, as with Redis) under everysec and no.
   */
  private get durableBytes(): number {
    return this.policy === 'always' ? this.syncedBytes : this.writtenBytes;
  }

  private get heldCount(): number {
    return this.held.length - this.heldHead;
  }

  private writeFailed(e: Error): void {
    this.lastWriteStatus = 'err';
    if (this.policy === 'always') this.fatal(`Can't recover from AOF write error when the AOF fsync policy is 'always': ${e.message}`);
    this.server.log.warning(`Error writing to the AOF file: ${e.message} (retrying every second)`);
  }

  private startSync(): void {
    this.syncing = true;
    const target = this.writtenBytes;
    const port = this.file;
    this.syncingPort = port;
    const started = performance.now();
    port.datasync((err) => {
      // Under always this sync stands in for one on the main thread (everysec's once-a-second
      // sync is not: it may take long without anything waiting for it).
      if (this.policy === 'always') this.noteSyscall(started);
      this.syncing = false;
      this.syncingPort = null;
      // switchTo moved on while this ran: it left the old file for this callback to close.
      if (port !== this.file || this.closed) port.close();
      if (this.closed) return;
      if (err) {
        this.lastWriteStatus = 'err';
        if (this.policy === 'always') this.fatal(`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${err.message}`);
        this.server.log.warning(`AOF fsync failed: ${err.message}`);
        return;
      }
      this.syncedBytes = Math.max(this.syncedBytes, target);
      this.releaseHeld();
      // More was written while this sync ran: its replies wait for the next one.
      if (this.writtenBytes > this.syncedBytes && this.policy === 'always') this.startSync();
    });
  }

  private releaseHeld(): void {
    const held = this.held;
    const durable = this.durableBytes;
    while (this.heldHead < held.length && held[this.heldHead]!.offset <= durable) {
      const h = held[this.heldHead]!;
      held[this.heldHead++] = undefined as unknown as HeldReply;
      h.client.releaseHeld(h.out);
    }
    if (this.heldHead === held.length) {
      this.held = [];
      this.heldHead = 0;
    } else if (this.heldHead > 1024 && this.heldHead * 2 > held.length) {
      this.held = held.slice(this.heldHead);
      this.heldHead = 0;
    }
  }

  private everySecond(): void {
    if (this.pendingLength > 0) this.flushPending();
    if (!this.syncing && this.writtenBytes > this.syncedBytes) this.startSync();
  }

  private fatal(message: string): never {
    this.server.log.warning(message);
    this.server.log.warning('Exiting: the append-only file cannot be kept up to date.');
    process.exit(1);
  }

  /** INFO persistence fields about the AOF (Redis's names). */
  info(): [string, string | number][] {
    return [
      ['aof_current_size', this.otherFilesBytes + this.currentFileBytes],
      ['aof_base_size', this.baseBytes],
      ['aof_pending_rewrite', this.pendingRewrite()],
      ['aof_buffer_length', this.pendingLength - this.pendingWritten],
      ['aof_pending_bio_fsync', this.syncing ? 1 : 0],
      ['aof_delayed_fsync', 0],
    ];
  }

  /**
   * Shutdown: waits for a background write in flight, then writes and syncs everything, sends the
   * replies that waited for it, and closes the file.
   */
  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.idleWaiters = [];
    this.onClose?.();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.writing) await new Promise<void>((resolve) => (this.writeDone = resolve));
    // Writes keep being recorded until here; from the final write on, nothing runs in between
    // (the caller closes its clients right after, in the same turn).
    const listeners = this.server.engine.writeListeners;
    const i = listeners.indexOf(this.listener);
    if (i >= 0) listeners.splice(i, 1);
    try {
      this.seal();
      for (let p = this.pendingWritten; p < this.pendingLength; ) p += this.file.write(this.pending, p, this.pendingLength - p);
      this.writtenBytes += this.pendingLength - this.pendingWritten;
      this.pendingLength = this.pendingWritten = this.pendingSealed = 0;
      this.file.datasyncSync();
      this.syncedBytes = this.writtenBytes;
      this.releaseHeld();
    } catch (e) {
      this.server.log.warning(`Error flushing the AOF file at shutdown: ${(e as Error).message}`);
    }
    this.closed = true;
    if (this.syncingPort !== this.file) this.file.close();
  }
}

/**
 * Opens the AOF file at `path` for appending, creating it (and its directory) durably with its
 * header when it is new, cut inside its header by a crash at creation, or `discard` is set.
 */
export function openAofPort(path: string, discard = false): { port: AofFilePort; size: number } {
  const dir = dirname(path);
  const dirExisted = existsSync(dir);
  if (!dirExisted) mkdirSync(dir, { recursive: true });
  const existed = existsSync(path);
  const fd = openSync(path, 'a');
  try {
    let size = fstatSync(fd).size;
    if (size < AOF_HEADER_BYTES || discard) {
      if (size > 0) ftruncateSync(fd, 0);
      writeAll(fd, AOF_HEADER, 0, AOF_HEADER_BYTES);
      fsyncSync(fd);
      size = AOF_HEADER_BYTES;
      if (!existed) fsyncDir(dir);
      if (!dirExisted) fsyncDir(dirname(dir));
    }
    return { port: new FdPort(fd), size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** write(2) until every byte is written (short writes happen on full disks and signals). */
function writeAll(fd: number, buf: Buffer, start: number, end: number): void {
  let p = start;
  while (p < end) p += writeSync(fd, buf, p, end - p);
}
