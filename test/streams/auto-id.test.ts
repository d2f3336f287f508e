// Auto IDs come from the write entry's time (ctx.now), never from the wall clock, and never go
// backwards: the same `now` twice gives now-0 then now-1; a last ID in the future is continued
// (seq + 1); `<ms>-*` continues the last sequence for the same ms. Checked in process with a
// fixed `now`, so the exact IDs are known (real Redis cannot be compared here: its clock differs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Config } from '../../src/config/config.js';
import { ServerState } from '../../src/server/state.js';
import { ReplyWriter } from '../../src/protocol/reply.js';

function harness(): (now: number, ...argv: string[]) => string {
  const server = new ServerState(new Config());
  return (now, ...argv) => {
    const cmd = server.commands.resolve(argv);
    assert.ok(cmd?.handler);
    const w = new ReplyWriter();
    server.engine.execute(cmd, argv, null, 0, w, now);
    return w.take().latin1Slice();
  };
}

const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;

test('XADD * uses the entry time and never goes backwards', () => {
  const run = harness();
  const now = 1_700_000_000_000;
  assert.equal(run(now, 'XADD', 's', '*', 'f', 'v'), bulk(`${now}-0`));
  assert.equal(run(now, 'XADD', 's', '*', 'f', 'v'), bulk(`${now}-1`));
  assert.equal(run(now - 5000, 'XADD', 's', '*', 'f', 'v'), bulk(`${now}-2`));
  assert.equal(run(now + 1, 'XADD', 's', '*', 'f', 'v'), bulk(`${now + 1}-0`));
  assert.equal(run(now, 'XADD', 's', `${now + 1}-*`, 'f', 'v'), bulk(`${now + 1}-1`));
  assert.equal(run(now, 'XADD', 's', `${now + 9}-*`, 'f', 'v'), bulk(`${now + 9}-0`));
  assert.equal(run(now, 'XSETID', 's', `${now + 50}-18446744073709551615`), '+OK\r\n');
  assert.equal(run(now, 'XADD', 's', '*', 'f', 'v'), bulk(`${now + 51}-0`));
  assert.equal(run(now, 'XSETID', 's', '18446744073709551615-18446744073709551614'), '+OK\r\n');
  assert.equal(run(now, 'XADD', 's', '*', 'f', 'v'), bulk('18446744073709551615-18446744073709551615'));
  assert.match(run(now, 'XADD', 's', '*', 'f', 'v'), /^-ERR The stream has exhausted the last possible ID/);
});

test('the same commands at the same times give the same stream (replay determinism)', () => {
  const a = harness();
  const b = harness();
  const script: [number, string[]][] = [
    [1000, ['XADD', 's', '*', 'a', '1']],
    [1000, ['XADD', 's', 'MAXLEN', '~', '1', '*', 'b', '2']],
    [1000, ['XGROUP', 'CREATE', 's', 'g', '0']],
    [1005, ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>']],
    [2000, ['XCLAIM', 's', 'g', 'd', '500', '1000-0', '1000-1']],
    [2500, ['XINFO', 'STREAM', 's', 'FULL']],
    [2600, ['XPENDING', 's', 'g', '-', '+', '10']],
  ];
  for (const [now, argv] of script) assert.equal(a(now, ...argv), b(now, ...argv));
  assert.match(a(2600, 'XPENDING', 's', 'g', '-', '+', '10'), /\$6\r\n1000-0\r\n\$1\r\nd\r\n:600\r\n:2\r\n/);
});
