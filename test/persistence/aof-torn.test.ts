// Torn tails and corruption. A file written by a real server is cut at every offset inside its
// last records and checked: the scanner keeps exactly the whole records before the cut; the
// server loads that prefix (aof-load-truncated yes, truncating the file) or refuses to start
// (no). A byte flipped in the middle of the file is corruption whatever aof-load-truncated
// says: the server refuses with an error naming keyraft-check-aof --fix, the tool reports it
// and --fix truncates at the bad record so the server starts with the prefix.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expectStartFailure, killKeep, startOn, stopKeep, tempDir, kill9 } from './aof-support.js';
import { REPO_ROOT, type ServerProcess } from '../helpers/servers.js';
import { AOF_HEADER, AOF_HEADER_BYTES, RECORD_HEADER_BYTES, encodeEntry, scanAof, type AofEntry } from '../../src/persistence/aof-format.js';
import { crc32, crc32Js, crc32Range } from '../../src/persistence/crc.js';

const CHECK_BIN = join(REPO_ROOT, 'dist/src/bin/keyraft-check-aof.js');
const procs: ServerProcess[] = [];
const dirs: string[] = [];
after(() => {
  for (const p of procs) kill9(p);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const KEYS = 40;
let original: Buffer;
/** Start offset of each record, and the file end. */
let offsets: number[];

function aofFile(dir: string): string {
  return join(dir, 'appendonlydir', 'appendonly.aof');
}

/** A fresh directory holding `bytes` as its AOF. */
function dirWith(bytes: Buffer): string {
  const dir = tempDir();
  dirs.push(dir);
  mkdirSync(join(dir, 'appendonlydir'));
  writeFileSync(aofFile(dir), bytes);
  return dir;
}

async function keysAfterStart(dir: string, args: string[] = []): Promise<string[]> {
  const p = await startOn(dir, ['--appendonly', 'yes', ...args]);
  procs.push(p);
  const c = await p.connect();
  const keys = ((await c.value('KEYS', '*')) as string[]).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  c.close();
  await killKeep(p);
  return keys;
}

const expectedKeys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);

before(async () => {
  const dir = tempDir();
  dirs.push(dir);
  const p = await startOn(dir, ['--appendonly', 'yes', '--appendfsync', 'always']);
  procs.push(p);
  const c = await p.connect();
  // Records of varied sizes, one key each, so the loaded prefix is visible as k0..k(n-1).
  for (let i = 0; i < KEYS; i++) await c.value('SET', `k${i}`, 'v'.repeat((i * 37) % 300));
  c.close();
  await stopKeep(p);
  original = readFileSync(aofFile(dir));
  offsets = [];
  const scan = scanAof(original, (_e, offset) => offsets.push(offset));
  assert.equal(scan.problem, null);
  assert.equal(scan.records, KEYS);
  offsets.push(original.length);
});

test('crc32: the native and the JS implementation agree', () => {
  for (const s of ['', 'a', '123456789', '\x00\xff'.repeat(1000)]) {
    const b = Buffer.from(s, 'latin1');
    assert.equal(crc32(b), crc32Js(b));
    assert.equal(crc32(b.subarray(3), crc32(b.subarray(0, 3))), crc32Js(b));
  }
  assert.equal(crc32Js(Buffer.from('123456789')), 0xcbf43926);
  const big = Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 31) & 0xff));
  for (const [a, b] of [[0, 0], [3, 50], [0, 96], [1, 98], [7, 500]] as const) assert.equal(crc32Range(big, a, b), crc32Js(big.subarray(a, b)));
});

test('format: entries round-trip (binary bytes, every argument length around the short/long split, transactions)', () => {
  const entries: AofEntry[] = [];
  for (let n = 0; n <= 130; n += 1) {
    const arg = Array.from({ length: n }, (_, i) => String.fromCharCode((i * 97 + n) & 0xff)).join('');
    entries.push({ time: 1_700_000_000_123 + n, seed: n % 2 ? -n : n * 1000, db: n % 16, commands: [['SET', arg, arg + arg]] });
  }
  entries.push({ time: 5, seed: 2147483647, db: 3, transaction: true, commands: [['SELECT', '4'], ['SPOP', 's'], ['SET', '\x00', '\xff']] });
  entries.push({ time: 6, seed: 7, db: 0, transaction: true, commands: [['SPOP', 's']] });
  const file = Buffer.concat([AOF_HEADER, ...entries.map((e) => encodeEntry(e))]);
  const back: AofEntry[] = [];
  const scan = scanAof(file, (e) => back.push(e));
  assert.equal(scan.problem, null);
  assert.deepEqual(back, entries);
  // The payload checksum is the plain CRC-32 of the payload (whatever path computed it).
  for (const e of entries) {
    const rec = encodeEntry(e);
    assert.equal(rec.readUInt32LE(4), crc32Js(rec.subarray(RECORD_HEADER_BYTES)));
  }
});

