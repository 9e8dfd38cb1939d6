import { describe, expect, it } from "vitest";
import { classCounts, type Dataset } from "../../src/data/dataset.ts";
import { MNIST_PACKAGE_COUNTS, mnistFromDigitArrays, mnistTrainTest } from "../../src/data/mnist.ts";
import { loadMnistPackage, loadMnistPackageAll } from "../../src/data/mnist.node.ts";
import { Random } from "../../src/random.ts";

const row = (ds: Dataset, i: number) => ds.x.subarray(i * 784, (i + 1) * 784);

describe("mnist package data", () => {
  it("holds 10,000 28×28 digits in [0, 1], digit-major, with the documented counts", () => {
    const all = loadMnistPackageAll();
    expect(all.n).toBe(10_000);
    expect(all.featureShape).toEqual([28, 28]);
    expect(Array.from(classCounts(all))).toEqual([...MNIST_PACKAGE_COUNTS]);
    for (let i = 1; i < all.n; i++) expect(all.y[i]).toBeGreaterThanOrEqual(all.y[i - 1]);
    let sum = 0, min = Infinity, max = -Infinity;
    for (const v of all.x) { sum += v; if (v < min) min = v; if (v > max) max = v; }
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(sum / all.x.length).toBeGreaterThan(0.1); // MNIST's mean pixel is about 0.13
    expect(sum / all.x.length).toBeLessThan(0.16);
  });

  it("splits 8,000 / 2,000 by the documented rule, deterministic per seed", () => {
    const all = loadMnistPackageAll();
    const { train, test } = loadMnistPackage({ seed: 5 });
    expect([train.n, test.n]).toEqual([8000, 2000]);
    const p = new Random(5).permutation(10_000);
    for (const k of [0, 1, 7999]) expect(row(train, k)).toEqual(row(all, p[k]));
    expect(row(test, 0)).toEqual(row(all, p[8000]));
    expect(Array.from(test.y.subarray(0, 50))).toEqual(Array.from(p.subarray(8000, 8050), (i) => all.y[i]));
    const again = loadMnistPackage({ seed: 5 });
    expect(again.test.y).toEqual(test.y);
    expect(loadMnistPackage({ seed: 6 }).test.y).not.toEqual(test.y);
    for (let d = 0; d < 10; d++) expect(classCounts(test)[d]).toBeGreaterThan(120);
  });

  it("count takes a seeded sample before splitting", () => {
    const { train, test } = loadMnistPackage({ count: 1000, testFraction: 0.25, seed: 1 });
    expect([train.n, test.n]).toEqual([750, 250]);
    expect(() => loadMnistPackage({ count: 10_001 })).toThrow(/count must be an integer in \[2, 10000\], got 10001/);
    expect(() => loadMnistPackage({ testFraction: 1 })).toThrow(/testFraction must be in \(0, 1\), got 1/);
  });

  it("images match their labels: a nearest-centroid classifier beats 75% on the test split", () => {
    const { train, test } = loadMnistPackage({ seed: 0 });
    const centroids = new Float64Array(10 * 784), counts = new Float64Array(10);
    for (let i = 0; i < train.n; i++) {
      counts[train.y[i]]++;
      for (let j = 0; j < 784; j++) centroids[train.y[i] * 784 + j] += train.x[i * 784 + j];
    }
    for (let c = 0; c < 10; c++) for (let j = 0; j < 784; j++) centroids[c * 784 + j] /= counts[c];
    let correct = 0;
    for (let i = 0; i < test.n; i++) {
      let best = -1, bestDist = Infinity;
      for (let c = 0; c < 10; c++) {
        let d = 0;
        for (let j = 0; j < 784; j++) d += (test.x[i * 784 + j] - centroids[c * 784 + j]) ** 2;
        if (d < bestDist) { bestDist = d; best = c; }
      }
      if (best === test.y[i]) correct++;
    }
    expect(correct / test.n).toBeGreaterThan(0.75);
  });
});

describe("mnistFromDigitArrays", () => {
  it("orders by digit and validates its input", () => {
    const digits = Array.from({ length: 10 }, (_, d) => new Float32Array(784 * (d === 3 ? 2 : 1)).fill(d / 10));
    const ds = mnistFromDigitArrays(digits);
    expect(ds.n).toBe(11);
    expect(Array.from(ds.y)).toEqual([0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9]);
    expect(ds.x[5 * 784]).toBeCloseTo(0.4, 6);
    expect(() => mnistFromDigitArrays(digits.slice(0, 9))).toThrow(/expected 10 digit arrays/);
    const bad = digits.map((a) => a.slice());
    bad[2] = new Float32Array(783);
    expect(() => mnistFromDigitArrays(bad)).toThrow(/digit 2 has 783 pixels, expected a positive multiple of 28 × 28 = 784/);
    bad[2] = new Float32Array(784 * 2); bad[2][784 + 5] = 255;
    expect(() => mnistFromDigitArrays(bad)).toThrow(/digit 2, image 1, pixel 5 is 255, expected \[0, 1\]/);
  });

  it("mnistTrainTest with count = n is exactly split's rule", () => {
    const ds = mnistFromDigitArrays(Array.from({ length: 10 }, (_, d) => new Float32Array(784 * 3).fill(d / 10)));
    const { train, test } = mnistTrainTest(ds, { seed: 3 });
    expect([train.n, test.n]).toEqual([24, 6]);
    const p = new Random(3).permutation(30);
    expect(Array.from(test.y)).toEqual(Array.from(p.subarray(24), (i) => ds.y[i]));
  });
});
