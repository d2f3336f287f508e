// Group commit and "synced before acknowledged", in process, through the AOF writer's file port.
// A stand-in file keeps what was written and what was synced, and completes syncs only when the
// test says so; a power cut keeps the synced bytes plus an arbitrary part of the rest. (SIGKILL
// tests cannot show this: the page cache survives a process crash.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppendOnlyFile, type AofFilePort, type FsyncPolicy } from '../../src/persistence/aof.js';
import { AOF_HEADER, scanAof } from '../../src/persistence/aof-format.js';
import type { ServerState } from '../../src/server/state.js';
import type { Client } from '../../src/net/client.js';

class StandInFile implements AofFilePort {
  chunks: Buffer[] = [Buffer.from(AOF_HEADER)];
  written = AOF_HEADER.length;
  synced = AOF_HEADER.length;
  writes = 0;
  syncs: { target: number; done: (err: Error | null) => void }[] = [];
  syncCalls = 0;
  constructor(private readonly shortWrites: () => boolean = () => false) {}
  write(buf: Buffer, start: number, length: number): number {
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
  datasync(done: (err: Error | null) => void): void {
    this.syncCalls++;
    this.syncs.push({ target: this.written, done });
  }
  datasyncSync(): void {
    this.synced = this.written;
  }
  close(): void {}
  completeSync(): void {
    const s = this.syncs.shift()!;
    this.synced = Math.max(this.synced, s.target);
    s.done(null);
  }
  /** What a power cut leaves: the synced bytes, then `extra` of the unsynced ones. */
  afterPowerCut(extra: number): Buffer {
    const all = Buffer.concat(this.chunks);
    return all.subarray(0, Math.min(all.length, this.synced + extra));
  }
}

class StandInClient {
  heldReplies = 0;
  received: string[] = [];
  releaseHeld(out: Buffer): void {
    this.heldReplies--;
    this.received.push(out.toString('latin1'));
  }
}

function writer(file: StandInFile, policy: FsyncPolicy): AppendOnlyFile {
  const server = {
    config: { get: (name: string) => (name === 'appendfsync' ? policy : '') },
    log: { warning() {}, notice() {} },
    engine: { writeListeners: [] },
  } as unknown as ServerState;
  return new AppendOnlyFile(server, file, file.written, '(stand-in)');
}

const turn = () => new Promise<void>((r) => setImmediate(r));
const set = (key: string) => ({ time: 1000, seed: 1, db: 0, commands: [['SET', key, 'v']] });

/** Flush as Client.flush does: send at once unless the AOF holds the reply. */
function reply(aof: AppendOnlyFile, c: StandInClient, text: string): void {
  if (!aof.holdReply(c as unknown as Client, Buffer.from(text, 'latin1'))) c.received.push(text);
}

test('always: one write and one fdatasync per turn; replies (reads too) wait for it, in order per client', async () => {
  const file = new StandInFile();
  const aof = writer(file, 'always');
  const a = new StandInClient();
  const b = new StandInClient();
  aof.append(set('k1'));
  aof.append(set('k2'));
  reply(aof, a, 'a1');
  aof.append(set('k3'));
  reply(aof, b, 'b1'); // b only read, but may have seen k1..k3
  assert.deepEqual([a.received, b.received], [[], []]);
  await turn();
  assert.equal(file.writes, 1, 'one write(2) for the turn');
  assert.equal(file.syncCalls, 1, 'one fdatasync for the turn');
  // Another turn while the sync runs: written, but no second sync in flight.
  aof.append(set('k4'));
  reply(aof, a, 'a2');
  await turn();
  assert.equal(file.writes, 2);
  assert.equal(file.syncCalls, 1);
  assert.deepEqual([a.received, b.received], [[], []]);
  file.completeSync();
  assert.deepEqual(a.received, ['a1'], 'a2 depends on k4, not yet synced');
  assert.deepEqual(b.received, ['b1']);
  assert.equal(file.syncCalls, 2, 'the next sync starts as soon as the previous one completes');
  // A client with a held reply keeps its order even for a reply that needs nothing new.
  reply(aof, a, 'a3');
  assert.deepEqual(a.received, ['a1']);
  file.completeSync();
  assert.deepEqual(a.received, ['a1', 'a2', 'a3']);
  assert.equal(a.heldReplies, 0);
  // Nothing pending: replies go straight out.
  reply(aof, b, 'b2');
  assert.deepEqual(b.received, ['b1', 'b2']);
  await aof.close();
});

test('everysec: replies wait only for the turn\'s write(2), never for an fdatasync', async () => {
  const file = new StandInFile();
  const aof = writer(file, 'everysec');
  const a = new StandInClient();
  aof.append(set('k1'));
  reply(aof, a, 'a1');
  assert.deepEqual(a.received, []);
  await turn(); // the batch's write starts (in the background)...
  await turn(); // ...and completes
  assert.deepEqual(a.received, ['a1']);
  // Batches that arrive while a write runs go out together in the next one.
  aof.append(set('k2'));
  await turn();
  aof.append(set('k3'));
  aof.append(set('k4'));
  reply(aof, a, 'a2');
  await turn();
  await turn();
  await turn();
  assert.deepEqual(a.received, ['a1', 'a2']);
  assert.equal(file.writes, 3);
  assert.equal(file.syncCalls, 0);
  assert.equal(file.written > file.synced, true);
  await aof.close();
  assert.equal(file.synced, file.written, 'close syncs everything');
});

test('random schedules with short writes: under always a power cut, under everysec a process crash, keeps every acknowledged write; survivors are a prefix', async () => {
  for (let run = 1; run <= 80; run++) {
    const policy: FsyncPolicy = run % 2 ? 'always' : 'everysec';
    const seed = Math.ceil(run / 2);
    let s = seed * 2654435761;
    const random = () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) / 2 ** 32;
    };
    const file = new StandInFile(() => random() < 0.2);
    const aof = writer(file, policy);
    const clients = [new StandInClient(), new StandInClient(), new StandInClient()];
    let next = 0;
    const steps = 20 + Math.floor(random() * 80);
    for (let step = 0; step < steps; step++) {
      const r = random();
      if (r < 0.5) {
        const c = clients[Math.floor(random() * clients.length)]!;
        const key = `k${next++}`;
        aof.append(set(key));
        reply(aof, c, key);
      } else if (r < 0.8) await turn();
      else if (file.syncs.length > 0) file.completeSync();
    }
    const acknowledged = new Set(clients.flatMap((c) => c.received));
    const unsynced = file.written - file.synced;
    // A process crash keeps every byte written (the page cache survives it).
    const image = file.afterPowerCut(policy === 'always' ? Math.floor(random() * (unsynced + 1)) : unsynced);
    const recovered: string[] = [];
    const scan = scanAof(image, (e) => recovered.push(e.commands[0]![1]!));
    assert.notEqual(scan.problem?.kind, 'corrupt', `${policy} seed ${seed}`);
    assert.deepEqual(recovered, Array.from({ length: recovered.length }, (_, i) => `k${i}`), `${policy} seed ${seed}: not a prefix`);
    for (const key of acknowledged) assert.ok(recovered.includes(key), `${policy} seed ${seed}: acknowledged ${key} lost in a power cut`);
    // Per-client order of replies is the order of their writes.
    for (const c of clients) assert.deepEqual(c.received, [...c.received].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1))), `${policy} seed ${seed}`);
    await aof.close();
  }
});

test('CONFIG SET appendfsync at run time: switching to always syncs what everysec left, and held replies are never stranded', async () => {
  const file = new StandInFile();
  const aof = writer(file, 'everysec');
  const a = new StandInClient();
  aof.append(set('k1'));
  reply(aof, a, 'a1');
  await turn();
  await turn();
  assert.deepEqual(a.received, ['a1']);
  aof.setPolicy('always');
  assert.equal(file.syncCalls, 1, 'the unsynced write is synced at once');
  reply(aof, a, 'a2'); // a read that may have seen k1
  assert.deepEqual(a.received, ['a1']);
  file.completeSync();
  assert.deepEqual(a.received, ['a1', 'a2']);
  // always -> everysec releases replies that waited for a sync once their write is done.
  aof.append(set('k2'));
  reply(aof, a, 'a3');
  await turn();
  assert.equal(file.syncCalls, 2);
  aof.setPolicy('everysec');
  assert.deepEqual(a.received, ['a1', 'a2', 'a3']);
  file.completeSync();
  await aof.close();
});
