// The multi-part append-only file (Redis 7's layout) and its rewrite: loading the manifest's
// BASE and INCR files at start, BGREWRITEAOF, the automatic rewrite (auto-aof-rewrite-*),
// CONFIG SET appendonly yes with data, and the INFO fields about rewrites. The writer of the
// current INCR file is aof.ts, the manifest's format aof-manifest.ts, the BASE is a snapshot
// written by bgsave.ts's BackgroundSave from a point-in-time view.
//
// A rewrite, in one event-loop turn with no background write in flight (AppendOnlyFile.whenIdle)
// and between commands: create the new INCR file, write the intermediate manifest (old BASE +
// old INCRs + new INCR), switch the writer to the new INCR (the old one is written out and
// fsynced first), and take the point-in-time view. From then on BASE-to-be + new INCR is the
// whole history, and the intermediate manifest already describes it in the longer form old
// BASE + old INCRs + new INCR, so a crash at any moment loses nothing. When the new BASE is
// written and fsynced, the final manifest (new BASE + new INCR) replaces the intermediate one
// atomically and the old files are deleted. A failed rewrite leaves the intermediate manifest,
// which is complete; the next rewrite adds its INCR after it. See docs/PERSISTENCE.md.

import { existsSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ServerState } from '../server/state.js';
import { AofLoadError, AppendOnlyFile, aofPath, loadAppendOnlyFile, openAofPort, type AofFilePort } from './aof.js';
import { baseFileName, incrFileName, ManifestError, manifestName, maxSeq, readManifest, writeManifest, type Manifest, type ManifestFile } from './aof-manifest.js';
import { BackgroundSave, saveSync, type SaveResult } from './bgsave.js';
import { restoreAux, serverAux } from './snapshot.js';
import { SnapshotDecoder, SnapshotError } from './snapshot-format.js';

/** How often the automatic and scheduled rewrites are checked (Redis does it in serverCron). */
const REWRITE_CHECK_MS = 100;
/** Consecutive failures after which rewrites are delayed (Redis's AOF_REWRITE_LIMITE_THRESHOLD). */
const REWRITE_LIMIT_FAILURES = 3;
/** The longest delay between failing rewrites (AOF_REWRITE_LIMITE_MAX_MINUTES). */
const REWRITE_LIMIT_DELAY_MAX_MINUTES = 60;

interface RewriteJob {
  startedMs: number;
  startedPerf: number;
  /** The INCR files the new BASE goes with (the file the writer switched to; none when off). */
  incrs: ManifestFile[];
  save: BackgroundSave | null;
}

