// Review of keyraft's own Lua build (native/lua) against real Redis, reply for reply: what a
// script can observe that depends on the interpreter being built for wasm32 rather than for
// Redis's LP64 x86-64 (the width of lua_Integer, long and size_t inside Lua's libraries).
import { test } from 'node:test';
import { type Argv, useDifferentialPair } from '../helpers/differential.js';

const { skip, pair } = useDifferentialPair();

const evals = (scripts: string[]): Argv[] => scripts.map((s) => ['EVAL', s, '0']);

test('64-bit integers inside Lua libraries behave as on Redis (string.format, tonumber, hex literals)', { skip }, async () => {
  await pair.assertSame(
    'lua 64-bit integers',
    evals([
      // A millisecond timestamp: past 32 bits.
      "return string.format('%d', 1700000000000)",
      "return string.format('%d', 2^53)",
      "return string.format('%x', 2^40)",
      "return string.format('%X %o %i %u', 2^40, 2^40, -2^40, 2^40)",
      "return string.format('%d', 2^63)",
      "return string.format('%d', -2^63)",
      "return string.format('%d', 1e300)",
      "return string.format('%020d|%-14d|', 2^45, -2^45)",
      "return tostring(tonumber('ffffffffff', 16))",
      "return tostring(tonumber('zzzzzzzzzzzzzzzzz', 36))",
      "return tostring(tonumber('0x100000000'))",
      'return tostring(0x100000000)',
      'return tostring(0xffffffffffffffffff)',
    ]),
  );
});

test('struct sizes of long and size_t are LP64 sizes, as on Redis', { skip }, async () => {
  await pair.assertSame(
    'lua struct LP64',
    evals([
      "return struct.pack('l', 1)",
      "return struct.pack('>L', 2^40)",
      "return #struct.pack('T', 1)",
      "return struct.unpack('l', struct.pack('l', 2^40))",
      "return {struct.unpack('>l', '\\0\\0\\0\\0\\0\\0\\0\\1')}",
      "return {struct.unpack('i8', struct.pack('i8', 2^40))}",
      "return struct.pack('i8', -2^40)",
      "return struct.size('lLTidfhb')",
      "return struct.size('!lLTidfhb')",
      "return #struct.pack('!bl', 1, 1)",
    ]),
  );
});

test('string positions and counts past 32 bits behave as on Redis', { skip }, async () => {
  await pair.assertSame(
    'lua positions past 32 bits',
    evals([
      "return string.sub('hello', 2^32+2)",
      "return string.sub('hello', 2, 2^32)",
      "return string.sub('hello', -2^32)",
      "return string.byte('hello', 2^31)",
      "return {string.byte('hello', 1, 2^32)}",
      "return string.find('hello', 'l', 2^32)",
      "return string.find('hello', 'l', -2^32)",
      "return select(2^32+1, 'a', 'b')",
      'return unpack({1,2,3}, 2^32+1)',
      "return table.concat({1,2,3}, ',', 2^32+1)",
      'return string.char(2^32+65)',
    ]),
  );
});
