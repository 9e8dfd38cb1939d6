/**
 * Linear and logistic regression as f64 problems with known structure: the data, the closed-form
 * least-squares solution, and the ridge-regularized logistic loss as an Objective (value, gradient,
 * Hessian-vector product) for the second-order methods.
 */
import { Random } from "../random.ts";
import type { Objective } from "../optim/second-order/objective.ts";
import { dot, solve, zerosMatrix, type Matrix } from "./dense.ts";

export interface RegressionProblem {
  x: Matrix;
  y: Float64Array;
  n: number;
  d: number;
}

/**
 * n rows of d features, feature j scaled by κ^(−j/(2(d−1))), so XᵀX/n has eigenvalues spread
 * over about a factor κ; targets from a random linear model plus Gaussian noise (linear) or
 * drawn as ±1 labels with P(+1) = σ(xᵀw) (logistic).
 */
export function makeProblem({
  n,
  d,
  condition,
  noise = 0.1,
  kind,
  seed,
}: {
  n: number;
  d: number;
  condition: number;
  noise?: number;
  kind: "linear" | "logistic";
  seed: number;
}): RegressionProblem & { wTrue: Float64Array } {
  const rng = new Random(seed);
  const scale = Array.from({ length: d }, (_, j) => condition ** (-j / (2 * Math.max(1, d - 1))));
  const wTrue = Float64Array.from({ length: d }, () => rng.normal());
  const x = Array.from({ length: n }, () => Float64Array.from(scale, (s) => s * rng.normal()));
  const y = Float64Array.from(x, (row) => {
    const z = dot(row, wTrue);
    return kind === "linear" ? z + noise * rng.normal() : rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : -1;
  });
  return { x, y, n, d, wTrue };
}

/** XᵀX/n: the Hessian of the mean squared loss ½‖Xw − y‖²/n. */
export function gram(p: RegressionProblem): Matrix {
  const g = zerosMatrix(p.d, p.d);
  for (const row of p.x) for (let i = 0; i < p.d; i++) for (let j = 0; j < p.d; j++) g[i][j] += (row[i] * row[j]) / p.n;
  return g;
}

/** The least-squares solution ŵ = (XᵀX)⁻¹Xᵀy, from the normal equations. */
export function leastSquares(p: RegressionProblem): Float64Array {
  const rhs = new Float64Array(p.d);
  p.x.forEach((row, r) => {
    for (let j = 0; j < p.d; j++) rhs[j] += (row[j] * p.y[r]) / p.n;
  });
  return solve(gram(p), rhs);
}

/** f(w) = ½‖Xw − y‖²/n and its gradient Xᵀ(Xw − y)/n. */
export function squaredLoss(p: RegressionProblem, w: Float64Array): { value: number; grad: Float64Array } {
  const grad = new Float64Array(p.d);
  let value = 0;
  p.x.forEach((row, r) => {
    const e = dot(row, w) - p.y[r];
    value += (0.5 * e * e) / p.n;
    for (let j = 0; j < p.d; j++) grad[j] += (e * row[j]) / p.n;
  });
  return { value, grad };
}

const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * f(w) = (1/n) Σ log(1 + exp(−yᵢxᵢᵀw)) + (ridge/2)‖w‖², labels ±1: convex, and ridge-strongly
 * convex. ∇f = −(1/n) Σ σ(−yᵢzᵢ) yᵢxᵢ + ridge·w; ∇²f·v = (1/n) Σ σ(zᵢ)(1 − σ(zᵢ)) xᵢ(xᵢᵀv) + ridge·v.
 */
export function logisticObjective(p: RegressionProblem, ridge: number): Required<Objective> {
  return {
    dim: p.d,
    valueAndGrad(w) {
      const grad = Float64Array.from(w, (v) => ridge * v);
      let value = 0.5 * ridge * dot(w, w);
      p.x.forEach((row, r) => {
        const m = p.y[r] * dot(row, w);
        value += softplus(-m) / p.n;
        const c = (-sigmoid(-m) * p.y[r]) / p.n;
        for (let j = 0; j < p.d; j++) grad[j] += c * row[j];
      });
      return { value, grad };
    },
    hvp(w, v) {
      const out = Float64Array.from(v, (u) => ridge * u);
      p.x.forEach((row) => {
        const s = sigmoid(dot(row, w));
        const c = (s * (1 - s) * dot(row, v)) / p.n;
        for (let j = 0; j < p.d; j++) out[j] += c * row[j];
      });
      return out;
    },
  };
}
