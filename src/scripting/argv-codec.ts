// The argument vector a script engine hands to redis.call, read out of the engine's memory:
// [argc:u32] then argc × ([len:u32][bytes]), little-endian (the Lua glue's and the WASM function
// ABI's, wasm-codec.ts). Arguments become latin1 strings, as the command layer takes them, and
// short ones are reused when the same bytes come again: the command name repeats on every
// call, and a script tends to pass the same key to several commands (INCR then EXPIRE). A hit
// costs a byte comparison instead of a new string.

/** Arguments up to this many bytes are looked up in the tables below. */
const INTERNED_BYTES_MAX = 24;
const INTERN_SLOTS = 256;
/** Two small direct-mapped tables (command names, other arguments), keyed by length and three of the bytes. */
const namesSeen: (string | undefined)[] = new Array(INTERN_SLOTS);
const argsSeen: (string | undefined)[] = new Array(INTERN_SLOTS);

function intern(seen: (string | undefined)[], buf: Buffer, start: number, len: number): string {
  if (len === 0) return '';
  const h = (len * 31 + buf[start]! * 7 + buf[start + len - 1]! * 3 + buf[start + (len >> 1)]!) & (INTERN_SLOTS - 1);
  const cached = seen[h];
  if (cached !== undefined && cached.length === len) {
    let i = 0;
    while (i < len && cached.charCodeAt(i) === buf[start + i]) i++;
    if (i === len) return cached;
  }
  const s = buf.latin1Slice(start, start + len);
  seen[h] = s;
  return s;
}

/** A little-endian u32 (inside bounds the caller checked; cheaper than Buffer's checked readUInt32LE). */
function u32(b: Buffer, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** The vector at [ptr, ptr + len) of `mem` as latin1 strings; null when it is malformed. */
export function decodeArgv(mem: Buffer, ptr: number, len: number): string[] | null {
  const end = ptr + len;
  if (len < 4 || end > mem.length) return null;
  const count = u32(mem, ptr);
  if (count > len / 4) return null;
  const argv = new Array<string>(count);
  let at = ptr + 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > end) return null;
    const n = u32(mem, at);
    at += 4;
    if (n > end - at) return null;
    argv[i] = n <= INTERNED_BYTES_MAX ? intern(i === 0 ? namesSeen : argsSeen, mem, at, n) : mem.latin1Slice(at, at + n);
    at += n;
  }
  return argv;
}
