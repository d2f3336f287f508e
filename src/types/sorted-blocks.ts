// The ordered half of a sorted set: an order-statistic sequence of (score, member) pairs kept as
// a list of sorted blocks (at most BLOCK_MAX entries each) plus a Fenwick tree over the block
// sizes. Insert, delete, rank, element-at-rank and searches by score or member are O(log n)
// block-level steps plus a binary search and a short array splice inside one block.
//
// Why not a skiplist like Redis's t_zset.c: in V8 every skiplist step chases two or three
// pointers (node, its level array, the boxed score), and with a million members each is a cache
// miss; a first version with a spans skiplist spent most of ZADD's time there. Blocks keep
// members and scores in contiguous arrays (scores unboxed in double arrays), so a search touches
// a handful of cache lines, and there is one small object per block rather than three per member.
//
// Order is Redis's: by score, then by member bytes (latin1 strings: JS `<` is byte-wise).
// Structural changes (a block split, emptied or merged) invalidate the Fenwick tree; it is rebuilt,
// O(blocks), only when a rank is next needed, so a run of ZADDs or pops never pays for it.
// BLOCK_MAX 128 measured best against 64/256/512 for random ZADD into 100k members.

export const BLOCK_MAX = 128;

/** (s1, m1) strictly before (s2, m2) in sorted-set order. */
export function before(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

/** "Is (score, member) before the position searched for": true on a prefix of the order. */
export type Before = (score: number, member: string) => boolean;

export class SortedBlocks {
  /** Members of each block, sorted. */
  private bm: string[][] = [];
  /** Scores of each block, parallel to bm. */
  private bs: number[][] = [];
  /** The last (largest) entry of each block, for the block-level binary search. */
  private maxS: number[] = [];
  private maxM: string[] = [];
  /** 1-based Fenwick tree over block sizes. */
  private fen: number[] = [0];
  /** Largest power of two <= number of blocks (for the Fenwick descent). */
  private topBit = 0;
  length = 0;
  /** A block this small is merged into its successor when both fit in one block. */
  private readonly mergeBelow: number;

  /** `blockMax` is a parameter so tests can force splits and merges with tiny blocks. */
  constructor(private readonly blockMax = BLOCK_MAX) {
    this.mergeBelow = Math.max(1, blockMax >>> 3);
  }

  /** Whether the Fenwick tree is stale (rebuilt on the next rank query). */
  private stale = false;

  private rebuild(): void {
    this.stale = true;
  }

  private ensureFenwick(): void {
    if (!this.stale) return;
    this.stale = false;
    const n = this.bm.length;
    const f = new Array<number>(n + 1).fill(0);
    for (let i = 1; i <= n; i++) {
      f[i]! += this.bm[i - 1]!.length;
      const j = i + (i & -i);
      if (j <= n) f[j]! += f[i]!;
    }
    this.fen = f;
    let t = 1;
    while (t * 2 <= n) t *= 2;
    this.topBit = n === 0 ? 0 : t;
  }

  private fenAdd(block: number, delta: number): void {
    if (this.stale) return;
    const f = this.fen;
    for (let i = block + 1; i < f.length; i += i & -i) f[i]! += delta;
  }

  /** Entries in blocks [0, block). */
  private prefix(block: number): number {
    this.ensureFenwick();
    const f = this.fen;
    let s = 0;
    for (let i = block; i > 0; i -= i & -i) s += f[i]!;
    return s;
  }

  /** Block holding 0-based `rank` (< length); the offset inside it is left in `this.off`. */
  private off = 0;
  private blockOfRank(rank: number): number {
    if (rank === 0) {
      this.off = 0;
      return 0;
    }
    if (rank === this.length - 1) {
      const b = this.bm.length - 1;
      this.off = this.bm[b]!.length - 1;
      return b;
    }
    this.ensureFenwick();
    const f = this.fen;
    const n = f.length - 1;
    let pos = 0;
    let rem = rank;
    for (let step = this.topBit; step > 0; step >>= 1) {
      const nx = pos + step;
      if (nx <= n && f[nx]! <= rem) {
        pos = nx;
        rem -= f[nx]!;
      }
    }
    this.off = rem;
    return pos;
  }

  /** First block whose last entry is not before the position `isBefore` describes (may be = blocks). */
  private blockFor(isBefore: Before): number {
    const maxS = this.maxS;
    const maxM = this.maxM;
    let lo = 0;
    let hi = maxS.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (isBefore(maxS[mid]!, maxM[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Same as blockFor for an exact (score, member) key, without a closure. */
  private blockForKey(score: number, member: string): number {
    const maxS = this.maxS;
    const maxM = this.maxM;
    let lo = 0;
    let hi = maxS.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = maxS[mid]!;
      if (s < score || (s === score && maxM[mid]! < member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static indexForKey(ms: string[], ss: number[], score: number, member: string): number {
    let lo = 0;
    let hi = ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = ss[mid]!;
      if (s < score || (s === score && ms[mid]! < member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts a pair known to be absent. */
  insert(score: number, member: string): void {
    this.length++;
    const nb = this.bm.length;
    if (nb === 0) {
      this.bm.push([member]);
      this.bs.push([score]);
      this.maxS.push(score);
      this.maxM.push(member);
      this.rebuild();
      return;
    }
    let b = this.blockForKey(score, member);
    if (b === nb) b = nb - 1;
    const ms = this.bm[b]!;
    const ss = this.bs[b]!;
    const i = SortedBlocks.indexForKey(ms, ss, score, member);
    if (i === ms.length) {
      ms.push(member);
      ss.push(score);
      this.maxS[b] = score;
      this.maxM[b] = member;
    } else {
      // Shifting by hand, not splice(i, 0, x): splice allocates the (empty) array it returns.
      ms.push(member);
      ss.push(score);
      for (let k = ms.length - 1; k > i; k--) {
        ms[k] = ms[k - 1]!;
        ss[k] = ss[k - 1]!;
      }
      ms[i] = member;
      ss[i] = score;
    }
    if (ms.length > this.blockMax) this.split(b);
    else this.fenAdd(b, 1);
  }

  private split(b: number): void {
    const ms = this.bm[b]!;
    const ss = this.bs[b]!;
    const half = ms.length >>> 1;
    const ms2 = ms.splice(half);
    const ss2 = ss.splice(half);
    this.bm.splice(b + 1, 0, ms2);
    this.bs.splice(b + 1, 0, ss2);
    this.maxS.splice(b, 1, ss[half - 1]!, ss2[ss2.length - 1]!);
    this.maxM.splice(b, 1, ms[half - 1]!, ms2[ms2.length - 1]!);
    this.rebuild();
  }

  /** Removes entries [i, j) of block b and fixes the block bookkeeping; returns whether a rebuild is owed. */
  private cut(b: number, i: number, j: number, merge = true): boolean {
    const ms = this.bm[b]!;
    const ss = this.bs[b]!;
    if (i === 0 && j === ms.length) {
      this.bm.splice(b, 1);
      this.bs.splice(b, 1);
      this.maxS.splice(b, 1);
      this.maxM.splice(b, 1);
      return true;
    }
    if (j - i === 1 && j === ms.length) {
      ms.pop();
      ss.pop();
    } else if (j - i === 1) {
      // By hand, not splice(i, 1): splice allocates the array of what it removed.
      const last = ms.length - 1;
      for (let k = i; k < last; k++) {
        ms[k] = ms[k + 1]!;
        ss[k] = ss[k + 1]!;
      }
      ms.pop();
      ss.pop();
    } else {
      ms.splice(i, j - i);
      ss.splice(i, j - i);
    }
    if (j === ms.length + (j - i)) {
      this.maxS[b] = ss[ss.length - 1]!;
      this.maxM[b] = ms[ms.length - 1]!;
    }
    if (merge && ms.length < this.mergeBelow && b + 1 < this.bm.length && ms.length + this.bm[b + 1]!.length <= this.blockMax) {
      const nm = this.bm[b + 1]!;
      const ns = this.bs[b + 1]!;
      for (let k = 0; k < nm.length; k++) {
        ms.push(nm[k]!);
        ss.push(ns[k]!);
      }
      this.maxS[b] = this.maxS[b + 1]!;
      this.maxM[b] = this.maxM[b + 1]!;
      this.bm.splice(b + 1, 1);
      this.bs.splice(b + 1, 1);
      this.maxS.splice(b + 1, 1);
      this.maxM.splice(b + 1, 1);
      return true;
    }
    return false;
  }

  /** Number of blocks (for tests of the block bookkeeping). */
  get blocks(): number {
    return this.bm.length;
  }

  /** Checks the bookkeeping (block maxima, Fenwick sums, sizes); throws on a broken invariant. */
  check(): void {
    this.ensureFenwick();
    let total = 0;
    for (let b = 0; b < this.bm.length; b++) {
      const ms = this.bm[b]!;
      const ss = this.bs[b]!;
      if (ms.length === 0 || ms.length !== ss.length || ms.length > this.blockMax) throw new Error(`block ${b}: bad size ${ms.length}`);
      if (this.maxM[b] !== ms[ms.length - 1] || !Object.is(this.maxS[b], ss[ss.length - 1])) throw new Error(`block ${b}: stale maximum`);
      if (this.prefix(b) !== total) throw new Error(`block ${b}: Fenwick prefix ${this.prefix(b)} != ${total}`);
      total += ms.length;
    }
    if (total !== this.length) throw new Error(`length ${this.length} != ${total}`);
  }

  /** Removes (score, member); returns whether it was there. */
  delete(score: number, member: string): boolean {
    const b = this.blockForKey(score, member);
    if (b === this.bm.length) return false;
    const ms = this.bm[b]!;
    const ss = this.bs[b]!;
    const i = SortedBlocks.indexForKey(ms, ss, score, member);
    if (i === ms.length || ms[i] !== member || ss[i] !== score) return false;
    this.length--;
    if (this.cut(b, i, i + 1)) this.rebuild();
    else this.fenAdd(b, -1);
    return true;
  }

  /** 0-based rank of (score, member), or -1. */
  rankOf(score: number, member: string): number {
    const b = this.blockForKey(score, member);
    if (b === this.bm.length) return -1;
    const ms = this.bm[b]!;
    const ss = this.bs[b]!;
    const i = SortedBlocks.indexForKey(ms, ss, score, member);
    if (i === ms.length || ms[i] !== member || ss[i] !== score) return -1;
    return this.prefix(b) + i;
  }

  /** The first rank whose entry is not `isBefore` (length when all are). `isBefore` must hold on a prefix. */
  lowerBound(isBefore: Before): number {
    const b = this.blockFor(isBefore);
    if (b === this.bm.length) return this.length;
    const ms = this.bm[b]!;
    const ss = this.bs[b]!;
    let lo = 0;
    let hi = ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (isBefore(ss[mid]!, ms[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return this.prefix(b) + lo;
  }

  memberAt(rank: number): string {
    const b = this.blockOfRank(rank);
    return this.bm[b]![this.off]!;
  }

  scoreAt(rank: number): number {
    const b = this.blockOfRank(rank);
    return this.bs[b]![this.off]!;
  }

  /**
   * Visits entries from `rank` on (towards higher ranks, or lower when `reverse`) until `visit`
   * returns false or the ends are reached. The sequence must not change while visiting.
   */
  each(rank: number, reverse: boolean, visit: (member: string, score: number) => boolean | void): void {
    if (rank < 0 || rank >= this.length) return;
    let b = this.blockOfRank(rank);
    let i = this.off;
    const bm = this.bm;
    const bs = this.bs;
    if (!reverse) {
      for (; b < bm.length; b++, i = 0) {
        const ms = bm[b]!;
        const ss = bs[b]!;
        for (; i < ms.length; i++) if (visit(ms[i]!, ss[i]!) === false) return;
      }
    } else {
      for (; b >= 0; b--) {
        const ms = bm[b]!;
        const ss = bs[b]!;
        if (i < 0) i = ms.length - 1;
        for (; i >= 0; i--) if (visit(ms[i]!, ss[i]!) === false) return;
      }
    }
  }

  /** Removes ranks start..end inclusive (clamped by the caller); calls `removed` for each, in order. */
  deleteRange(start: number, end: number, removed: (member: string, score: number) => void): number {
    if (start < 0) start = 0;
    if (end >= this.length) end = this.length - 1;
    if (start > end) return 0;
    let count = end - start + 1;
    const total = count;
    let b = this.blockOfRank(start);
    let i = this.off;
    let structural = false;
    while (count > 0) {
      const ms = this.bm[b]!;
      const ss = this.bs[b]!;
      const j = Math.min(ms.length, i + count);
      for (let k = i; k < j; k++) removed(ms[k]!, ss[k]!);
      const n = j - i;
      const blocksBefore = this.bm.length;
      if (this.cut(b, i, j, false)) structural = true;
      else if (!structural) this.fenAdd(b, -n);
      count -= n;
      this.length -= n;
      // The next entries start the following block (or this one, when it was removed).
      if (this.bm.length === blocksBefore) b++;
      i = 0;
    }
    if (structural) this.rebuild();
    return total;
  }
}
