// BullMQ as a real client (issue 7's proof): a Queue, Workers and QueueEvents run jobs end to end
// against a keyraft process — add/process/complete, failures with retries and backoff, delayed
// jobs, priorities, progress and job counts, removeOnComplete/removeOnFail. BullMQ drives ~40 Lua
// scripts (cmsgpack, cjson), streams (QueueEvents reads with XREAD BLOCK), BZPOPMIN on its marker
// key and MULTI. The same scenarios also run against the reference redis-server when it is
// installed, which proves the expectations here are Redis's behaviour, not keyraft's.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Queue, Worker, QueueEvents, FlowProducer, type Job, type Processor } from 'bullmq';
import { Redis as IORedis } from 'ioredis';
import { startKeyraft, startRedis, referenceRedisSkipReason, type ServerProcess } from '../helpers/servers.js';
import { startOn, tempDir, kill9 } from '../persistence/aof-support.js';

/** Bound on every wait in this file; each scenario finishes far sooner on a healthy server. */
const WAIT_MS = 5000;
/** Per-test bound (node:test timeout): a hung scenario fails instead of stalling the file. */
const TEST_TIMEOUT_MS = 8000;

interface Target {
  name: string;
  start(): Promise<ServerProcess>;
  skip: string | false;
}

const targets: Target[] = [
  { name: 'keyraft', start: () => startKeyraft(), skip: false },
  { name: 'redis-server (reference)', start: () => startRedis(), skip: referenceRedisSkipReason() },
];

