// The sorted set value: a member → slot Map with scores in a slot array for O(1)
// ZSCORE/membership, plus an order-statistic sequence (types/sorted-blocks.ts) for order, rank and
// ranges by rank, score or member bytes. Positions are 0-based ranks; range searches answer a
// rank (or -1), and callers walk from it.
//
// Slots exist for ZSCAN: a member keeps its slot while it stays (a removal leaves a hole the next
// insert reuses), so a slot-number cursor returns every member present for a whole iteration even
// when others are removed or scores change meanwhile — the guarantee Redis's dict cursor gives. A
// sparse slot array is compacted, which bumps an epoch carried in the cursor's high bits; a cursor
// from an older epoch restarts at 0 (duplicates are allowed by SCAN's contract, misses are not).
//
// encoding() reports what Redis 7.0 would: 'listpack' while the set has never held more than
// zset-max-listpack-entries (128) members nor a member longer than zset-max-listpack-value (64)
// bytes, 'skiplist' from then on (Redis converts one way only, except that the *STORE commands
// pick the encoding by their result's size). The layout does NOT switch: small sets use the same
// Map + blocks (a small set is a single block, which already is a packed sorted array — a
// separate small encoding would buy nothing). Two listpack behaviours clients can see are
// reproduced: a listpack stores -0 as "0", and lex ranges over members with different scores
// (undefined territory) are answered by a linear scan as zzlFirstInLexRange does.

import type { RedisCollection } from './value.js';
import { SortedBlocks } from './sorted-blocks.js';

export const ZSET_MAX_LISTPACK_ENTRIES = 128;
export const ZSET_MAX_LISTPACK_VALUE = 64;

/** A score interval; `minex`/`maxex` make the ends exclusive. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** One end of a lex interval: -inf ('-'), +inf ('+') or a member with inclusive/exclusive flag. */
export type LexBound = { kind: 'min' } | { kind: 'max' } | { kind: 'value'; value: string; exclusive: boolean };

export interface LexRange {
  min: LexBound;
  max: LexBound;
}

export function scoreGteMin(value: number, r: ScoreRange): boolean {
  return r.minex ? value > r.min : value >= r.min;
}

export function scoreLteMax(value: number, r: ScoreRange): boolean {
  return r.maxex ? value < r.max : value <= r.max;
}

export function lexGteMin(value: string, b: LexBound): boolean {
  if (b.kind === 'min') return true;
  if (b.kind === 'max') return false;
  return b.exclusive ? value > b.value : value >= b.value;
}

export function lexLteMax(value: string, b: LexBound): boolean {
  if (b.kind === 'max') return true;
  if (b.kind === 'min') return false;
  return b.exclusive ? value < b.value : value <= b.value;
}

/** Whether a score range is empty by construction (zslIsInRange's first check). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** Whether a lex range is empty by construction (zslIsInLexRange's first check). */
export function lexRangeEmpty(r: LexRange): boolean {
  const a = r.min;
  const b = r.max;
  if (a.kind === 'max' || b.kind === 'min') return true;
  if (a.kind === 'value' && b.kind === 'value') {
    if (a.value > b.value) return true;
    if (a.value === b.value && (a.exclusive || b.exclusive)) return true;
  }
  return false;
}

/** Cursor layout for slot scans: slot in the low 32 bits, epoch above (kept below 2^53). */
const EPOCH_UNIT = 2 ** 32;
const EPOCHS = 2 ** 20;
/** Slot arrays at least this long are compacted when less than a quarter is in use. */
const COMPACT_SLOTS_MIN = 64;

