import { describe, expect, it } from "vitest";
import { classCounts, validateDataset } from "../../src/data/dataset.ts";
import { makeBlobs, makeMoons, makeRegression, makeSequenceTask, makeSpirals } from "../../src/data/synthetic.ts";

describe("makeRegression", () => {
  it("y - (xW + b) is the noise: mean 0, std = noise, independent of x", () => {
    const n = 4000, f = 3, t = 2;
    const d = validateDataset(makeRegression({ n, features: f, targets: t, noise: 0.3, seed: 1 }));
    expect(d.featureShape).toEqual([3]);
    expect(d.y.length).toBe(n * t);
    let m = 0, v = 0, cross = 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < t; k++) {
        let pred = d.bias[k];
        for (let j = 0; j < f; j++) pred += d.x[i * f + j] * d.weights[j * t + k];
        const r = d.y[i * t + k] - pred;
        m += r; v += r * r; cross += r * d.x[i * f];
      }
    }
    expect(m / (n * t)).toBeCloseTo(0, 1);
    expect(Math.sqrt(v / (n * t))).toBeCloseTo(0.3, 1);
    expect(cross / (n * t)).toBeCloseTo(0, 1);
  });

  it("is deterministic per seed and validates its options", () => {
    expect(makeRegression({ n: 5, features: 2, seed: 3 })).toEqual(makeRegression({ n: 5, features: 2, seed: 3 }));
    expect(makeRegression({ n: 5, features: 2, seed: 4 }).y).not.toEqual(makeRegression({ n: 5, features: 2, seed: 3 }).y);
    expect(makeRegression({ n: 3, features: 2, noise: 0, seed: 0 }).y.length).toBe(3);
    expect(() => makeRegression({ n: 0, features: 2, seed: 1 })).toThrow(/n must be an integer ≥ 1, got 0/);
    expect(() => makeRegression({ n: 2, features: 2, noise: -1, seed: 1 })).toThrow(/noise must be a finite number ≥ 0, got -1/);
  });
});

describe("makeBlobs", () => {
  it("is balanced, and with small spread every point is nearest its own centre", () => {
    const d = validateDataset(makeBlobs({ n: 301, classes: 4, features: 3, spread: 0.1, seed: 2 }));
    expect(Array.from(classCounts(d))).toEqual([76, 75, 75, 75]);
    for (let i = 0; i < d.n; i++) {
      let best = -1, bestDist = Infinity;
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let j = 0; j < 3; j++) s += (d.x[i * 3 + j] - d.centers[c * 3 + j]) ** 2;
        if (s < bestDist) { bestDist = s; best = c; }
      }
      expect(best).toBe(d.y[i]);
    }
    expect(makeBlobs({ n: 10, seed: 5 })).toEqual(makeBlobs({ n: 10, seed: 5 }));
    expect(() => makeBlobs({ n: 10, classes: 0, seed: 5 })).toThrow(/classes must be an integer ≥ 1, got 0/);
  });
});

describe("makeSpirals and makeMoons", () => {
  it("without noise, spiral points lie on their arm: θ = 2π·turns·t + π·label with t = (r − 0.1)/0.9", () => {
    const turns = 1.25;
    const d = validateDataset(makeSpirals({ n: 200, noise: 0, turns, seed: 3 }));
    expect(Array.from(classCounts(d))).toEqual([100, 100]);
    for (let i = 0; i < d.n; i++) {
      const px = d.x[2 * i], py = d.x[2 * i + 1];
      const t = (Math.hypot(px, py) - 0.1) / 0.9;
      const theta = 2 * Math.PI * turns * t + Math.PI * d.y[i];
      expect(px).toBeCloseTo(Math.hypot(px, py) * Math.cos(theta), 4);
      expect(py).toBeCloseTo(Math.hypot(px, py) * Math.sin(theta), 4);
    }
  });

  it("without noise, moon points lie on their half circles", () => {
    const d = validateDataset(makeMoons({ n: 101, noise: 0, seed: 4 }));
    for (let i = 0; i < d.n; i++) {
      const px = d.x[2 * i], py = d.x[2 * i + 1];
      if (d.y[i] === 0) { expect(Math.hypot(px, py)).toBeCloseTo(1, 5); expect(py).toBeGreaterThanOrEqual(0); }
      else { expect(Math.hypot(px - 1, py - 0.5)).toBeCloseTo(1, 5); expect(py).toBeLessThanOrEqual(0.5); }
    }
    expect(makeMoons({ n: 20, seed: 1 })).toEqual(makeMoons({ n: 20, seed: 1 }));
    expect(makeMoons({ n: 20, seed: 1 }).x).not.toEqual(makeMoons({ n: 20, seed: 2 }).x);
  });

  it("spirals reject a bad turn count", () => {
    expect(() => makeSpirals({ n: 4, turns: 0, seed: 1 })).toThrow(/turns must be > 0, got 0/);
  });
});

describe("makeSequenceTask", () => {
  it.each(["sign-of-sum", "first-token"] as const)("%s: ±1 tokens, labels by the rule, roughly balanced", (task) => {
    const d = validateDataset(makeSequenceTask({ n: 1000, length: 9, task, seed: 6 }));
    expect(d.featureShape).toEqual([9, 1]);
    let ones = 0;
    for (let i = 0; i < d.n; i++) {
      const seq = Array.from(d.x.subarray(i * 9, (i + 1) * 9));
      for (const v of seq) expect(Math.abs(v)).toBe(1);
      const want = task === "sign-of-sum" ? seq.reduce((a, b) => a + b) > 0 : seq[0] > 0;
      expect(d.y[i]).toBe(want ? 1 : 0);
      ones += d.y[i];
    }
    expect(ones).toBeGreaterThan(430);
    expect(ones).toBeLessThan(570);
  });

  it("is deterministic per seed and validates its options", () => {
    const a = makeSequenceTask({ n: 10, length: 5, task: "first-token", seed: 1 });
    expect(makeSequenceTask({ n: 10, length: 5, task: "first-token", seed: 1 })).toEqual(a);
    expect(makeSequenceTask({ n: 10, length: 5, task: "first-token", seed: 2 }).x).not.toEqual(a.x);
    expect(() => makeSequenceTask({ n: 10, length: 4, task: "sign-of-sum", seed: 1 })).toThrow(/needs an odd length .* got 4/);
    expect(() => makeSequenceTask({ n: 10, length: 4, task: "parity" as never, seed: 1 })).toThrow(/unknown task 'parity'/);
  });
});
