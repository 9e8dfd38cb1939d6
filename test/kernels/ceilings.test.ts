// The benchmark build (assembly/bench.ts, loaded by bench/kernels.ts): its ceiling loops and copy,
// and the engine's module free of them.
import { describe, expect, it } from "vitest";
import { bench, benchBuild, copyBuffers } from "../../bench/kernels.ts";
import { kernels } from "../../src/wasm/module.ts";

describe("fmaCeiling, maddCeiling and sqrtDivCeiling", () => {
  it("return a finite checksum that depends on the iteration count", () => {
    for (const ceiling of [bench.fmaCeiling, bench.maddCeiling, bench.sqrtDivCeiling]) {
      const few = ceiling(1),
        many = ceiling(10_000);
      expect(Number.isFinite(few)).toBe(true);
      expect(Number.isFinite(many)).toBe(true);
      expect(few).not.toBe(many);
    }
  });

  it("fmaCeiling's chains x ← 0.999·x + 0.001 settle near 1 (f32 stalls a few ulps short): 48 lanes sum to ≈ 48", () => {
    expect(bench.fmaCeiling(100_000)).toBeCloseTo(48, 2);
  });

  it("maddCeiling's accumulators x ← x + 0.999·0.001 (x = 0, 0.1, ..., 1.1) grow by ≈ 1e-3 an iteration", () => {
    const start = 4 * 6.6; // 48 lanes, 4 of each start value
    expect(bench.maddCeiling(1)).toBeCloseTo(start + 48 * 0.999 * 0.001, 4);
    expect(bench.maddCeiling(1000)).toBeCloseTo(start + 48 * 0.999, 1);
  });

  it("sqrtDivCeiling's chains settle at a^(2/3), a ≈ 1: the sum of 32 lanes is 32", () => {
    expect(bench.sqrtDivCeiling(200)).toBeCloseTo(32, 4);
  });

  it("sqrtDivCeiling's first step is a/√x on every chain (x = 2..9, a alternating 1.0000001 and 0.9999999)", () => {
    let expected = 0;
    for (let i = 0; i < 8; i++) expected += (4 * Math.fround(i % 2 === 0 ? 1.0000001 : 0.9999999)) / Math.sqrt(i + 2);
    expect(bench.sqrtDivCeiling(1)).toBeCloseTo(expected, 5);
  });

  it("is the relaxed form exactly where the engine's relaxed build runs", async () => {
    const { relaxedSimdSupported } = await import("../../src/wasm/probe.ts");
    expect(benchBuild).toBe(relaxedSimdSupported() ? "relaxed" : "plain");
  });
});

describe("copyBytes", () => {
  it("copies exactly n bytes", () => {
    const [dst, src] = copyBuffers(2048);
    for (const n of [0, 1, 3, 5, 17, 33, 1000]) {
      const s = new Uint8Array(bench.memory.buffer, src, n + 8),
        d = new Uint8Array(bench.memory.buffer, dst, n + 8);
      for (let i = 0; i < n + 8; i++) {
        s[i] = (i * 37 + 1) & 255;
        d[i] = 0;
      }
      bench.copyBytes(dst, src, n);
      for (let i = 0; i < n + 8; i++) expect(d[i]).toBe(i < n ? (i * 37 + 1) & 255 : 0);
    }
  });

  it("copyBuffers gives two disjoint buffers of the size asked, the source non-zero", () => {
    const bytes = 3 * 65536 + 5;
    const [dst, src] = copyBuffers(bytes);
    expect(Math.abs(src - dst)).toBeGreaterThanOrEqual(bytes);
    expect(src + bytes).toBeLessThanOrEqual(bench.memory.buffer.byteLength);
    expect(new Uint8Array(bench.memory.buffer, src, bytes).every((b) => b === 7)).toBe(true);
  });
});

describe("the engine's module", () => {
  it("carries none of the benchmark-only exports", () => {
    for (const name of ["fmaCeiling", "maddCeiling", "sqrtDivCeiling", "copyBytes"])
      expect(Object.keys(kernels)).not.toContain(name);
  });
});
