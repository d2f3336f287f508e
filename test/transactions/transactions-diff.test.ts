// MULTI/EXEC/DISCARD/WATCH against real Redis: single-connection streams byte for byte, and WATCH
// races driven from two connections on each server, comparing every reply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDifferentialPair } from '../helpers/differential.js';
import { type ServerProcess } from '../helpers/servers.js';
import type { RespConnection } from '../helpers/resp.js';

const { skip, pair } = useDifferentialPair();

test('transactions on one connection match Redis', { skip }, async () => {
  await pair.assertSame('multi basics', [
    ['MULTI'],
    ['SET', 'a', '1'],
    ['INCR', 'a'],
    ['GET', 'a'],
    ['EXEC'],
    ['EXEC'],
    ['DISCARD'],
    ['MULTI'],
    ['MULTI'],
    ['WATCH', 'a'],
    ['SET', 'a', 'x'],
    ['DISCARD'],
    ['GET', 'a'],
    ['MULTI'],
    ['EXEC'],
  ]);
  await pair.assertSame('errors while queuing abort EXEC', [
    ['MULTI'],
    ['SET', 'a', '1'],
    ['NOSUCH', 'x'],
    ['GET'],
    ['EXEC'],
    ['GET', 'a'],
  ]);
  await pair.assertSame('errors while executing do not stop the others', [
    ['SET', 's', 'text'],
    ['MULTI'],
    ['INCR', 's'],
    ['SET', 'b', '2'],
    ['INCRBY', 'b', 'notanumber'],
    ['APPEND', 'b', 'x'],
    ['SELECT', '1'],
    ['SET', 'in1', 'v'],
    ['EXEC'],
    ['GET', 'b'],
    ['GET', 'in1'],
    ['SELECT', '0'],
    ['GET', 'in1'],
  ]);
  await pair.assertSame('own write before MULTI invalidates WATCH', [
    ['SET', 'w', '1'],
    ['WATCH', 'w'],
    ['SET', 'w', '2'],
    ['MULTI'],
    ['SET', 'w', '3'],
    ['EXEC'],
    ['GET', 'w'],
    ['WATCH', 'w'],
    ['UNWATCH'],
    ['SET', 'w', '4'],
    ['MULTI'],
    ['GET', 'w'],
    ['EXEC'],
    ['WATCH', 'w', 'nokey'],
    ['MULTI'],
    ['SET', 'nokey', 'x'],
    ['EXEC'],
    ['WATCH', 'w'],
    ['FLUSHDB'],
    ['MULTI'],
    ['PING'],
    ['EXEC'],
    ['SET', 'z', '1'],
    ['WATCH', 'z'],
    ['SWAPDB', '0', '1'],
    ['MULTI'],
    ['PING'],
    ['EXEC'],
  ]);
});

async function conns(server: ServerProcess): Promise<[RespConnection, RespConnection]> {
  const a = await server.connect();
  const b = await server.connect();
  await a.call('FLUSHALL');
  return [a, b];
}

/** Runs a two-connection script on a server, returning every reply's raw text. */
async function race(server: ServerProcess, script: [0 | 1, string[]][], pauseAfter?: number, pauseMs = 0): Promise<string[]> {
  const [a, b] = await conns(server);
  const out: string[] = [];
  try {
    for (let i = 0; i < script.length; i++) {
      const [who, argv] = script[i]!;
      out.push((await (who === 0 ? a : b).call(...argv)).raw.latin1Slice());
      if (i === pauseAfter) await new Promise((r) => setTimeout(r, pauseMs));
    }
  } finally {
    a.close();
    b.close();
  }
  return out;
}

test('WATCH races between two connections match Redis', { skip }, async () => {
  const scripts: [0 | 1, string[]][][] = [
    // Another client writes the watched key: EXEC fails.
    [
      [0, ['SET', 'k', '1']],
      [0, ['WATCH', 'k']],
      [1, ['SET', 'k', '2']],
      [0, ['MULTI']],
      [0, ['INCR', 'k']],
      [0, ['EXEC']],
      [0, ['GET', 'k']],
    ],
    // Another client writes a different key: EXEC succeeds.
    [
      [0, ['WATCH', 'k']],
      [1, ['SET', 'other', '2']],
      [0, ['MULTI']],
      [0, ['SET', 'k', 'mine']],
      [0, ['EXEC']],
    ],
    // Another client deletes, then recreates with the same value: still a conflict.
    [
      [0, ['SET', 'k', 'v']],
      [0, ['WATCH', 'k']],
      [1, ['DEL', 'k']],
      [1, ['SET', 'k', 'v']],
      [0, ['MULTI']],
      [0, ['GET', 'k']],
      [0, ['EXEC']],
    ],
    // The other client's write happens while the first is queuing.
    [
      [0, ['WATCH', 'k']],
      [0, ['MULTI']],
      [0, ['SET', 'k', 'a']],
      [1, ['SET', 'k', 'b']],
      [0, ['EXEC']],
      [1, ['GET', 'k']],
    ],
  ];
  for (const script of scripts) {
    assert.deepEqual(await race(pair.keyraft, script), await race(pair.redis, script), JSON.stringify(script));
  }
});

test('a watched key that expires makes EXEC fail, as in Redis', { skip }, async () => {
  const script: [0 | 1, string[]][] = [
    [0, ['SET', 'e', '1', 'PX', '50']],
    [0, ['WATCH', 'e']],
    [0, ['MULTI']],
    [0, ['PING']],
    [0, ['EXEC']],
  ];
  // Pause 120 ms after MULTI so the key expires between WATCH and EXEC.
  assert.deepEqual(await race(pair.keyraft, script, 2, 120), await race(pair.redis, script, 2, 120));
});
