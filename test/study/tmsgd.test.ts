import { describe, expect, it } from "vitest";
import { tmsgdStudy, runOdeCheck } from "../../src/study/tmsgd.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import {
  EULER,
  TAYLOR_MULTISTEP,
  errorConstants,
  order,
  spectralRadius,
  stabilityLimit,
  stabilityRoots,
  cubicRoots,
} from "../../src/study/multistep.ts";
import { allFinite, checkReport, column, findTable, headers, runQuick } from "./helpers.ts";

describe("multistep analysis", () => {
  it("derives the order from the coefficients: Euler 1, Taylor multi-step 2 with C3 = 2/3", () => {
    expect(order(EULER)).toEqual({ order: 1, leadingConstant: 0.5 });
    const c = errorConstants(TAYLOR_MULTISTEP);
    expect(
      c
        .slice(0, 3)
        .map(Math.abs)
        .every((v) => v < 1e-12),
    ).toBe(true);
    expect(c[3]).toBeCloseTo(2 / 3, 12);
    expect(order(TAYLOR_MULTISTEP).order).toBe(2);
    // A scheme whose coefficients do not sum to 1 is not even consistent: C0 ≠ 0.
    expect(order([1.5, -1, 0.4]).order).toBe(-1);
  });

  it("finds ρ's roots and the stability limits hλ < 2 (Euler) and < 1 (TM)", () => {
    const moduli = stabilityRoots(TAYLOR_MULTISTEP, 0)
      .map(([re, im]) => Math.hypot(re, im))
      .sort();
    expect(moduli[0]).toBeCloseTo(Math.SQRT1_2, 10);
    expect(moduli[2]).toBeCloseTo(1, 10);
    // (z − 0.5)(z² + 1) at hλ = 1
    expect(spectralRadius(stabilityRoots(TAYLOR_MULTISTEP, 1))).toBeCloseTo(1, 9);
    expect(stabilityLimit(TAYLOR_MULTISTEP)).toBeCloseTo(1, 6);
    expect(stabilityLimit(EULER)).toBeCloseTo(2, 6);
    const r = cubicRoots(-6, 11, -6)
      .map(([re]) => re)
      .sort(); // (z−1)(z−2)(z−3)
    r.forEach((v, i) => expect(v).toBeCloseTo(i + 1, 10));
  });

  it("measures the local truncation error order p + 1 within ±0.3 of the derived theory", () => {
    const ode = runOdeCheck(0);
    const [euler, taylor] = ode.methods;
    expect(Math.abs(euler.localSlope - 2)).toBeLessThan(0.3);
    expect(Math.abs(taylor.localSlope - 3)).toBeLessThan(0.3);
    expect(Math.abs(euler.globalExactSlope - 1)).toBeLessThan(0.3);
    expect(Math.abs(taylor.globalExactSlope - 2)).toBeLessThan(0.3);
    // The optimizer's start (history = W0) costs the second order.
    expect(Math.abs(taylor.globalOptimizerSlope - 1)).toBeLessThan(0.3);
  });
});

describe("tm-sgd study (quick)", () => {
  it("plans independent runs, trains every optimizer on every task and reports tables and curves", async () => {
    const { specs, results, report } = await runQuick(tmsgdStudy);
    expect(new Set(specs.map((s) => s.id)).size).toBe(specs.length);
    // quick: switch epochs 0 and 1 → per task SGD, momentum, Adam + 2 × (TM-SGD, TM-SGD-M); six tasks
    expect(specs.length).toBe(1 + 6 * 7);
    checkReport(report);
    const standard = [
      "Optimizer",
      "Switch epoch",
      "Learning rate",
      "Final training loss",
      "Final test loss",
      "Final test accuracy",
      "Best test accuracy",
      "Diverged",
    ];
    for (const [task, columns] of [
      ["MNIST (MNIST digits", standard],
      ["Image task: CNN on MNIST:", standard],
      ["Text task: LSTM over token embeddings", standard],
      ["sign-of-sum", standard],
      ["Click-through task", standard.map((c) => c.replace("accuracy", "AUC"))],
    ] as const) {
      const t = findTable(report, task);
      expect(headers(t), task).toEqual(columns);
      expect(t.rows.length).toBe(7);
      expect(allFinite(t)).toBe(true);
      expect(column(t, "Diverged").every((v) => v === "no")).toBe(true);
      for (const loss of column(t, "Final training loss")) expect(loss as number).toBeLessThan(Math.log(10) + 0.2);
    }
    const gan = findTable(report, "GAN task");
    expect(headers(gan)).toEqual([
      "Optimizer",
      "Switch epoch",
      "Learning rate",
      "Modes covered (of 8)",
      "High-quality samples",
      "Energy distance",
      "Energy distance untrained",
      "Final discriminator loss",
      "Final generator loss",
      "Diverged",
    ]);
    expect(gan.rows.length).toBe(7);
    for (const d of column(gan, "Energy distance"))
      expect(Number.isFinite(d as number) && (d as number) > 0).toBe(true);
    const text = report.sections.map((s) => s.markdown ?? "").join("\n");
    for (const honest of [
      "Generated sentences, not a real corpus",
      "Generated Avazu-like impressions, not Avazu",
      "The true model scores test AUC",
      "mixture of 8 Gaussians",
    ])
      expect(text).toContain(honest);
    const slopes = findTable(report, "Log-log slopes");
    expect(slopes.rows.length).toBe(2);
    // the ODE check's plot, two per supervised task, one for the GAN
    expect(report.sections.flatMap((s) => s.svgs ?? []).length).toBe(1 + 5 * 2 + 1);
    // one metric row per run and epoch (quick: 2 epochs)
    expect(report.metrics.length).toBe(2 * 42);
    expect(
      results.every((r) => r.result.kind === "ode" || r.result.history.length === 2 || r.result.gan?.length === 2),
    ).toBe(true);
  }, 120_000);

  it("rejects a bad switch epoch naming it", () => {
    expect(() => resolveStudyConfig(tmsgdStudy, { "switch-epochs": ["x"] })).toThrow(/switch-epochs.*'x'/);
    expect(() => resolveStudyConfig(tmsgdStudy, { "switch-epochs": "1,-2" })).toThrow(/switch-epochs.*'-2'/);
  });
});
