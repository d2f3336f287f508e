// The sorted set value: a member → score Map for O(1) ZSCORE/membership plus a skiplist with
// spans (types/skiplist.ts) for order, rank and ranges — Redis's "skiplist" encoding.
//
// encoding() reports what Redis 7.0 would: 'listpack' while the set has never held more than
// zset-max-listpack-entries (128) members nor a member longer than zset-max-listpack-value (64)
// bytes, 'skiplist' from then on (Redis converts one way only, except that the *STORE commands
// pick the encoding by their result's size). The layout does NOT switch: small sets use the same
// Map + skiplist. A packed array for small sets was not built — no measurement showed the Map +
// skiplist to be the bottleneck for small sets (per-command overhead dominates there).

import type { RedisCollection } from './value.js';
import { SkipList, lexGteMin, lexLteMax, type LexRange, type SkipNode } from './skiplist.js';

export const ZSET_MAX_LISTPACK_ENTRIES = 128;
export const ZSET_MAX_LISTPACK_VALUE = 64;

export class ZSet implements RedisCollection {
  readonly type = 'zset' as const;
  readonly dict = new Map<string, number>();
  readonly zsl = new SkipList();
  /** Whether Redis would hold this set as a skiplist (see the module comment). */
  big = false;

  /** A new empty set whose encoding starts as Redis's zsetTypeCreate(sizeHint, maxLenHint). */
  static create(sizeHint = 0, maxLenHint = 0): ZSet {
    const z = new ZSet();
    z.big = sizeHint > ZSET_MAX_LISTPACK_ENTRIES || maxLenHint > ZSET_MAX_LISTPACK_VALUE;
    return z;
  }

  encoding(): string {
    return this.big ? 'skiplist' : 'listpack';
  }

  get size(): number {
    return this.dict.size;
  }

  clone(): ZSet {
    const z = new ZSet();
    z.big = this.big;
    for (let n = this.zsl.first(); n !== null; n = n.next[0]!) z.insert(n.member, n.score);
    return z;
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  /** Adds a member known to be absent. */
  insert(member: string, score: number): void {
    // Redis converts before inserting the element that no longer fits (zsetAdd).
    if (!this.big && (this.dict.size + 1 > ZSET_MAX_LISTPACK_ENTRIES || member.length > ZSET_MAX_LISTPACK_VALUE)) this.big = true;
    // A listpack stores scores as text where -0 becomes "0"; a skiplist keeps the double's sign.
    if (score === 0 && !this.big) score = 0;
    this.dict.set(member, score);
    this.zsl.insert(score, member);
  }

  /** Changes the score of a present member. */
  update(member: string, oldScore: number, newScore: number): void {
    if (oldScore === newScore) return;
    if (newScore === 0 && !this.big) newScore = 0;
    this.dict.set(member, newScore);
    this.zsl.updateScore(oldScore, member, newScore);
  }

  /** Adds or updates; returns whether the member was new. */
  set(member: string, score: number): boolean {
    const old = this.dict.get(member);
    if (old === undefined) {
      this.insert(member, score);
      return true;
    }
    this.update(member, old, score);
    return false;
  }

  remove(member: string): boolean {
    const score = this.dict.get(member);
    if (score === undefined) return false;
    this.dict.delete(member);
    this.zsl.delete(score, member);
    return true;
  }

  /** 0-based rank (from the highest when `reverse`), or -1 when absent. */
  rank(member: string, reverse = false): number {
    const score = this.dict.get(member);
    if (score === undefined) return -1;
    const r = this.zsl.getRank(score, member);
    return reverse ? this.zsl.length - r : r - 1;
  }

  /** The node at 0-based rank from the lowest, or null. */
  byRank(rank: number): SkipNode | null {
    return this.zsl.getByRank(rank + 1);
  }

  first(): SkipNode | null {
    return this.zsl.first();
  }

  last(): SkipNode | null {
    return this.zsl.tail;
  }

  /**
   * The first node in a lex range. Lex ranges assume equal scores; when scores differ the answer
   * depends on the algorithm, so this follows Redis's per encoding: a linear scan from the head
   * for a listpack (zzlFirstInLexRange), the skiplist search otherwise (zslFirstInLexRange).
   */
  firstInLexRange(r: LexRange): SkipNode | null {
    if (this.big) return this.zsl.firstInLexRange(r);
    if (!this.zsl.inLexRange(r)) return null;
    for (let n = this.zsl.first(); n !== null; n = n.next[0]!) {
      if (lexGteMin(n.member, r.min)) return lexLteMax(n.member, r.max) ? n : null;
    }
    return null;
  }

  /** The last node in a lex range (zzlLastInLexRange: a scan from the tail for a listpack). */
  lastInLexRange(r: LexRange): SkipNode | null {
    if (this.big) return this.zsl.lastInLexRange(r);
    if (!this.zsl.inLexRange(r)) return null;
    for (let n = this.zsl.tail; n !== null; n = n.backward) {
      if (lexLteMax(n.member, r.max)) return lexGteMin(n.member, r.min) ? n : null;
    }
    return null;
  }

  /** Removes the nodes of a lex range (listpack: from the scanned first node while <= max). */
  deleteRangeByLex(r: LexRange): number {
    const dict = this.dict;
    const drop = (n: SkipNode) => {
      dict.delete(n.member);
    };
    if (this.big) return this.zsl.deleteRangeByLex(r, drop);
    const start = this.firstInLexRange(r);
    if (start === null) return 0;
    return this.zsl.deleteFrom(start, (n) => lexLteMax(n.member, r.max), drop);
  }

  /** ZLEXCOUNT: a listpack counts by walking from the first match; a skiplist by ranks. */
  lexCount(r: LexRange): number {
    const first = this.firstInLexRange(r);
    if (first === null) return 0;
    if (!this.big) {
      let count = 0;
      for (let n: SkipNode | null = first; n !== null && lexLteMax(n.member, r.max); n = n.next[0]!) count++;
      return count;
    }
    const last = this.zsl.lastInLexRange(r);
    if (last === null) return 0;
    return this.zsl.getRank(last.score, last.member) - this.zsl.getRank(first.score, first.member) + 1;
  }

  /** Removes the node (found by iteration) from both halves. */
  removeNode(node: SkipNode): void {
    this.dict.delete(node.member);
    this.zsl.delete(node.score, node.member);
  }

  /** Redis's zsetConvertToListpackIfNeeded for *STORE results. */
  fitEncoding(maxLen: number): void {
    this.big = this.dict.size > ZSET_MAX_LISTPACK_ENTRIES || maxLen > ZSET_MAX_LISTPACK_VALUE;
    if (!this.big) {
      for (let n = this.zsl.first(); n !== null; n = n.next[0]!) {
        if (Object.is(n.score, -0)) {
          n.score = 0;
          this.dict.set(n.member, 0);
        }
      }
    }
  }
}
