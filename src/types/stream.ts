// The stream type (no RESP here): entries keyed by (ms, seq) IDs in append order, plus the
// metadata Redis 7.0 keeps (last ID, first ID, max deleted ID, entries added) and consumer groups.
//
// Layout: a list of nodes that mirror Redis's radix-tree macro nodes and break where Redis's do:
// a node takes appended entries until it holds stream-node-max-entries (100) or Redis's listpack
// for it would reach stream-node-max-bytes (4096; sizes from stream-listpack.ts). Deleted entries
// stay in their node as tombstones (Redis's listpack flag), so approximate trimming (`~`), which
// only removes whole nodes, removes exactly what Redis would. A node stores its entries in columns
// (stream-node.ts). Nodes are kept in an array with a head offset, so trimming from the head is
// O(removed) amortised; range reads binary-search the node, then the entry: O(log n + returned).
//
// IDs are two unsigned 64-bit numbers. A part is a JS number while it is ≤ 2^53 - 1 and a bigint
// beyond (normalised: a bigint never holds a small value), so the common path is plain number
// arithmetic while the full range stays exact; `<`/`>` compare number and bigint exactly.

import type { RedisCollection } from './value.js';
import { StreamNode } from './stream-node.js';
import { LP_HEADER_AND_END_BYTES, STREAM_NODE_MAX_BYTES, entryBytes, lpIntBytes, masterBytes, sameFields, totalElementBytes } from './stream-listpack.js';

export type U64 = number | bigint;
export interface StreamId {
  ms: U64;
  seq: U64;
}

export const STREAM_NODE_MAX_ENTRIES = 100;
/** STREAM_LISTPACK_MAX_SIZE: the byte limit used when stream-node-max-bytes is 0 or larger. */
const LISTPACK_MAX_BYTES = 1 << 30;
export const U64_MAX = (1n << 64n) - 1n;
const SAFE = Number.MAX_SAFE_INTEGER;

export const ID_ZERO: StreamId = { ms: 0, seq: 0 };
export const ID_MAX: StreamId = { ms: U64_MAX, seq: U64_MAX };

function norm(v: bigint): U64 {
  return v <= BigInt(SAFE) ? Number(v) : v;
}

export function idCmp(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) {
    if (a.ms < b.ms) return -1;
    if (a.ms > b.ms) return 1;
  }
  if (a.seq < b.seq) return -1;
  if (a.seq > b.seq) return 1;
  return 0;
}

export function idEq(a: StreamId, b: StreamId): boolean {
  return a.ms === b.ms && a.seq === b.seq;
}

export function idIsZero(a: StreamId): boolean {
  return a.ms === 0 && a.seq === 0;
}

function inc64(v: U64): U64 {
  if (typeof v === 'number') return v < SAFE ? v + 1 : BigInt(v) + 1n;
  return v + 1n;
}

function dec64(v: U64): U64 {
  if (typeof v === 'number') return v - 1;
  return norm(v - 1n);
}

function isMax64(v: U64): boolean {
  return typeof v === 'bigint' && v === U64_MAX;
}

/** streamIncrID: the next ID, or null when `id` is the largest one. */
export function idIncr(id: StreamId): StreamId | null {
  if (isMax64(id.seq)) {
    if (isMax64(id.ms)) return null;
    return { ms: inc64(id.ms), seq: 0 };
  }
  return { ms: id.ms, seq: inc64(id.seq) };
}

/** streamDecrID: the previous ID, or null when `id` is 0-0. */
export function idDecr(id: StreamId): StreamId | null {
  if (id.seq === 0) {
    if (id.ms === 0) return null;
    return { ms: dec64(id.ms), seq: U64_MAX };
  }
  return { ms: id.ms, seq: dec64(id.seq) };
}

export function idStr(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** Parses an unsigned 64-bit decimal as strtoull would under Redis's string2ull (digits only). */
export function parseU64(s: string): U64 | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  if (n < 16) return Number(s);
  const b = BigInt(s);
  if (b > U64_MAX) return null;
  return norm(b);
}

export function u64Add(a: U64, b: number): U64 {
  if (typeof a === 'number' && a + b <= SAFE) return a + b;
  return norm(BigInt(a) + BigInt(b));
}

/** A PEL entry (streamNACK). */
export interface Nack {
  id: StreamId;
  consumer: Consumer;
  deliveryTime: number;
  deliveryCount: number;
}

