// keyraft's snapshot file format (the equivalent of Redis's RDB), without any policy: an encoder
// that turns (db, key, value, expiry) records into chunks of bytes, and a decoder that reads them
// back from a file, checking every length against the bytes that are left and the whole file
// against its checksum. SAVE, BGSAVE, DEBUG RELOAD and loading at start all go through here.
//
//   file    = magic "KEYRAFT-SNAP" version:u16 auxCount:varint (name:str value:str)*
//             section* EOF totalKeys:varint crc:u32
//   section = SELECTDB(0xFE) db:varint record*
//   record  = tag:u8 [expireMs:i64] key:str value
//   tag     = type (low 4 bits: 1 string, 2 list, 3 hash, 4 set, 5 zset, 6 stream) | 0x10 when an
//             expiry follows
//   value   = string: str | list/set: n:varint str*n | hash: n:varint (field:str value:str)*n
//             | zset: n:varint (member:str score:f64)*n, in score order
//             | stream: n:varint (id nfields:varint str*nfields)*n  lastId firstId maxDeletedId
//               entriesAdded:u64  ngroups:varint group*
//   group   = name:str lastId entriesRead:f64 nconsumers:varint (name:str seenTime:f64)*
//             npel:varint (id consumer:str deliveryTime:f64 deliveryCount:f64)*
//   id      = ms:u64 seq:u64
//   str     = len:varint bytes[len]        (bytes = the latin1 string, one char per byte)
//   EOF     = 0xFF; crc = CRC-32 (zlib's) of every byte before it; integers little-endian,
//             varints LEB128 (7 bits per byte, low first), at most 2^53.
//
// Why these choices: varint lengths keep a million small keys small (a 10-byte key costs 11
// bytes); the per-key type tag lets a reader skip nothing and check everything; encodings are not
// stored, because Redis recomputes them on load too (a loaded hash is a listpack again if it fits),
// and keyraft's types apply the same rules as they are rebuilt. One checksum over the whole file
// catches a torn or flipped file before it is trusted; the decoder also refuses any length that
// points past the end of the file, so a corrupt length cannot make it allocate gigabytes.

import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { MutableString, type Value, type RedisCollection } from '../types/value.js';
import { RedisList } from '../types/list.js';
import { RedisHash } from '../types/hash.js';
import { RedisSet } from '../types/set.js';
import { ZSet } from '../types/zset.js';
import { RedisStream, SortedIdMap, idCmp, type ConsumerGroup, type Consumer, type Nack, type StreamId, type U64 } from '../types/stream.js';
import { crc32 } from './crc.js';

export const SNAPSHOT_MAGIC = 'KEYRAFT-SNAP';
export const SNAPSHOT_VERSION = 1;
export const OP_SELECTDB = 0xfe;
export const OP_EOF = 0xff;
export const TYPE_STRING = 1;
export const TYPE_LIST = 2;
export const TYPE_HASH = 3;
export const TYPE_SET = 4;
export const TYPE_ZSET = 5;
export const TYPE_STREAM = 6;
const TAG_EXPIRE = 0x10;
/** Size of the encoder's output chunks. */
export const SNAPSHOT_CHUNK_BYTES = 1 << 20;
/** Size of the decoder's read buffer (grown for a single longer string). */
const READ_BUFFER_BYTES = 4 << 20;
const TWO_32 = 2 ** 32;

export class SnapshotError extends Error {}

/** Where encoded chunks go (a file written synchronously or asynchronously, or memory in tests). */
export type ChunkSink = (chunk: Buffer) => void;

/**
 * Encodes records into fixed-size chunks handed to `sink` as they fill, keeping the running
 * CRC-32 of everything emitted.
 */
export class SnapshotEncoder {
  private buf: Buffer;
  private pos = 0;
  private crc = 0;
  /** Bytes emitted so far (flushed chunks + pending). */
  bytes = 0;
  keys = 0;

  /**
   * `alloc` supplies the next chunk buffer (SNAPSHOT_CHUNK_BYTES long): a BGSAVE recycles the
   * buffers its writer is done with, so a save does not allocate its whole size in external
   * memory (which would push V8 into extra garbage collections while clients wait).
   */
  constructor(
    private readonly sink: ChunkSink,
    private readonly alloc: () => Buffer = () => Buffer.allocUnsafe(SNAPSHOT_CHUNK_BYTES),
  ) {
    this.buf = alloc();
  }