export class ZSet implements RedisCollection {
  readonly type = 'zset' as const;
  /**
   * Member → slot in slotMember/slotScore. A Map, not the keyspace's KeyIndex: KeyIndex hashes
   * fresh member strings for less, but ZADD -P 16 into 100k members measured no faster with it,
   * and an empty one costs ~600 bytes more than a small Map, for each of possibly millions of
   * small sets.
   */
  private readonly index = new Map<string, number>();
  private slotMember: (string | undefined)[] = [];
  private slotScore: number[] = [];
  private free: number[] = [];
  private epoch = 0;
  /**
   * The member score() last found and its slot: ZADD asks score() and then update() for the same
   * member, and this spares update() a second Map probe (3-7% of ZADD's server cycles at -P 16,
   * measured by taking it out). Cleared whenever slots are freed or move.
   */
  private lastMember: string | undefined = undefined;
  private lastSlot = 0;
  readonly seq: SortedBlocks;
  /** Whether Redis would hold this set as a skiplist (see the module comment). */
  big = false;

  /** `blockMax` only for tests (tiny blocks exercise splits and merges). */
  constructor(blockMax?: number) {
    this.seq = new SortedBlocks(blockMax);
  }

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
    return this.index.size;
  }

  private addSlot(member: string, score: number): void {
    const slot = this.free.pop();
    if (slot === undefined) {
      this.index.set(member, this.slotMember.length);
      this.slotMember.push(member);
      this.slotScore.push(score);
    } else {
      this.index.set(member, slot);
      this.slotMember[slot] = member;
      this.slotScore[slot] = score;
    }
  }

  private dropSlot(member: string): void {
    this.lastMember = undefined;
    const slot = this.index.get(member)!;
    this.index.delete(member);
    this.slotMember[slot] = undefined;
    this.slotScore[slot] = 0;
    this.free.push(slot);
    const cap = this.slotMember.length;
    if (cap >= COMPACT_SLOTS_MIN && this.index.size < cap >>> 2) this.compact();
  }

  /** Packs live slots together (keeping their order) and starts a new cursor epoch. */
  private compact(): void {
    this.lastMember = undefined;
    const members: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i < this.slotMember.length; i++) {
      const m = this.slotMember[i];
      if (m === undefined) continue;
      this.index.set(m, members.length);
      members.push(m);
      scores.push(this.slotScore[i]!);
    }
    this.slotMember = members;
    this.slotScore = scores;
    this.free = [];
    this.epoch = (this.epoch + 1) % EPOCHS;
  }

  /**
   * Visits live members slot by slot from `cursor` until `count` slots were walked; returns the
   * next cursor, 0 when the walk reached the end (Redis's dict scan contract).
   */
  scanSlots(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    let slot = cursor % EPOCH_UNIT;
    if (Math.floor(cursor / EPOCH_UNIT) !== this.epoch) slot = 0;
    const end = this.slotMember.length;
    for (let walked = 0; slot < end && walked < count; slot++, walked++) {
      const m = this.slotMember[slot];
      if (m !== undefined) visit(m, this.slotScore[slot]!);
    }
    return slot >= end ? 0 : this.epoch * EPOCH_UNIT + slot;
  }

  clone(): ZSet {
    const z = new ZSet();
    // Entries come in order: appending to the last block is the cheap path of insert.
    z.big = this.big;
    this.seq.each(0, false, (m, s) => {
      z.addSlot(m, s);
      z.seq.insert(s, m);
    });
    return z;
  }

  score(member: string): number | undefined {
    const slot = this.index.get(member);
    if (slot === undefined) return undefined;
    this.lastMember = member;
    this.lastSlot = slot;
    return this.slotScore[slot];
  }

  /** Adds a member known to be absent. */
  insert(member: string, score: number): void {
    // Redis converts before inserting the element that no longer fits (zsetAdd).
    if (!this.big && (this.index.size + 1 > ZSET_MAX_LISTPACK_ENTRIES || member.length > ZSET_MAX_LISTPACK_VALUE)) this.big = true;
    // A listpack stores scores as text where -0 becomes "0"; a skiplist keeps the double's sign.
    if (score === 0 && !this.big) score = 0;
    this.addSlot(member, score);
    this.seq.insert(score, member);
  }

  /** Changes the score of a present member. */
  update(member: string, oldScore: number, newScore: number): void {
    if (oldScore === newScore) return;
    this.moveSlot(member === this.lastMember ? this.lastSlot : this.index.get(member)!, oldScore, newScore);
  }

  private moveSlot(slot: number, oldScore: number, newScore: number): void {
    if (newScore === 0 && !this.big) newScore = 0;
    this.slotScore[slot] = newScore;
    // The string already stored, not the caller's copy (a fresh one from the request): the old
    // one compares by pointer, and storing a young string into the blocks' old arrays would cost
    // a write barrier now and the scavenger's copy of it later.
    const stored = this.slotMember[slot]!;
    this.seq.delete(oldScore, stored);
    this.seq.insert(newScore, stored);
  }

  /** Adds or updates; returns whether the member was new. */
  set(member: string, score: number): boolean {
    const slot = this.index.get(member);
    if (slot === undefined) {
      this.insert(member, score);
      return true;
    }
    const old = this.slotScore[slot]!;
    if (old !== score) this.moveSlot(slot, old, score);
    return false;
  }

  remove(member: string): boolean {
    const score = this.score(member);
    if (score === undefined) return false;
    this.dropSlot(member);
    this.seq.delete(score, member);
    return true;
  }

  /** 0-based rank (from the highest when `reverse`), or -1 when absent. */
  rank(member: string, reverse = false): number {
    const score = this.score(member);
    if (score === undefined) return -1;
    const r = this.seq.rankOf(score, member);
    return reverse ? this.seq.length - 1 - r : r;
  }

  memberAt(rank: number): string {
    return this.seq.memberAt(rank);
  }

  scoreAt(rank: number): number {
    return this.seq.scoreAt(rank);
  }

  /** Walks members from `rank` (towards lower ranks when `reverse`) while `visit` returns non-false. */
  each(rank: number, reverse: boolean, visit: (member: string, score: number) => boolean | void): void {
    this.seq.each(rank, reverse, visit);
  }

  /** Removes and returns the lowest (or highest) member. */
  pop(max: boolean): [string, number] {
    const rank = max ? this.seq.length - 1 : 0;
    const member = this.seq.memberAt(rank);
    const score = this.seq.scoreAt(rank);
    this.dropSlot(member);
    this.seq.deleteRange(rank, rank, noop);
    return [member, score];
  }

  /** Rank of the first member with a score in range, or -1 (zslFirstInRange). */
  firstInRange(r: ScoreRange): number {
    const n = this.seq.length;
    if (n === 0 || scoreRangeEmpty(r)) return -1;
    if (!scoreGteMin(this.seq.scoreAt(n - 1), r) || !scoreLteMax(this.seq.scoreAt(0), r)) return -1;
    const rank = this.seq.lowerBound((s) => !scoreGteMin(s, r));
    return rank < n && scoreLteMax(this.seq.scoreAt(rank), r) ? rank : -1;
  }

  /** Rank of the last member with a score in range, or -1 (zslLastInRange). */
  lastInRange(r: ScoreRange): number {
    const n = this.seq.length;
    if (n === 0 || scoreRangeEmpty(r)) return -1;
    if (!scoreGteMin(this.seq.scoreAt(n - 1), r) || !scoreLteMax(this.seq.scoreAt(0), r)) return -1;
    const rank = this.seq.lowerBound((s) => scoreLteMax(s, r)) - 1;
    return rank >= 0 && scoreGteMin(this.seq.scoreAt(rank), r) ? rank : -1;
  }

  private inLexRange(r: LexRange): boolean {
    const n = this.seq.length;
    if (n === 0 || lexRangeEmpty(r)) return false;
    return lexGteMin(this.seq.memberAt(n - 1), r.min) && lexLteMax(this.seq.memberAt(0), r.max);
  }

  /**
   * Rank of the first member in a lex range, or -1. Lex ranges assume equal scores; when scores
   * differ the answer depends on the algorithm: a listpack scans from the head
   * (zzlFirstInLexRange), which is reproduced; for a skiplist Redis's answer depends on random
   * node levels, so any consistent answer is as good (a binary search here).
   */
  firstInLexRange(r: LexRange): number {
    if (!this.inLexRange(r)) return -1;
    if (!this.big) {
      let found = -1;
      let rank = 0;
      this.seq.each(0, false, (m) => {
        if (lexGteMin(m, r.min)) {
          if (lexLteMax(m, r.max)) found = rank;
          return false;
        }
        rank++;
      });
      return found;
    }
    const rank = this.seq.lowerBound((_s, m) => !lexGteMin(m, r.min));
    return rank < this.seq.length && lexLteMax(this.seq.memberAt(rank), r.max) ? rank : -1;
  }

  /** Rank of the last member in a lex range, or -1 (a scan from the tail for a listpack). */
  lastInLexRange(r: LexRange): number {
    if (!this.inLexRange(r)) return -1;
    const n = this.seq.length;
    if (!this.big) {
      let found = -1;
      let rank = n - 1;
      this.seq.each(n - 1, true, (m) => {
        if (lexLteMax(m, r.max)) {
          if (lexGteMin(m, r.min)) found = rank;
          return false;
        }
        rank--;
      });
      return found;
    }
    const rank = this.seq.lowerBound((_s, m) => lexLteMax(m, r.max)) - 1;
    return rank >= 0 && lexGteMin(this.seq.memberAt(rank), r.min) ? rank : -1;
  }

  /** Removes ranks start..end inclusive (0-based); returns how many. */
  deleteRangeByRank(start: number, end: number): number {
    return this.seq.deleteRange(start, end, (m) => this.dropSlot(m));
  }

  /** Counts members from `start` on while `keep` holds (the walk of the range commands). */
  private runFrom(start: number, keep: (member: string, score: number) => boolean): number {
    let count = 0;
    this.seq.each(start, false, (m, s) => {
      if (!keep(m, s)) return false;
      count++;
    });
    return count;
  }

  /** zslDeleteRangeByScore: from the first member >= min while <= max. */
  deleteRangeByScore(r: ScoreRange): number {
    const start = this.seq.lowerBound((s) => !scoreGteMin(s, r));
    const n = this.runFrom(start, (_m, s) => scoreLteMax(s, r));
    return n === 0 ? 0 : this.deleteRangeByRank(start, start + n - 1);
  }

  /** ZREMRANGEBYLEX: from the first member in range (as firstInLexRange finds it) while <= max. */
  deleteRangeByLex(r: LexRange): number {
    let start: number;
    if (!this.big) {
      start = this.firstInLexRange(r);
      if (start < 0) return 0;
    } else {
      // zslDeleteRangeByLex has no zslIsInLexRange check: search, then walk while <= max.
      start = this.seq.lowerBound((_s, m) => !lexGteMin(m, r.min));
    }
    const n = this.runFrom(start, (m) => lexLteMax(m, r.max));
    return n === 0 ? 0 : this.deleteRangeByRank(start, start + n - 1);
  }

  /** ZLEXCOUNT: a listpack counts by walking from the first match; a skiplist by ranks. */
  lexCount(r: LexRange): number {
    const first = this.firstInLexRange(r);
    if (first < 0) return 0;
    if (!this.big) return this.runFrom(first, (m) => lexLteMax(m, r.max));
    const last = this.lastInLexRange(r);
    return last < 0 ? 0 : last - first + 1;
  }

  /** Redis's zsetConvertToListpackIfNeeded for *STORE results. */
  fitEncoding(maxLen: number): void {
    this.big = this.index.size > ZSET_MAX_LISTPACK_ENTRIES || maxLen > ZSET_MAX_LISTPACK_VALUE;
    if (this.big) return;
    const negZero: string[] = [];
    this.seq.each(0, false, (m, s) => {
      if (Object.is(s, -0)) negZero.push(m);
    });
    for (const m of negZero) {
      this.seq.delete(-0, m);
      this.seq.insert(0, m);
      this.slotScore[this.index.get(m)!] = 0;
    }
  }
}

function noop(): void {}

