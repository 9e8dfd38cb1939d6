// Schedules against PyTorch 1.13's own schedulers (test/optim/fixtures/pytorch.json, made by
// scripts/fixtures/pytorch_optim.py): the lr an SGD optimizer with lr = 0.1 used at each step.
import { describe, expect, it } from "vitest";
import fixture from "./fixtures/pytorch.json" with { type: "json" };
import {
  cosineAnnealing,
  cosineWarmRestarts,
  linearRamp,
  oneCycle,
  polynomialDecay,
  type Schedule,
} from "../../src/optim/schedules.ts";

const ours: Record<string, Schedule> = {
  "cosine T_max=10 eta_min=0.01 past T_max": cosineAnnealing(0.1, 10, 0.01, { periodic: true }),
  "warm restarts T_0=5 T_mult=2 eta_min=0.001": cosineWarmRestarts(0.1, 5, 2, 0.001),
  "warm restarts T_0=7 T_mult=1": cosineWarmRestarts(0.1, 7),
  "one cycle max_lr=0.1 total=50": oneCycle(0.1, 50),
  "one cycle linear pct=0.25 div=10 final=100 total=40": oneCycle(0.1, 40, {
    pctStart: 0.25,
    anneal: "linear",
    divFactor: 10,
    finalDivFactor: 100,
  }),
  "one cycle three phase total=60": oneCycle(0.1, 60, { threePhase: true }),
  "linear 1 -> 0.1 over 20": linearRamp(0.1, 20, 1, 0.1),
  "linear warm-up 1/3 -> 1 over 5": linearRamp(0.1, 5, 1 / 3, 1),
  "polynomial power=2 over 20": polynomialDecay(0.1, 20, 2),
  "polynomial power=1 over 15": polynomialDecay(0.1, 15, 1),
};

// PyTorch computes most of these recursively (each lr from the last), so its values carry f64
// rounding of a few ulps a step; 1e-12 relative (or absolute near 0) is far below any convention.
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(b), 1e-3);

describe(`schedules against PyTorch ${fixture.torch}`, () => {
  it("covers every schedule the fixture holds", () => {
    expect(Object.keys(fixture.schedules).sort()).toEqual(Object.keys(ours).sort());
  });
  it.each(Object.entries(fixture.schedules))("%s", (label, lrs) => {
    const mismatches = lrs
      .map((lr, step) => ({ step, theirs: lr, ours: ours[label](step) }))
      .filter((r) => !close(r.ours, r.theirs));
    expect(mismatches).toEqual([]);
  });
});

describe("schedules past their end, and their arguments", () => {
  it("cosine annealing holds minLr past the period unless periodic", () => {
    expect(cosineAnnealing(0.1, 10, 0.01)(15)).toBe(0.01);
    expect(cosineAnnealing(0.1, 10, 0.01, { periodic: true })(20)).toBeCloseTo(0.1, 15);
  });
  it("one cycle refuses a step past totalSteps, as PyTorch", () => {
    expect(oneCycle(0.1, 50)(49)).toBeGreaterThan(0);
    expect(() => oneCycle(0.1, 50)(50)).toThrow(/step 50 is past totalSteps = 50/);
  });
  it("linear ramp and polynomial decay hold their final value", () => {
    expect(linearRamp(0.1, 20, 1, 0.1)(100)).toBeCloseTo(0.01, 15);
    expect(polynomialDecay(0.1, 20, 2)(100)).toBe(0);
  });
  it("name a bad argument with its value", () => {
    expect(() => cosineWarmRestarts(0.1, 0)).toThrow(/period = 0/);
    expect(() => cosineWarmRestarts(0.1, 5, 1.5)).toThrow(/periodMult = 1.5/);
    expect(() => oneCycle(0.1, 50, { pctStart: 1 })).toThrow(/pctStart = 1/);
    expect(() => oneCycle(0.1, 50, { anneal: "exp" as never })).toThrow(/anneal = exp/);
    expect(() => linearRamp(0.1, 0, 1, 0)).toThrow(/steps = 0/);
    expect(() => polynomialDecay(0.1, 10, -1)).toThrow(/power = -1/);
    expect(() => cosineAnnealing(0.1, 10, 0, { periodic: "yes" as never })).toThrow(/periodic = yes/);
  });
});