  private flushChunk(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.bytes += this.pos;
    this.crc = crc32(chunk, this.crc);
    this.sink(chunk);
    this.buf = this.alloc();
    this.pos = 0;
  }

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.flushChunk();
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  private varint(n: number): void {
    this.ensure(8);
    const buf = this.buf;
    let pos = this.pos;
    while (n >= 0x80) {
      buf[pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  /** A latin1 string: short ones byte by byte (cheaper than a native call), long ones natively. */
  str(s: string): void {
    const len = s.length;
    this.varint(len);
    if (len <= 32) {
      this.ensure(len);
      const buf = this.buf;
      let pos = this.pos;
      for (let i = 0; i < len; i++) buf[pos++] = s.charCodeAt(i);
      this.pos = pos;
      return;
    }
    if (len <= this.buf.length - this.pos) {
      this.pos += this.buf.latin1Write(s, this.pos, len);
      return;
    }
    this.flushChunk();
    if (len <= this.buf.length) {
      this.pos += this.buf.latin1Write(s, 0, len);
      return;
    }
    this.raw(Buffer.from(s, 'latin1'));
  }

  private bytesOf(b: Buffer): void {
    this.varint(b.length);
    if (b.length <= this.buf.length - this.pos) {
      b.copy(this.buf, this.pos);
      this.pos += b.length;
    } else this.raw(Buffer.from(b));
  }

  /** Emits a big block as its own chunk (after what is pending). */
  private raw(b: Buffer): void {
    this.flushChunk();
    this.crc = crc32(b, this.crc);
    this.sink(b);
    this.bytes += b.length;
  }

  header(aux: [string, string][]): void {
    this.ensure(SNAPSHOT_MAGIC.length + 2);
    this.pos += this.buf.latin1Write(SNAPSHOT_MAGIC, this.pos);
    this.buf.writeUInt16LE(SNAPSHOT_VERSION, this.pos);
    this.pos += 2;
    this.varint(aux.length);
    for (const [k, v] of aux) {
      this.str(k);
      this.str(v);
    }
  }

  selectDb(index: number): void {
    this.byte(OP_SELECTDB);
    this.varint(index);
  }

  /**
   * One key. `expireMs` is absolute (undefined = no TTL). Throws SnapshotError for a value type
   * the format does not know (nothing is written for it then).
   */
  record(key: string, value: Value, expireMs: number | bigint | undefined): void {
    let type: number;
    if (typeof value === 'string' || value instanceof MutableString) type = TYPE_STRING;
    else {
      switch ((value as RedisCollection).type) {
        case 'list':
          type = TYPE_LIST;
          break;
        case 'hash':
          type = TYPE_HASH;
          break;
        case 'set':
          type = TYPE_SET;
          break;
        case 'zset':
          type = TYPE_ZSET;
          break;
        case 'stream':
          type = TYPE_STREAM;
          break;
        default:
          throw new SnapshotError(`cannot save key '${key.slice(0, 64)}': values of type ${(value as RedisCollection).type} are not supported by the snapshot format yet`);
      }
    }
    this.byte(expireMs === undefined ? type : type | TAG_EXPIRE);
    if (expireMs !== undefined) {
      this.ensure(8);
      if (typeof expireMs === 'bigint') this.buf.writeBigInt64LE(expireMs, this.pos);
      else {
        // Expiry times are positive; two u32 halves avoid a BigInt per key.
        this.buf.writeUInt32LE(expireMs % TWO_32, this.pos);
        this.buf.writeUInt32LE(Math.floor(expireMs / TWO_32), this.pos + 4);
      }
      this.pos += 8;
    }
    this.str(key);
    this.keys++;
    switch (type) {
      case TYPE_STRING:
        if (typeof value === 'string') this.str(value);
        else this.bytesOf((value as MutableString).view());
        return;
      case TYPE_LIST: {
        const l = value as RedisList;
        const n = l.length;
        this.varint(n);
        for (let i = 0; i < n; i++) this.str(l.at(i));
        return;
      }
      case TYPE_HASH: {
        const entries = (value as RedisHash).entries();
        this.varint(entries.length / 2);
        for (let i = 0; i < entries.length; i++) this.str(entries[i]!);
        return;
      }
      case TYPE_SET: {
        const s = value as RedisSet;
        this.varint(s.size);
        s.each((m) => this.str(m));
        return;
      }
      case TYPE_ZSET: {
        const z = value as ZSet;
        this.varint(z.size);
        z.each(0, false, (m, score) => {
          this.str(m);
          this.ensure(8);
          this.buf.writeDoubleLE(score, this.pos);
          this.pos += 8;
        });
        return;
      }
      case TYPE_STREAM:
        this.stream(value as RedisStream);
        return;
    }
  }

  private u64(v: U64): void {
    this.ensure(8);
    if (typeof v === 'bigint') this.buf.writeBigUInt64LE(v, this.pos);
    else {
      this.buf.writeUInt32LE(v % TWO_32, this.pos);
      this.buf.writeUInt32LE(Math.floor(v / TWO_32), this.pos + 4);
    }
    this.pos += 8;
  }

  private f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  private id(id: StreamId): void {
    this.u64(id.ms);
    this.u64(id.seq);
  }

  /**
   * A stream through its public API: live entries in ID order, the metadata, consumer groups
   * with their PELs. Node boundaries and tombstones are not kept (RedisStream has no public way
   * to read them), so a reloaded stream is packed into full nodes: `XTRIM ~` may then remove
   * different whole nodes than before the reload (exact trims and every read are unaffected).
   */
  private stream(st: RedisStream): void {
    this.varint(st.length);
    let seen = 0;
    st.range({ ms: 0, seq: 0 }, { ms: (1n << 64n) - 1n, seq: (1n << 64n) - 1n }, false, 0, (e) => {
      this.id(e.id);
      this.varint(e.fields.length);
      for (const f of e.fields) this.str(f);
      seen++;
    });
    if (seen !== st.length) throw new SnapshotError(`stream length ${st.length} but ${seen} entries found`);
    this.id(st.lastId);
    this.id(st.firstId);
    this.id(st.maxDeletedId);
    this.u64(st.entriesAdded);
    this.varint(st.groups.size);
    for (const g of st.groups.values()) {
      this.str(g.name);
      this.id(g.lastId);
      this.f64(g.entriesRead);
      this.varint(g.consumers.size);
      for (const c of g.consumers.values()) {
        this.str(c.name);
        this.f64(c.seenTime);
      }
      this.varint(g.pel.size);
      for (const n of g.pel.items) {
        this.id(n.id);
        this.str(n.consumer.name);
        this.f64(n.deliveryTime);
        this.f64(n.deliveryCount);
      }
    }
  }

  /** The trailer: EOF, the key count, then the CRC of everything before it; flushes all. */
  finish(): void {
    this.byte(OP_EOF);
    this.varint(this.keys);
    this.flushChunk();
    const trailer = Buffer.allocUnsafe(4);
    trailer.writeUInt32LE(this.crc >>> 0, 0);
    this.sink(trailer);
    this.bytes += 4;
  }

  /** Bytes emitted plus pending in the current chunk. */
  get size(): number {
    return this.bytes + this.pos;
  }
}

/** One decoded key. */
export interface SnapshotRecord {
  key: string;
  value: Value;
  /** Absolute expiry in ms; a bigint when beyond 2^53 (kept exact). */
  expireMs: number | bigint | undefined;
}

/**
 * Reads a snapshot file record by record with synchronous reads into a bounded buffer, so a
 * caller can stop after any record (loading in slices) and the memory used does not depend on
 * the file's size.
 */
export class SnapshotDecoder {
  private fd: number;
  readonly fileBytes: number;
  private buf = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  /** Valid bytes in buf are [pos, end); buf[0] is at file offset `base`. */
  private pos = 0;
  private end = 0;
  private base = 0;
  /** CRC of file bytes [0, crcUpTo). */
  private crc = 0;
  private crcUpTo = 0;
  aux = new Map<string, string>();
  version = 0;
  /** Database of the records that follow, -1 before the first section. */
  db = -1;
  keys = 0;
  done = false;
  private readonly record: SnapshotRecord = { key: '', value: '', expireMs: undefined };

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    try {
      this.fileBytes = fstatSync(this.fd).size;
      this.readHeader();
    } catch (e) {
      this.close();
      throw e;
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** File bytes consumed so far. */
  get offset(): number {
    return this.base + this.pos;
  }

  private corrupt(what: string): never {
    throw new SnapshotError(`${this.path} is corrupt or truncated at byte ${this.offset} of ${this.fileBytes}: ${what}`);
  }

  /** Makes `n` bytes available at pos, reading more of the file (and checksumming what is dropped). */
  private need(n: number): void {
    if (this.end - this.pos >= n) return;
    if (this.offset + n > this.fileBytes) this.corrupt(`needs ${n} more bytes but the file ends first`);
    // Checksum the bytes about to be dropped, then move the unread tail to the front.
    const dropTo = this.base + this.pos;
    if (dropTo > this.crcUpTo) {
      this.crc = crc32(this.buf.subarray(this.crcUpTo - this.base, this.pos), this.crc);
      this.crcUpTo = dropTo;
    }
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(n);
      this.buf.copy(bigger, 0, this.pos, this.end);
      this.buf = bigger;
    } else this.buf.copy(this.buf, 0, this.pos, this.end);
    this.end -= this.pos;
    this.base += this.pos;
    this.pos = 0;
    while (this.end < n) {
      const got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.base + this.end);
      if (got === 0) this.corrupt('unexpected end of file');
      this.end += got;
    }
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  private varint(): number {
    let n = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      n += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (n > Number.MAX_SAFE_INTEGER) break;
        return n;
      }
      mul *= 0x80;
    }
    this.corrupt('bad length');
  }

  /** A count of items that each take at least `minBytes`: must fit in what is left of the file. */
  private count(minBytes: number): number {
    const n = this.varint();
    if (n * minBytes > this.fileBytes - this.offset) this.corrupt(`count ${n} is larger than the rest of the file`);
    return n;
  }

  private str(): string {
    // Fast path: a one-byte length and the whole string already in the buffer.
    const pos = this.pos;
    if (pos < this.end) {
      const len = this.buf[pos]!;
      if (len < 0x80 && pos + 1 + len <= this.end) {
        this.pos = pos + 1 + len;
        return len === 0 ? '' : this.buf.latin1Slice(pos + 1, pos + 1 + len);
      }
    }
    const len = this.varint();
    if (len > this.fileBytes - this.offset) this.corrupt(`string length ${len} is past the end of the file`);
    this.need(len);
    const s = this.buf.latin1Slice(this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  private readHeader(): void {
    const magicLen = SNAPSHOT_MAGIC.length;
    if (this.fileBytes < magicLen + 2) throw new SnapshotError(`${this.path} is not a keyraft snapshot (only ${this.fileBytes} bytes)`);
    this.need(magicLen + 2);
    if (this.buf.latin1Slice(0, magicLen) !== SNAPSHOT_MAGIC) throw new SnapshotError(`${this.path} is not a keyraft snapshot (bad magic)`);
    this.version = this.buf.readUInt16LE(magicLen);
    this.pos = magicLen + 2;
    if (this.version !== SNAPSHOT_VERSION) {
      throw new SnapshotError(`${this.path} has snapshot format version ${this.version}; this keyraft reads version ${SNAPSHOT_VERSION}`);
    }
    const n = this.count(2);
    for (let i = 0; i < n; i++) {
      const k = this.str();
      this.aux.set(k, this.str());
    }
  }

  /**
   * The next key, or null at the end (after the trailer was verified: key count, checksum, no
   * trailing bytes). `this.db` tells the record's database. The returned object is reused by
   * the next call.
   */
  next(): SnapshotRecord | null {
    for (;;) {
      if (this.done) return null;
      const tag = this.u8();
      if (tag === OP_SELECTDB) {
        this.db = this.varint();
        continue;
      }
      if (tag === OP_EOF) {
        const keys = this.varint();
        if (keys !== this.keys) this.corrupt(`the trailer counts ${keys} keys but ${this.keys} were read`);
        const crcAt = this.offset;
        this.crc = crc32(this.buf.subarray(this.crcUpTo - this.base, this.pos), this.crc) >>> 0;
        this.crcUpTo = crcAt;
        this.need(4);
        const stored = this.buf.readUInt32LE(this.pos);
        this.pos += 4;
        if (stored !== this.crc) {
          throw new SnapshotError(
            `${this.path} failed its checksum (stored 0x${stored.toString(16).padStart(8, '0')}, computed 0x${this.crc.toString(16).padStart(8, '0')}): the file is corrupt`,
          );
        }
        if (this.offset !== this.fileBytes) this.corrupt(`${this.fileBytes - this.offset} unexpected bytes after the trailer`);
        this.done = true;
        return null;
      }
      if (this.db < 0) this.corrupt(`record before any database selector (tag 0x${tag.toString(16)})`);
      const type = tag & 0x0f;
      let expireMs: number | bigint | undefined;
      if ((tag & ~0x1f) !== 0 || type < TYPE_STRING || type > TYPE_STREAM) this.corrupt(`unknown record tag 0x${tag.toString(16)}`);
      if (tag & TAG_EXPIRE) {
        this.need(8);
        const lo = this.buf.readUInt32LE(this.pos);
        const hi = this.buf.readInt32LE(this.pos + 4);
        expireMs = hi >= 0 && hi < 0x200000 ? hi * TWO_32 + lo : this.buf.readBigInt64LE(this.pos);
        this.pos += 8;
      }
      const key = this.str();
      this.keys++;
      // One record object, reused: callers take its fields before the next call.
      const rec = this.record;
      rec.key = key;
      rec.value = this.value(type, key);
      rec.expireMs = expireMs;
      return rec;
    }
  }

  private u64(): U64 {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    // Numbers while exact (≤ 2^53 - 1), bigints beyond, as RedisStream keeps IDs.
    const v = hi < 0x200000 ? hi * TWO_32 + lo : this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  private f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  private id(): StreamId {
    const ms = this.u64();
    return { ms, seq: this.u64() };
  }

  private stream(key: string): RedisStream {
    const what = `stream '${key.slice(0, 64)}'`;
    const st = new RedisStream();
    const n = this.count(17);
    let prev: StreamId | null = null;
    for (let i = 0; i < n; i++) {
      const id = this.id();
      if (prev !== null && idCmp(id, prev) <= 0) this.corrupt(`${what} has entry IDs out of order`);
      prev = id;
      const nf = this.count(1);
      const fields: string[] = new Array(nf);
      for (let j = 0; j < nf; j++) fields[j] = this.str();
      st.append(id, fields);
    }
    st.lastId = this.id();
    st.firstId = this.id();
    st.maxDeletedId = this.id();
    st.entriesAdded = this.u64();
    if (prev !== null && idCmp(prev, st.lastId) > 0) this.corrupt(`${what} has entries past its last ID`);
    const ng = this.count(1);
    for (let i = 0; i < ng; i++) {
      const name = this.str();
      const g: ConsumerGroup = { name, lastId: this.id(), entriesRead: this.f64(), pel: new SortedIdMap<Nack>(), consumers: new Map() };
      const nc = this.count(9);
      for (let j = 0; j < nc; j++) {
        const c: Consumer = { name: this.str(), seenTime: this.f64(), pel: new SortedIdMap<Nack>() };
        g.consumers.set(c.name, c);
      }
      const np = this.count(33);
      for (let j = 0; j < np; j++) {
        const id = this.id();
        const consumer = g.consumers.get(this.str());
        if (consumer === undefined) this.corrupt(`${what} has a pending entry for an unknown consumer`);
        const nack: Nack = { id, consumer, deliveryTime: this.f64(), deliveryCount: this.f64() };
        // Saved in ID order, so each PEL is appended in order.
        if (!g.pel.insert(nack)) this.corrupt(`${what} repeats a pending entry`);
        consumer.pel.insert(nack);
      }
      if (st.groups.has(name)) this.corrupt(`${what} repeats group '${name.slice(0, 64)}'`);
      st.groups.set(name, g);
    }
    return st;
  }

  private value(type: number, key: string): Value {
    switch (type) {
      case TYPE_STRING:
        return this.str();
      case TYPE_LIST: {
        const n = this.count(1);
        const l = new RedisList();
        for (let i = 0; i < n; i++) l.pushRight(this.str());
        return l;
      }
      case TYPE_HASH: {
        const n = this.count(2);
        const h = new RedisHash();
        for (let i = 0; i < n; i++) {
          const f = this.str();
          if (!h.set(f, this.str())) this.corrupt(`hash '${key.slice(0, 64)}' repeats a field`);
        }
        return h;
      }
      case TYPE_SET: {
        const n = this.count(1);
        const members: string[] = new Array(n);
        for (let i = 0; i < n; i++) members[i] = this.str();
        // The first member decides the starting encoding, as Redis's load does.
        const s = new RedisSet(members[0]);
        for (const m of members) if (!s.add(m)) this.corrupt(`set '${key.slice(0, 64)}' repeats a member`);
        return s;
      }
      case TYPE_ZSET: {
        const n = this.count(9);
        const members: string[] = new Array(n);
        const scores: number[] = new Array(n);
        let maxLen = 0;
        for (let i = 0; i < n; i++) {
          const m = this.str();
          members[i] = m;
          if (m.length > maxLen) maxLen = m.length;
          this.need(8);
          const score = this.buf.readDoubleLE(this.pos);
          this.pos += 8;
          if (Number.isNaN(score)) this.corrupt(`sorted set '${key.slice(0, 64)}' has a NaN score`);
          scores[i] = score;
        }
        // Redis converts a loaded sorted set back to a listpack when it fits; create() does the same.
        const z = ZSet.create(n, maxLen);
        for (let i = 0; i < n; i++) {
          if (z.score(members[i]!) !== undefined) this.corrupt(`sorted set '${key.slice(0, 64)}' repeats a member`);
          z.insert(members[i]!, scores[i]!);
        }
        return z;
      }
      case TYPE_STREAM:
        return this.stream(key);
    }
    this.corrupt(`unknown type ${type}`);
  }
}
