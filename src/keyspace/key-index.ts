// The keyspace's key → slot index: an open-addressing hash table with linear probing, hashing
// key strings in JavaScript.
//
// Why not a Map: V8 hashes a string in C++ (String::ComputeAndSetRawHash, an atomic store) the
// first time it is a Map key, and every key the parser hands over is a fresh string, so that
// hash was 16–23% of the server's instructions for random-key GET/SET/MSET. A JavaScript loop
// over the characters costs less than half of it for typical keys. Entries keep their hash, so a
// probe compares strings only on a hash match. Deletion shifts later entries back (no
// tombstones). The hash is seeded per process, as Redis seeds its siphash.

const MIN_CAPACITY = 16;
const seed = (Math.random() * 0x100000000) >>> 0; // deterministic-ok: hash seed, never observable

/** A 32-bit hash of a latin1 string (FNV-1a over its char codes, then a murmur3 finalizer). */
export function keyHash(key: string): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

export class KeyIndex {
  /**
   * Two words per bucket: the entry's hash, then slot + 1 (0 marks an empty bucket). One array,
   * so a probe's hash and slot share a cache line (two arrays cost a miss more per lookup in a
   * table larger than the cache).
   */
  private table = new Int32Array(MIN_CAPACITY * 2);
  private keysAt: (string | undefined)[] = new Array<string | undefined>(MIN_CAPACITY).fill(undefined);
  private mask = MIN_CAPACITY - 1;
  size = 0;

  /** The bucket holding `key`, or -1. */
  private find(key: string, h: number): number {
    const mask = this.mask;
    const table = this.table;
    for (let b = h & mask; ; b = (b + 1) & mask) {
      if (table[2 * b + 1] === 0) return -1;
      if (table[2 * b] === h && this.keysAt[b] === key) return b;
    }
  }

  get(key: string): number | undefined {
    const b = this.find(key, keyHash(key));
    return b < 0 ? undefined : this.table[2 * b + 1]! - 1;
  }

  has(key: string): boolean {
    return this.find(key, keyHash(key)) >= 0;
  }

  /** Maps `key` to `slot`, adding it or replacing its slot. */
  set(key: string, slot: number): void {
    const h = keyHash(key);
    const found = this.find(key, h);
    if (found >= 0) this.table[2 * found + 1] = slot + 1;
    else this.insert(key, h, slot);
  }

  /** Maps a key known to be absent (the caller has just looked) to `slot`: no second probe. */
  add(key: string, slot: number): void {
    this.insert(key, keyHash(key), slot);
  }

  private insert(key: string, h: number, slot: number): void {
    if ((this.size + 1) * 2 > this.keysAt.length) this.grow();
    this.place(key, h, slot + 1);
    this.size++;
  }

  delete(key: string): boolean {
    let b = this.find(key, keyHash(key));
    if (b < 0) return false;
    const mask = this.mask;
    const table = this.table;
    const keys = this.keysAt;
    // Backward-shift deletion: move each following entry of the run into the hole when its
    // home bucket does not lie cyclically between the hole and it.
    for (let next = (b + 1) & mask; table[2 * next + 1] !== 0; next = (next + 1) & mask) {
      const home = table[2 * next]! & mask;
      const distHole = (b - home) & mask;
      const distNext = (next - home) & mask;
      if (distHole <= distNext) {
        table[2 * b] = table[2 * next]!;
        table[2 * b + 1] = table[2 * next + 1]!;
        keys[b] = keys[next];
        b = next;
      }
    }
    table[2 * b] = 0;
    table[2 * b + 1] = 0;
    keys[b] = undefined;
    this.size--;
    if (this.size * 8 < keys.length && keys.length > MIN_CAPACITY) this.resize(keys.length / 2);
    return true;
  }

  /** An independent copy (same hashes: the seed is per process). */
  clone(): KeyIndex {
    const c = new KeyIndex();
    c.table = this.table.slice();
    c.keysAt = this.keysAt.slice();
    c.mask = this.mask;
    c.size = this.size;
    return c;
  }

  clear(): void {
    this.table = new Int32Array(MIN_CAPACITY * 2);
    this.keysAt = new Array<string | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    this.size = 0;
  }

  private place(key: string, h: number, slotPlusOne: number): void {
    const mask = this.mask;
    const table = this.table;
    let b = h & mask;
    while (table[2 * b + 1] !== 0) b = (b + 1) & mask;
    table[2 * b] = h;
    table[2 * b + 1] = slotPlusOne;
    this.keysAt[b] = key;
  }

  private grow(): void {
    this.resize(this.keysAt.length * 2);
  }

  private resize(capacity: number): void {
    const old = this.table;
    const oldKeys = this.keysAt;
    this.table = new Int32Array(capacity * 2);
    this.keysAt = new Array<string | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    for (let b = 0; b < oldKeys.length; b++) {
      if (old[2 * b + 1] !== 0) this.place(oldKeys[b]!, old[2 * b]!, old[2 * b + 1]!);
    }
  }
}
