// The request parser: every case runs with the input whole and byte by byte (and in random
// chunkings), malformed input gets Redis's error texts, limits hold, and a bounded fuzz run of
// random bytes never throws or grows the pending buffer past the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RequestParser, ProtocolError, splitInlineArgs, INLINE_BYTES_MAX } from '../../src/protocol/parser.js';

const LIMITS = { bulkBytesMax: 512 * 1024 * 1024, queryBufferBytesMax: 1024 * 1024 * 1024 };

type Outcome = (string[] | string)[];

/**
 * Feeds `input` in the given chunk sizes and collects commands and errors (as strings). With
 * `shared`, every chunk is read into one reused buffer, as the server's sockets do
 * (net/adopt.ts): the parser must detach() what it has not consumed, and the buffer is
 * scribbled over after each chunk so a stale reference into it shows up as wrong bytes.
 */
function parse(input: Buffer, chunkSizes: (i: number) => number, limits = LIMITS, authenticated = true, shared = false): Outcome {
  const p = new RequestParser(limits);
  p.authenticated = authenticated;
  const out: Outcome = [];
  const sharedBuffer = Buffer.alloc(64);
  let pos = 0;
  let i = 0;
  outer: while (pos < input.length) {
    const n = Math.min(Math.max(1, chunkSizes(i++)), shared ? sharedBuffer.length : Infinity);
    if (shared) {
      input.copy(sharedBuffer, 0, pos, pos + n);
      assert.ok(p.feed(sharedBuffer, Math.min(n, input.length - pos)));
    } else {
      // A fresh buffer per chunk, as a socket delivers them (the parser may keep a reference).
      assert.ok(p.feed(Buffer.from(input.subarray(pos, pos + n))));
    }
    pos += n;
    for (;;) {
      const r = p.next();
      if (r === null) break;
      if (r instanceof ProtocolError) {
        out.push(r.message);
        break outer;
      }
      out.push(r);
    }
    if (shared) {
      p.detach();
      sharedBuffer.fill(0xee);
    }
  }
  return out;
}

function check(input: string | Buffer, expected: Outcome, authenticated = true): void {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  assert.deepEqual(parse(buf, () => buf.length, LIMITS, authenticated), expected, 'whole');
  assert.deepEqual(parse(buf, () => 1, LIMITS, authenticated), expected, 'byte by byte');
  assert.deepEqual(parse(buf, (i) => (i % 3) + 2, LIMITS, authenticated), expected, 'small chunks');
}

test('multibulk commands, pipelined, binary-safe', () => {
  check('*1\r\n$4\r\nPING\r\n', [['PING']]);
  check('*2\r\n$3\r\nGET\r\n$1\r\na\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n', [
    ['GET', 'a'],
    ['SET', 'k', 'a\r\nb'],
  ]);
  check('*2\r\n$4\r\nECHO\r\n$0\r\n\r\n', [['ECHO', '']]);
  check(Buffer.concat([Buffer.from('*2\r\n$4\r\nECHO\r\n$3\r\n'), Buffer.from([0, 0xff, 0x80]), Buffer.from('\r\n')]), [['ECHO', '\x00\xff\x80']]);
});

test('empty requests are skipped as Redis does', () => {
  check('*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n', [['PING']]);
  check('\r\n\n   \r\nPING\r\n', [['PING']]);
});

test('inline commands with quoting', () => {
  check('PING\r\n', [['PING']]);
  check('SET a b\nGET a\r\n', [
    ['SET', 'a', 'b'],
    ['GET', 'a'],
  ]);
  check('SET "a b" \'c d\' "\\x41\\n" \'it\\\'s\'\r\n', [['SET', 'a b', 'c d', 'A\n', "it's"]]);
  check('SET "unbalanced\r\n', ['Protocol error: unbalanced quotes in request']);
  check('SET "a"b\r\n', ['Protocol error: unbalanced quotes in request']);
});

test('splitInlineArgs follows sdssplitargs', () => {
  assert.deepEqual(splitInlineArgs('  a   b\t c '), ['a', 'b', 'c']);
  assert.deepEqual(splitInlineArgs('"\\x4"'), ['x4']); // an incomplete \x escape is just 'x'
  assert.deepEqual(splitInlineArgs('""'), ['']);
  assert.deepEqual(splitInlineArgs("''"), ['']);
  assert.equal(splitInlineArgs("'abc"), null);
});

test('protocol errors use Redis texts', () => {
  check('*abc\r\n', ['Protocol error: invalid multibulk length']);
  check('*2147483648\r\n', ['Protocol error: invalid multibulk length']);
  check('*1\r\n$abc\r\n', ['Protocol error: invalid bulk length']);
  check('*1\r\n$-1\r\n', ['Protocol error: invalid bulk length']);
  check('*1\r\n$536870913\r\n', ['Protocol error: invalid bulk length']);
  check('*2\r\n$3\r\nGET\r\nx\r\n', ["Protocol error: expected '$', got 'x'"]);
  check('*1\r\n$01\r\nx\r\n', ['Protocol error: invalid bulk length']);
});

