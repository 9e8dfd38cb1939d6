import { afterEach, describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { alloc, kernels, normal, put, read, readI32, releaseAll, uniform } from "./harness.ts";
import { absSumAxisRef, argmaxAxisRef, maxAxisRef, sumAxisRef } from "./reference.ts";

afterEach(releaseAll);

// [outer, len, inner]: inner 1 (lanes along len), 2 and 3 (scalar columns), 4 and up (lanes across
// inner, plus scalar leftovers for 5 and 17), len 0 (empty axis), and lengths up to 10^4.
const SHAPES: [number, number, number][] = [];
for (const outer of [1, 3]) {
  for (const len of [0, 1, 3, 5, 17, 33]) {
    for (const inner of [1, 2, 3, 4, 5, 17]) SHAPES.push([outer, len, inner]);
  }
}
SHAPES.push([2, 1000, 1], [1, 4099, 1], [1, 10000, 1], [2, 10000, 5], [1, 4099, 8], [7, 100, 33], [4, 0, 0], [0, 5, 3]);

const label = ([o, l, i]: number[]) => `[${o}, ${l}, ${i}]`;

describe("sumAxis", () => {
  // The kernel accumulates in f64 and rounds once to f32, so its error is half an ulp of the sum
  // plus len·2^-53·sum|a|: well inside 2^-23·sum|a| at every length tested.
  it("matches the f64 sum within 2^-23 · sum|a| on every shape, aligned or not", () => {
    const rng = new Random(70);
    for (const shape of SHAPES) {
      for (const shift of [0, 4]) {
        const [outer, len, inner] = shape;
        const a = normal(rng, outer * len * inner, 3);
        const out = alloc(outer * inner, 4 - shift);
        kernels.sumAxis(out, put(a, shift), outer, len, inner);
        const got = read(out, outer * inner);
        const want = sumAxisRef(a, outer, len, inner),
          scale = absSumAxisRef(a, outer, len, inner);
        for (let k = 0; k < want.length; k++) {
          expect(Math.abs(got[k] - want[k]), `${label(shape)} shift=${shift} k=${k}`).toBeLessThanOrEqual(
            2 ** -23 * scale[k],
          );
        }
        if (len === 0)
          expect(
            got.every((v) => Object.is(v, 0)),
            "empty axis sums to +0",
          ).toBe(true);
      }
    }
  });

  it("keeps small terms next to a large one (no error growth along len)", () => {
    // 1 followed by 2^14 copies of 2^-24: a plain f32 running sum never moves off 1.
    const len = 2 ** 14;
    const a = new Float32Array(len).fill(2 ** -24);
    a[0] = 1;
    const out = alloc(1);
    kernels.sumAxis(out, put(a), 1, len, 1);
    expect(read(out, 1)[0]).toBe(Math.fround(1 + (len - 1) * 2 ** -24));
  });
});

describe("maxAxis", () => {
  it("is exact on every shape; -Inf for an empty axis", () => {
    const rng = new Random(71);
    for (const shape of SHAPES) {
      const [outer, len, inner] = shape;
      const a = normal(rng, outer * len * inner);
      const out = alloc(outer * inner);
      kernels.maxAxis(out, put(a, 4), outer, len, inner);
      expect(Array.from(read(out, outer * inner)), label(shape)).toEqual(maxAxisRef(a, outer, len, inner));
    }
  });

  it("gives NaN where a column holds a NaN, and handles -Inf columns", () => {
    const rng = new Random(72);
    for (const shape of [
      [1, 7, 1],
      [1, 33, 1],
      [2, 9, 4],
      [2, 9, 5],
      [3, 6, 3],
    ] as [number, number, number][]) {
      const [outer, len, inner] = shape;
      const a = normal(rng, outer * len * inner);
      a[rng.int(a.length)] = NaN;
      a[rng.int(a.length)] = NaN;
      for (let l = 0; l < len; l++) a[l * inner] = -Infinity; // column 0 of the first outer slab
      const out = alloc(outer * inner);
      kernels.maxAxis(out, put(a), outer, len, inner);
      expect(Array.from(read(out, outer * inner)), label(shape)).toEqual(maxAxisRef(a, outer, len, inner));
    }
  });
  it("finds the max, a NaN and +0 over -0 at every position of rows that use all four accumulators and the tails", () => {
    const rng = new Random(74);
    for (const len of [16, 17, 31, 63, 64, 65, 79, 80, 131]) {
      const out = alloc(1);
      for (let at = 0; at < len; at++) {
        const a = normal(rng, len);
        a[at] = 100;
        kernels.maxAxis(out, put(a), 1, len, 1);
        expect(read(out, 1)[0], `len ${len}, max at ${at}`).toBe(100);
        a[at] = NaN;
        kernels.maxAxis(out, put(a), 1, len, 1);
        expect(read(out, 1)[0], `len ${len}, NaN at ${at}`).toBeNaN();
        const zeros = new Float32Array(len).fill(-0);
        zeros[at] = 0;
        kernels.maxAxis(out, put(zeros), 1, len, 1);
        expect(Object.is(read(out, 1)[0], 0), `len ${len}, +0 at ${at}`).toBe(true);
      }
    }
  });
});

describe("argmaxAxis", () => {
  it("returns the first index of the max on every shape (ties common: small integers); 0 for an empty axis", () => {
    const rng = new Random(73);
    for (const shape of SHAPES) {
      const [outer, len, inner] = shape;
      const a = Float32Array.from({ length: outer * len * inner }, () => rng.int(4));
      const out = alloc(outer * inner);
      kernels.argmaxAxis(out, put(a, 4), outer, len, inner);
      expect(Array.from(readI32(out, outer * inner)), label(shape)).toEqual(argmaxAxisRef(a, outer, len, inner));
    }
  });

  it("picks the first NaN if any, and index 0 for an all -Inf column", () => {
    const rng = new Random(74);
    for (const shape of [
      [1, 9, 1],
      [1, 40, 1],
      [2, 9, 4],
      [2, 9, 5],
      [3, 6, 3],
      [1, 50, 4],
    ] as [number, number, number][]) {
      const [outer, len, inner] = shape;
      for (let trial = 0; trial < 20; trial++) {
        const a = uniform(rng, outer * len * inner, -2, 2);
        for (let k = 0; k < 3; k++) a[rng.int(a.length)] = NaN;
        for (let l = 0; l < len; l++) a[l * inner + inner - 1] = -Infinity; // last column of the first slab
        const out = alloc(outer * inner);
        kernels.argmaxAxis(out, put(a), outer, len, inner);
        expect(Array.from(readI32(out, outer * inner)), label(shape)).toEqual(argmaxAxisRef(a, outer, len, inner));
      }
    }
  });
});

describe("sumAll and dot", () => {
  // Both accumulate in f64, where every f32 value and every product of two is exact: the only
  // error is the f64 additions, n·2^-53·sum|.| ≈ 1.1e-10 relative at n = 10^6 (the reference has
  // the same), far inside the 1e-6 the engine needs.
  const sizes = [0, 1, 3, 5, 17, 33, 1000, 4099, 1_000_000];
  it("sumAll is within 1e-9 · sum|a| of the f64 sum", () => {
    const rng = new Random(75);
    for (const n of sizes) {
      for (const shift of [0, 4]) {
        const a = normal(rng, n);
        let want = 0,
          scale = 0;
        for (const x of a) {
          want += x;
          scale += Math.abs(x);
        }
        expect(Math.abs(kernels.sumAll(put(a, shift), n) - want), `n=${n}`).toBeLessThanOrEqual(1e-9 * scale);
      }
    }
  });

  it("dot is within 1e-9 · sum|a·b| of the f64 dot product", () => {
    const rng = new Random(76);
    for (const n of sizes) {
      for (const shift of [0, 4]) {
        const a = normal(rng, n),
          b = normal(rng, n);
        let want = 0,
          scale = 0;
        for (let i = 0; i < n; i++) {
          want += a[i] * b[i];
          scale += Math.abs(a[i] * b[i]);
        }
        expect(Math.abs(kernels.dot(put(a, shift), put(b, 4 - shift), n) - want), `n=${n}`).toBeLessThanOrEqual(
          1e-9 * scale,
        );
      }
    }
  });

  it("dot of a vector with itself, in place", () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6, 7]);
    const p = put(a);
    expect(kernels.dot(p, p, 7)).toBe(140);
  });
});
