import { byClass, parseXml } from "../report/xml.ts";
import { describe, expect, it } from "vitest";
import { buildModel, fullBatchHessian, hessianStudy } from "../../src/study/hessian.ts";
import { topEigenvalue } from "../../src/analysis/hessian.ts";
import { symmetricEigen } from "../../src/analysis/eigen.ts";
import { makeBlobs } from "../../src/data/synthetic.ts";
import { allFinite, checkReport, column, findTable, headers, runQuick } from "./helpers.ts";

describe("sharpness of a tiny model", () => {
  it("power iteration on HVPs matches the top eigenvalue of the dense Hessian", () => {
    const data = makeBlobs({ n: 30, classes: 3, features: 2, seed: 4 });
    const model = buildModel(2, 3, 3, 1);
    const h = fullBatchHessian(model, data);
    try {
      // Dense Hessian from HVPs with the unit vectors, symmetrized (f32 forward: small asymmetry).
      const cols = Array.from({ length: h.dim }, (_, j) => {
        const e = new Float64Array(h.dim);
        e[j] = 1;
        return h.hv(e);
      });
      const dense = Array.from({ length: h.dim }, (_, i) =>
        Float64Array.from({ length: h.dim }, (_, j) => (cols[i][j] + cols[j][i]) / 2),
      );
      const eig = [...symmetricEigen(dense).values];
      const largestMagnitude = eig.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
      const top = topEigenvalue(h.hv, h.dim, { iterations: 500, tol: 1e-7 });
      expect(Math.abs(top.value - largestMagnitude)).toBeLessThan(1e-3 * Math.abs(largestMagnitude));
      expect(largestMagnitude).toBe(Math.max(...eig)); // the top of the spectrum is the positive end here
    } finally {
      h.free();
      model.free();
    }
  });
});

describe("hessian study (quick)", () => {
  it("measures sharpness, trace and densities at two learning rates", async () => {
    const { specs, results, report } = await runQuick(hessianStudy, { lrs: ["0.05", "0.2"] });
    expect(specs.map((s) => s.id)).toEqual(["gd-lr-0.05", "gd-lr-0.2"]);
    checkReport(report);
    const summary = findTable(report, "full-batch GD");
    expect(headers(summary)[0]).toBe("Learning rate η");
    expect(summary.rows.length).toBe(2);
    expect(allFinite(summary)).toBe(true);
    const per = findTable(report, "Per measured epoch");
    expect(per.rows.length).toBe(2 * 5); // epochs 0, 5, 10, 15, 20
    expect(allFinite(per)).toBe(true);
    for (const v of column(per, "λmax")) expect(v as number).toBeGreaterThan(0);
    for (const v of column(per, "Trace")) expect(v as number).toBeGreaterThan(0);
    // Full-batch GD at a stable step lowers the loss.
    for (const { result } of results) expect(result.losses[result.losses.length - 1]).toBeLessThan(result.losses[0]);
    // two spectra per run (epochs 0 and 20), each a normalized measure
    for (const { result } of results) {
      expect(result.spectra.map((s) => s.epoch)).toEqual([0, 20]);
      for (const s of result.spectra) expect(s.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
    expect(report.sections[0].svgs!.length).toBe(5);
    // Each 2/η reference line is drawn in its λmax curve's colour, and the two learning rates differ.
    const sharp = parseXml(report.sections[0].svgs!.find((v) => v.name === "hessian-sharpness")!.svg);
    const stroke = (name: string) =>
      byClass(sharp, "series").find((g) => g.attrs["data-name"].startsWith(name))!.children[0].attrs.stroke;
    expect(stroke("2/η = 40")).toBe(stroke("λmax, η = 0.05"));
    expect(stroke("2/η = 10")).toBe(stroke("λmax, η = 0.2"));
    expect(stroke("λmax, η = 0.05")).not.toBe(stroke("λmax, η = 0.2"));
  }, 60_000);
});