/** Per server: the manifest in use, the rewrite in progress and the rewrite statistics. */
export class AofRewriter {
  /** The INCR file prepareAppendOnly created for CONFIG SET appendonly yes. */
  prepared: { path: string; port: AofFilePort; size: number } | null = null;
  /** The manifest on disk, as this process last wrote or read it. */
  manifest: Manifest | null = null;
  private nextSeq = 1;
  job: RewriteJob | null = null;
  /** aof_rewrite_scheduled: waits for a BGSAVE to end, or retries a failed initial rewrite. */
  scheduled = false;
  /** CONFIG SET appendonly yes: the AOF is not complete until the first rewrite finishes. */
  initialPending = false;
  lastOk = true;
  lastSeconds = -1;
  rewrites = 0;
  consecutiveFailures = 0;
  private limitDelayMinutes = 0;
  private limitUntilMs = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly server: ServerState) {}

  get dir(): string {
    return resolve(this.server.config.get('dir'), this.server.config.get('appenddirname'));
  }

  get name(): string {
    return this.server.config.get('appendfilename');
  }

  takeSeq(atLeastAfter: Manifest | null): number {
    this.nextSeq = Math.max(this.nextSeq, atLeastAfter !== null ? maxSeq(atLeastAfter) + 1 : 1);
    return this.nextSeq++;
  }

  attach(aof: AppendOnlyFile): void {
    aof.onClose = () => this.abort('the append only file was closed');
    aof.pendingRewrite = () => (this.scheduled ? 1 : 0);
    this.startTimer();
  }

  startTimer(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.cron(), REWRITE_CHECK_MS);
    this.timer.unref();
  }

  /** BGREWRITEAOF. */
  request(): 'started' | 'scheduled' | 'in-progress' | 'error' {
    if (this.job !== null) return 'in-progress';
    this.startTimer(); // scheduled rewrites start from it, AOF on or off
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      this.lastOk = false;
      this.server.log.warning(`Can't rewrite the append only file: cannot create ${this.dir}: ${(e as Error).message}`);
      return 'error';
    }
    if (this.server.rdb.bgsave !== null) {
      this.scheduled = true;
      return 'scheduled';
    }
    return this.start() ? 'started' : 'error';
  }

  /**
   * Starts a rewrite. The switch and the view are taken on the next turn (setImmediate), never
   * inside a command: an EXEC's entry is reported when the EXEC ends, so a switch in its middle
   * would put the whole transaction after a view that already holds part of it.
   */
  start(): boolean {
    if (this.job !== null) return false;
    const job: RewriteJob = { startedMs: Date.now(), startedPerf: performance.now(), incrs: [], save: null }; // deterministic-ok: rewrite timing and statistics, not state
    this.job = job;
    this.scheduled = false;
    setImmediate(() => {
      if (this.job !== job) return;
      const aof = this.server.aof;
      if (aof === null) this.begin(job);
      else aof.whenIdle(() => this.begin(job));
    });
    return true;
  }

  private fail(job: RewriteJob, why: string): void {
    if (this.job !== job) return;
    this.job = null;
    job.save?.abort();
    this.lastOk = false;
    this.consecutiveFailures++;
    this.lastSeconds = Math.floor((Date.now() - job.startedMs) / 1000); // deterministic-ok: rewrite timing and statistics, not state
    // As Redis: a failed rewrite that turns the AOF on is retried (it is needed); others wait
    // for the next BGREWRITEAOF or the automatic trigger.
    if (this.initialPending) this.scheduled = true;
    this.server.log.warning(`Background AOF rewrite failed: ${why}`);
  }

  /** The switch (when the AOF is on) and the start of the BASE, in one synchronous step. */
  private begin(job: RewriteJob): void {
    if (this.job !== job) return;
    const server = this.server;
    const aof = server.aof;
    const dir = this.dir;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      this.fail(job, `cannot create ${dir}: ${(e as Error).message}`);
      return;
    }
    if (aof !== null && this.initialPending && !aof.subscribed) {
      // The first attempt after CONFIG SET appendonly yes: the writer's file is new and empty.
      job.incrs = [{ name: fileNameOf(aof.path), seq: this.incrSeqOf(aof.path), type: 'i' }];
      aof.subscribe();
    } else if (aof !== null) {
      if (this.manifest === null && !this.initialPending) {
        // Cannot happen (loading or the first rewrite set it); an intermediate manifest without
        // the current files would drop them, so refuse.
        this.fail(job, 'no AOF manifest is known for the files in use');
        return;
      }
      const seq = this.takeSeq(this.manifest);
      const incr: ManifestFile = { name: incrFileName(this.name, seq), seq, type: 'i' };
      const path = join(dir, incr.name);
      let opened: ReturnType<typeof openAofPort>;
      try {
        opened = openAofPort(path, true);
      } catch (e) {
        this.fail(job, `cannot create ${path}: ${(e as Error).message}`);
        return;
      }
      const previous = this.manifest;
      const intermediate: Manifest | null = this.initialPending ? null : { base: previous?.base ?? null, incrs: [...(previous?.incrs ?? []), incr] };
      try {
        if (intermediate !== null) writeManifest(dir, this.name, intermediate);
      } catch (e) {
        opened.port.close();
        removeQuietly(path);
        this.fail(job, `cannot write the AOF manifest: ${(e as Error).message}`);
        return;
      }
      const oldPath = aof.path;
      const oldBytes = aof.currentFileBytes;
      try {
        aof.switchTo(path, opened.port, opened.size);
      } catch (e) {
        if (intermediate !== null && previous !== null) {
          try {
            writeManifest(dir, this.name, previous);
          } catch {
            /* the intermediate manifest lists an empty INCR after the current one: still whole */
          }
        }
        opened.port.close();
        removeQuietly(path);
        this.fail(job, `cannot complete ${oldPath}: ${(e as Error).message}`);
        return;
      }
      if (intermediate !== null) {
        this.manifest = intermediate;
        aof.otherFilesBytes += oldBytes;
      } else {
        // A retried initial rewrite: the previous attempt's INCR is listed nowhere.
        removeQuietly(oldPath);
      }
      job.incrs = [incr];
      server.log.notice(`Creating AOF incr file ${incr.name} on background rewrite`);
    }
    const baseSeq = this.takeSeq(this.manifest);
    const base: ManifestFile = { name: baseFileName(this.name, baseSeq), seq: baseSeq, type: 'b' };
    const basePath = join(dir, base.name);
    const aux = serverAux(server);
    // Every key goes into the BASE, expired ones included (-Infinity): the INCR records that
    // follow replay with the time they ran at, when such a key may still have been alive.
    if (server.dbs.every((db) => db.size === 0)) {
      let result: SaveResult;
      try {
        result = saveSync(server.dbs, basePath, aux, -Infinity);
      } catch (e) {
        this.fail(job, (e as Error).message);
        return;
      }
      this.baseDone(job, base, null, result);
      return;
    }
    try {
      job.save = new BackgroundSave(server.dbs, basePath, aux, -Infinity, (error, result) => this.baseDone(job, base, error, result));
    } catch (e) {
      this.fail(job, (e as Error).message);
      return;
    }
    server.log.notice(`Background append only file rewriting started (${job.save.view.totalKeys} keys)`);
  }

  private incrSeqOf(path: string): number {
    const m = /\.(\d+)\.incr\.aof$/.exec(path);
    return m !== null ? Number(m[1]) : this.takeSeq(this.manifest);
  }

  private baseDone(job: RewriteJob, base: ManifestFile, error: Error | null, result: SaveResult): void {
    if (this.job !== job) return;
    if (error !== null) {
      this.fail(job, error.message);
      return;
    }
    const server = this.server;
    const dir = this.dir;
    const final: Manifest = { base, incrs: job.incrs };
    let previous: Manifest | null = this.manifest;
    if (server.aof === null || this.initialPending) {
      try {
        previous = readManifest(dir, this.name);
      } catch {
        previous = null; // a damaged manifest is replaced; its files are left alone
      }
    }
    try {
      writeManifest(dir, this.name, final);
    } catch (e) {
      removeQuietly(join(dir, base.name));
      this.fail(job, `cannot write the AOF manifest: ${(e as Error).message}`);
      return;
    }
    this.job = null;
    this.manifest = final;
    const keep = new Set([base.name, ...job.incrs.map((f) => f.name)]);
    for (const f of previous !== null ? [...(previous.base !== null ? [previous.base] : []), ...previous.incrs] : []) {
      if (keep.has(f.name)) continue;
      server.log.notice(`Removing the history file ${f.name} in the background`);
      void unlink(join(dir, f.name)).catch((e: Error) => server.log.warning(`Cannot remove ${f.name}: ${e.message}`));
    }
    const aof = server.aof;
    if (aof !== null) {
      aof.otherFilesBytes = result.bytes;
      aof.baseBytes = aof.otherFilesBytes + aof.currentFileBytes;
    }
    if (this.initialPending) {
      this.initialPending = false;
      server.log.notice('Append only file enabled at run time: the first BASE is written');
    }
    this.rewrites++;
    this.consecutiveFailures = 0;
    this.lastOk = true;
    this.lastSeconds = Math.floor((Date.now() - job.startedMs) / 1000); // deterministic-ok: rewrite timing and statistics, not state
    server.log.notice(
      `Background AOF rewrite finished successfully (${result.keys} keys, ${result.bytes} bytes, ${((performance.now() - job.startedPerf) / 1000).toFixed(3)} seconds${job.save !== null ? `, ${job.save.view.cowClones} values copied on write` : ''})`,
    );
  }

  /** Stops a rewrite in progress (the AOF closes or is turned on again); files stay whole. */
  abort(why: string): void {
    const job = this.job;
    this.scheduled = false;
    if (job === null) return;
    this.job = null;
    job.save?.abort();
    if (this.initialPending) {
      this.initialPending = false;
      this.server.log.warning(`Background AOF rewrite stopped (${why}) before the first BASE was written: the AOF files on disk do not hold the dataset`);
    } else this.server.log.notice(`Background AOF rewrite stopped: ${why}`);
  }

  /** Redis's aofRewriteLimited: after 3 consecutive failures, wait 1, 2, 4… (at most 60) minutes. */
  private limited(): boolean {
    if (this.consecutiveFailures < REWRITE_LIMIT_FAILURES) {
      this.limitDelayMinutes = 0;
      this.limitUntilMs = 0;
      return false;
    }
    const now = Date.now(); // deterministic-ok: rewrite timing and statistics, not state
    if (this.limitUntilMs !== 0) {
      if (now < this.limitUntilMs) return true;
      this.limitUntilMs = 0;
      return false;
    }
    this.limitDelayMinutes = Math.min(this.limitDelayMinutes === 0 ? 1 : this.limitDelayMinutes * 2, REWRITE_LIMIT_DELAY_MAX_MINUTES);
    this.limitUntilMs = now + this.limitDelayMinutes * 60_000;
    this.server.log.warning(`Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${this.limitDelayMinutes} minutes`);
    return true;
  }

  /** Scheduled rewrites, and the automatic one when the AOF grew past both thresholds. */
  cron(): void {
    const server = this.server;
    if (server.loading || server.shuttingDown || this.job !== null || server.rdb.bgsave !== null) return;
    // Not while a script finishes on the worker: the BASE would hold half of it and its entry,
    // logged when it ends, would replay on top (writes applied twice after a restart).
    if (server.scripting.long.current !== null) return;
    if (this.scheduled) {
      if (!this.limited()) this.start();
      return;
    }
    const aof = server.aof;
    if (aof === null || this.initialPending) return;
    const perc = server.config.int('auto-aof-rewrite-percentage');
    const current = aof.otherFilesBytes + aof.currentFileBytes;
    if (perc === 0 || current <= server.config.int('auto-aof-rewrite-min-size')) return;
    const base = aof.baseBytes > 0 ? aof.baseBytes : 1;
    const growth = Math.floor((current * 100) / base) - 100;
    if (growth >= perc && !this.limited()) {
      server.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
      this.start();
    }
  }

  info(): [string, string | number][] {
    const job = this.job;
    return [
      ['aof_rewrite_in_progress', job !== null ? 1 : 0],
      ['aof_rewrite_scheduled', this.scheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.lastSeconds],
      ['aof_current_rewrite_time_sec', job !== null ? Math.floor((Date.now() - job.startedMs) / 1000) : -1], // deterministic-ok: rewrite timing and statistics, not state
      ['aof_last_bgrewrite_status', this.lastOk ? 'ok' : 'err'],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.consecutiveFailures],
    ];
  }
}

