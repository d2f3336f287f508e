// The snapshot policy of a server (Redis's rdb.c outside the file format): SAVE and BGSAVE, the
// `save <seconds> <changes>` rules, the save on shutdown, FLUSHALL's save, DEBUG RELOAD, loading at
// start (in slices, while clients get -LOADING), and the status INFO persistence reports. The
// file format lives in snapshot-format.ts, the point-in-time machinery in bgsave.ts.
//
// Changes since the last save are engine.dirty (a running total) minus its value when the last
// successful save started, so the engine's counter stays monotonic for everyone else.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ServerState } from '../server/state.js';
import type { Db } from '../keyspace/db.js';
import { KEYRAFT_VERSION, REDIS_COMPAT_VERSION } from '../version.js';
import { SnapshotDecoder, SnapshotError, type SnapshotRecord } from './snapshot-format.js';
import { BackgroundSave, saveSync, snapshotAux, type SaveResult } from './bgsave.js';
import { FunctionRegistry } from '../scripting/functions.js';

/** The aux field that carries the function libraries (a FUNCTION DUMP payload). */
const AUX_FUNCTIONS = 'functions';

/**
 * The header fields of a snapshot of this server: versions, and the function libraries (part of
 * the dataset, as in Redis's RDB). Every writer of a snapshot or AOF base uses this.
 */
export function serverAux(server: ServerState): [string, string][] {
  const aux = snapshotAux(KEYRAFT_VERSION, REDIS_COMPAT_VERSION, server.dbs.length);
  const functions = server.scripting.functions;
  if (functions.libraries.size > 0) aux.push([AUX_FUNCTIONS, functions.dump().toString('latin1')]);
  return aux;
}

/**
 * Applies a loaded snapshot's header: its function libraries replace the server's (every loader
 * of a snapshot or AOF base calls this). Throws SnapshotError when they cannot be restored.
 */
export function restoreAux(server: ServerState, aux: ReadonlyMap<string, string>, path: string): void {
  const registry = server.scripting.functions;
  const payload = aux.get(AUX_FUNCTIONS);
  registry.flush();
  if (payload === undefined) return;
  try {
    registry.install(FunctionRegistry.parseDump(Buffer.from(payload, 'latin1')).map((code) => registry.compile(code)), false);
  } catch (e) {
    throw new SnapshotError(`${path} has function libraries that cannot be loaded: ${(e as Error).message}`);
  }
}

/** How often the save rules are checked (Redis checks them in serverCron). */
const SAVE_RULES_CHECK_MS = 100;
/** After a failed BGSAVE, rules wait this long before trying again (CONFIG_BGSAVE_RETRY_DELAY). */
const BGSAVE_RETRY_DELAY_MS = 5000;
/** Time one loading slice may take before the event loop answers clients (with -LOADING). */
const LOAD_SLICE_MS = 20;
/** Interval between progress lines in the log while loading. */
const LOAD_PROGRESS_LOG_MS = 2000;
const KEYS_PER_CLOCK_READ = 256;

/** Redis's shared.bgsaveerr: writes (and PING) are refused with it after a failed save. */
export const MISCONF_ERROR =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

export interface SavePoint {
  seconds: number;
  changes: number;
}