/** Resolves when `check` returns true; rejects with `what` after `timeoutMs`. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const target of targets) {
  describe(`BullMQ against ${target.name}`, { skip: target.skip }, () => {
    let server: ServerProcess;
    // BullMQ requires maxRetriesPerRequest: null on the connections its blocking calls use.
    let connection: { host: string; port: number; maxRetriesPerRequest: null };
    let queueSeq = 0;
    // Everything a scenario opens; closed in its finally so a failing scenario leaves nothing behind.
    let closers: Array<() => Promise<unknown>> = [];

    before(async () => {
      server = await target.start();
      connection = { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
    });
    after(async () => {
      await server?.stop();
    });

    /** A fresh queue (own name) with its QueueEvents ready; both closed by closeAll(). */
    async function openQueue(label: string): Promise<{ queue: Queue; events: QueueEvents; name: string }> {
      const name = `${label}-${++queueSeq}`;
      const queue = new Queue(name, { connection });
      // lastEventId 0: read the queue's event stream from its start, so no event is missed
      // between adding a job and the events reader's first XREAD.
      const events = new QueueEvents(name, { connection, lastEventId: '0' });
      closers.push(() => events.close(), () => queue.close());
      await queue.waitUntilReady();
      await events.waitUntilReady();
      return { queue, events, name };
    }

    function openWorker(name: string, processor: Processor, opts: { concurrency?: number; autorun?: boolean } = {}): Worker {
      const worker = new Worker(name, processor, { connection, concurrency: opts.concurrency ?? 1, autorun: opts.autorun ?? true });
      worker.on('error', () => undefined); // surfaced through the assertions instead
      closers.unshift(() => worker.close(true));
      return worker;
    }

    async function closeAll(): Promise<void> {
      const list = closers;
      closers = [];
      for (const close of list) await close().catch(() => undefined);
    }

    test('add N jobs; a worker completes them all with their return values; QueueEvents sees completed', { timeout: TEST_TIMEOUT_MS }, async () => {
      try {
        const { queue, events, name } = await openQueue('basic');
        const completed = new Map<string, unknown>();
        events.on('completed', ({ jobId, returnvalue }) => completed.set(jobId, returnvalue));
        const N = 20;
        const jobs = await queue.addBulk(Array.from({ length: N }, (_, i) => ({ name: 'double', data: { n: i } })));
        assert.equal(jobs.length, N);
        assert.equal(await queue.getWaitingCount(), N);
        const seenByWorker: number[] = [];
        openWorker(
          name,
          async (job: Job) => {
            seenByWorker.push(job.data.n as number);
            return { doubled: (job.data.n as number) * 2 };
          },
          { concurrency: 4 },
        );
        await waitFor(`${N} completed events`, () => completed.size === N);
        for (const job of jobs) {
          const n = job.data.n as number;
          assert.deepEqual(completed.get(job.id!), { doubled: n * 2 }, `event for job ${job.id}`);
          const stored = await queue.getJob(job.id!);
          assert.ok(stored, `job ${job.id} still stored`);
          assert.deepEqual(stored.returnvalue, { doubled: n * 2 });
          assert.equal(await stored.getState(), 'completed');
          assert.ok(stored.finishedOn && stored.processedOn && stored.finishedOn >= stored.processedOn);
        }
        assert.deepEqual([...seenByWorker].sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i));
        assert.deepEqual(await queue.getJobCounts('waiting', 'active', 'completed', 'failed'), { waiting: 0, active: 0, completed: N, failed: 0 });
      } finally {
        await closeAll();
      }
    });

    test('retries with fixed backoff: fails twice then succeeds; a job that exhausts its attempts ends failed', { timeout: TEST_TIMEOUT_MS }, async () => {
      try {
        const { queue, events, name } = await openQueue('retry');
        const failedEvents: Array<{ jobId: string; failedReason: string }> = [];
        const completedEvents: string[] = [];
        events.on('failed', ({ jobId, failedReason }) => failedEvents.push({ jobId, failedReason }));
        events.on('completed', ({ jobId }) => completedEvents.push(jobId));
        const attemptTimes = new Map<string, number[]>();
        const workerFailed: Array<{ id: string; attemptsMade: number; message: string }> = [];
        const worker = openWorker(name, async (job: Job) => {
          const times = attemptTimes.get(job.id!) ?? [];
          times.push(Date.now());
          attemptTimes.set(job.id!, times);
          if (job.name === 'doomed') throw new Error(`doomed attempt ${job.attemptsMade + 1}`);
          if (job.attemptsMade < 2) throw new Error(`flaky attempt ${job.attemptsMade + 1}`);
          return 'finally';
        });
        worker.on('failed', (job, err) => {
          if (job) workerFailed.push({ id: job.id!, attemptsMade: job.attemptsMade, message: err.message });
        });
        const BACKOFF_MS = 150;
        const flaky = await queue.add('flaky', {}, { attempts: 3, backoff: { type: 'fixed', delay: BACKOFF_MS } });
        const doomed = await queue.add('doomed', {}, { attempts: 2, backoff: { type: 'fixed', delay: 50 } });

        await waitFor('flaky completed and doomed failed', () => completedEvents.includes(flaky.id!) && failedEvents.some((e) => e.jobId === doomed.id));

        const flakyDone = (await queue.getJob(flaky.id!))!;
        assert.equal(await flakyDone.getState(), 'completed');
        assert.equal(flakyDone.returnvalue, 'finally');
        assert.equal(flakyDone.attemptsMade, 3);
        const flakyTimes = attemptTimes.get(flaky.id!)!;
        assert.equal(flakyTimes.length, 3);
        // Each retry waited for its backoff (the delayed set, then the marker woke the worker).
        for (let i = 1; i < flakyTimes.length; i++) {
          assert.ok(flakyTimes[i]! - flakyTimes[i - 1]! >= BACKOFF_MS - 10, `retry ${i} came after ${flakyTimes[i]! - flakyTimes[i - 1]!} ms`);
        }
        assert.deepEqual(
          workerFailed.filter((f) => f.id === flaky.id).map((f) => [f.attemptsMade, f.message]),
          [
            [1, 'flaky attempt 1'],
            [2, 'flaky attempt 2'],
          ],
        );

        const doomedDone = (await queue.getJob(doomed.id!))!;
        assert.equal(await doomedDone.getState(), 'failed');
        assert.equal(doomedDone.failedReason, 'doomed attempt 2');
        assert.equal(doomedDone.attemptsMade, 2);
        assert.equal(attemptTimes.get(doomed.id!)!.length, 2);
        assert.deepEqual(
          workerFailed.filter((f) => f.id === doomed.id).map((f) => f.message),
          ['doomed attempt 1', 'doomed attempt 2'],
        );
        // The events stream has 'failed' only for the final failure; retries are 'delayed'/'waiting'.
        assert.deepEqual(failedEvents, [{ jobId: doomed.id, failedReason: 'doomed attempt 2' }]);
        assert.deepEqual(await queue.getJobCounts('completed', 'failed', 'delayed', 'waiting'), { completed: 1, failed: 1, delayed: 0, waiting: 0 });
      } finally {
        await closeAll();
      }
    });

    test('delayed jobs are not processed before their time and are processed after it', { timeout: TEST_TIMEOUT_MS }, async () => {
      try {
        const { queue, events, name } = await openQueue('delayed');
        const delayedEvents: string[] = [];
        events.on('delayed', ({ jobId }) => delayedEvents.push(jobId));
        const processedAt = new Map<string, number>();
        openWorker(
          name,
          async (job: Job) => {
            processedAt.set(job.id!, Date.now());
            return job.data.tag;
          },
          { concurrency: 2 },
        );
        const DELAY_MS = 300;
        const addedAt = Date.now();
        const late = await queue.add('late', { tag: 'late' }, { delay: DELAY_MS });
        const later = await queue.add('later', { tag: 'later' }, { delay: DELAY_MS * 2 });
        const now = await queue.add('now', { tag: 'now' });
        assert.equal(await late.getState(), 'delayed');
        assert.equal(await queue.getDelayedCount(), 2);
        await waitFor('the undelayed job', () => processedAt.has(now.id!));
        // Checked only while the delay surely has not passed (a loaded machine may be slow here).
        if (Date.now() - addedAt < DELAY_MS - 50) assert.equal(processedAt.has(late.id!), false, 'delayed job ran early');
        await waitFor('both delayed jobs', () => processedAt.has(late.id!) && processedAt.has(later.id!));
        const lateAt = processedAt.get(late.id!)! - addedAt;
        const laterAt = processedAt.get(later.id!)! - addedAt;
        assert.ok(lateAt >= DELAY_MS - 10, `late ran after ${lateAt} ms`);
        assert.ok(laterAt >= 2 * DELAY_MS - 10, `later ran after ${laterAt} ms`);
        // Promptly, too: the worker woke from its blocking wait on the marker, not by polling slowly.
        assert.ok(lateAt < DELAY_MS + 1500, `late ran only after ${lateAt} ms`);
        assert.ok(laterAt < 2 * DELAY_MS + 1500, `later ran only after ${laterAt} ms`);
        await waitFor('3 completed', async () => (await queue.getCompletedCount()) === 3);
        assert.deepEqual(new Set(delayedEvents), new Set([late.id, later.id]));
      } finally {
        await closeAll();
      }
    });

    test('priorities: jobs added to a paused queue run in priority order with concurrency 1', { timeout: TEST_TIMEOUT_MS }, async () => {
      try {
        const { queue, name } = await openQueue('prio');
        await queue.pause();
        assert.equal(await queue.isPaused(), true);
        const order: string[] = [];
        openWorker(name, async (job: Job) => {
          order.push(job.name);
        });
        const priorities = [5, 1, 3, 2, 4, 1];
        for (const [i, priority] of priorities.entries()) await queue.add(`p${priority}-${i}`, {}, { priority });
        await sleep(200);
        assert.deepEqual(order, [], 'a paused queue ran jobs');
        assert.equal(await queue.getPrioritizedCount(), priorities.length);
        await queue.resume();
        await waitFor('all prioritized jobs', () => order.length === priorities.length);
        // Lower number first; equal priorities in insertion order.
        assert.deepEqual(order, ['p1-1', 'p1-5', 'p2-3', 'p3-2', 'p4-4', 'p5-0']);
      } finally {
        await closeAll();
      }
    });

    test('job progress updates reach QueueEvents; getJobCounts tracks waiting, active, completed', { timeout: TEST_TIMEOUT_MS }, async () => {
      try {
        const { queue, events, name } = await openQueue('progress');
        const progress: Array<[string, unknown]> = [];
        events.on('progress', ({ jobId, data }) => progress.push([jobId, data]));
        const jobs = await queue.addBulk([0, 1, 2].map((i) => ({ name: 'step', data: { i } })));
        assert.deepEqual(await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed'), { waiting: 3, active: 0, completed: 0, failed: 0, delayed: 0 });

        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let entered = false;
        openWorker(name, async (job: Job) => {
          await job.updateProgress(25);
          await job.updateProgress({ stage: 'half', pct: 50 });
          if (job.data.i === 0) {
            entered = true;
            await gate;
          }
          await job.updateProgress(100);
          return job.data.i;
        });
        await waitFor('the first job to hold', () => entered);
        assert.deepEqual(await queue.getJobCounts('waiting', 'active', 'completed'), { waiting: 2, active: 1, completed: 0 });
        const held = (await queue.getJob(jobs[0]!.id!))!;
        assert.deepEqual(held.progress, { stage: 'half', pct: 50 });
        release();
        await waitFor('3 completed', async () => (await queue.getCompletedCount()) === 3);
        assert.deepEqual(await queue.getJobCounts('waiting', 'active', 'completed', 'failed'), { waiting: 0, active: 0, completed: 3, failed: 0 });
        await waitFor('9 progress events', () => progress.length === 9);
        for (const job of jobs) {
          assert.deepEqual(
            progress.filter(([id]) => id === job.id).map(([, data]) => data),
            [25, { stage: 'half', pct: 50 }, 100],
          );
          assert.equal((await queue.getJob(job.id!))!.progress, 100);
        }
      } finally {
        await closeAll();
      }
    });

    test('removeOnComplete and removeOnFail are honoured', { timeout: TEST_TIMEOUT_MS }, async () => {
      try {
        const { queue, events, name } = await openQueue('remove');
        const finished = new Set<string>();
        events.on('completed', ({ jobId }) => finished.add(jobId));
        events.on('failed', ({ jobId }) => finished.add(jobId));
        openWorker(name, async (job: Job) => {
          if (job.data.fail) throw new Error('no');
          return 'ok';
        });
        const gone = await queue.add('gone', {}, { removeOnComplete: true });
        const goneFailed = await queue.add('gone-failed', { fail: true }, { removeOnFail: true });
        const kept = await queue.add('kept', {}, { removeOnComplete: false });
        const keptFailed = await queue.add('kept-failed', { fail: true }, { removeOnFail: false });
        const all = [gone, goneFailed, kept, keptFailed];
        await waitFor('all jobs finished', () => all.every((j) => finished.has(j.id!)));

        assert.equal(await queue.getJob(gone.id!), undefined, 'removeOnComplete: true left the job');
        assert.equal(await queue.getJob(goneFailed.id!), undefined, 'removeOnFail: true left the job');
        assert.equal(await (await queue.getJob(kept.id!))!.getState(), 'completed');
        const keptFailedJob = (await queue.getJob(keptFailed.id!))!;
        assert.equal(await keptFailedJob.getState(), 'failed');
        assert.equal(keptFailedJob.failedReason, 'no');
        assert.deepEqual(await queue.getJobCounts('completed', 'failed'), { completed: 1, failed: 1 });
        // Removed jobs leave no keys behind (the job hash, its logs).
        const raw = new IORedis({ ...connection, lazyConnect: true });
        closers.push(async () => raw.disconnect());
        await raw.connect();
        const jobKeys = [gone, goneFailed].flatMap((j) => [`bull:${name}:${j.id}`, `bull:${name}:${j.id}:logs`]);
        assert.equal(await raw.exists(...jobKeys), 0);
        assert.equal(await raw.exists(`bull:${name}:${kept.id}`), 1);

        // removeOnComplete: N keeps only the newest N completed jobs.
        const counted = await openQueue('remove-count');
        const countedDone = new Set<string>();
        counted.events.on('completed', ({ jobId }) => countedDone.add(jobId));
        openWorker(counted.name, async () => 'ok');
        const batch: Job[] = [];
        for (let i = 0; i < 5; i++) batch.push(await counted.queue.add('counted', { i }, { removeOnComplete: 2 }));
        await waitFor('the counted batch', () => batch.every((j) => countedDone.has(j.id!)));
        const keptCounted: number[] = [];
        for (const j of batch) if (await counted.queue.getJob(j.id!)) keptCounted.push(j.data.i);
        assert.deepEqual(keptCounted, [3, 4]);
        assert.equal(await counted.queue.getCompletedCount(), 2);
      } finally {
        await closeAll();
      }
    });

    test('flows: a parent runs after its children and reads their return values', { timeout: TEST_TIMEOUT_MS }, async () => {
      try {
        const { queue, name } = await openQueue('flow');
        const producer = new FlowProducer({ connection });
        closers.push(() => producer.close());
        const tree = await producer.add({
          name: 'parent',
          queueName: name,
          children: [1, 2, 3].map((v) => ({ name: `child-${v}`, queueName: name, data: { v } })),
        });
        assert.equal(await tree.job.getState(), 'waiting-children');
        const order: string[] = [];
        openWorker(name, async (job: Job) => {
          order.push(job.name);
          if (job.name !== 'parent') return (job.data.v as number) * 10;
          return Object.values(await job.getChildrenValues()).sort();
        });
        await waitFor('the parent', async () => (await tree.job.getState()) === 'completed');
        assert.equal(order.at(-1), 'parent');
        assert.deepEqual(order.slice(0, 3).sort(), ['child-1', 'child-2', 'child-3']);
        const parent = (await queue.getJob(tree.job.id!))!;
        assert.deepEqual(parent.returnvalue, [10, 20, 30]);
        assert.deepEqual(await parent.getDependenciesCount(), { processed: 3, unprocessed: 0, ignored: 0, failed: 0 });
      } finally {
        await closeAll();
      }
    });

    test('a stalled job (lock expired, never finished) is moved back and completed by another worker', { timeout: TEST_TIMEOUT_MS }, async () => {
      try {
        const { queue, name } = await openQueue('stall');
        const job = await queue.add('s', {});
        // A worker takes the job by hand with a short lock and then never finishes nor renews it.
        const taker = new Worker(name, null, { connection, lockDuration: 300 });
        closers.unshift(() => taker.close(true));
        const taken = await taker.getNextJob('the-token');
        assert.equal(taken?.id, job.id);
        assert.equal(await job.getState(), 'active');
        const rescuer = new Worker(name, async () => 'rescued', { connection, stalledInterval: 300, lockDuration: 300 });
        rescuer.on('error', () => undefined);
        closers.unshift(() => rescuer.close(true));
        const stalled: string[] = [];
        rescuer.on('stalled', (id) => stalled.push(id));
        await waitFor('the stalled job to complete', async () => (await job.getState()) === 'completed');
        const done = (await queue.getJob(job.id!))!;
        assert.equal(done.returnvalue, 'rescued');
        assert.equal(done.stalledCounter, 1);
        assert.deepEqual(stalled, [job.id]);
      } finally {
        await closeAll();
      }
    });
  });
}

