/**
 * Constrained problems whose solutions, multipliers included, are known in closed form: the
 * oracles of the convex study and its tests.
 */
import type { KktPoint, QuadraticProgram } from "./qp.ts";

const identity = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(n);
    r[i] = 1;
    return r;
  });
const minusIdentity = (n: number) => identity(n).map((r) => r.map((v) => -v));

export interface KnownProblem {
  name: string;
  program: QuadraticProgram;
  solution: KktPoint;
  feasibleStart: Float64Array;
}

/**
 * Projection of a onto the hyperplane Σx = 1: minimize ½‖x − a‖² s.t. 1ᵀx = 1. Stationarity
 * x − a + ν1 = 0 and the constraint give ν = (1ᵀa − 1)/n, x = a − ν1.
 */
export function hyperplaneProjection(a: readonly number[]): KnownProblem {
  const n = a.length,
    nu = (a.reduce((s, v) => s + v, 0) - 1) / n;
  return {
    name: `projection onto Σx = 1 (n = ${n}; equalities only)`,
    program: {
      q: identity(n),
      c: Float64Array.from(a, (v) => -v),
      a: [new Float64Array(n).fill(1)],
      b: Float64Array.of(1),
    },
    solution: { x: Float64Array.from(a, (v) => v - nu), nu: Float64Array.of(nu), lambda: new Float64Array(0) },
    feasibleStart: new Float64Array(n).fill(1 / n),
  };
}

/**
 * Projection of a onto the probability simplex: minimize ½‖x − a‖² s.t. 1ᵀx = 1, x ≥ 0 (as −x ≤ 0).
 * KKT: x − a + ν1 − λ = 0, so xᵢ = max(aᵢ − τ, 0) with ν = τ chosen so Σx = 1 (found from the
 * sorted a: the largest k with a₍ₖ₎ > (Σ_{j≤k} a₍ⱼ₎ − 1)/k), and λᵢ = max(0, τ − aᵢ).
 */
export function simplexProjection(a: readonly number[]): KnownProblem {
  const n = a.length;
  const sorted = [...a].sort((u, v) => v - u);
  let tau = 0,
    sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += sorted[k - 1];
    const t = (sum - 1) / k;
    if (sorted[k - 1] > t) tau = t;
  }
  return {
    name: `projection onto the simplex (n = ${n})`,
    program: {
      q: identity(n),
      c: Float64Array.from(a, (v) => -v),
      a: [new Float64Array(n).fill(1)],
      b: Float64Array.of(1),
      g: minusIdentity(n),
      h: new Float64Array(n),
    },
    solution: {
      x: Float64Array.from(a, (v) => Math.max(v - tau, 0)),
      nu: Float64Array.of(tau),
      lambda: Float64Array.from(a, (v) => Math.max(0, tau - v)),
    },
    feasibleStart: new Float64Array(n).fill(1 / n),
  };
}

/**
 * minimize (x₁ − 1)² + (x₂ − 2.5)² s.t. −x₁ + 2x₂ ≤ 2, x₁ + 2x₂ ≤ 6, x₁ − 2x₂ ≤ 2, x ≥ 0
 * (Nocedal & Wright, Example 16.4). The unconstrained minimum (1, 2.5) violates the first
 * constraint; projecting it onto −x₁ + 2x₂ = 2 gives x* = (1.4, 1.7), and stationarity
 * 2(x* − (1, 2.5)) + λ₁(−1, 2) = 0 gives λ₁ = 0.8; the other constraints are inactive (λ = 0).
 * In the form ½xᵀQx + cᵀx the constant 7.25 is dropped.
 */
export function textbookExample(): KnownProblem {
  const rows = [
    [-1, 2],
    [1, 2],
    [1, -2],
    [-1, 0],
    [0, -1],
  ].map((r) => Float64Array.from(r));
  return {
    name: "Nocedal & Wright Example 16.4 (n = 2, five inequalities)",
    program: {
      q: [Float64Array.of(2, 0), Float64Array.of(0, 2)],
      c: Float64Array.of(-2, -5),
      g: rows,
      h: Float64Array.of(2, 6, 2, 0, 0),
    },
    solution: { x: Float64Array.of(1.4, 1.7), nu: new Float64Array(0), lambda: Float64Array.of(0.8, 0, 0, 0, 0) },
    feasibleStart: Float64Array.of(2, 0),
  };
}
