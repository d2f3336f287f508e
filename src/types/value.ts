// The values a key can hold. Strings are latin1 JS strings (one char per byte): compact in V8,
// byte-wise comparable and hashed by the engine. A string that is edited in place (SETRANGE,
// SETBIT, APPEND on a big value) may be held as a MutableString instead, so those commands stay
// O(change) rather than O(length). Collection types (lists, hashes, sets, sorted sets, streams)
// implement RedisCollection and live in their own modules.

/** A growable byte string for values edited in place. `bytes.subarray(0, length)` is the value. */
export class MutableString {
  constructor(
    public bytes: Buffer,
    public length: number,
  ) {}

  static from(value: string, extraCapacity = 0): MutableString {
    const bytes = Buffer.allocUnsafe(value.length + extraCapacity);
    bytes.latin1Write(value, 0);
    return new MutableString(bytes, value.length);
  }

  /** Makes room for at least `length` bytes, zero-filling anything newly exposed. */
  ensureLength(length: number): void {
    if (length <= this.length) return;
    if (length > this.bytes.length) {
      const next = Buffer.allocUnsafe(Math.max(length, Math.min(this.bytes.length * 2, length + 1024 * 1024)));
      this.bytes.copy(next, 0, 0, this.length);
      this.bytes = next;
    }
    this.bytes.fill(0, this.length, length);
    this.length = length;
  }

  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  toString(): string {
    return this.bytes.latin1Slice(0, this.length);
  }
}

export type RedisType = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';

/** What every non-string value implements. */
export interface RedisCollection {
  readonly type: RedisType;
  /** Redis's OBJECT ENCODING name for the representation in use. */
  encoding(): string;
  /** A deep copy (COPY). */
  clone(): RedisCollection;
  /**
   * Optional: this value's memory in bytes, for MEMORY USAGE, sampling at most `samples`
   * elements (Infinity = all) and extrapolating, as Redis's objectComputeSize does. Types that
   * do not implement it get a generic estimate from their public API (commands/memory.ts).
   */
  memoryUsage?(samples: number): number;
}

export type StringValue = string | MutableString;
export type Value = StringValue | RedisCollection;

export function isString(v: Value): v is StringValue {
  return typeof v === 'string' || v instanceof MutableString;
}

export function typeOf(v: Value): RedisType {
  if (typeof v === 'string' || v instanceof MutableString) return 'string';
  return v.type;
}

/** The bytes of a string value as a latin1 string (copies a MutableString). */
export function stringOf(v: StringValue): string {
  return typeof v === 'string' ? v : v.toString();
}

/** A string value's length in bytes. */
export function stringLength(v: StringValue): number {
  return v.length;
}