export function parseSavePoints(text: string): SavePoint[] {
  const parts = text.trim() === '' ? [] : text.trim().split(/\s+/).map(Number);
  const out: SavePoint[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push({ seconds: parts[i]!, changes: parts[i + 1]! });
  return out;
}

export interface LoadProgress {
  startedAtSec: number;
  startedMs: number;
  totalBytes: number;
  loadedBytes: number;
}

export interface LoadResult {
  keys: number;
  expired: number;
}

export class SnapshotManager {
  /** rdb_last_bgsave_status. */
  lastBgsaveOk = true;
  /** rdb_last_bgsave_time_sec (-1 before the first). */
  lastBgsaveSeconds = -1;
  /** rdb_saves: successful saves since start. */
  saves = 0;
  /** engine.dirty when the last successful save started. */
  dirtyAtLastSave = 0;
  lastBgsaveTryMs = 0;
  lastLoad: LoadResult = { keys: 0, expired: 0 };
  /** Set while a snapshot loads at start (INFO's loading_* fields). */
  loading: LoadProgress | null = null;
  bgsave: BackgroundSave | null = null;
  private bgsaveStartedMs = 0;
  private dirtyAtBgsaveStart = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly server: ServerState) {}

  /** The snapshot file: `dir`/`dbfilename`. */
  get path(): string {
    return resolve(this.server.config.get('dir'), this.server.config.get('dbfilename'));
  }

  get savePoints(): SavePoint[] {
    return parseSavePoints(this.server.config.get('save'));
  }

  /**
   * Redis's writeCommandsDeniedByDiskError (RDB part): the last save failed, save points are
   * set and stop-writes-on-bgsave-error is on. Checked by the dispatcher for every write, so
   * the save points are parsed only when the last save failed.
   */
  get writesDenied(): boolean {
    return !this.lastBgsaveOk && this.server.config.get('stop-writes-on-bgsave-error') === 'yes' && this.server.config.get('save') !== '';
  }

  get changesSinceSave(): number {
    return this.server.engine.dirty - this.dirtyAtLastSave;
  }

  /** rdb_current_bgsave_time_sec (-1 when none runs). */
  get currentBgsaveSeconds(): number {
    return this.bgsave !== null ? Math.floor((Date.now() - this.bgsaveStartedMs) / 1000) : -1;
  }

  private aux(): [string, string][] {
    return serverAux(this.server);
  }

  private saved(dirtyAtStart: number): void {
    this.dirtyAtLastSave = dirtyAtStart;
    this.server.lastSaveAt = Math.floor(Date.now() / 1000);
    this.saves++;
  }

  /** A blocking save (SAVE). Returns null on success or the error text (logged). */
  save(extraChanges = 0): string | null {
    const dirty = this.server.engine.dirty + extraChanges;
    const started = performance.now();
    try {
      const r = saveSync(this.server.dbs, this.path, this.aux(), Date.now());
      this.saved(dirty);
      this.lastBgsaveOk = true;
      this.server.log.notice(`DB saved on disk (${r.keys} keys, ${r.bytes} bytes, ${((performance.now() - started) / 1000).toFixed(3)} seconds)`);
      return null;
    } catch (e) {
      // As Redis's rdbSave: a failed blocking save leaves rdb_last_bgsave_status alone.
      const text = `Failed saving the DB: ${(e as Error).message}`;
      this.server.log.warning(text);
      return text;
    }
  }

  /** Starts a BGSAVE; returns null when started or the error text. */
  startBgsave(): string | null {
    if (this.bgsave !== null) return 'Background save already in progress';
    const server = this.server;
    this.lastBgsaveTryMs = Date.now();
    this.bgsaveStartedMs = Date.now();
    this.dirtyAtBgsaveStart = server.engine.dirty;
    const started = performance.now();
    try {
      const save = new BackgroundSave(server.dbs, this.path, this.aux(), Date.now(), (error, result) => this.bgsaveDone(save, error, result, started));
      this.bgsave = save;
    } catch (e) {
      this.lastBgsaveOk = false;
      const text = `Can't start a background save: ${(e as Error).message}`;
      server.log.warning(text);
      return text;
    }
    server.log.notice(`Background saving started (${this.bgsave.view.totalKeys} keys)`);
    return null;
  }

  private bgsaveDone(save: BackgroundSave, error: Error | null, result: SaveResult, started: number): void {
    if (this.bgsave !== save) return;
    this.bgsave = null;
    this.lastBgsaveSeconds = Math.floor((Date.now() - this.bgsaveStartedMs) / 1000);
    if (error === null) {
      this.saved(this.dirtyAtBgsaveStart);
      this.lastBgsaveOk = true;
      this.server.log.notice(
        `Background saving terminated with success (${result.keys} keys, ${result.bytes} bytes, ${((performance.now() - started) / 1000).toFixed(3)} seconds, ${save.view.cowClones} values copied on write)`,
      );
    } else {
      this.lastBgsaveOk = false;
      this.server.log.warning(`Background saving error: ${error.message}`);
    }
  }

  /** Stops a BGSAVE in progress without changing its status (Redis's killRDBChild). */
  abortBgsave(why: string): void {
    if (this.bgsave === null) return;
    this.bgsave.abort();
    this.bgsave = null;
    this.server.log.notice(`Background saving stopped: ${why}`);
  }

  startTimers(): void {
    this.stopTimers();
    this.timer = setInterval(() => this.checkSaveRules(), SAVE_RULES_CHECK_MS);
    this.timer.unref();
  }

  stopTimers(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Redis's serverCron save-point check: a BGSAVE when some rule's changes and seconds are met. */
  checkSaveRules(): void {
    if (this.bgsave !== null || this.server.loading || this.server.shuttingDown) return;
    // Not while a script finishes on the worker: the snapshot would hold half of its writes.
    if (this.server.scripting.long.current !== null) return;
    const changes = this.changesSinceSave;
    const nowMs = Date.now();
    const elapsed = Math.floor(nowMs / 1000) - this.server.lastSaveAt;
    for (const p of this.savePoints) {
      if (changes >= p.changes && elapsed > p.seconds && (this.lastBgsaveOk || nowMs - this.lastBgsaveTryMs > BGSAVE_RETRY_DELAY_MS)) {
        this.server.log.notice(`${p.changes} changes in ${p.seconds} seconds. Saving...`);
        this.startBgsave();
        return;
      }
    }
  }

  /**
   * Redis's prepareForShutdown, snapshot part: stops a BGSAVE, then saves when `save` says so
   * (null: when save points are configured). Returns false when the save failed and `force` is
   * not set: the server must then keep running. Never saves while loading (a partial dataset
   * must not replace the file it is being loaded from).
   */
  prepareShutdown(save: boolean | null, force: boolean): boolean {
    this.abortBgsave('shutting down');
    if (this.server.loading) return true;
    if (save === false || (save === null && this.savePoints.length === 0)) return true;
    if (this.server.scripting.long.current !== null) {
      // A script is finishing on the worker: a snapshot now would hold half of it (Redis does not
      // shut down during a script either). The server stays up; SHUTDOWN NOSAVE still works.
      this.server.log.warning('A script is running: not saving the final snapshot now');
      return false;
    }
    this.server.log.notice('Saving the final snapshot before exiting.');
    if (this.save() === null) return true;
    if (force) {
      this.server.log.warning('Error trying to save the DB, but the shutdown is forced.');
      return true;
    }
    this.server.log.warning('Error trying to save the DB, can\'t exit.');
    return false;
  }

  /**
   * After FLUSHALL (Redis's flushAllDataAndResetRDB): with save points, a BGSAVE in progress is
   * stopped and the empty dataset saved at once, so the old data cannot come back after a
   * restart. `pendingChanges` are the flush's changes the engine has not counted yet. Without
   * save points a BGSAVE goes on and still writes the dataset as it was when it started.
   */
  afterFlushAll(pendingChanges: number): void {
    // Only a listening server writes files on its own: an in-process engine (tests, benches)
    // with the default save points must not drop dump.krdb into the working directory.
    if (this.timer === null || this.savePoints.length === 0) return;
    this.abortBgsave('FLUSHALL');
    // Redis counts one change after this save (dirty++), so one change remains unsaved.
    this.save(pendingChanges - 1);
  }

  // ----- loading ---------------------------------------------------------------------------------

  /** Adds one decoded record to `dbs`; false when it had expired (and was skipped). */
  private apply(dbs: readonly Db[], dbIndex: number, rec: SnapshotRecord, now: number, merge: boolean, path: string): boolean {
    if (rec.expireMs !== undefined && rec.expireMs <= now) return false;
    const db = dbs[dbIndex];
    if (db === undefined) throw new SnapshotError(`${path} has keys for database ${dbIndex} but only ${dbs.length} databases are configured`);
    const before = db.size;
    db.set(rec.key, rec.value);
    if (db.size === before && !merge) throw new SnapshotError(`${path} has a duplicated key '${rec.key.slice(0, 128)}' in database ${dbIndex}`);
    if (rec.expireMs !== undefined) db.setExpire(rec.key, rec.expireMs);
    return true;
  }

  /**
   * Loads the snapshot into `dbs` in one go (DEBUG RELOAD). Throws SnapshotError when the file is
   * corrupt (keys read before the error stay in `dbs`).
   */
  loadSync(dbs: readonly Db[], merge: boolean): LoadResult {
    const path = this.path;
    const dec = new SnapshotDecoder(path);
    const now = Date.now();
    const result: LoadResult = { keys: 0, expired: 0 };
    try {
      restoreAux(this.server, dec.aux, path);
      for (let rec = dec.next(); rec !== null; rec = dec.next()) {
        if (this.apply(dbs, dec.db, rec, now, merge, path)) result.keys++;
        else result.expired++;
      }
    } finally {
      dec.close();
    }
    this.lastLoad = result;
    return result;
  }

  /** Sets `server.loading` when a snapshot file exists (before listening); returns whether. */
  markLoadingIfPresent(): boolean {
    if (!existsSync(this.path)) return false;
    this.server.loading = true;
    return true;
  }

  /**
   * Loads the snapshot at startup, if the file exists, in slices of LOAD_SLICE_MS while the server
   * listens: `server.loading` is set meanwhile, so commands get -LOADING and INFO says loading:1.
   * Resolves with null when there was no file; rejects with SnapshotError when it is corrupt.
   */
  async loadAtStartup(): Promise<LoadResult | null> {
    const path = this.path;
    const server = this.server;
    if (!existsSync(path)) {
      server.loading = false;
      return null;
    }
    const started = performance.now();
    const progress: LoadProgress = { startedAtSec: Math.floor(Date.now() / 1000), startedMs: Date.now(), totalBytes: statSync(path).size, loadedBytes: 0 };
    server.loading = true;
    this.loading = progress;
    const dec = new SnapshotDecoder(path);
    const now = Date.now();
    const result: LoadResult = { keys: 0, expired: 0 };
    try {
      server.log.notice(`Loading snapshot ${path} (${progress.totalBytes} bytes, written by keyraft ${dec.aux.get('keyraft-ver') ?? '?'})`);
      restoreAux(server, dec.aux, path);
      let lastLog = performance.now();
      for (;;) {
        const deadline = performance.now() + LOAD_SLICE_MS;
        let n = 0;
        let rec: SnapshotRecord | null;
        while ((rec = dec.next()) !== null) {
          if (this.apply(server.dbs, dec.db, rec, now, false, path)) result.keys++;
          else result.expired++;
          if (++n % KEYS_PER_CLOCK_READ === 0 && performance.now() >= deadline) break;
        }
        progress.loadedBytes = dec.offset;
        if (rec === null) break;
        if (performance.now() - lastLog >= LOAD_PROGRESS_LOG_MS) {
          lastLog = performance.now();
          server.log.notice(
            `Loading snapshot: ${((100 * progress.loadedBytes) / Math.max(1, progress.totalBytes)).toFixed(1)}% (${progress.loadedBytes} of ${progress.totalBytes} bytes, ${result.keys} keys)`,
          );
        }
        await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      dec.close();
      server.loading = false;
      this.loading = null;
    }
    this.lastLoad = result;
    // As Redis: what was just loaded counts as saved.
    this.dirtyAtLastSave = server.engine.dirty;
    server.log.notice(`Done loading snapshot, keys loaded: ${result.keys}, keys expired: ${result.expired}.`);
    server.log.notice(`DB loaded from disk: ${((performance.now() - started) / 1000).toFixed(3)} seconds`);
    return result;
  }
}
