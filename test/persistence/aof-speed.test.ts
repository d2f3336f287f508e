// The fast paths of the AOF encoder against plain references: the slice-by-8 CRC and the
// header CRC computed from values (crc.ts), records encoded in two passes (aof-format.ts) whose
// checksums a bitwise CRC confirms and which scan back to the same entries, and a batch sealed
// at once (as the writer does before its write) byte-identical to records encoded one by one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32JsRange, crc32U32Pair } from '../../src/persistence/crc.js';
import { AOF_HEADER, RECORD_HEADER_BYTES, encodeEntry, encodeRecordUnsealed, encodedSize, scanAof, sealRecords, type AofEntry } from '../../src/persistence/aof-format.js';

/** The textbook bit-at-a-time CRC-32 (no tables): the reference. */
function crcBitwise(data: Uint8Array, start = 0, end = data.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) {
    c ^= data[i]!;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

test('slice-by-8 CRC equals the bitwise CRC at every length 0..300 and every alignment', () => {
  const data = Buffer.alloc(320);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  assert.equal(crc32JsRange(Buffer.from('123456789'), 0, 9), 0xcbf43926);
  for (let start = 0; start < 9; start++) {
    for (let len = 0; len <= 300; len++) assert.equal(crc32JsRange(data, start, start + len), crcBitwise(data, start, start + len), `start ${start} len ${len}`);
  }
  // Continuing from an earlier CRC.
  assert.equal(crc32JsRange(data, 40, 300, crc32JsRange(data, 0, 40)), crcBitwise(data, 0, 300));
});

test('the header CRC from two u32 values equals the CRC of their 8 little-endian bytes', () => {
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  const b = Buffer.alloc(8);
  for (const [lo, hi] of [[0, 0], [0xffffffff, 0xffffffff], [1, 0x80000000]]) {
    b.writeUInt32LE(lo!, 0);
    b.writeUInt32LE(hi!, 4);
    assert.equal(crc32U32Pair(lo!, hi!), crcBitwise(b));
  }
  for (let i = 0; i < 2000; i++) {
    const lo = next();
    const hi = next();
    b.writeUInt32LE(lo, 0);
    b.writeUInt32LE(hi, 4);
    assert.equal(crc32U32Pair(lo, hi), crcBitwise(b));
  }
});

test('records encoded in two passes carry bitwise-correct checksums and scan back as written', () => {
  const entries: AofEntry[] = [
    { time: 1700000000123.5, seed: -7, db: 0, commands: [['SET', 'key:000000012345', 'xxx']] },
    { time: 0, seed: 0x7fffffff, db: 15, commands: [['SET', 'k', 'v'.repeat(64)]] },
    { time: 1, seed: 1, db: 3, commands: [['SET', 'k', 'v'.repeat(65)], ['APPEND', 'k', '\u00ff\u0000\r\n'.repeat(100)]], transaction: true },
    { time: 2, seed: 2, db: 1, commands: [['DEL', '']] },
  ];
  const records = entries.map((e) => encodeEntry(e));
  for (const rec of records) {
    const length = rec.readUInt32LE(0);
    assert.equal(rec.length, RECORD_HEADER_BYTES + length);
    assert.equal(rec.readUInt32LE(4), crcBitwise(rec, RECORD_HEADER_BYTES));
    assert.equal(rec.readUInt32LE(8), crcBitwise(rec, 0, 8));
  }
  const back: AofEntry[] = [];
  const scan = scanAof(Buffer.concat([AOF_HEADER, ...records]), (e) => back.push(e));
  assert.equal(scan.problem, null);
  assert.deepEqual(back, entries);
});

test('a batch encoded unsealed and sealed at once equals the records encoded one by one', () => {
  const entries: AofEntry[] = [];
  for (let i = 0; i < 300; i++) {
    entries.push({ time: 1700000000000 + i, seed: i * 2654435761, db: i % 16, commands: [['SET', `key:${i}`, 'v'.repeat(i % 200)]], transaction: i % 7 === 0 });
  }
  const buf = Buffer.alloc(entries.reduce((n, e) => n + encodedSize(e), 0));
  let p = 0;
  let sealed = 0;
  for (const [i, e] of entries.entries()) {
    p = encodeRecordUnsealed(e, buf, p);
    // Sealed in uneven slices, as turns of different sizes would.
    if (i % 37 === 0) {
      sealRecords(buf, sealed, p);
      sealed = p;
    }
  }
  sealRecords(buf, sealed, p);
  assert.equal(p, buf.length);
  assert.deepEqual(buf, Buffer.concat(entries.map((e) => encodeEntry(e))));
});
