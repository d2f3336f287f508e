// `npm run bench:bullmq`: a real client's workload, BullMQ 6 over ioredis, on keyraft and on
// Debian's redis-server side by side. Each round adds N jobs in bulk (Queue.addBulk) and then
// processes them with a Worker at concurrency C (a no-op processor), timing both phases. Every
// BullMQ operation is an EVALSHA of a large Lua script (27 KB for moveToFinished), so this is
// the measure of scripting for job queues: jobs per second, and keyraft / Redis.
//
// Options: --jobs N (default 2000), --concurrency C (default 20), --rounds R (default 2).

import { Queue, Worker } from 'bullmq';
import { arg, startServer, stopServer, type Proc } from './bench-util.js';

const JOBS = Number(arg('jobs', '2000'));
const CONCURRENCY = Number(arg('concurrency', '20'));
const ROUNDS = Number(arg('rounds', '2'));

interface Result {
  addPerSec: number;
  processPerSec: number;
}

async function measure(server: Proc, round: number): Promise<Result> {
  const connection = { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
  const name = `bench-${round}`;
  const queue = new Queue(name, { connection });
  const jobs = Array.from({ length: JOBS }, (_, i) => ({ name: 'job', data: { i, payload: 'x'.repeat(100) } }));
  let started = performance.now();
  await queue.addBulk(jobs);
  const addMs = performance.now() - started;
  let done = 0;
  started = performance.now();
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker(name, async () => 1, { connection, concurrency: CONCURRENCY });
    worker.on('completed', () => {
      if (++done === JOBS) void worker.close().then(resolve);
    });
  });
  await finished;
  const processMs = performance.now() - started;
  await queue.obliterate({ force: true });
  await queue.close();
  return { addPerSec: (JOBS / addMs) * 1000, processPerSec: (JOBS / processMs) * 1000 };
}

const best: Record<string, Result> = {};
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which server goes first, so drift on a loaded machine hits both.
  for (const name of round % 2 === 0 ? (['keyraft', 'redis'] as const) : (['redis', 'keyraft'] as const)) {
    const server = await startServer(name);
    try {
      const r = await measure(server, round);
      const b = best[name];
      best[name] = { addPerSec: Math.max(b?.addPerSec ?? 0, r.addPerSec), processPerSec: Math.max(b?.processPerSec ?? 0, r.processPerSec) };
    } finally {
      await stopServer(server);
    }
  }
}
const k = best.keyraft!;
const r = best.redis!;
console.log(`# BullMQ ${JOBS} jobs, concurrency ${CONCURRENCY}, best of ${ROUNDS} rounds, node ${process.version}`);
console.log('| phase | keyraft jobs/s | redis jobs/s | ratio |');
console.log('|---|---|---|---|');
console.log(`| addBulk | ${k.addPerSec.toFixed(0)} | ${r.addPerSec.toFixed(0)} | ${(k.addPerSec / r.addPerSec).toFixed(2)} |`);
console.log(`| process | ${k.processPerSec.toFixed(0)} | ${r.processPerSec.toFixed(0)} | ${(k.processPerSec / r.processPerSec).toFixed(2)} |`);