export interface Consumer {
  name: string;
  seenTime: number;
  pel: SortedIdMap<Nack>;
}

export interface ConsumerGroup {
  name: string;
  lastId: StreamId;
  /** -1 when unknown (SCG_INVALID_ENTRIES_READ). */
  entriesRead: number;
  pel: SortedIdMap<Nack>;
  consumers: Map<string, Consumer>;
}

/** A map keyed by stream ID, iterable in ID order: a sorted array (PELs are mostly appended). */
export class SortedIdMap<V extends { id: StreamId }> {
  items: V[] = [];

  get size(): number {
    return this.items.length;
  }

  /** First index whose ID is ≥ id. */
  lowerBound(id: StreamId): number {
    const a = this.items;
    let lo = 0;
    let hi = a.length;
    // Fast path: appending.
    if (hi > 0 && idCmp(a[hi - 1]!.id, id) < 0) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (idCmp(a[mid]!.id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(id: StreamId): V | undefined {
    const i = this.lowerBound(id);
    const v = this.items[i];
    return v !== undefined && idEq(v.id, id) ? v : undefined;
  }

  /** Inserts; returns false (and does nothing) if the ID is present. */
  insert(v: V): boolean {
    const i = this.lowerBound(v.id);
    const cur = this.items[i];
    if (cur !== undefined && idEq(cur.id, v.id)) return false;
    if (i === this.items.length) this.items.push(v);
    else this.items.splice(i, 0, v);
    return true;
  }

  delete(id: StreamId): V | undefined {
    const i = this.lowerBound(id);
    const cur = this.items[i];
    if (cur === undefined || !idEq(cur.id, id)) return undefined;
    if (i === 0) this.items.shift();
    else this.items.splice(i, 1);
    return cur;
  }
}

export interface StreamEntry {
  id: StreamId;
  /** field, value, field, value… */
  fields: string[];
  /** Where the entry lives (entries are made on read), for the reply's cached ID text. */
  node?: StreamNode;
  index?: number;
}

/** The entry's ID as "ms-seq", cached in its node (range replies write it for every entry). */
export function entryIdText(e: StreamEntry): string {
  const n = e.node;
  if (n === undefined) return idStr(e.id);
  const texts = (n.texts ??= []);
  return (texts[e.index!] ??= idStr(e.id));
}

type Node = StreamNode;

/** lpBytes of the node's listpack in Redis. */
function nodeBytes(n: Node): number {
  return n.bytes + lpIntBytes(n.live) + lpIntBytes(n.count - n.live);
}

export class RedisStream implements RedisCollection {
  readonly type = 'stream' as const;
  private nodes: Node[] = [];
  private head = 0;
  length = 0;
  lastId: StreamId = ID_ZERO;
  firstId: StreamId = ID_ZERO;
  maxDeletedId: StreamId = ID_ZERO;
  entriesAdded: U64 = 0;
  groups = new Map<string, ConsumerGroup>();
  /** Node limits (stream-node-max-entries, 0 = none; stream-node-max-bytes), set by XADD from the config. */
  nodeMaxEntries = STREAM_NODE_MAX_ENTRIES;
  /** Node size limit in bytes of Redis's listpack encoding (stream-node-max-bytes). */
  nodeMaxBytes = STREAM_NODE_MAX_BYTES;

  encoding(): string {
    return 'stream';
  }

  get nodeCount(): number {
    return this.nodes.length - this.head;
  }

  clone(): RedisStream {
    const c = new RedisStream();
    c.nodes = this.nodes.slice(this.head).map((n) => n.clone());
    c.length = this.length;
    c.lastId = this.lastId;
    c.firstId = this.firstId;
    c.maxDeletedId = this.maxDeletedId;
    c.entriesAdded = this.entriesAdded;
    for (const g of this.groups.values()) {
      const ng: ConsumerGroup = { name: g.name, lastId: g.lastId, entriesRead: g.entriesRead, pel: new SortedIdMap(), consumers: new Map() };
      for (const con of g.consumers.values()) ng.consumers.set(con.name, { name: con.name, seenTime: con.seenTime, pel: new SortedIdMap() });
      for (const n of g.pel.items) {
        const consumer = ng.consumers.get(n.consumer.name)!;
        const nn: Nack = { id: n.id, consumer, deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount };
        ng.pel.items.push(nn);
        consumer.pel.items.push(nn);
      }
      for (const con of ng.consumers.values()) con.pel.items.sort((a, b) => idCmp(a.id, b.id));
      c.groups.set(g.name, ng);
    }
    return c;
  }

  /** Appends an entry; the caller guarantees id > lastId. */
  append(id: StreamId, fields: string[]): void {
    let node = this.nodes.length > this.head ? this.nodes[this.nodes.length - 1]! : undefined;
    // streamAppendItem: a new node when this one would reach max bytes, or holds max entries.
    let maxBytes = this.nodeMaxBytes;
    if (maxBytes === 0 || maxBytes > LISTPACK_MAX_BYTES) maxBytes = LISTPACK_MAX_BYTES;
    if (
      node === undefined ||
      nodeBytes(node) + totalElementBytes(fields) >= maxBytes ||
      (this.nodeMaxEntries > 0 && node.count >= this.nodeMaxEntries)
    ) {
      node = new StreamNode(id, fields, Math.min(Math.max(this.nodeMaxEntries, 1), STREAM_NODE_MAX_ENTRIES));
      node.bytes = LP_HEADER_AND_END_BYTES + masterBytes(fields) + entryBytes(id, id, fields, true);
      this.nodes.push(node);
    } else {
      node.bytes += entryBytes(id, node.first, fields, sameFields(node.master, fields));
    }
    node.push(id, fields);
    if (this.length === 0) this.firstId = id;
    this.length++;
    this.lastId = id;
    this.entriesAdded = u64Add(this.entriesAdded, 1);
  }

  /** The node keys (each node's first entry ID) as 16 big-endian bytes, in order. */
  private nodeKeys(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let ni = this.head; ni < this.nodes.length; ni++) {
      const id = this.nodes[ni]!.first;
      const k = new Uint8Array(16);
      const ms = BigInt(id.ms);
      const seq = BigInt(id.seq);
      for (let i = 0; i < 8; i++) {
        k[7 - i] = Number((ms >> BigInt(8 * i)) & 0xffn);
        k[15 - i] = Number((seq >> BigInt(8 * i)) & 0xffn);
      }
      out.push(k);
    }
    return out;
  }

  /**
   * Redis's rax node count for the node keys (XINFO radix-tree-nodes): a compressed node per
   * run of shared bytes, a branching node per fork, a leaf per key; 1 for an empty tree.
   */
  raxNodeCount(): number {
    const keys = this.nodeKeys();
    if (keys.length === 0) return 1;
    const count = (lo: number, hi: number, d: number): number => {
      if (d >= 16) return 1;
      const a = keys[lo]!;
      const b = keys[hi - 1]!;
      let l = 0;
      while (d + l < 16 && a[d + l] === b[d + l]) l++;
      if (l > 0) return 1 + count(lo, hi, d + l);
      let n = 1;
      let i = lo;
      while (i < hi) {
        let j = i + 1;
        while (j < hi && keys[j]![d] === keys[i]![d]) j++;
        n += count(i, j, d + 1);
        i = j;
      }
      return n;
    };
    return count(0, keys.length, 0);
  }

  /** Index of the last node whose first entry is ≤ id (head - 1 when none). */
  private nodeFloor(id: StreamId): number {
    let lo = this.head;
    let hi = this.nodes.length - 1;
    let ans = this.head - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (idCmp(this.nodes[mid]!.first, id) <= 0) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  private static entryLowerBound(node: Node, id: StreamId): number {
    return node.lowerBound(id);
  }

  get(id: StreamId): StreamEntry | undefined {
    const ni = this.nodeFloor(id);
    if (ni < this.head) return undefined;
    const node = this.nodes[ni]!;
    const i = RedisStream.entryLowerBound(node, id);
    if (i >= node.count || node.deleted[i] || node.cmpAt(i, id) !== 0) return undefined;
    return node.entryAt(i);
  }

  /**
   * Calls `fn` for live entries with start ≤ ID ≤ end, ascending (or descending when `rev`), until
   * `count` entries (0 = no limit) or `fn` returns false. Returns the number visited.
   */
  range(start: StreamId, end: StreamId, rev: boolean, count: number, fn: (e: StreamEntry) => boolean | void): number {
    if (this.length === 0 || idCmp(start, end) > 0) return 0;
    let n = 0;
    if (!rev) {
      let ni = this.nodeFloor(start);
      let i = 0;
      if (ni < this.head) ni = this.head;
      else i = RedisStream.entryLowerBound(this.nodes[ni]!, start);
      for (; ni < this.nodes.length; ni++, i = 0) {
        const node = this.nodes[ni]!;
        const cnt = node.count;
        for (; i < cnt; i++) {
          if (node.deleted[i]) continue;
          if (node.cmpAt(i, end) > 0) return n;
          n++;
          if (fn(node.entryAt(i)) === false || (count > 0 && n >= count)) return n;
        }
      }
    } else {
      let ni = this.nodeFloor(end);
      if (ni < this.head) return 0;
      let node = this.nodes[ni]!;
      let i = RedisStream.entryLowerBound(node, end);
      if (i >= node.count || node.cmpAt(i, end) > 0) i--;
      for (;;) {
        for (; i >= 0; i--) {
          if (node.deleted[i]) continue;
          if (node.cmpAt(i, start) < 0) return n;
          n++;
          if (fn(node.entryAt(i)) === false || (count > 0 && n >= count)) return n;
        }
        ni--;
        if (ni < this.head) return n;
        node = this.nodes[ni]!;
        i = node.count - 1;
      }
    }
    return n;
  }

  /** The first (or last) live entry's ID (streamGetEdgeID), or null when empty. */
  edgeId(first: boolean): StreamId | null {
    if (this.length === 0) return null;
    if (first) {
      for (let ni = this.head; ni < this.nodes.length; ni++) {
        const node = this.nodes[ni]!;
        if (node.live === 0) continue;
        for (let i = 0; i < node.count; i++) if (!node.deleted[i]) return node.idAt(i);
      }
    } else {
      for (let ni = this.nodes.length - 1; ni >= this.head; ni--) {
        const node = this.nodes[ni]!;
        if (node.live === 0) continue;
        for (let i = node.count - 1; i >= 0; i--) if (!node.deleted[i]) return node.idAt(i);
      }
    }
    return null;
  }

  private removeNode(ni: number): void {
    if (ni === this.head) {
      this.nodes[ni] = undefined as unknown as Node;
      this.head++;
      if (this.head > 64 && this.head * 2 > this.nodes.length) {
        this.nodes = this.nodes.slice(this.head);
        this.head = 0;
      }
    } else this.nodes.splice(ni, 1);
  }

  /** XDEL of one ID: true if it was there. Updates length, maxDeletedId and firstId. */
  delete(id: StreamId): boolean {
    const ni = this.nodeFloor(id);
    if (ni < this.head) return false;
    const node = this.nodes[ni]!;
    const i = RedisStream.entryLowerBound(node, id);
    if (i >= node.count || node.deleted[i] || node.cmpAt(i, id) !== 0) return false;
    node.deleted[i] = 1;
    node.live--;
    this.length--;
    if (node.live === 0) this.removeNode(ni);
    if (idCmp(id, this.maxDeletedId) > 0) this.maxDeletedId = id;
    if (this.length === 0) this.firstId = ID_ZERO;
    else if (idEq(id, this.firstId)) this.firstId = this.edgeId(true)!;
    return true;
  }

  /**
   * streamTrim. `maxlen` ≥ 0 trims by length, else `minid` trims IDs below it. `limit` 0 = none.
   * Returns the number of entries removed.
   */
  trim(maxlen: number, minid: StreamId | null, approx: boolean, limit: number): number {
    let deleted = 0;
    while (this.head < this.nodes.length) {
      if (minid === null && this.length <= maxlen) break;
      const node = this.nodes[this.head]!;
      const entries = node.live;
      if (limit && deleted + entries > limit) break;
      const removeNode = minid === null ? this.length - entries >= maxlen : node.cmpAt(node.count - 1, minid) < 0;
      if (removeNode) {
        this.removeNode(this.head);
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      for (let i = 0; i < node.count; i++) {
        const stop = minid === null ? this.length <= maxlen : node.cmpAt(i, minid) >= 0;
        if (stop) break;
        if (!node.deleted[i]) {
          node.deleted[i] = 1;
          node.live--;
          this.length--;
          deleted++;
        }
      }
      // Redis never drops a node emptied this way (it leaves an empty listpack behind).
      break;
    }
    if (deleted) {
      if (this.length === 0) this.firstId = ID_ZERO;
      else this.firstId = this.edgeId(true)!;
    }
    return deleted;
  }
}