test('scanner: a cut at every offset of the last three records keeps exactly the whole records before it', () => {
  const from = offsets[KEYS - 3]!;
  for (let cut = from; cut < original.length; cut++) {
    const scan = scanAof(original.subarray(0, cut));
    const whole = offsets.filter((o) => o <= cut).length - 1;
    assert.equal(scan.records, whole, `cut at ${cut}`);
    assert.equal(scan.validBytes, offsets[whole], `cut at ${cut}`);
    if (cut === offsets[whole]) assert.equal(scan.problem, null);
    else assert.equal(scan.problem?.kind, 'truncated', `cut at ${cut}: ${JSON.stringify(scan.problem)}`);
  }
  // A header cut short is a torn creation, not a foreign file.
  for (let cut = 1; cut < AOF_HEADER_BYTES; cut++) assert.equal(scanAof(original.subarray(0, cut)).problem?.kind, 'truncated');
  // Zeroes after the last record (a crash after the file grew, before its data was written).
  const zeroed = scanAof(Buffer.concat([original, Buffer.alloc(4096)]));
  assert.deepEqual([zeroed.records, zeroed.problem?.kind], [KEYS, 'truncated']);
});

test('scanner: any byte flipped inside a middle record is corruption, found at that record', () => {
  const k = 20;
  for (let pos = offsets[k]!; pos < offsets[k + 1]!; pos++) {
    const bad = Buffer.from(original);
    bad[pos] ^= 0x41;
    const scan = scanAof(bad);
    assert.equal(scan.records, k, `flip at ${pos}`);
    assert.equal(scan.problem?.kind, 'corrupt', `flip at ${pos}`);
    assert.equal(scan.problem?.offset, offsets[k]);
    assert.equal(scan.problem?.nextValidOffset, offsets[k + 1]);
  }
  // The same damage in the very last record cannot be told from a torn write: a torn tail.
  const last = Buffer.from(original);
  last[offsets[KEYS - 1]! + 14] ^= 1;
  assert.equal(scanAof(last).problem?.kind, 'truncated');
  // A record appended after the damage makes it corruption again.
  const more = Buffer.concat([last, encodeEntry({ time: 1, seed: 1, db: 0, commands: [['SET', 'x', 'y']] })]);
  assert.equal(scanAof(more).problem?.kind, 'corrupt');
});

test('server: a torn tail loads the valid prefix and truncates the file (aof-load-truncated yes), or refuses (no)', async () => {
  // Cuts inside the last record's header, payload and last byte, and inside the one before.
  const cuts = [offsets[KEYS - 1]! + 5, offsets[KEYS - 1]! + 20, original.length - 1, offsets[KEYS - 2]! + 13];
  for (const cut of cuts) {
    const dir = dirWith(original.subarray(0, cut));
    const refused = await expectStartFailure(dir, ['--appendonly', 'yes', '--aof-load-truncated', 'no']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /Unexpected end of file reading the append only file/);
    assert.match(refused.output, /keyraft-check-aof --fix/);
    assert.equal(statSync(aofFile(dir)).size, cut, 'a refused load must not change the file');
    const whole = offsets.filter((o) => o <= cut).length - 1;
    assert.deepEqual(await keysAfterStart(dir), expectedKeys(whole), `cut at ${cut}`);
    assert.equal(statSync(aofFile(dir)).size, offsets[whole], 'the torn tail is truncated');
  }
});

test('server: a flipped byte in the middle refuses to start; keyraft-check-aof reports, --fix repairs', async () => {
  const bad = Buffer.from(original);
  const k = 17;
  bad[offsets[k]! + 25] ^= 0xff;
  const dir = dirWith(bad);
  for (const truncated of ['yes', 'no']) {
    const refused = await expectStartFailure(dir, ['--appendonly', 'yes', '--aof-load-truncated', truncated]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /Bad file format reading the append only file .*checksum mismatch at offset \d+/);
    assert.match(refused.output, /keyraft-check-aof --fix/);
  }
  const file = aofFile(dir);
  const report = spawnSync(process.execPath, [CHECK_BIN, file], { encoding: 'utf8' });
  assert.equal(report.status, 1, report.stdout + report.stderr);
  assert.match(report.stdout, new RegExp(`AOF is corrupt at offset ${offsets[k]}`));
  assert.equal(readFileSync(file).length, bad.length, 'without --fix the file is untouched');
  const fix = spawnSync(process.execPath, [CHECK_BIN, '--fix', file], { encoding: 'utf8' });
  assert.equal(fix.status, 0, fix.stdout + fix.stderr);
  assert.match(fix.stdout, /Successfully truncated/);
  assert.equal(statSync(file).size, offsets[k]);
  const again = spawnSync(process.execPath, [CHECK_BIN, file], { encoding: 'utf8' });
  assert.equal(again.status, 0);
  assert.match(again.stdout, /AOF is valid/);
  assert.deepEqual(await keysAfterStart(dir, ['--aof-load-truncated', 'no']), expectedKeys(k));
});

test('keyraft-check-aof: a torn tail is reported and fixed; a foreign file is refused', () => {
  const dir = dirWith(original.subarray(0, original.length - 3));
  const file = aofFile(dir);
  const copy = `${file}.copy`;
  copyFileSync(file, copy);
  const report = spawnSync(process.execPath, [CHECK_BIN, copy], { encoding: 'utf8' });
  assert.equal(report.status, 1);
  assert.match(report.stdout, /torn tail/);
  assert.equal(spawnSync(process.execPath, [CHECK_BIN, '--fix', copy], { encoding: 'utf8' }).status, 0);
  assert.equal(statSync(copy).size, offsets[KEYS - 1]);
  appendFileSync(copy, 'garbage');
  truncateSync(copy, 0);
  writeFileSync(copy, '*2\r\n$3\r\nSET\r\n');
  const foreign = spawnSync(process.execPath, [CHECK_BIN, copy], { encoding: 'utf8' });
  assert.equal(foreign.status, 2);
  assert.match(foreign.stderr, /not a keyraft append-only file/);
});