// keyraft only: BullMQ's state (written by its Lua scripts, logged as the scripts' effects) is in
// the append-only file, so a SIGKILLed server restarts with every queue where it was.
describe('BullMQ state across a keyraft SIGKILL and restart (appendfsync always)', () => {
  const dir = tempDir();
  let first: ServerProcess | undefined;
  let second: ServerProcess | undefined;
  after(async () => {
    if (first && !first.exited) kill9(first);
    await second?.stop(); // removes dir
    rmSync(dir, { recursive: true, force: true });
  });

  test('jobs completed, failed, waiting, delayed and prioritized before the kill are all there after it', { timeout: TEST_TIMEOUT_MS }, async () => {
    const aof = ['--appendonly', 'yes', '--appendfsync', 'always'];
    first = await startOn(dir, aof);
    let connection = { host: '127.0.0.1', port: first.port, maxRetriesPerRequest: null };
    const closers: Array<() => Promise<unknown>> = [];
    try {
      const queue = new Queue('durable', { connection });
      closers.push(() => queue.close());
      const worker = new Worker('durable', async (job: Job) => {
        if (job.data.fail) throw new Error('nope');
        return (job.data.i as number) * 3;
      }, { connection });
      worker.on('error', () => undefined);
      closers.unshift(() => worker.close(true));
      await queue.addBulk([0, 1, 2, 3].map((i) => ({ name: 'done', data: { i } })));
      await queue.add('bad', { fail: true });
      await waitFor('4 completed, 1 failed', async () => (await queue.getCompletedCount()) === 4 && (await queue.getFailedCount()) === 1);
      await worker.close();
      await queue.addBulk([10, 11].map((i) => ({ name: 'later', data: { i } })));
      await queue.add('delayed', { i: 20 }, { delay: 600 });
      await queue.add('prio', { i: 30 }, { priority: 2 });
      const before = await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'prioritized', 'active');
      assert.deepEqual(before, { completed: 4, failed: 1, waiting: 2, delayed: 1, prioritized: 1, active: 0 });
    } finally {
      for (const close of closers.splice(0)) await close().catch(() => undefined);
    }
    kill9(first);
    await first.waitExit();

    second = await startOn(dir, aof);
    connection = { host: '127.0.0.1', port: second.port, maxRetriesPerRequest: null };
    try {
      const queue = new Queue('durable', { connection });
      closers.push(() => queue.close());
      assert.deepEqual(await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'prioritized', 'active'), {
        completed: 4,
        failed: 1,
        waiting: 2,
        delayed: 1,
        prioritized: 1,
        active: 0,
      });
      assert.equal((await queue.getFailed())[0]!.failedReason, 'nope');
      const worker = new Worker('durable', async (job: Job) => (job.data.i as number) * 3, { connection });
      worker.on('error', () => undefined);
      closers.unshift(() => worker.close(true));
      await waitFor('every job done', async () => (await queue.getCompletedCount()) === 8);
      const results = (await queue.getCompleted()).map((j) => [j.name, j.returnvalue]).sort();
      assert.deepEqual(results, [['delayed', 60], ['done', 0], ['done', 3], ['done', 6], ['done', 9], ['later', 30], ['later', 33], ['prio', 90]]);
    } finally {
      for (const close of closers.splice(0)) await close().catch(() => undefined);
    }
  });
});
