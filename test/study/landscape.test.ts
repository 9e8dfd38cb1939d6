import { describe, expect, it } from "vitest";
import { DIVERGED_BEYOND, landscapeStudy, outcome, tracePath } from "../../src/study/landscape.ts";
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
    expect(outcome(saddle, { points: [[0, 0]], values: [0], lr: 0.1, divergedAt: null }).verdict).toBe(
      "stuck at the saddle",
    );
    expect(outcome(saddle, tracePath("saddle", "adam", s)).verdict).toBe("escaped the saddle");
  });

  it("Nesterov diverges where heavy-ball momentum converges (lr·λ = 1.9: inside 3.8, outside 1.36)", () => {
    expect(tracePath("ill-conditioned", "momentum", s).divergedAt).toBeNull();
    expect(tracePath("ill-conditioned", "nesterov", s).divergedAt).not.toBeNull();
  });
});

describe("one divergence rule for every row", () => {
  const full = { ...s, steps: 500, secondOrderSteps: 100 };
  const functions = ["rosenbrock", "beale", "himmelblau", "saddle", "ill-conditioned"];
  const optimizers = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "lbfgs", "newton"] as const;
  it(
    "a path diverged exactly when it left ±DIVERGED_BEYOND (or the finite numbers), first- and second-order alike; the verdict agrees",
    { timeout: 60_000 },
    () => {
      for (const fn of functions)
        for (const opt of optimizers) {
          const r = tracePath(fn, opt, full);
          const beyond = (p: readonly number[]) => !p.every((v) => Math.abs(v) <= DIVERGED_BEYOND);
          const where = `${fn}/${opt}`;
          // Every point but a diverged path's last lies within the bound; the last lies beyond it (or the next was not finite).
          r.points
            .slice(0, r.divergedAt === null ? undefined : -1)
            .forEach((p) => expect(beyond(p), where).toBe(false));
          if (r.divergedAt !== null) expect(r.points.length - 1, where).toBeLessThanOrEqual(r.divergedAt);
          const verdict = outcome(testFunction(fn), r).verdict;
          expect(/diverged|−∞/.test(verdict), `${where}: ${verdict}`).toBe(r.divergedAt !== null);
        }
      // The contradictions: each of these now counts as diverged, by the same rule.
      for (const [fn, opt] of [
        ["ill-conditioned", "nesterov"],
        ["rosenbrock", "nesterov"],
        ["saddle", "momentum"],
        ["saddle", "lbfgs"],
      ] as const) {
        expect(tracePath(fn, opt, full).divergedAt, `${fn}/${opt}`).not.toBeNull();
      }
    },
  );

  it("no drawn coordinate leaves the frame, however far a path ran", { timeout: 60_000 }, async () => {
    const { report } = await runQuick(landscapeStudy, {
      quick: false,
      functions: ["ill-conditioned", "saddle", "rosenbrock"],
    }); // 500 steps: far enough to diverge
    for (const { name, svg } of report.sections.flatMap((x) => x.svgs ?? [])) {
      const root = parseXml(svg);
      const area = byClass(root, "plot-area")[0].attrs;
      for (const g of byClass(root, "trajectory"))
        for (const p of g.children.filter((c) => c.name === "path" && c.attrs.d)) {
          const nums = p.attrs.d.replace(/[MLZ]/g, " ").trim().split(/\s+/).map(Number);
          for (let k = 0; k + 1 < nums.length; k += 2) {
            expect(nums[k], name).toBeGreaterThanOrEqual(+area.x - 0.01);
            expect(nums[k], name).toBeLessThanOrEqual(+area.x + +area.width + 0.01);
            expect(nums[k + 1], name).toBeGreaterThanOrEqual(+area.y - 0.01);
            expect(nums[k + 1], name).toBeLessThanOrEqual(+area.y + +area.height + 0.01);
          }
        }
    }
  });
});

describe("landscape study (quick)", () => {
  it("draws one contour plot per function with a trajectory per optimizer, and the summary table", async () => {
    const { specs, report } = await runQuick(landscapeStudy);
    expect(specs.length).toBe(5 * 9);
    checkReport(report);
    const t = findTable(report, "Where each optimizer ended");
    expect(headers(t)).toEqual([
      "Function",
      "Optimizer",
      "Learning rate",
      "Steps",
      "Final f",
      "Distance to nearest minimum",
      "Diverged",
      "Outcome",
    ]);
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
