// A min-heap of (expire time, key) used by the active expiry cycle to find keys whose time has
// passed without scanning the whole keyspace. Entries are not removed when a TTL changes or a
// key goes away; the cycle checks each popped entry against the database's expires map and skips
// stale ones. To keep stale entries from piling up (a client refreshing a TTL on every request),
// the owner rebuilds the heap when it grows well past the number of live TTLs.

export class ExpiryHeap {
  private times: number[] = [];
  private keys: string[] = [];

  get size(): number {
    return this.times.length;
  }

  clear(): void {
    this.times = [];
    this.keys = [];
  }

  push(time: number, key: string): void {
    const times = this.times;
    const keys = this.keys;
    let i = times.length;
    times.push(time);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= time) break;
      times[i] = times[parent]!;
      keys[i] = keys[parent]!;
      i = parent;
    }
    times[i] = time;
    keys[i] = key;
  }

  /** The earliest time in the heap, or Infinity when empty. */
  peekTime(): number {
    return this.times.length > 0 ? this.times[0]! : Infinity;
  }

  peekKey(): string | undefined {
    return this.keys[0];
  }

  pop(): void {
    const times = this.times;
    const keys = this.keys;
    const lastTime = times.pop()!;
    const lastKey = keys.pop()!;
    const n = times.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && times[right]! < times[left]! ? right : left;
      if (times[child]! >= lastTime) break;
      times[i] = times[child]!;
      keys[i] = keys[child]!;
      i = child;
    }
    times[i] = lastTime;
    keys[i] = lastKey;
  }

  /** Replaces the contents with the given live entries. */
  rebuild(entries: Iterable<[string, number]>): void {
    this.clear();
    for (const [key, time] of entries) this.push(time, key);
  }
}
