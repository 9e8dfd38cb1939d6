import { describe, expect, it } from "vitest";
import { hessian2, pathDiagnostics, runTrajectory, sharpness2, testFunction } from "../../src/landscape/index.ts";

describe("2-D path diagnostics", () => {
  it("sharpness: 100 everywhere on ½(x² + 100y²); 501 + √(301² + 400²) at Rosenbrock's minimum", () => {
    const q = testFunction("ill-conditioned");
    for (const [x, y] of [
      [0, 0],
      [1.3, -0.4],
    ])
      expect(sharpness2(q, x, y)).toBeCloseTo(100, 5);
    const r = testFunction("rosenbrock");
    const [a, b, c] = hessian2(r, 1, 1); // 802, −400, 200 by hand
    expect(a).toBeCloseTo(802, 4);
    expect(b).toBeCloseTo(-400, 4);
    expect(c).toBeCloseTo(200, 4);
    expect(sharpness2(r, 1, 1)).toBeCloseTo(501 + Math.hypot(301, 400), 3);
  });

  it("GD on the quadratic: the ratio and cosines are those of its closed-form steps", () => {
    const lr = 0.019; // just under 2/100: y flips sign every step, x creeps
    const t = runTrajectory({ fn: "ill-conditioned", optimizer: { name: "sgd", options: { lr } }, steps: 20 });
    const d = pathDiagnostics(testFunction("ill-conditioned"), t.points);
    expect(d.sharpness).toHaveLength(21);
    expect(d.updateRatio).toHaveLength(20);
    // step k: Δ = −lr·(x, 100y), so ‖Δ‖/‖p‖ = lr·‖(x, 100y)‖/‖(x, y)‖
    t.points
      .slice(0, -1)
      .forEach(([x, y], k) =>
        expect(d.updateRatio[k]).toBeCloseTo((lr * Math.hypot(x, 100 * y)) / Math.hypot(x, y), 4),
      );
    expect(d.cosPrevious[0]).toBeNaN();
    for (const c of d.cosPrevious.slice(1, 5)) expect(c).toBeLessThan(0); // the zig-zag, while y dominates
  });
});
