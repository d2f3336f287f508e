// The ordered half of a sorted set: a skiplist with spans, as Redis's t_zset.c (zsl*). Each node
// keeps, per level, the next node and the number of level-0 steps that link skips (its span), so
// rank lookups and "the element at rank r" are O(log n) alongside insert, delete and range
// searches by score or by member bytes. Order is Redis's: by score, then by member bytes (members
// are latin1 strings, so JS `<` compares them byte-wise).
//
// Levels come from a private xorshift generator rather than Math.random: the shape of the list
// never shows in replies, but a write path reading no ambient randomness keeps replays identical.
// Nodes hold their links in two parallel arrays (next / span) sized to the node's level.

export const SKIPLIST_MAXLEVEL = 32;

export class SkipNode {
  backward: SkipNode | null = null;
  readonly next: (SkipNode | null)[];
  readonly span: number[];
  constructor(
    public member: string,
    public score: number,
    level: number,
  ) {
    this.next = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

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

/** Whether a score range can hold anything at all (Redis's first check in zslIsInRange). */
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

/** (score, member) strictly before (score2, member2) in sorted-set order. */
function before(score: number, member: string, score2: number, member2: string): boolean {
  return score < score2 || (score === score2 && member < member2);
}

export class SkipList {
  readonly header: SkipNode = new SkipNode('', 0, SKIPLIST_MAXLEVEL);
  tail: SkipNode | null = null;
  length = 0;
  level = 1;
  private seed = 0x2545f491;
  /** Scratch arrays reused by insert/delete (no allocation per operation). */
  private readonly update: SkipNode[] = new Array<SkipNode>(SKIPLIST_MAXLEVEL);
  private readonly rank: number[] = new Array<number>(SKIPLIST_MAXLEVEL).fill(0);

  private randomLevel(): number {
    // xorshift32; each extra level with probability 1/4, as Redis's ZSKIPLIST_P.
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x;
    let bits = x >>> 0;
    let level = 1;
    while ((bits & 3) === 0 && level < 16) {
      level++;
      bits >>>= 2;
    }
    return level;
  }

  /** Inserts a member known to be absent. */
  insert(score: number, member: string): SkipNode {
    const update = this.update;
    const rank = this.rank;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      let n = x.next[i]!;
      while (n !== null && before(n.score, n.member, score, member)) {
        rank[i]! += x.span[i]!;
        x = n;
        n = x.next[i]!;
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.length;
      }
      this.level = level;
    }
    const node = new SkipNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      node.next[i] = u.next[i]!;
      u.next[i] = node;
      node.span[i] = u.span[i]! - (rank[0]! - rank[i]!);
      u.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.header ? null : update[0]!;
    const after = node.next[0]!;
    if (after !== null) after.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  private unlink(x: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.next[i] === x) {
        u.span[i]! += x.span[i]! - 1;
        u.next[i] = x.next[i]!;
      } else {
        u.span[i]!--;
      }
    }
    const after = x.next[0]!;
    if (after !== null) after.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.header.next[this.level - 1] === null) this.level--;
    this.length--;
  }

  /** Removes (score, member); returns whether it was there. */
  delete(score: number, member: string): boolean {
    const update = this.update;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i]!;
      while (n !== null && before(n.score, n.member, score, member)) {
        x = n;
        n = x.next[i]!;
      }
      update[i] = x;
    }
    const target = x.next[0]!;
    if (target !== null && target.score === score && target.member === member) {
      this.unlink(target, update);
      return true;
    }
    return false;
  }

  /**
   * Changes a member's score. When the node stays between its neighbours the score is updated in
   * place (Redis's zslUpdateScore fast path); otherwise it is removed and reinserted.
   */
  updateScore(curScore: number, member: string, newScore: number): SkipNode {
    const update = this.update;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i]!;
      while (n !== null && before(n.score, n.member, curScore, member)) {
        x = n;
        n = x.next[i]!;
      }
      update[i] = x;
    }
    const node = x.next[0]!;
    if (node === null || node.score !== curScore || node.member !== member) throw new Error('skiplist: updateScore of a missing member');
    const back = node.backward;
    const fwd = node.next[0]!;
    if ((back === null || before(back.score, back.member, newScore, member)) && (fwd === null || before(newScore, member, fwd.score, fwd.member))) {
      node.score = newScore;
      return node;
    }
    this.unlink(node, update);
    return this.insert(newScore, member);
  }

  /** 1-based rank of (score, member), or 0 when absent. */
  getRank(score: number, member: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i]!;
      while (n !== null && (before(n.score, n.member, score, member) || (n.score === score && n.member === member))) {
        rank += x.span[i]!;
        x = n;
        n = x.next[i]!;
      }
      if (x !== this.header && x.member === member && x.score === score) return rank;
    }
    return 0;
  }

  /** The node at 1-based `rank`, or null. */
  getByRank(rank: number): SkipNode | null {
    if (rank < 1 || rank > this.length) return null;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i]!;
      while (n !== null && traversed + x.span[i]! <= rank) {
        traversed += x.span[i]!;
        x = n;
        n = x.next[i]!;
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  first(): SkipNode | null {
    return this.header.next[0]!;
  }

  /** Whether some element can fall in the score range (zslIsInRange). */
  private inRange(r: ScoreRange): boolean {
    if (scoreRangeEmpty(r)) return false;
    const last = this.tail;
    if (last === null || !scoreGteMin(last.score, r)) return false;
    const first = this.header.next[0]!;
    if (first === null || !scoreLteMax(first.score, r)) return false;
    return true;
  }

  /** The first node with a score in range, or null. */
  firstInRange(r: ScoreRange): SkipNode | null {
    if (!this.inRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i]!;
      while (n !== null && !scoreGteMin(n.score, r)) {
        x = n;
        n = x.next[i]!;
      }
    }
    const node = x.next[0]!;
    return node !== null && scoreLteMax(node.score, r) ? node : null;
  }

  /** The last node with a score in range, or null. */
  lastInRange(r: ScoreRange): SkipNode | null {
    if (!this.inRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i]!;
      while (n !== null && scoreLteMax(n.score, r)) {
        x = n;
        n = x.next[i]!;
      }
    }
    return x !== this.header && scoreGteMin(x.score, r) ? x : null;
  }

  /** Whether some element can fall in the lex range (zslIsInLexRange / zzlIsInLexRange). */
  inLexRange(r: LexRange): boolean {
    if (lexRangeEmpty(r)) return false;
    const last = this.tail;
    if (last === null || !lexGteMin(last.member, r.min)) return false;
    const first = this.header.next[0]!;
    if (first === null || !lexLteMax(first.member, r.max)) return false;
    return true;
  }

  firstInLexRange(r: LexRange): SkipNode | null {
    if (!this.inLexRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i]!;
      while (n !== null && !lexGteMin(n.member, r.min)) {
        x = n;
        n = x.next[i]!;
      }
    }
    const node = x.next[0]!;
    return node !== null && lexLteMax(node.member, r.max) ? node : null;
  }

  lastInLexRange(r: LexRange): SkipNode | null {
    if (!this.inLexRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i]!;
      while (n !== null && lexLteMax(n.member, r.max)) {
        x = n;
        n = x.next[i]!;
      }
    }
    return x !== this.header && lexGteMin(x.member, r.min) ? x : null;
  }

  /**
   * Removes every node from `start` on (inclusive, found by the caller's search) while `keep`
   * says so; calls `removed` for each. Done as repeated deletes from a fresh search per node would
   * be O(k log n); this walks once, fixing spans with the update vector as Redis's zslDeleteRange*.
   */
  private deleteWhile(search: (n: SkipNode) => boolean, keep: (n: SkipNode) => boolean, removed: (n: SkipNode) => void): number {
    const update = this.update;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i]!;
      while (n !== null && search(n)) {
        x = n;
        n = x.next[i]!;
      }
      update[i] = x;
    }
    let node = x.next[0]!;
    let count = 0;
    while (node !== null && keep(node)) {
      const next = node.next[0]!;
      this.unlink(node, update);
      removed(node);
      count++;
      node = next;
    }
    return count;
  }

  /**
   * Removes `start` and the nodes after it while `keep` says so (for a start found by a linear
   * scan, as Redis's listpack code does).
   */
  deleteFrom(start: SkipNode, keep: (n: SkipNode) => boolean, removed: (n: SkipNode) => void): number {
    const score = start.score;
    const member = start.member;
    return this.deleteWhile((n) => before(n.score, n.member, score, member), keep, removed);
  }

  deleteRangeByScore(r: ScoreRange, removed: (n: SkipNode) => void): number {
    return this.deleteWhile(
      (n) => !scoreGteMin(n.score, r),
      (n) => scoreLteMax(n.score, r),
      removed,
    );
  }

  deleteRangeByLex(r: LexRange, removed: (n: SkipNode) => void): number {
    return this.deleteWhile(
      (n) => !lexGteMin(n.member, r.min),
      (n) => lexLteMax(n.member, r.max),
      removed,
    );
  }

  /** Removes 1-based ranks start..end inclusive. */
  deleteRangeByRank(start: number, end: number, removed: (n: SkipNode) => void): number {
    const update = this.update;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i]!;
      while (n !== null && traversed + x.span[i]! < start) {
        traversed += x.span[i]!;
        x = n;
        n = x.next[i]!;
      }
      update[i] = x;
    }
    traversed++;
    let node = x.next[0]!;
    let count = 0;
    while (node !== null && traversed <= end) {
      const next = node.next[0]!;
      this.unlink(node, update);
      removed(node);
      count++;
      traversed++;
      node = next;
    }
    return count;
  }
}
