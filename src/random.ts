/**
 * The one seeded generator all randomness comes from: xoshiro128** (Blackman & Vigna 2018),
 * 32-bit arithmetic only, so the same seed gives the same stream in every JavaScript engine.
 * Its state is four uint32 words: read and restore it to resume a run exactly.
 */
export class Random {
  private s = new Uint32Array(4);
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    if (!Number.isInteger(seed)) throw new RangeError(`Random: seed must be an integer, got ${seed}`);
    // splitmix32 spreads any integer seed over the 128-bit state (never all zero).
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** A uniform uint32. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** A uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32)
      throw new RangeError(`Random.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /** 0..n-1 in a random order. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** An independent generator seeded from this one's stream. */
  fork(): Random {
    return new Random(this.nextUint32());
  }

  /** The full state, for checkpoints. */
  getState(): number[] {
    return [...this.s, this.spareNormal ?? NaN];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 5 || state.slice(0, 4).some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new RangeError(`Random.setState: expected 4 uint32 words and a spare normal, got ${JSON.stringify(state)}`);
    }
    this.s.set(state.slice(0, 4));
    this.spareNormal = Number.isNaN(state[4]) ? null : state[4];
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
