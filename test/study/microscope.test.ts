// The microscope study end to end at --quick: the landscape run retraces the optimizer runs exactly,
// the tables hold what the estimators measured, and TensorBoard gets histograms and the learning rate.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { microscopeStudy, type LandscapeResult, type OptimizerResult } from "../../src/study/microscope.ts";
import { runStudy } from "../../src/study/runner.node.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { readEvents } from "../../src/report/tensorboard.ts";
import { checkReport, column, findTable, runQuick } from "./helpers.ts";

describe("microscope study (quick)", () => {
  it("one run per optimizer and a landscape run that retraces them from the same start", async () => {
    const { specs, results, report } = await runQuick(microscopeStudy);
    expect(specs.map((s) => s.id)).toEqual(["gd", "momentum", "adam", "landscape"]);
    checkReport(report);
    const runs = results.slice(0, 3).map((r) => r.result as OptimizerResult);
    const land = results[3].result as LandscapeResult;
    expect(Array.isArray(land.pca.values)).toBe(true); // plain JSON, as it crosses threads and shards
    // Every trajectory starts at one point of the plane; GD's ends at the plane's origin, its final point.
    const starts = land.pca.trajectories.map((t) => t.points[0]);
    for (const s of starts) {
      expect(s[0]).toBeCloseTo(starts[0][0], 4);
      expect(s[1]).toBeCloseTo(starts[0][1], 4);
    }
    const gdEnd = land.pca.trajectories[0].points.at(-1)!;
    expect(Math.hypot(...gdEnd)).toBeLessThan(1e-4);
    // The plane's centre node and each line's α = 1 are the optimizer runs' final training losses: same weights, retrained.
    const n = land.pca.x.length,
      centre = (n - 1) / 2;
    expect(land.pca.x[centre]).toBeCloseTo(0, 12);
    expect(land.pca.values[centre * n + centre]).toBeCloseTo(runs[0].finalTrainLoss, 4);
    land.lines.forEach((l, i) => {
      expect(l.loss[l.alpha.indexOf(1)]).toBeCloseTo(runs[i].finalTrainLoss, 4);
      expect(l.loss[l.alpha.indexOf(0)]).toBeCloseTo(land.lines[0].loss[land.lines[0].alpha.indexOf(0)], 5);
    });
    // Between the solutions: α = 0 is GD's end, α = 1 each other method's.
    land.between.forEach((l, i) => {
      expect(l.loss[l.alpha.indexOf(0)]).toBeCloseTo(runs[0].finalTrainLoss, 4);
      expect(l.loss[l.alpha.indexOf(1)]).toBeCloseTo(runs[i + 1].finalTrainLoss, 4);
    });
    // Where training ended: SLQ measures of the whole Hessian and of each layer's block, weights summing to 1.
    for (const r of runs)
      for (const sp of [r.spectrum!.whole, ...r.spectrum!.layers])
        expect(sp.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const summary = findTable(report, "stability threshold");
    expect(column(summary, "Threshold")).toEqual([2 / 0.1, 3.8 / 0.01, 2 / 0.001]);
    expect(column(summary, "Final λmax(P⁻¹H)").map(Number.isFinite)).toEqual([false, false, true]);
    expect(runs[2].curvature.at(-1)!.preconditioned!.threshold).toBeCloseTo(38 / 0.001, 6);
    const inside = findTable(report, "effective learning rate");
    const gdRows = inside.rows.filter((r) => r[0] === "GD (full batch)");
    for (const r of gdRows) for (const j of [5, 6, 7]) expect(r[j] as number).toBeCloseTo(0.1, 3); // −Δw/g = η for GD
    expect(report.sections.flatMap((s) => s.svgs ?? []).map((s) => s.name)).toContain("microscope-preconditioned");
  }, 120_000);

  it("writes histograms of weights, gradients and state buffers per layer, and the learning rate, to TensorBoard", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "descent-microscope-")), "report");
    await runStudy(microscopeStudy, resolveStudyConfig(microscopeStudy, { quick: true, optimizers: ["adam"] }), {
      out,
    });
    const folder = join(out, "tb", "adam");
    const events = readEvents(new Uint8Array(readFileSync(join(folder, readdirSync(folder)[0]))));
    const tags = new Set(events.flatMap((e) => (e.histograms ?? []).map((h) => h.tag)));
    for (const t of ["weights/1", "weights/3", "grads/1", "state.m/1", "state.v/3"]) expect(tags.has(t), t).toBe(true);
    const h = events.find((e) => e.step === 10 && e.histograms?.[0].tag === "state.v/1")!.histograms![0].histogram;
    expect(h.num).toBe(784 * 16 + 16);
    expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(h.num);
    expect(h.min).toBeGreaterThanOrEqual(0);
    const lrs = events.flatMap((e) => e.scalars.filter((s) => s.tag === "lr").map((s) => [e.step, s.value]));
    expect(lrs).toHaveLength(30);
    for (const [, v] of lrs) expect(v).toBe(Math.fround(0.001));
  }, 120_000);
});