const rewriters = new WeakMap<ServerState, AofRewriter>();

export function aofRewriter(server: ServerState): AofRewriter {
  let r = rewriters.get(server);
  if (r === undefined) {
    r = new AofRewriter(server);
    rewriters.set(server, r);
  }
  return r;
}

/** INFO persistence's aof_rewrite_* fields (Redis's names and order). */
export function aofRewriteInfo(server: ServerState): [string, string | number][] {
  return aofRewriter(server).info();
}

function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* not there */
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Loads a BASE file (a snapshot) into the server. Keys whose expiry has passed are loaded too
 * (as Redis loads an AOF's RDB preamble): the INCR records after it replay at the time they ran.
 */
function loadBase(server: ServerState, path: string): number {
  let keys = 0;
  let dec: SnapshotDecoder | null = null;
  try {
    dec = new SnapshotDecoder(path);
    restoreAux(server, dec.aux, path);
    for (let rec = dec.next(); rec !== null; rec = dec.next()) {
      const db = server.dbs[dec.db];
      if (db === undefined) throw new SnapshotError(`${path} has keys for database ${dec.db} but only ${server.dbs.length} databases are configured`);
      const before = db.size;
      db.set(rec.key, rec.value);
      if (db.size === before) throw new SnapshotError(`${path} has a duplicated key '${rec.key.slice(0, 128)}' in database ${dec.db}`);
      if (rec.expireMs !== undefined) db.setExpire(rec.key, rec.expireMs);
      keys++;
    }
  } catch (e) {
    if (e instanceof SnapshotError) throw new AofLoadError(`Bad file format reading the AOF base file ${path}: ${e.message}`);
    throw e;
  } finally {
    dec?.close();
  }
  return keys;
}

/** Files a crash may leave that no manifest lists: a BASE renamed but not listed, temp files. */
function removeUnlisted(dir: string, name: string, m: Manifest, server: ServerState): void {
  const listed = new Set([...(m.base !== null ? [m.base.name] : []), ...m.incrs.map((f) => f.name)]);
  const prefix = `${name}.`;
  for (const f of readdirSync(dir)) {
    if (listed.has(f)) continue;
    const rest = f.startsWith(prefix) ? f.slice(prefix.length) : '';
    if (/^\d+\.(base\.krdb|incr\.aof)$/.test(rest) || /^temp-\d+-\d+\.krdb$/.test(f)) {
      server.log.notice(`Removing ${f}: no AOF manifest lists it (left by an interrupted rewrite)`);
      removeQuietly(join(dir, f));
    }
  }
}

/**
 * Loads the AOF at start and returns the writer, subscribed, appending to the last INCR file.
 * With a manifest: its BASE, then each INCR in order (a torn tail is tolerated in the last one
 * only). Without one, the single file of earlier keyraft versions (`<appenddirname>/<appendfilename>`)
 * is loaded if present and becomes the manifest's first INCR, which is also how a new AOF
 * starts: that file stays readable by versions without manifests until the first rewrite.
 */
export function startAppendOnly(server: ServerState): AppendOnlyFile {
  const rw = aofRewriter(server);
  const legacy = aofPath(server); // checks the names
  const dir = rw.dir;
  const name = rw.name;
  const manifestPath = join(dir, manifestName(name));
  let manifest: Manifest | null;
  try {
    manifest = readManifest(dir, name);
  } catch (e) {
    if (e instanceof ManifestError) throw new AofLoadError(`Bad AOF manifest ${manifestPath}: ${e.message}`);
    throw e;
  }
  const loadTruncated = server.config.bool('aof-load-truncated');
  const started = performance.now();
  let records = 0;
  let baseKeys = 0;
  let other = 0;
  let aof: AppendOnlyFile;
  if (manifest === null) {
    records += loadAppendOnlyFile(server, legacy, loadTruncated).records;
    aof = AppendOnlyFile.open(server, legacy);
    manifest = { base: null, incrs: [{ name, seq: 1, type: 'i' }] };
    writeManifest(dir, name, manifest);
  } else {
    if (manifest.base !== null) {
      const path = join(dir, manifest.base.name);
      if (!existsSync(path)) throw new AofLoadError(`The AOF base file ${path} listed in ${manifestPath} doesn't exist`);
      baseKeys = loadBase(server, path);
      other += sizeOf(path);
    }
    const incrs = manifest.incrs;
    for (let i = 0; i < incrs.length; i++) {
      const path = join(dir, incrs[i]!.name);
      if (!existsSync(path)) throw new AofLoadError(`The AOF file ${path} listed in ${manifestPath} doesn't exist`);
      const last = i === incrs.length - 1;
      records += loadAppendOnlyFile(server, path, loadTruncated, last ? null : manifestPath).records;
      if (!last) other += sizeOf(path);
    }
    removeUnlisted(dir, name, manifest, server);
    const last = incrs[incrs.length - 1];
    if (last !== undefined) aof = AppendOnlyFile.open(server, join(dir, last.name));
    else {
      rw.manifest = manifest;
      const seq = maxSeq(manifest) + 1;
      const incr: ManifestFile = { name: incrFileName(name, seq), seq, type: 'i' };
      aof = AppendOnlyFile.open(server, join(dir, incr.name));
      manifest = { base: manifest.base, incrs: [incr] };
      writeManifest(dir, name, manifest);
    }
  }
  rw.manifest = manifest;
  if (baseKeys > 0 || records > 0) {
    server.log.notice(`DB loaded from append only file: ${((performance.now() - started) / 1000).toFixed(3)} seconds, ${baseKeys} keys from the base, ${records} records`);
  }
  aof.otherFilesBytes = other;
  aof.baseBytes = other + aof.currentFileBytes;
  rw.attach(aof);
  aof.subscribe();
  return aof;
}

/**
 * CONFIG SET appendonly yes at run time: a new INCR file, and a rewrite whose view is taken when
 * the writer starts receiving records (next turn), so the first BASE + that INCR is the dataset.
 * Until the rewrite finishes, the files on disk do not describe the dataset (as in Redis).
 */
export function enableAppendOnly(server: ServerState): AppendOnlyFile {
  const rw = aofRewriter(server);
  rw.abort('appendonly turned on');
  // prepareAppendOnly (the CONFIG SET veto) has created the INCR file, or says why it could not.
  let prepared = rw.prepared;
  rw.prepared = null;
  if (prepared === null) {
    const error = prepareAppendOnly(server);
    if (error !== null) throw new Error(error);
    prepared = rw.prepared!;
    rw.prepared = null;
  }
  const aof = new AppendOnlyFile(server, prepared.port, prepared.size, prepared.path);
  rw.attach(aof);
  rw.initialPending = true;
  rw.start();
  server.log.notice('Append only file enabled at run time: writing the first BASE in the background');
  return aof;
}

/**
 * Before CONFIG SET appendonly yes takes effect (its veto): creates the directory and the INCR
 * file the writer will append to, so that a failure is CONFIG SET's error (as Redis's "Unable to
 * turn on AOF") instead of a crash afterwards. Returns null or the error text.
 */
export function prepareAppendOnly(server: ServerState): string | null {
  const rw = aofRewriter(server);
  try {
    aofPath(server);
  } catch (e) {
    return (e as Error).message;
  }
  if (rw.prepared !== null) {
    rw.prepared.port.close();
    removeQuietly(rw.prepared.path);
    rw.prepared = null;
  }
  const dir = rw.dir;
  let onDisk: Manifest | null = null;
  try {
    onDisk = readManifest(dir, rw.name);
  } catch {
    /* replaced when the rewrite finishes */
  }
  const path = join(dir, incrFileName(rw.name, rw.takeSeq(onDisk)));
  try {
    rw.prepared = { path, ...openAofPort(path, true) };
  } catch (e) {
    server.log.warning(`Unable to turn on AOF: cannot create ${path}: ${(e as Error).message}`);
    return 'Unable to turn on AOF. Check server logs.';
  }
  rw.manifest = onDisk;
  return null;
}
