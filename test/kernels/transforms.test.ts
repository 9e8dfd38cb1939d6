// The gradient-transformation kernels (assembly/optim/transforms.ts) against the f64 equation of
// their doc comments, on every length 0 … 1001 (the SIMD body, the scalar tail, and both together),
// at 16-aligned and unaligned (+4 bytes) pointers. Each kernel rounds to f32 after every operation,
// so a few ULPs of the exactly computed result is the bound.
import { afterEach, describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { kernels, maxUlpError, put, read, releaseAll, uniform } from "./harness.ts";

afterEach(releaseAll);

const LENGTHS = Array.from({ length: 1002 }, (_, n) => n);
const f32 = Math.fround;

interface Case {
  name: string;
  /** Largest error allowed, in ULPs of the f64 result. */
  ulps: number;
  /** Builds inputs, runs the kernel on WASM copies, and returns [got, want] per output buffer. */
  run(rng: Random, n: number, shift: number): [Float32Array, ArrayLike<number>][];
}

const beta = f32(0.9),
  c = f32(1 - 0.9);

const CASES: Case[] = [
  {
    name: "emaSquare: v ← βv + c·u²",
    ulps: 2,
    run(rng, n, shift) {
      const v = uniform(rng, n, 0, 2),
        u = uniform(rng, n, -3, 3);
      const pv = put(v, shift),
        pu = put(u, 4 - shift);
      kernels.emaSquare(pv, pu, n, beta, c);
      return [
        [read(pv, n), Array.from(v, (x, i) => beta * x + c * u[i] * u[i])],
        [read(pu, n), u],
      ];
    },
  },
  {
    name: "ema with look-ahead: u ← βa·m + ca·u; m ← βm + c·u",
    ulps: 2,
    run(rng, n, shift) {
      // Positive inputs: no cancellation, so the f64 result's ULP is the honest scale.
      const m = uniform(rng, n, 0.5, 1),
        u = uniform(rng, n, 0.5, 1),
        ba = f32(0.99),
        ca = f32(1 - 0.99);
      const pm = put(m, shift),
        pu = put(u, shift);
      kernels.ema(pm, pu, n, ba, ca, beta, c);
      return [
        [read(pu, n), Array.from(m, (x, i) => ba * x + ca * u[i])],
        [read(pm, n), Array.from(m, (x, i) => beta * x + c * u[i])],
      ];
    },
  },
  {
    name: "trace: v ← μv + u; u ← v",
    ulps: 1,
    run(rng, n, shift) {
      const v = uniform(rng, n, 0, 1),
        u = uniform(rng, n, 0.5, 1),
        mu = f32(0.9);
      const pv = put(v, shift),
        pu = put(u, 4 - shift);
      kernels.trace(pv, pu, n, mu, 0);
      const want = Array.from(v, (x, i) => mu * x + u[i]);
      return [
        [read(pv, n), want],
        [read(pu, n), want],
      ];
    },
  },
  {
    name: "trace with Nesterov: v ← μv + u; u ← u + μv",
    ulps: 2,
    run(rng, n, shift) {
      const v = uniform(rng, n, 0, 1),
        u = uniform(rng, n, 0.5, 1),
        mu = f32(0.9);
      const pv = put(v, shift),
        pu = put(u, shift);
      kernels.trace(pv, pu, n, mu, 1);
      const vNew = Array.from(v, (x, i) => f32(mu * x + u[i]));
      return [
        [read(pv, n), vNew],
        [read(pu, n), Array.from(u, (x, i) => x + mu * vNew[i])],
      ];
    },
  },
  {
    name: "divideByRoot: u ← u / max(√(v + e1)·r + e2, floor)",
    ulps: 4,
    run(rng, n, shift) {
      const u = uniform(rng, n, -2, 2),
        v = uniform(rng, n, 0, 1e-3);
      const [r, e1, e2, floor] = [f32(1 / Math.sqrt(0.01)), f32(1e-7), f32(1e-8), f32(1e-3)];
      const pu = put(u, shift),
        pv = put(v, 4 - shift);
      kernels.divideByRoot(pu, pv, n, r, e1, e2, floor);
      return [[read(pu, n), Array.from(u, (x, i) => x / Math.max(Math.sqrt(v[i] + e1) * r + e2, floor))]];
    },
  },
  {
    name: "maxAccumulate: a ← max(a, k·v)",
    ulps: 0.5,
    run(rng, n, shift) {
      const a = uniform(rng, n, 0, 1),
        v = uniform(rng, n, 0, 1),
        k = f32(1 / 0.3);
      const pa = put(a, shift),
        pv = put(v, shift);
      kernels.maxAccumulate(pa, pv, n, k);
      return [
        [read(pa, n), Array.from(a, (x, i) => Math.max(x, f32(k * v[i])))],
        [read(pv, n), v],
      ];
    },
  },
];

describe("gradient-transformation kernels against their f64 equations", () => {
  for (const k of CASES) {
    it(`${k.name}: every length 0…1001, aligned and unaligned, within ${k.ulps} ULP`, () => {
      const rng = new Random(k.name.length * 7919);
      let worst = 0;
      for (const n of LENGTHS) {
        for (const shift of [0, 4]) {
          for (const [got, want] of k.run(rng, n, shift)) {
            expect(got.length).toBe(n);
            worst = Math.max(worst, maxUlpError(got, want));
          }
          releaseAll();
        }
      }
      expect(worst).toBeLessThanOrEqual(k.ulps);
    });
  }

  it("ema writes the plain EMA to both u and m when βa = β", () => {
    const m = Float32Array.from({ length: 7 }, (_, i) => i - 3),
      u = Float32Array.from({ length: 7 }, (_, i) => 2 * i);
    const pm = put(m),
      pu = put(u);
    kernels.ema(pm, pu, 7, beta, c, beta, c);
    expect(Array.from(read(pu, 7))).toEqual(Array.from(read(pm, 7)));
  });

  it("divideByRoot keeps a NaN in v visible (the floor's max does not hide it)", () => {
    const pu = put([1, 1, 1, 1, 1]),
      pv = put([NaN, 1, 1, 1, NaN]);
    kernels.divideByRoot(pu, pv, 5, 1, 0, 0, 1e-3);
    const got = read(pu, 5);
    expect(Number.isNaN(got[0]) && Number.isNaN(got[4])).toBe(true);
  });
});
