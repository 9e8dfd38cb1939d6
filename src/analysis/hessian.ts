/**
 * Hessian analysis from Hessian-vector products alone: the top eigenvalue (power iteration),
 * the trace (Hutchinson's estimator) and the spectral density (stochastic Lanczos quadrature,
 * Ghorbani, Krishnan & Xiao 2019). `hv` is any v ↦ H·v, for example from tensorObjective.
 */
import { Random } from "../random.ts";
import { symmetricEigen } from "./eigen.ts";
import { dot } from "../optim/second-order/linalg.ts";

export type HessianVectorProduct = (v: Float64Array) => Float64Array;

const rademacher = (n: number, rng: Random) => Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1));

function normalized(v: Float64Array): Float64Array {
  const n = Math.sqrt(dot(v, v));
  return v.map((x) => x / n);
}

/**
 * The eigenvalue of largest magnitude by power iteration, stopped when the Rayleigh quotient
 * changes by less than tol (relative). Returns its eigenvector too.
 */
export function topEigenvalue(hv: HessianVectorProduct, dim: number, { iterations = 100, tol = 1e-4, seed = 0 } = {}) {
  const rng = new Random(seed);
  let v = normalized(Float64Array.from({ length: dim }, () => rng.normal()));
  let value = 0,
    used = 0;
  for (; used < iterations; used++) {
    const w = hv(v);
    const next = dot(v, w);
    v = normalized(w);
    if (used > 0 && Math.abs(next - value) <= tol * Math.abs(next)) {
      value = next;
      used++;
      break;
    }
    value = next;
  }
  return { value, vector: v, iterations: used };
}

/** Hutchinson's estimate tr(H) ≈ mean of zᵀHz over Rademacher z, with its standard error. */
export function hutchinsonTrace(hv: HessianVectorProduct, dim: number, { samples = 50, seed = 0 } = {}) {
  const rng = new Random(seed);
  const draws = Array.from({ length: samples }, () => {
    const z = rademacher(dim, rng);
    return dot(z, hv(z));
  });
  const mean = draws.reduce((s, x) => s + x, 0) / samples;
  const variance = samples > 1 ? draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (samples - 1) : 0;
  return { value: mean, standardError: Math.sqrt(variance / samples), samples };
}

/**
 * Stochastic Lanczos quadrature: for each probe, `steps` Lanczos iterations (with full
 * reorthogonalization) give a tridiagonal T whose eigenvalues θ are quadrature nodes and whose
 * eigenvectors' first components squared are the weights. The nodes and weights of all probes,
 * weights divided by the probe count, approximate the spectral measure (weights sum to 1).
 */
export function lanczosSpectrum(hv: HessianVectorProduct, dim: number, { steps = 30, probes = 4, seed = 0 } = {}) {
  const rng = new Random(seed);
  const nodes: number[] = [],
    weights: number[] = [];
  const m = Math.min(steps, dim);
  for (let probe = 0; probe < probes; probe++) {
    const basis: Float64Array[] = [normalized(rademacher(dim, rng))];
    const alpha: number[] = [],
      beta: number[] = [];
    for (let j = 0; j < m; j++) {
      const w = hv(basis[j]);
      alpha.push(dot(w, basis[j]));
      for (const q of basis) {
        const c = dot(w, q);
        for (let i = 0; i < dim; i++) w[i] -= c * q[i];
      } // full reorthogonalization
      const b = Math.sqrt(dot(w, w));
      if (j === m - 1 || b < 1e-10 * Math.max(1, Math.abs(alpha[j]))) break;
      beta.push(b);
      basis.push(w.map((x) => x / b));
    }
    const k = alpha.length;
    const t = Array.from({ length: k }, (_, i) =>
      Float64Array.from({ length: k }, (_, j) =>
        i === j ? alpha[i] : Math.abs(i - j) === 1 ? beta[Math.min(i, j)] : 0,
      ),
    );
    const { values, vectors } = symmetricEigen(t);
    values.forEach((theta, i) => {
      nodes.push(theta);
      weights.push(vectors[i][0] ** 2 / probes);
    });
  }
  return { nodes: Float64Array.from(nodes), weights: Float64Array.from(weights) };
}

/** The spectral measure smoothed by Gaussians of width sigma, on a grid of `points` values. */
export function spectralDensity(
  spectrum: { nodes: Float64Array; weights: Float64Array },
  { points = 200, sigma, range }: { points?: number; sigma?: number; range?: [number, number] } = {},
) {
  const lo0 = Math.min(...spectrum.nodes),
    hi0 = Math.max(...spectrum.nodes);
  const width = sigma ?? Math.max((hi0 - lo0) / 100, 1e-8);
  const [lo, hi] = range ?? [lo0 - 5 * width, hi0 + 5 * width];
  const x = Float64Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  const density = x.map((xi) => {
    let s = 0;
    spectrum.nodes.forEach((t, k) => {
      s += spectrum.weights[k] * Math.exp(-((xi - t) ** 2) / (2 * width * width));
    });
    return s / (width * Math.sqrt(2 * Math.PI));
  });
  return { x, density };
}
