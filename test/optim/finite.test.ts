import { describe, expect, it } from "vitest";
import { kernels, heap, f32View } from "../../src/wasm/module.ts";

describe("allFinite (the optimizers' non-finite guard)", () => {
  it("finds a NaN or ±Inf at every position, in the 16-wide body and in the tail; passes every finite value", () => {
    const finite = [0, -0, 1, -1, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -1e-45, 1.1754943508222875e-38];
    for (const n of [1, 3, 4, 5, 15, 16, 17, 31, 32, 33, 47, 1001]) {
      const ptr = heap.alloc(n * 4);
      const fillFinite = () => {
        const v = f32View(ptr, n);
        for (let i = 0; i < n; i++) v[i] = finite[i % finite.length];
      };
      fillFinite();
      expect(kernels.allFinite(ptr, n), `n=${n} all finite`).toBe(1);
      for (let at = 0; at < n; at++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          f32View(ptr, n)[at] = bad;
          expect(kernels.allFinite(ptr, n), `n=${n}, ${bad} at ${at}`).toBe(0);
          fillFinite();
        }
      }
      heap.release(ptr);
    }
    expect(kernels.allFinite(0, 0)).toBe(1);
  });
});
