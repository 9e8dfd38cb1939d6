import { afterEach, describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { alloc, kernels, normal, put, read, releaseAll, uniform } from "./harness.ts";
import { logSoftmaxRef, softmaxRef } from "./reference.ts";

afterEach(releaseAll);

const SHAPES: [number, number][] = [
  [0, 4],
  [3, 0],
  [1, 1],
  [1, 3],
  [3, 5],
  [4, 17],
  [2, 33],
  [3, 1000],
  [1, 4099],
];

/** Runs a row kernel on a [rows, cols] copy of a, out separate or in place; returns the result. */
function runRows(
  kernel: (out: number, a: number, rows: number, cols: number) => void,
  a: Float32Array,
  rows: number,
  cols: number,
  shift = 0,
  inPlace = false,
): Float32Array {
  const pa = put(a, shift);
  const out = inPlace ? pa : alloc(rows * cols, 4 - shift);
  kernel(out, pa, rows, cols);
  return read(out, rows * cols);
}

/**
 * Softmax tolerance per element, relative to the f64 value y: a few f32 roundings (exp within 1 ulp,
 * the f32 sum, the division: 8·2^-24 leaves margin) plus the rounding of x - max to f32, which
 * moves the exponent by up to 2^-24·|x - max| and so y by that much relative.
 */
function softmaxTolerance(x: number, max: number, y: number): number {
  return y * 2 ** -24 * (8 + Math.abs(x - max)) + 1e-38;
}

/** Log-softmax: the roundings of x - max and of log(sum) (2 ulps), and the final subtraction. */
function logSoftmaxTolerance(x: number, max: number, logSum: number, y: number): number {
  return 2 ** -23 * (Math.abs(x - max) + 2 * Math.abs(logSum) + Math.abs(y)) + 1e-7 * 2 ** -23;
}

function checkRows(a: Float32Array, rows: number, cols: number, got: Float32Array, log: boolean, label: string): void {
  for (let r = 0; r < rows; r++) {
    const row = a.subarray(r * cols, (r + 1) * cols);
    const want = log ? logSoftmaxRef(row) : softmaxRef(row);
    const max = Math.max(...row);
    const logSum = Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    for (let c = 0; c < cols; c++) {
      const tol = log ? logSoftmaxTolerance(row[c], max, logSum, want[c]) : softmaxTolerance(row[c], max, want[c]);
      expect(Math.abs(got[r * cols + c] - want[c]), `${label} r=${r} c=${c}`).toBeLessThanOrEqual(tol);
    }
  }
}

describe("softmaxRows, logSoftmaxRows", () => {
  for (const log of [false, true]) {
    const name = log ? "logSoftmaxRows" : "softmaxRows";
    const kernel = log ? kernels.logSoftmaxRows : kernels.softmaxRows;

    it(`${name} matches the f64 reference on every shape, aligned or not, in place or not`, () => {
      const rng = new Random(log ? 81 : 80);
      for (const [rows, cols] of SHAPES) {
        for (const shift of [0, 4]) {
          for (const inPlace of [false, true]) {
            const a = normal(rng, rows * cols, 4);
            checkRows(
              a,
              rows,
              cols,
              runRows(kernel, a, rows, cols, shift, inPlace),
              log,
              `${rows}x${cols} shift=${shift} inPlace=${inPlace}`,
            );
          }
        }
      }
    });

    it(`${name} stays finite and accurate for logits of ±1e4`, () => {
      const rng = new Random(log ? 83 : 82);
      for (const cols of [1, 2, 5, 17, 100]) {
        const a = uniform(rng, 3 * cols, -1e4, 1e4);
        a[cols] = 1e4;
        a[cols + 1 < 2 * cols ? cols + 1 : cols] = -1e4;
        a[2 * cols] = 1e4 - 0.5;
        const got = runRows(kernel, a, 3, cols);
        expect(got.every(Number.isFinite), `cols=${cols}`).toBe(true);
        checkRows(a, 3, cols, got, log, `cols=${cols}`);
      }
    });

    it(`${name} of a row of equal values is uniform: 1/cols (log: -log cols), the same in every column`, () => {
      for (const cols of [1, 3, 4, 5, 17, 33, 1000]) {
        for (const value of [0, -3.5, 1e4, -1e4]) {
          const got = runRows(kernel, new Float32Array(cols).fill(value), 1, cols);
          const want = log ? -Math.log(cols) : 1 / cols;
          expect(
            got.every((y) => y === got[0]),
            `cols=${cols} value=${value}`,
          ).toBe(true);
          expect(Math.abs(got[0] - want), `cols=${cols} value=${value}`).toBeLessThanOrEqual(
            log ? 2 ** -22 * Math.abs(want) : 0.5 * 2 ** -23 * want,
          );
        }
      }
    });

    it(`${name}: a row holding +Inf or NaN, or only -Inf, is all NaN; -Inf entries elsewhere give 0 (log: -Inf); other rows are untouched`, () => {
      const cols = 6;
      const a = Float32Array.from([
        1,
        2,
        Infinity,
        3,
        4,
        5,
        1,
        NaN,
        2,
        3,
        4,
        5,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        1,
        -Infinity,
        2,
        3,
        -Infinity,
        0,
      ]);
      const got = runRows(kernel, a, 4, cols);
      expect(got.subarray(0, 3 * cols).every(Number.isNaN)).toBe(true);
      const last = Array.from(got.subarray(3 * cols));
      expect(last[1]).toBe(log ? -Infinity : 0);
      expect(last[4]).toBe(log ? -Infinity : 0);
      const finite = a.subarray(3 * cols).filter(Number.isFinite);
      const want = log ? logSoftmaxRef(finite) : softmaxRef(finite);
      const gotFinite = last.filter((_, c) => c !== 1 && c !== 4);
      gotFinite.forEach((y, c) => expect(Math.abs(y - want[c])).toBeLessThanOrEqual(1e-6));
    });
  }

  it("softmax rows sum to 1 within cols·2^-24 (each element is rounded once more than the sum)", () => {
    const rng = new Random(84);
    for (const [rows, cols] of SHAPES) {
      const a = normal(rng, rows * cols, 6);
      const got = runRows(kernels.softmaxRows, a, rows, cols);
      for (let r = 0; r < rows && cols > 0; r++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += got[r * cols + c];
        expect(Math.abs(s - 1), `${rows}x${cols} r=${r}`).toBeLessThanOrEqual(Math.max(4, cols) * 2 ** -24);
      }
    }
  });
});
