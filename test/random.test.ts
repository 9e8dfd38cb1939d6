import { describe, expect, it } from "vitest";
import { Random } from "../src/random.ts";

describe("Random", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const a = new Random(42),
      b = new Random(42),
      c = new Random(43);
    const xs = Array.from({ length: 10 }, () => a.nextUint32());
    expect(Array.from({ length: 10 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 10 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it("has uniform moments and normal moments close to theory", () => {
    const r = new Random(1);
    const n = 200_000;
    let su = 0,
      sn = 0,
      sn2 = 0;
    for (let i = 0; i < n; i++) {
      su += r.uniform();
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(sn / n).toBeCloseTo(0, 2);
    expect(sn2 / n).toBeCloseTo(1, 1);
  });

  it("int stays in range and hits every value", () => {
    const r = new Random(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const k = r.int(7);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThan(7);
      seen.add(k);
    }
    expect(seen.size).toBe(7);
    expect(() => r.int(0)).toThrow(/n must be an integer/);
  });

  it("permutation is a permutation", () => {
    const p = Array.from(new Random(5).permutation(100)).sort((x, y) => x - y);
    expect(p).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("resumes exactly from a saved state", () => {
    const r = new Random(9);
    r.normal();
    const state = r.getState();
    const tail = [r.normal(), r.uniform(), r.normal()];
    const s = new Random(0);
    s.setState(state);
    expect([s.normal(), s.uniform(), s.normal()]).toEqual(tail);
  });
});
