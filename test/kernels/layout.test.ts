import { afterEach, describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { alloc, kernels, normal, put, putI32, read, releaseAll } from "./harness.ts";
import { transposeRef } from "./reference.ts";

afterEach(releaseAll);

// Layout kernels only move (or add) values, so every check is exact.

describe("transpose2d", () => {
  // Shapes around the 4x4 vector blocks and the 16x16 tiles: partial blocks in either direction.
  const shapes = [
    [0, 0],
    [0, 5],
    [5, 0],
    [1, 1],
    [1, 7],
    [7, 1],
    [3, 5],
    [4, 4],
    [5, 4],
    [4, 5],
    [16, 16],
    [17, 33],
    [33, 17],
    [100, 37],
    [64, 64],
  ];
  it("matches the reference on every shape, aligned or not", () => {
    const rng = new Random(90);
    for (const [rows, cols] of shapes) {
      for (const shift of [0, 4]) {
        const a = normal(rng, rows * cols);
        const out = alloc(rows * cols, 4 - shift);
        kernels.transpose2d(out, put(a, shift), rows, cols);
        expect(Array.from(read(out, rows * cols)), `${rows}x${cols} shift=${shift}`).toEqual(
          transposeRef(a, rows, cols),
        );
      }
    }
  });

  it("twice is the identity", () => {
    const rng = new Random(91);
    const a = normal(rng, 37 * 53);
    const once = alloc(a.length),
      twice = alloc(a.length);
    kernels.transpose2d(once, put(a), 37, 53);
    kernels.transpose2d(twice, once, 53, 37);
    expect(Array.from(read(twice, a.length))).toEqual(Array.from(a));
  });
});

describe("copy2d", () => {
  const cases = [
    [0, 3, 5, 7],
    [2, 0, 5, 7],
    [1, 1, 1, 1],
    [3, 5, 5, 5],
    [4, 3, 8, 4],
    [5, 17, 20, 33],
    [7, 33, 40, 35],
    [3, 100, 101, 130],
  ];
  for (const accumulate of [0, 1]) {
    it(`${accumulate ? "adds" : "copies"} a strided block and leaves the gaps between rows alone, aligned or not`, () => {
      const rng = new Random(92 + accumulate);
      for (const [rows, cols, srcStride, dstStride] of cases) {
        for (const shift of [0, 4]) {
          const src = normal(rng, rows * srcStride),
            dst = normal(rng, rows * dstStride);
          const pd = put(dst, shift);
          kernels.copy2d(pd, dstStride, put(src, 4 - shift), srcStride, rows, cols, accumulate);
          const want = Array.from(dst);
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) {
              const s = src[r * srcStride + c];
              want[r * dstStride + c] = accumulate ? Math.fround(dst[r * dstStride + c] + s) : s;
            }
          }
          expect(Array.from(read(pd, dst.length)), `rows=${rows} cols=${cols} shift=${shift}`).toEqual(want);
        }
      }
    });
  }
});

describe("gatherRows, scatterAddRows", () => {
  const colCounts = [0, 1, 3, 4, 5, 17, 33];
  it("gather copies the indexed rows, repeats included, aligned or not", () => {
    const rng = new Random(94);
    for (const cols of colCounts) {
      for (const n of [0, 1, 5, 40]) {
        for (const shift of [0, 4]) {
          const tableRows = 11;
          const table = normal(rng, tableRows * cols);
          const idx = Array.from({ length: n }, () => rng.int(tableRows));
          const out = alloc(n * cols, shift);
          kernels.gatherRows(out, put(table, 4 - shift), putI32(idx), n, cols);
          const want = idx.flatMap((i) => Array.from(table.subarray(i * cols, (i + 1) * cols)));
          expect(Array.from(read(out, n * cols)), `cols=${cols} n=${n}`).toEqual(want);
        }
      }
    }
  });

  it("scatter-add accumulates every row of a repeated index, in order, and leaves other rows alone", () => {
    const rng = new Random(95);
    for (const cols of colCounts) {
      for (const n of [0, 1, 5, 40]) {
        for (const shift of [0, 4]) {
          const tableRows = 7; // 40 indices into 7 rows: many repeats
          const table = normal(rng, tableRows * cols),
            g = normal(rng, n * cols);
          const idx = Array.from({ length: n }, () => rng.int(tableRows));
          const pt = put(table, shift);
          kernels.scatterAddRows(pt, putI32(idx), put(g, 4 - shift), n, cols);
          const want = Array.from(table);
          idx.forEach((row, i) => {
            for (let c = 0; c < cols; c++) want[row * cols + c] = Math.fround(want[row * cols + c] + g[i * cols + c]);
          });
          expect(Array.from(read(pt, table.length)), `cols=${cols} n=${n}`).toEqual(want);
        }
      }
    }
  });
});
