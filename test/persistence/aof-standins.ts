// Stand-ins for the AOF writer's tests (group commit, the rewrite's switch): a file port that
// keeps what was written and what was synced and completes background syncs only when the test
// says so (a power cut keeps the synced bytes plus any part of the rest), a client that receives
// held replies, and the smallest server the writer needs.

import assert from 'node:assert/strict';
import { AppendOnlyFile, type AofFilePort, type FsyncPolicy } from '../../src/persistence/aof.js';
import { AOF_HEADER, scanAof } from '../../src/persistence/aof-format.js';
import type { ServerState } from '../../src/server/state.js';
import type { Client } from '../../src/net/client.js';

export class StandInFile implements AofFilePort {
  chunks: Buffer[] = [Buffer.from(AOF_HEADER)];
  written = AOF_HEADER.length;
  synced = AOF_HEADER.length;
  writes = 0;
  syncs: { target: number; done: (err: Error | null) => void }[] = [];
  syncCalls = 0;
  /** fdatasyncs run on the main thread (an `inline` port). */
  inlineSyncs = 0;
  /** How long an fdatasync on the main thread takes (busy wait), to model a slow disk. */
  inlineSyncMs = 0;
  closed = 0;
  constructor(
    private readonly shortWrites: () => boolean = () => false,
    /** Whether the writer may call write/datasyncSync on the main thread per batch, as with the real file. */
    readonly inline = false,
  ) {}
  write(buf: Buffer, start: number, length: number): number {
    assert.equal(this.closed, 0, 'write to a closed file');
    const n = this.shortWrites() && length > 1 ? Math.ceil(length / 2) : length;
    this.chunks.push(Buffer.from(buf.subarray(start, start + n)));
    this.written += n;
    this.writes++;
    return n;
  }
  writeAsync(buf: Buffer, start: number, length: number, done: (err: Error | null, written: number) => void): void {
    // The bytes reach the file only when the write completes, on a later turn, as with the
    // thread pool (the caller must not touch the buffer until then).
    setImmediate(() => done(null, this.write(buf, start, length)));
  }
  /**
   * Background syncs complete on their own as soon as the code that started them returns (a
   * microtask): a fast disk, whatever the machine's load, for tests of timing-based choices.
   */
  autoCompleteSyncs = false;
  datasync(done: (err: Error | null) => void): void {
    this.syncCalls++;
    this.syncs.push({ target: this.written, done });
    if (this.autoCompleteSyncs) queueMicrotask(() => this.completeSync());
  }
  datasyncSync(): void {
    this.inlineSyncs++;
    for (const until = performance.now() + this.inlineSyncMs; performance.now() < until; );
    this.synced = this.written;
  }
  close(): void {
    this.closed++;
  }
  completeSync(): void {
    const s = this.syncs.shift()!;
    this.synced = Math.max(this.synced, s.target);
    s.done(null);
  }
  /** The keys of the SET records in the file (or in `bytes`), in order. */
  keys(bytes: Buffer = Buffer.concat(this.chunks)): string[] {
    const out: string[] = [];
    scanAof(bytes, (e) => out.push(e.commands[0]![1]!));
    return out;
  }
  /** What a power cut leaves: the synced bytes, then `extra` of the unsynced ones. */
  afterPowerCut(extra: number): Buffer {
    const all = Buffer.concat(this.chunks);
    return all.subarray(0, Math.min(all.length, this.synced + extra));
  }
}

export class StandInClient {
  heldReplies = 0;
  received: string[] = [];
  releaseHeld(out: Buffer): void {
    this.heldReplies--;
    this.received.push(out.toString('latin1'));
  }
}

/** An AOF writer on a stand-in file, with the fsync policy given. */
export function writer(file: StandInFile, policy: FsyncPolicy, name = '(stand-in)'): AppendOnlyFile {
  const server = {
    config: { get: (n: string) => (n === 'appendfsync' ? policy : '') },
    log: { warning() {}, notice() {} },
    engine: { writeListeners: [] },
  } as unknown as ServerState;
  return new AppendOnlyFile(server, file, file.written, name);
}

export const turn = () => new Promise<void>((r) => setImmediate(r));
export const set = (key: string) => ({ time: 1000, seed: 1, db: 0, commands: [['SET', key, 'v']] });

/** Flush as Client.flush does: send at once unless the AOF holds the reply. */
export function reply(aof: AppendOnlyFile, c: StandInClient, text: string): void {
  if (!aof.holdReply(c as unknown as Client, Buffer.from(text, 'latin1'))) c.received.push(text);
}