test('unauthenticated clients get tighter limits', () => {
  check('*11\r\n', ['Protocol error: unauthenticated multibulk length'], false);
  check('*1\r\n$16385\r\n', ['Protocol error: unauthenticated bulk length'], false);
  check('*10\r\n', [], false);
});

test('lines without a newline are bounded', () => {
  assert.deepEqual(parse(Buffer.alloc(INLINE_BYTES_MAX + 10, 0x61), () => 4096), ['Protocol error: too big inline request']);
  const mbulk = Buffer.concat([Buffer.from('*'), Buffer.alloc(INLINE_BYTES_MAX + 10, 0x31)]);
  assert.deepEqual(parse(mbulk, () => 4096), ['Protocol error: too big mbulk count string']);
  const bulk = Buffer.concat([Buffer.from('*1\r\n$'), Buffer.alloc(INLINE_BYTES_MAX + 10, 0x31)]);
  assert.deepEqual(parse(bulk, () => 4096), ['Protocol error: too big bulk count string']);
});

test('a large argument arriving in many chunks is assembled once', () => {
  const value = Buffer.alloc(300_000);
  for (let i = 0; i < value.length; i++) value[i] = i * 7;
  const input = Buffer.concat([Buffer.from(`*2\r\n$4\r\nECHO\r\n$${value.length}\r\n`), value, Buffer.from('\r\n')]);
  const out = parse(input, () => 1000);
  assert.equal(out.length, 1);
  assert.equal((out[0] as string[])[1], value.latin1Slice());
});

test('the query buffer limit is enforced', () => {
  const p = new RequestParser({ bulkBytesMax: 1024 * 1024, queryBufferBytesMax: 100_000 });
  assert.ok(p.feed(Buffer.from('*1\r\n$900000\r\n')));
  assert.equal(p.next(), null);
  let ok = true;
  for (let i = 0; i < 20 && ok; i++) ok = p.feed(Buffer.alloc(10_000, 0x61));
  assert.equal(ok, false, 'feeding past the limit must be refused');
});

test('random bytes never throw and never grow the buffer past the limit', () => {
  const limits = { bulkBytesMax: 1024 * 1024, queryBufferBytesMax: 256 * 1024 };
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...['*', '$', '\r\n', '*3\r\n', '$5\r\n', '"', "'", '\n'].map((s) => Buffer.from(s)))), { maxLength: 200 }),
      (chunks) => {
        const p = new RequestParser(limits);
        for (const c of chunks) {
          if (!p.feed(Buffer.from(c))) return;
          for (;;) {
            const r = p.next();
            if (r === null) break;
            if (r instanceof ProtocolError) return;
            assert.ok(Array.isArray(r) && r.length > 0);
          }
          assert.ok(p.pendingBytes <= limits.queryBufferBytesMax);
        }
      },
    ),
    { numRuns: 2000, seed: 42 },
  );
});

test('same commands whatever the chunking, read into fresh or shared buffers (property)', () => {
  // Short arguments (0-4 bytes) are drawn often: the parser caches those by their bytes, and
  // two different ones landing in the same cache entry must still come out as themselves.
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 4 }), fc.uint8Array({ minLength: 4, maxLength: 4 }));
  const arg = bytes.map((b) => Buffer.from(b).latin1Slice());
  const cmd = fc.array(arg, { minLength: 1, maxLength: 5 });
  fc.assert(
    fc.property(fc.array(cmd, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1 }), fc.boolean(), (cmds, sizes, shared) => {
      const input = Buffer.concat(
        cmds.map((c) => Buffer.from(`*${c.length}\r\n` + c.map((a) => `$${a.length}\r\n${a}\r\n`).join(''), 'latin1')),
      );
      assert.deepEqual(parse(input, (i) => sizes[i % sizes.length]!, LIMITS, true, shared), cmds);
    }),
    { numRuns: 1000, seed: 7 },
  );
});

test('a repeated key argument is reused only when every byte matches', () => {
  // keyArg remembers a key every eighth miss and compares from the end: keys that differ only
  // in their first byte, or only in length, must still come out as themselves.
  const keys = ['key:000000012345', 'key:000000012345', 'Key:000000012345', 'key:00000012345', 'xey:000000012345', 'key:000000012345', 'key:00000001234\u00ff'];
  const cmds: string[][] = [];
  for (let round = 0; round < 12; round++) for (const k of keys) cmds.push(['SADD', k, `m${round}`]);
  const input = Buffer.concat(cmds.map((c) => Buffer.from(`*${c.length}\r\n` + c.map((a) => `$${a.length}\r\n${a}\r\n`).join(''), 'latin1')));
  for (const shared of [false, true]) {
    assert.deepEqual(parse(input, () => 37, LIMITS, true, shared), cmds);
    assert.deepEqual(parse(input, () => input.length, LIMITS, true, false), cmds);
  }
});
