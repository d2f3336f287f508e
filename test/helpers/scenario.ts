// Multi-connection scenarios for blocking commands: a Scenario opens connections to one server,
// sends commands without waiting, waits until the server reports clients blocked, and records
// every reply under a label, so the same scenario run on keyraft and on real Redis can be
// compared transcript for transcript (lists, sorted sets and streams use it).
import assert from 'node:assert/strict';
import { encodeCommand, type RespConnection } from './resp.js';
import { referenceRedisSkipReason, startKeyraft, startRedis, type ServerProcess } from './servers.js';
import { before, after } from 'node:test';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one scenario saw: named replies in the order the scenario recorded them. */
export type Transcript = [string, string][];

export class Scenario {
  readonly conns: RespConnection[] = [];
  readonly transcript: Transcript = [];
  admin!: RespConnection;

  constructor(readonly server: ServerProcess) {}

  async open(): Promise<RespConnection> {
    const c = await this.server.connect();
    this.conns.push(c);
    return c;
  }

  async start(): Promise<void> {
    this.admin = await this.open();
    await this.admin.call('FLUSHALL');
  }

  /** Sends a command without waiting for its reply. */
  send(c: RespConnection, ...argv: string[]): void {
    c.writeRaw(encodeCommand(argv));
  }

  /** Waits until the server reports `n` blocked clients. */
  async blocked(n: number): Promise<void> {
    for (let i = 0; i < 300; i++) {
      const info = (await this.admin.value('INFO', 'clients')) as string;
      const m = /blocked_clients:(\d+)/.exec(info);
      if (m && Number(m[1]) === n) return;
      await sleep(5);
    }
    throw new Error(`${this.server.name}: never saw ${n} blocked clients`);
  }

  /** Records the next reply of `c` under `label` and returns it raw. */
  async reply(label: string, c: RespConnection, timeoutMs = 3000): Promise<string> {
    const r = (await c.next(timeoutMs)).raw.latin1Slice();
    this.transcript.push([label, r]);
    return r;
  }

  async cmd(label: string, ...argv: string[]): Promise<string> {
    const r = (await this.admin.call(...argv)).raw.latin1Slice();
    this.transcript.push([label, r]);
    return r;
  }

  /** Asserts that `c` has received nothing so far. */
  quiet(c: RespConnection): void {
    assert.equal(c.unsolicited.length, 0, `${this.server.name}: unexpected reply ${c.unsolicited[0]?.raw.latin1Slice()}`);
  }

  close(): void {
    for (const c of this.conns) c.close();
  }
}

/** A RESP2 array of bulk strings, as raw reply text. */
export const arr = (...items: string[]): string => `*${items.length}\r\n` + items.map((s) => `$${s.length}\r\n${s}\r\n`).join('');
/** A RESP2 bulk string, as raw reply text. */
export const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;

/**
 * A keyraft and (when installed) a real Redis for the file's tests, started before them and
 * stopped after. Returns `both`: it runs a scenario on keyraft, then on Redis, and checks the two
 * transcripts match.
 */
export function useScenarioServers(): (name: string, body: (s: Scenario) => Promise<void>) => Promise<void> {
  const skipRedis = referenceRedisSkipReason();
  let keyraft: ServerProcess | undefined;
  let redis: ServerProcess | undefined;
  before(async () => {
    keyraft = await startKeyraft();
    if (!skipRedis) redis = await startRedis();
  });
  after(async () => {
    await keyraft?.stop();
    await redis?.stop();
  });
  return async (name, body) => {
    const transcripts: Transcript[] = [];
    for (const server of redis ? [keyraft!, redis] : [keyraft!]) {
      const s = new Scenario(server);
      try {
        await s.start();
        await body(s);
        await s.blocked(0);
        transcripts.push(s.transcript);
      } finally {
        s.close();
      }
    }
    if (transcripts.length === 2) assert.deepEqual(transcripts[0], transcripts[1], `${name}: keyraft and redis saw different replies`);
  };
}
