import { describe, expect, it } from "vitest";
import { adam, sgd } from "../../src/optim/index.ts";
import { heap } from "../../src/index.ts";
import { namedOptimizer, optimizerFactories, runTrajectory } from "../../src/landscape/trajectory.ts";
import { illConditioned, rosenbrock, testFunctions } from "../../src/landscape/functions.ts";

const f32 = Math.fround;

describe("runTrajectory", () => {
  it("is plain gradient descent in f32 for sgd (the written equation, step by step)", () => {
    const lr = 0.01;
    const run = runTrajectory({ fn: illConditioned, optimizer: sgd({ lr }), start: [-1.8, 0.6], steps: 25 });
    let x = f32(-1.8),
      y = f32(0.6);
    expect(run.points[0]).toEqual([x, y]);
    for (let k = 1; k <= 25; k++) {
      const [gx, gy] = illConditioned.gradient(x, y);
      x = f32(x - f32(f32(lr) * f32(gx)));
      y = f32(y - f32(f32(lr) * f32(gy)));
      expect(run.points[k], `step ${k}`).toEqual([x, y]);
      expect(run.losses[k]).toBe(illConditioned.value(x, y));
    }
    expect(run.points).toHaveLength(26);
    expect(run.divergedAt).toBeNull();
  });

  it("is deterministic: the same inputs give bit-identical points, whichever way the optimizer is given", () => {
    const a = runTrajectory({
      fn: "rosenbrock",
      optimizer: adam({ lr: 0.05 }),
      start: [-1.5, 2.5],
      steps: 300,
      track: 0,
    });
    const b = runTrajectory({
      fn: rosenbrock,
      optimizer: { name: "adam", options: { lr: 0.05 } },
      start: [-1.5, 2.5],
      steps: 300,
      track: 0,
    });
    expect(b.points).toEqual(a.points);
    expect(b.losses).toEqual(a.losses);
    expect(b.states).toEqual(a.states);
  });

  it("converges where it should: Adam on Rosenbrock nears (1, 1), momentum on the quadratic nears 0", () => {
    const r = runTrajectory({ fn: "rosenbrock", optimizer: { name: "adam", options: { lr: 0.02 } }, steps: 3000 });
    expect(r.losses.at(-1)!).toBeLessThan(1e-3 * r.losses[0]);
    const q = runTrajectory({
      fn: "ill-conditioned",
      optimizer: { name: "sgd", options: { lr: 0.01, momentum: 0.9 } },
      steps: 400,
    });
    expect(q.losses.at(-1)!).toBeLessThan(1e-6);
  });

  it("records Adam's m and v for the tracked coordinate after every step", () => {
    const r = runTrajectory({ fn: illConditioned, optimizer: adam({ lr: 0.1 }), start: [1, 0.5], steps: 3, track: 1 });
    expect(r.states).toHaveLength(4);
    expect(r.states![0]).toEqual({ m: 0, v: 0 });
    // Step 1: m = (1−β1)g, v = (1−β2)g² with g = 100·y at the start, in f32.
    const g = f32(100 * 0.5);
    // (1 − β) is formed in f32, so 1 − 0.999 carries a relative error of ~1e-5.
    expect(Math.abs(r.states![1].m / (0.1 * g) - 1)).toBeLessThan(1e-6);
    expect(Math.abs(r.states![1].v / (0.001 * g * g) - 1)).toBeLessThan(1e-4);
    expect(r.states![2].m).not.toBe(r.states![1].m);
  });

  it("stops at the first non-finite step and says which", () => {
    const r = runTrajectory({
      fn: "rosenbrock",
      optimizer: { name: "sgd", options: { lr: 0.1 } },
      start: [-1.5, 2.5],
      steps: 100,
    });
    expect(r.divergedAt).not.toBeNull();
    expect(r.points).toHaveLength(r.divergedAt!);
    expect(r.losses).toHaveLength(r.divergedAt!);
    expect(r.divergence).toMatch(/not finite|loss is/);
    for (const [x, y] of r.points) {
      expect(Number.isFinite(x)).toBe(true);
      expect(Number.isFinite(y)).toBe(true);
    }
  });

  it("releases its WASM memory", () => {
    runTrajectory({ fn: "beale", optimizer: { name: "adam" }, steps: 2 });
    const before = heap.inUse;
    for (let i = 0; i < 50; i++) runTrajectory({ fn: "beale", optimizer: { name: "adam" }, steps: 2 });
    expect(heap.inUse).toBe(before);
  });

  it("runs every optimizer on every function with finite defaults", () => {
    for (const name of Object.keys(optimizerFactories))
      for (const fn of testFunctions) {
        const r = runTrajectory({ fn, optimizer: { name, options: { lr: 1e-3 } }, steps: 5, track: 0 });
        expect(r.points.length, `${name} on ${fn.name}`).toBe(6);
      }
  });

  it("rejects bad input with the optimizer's own message", () => {
    expect(() => namedOptimizer({ name: "adam", options: { lr: -1 } })).toThrow(
      "adam: lr = -1 is outside the valid range (0, ∞)",
    );
    expect(() => namedOptimizer({ name: "sgd", options: { momentum: NaN } })).toThrow(/sgd: momentum = NaN/);
    expect(() => namedOptimizer({ name: "bogus" })).toThrow(/unknown optimizer "bogus"/);
    expect(() => runTrajectory({ fn: "beale", optimizer: { name: "adam" }, steps: -1 })).toThrow(
      /steps must be an integer/,
    );
    expect(() => runTrajectory({ fn: "beale", optimizer: { name: "adam" }, steps: 1, start: [NaN, 0] })).toThrow(
      /not finite/,
    );
  });
});
