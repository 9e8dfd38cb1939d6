/**
 * A line search satisfying the strong Wolfe conditions (Nocedal & Wright, Numerical Optimization,
 * 2nd ed., Algorithms 3.5 and 3.6): sufficient decrease f(w+αp) ≤ f(w) + c1·α·∇fᵀp and curvature
 * |∇f(w+αp)ᵀp| ≤ c2·|∇fᵀp|. Trial steps inside the bracket come from cubic interpolation.
 */
import type { Objective } from "./objective.ts";
import { addScaled, dot } from "./linalg.ts";

export interface WolfeOptions {
  c1?: number;
  c2?: number;
  maxEvaluations?: number;
  initialStep?: number;
}
export interface LineSearchResult {
  step: number;
  w: Float64Array;
  value: number;
  grad: Float64Array;
  evaluations: number;
  ok: boolean;
}

export function strongWolfe(
  obj: Objective,
  w: Float64Array,
  value: number,
  grad: Float64Array,
  p: Float64Array,
  opts: WolfeOptions = {},
): LineSearchResult {
  const { c1 = 1e-4, c2 = 0.9, maxEvaluations = 25, initialStep = 1 } = opts;
  const slope0 = dot(grad, p);
  let evaluations = 0;
  const at = (alpha: number) => {
    evaluations++;
    const x = addScaled(w, alpha, p);
    const r = obj.valueAndGrad(x);
    return { alpha, w: x, value: r.value, grad: r.grad, slope: dot(r.grad, p) };
  };
  type Point = ReturnType<typeof at>;
  const done = (q: Point, ok = true): LineSearchResult => ({
    step: q.alpha,
    w: q.w,
    value: q.value,
    grad: q.grad,
    evaluations,
    ok,
  });
  const start: Point = { alpha: 0, w, value, grad, slope: slope0 };

  const zoom = (lo: Point, hi: Point): LineSearchResult => {
    while (evaluations < maxEvaluations) {
      const alpha = cubicMinimizer(lo, hi);
      const q = at(alpha);
      if (q.value > value + c1 * alpha * slope0 || q.value >= lo.value) hi = q;
      else {
        if (Math.abs(q.slope) <= -c2 * slope0) return done(q);
        if (q.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = q;
      }
      if (Math.abs(hi.alpha - lo.alpha) < 1e-16 * Math.max(1, lo.alpha)) break;
    }
    return done(lo, lo.alpha > 0);
  };

  let prev = start;
  let alpha = initialStep;
  while (evaluations < maxEvaluations) {
    const q = at(alpha);
    if (
      !Number.isFinite(q.value) ||
      q.value > value + c1 * alpha * slope0 ||
      (evaluations > 1 && q.value >= prev.value)
    )
      return zoom(prev, q);
    if (Math.abs(q.slope) <= -c2 * slope0) return done(q);
    if (q.slope >= 0) return zoom(q, prev);
    prev = q;
    alpha *= 2;
  }
  return done(prev, prev.alpha > 0);
}

/** The minimizer of the cubic through two points with slopes, kept well inside the bracket. */
function cubicMinimizer(
  a: { alpha: number; value: number; slope: number },
  b: { alpha: number; value: number; slope: number },
): number {
  const lo = Math.min(a.alpha, b.alpha),
    hi = Math.max(a.alpha, b.alpha);
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.alpha - b.alpha);
  const disc = d1 * d1 - a.slope * b.slope;
  let x = NaN;
  if (disc >= 0 && Number.isFinite(disc)) {
    const d2 = Math.sign(b.alpha - a.alpha) * Math.sqrt(disc);
    x = b.alpha - ((b.alpha - a.alpha) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
  }
  const margin = 0.1 * (hi - lo);
  return Number.isFinite(x) && x > lo + margin && x < hi - margin ? x : (lo + hi) / 2;
}
