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
  private hashes = new Int32Array(MIN_CAPACITY);
  /** slot + 1 per bucket; 0 marks an empty bucket. */
  private slots = new Int32Array(MIN_CAPACITY);
  private keysAt: (string | undefined)[] = new Array<string | undefined>(MIN_CAPACITY).fill(undefined);
  private mask = MIN_CAPACITY - 1;
  size = 0;

  /** The bucket holding `key`, or -1. */
  private find(key: string, h: number): number {
    const mask = this.mask;
    const slots = this.slots;
    const hashes = this.hashes;
    for (let b = h & mask; ; b = (b + 1) & mask) {
      if (slots[b] === 0) return -1;
      if (hashes[b] === h && this.keysAt[b] === key) return b;
    }
  }

  get(key: string): number | undefined {
    const b = this.find(key, keyHash(key));
    return b < 0 ? undefined : this.slots[b]! - 1;
  }

  has(key: string): boolean {
    return this.find(key, keyHash(key)) >= 0;
  }

  /** Maps `key` to `slot`, adding it or replacing its slot. */
  set(key: string, slot: number): void {
    const h = keyHash(key);
    const found = this.find(key, h);
    if (found >= 0) this.slots[found] = slot + 1;
    else this.insert(key, h, slot);
  }

  /** Maps a key known to be absent (the caller has just looked) to `slot`: no second probe. */
  add(key: string, slot: number): void {
    this.insert(key, keyHash(key), slot);
  }

  private insert(key: string, h: number, slot: number): void {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    this.place(key, h, slot + 1);
    this.size++;
  }

  delete(key: string): boolean {
    let b = this.find(key, keyHash(key));
    if (b < 0) return false;
    const mask = this.mask;
    const slots = this.slots;
    const hashes = this.hashes;
    const keys = this.keysAt;
    // Backward-shift deletion: move each following entry of the run into the hole when its
    // home bucket does not lie cyclically between the hole and it.
    for (let next = (b + 1) & mask; slots[next] !== 0; next = (next + 1) & mask) {
      const home = hashes[next]! & mask;
      const distHole = (b - home) & mask;
      const distNext = (next - home) & mask;
      if (distHole <= distNext) {
        slots[b] = slots[next]!;
        hashes[b] = hashes[next]!;
        keys[b] = keys[next];
        b = next;
      }
    }
    slots[b] = 0;
    hashes[b] = 0;
    keys[b] = undefined;
    this.size--;
    if (this.size * 8 < slots.length && slots.length > MIN_CAPACITY) this.resize(slots.length / 2);
    return true;
  }

  clear(): void {
    this.hashes = new Int32Array(MIN_CAPACITY);
    this.slots = new Int32Array(MIN_CAPACITY);
    this.keysAt = new Array<string | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    this.size = 0;
  }

  private place(key: string, h: number, slotPlusOne: number): void {
    const mask = this.mask;
    let b = h & mask;
    while (this.slots[b] !== 0) b = (b + 1) & mask;
    this.slots[b] = slotPlusOne;
    this.hashes[b] = h;
    this.keysAt[b] = key;
  }

  private grow(): void {
    this.resize(this.slots.length * 2);
  }

  private resize(capacity: number): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    const oldKeys = this.keysAt;
    this.slots = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.keysAt = new Array<string | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    for (let b = 0; b < oldSlots.length; b++) {
      if (oldSlots[b] !== 0) this.place(oldKeys[b]!, oldHashes[b]!, oldSlots[b]!);
    }
  }
}
