/**
 * The validation base of the microscope: on a small network the Hessian formed from HVPs and
 * diagonalized in f64 is the exact reference, and every estimator is checked against it with the
 * error it states (power iteration: relative tol; Hutchinson: its exact standard error; SLQ: the
 * exact standard error of its moments, and exact nodes when Lanczos runs to full dimension).
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { Random } from "../../src/random.ts";
import { Activation, Linear, Model, Sequential } from "../../src/nn/index.ts";
import { crossEntropy } from "../../src/nn/losses.ts";
import { tensor } from "../../src/tensor/tensor.ts";
import { adam } from "../../src/optim/adam.ts";
import { freeState, inspectState } from "../../src/optim/state.ts";
import { hutchinsonTrace, lanczosSpectrum, spectralDensity, topEigenvalue } from "../../src/analysis/hessian.ts";
import { denseHessian, exactSpectrum, hutchinsonVariance, spectralMoments } from "../../src/analysis/exact-hessian.ts";
import { adamPreconditioner, blockHvp, curvatureByGroup, preconditionedHvp } from "../../src/analysis/curvature.ts";
import { modelHessian, packRegion } from "../../src/analysis/model-hessian.ts";

// Exact references are formed by the dozen HVPs: slow on a loaded machine, not a speed test.
vi.setConfig({ testTimeout: 60_000 });

const rng = new Random(11);
const n = 24;
const x = tensor(
  Float32Array.from({ length: n * 3 }, () => rng.normal()),
  [n, 3],
);
const labels = Int32Array.from({ length: n }, () => rng.int(3));
const model = new Model(new Sequential([new Linear(3, 5), new Activation("tanh"), new Linear(5, 3)]), { seed: 3 });
const loss = () => crossEntropy(model.forward(x, { training: false }), labels);
const mh = modelHessian(model, loss);
const { h, asymmetry } = denseHessian(mh.hv, mh.dim);
const exact = exactSpectrum(h);
const lambdaMax = exact.values[mh.dim - 1];
afterAll(() => {
  x.free();
  model.free();
});

const matVec = (a: readonly Float64Array[], v: Float64Array) =>
  Float64Array.from(a, (row) => row.reduce((s, y, j) => s + y * v[j], 0));
const matMul = (a: readonly Float64Array[], b: readonly Float64Array[]) =>
  a.map((row) => Float64Array.from(b, (_, j) => row.reduce((s, y, k) => s + y * b[k][j], 0)));

describe("the exact Hessian of a small MLP from HVPs", () => {
  it("is the 38×38 Hessian of 3-5-3, symmetric to f32 rounding, its largest eigenvalue the largest in magnitude", () => {
    expect(mh.dim).toBe(15 + 5 + 15 + 3);
    expect(mh.groups).toEqual([
      { name: "0", offset: 0, length: 20 },
      { name: "2", offset: 20, length: 18 },
    ]);
    expect(asymmetry).toBeLessThan(1e-4);
    expect(lambdaMax).toBeGreaterThan(0);
    expect(lambdaMax).toBeGreaterThan(Math.abs(exact.values[0]));
    exact.vectors.forEach((u, i) => {
      // each pair satisfies Hu = λu
      const hu = matVec(h, u);
      hu.forEach((y, k) => expect(Math.abs(y - exact.values[i] * u[k])).toBeLessThan(1e-9 * lambdaMax));
    });
  });

  it("power iteration gives λmax to its relative tolerance", () => {
    const top = topEigenvalue(mh.hv, mh.dim, { tol: 1e-9, iterations: 2000, seed: 1 });
    expect(Math.abs(top.value - lambdaMax) / lambdaMax).toBeLessThan(1e-5);
  });

  it("Hutchinson's trace lies within 4 exact standard errors, and its own standard error estimates that one", () => {
    const trace = exact.values.reduce((s, v) => s + v, 0);
    const samples = 300;
    const exactSE = Math.sqrt(hutchinsonVariance(h) / samples);
    const est = hutchinsonTrace(mh.hv, mh.dim, { samples, seed: 5 });
    expect(Math.abs(est.value - trace)).toBeLessThan(4 * exactSE);
    expect(est.standardError / exactSE).toBeGreaterThan(0.7);
    expect(est.standardError / exactSE).toBeLessThan(1.3);
  });

  it("SLQ at full dimension: every node is an eigenvalue of H", () => {
    const s = lanczosSpectrum(mh.hv, mh.dim, { steps: mh.dim, probes: 2, seed: 3 });
    for (const t of s.nodes) {
      const nearest = Math.min(...exact.values.map((v) => Math.abs(v - t)));
      expect(nearest).toBeLessThan(1e-5 * lambdaMax);
    }
  });

  it("SLQ with 8 steps: moments 1..3 within 4 exact standard errors of tr(Hᵏ)/n (Gauss quadrature is exact to degree 15)", () => {
    const probes = 40;
    const s = lanczosSpectrum(mh.hv, mh.dim, { steps: 8, probes, seed: 4 });
    const truth = spectralMoments(exact.values, 3);
    let hk = h;
    for (let k = 1; k <= 3; k++) {
      if (k > 1) hk = matMul(hk, h);
      // a probe is z/√n for Rademacher z, so qᵀHᵏq has variance 2(‖Hᵏ‖²_F − Σ(Hᵏ)ᵢᵢ²)/n²
      const se = Math.sqrt(hutchinsonVariance(hk) / probes) / mh.dim;
      const est = s.nodes.reduce((acc, t, i) => acc + s.weights[i] * t ** k, 0);
      expect(Math.abs(est - truth[k])).toBeLessThan(4 * se + 1e-6 * truth[k]);
    }
  });

  it.each([40, 160])(
    "SLQ at full dimension with %i probes: the smoothed density is within 2·√(2/probes) of the exact one in L1",
    (probes) => {
      const s = lanczosSpectrum(mh.hv, mh.dim, { steps: mh.dim, probes, seed: 4 });
      const range: [number, number] = [exact.values[0] - 0.5, lambdaMax + 0.5];
      const sigma = lambdaMax / 20;
      const approx = spectralDensity(s, { points: 400, sigma, range });
      const reference = spectralDensity(
        { nodes: exact.values, weights: new Float64Array(mh.dim).fill(1 / mh.dim) },
        { points: 400, sigma, range },
      );
      const dx = approx.x[1] - approx.x[0];
      const l1 = approx.density.reduce((acc, d, i) => acc + Math.abs(d - reference.density[i]) * dx, 0);
      // The nodes are exact here; each eigenvalue's weight is a mean over probes of (uᵢ·q)², of
      // variance about 2/(n²·probes): summed over the n eigenvalues, an L1 error of order √(2/probes).
      expect(l1).toBeLessThan(2 * Math.sqrt(2 / probes));
    },
    60_000,
  );

  it("per-layer curvature: each block's top eigenvalue and trace match the exact block of H", () => {
    const c = curvatureByGroup(mh.hv, mh.dim, mh.groups, { iterations: 2000, tol: 1e-9, hutchinson: 200, seed: 2 });
    expect(Math.abs(c.whole.top - lambdaMax) / lambdaMax).toBeLessThan(1e-5);
    for (const [i, g] of mh.groups.entries()) {
      const block = h.slice(g.offset, g.offset + g.length).map((r) => r.slice(g.offset, g.offset + g.length));
      const values = exactSpectrum(block).values;
      const top = values.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
      expect(c.groups[i].name).toBe(g.name);
      expect(Math.abs(c.groups[i].top - top) / Math.abs(top)).toBeLessThan(1e-4);
      const trace = values.reduce((s, v) => s + v, 0);
      expect(Math.abs(c.groups[i].trace - trace)).toBeLessThan(4 * Math.sqrt(hutchinsonVariance(block) / 200));
    }
    expect(() => blockHvp(mh.hv, mh.dim, { name: "past", offset: 30, length: 9 })).toThrow(
      /group past = \[30, 39\) is not inside the 38 parameters/,
    );
  });
});

describe("the preconditioned sharpness of Adam", () => {
  it("Adam's step is η·P⁻¹m with P = (1 − β1ᵗ)(√v̂ + ε)", () => {
    const opt = adam({ lr: 0.01 });
    const state = opt.init(model.parameters.values.length);
    const start = model.parameters.flat();
    try {
      let before = start;
      for (let t = 1; t <= 3; t++) {
        before = model.parameters.flat();
        model.lossAndGrad(x, labels, (out, y) => crossEntropy(out, y));
        opt.update(model.parameters.values, model.parameters.grads, state);
      }
      const after = model.parameters.flat();
      const { m, v } = inspectState(state);
      const p = adamPreconditioner(packRegion(model, v), 3, { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
      const step = packRegion(
          model,
          before.map((b, i) => b - after[i]),
        ),
        mp = packRegion(model, m);
      step.forEach((d, i) => expect(Math.abs(d - (0.01 * mp[i]) / p[i])).toBeLessThan(1e-6 + 1e-3 * Math.abs(d)));
    } finally {
      model.parameters.load(start);
      freeState(state);
    }
  });

  it("power iteration on P^{-1/2}HP^{-1/2} gives the top eigenvalue of P⁻¹H, an eigenpair of P⁻¹H itself", () => {
    const p = Float64Array.from({ length: mh.dim }, (_, i) => 0.05 + 0.01 * (i % 7));
    const pre = preconditionedHvp(mh.hv, p);
    const scaled = h.map((row, i) => row.map((y, j) => y / Math.sqrt(p[i] * p[j])));
    const ex = exactSpectrum(scaled);
    const lam = ex.values[mh.dim - 1];
    const top = topEigenvalue(pre, mh.dim, { tol: 1e-10, iterations: 3000, seed: 1 });
    expect(Math.abs(top.value - lam) / lam).toBeLessThan(1e-5);
    const u = ex.vectors[mh.dim - 1].map((y, i) => y / Math.sqrt(p[i])); // P^{-1/2}·(eigenvector of the symmetric form)
    const pinvHu = matVec(h, u).map((y, i) => y / p[i]);
    pinvHu.forEach((y, i) => expect(Math.abs(y - lam * u[i])).toBeLessThan(1e-8 * lam * Math.max(...u.map(Math.abs))));
    expect(() => preconditionedHvp(mh.hv, new Float64Array(3))).toThrow(/P\[0\] = 0/);
  });
});
