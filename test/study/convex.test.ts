import { describe, expect, it } from "vitest";
import { convexStudy, runLinear, runLogistic } from "../../src/study/convex.ts";
import { activeSetQP, augmentedLagrangian, kktResiduals, solveEqualityQP, worstResidual } from "../../src/convex/qp.ts";
import { hyperplaneProjection, simplexProjection, textbookExample } from "../../src/convex/examples.ts";
import { solve } from "../../src/convex/dense.ts";
import { gram, leastSquares, makeProblem, squaredLoss } from "../../src/convex/regression.ts";
import { allFinite, checkReport, findTable, headers, runQuick } from "./helpers.ts";

const dist = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.sqrt(Array.from(a).reduce((s, v, i) => s + (v - b[i]) ** 2, 0));

describe("dense solve", () => {
  it("solves against a product it was built from, and names a singular column", () => {
    const a = [Float64Array.of(0, 2, 1), Float64Array.of(1, 1, 0), Float64Array.of(3, 0, 1)]; // needs pivoting
    const x = Float64Array.of(1, -2, 0.5);
    const b = a.map((r) => r[0] * x[0] + r[1] * x[1] + r[2] * x[2]);
    expect(dist(solve(a, b), x)).toBeLessThan(1e-14);
    expect(() => solve([Float64Array.of(1, 2), Float64Array.of(2, 4)], [1, 2])).toThrow(/singular.*column 1/);
  });
});

describe("constrained QPs against their closed forms", () => {
  const a = [0.8, 0.6, -0.2, 0.1, 0.3];
  const cases = [
    hyperplaneProjection(a),
    simplexProjection(a),
    simplexProjection([2, -1, 0.4, 0.39, 3, -0.5, 1.2]),
    textbookExample(),
  ];
  it.each(cases.map((c) => [c.name, c] as const))(
    "%s: active set and augmented Lagrangian reach x*, the multipliers and KKT residuals < 1e-6",
    (_, kp) => {
      for (const r of [activeSetQP(kp.program, kp.feasibleStart), augmentedLagrangian(kp.program, { rho: 10 })]) {
        expect(r.converged).toBe(true);
        expect(dist(r.x, kp.solution.x)).toBeLessThan(1e-8);
        expect(dist([...r.nu, ...r.lambda], [...kp.solution.nu, ...kp.solution.lambda])).toBeLessThan(1e-8);
        expect(worstResidual(kktResiduals(kp.program, r))).toBeLessThan(1e-6);
      }
      // The analytic solution itself satisfies KKT (checks the oracle, not only the solvers).
      expect(worstResidual(kktResiduals(kp.program, kp.solution))).toBeLessThan(1e-12);
    },
  );

  it("the KKT system solves an equality-only problem exactly", () => {
    const kp = hyperplaneProjection(a);
    const r = solveEqualityQP(kp.program.q, kp.program.c, kp.program.a!, kp.program.b!);
    expect(dist(r.x, kp.solution.x)).toBeLessThan(1e-14);
    expect(r.multipliers[0]).toBeCloseTo(kp.solution.nu[0], 14);
  });

  it("residuals see a violated constraint and a negative multiplier", () => {
    const kp = textbookExample();
    const r = kktResiduals(kp.program, {
      x: Float64Array.of(1, 2.5),
      nu: new Float64Array(0),
      lambda: Float64Array.of(-1, 0, 0, 0, 0),
    });
    expect(r.inequality).toBeCloseTo(2, 12);
    expect(r.dualFeasibility).toBe(1);
    expect(r.complementarity).toBeCloseTo(2, 12);
  });

  it("the active-set method refuses an infeasible start", () => {
    const kp = textbookExample();
    expect(() => activeSetQP(kp.program, [1, 2.5])).toThrow(/violates a constraint by 2/);
  });
});

describe("regression", () => {
  it("gradient descent reaches the closed form; the measured rate is 1 − μ/L", () => {
    const r = runLinear({ n: 80, d: 4, condition: 10, iterations: 600, ridge: 0 }, 3);
    for (const run of r.runs) {
      expect(run.finalRelativeError).toBeLessThan(1e-8);
      expect(run.boundHolds).toBe(true);
      expect(Math.abs(run.measuredRate - run.bound)).toBeLessThan(2e-3);
    }
    const p = makeProblem({ n: 80, d: 4, condition: 10, kind: "linear", seed: 3 });
    expect(Math.hypot(...squaredLoss(p, leastSquares(p)).grad)).toBeLessThan(1e-12);
    expect(gram(p).length).toBe(4);
  });

  it("logistic regression: Newton and L-BFGS reach 1e-12, GD and Nesterov obey their convex bounds, Nesterov beats GD", () => {
    const r = runLogistic({ n: 100, d: 5, condition: 20, iterations: 300, ridge: 1e-3 }, 0);
    const by = Object.fromEntries(r.runs.map((x) => [x.name.split(" ")[0], x]));
    expect(by["Newton"].toTol[2]).not.toBeNull();
    expect(by["L-BFGS"].toTol[2]).not.toBeNull();
    expect(by["GD"].boundHolds).toBe(true);
    expect(by["Nesterov"].boundHolds).toBe(true);
    expect(by["Nesterov"].toTol[1]!).toBeLessThan(by["GD"].toTol[1]!);
    expect(by["Newton"].toTol[2]!).toBeLessThan(by["L-BFGS"].toTol[2]!);
  });
});

describe("convex study (quick)", () => {
  it("reports the three parts with their tables and plots", async () => {
    const { results, report } = await runQuick(convexStudy);
    checkReport(report);
    expect(results.map((r) => r.result.kind)).toEqual(["linear", "logistic", "constrained"]);
    const lin = findTable(report, "Linear regression");
    expect(headers(lin)).toEqual([
      "Method",
      "Step η",
      "Bound q",
      "Measured rate",
      "q^k bound holds",
      "Final ‖w − ŵ‖/‖ŵ‖",
      "Final f − f*",
    ]);
    expect(lin.rows.length).toBe(2);
    expect(findTable(report, "Logistic regression").rows.length).toBe(4);
    const kkt = findTable(report, "Constrained problems");
    expect(kkt.rows.length).toBe(7);
    for (const t of [lin, kkt]) expect(allFinite(t)).toBe(true);
    // every residual cell, as printed, is below 1e-6
    for (const row of kkt.rows) for (const cell of row.slice(6)) expect(Math.abs(Number(cell))).toBeLessThan(1e-6);
    expect(report.sections.flatMap((s) => s.svgs ?? []).length).toBe(4);
  });
});
