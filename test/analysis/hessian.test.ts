import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { symmetricEigen } from "../../src/analysis/eigen.ts";
import { hutchinsonTrace, lanczosSpectrum, spectralDensity, topEigenvalue } from "../../src/analysis/hessian.ts";

/** A random symmetric matrix with a chosen spectrum: Q·diag(λ)·Qᵀ for a random orthogonal Q. */
function withSpectrum(lambda: number[], seed: number) {
  const n = lambda.length,
    rng = new Random(seed);
  const q: Float64Array[] = [];
  while (q.length < n) {
    // Gram–Schmidt on Gaussian vectors
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (const u of q) {
      const c = u.reduce((s, x, i) => s + x * v[i], 0);
      for (let i = 0; i < n; i++) v[i] -= c * u[i];
    }
    const norm = Math.hypot(...v);
    q.push(v.map((x) => x / norm));
  }
  const a = Array.from({ length: n }, (_, i) =>
    Float64Array.from({ length: n }, (_, j) => lambda.reduce((s, l, k) => s + l * q[k][i] * q[k][j], 0)),
  );
  const hv = (v: Float64Array) => Float64Array.from(a, (row) => row.reduce((s, x, j) => s + x * v[j], 0));
  return { a, hv };
}

describe("Hessian analysis from HVPs", () => {
  const lambda = Array.from({ length: 40 }, (_, i) => (i < 5 ? -1 + 0.2 * i : 0.5 + i * 0.25));
  lambda[39] = 30;
  const { a, hv } = withSpectrum(lambda, 1);

  it("Jacobi finds the eigenvalues of a symmetric matrix", () => {
    const values = Array.from(symmetricEigen(a).values).sort((x, y) => x - y);
    values.forEach((v, i) => expect(v).toBeCloseTo([...lambda].sort((x, y) => x - y)[i], 9));
  });

  it("power iteration finds the top eigenvalue", () => {
    const top = topEigenvalue(hv, 40, { tol: 1e-10, iterations: 500 });
    expect(top.value).toBeCloseTo(30, 6);
  });

  it("Hutchinson's trace is unbiased: the truth lies within 4 standard errors", () => {
    const trace = lambda.reduce((s, x) => s + x, 0);
    const est = hutchinsonTrace(hv, 40, { samples: 400, seed: 3 });
    expect(Math.abs(est.value - trace)).toBeLessThan(4 * est.standardError);
    expect(est.standardError).toBeLessThan(0.1 * Math.abs(trace));
  });

  it("SLQ: weights sum to 1, nodes lie in the spectrum's range, the extremes are found, moments match", () => {
    const s = lanczosSpectrum(hv, 40, { steps: 40, probes: 8, seed: 2 });
    expect(s.weights.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 10);
    for (const t of s.nodes) {
      expect(t).toBeGreaterThanOrEqual(-1 - 1e-8);
      expect(t).toBeLessThanOrEqual(30 + 1e-8);
    }
    expect(Math.max(...s.nodes)).toBeCloseTo(30, 6);
    // n·Σ wₖθₖ is an unbiased trace estimate (the SLQ first moment)
    const trace = lambda.reduce((x, y) => x + y, 0);
    const est = 40 * s.nodes.reduce((acc, t, k) => acc + t * s.weights[k], 0);
    expect(Math.abs(est - trace) / trace).toBeLessThan(0.15);
    const { x, density } = spectralDensity(s, { points: 400 });
    const area = density.reduce((acc, d, i) => acc + (i > 0 ? d * (x[i] - x[i - 1]) : 0), 0);
    expect(area).toBeCloseTo(1, 2);
  });
});
