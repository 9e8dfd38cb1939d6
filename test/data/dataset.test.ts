import { describe, expect, it } from "vitest";
import {
  applyStandardizer, classCounts, fitStandardizer, oneHot, split, subset, validateDataset, type Dataset,
} from "../../src/data/dataset.ts";
import { Random } from "../../src/random.ts";

/** n rows of 2×3 features where every value encodes its row, so copies are checkable. */
function rowsDataset(n: number): Dataset {
  const x = new Float32Array(n * 6);
  for (let i = 0; i < n; i++) for (let j = 0; j < 6; j++) x[i * 6 + j] = i * 10 + j;
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  return { x, y, n, featureShape: [2, 3], classes: 3 };
}

describe("validateDataset", () => {
  it("accepts a well-formed labelled and a regression dataset", () => {
    expect(validateDataset(rowsDataset(4)).n).toBe(4);
    expect(validateDataset({ x: new Float32Array(6), y: new Float32Array(6), n: 3, featureShape: [2] }).n).toBe(3);
  });

  it.each([
    ["empty dataset", { x: new Float32Array(0), y: new Int32Array(0), n: 0, featureShape: [2] }, /empty dataset \(n = 0\)/],
    ["feature length", { x: new Float32Array(7), y: new Int32Array(2), n: 2, featureShape: [2, 2] }, /x has 7 values, expected n × prod\(featureShape\) = 2 × 4 = 8/],
    ["label count", { x: new Float32Array(4), y: new Int32Array(3), n: 2, featureShape: [2] }, /y has 3 labels, expected one per row \(n = 2\)/],
    ["label out of range", { x: new Float32Array(4), y: Int32Array.from([1, 10]), n: 2, featureShape: [2], classes: 10 }, /label 10 at row 1 is out of range, expected an integer in \[0, 9\]/],
    ["negative label", { x: new Float32Array(4), y: Int32Array.from([-1, 0]), n: 2, featureShape: [2], classes: 2 }, /label -1 at row 0/],
    ["bad shape", { x: new Float32Array(0), y: new Int32Array(2), n: 2, featureShape: [0] }, /featureShape must be positive integers, got \[0\]/],
    ["targets not a multiple", { x: new Float32Array(2), y: new Float32Array(3), n: 2, featureShape: [1] }, /y has 3 targets, expected a positive multiple of n = 2/],
  ])("rejects %s", (_, ds, message) => {
    expect(() => validateDataset(ds as Dataset)).toThrow(message);
  });
});

describe("subset and split", () => {
  it("subset copies the named rows in order", () => {
    const s = subset(rowsDataset(5), [4, 0, 4]);
    expect(s.n).toBe(3);
    expect(Array.from(s.x.subarray(0, 6))).toEqual([40, 41, 42, 43, 44, 45]);
    expect(Array.from(s.x.subarray(6, 12))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(s.y)).toEqual([1, 0, 1]);
    expect(s.classes).toBe(3);
    expect(() => subset(rowsDataset(5), [5])).toThrow(/index 5 at position 0 is out of range \[0, 4\]/);
  });

  it("split follows the documented rule: Random(seed).permutation, first round(n(1-v)) train", () => {
    const ds = rowsDataset(10);
    const { train, validation } = split(ds, { validation: 0.25, seed: 7 });
    const p = new Random(7).permutation(10);
    expect(train.n).toBe(8); // round(7.5)
    expect(validation.n).toBe(2);
    const rowOf = (d: Dataset, k: number) => d.x[k * 6] / 10;
    expect(Array.from({ length: 8 }, (_, k) => rowOf(train, k))).toEqual(Array.from(p.subarray(0, 8)));
    expect(Array.from({ length: 2 }, (_, k) => rowOf(validation, k))).toEqual(Array.from(p.subarray(8)));
  });

  it("split is deterministic per seed, disjoint and complete", () => {
    const ds = rowsDataset(50);
    const a = split(ds, { validation: 0.2, seed: 1 }), b = split(ds, { validation: 0.2, seed: 1 });
    const c = split(ds, { validation: 0.2, seed: 2 });
    expect(a.train.x).toEqual(b.train.x);
    expect(a.train.x).not.toEqual(c.train.x);
    const rows = [...Array.from({ length: 40 }, (_, k) => a.train.x[k * 6]), ...Array.from({ length: 10 }, (_, k) => a.validation.x[k * 6])];
    expect(new Set(rows).size).toBe(50);
  });

  it("split rejects fractions that leave a side empty", () => {
    expect(() => split(rowsDataset(10), { validation: 0, seed: 1 })).toThrow(/validation must be in \(0, 1\), got 0/);
    expect(() => split(rowsDataset(2), { validation: 0.1, seed: 1 })).toThrow(/leaves 2 train and 0 validation rows/);
  });
});

describe("oneHot", () => {
  it("sets one 1 per row", () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(oneHot([], 4).length).toBe(0);
  });
  it("names the bad label and the valid range", () => {
    expect(() => oneHot([0, 3], 3)).toThrow(/label 3 at row 1 is out of range, expected an integer in \[0, 2\]/);
    expect(() => oneHot([0.5], 3)).toThrow(/label 0.5 at row 0/);
  });
});

describe("standardizer", () => {
  it("fits mean/std on one set and gives zero mean, unit std there; constant features map to 0", () => {
    const r = new Random(3);
    const n = 200;
    const x = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) { x[i * 3] = 5 + 2 * r.normal(); x[i * 3 + 1] = -1 + 0.1 * r.normal(); x[i * 3 + 2] = 7; }
    const ds: Dataset = { x, y: new Float32Array(n), n, featureShape: [3] };
    const st = fitStandardizer(ds);
    expect(st.std[2]).toBe(1);
    const z = applyStandardizer(ds, st);
    for (let j = 0; j < 3; j++) {
      let m = 0, v = 0;
      for (let i = 0; i < n; i++) m += z.x[i * 3 + j];
      m /= n;
      for (let i = 0; i < n; i++) v += (z.x[i * 3 + j] - m) ** 2;
      expect(m).toBeCloseTo(0, 5);
      expect(v / n).toBeCloseTo(j === 2 ? 0 : 1, 4);
    }
    expect(ds.x[0]).toBe(x[0]); // input untouched
    expect(() => applyStandardizer(rowsDataset(2), st)).toThrow(/3 means and 3 stds, dataset has 6 features/);
  });

  it("classCounts counts labels", () => {
    expect(Array.from(classCounts(rowsDataset(7)))).toEqual([3, 2, 2]);
  });
});
