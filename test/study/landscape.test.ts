import { describe, expect, it } from "vitest";
import { landscapeStudy, outcome, tracePath } from "../../src/study/landscape.ts";
import { testFunction } from "../../src/landscape/functions.ts";
import { byClass, parseXml } from "../report/xml.ts";
import { checkReport, column, findTable, headers, runQuick } from "./helpers.ts";

const s = { steps: 200, "second-order-steps": 50, momentum: 0.9, "lr-scale": 1 };

describe("landscape paths", () => {
  it("GD on the ill-conditioned quadratic oscillates in y (lr just under 2/100) and converges", () => {
    const r = tracePath("ill-conditioned", "sgd", s);
    const ys = r.points.slice(1, 20).map((p) => p[1]);
    for (let k = 1; k < ys.length; k++) expect(Math.sign(ys[k])).toBe(-Math.sign(ys[k - 1]));
    expect(r.divergedAt).toBeNull();
  });

  it("Newton and L-BFGS converge on Rosenbrock; the verdicts follow the end points", () => {
    const f = testFunction("rosenbrock");
    for (const o of ["newton", "lbfgs"] as const) {
      const r = tracePath("rosenbrock", o, s);
      expect(outcome(f, r).verdict).toBe("converged");
    }
    const saddle = testFunction("saddle");
    expect(outcome(saddle, { points: [[0, 0]], values: [0], lr: 0.1, divergedAt: null }).verdict).toBe("stuck at the saddle");
    expect(outcome(saddle, tracePath("saddle", "adam", s)).verdict).toBe("escaped the saddle");
  });

  it("Nesterov diverges where heavy-ball momentum converges (lr·λ = 1.9: inside 3.8, outside 1.36)", () => {
    expect(tracePath("ill-conditioned", "momentum", s).divergedAt).toBeNull();
    expect(tracePath("ill-conditioned", "nesterov", s).divergedAt).not.toBeNull();
  });
});

describe("landscape study (quick)", () => {
  it("draws one contour plot per function with a trajectory per optimizer, and the summary table", async () => {
    const { specs, report } = await runQuick(landscapeStudy);
    expect(specs.length).toBe(5 * 9);
    checkReport(report);
    const t = findTable(report, "Where each optimizer ended");
    expect(headers(t)).toEqual(["Function", "Optimizer", "Learning rate", "Steps", "Final f", "Distance to nearest minimum", "Diverged", "Outcome"]);
    expect(t.rows.length).toBe(45);
    for (const v of column(t, "Final f")) expect(Number.isNaN(v as number)).toBe(false);
    const contours = report.sections.flatMap((x) => x.svgs ?? []).filter((g) => !g.name.endsWith("-values"));
    expect(contours.length).toBe(5);
    for (const c of contours) {
      const root = parseXml(c.svg);
      expect(byClass(root, "trajectory").length).toBe(9);
      expect(byClass(root, "contour").length).toBeGreaterThan(5);
    }
  });
});
