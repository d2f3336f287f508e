// The simulator's only source of randomness: a seeded sfc32 generator. Every choice (delays,
// drops, faults, workload, election timeouts via per-node forks) flows from one seed, so a
// seed replays the same run exactly. Kept local to sim/ on purpose (no dependency on src/util).

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88 ^ (seed >>> 0);
    this.c = 0xb7e15162 ^ Math.floor(seed / 0x100000000);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 0x100000000;
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from empty list');
    return xs[Math.floor(this.float() * xs.length)]!;
  }

  /** An independent generator derived from this one (e.g. one per node). */
  fork(): Prng {
    return new Prng(this.u32() * 0x100000 + (this.u32() & 0xfffff));
  }
}
