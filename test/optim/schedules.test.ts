// Schedules at chosen steps against their closed forms; reduce-on-plateau on a scripted metric.
import { describe, expect, it } from "vitest";
import {
  constant,
  cosineAnnealing,
  exponentialDecay,
  linearWarmup,
  ReduceOnPlateau,
  stepDecay,
} from "../../src/optim/schedules.ts";
import { clipByGlobalNorm, clipByValue, globalNorm } from "../../src/optim/clip.ts";
import { ArrayOptimizer, sgd } from "../../src/optim/index.ts";
import { heap, f32View } from "../../src/wasm/module.ts";

describe("schedules", () => {
  it("constant, step and exponential decay", () => {
    expect([0, 7, 1e6].map(constant(0.3))).toEqual([0.3, 0.3, 0.3]);
    const s = stepDecay(0.1, 30, 0.5);
    expect([0, 29, 30, 59, 60, 95].map(s)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]);
    const e = exponentialDecay(2, 0.9);
    expect(e(0)).toBe(2);
    expect(e(10)).toBeCloseTo(2 * 0.9 ** 10, 15);
  });

  it("cosine annealing: lr at 0, minLr at the period and after, the mean at half", () => {
    const c = cosineAnnealing(0.1, 100, 0.01);
    expect(c(0)).toBeCloseTo(0.1, 15);
    expect(c(50)).toBeCloseTo(0.055, 15);
    expect(c(25)).toBeCloseTo(0.01 + (0.09 * (1 + Math.SQRT1_2)) / 2, 15);
    expect(c(100)).toBeCloseTo(0.01, 15);
    expect(c(150)).toBeCloseTo(0.01, 15);
  });

  it("linear warm-up wraps any schedule and hands over at its end", () => {
    const w = linearWarmup(cosineAnnealing(1, 100), 10);
    expect(w(0)).toBeCloseTo(0.1 * 1, 15);
    expect(w(4)).toBeCloseTo((0.5 * (1 + Math.cos(Math.PI * 0.04))) / 2, 15);
    expect(w(9)).toBeCloseTo((1 + Math.cos(Math.PI * 0.09)) / 2, 15);
    expect(w(10)).toBeCloseTo((1 + Math.cos(Math.PI * 0.1)) / 2, 15);
    expect(linearWarmup(0.5, 4)(1)).toBe(0.25);
  });

  it("an optimizer reads its schedule at the number of updates already applied", () => {
    const run = new ArrayOptimizer(sgd({ lr: stepDecay(1, 1, 0.5) }), 1);
    const w = new Float32Array([0]);
    for (let k = 0; k < 3; k++) run.step(w, new Float32Array([-1]));
    expect(w[0]).toBe(1 + 0.5 + 0.25);
    run.dispose();
  });

  it("validates its arguments", () => {
    expect(() => stepDecay(0.1, 0, 0.5)).toThrow(/stepSize = 0/);
    expect(() => cosineAnnealing(0.1, 10, 0.2)).toThrow(/minLr = 0.2/);
    expect(() => exponentialDecay(-1, 0.9)).toThrow(/lr = -1/);
  });
});

describe("reduce on plateau", () => {
  it("follows PyTorch's rules on a scripted metric (patience 2, cooldown 1, rel threshold)", () => {
    const p = new ReduceOnPlateau(1, { factor: 0.5, patience: 2, cooldown: 1, threshold: 0.01, minLr: 0.2 });
    // epoch:    1    2     3      4    5    6    7    8    9   10   11   12   13
    const metric = [10, 9, 8.95, 8.95, 8.95, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0];
    const lrs = metric.map((m) => p.observe(m));
    // 9 improves on 10; 8.95 is not 1% better than 9: bad epochs 1, 2, 3 → reduce after epoch 5.
    // Epoch 6 (cooldown) improves; 7, 8, 9 bad → reduce after 9; cooldown 10; 11, 12, 13 bad → clamp at minLr.
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2]);
  });

  it("abs threshold and max mode", () => {
    const p = new ReduceOnPlateau(1, { mode: "max", factor: 0.1, patience: 0, threshold: 0.5, thresholdMode: "abs" });
    expect([1, 1.6, 2.0, 3].map((m) => p.observe(m))).toEqual([1, 1, 0.1, 0.1]);
  });

  it("serializes its state and continues identically", () => {
    const opts = { factor: 0.5, patience: 1 };
    const a = new ReduceOnPlateau(1, opts);
    [5, 4, 4].forEach((m) => a.observe(m));
    const b = ReduceOnPlateau.fromJSON(1, opts, JSON.parse(JSON.stringify(a)));
    const fresh = ReduceOnPlateau.fromJSON(1, opts, JSON.parse(JSON.stringify(new ReduceOnPlateau(1, opts))));
    expect(fresh.getState().best).toBe(Infinity);
    for (const m of [4, 4, 3, 3, 3]) expect(b.observe(m)).toBe(a.observe(m));
    expect(b.getState()).toEqual(a.getState());
  });

  it("is a schedule an optimizer reads", () => {
    const p = new ReduceOnPlateau(0.1, { patience: 0 });
    const opt = sgd({ lr: linearWarmup(p.schedule, 2) });
    expect(opt.lrAt(0)).toBeCloseTo(0.05, 15);
    p.observe(1);
    p.observe(1);
    expect(opt.lrAt(5)).toBeCloseTo(0.01, 15);
  });
});

describe("gradient clipping", () => {
  it("by global norm over several ranges, as PyTorch (scale maxNorm/(norm + 1e-6))", () => {
    const a = heap.alloc(4 * 5),
      b = heap.alloc(4 * 2);
    f32View(a, 5).set([3, 0, 0, 0, 0]);
    f32View(b, 2).set([0, 4]);
    const ranges = [
      { ptr: a, length: 5 },
      { ptr: b, length: 2 },
    ];
    expect(globalNorm(ranges)).toBe(5);
    expect(clipByGlobalNorm(ranges, 10)).toBe(5); // under the limit: untouched
    expect(Array.from(f32View(a, 1))).toEqual([3]);
    expect(clipByGlobalNorm(ranges, 1)).toBe(5);
    expect(f32View(a, 1)[0]).toBeCloseTo(3 / (5 + 1e-6), 6);
    expect(f32View(b, 2)[1]).toBeCloseTo(4 / (5 + 1e-6), 6);
    expect(globalNorm(ranges)).toBeCloseTo(1, 5);
    heap.release(a);
    heap.release(b);
  });

  it("the f64 sum of squares matches a TypeScript one on SIMD and tail lengths", () => {
    for (const n of [0, 1, 3, 5, 17, 33, 1001]) {
      const p = heap.alloc(4 * n),
        x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
      f32View(p, n).set(x);
      const expected = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
      expect(globalNorm([{ ptr: p, length: n }])).toBeCloseTo(expected, 10);
      heap.release(p);
    }
  });

  it("by value, every element clamped to [−c, c]", () => {
    for (const n of [0, 1, 3, 5, 17, 33]) {
      const p = heap.alloc(4 * n),
        x = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3);
      f32View(p, n).set(x);
      clipByValue([{ ptr: p, length: n }], 1.5);
      expect(Array.from(f32View(p, n))).toEqual(Array.from(x, (v) => Math.min(1.5, Math.max(-1.5, v))));
      heap.release(p);
    }
    expect(() => clipByValue([], 0)).toThrow(/clipValue = 0/);
  });
});
