/**
 * The numerical analysis behind TM-SGD: gradient descent with step h is forward Euler on the
 * gradient flow dW/dt = −∇L(W); TM-SGD is the explicit three-step scheme
 *   W_{k+1} = a₀W_k + a₁W_{k−1} + a₂W_{k−2} − h∇L(W_k),   (a₀, a₁, a₂) = (1.5, −1, 0.5).
 * Written as a linear multistep method Σ αᵢ y_{k−2+i} = h Σ βᵢ f_{k−2+i} (i = 0..3) it has
 * α = (−a₂, −a₁, −a₀, 1), β = (0, 0, 1, 0), and its error constants are
 *   C_q = Σ αᵢ i^q / q! − Σ βᵢ i^{q−1} / (q−1)!   (Hairer, Nørsett & Wanner I, §III.2).
 * The order p is the largest q with C_0 = … = C_p = 0; the local truncation error (one step from
 * exact history) is C_{p+1} h^{p+1} y^{(p+1)} + O(h^{p+2}). Everything here is plain f64.
 */
import { Random } from "../random.ts";

export type Coefficients = readonly [number, number, number];
export const EULER: Coefficients = [1, 0, 0];
export const TAYLOR_MULTISTEP: Coefficients = [1.5, -1, 0.5];

/** α (on y_{k−2}, y_{k−1}, y_k, y_{k+1}) and β of the scheme in the standard form. */
function standardForm(a: Coefficients) {
  return { alpha: [-a[2], -a[1], -a[0], 1], beta: [0, 0, 1, 0] };
}

const factorial = (q: number): number => (q <= 1 ? 1 : q * factorial(q - 1));

/** C_0 … C_maxQ of the scheme. */
export function errorConstants(a: Coefficients, maxQ = 4): number[] {
  const { alpha, beta } = standardForm(a);
  const out: number[] = [];
  for (let q = 0; q <= maxQ; q++) {
    let c = 0;
    for (let i = 0; i < 4; i++) {
      c += (alpha[i] * i ** q) / factorial(q);
      if (q >= 1) c -= (beta[i] * i ** (q - 1)) / factorial(q - 1);
    }
    out.push(c);
  }
  return out;
}

/** The order p (first non-zero constant is C_{p+1}) and that leading constant. */
export function order(a: Coefficients): { order: number; leadingConstant: number } {
  const c = errorConstants(a, 6);
  const q = c.findIndex((x) => Math.abs(x) > 1e-12);
  if (q <= 0) return { order: q < 0 ? Infinity : -1, leadingConstant: q < 0 ? 0 : c[0] };
  return { order: q - 1, leadingConstant: c[q] };
}

/** Roots of z³ + b z² + c z + d (Durand–Kerner; enough for the cubics here), as [re, im] pairs. */
export function cubicRoots(b: number, c: number, d: number): [number, number][] {
  let roots: [number, number][] = [
    [0.4, 0.9],
    [-0.65, 0.72],
    [0.1, -0.98],
  ];
  const mul = (p: [number, number], q: [number, number]): [number, number] => [
    p[0] * q[0] - p[1] * q[1],
    p[0] * q[1] + p[1] * q[0],
  ];
  const evalAt = (z: [number, number]): [number, number] => {
    let v: [number, number] = [1, 0];
    v = [v[0] * z[0] - v[1] * z[1] + b, v[0] * z[1] + v[1] * z[0]];
    v = mul(v, z);
    v[0] += c;
    v = mul(v, z);
    v[0] += d;
    return v;
  };
  for (let iter = 0; iter < 500; iter++) {
    let moved = 0;
    roots = roots.map((z, i) => {
      let den: [number, number] = [1, 0];
      roots.forEach((w, j) => {
        if (j !== i) den = mul(den, [z[0] - w[0], z[1] - w[1]]);
      });
      const num = evalAt(z),
        m = den[0] ** 2 + den[1] ** 2;
      const step: [number, number] = [(num[0] * den[0] + num[1] * den[1]) / m, (num[1] * den[0] - num[0] * den[1]) / m];
      moved = Math.max(moved, Math.hypot(step[0], step[1]));
      return [z[0] - step[0], z[1] - step[1]];
    });
    if (moved < 1e-15) break;
  }
  return roots;
}

/**
 * Roots of the stability polynomial on the test problem y' = −λy with x = hλ:
 * z³ − (a₀ − x)z² − a₁z − a₂ (x = 0: the characteristic polynomial ρ).
 */
export function stabilityRoots(a: Coefficients, x: number): [number, number][] {
  return cubicRoots(-(a[0] - x), -a[1], -a[2]);
}

export const spectralRadius = (roots: [number, number][]) => Math.max(...roots.map(([re, im]) => Math.hypot(re, im)));

/**
 * The largest x* such that every root has modulus < 1 for all x = hλ in (0, x*): the real
 * interval of absolute stability, i.e. on a quadratic, lr·λ_max < x* keeps the iteration bounded.
 * Found by scanning then bisection.
 */
export function stabilityLimit(a: Coefficients): number {
  const stable = (x: number) => spectralRadius(stabilityRoots(a, x)) < 1 - 1e-12;
  let lo = 1e-6,
    hi = lo;
  while (stable(hi) && hi < 100) {
    lo = hi;
    hi += 0.01;
  }
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (stable(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A symmetric positive definite A = Q diag(λ) Qᵀ with a seeded random orthogonal Q; exact flow e^{−At}W₀. */
export class QuadraticFlow {
  readonly q: Float64Array[];
  readonly coords: Float64Array;

  constructor(
    readonly eigenvalues: readonly number[],
    readonly w0: Float64Array,
    seed: number,
  ) {
    const d = eigenvalues.length;
    if (w0.length !== d) throw new RangeError(`QuadraticFlow: W₀ has ${w0.length} values, expected ${d}`);
    const rng = new Random(seed);
    // Gram–Schmidt on Gaussian columns gives an orthogonal Q (columns q[j]).
    this.q = [];
    for (let j = 0; j < d; j++) {
      const v = Float64Array.from({ length: d }, () => rng.normal());
      for (const u of this.q) {
        const c = dotf(v, u);
        for (let i = 0; i < d; i++) v[i] -= c * u[i];
      }
      const n = Math.sqrt(dotf(v, v));
      this.q.push(v.map((x) => x / n));
    }
    this.coords = Float64Array.from(this.q, (u) => dotf(u, w0));
  }

  /** ∇L(W) = AW. */
  gradient(w: Float64Array): Float64Array {
    const out = new Float64Array(w.length);
    this.q.forEach((u, j) => {
      const c = this.eigenvalues[j] * dotf(u, w);
      for (let i = 0; i < w.length; i++) out[i] += c * u[i];
    });
    return out;
  }

  /** W(t) = Q e^{−Λt} Qᵀ W₀ (any real t: negative t gives the history before the start). */
  exact(t: number): Float64Array {
    const out = new Float64Array(this.w0.length);
    this.q.forEach((u, j) => {
      const c = Math.exp(-this.eigenvalues[j] * t) * this.coords[j];
      for (let i = 0; i < out.length; i++) out[i] += c * u[i];
    });
    return out;
  }
}

function dotf(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
const distance = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
};

/** One step of the scheme from (W_k, W_{k−1}, W_{k−2}). */
export function multistep(
  flow: QuadraticFlow,
  a: Coefficients,
  h: number,
  wk: Float64Array,
  wk1: Float64Array,
  wk2: Float64Array,
): Float64Array {
  const g = flow.gradient(wk);
  return wk.map((x, i) => a[0] * x + a[1] * wk1[i] + a[2] * wk2[i] - h * g[i]);
}

/** ‖one step from the exact history at t − h ending at t + h‖ − the exact W(t + h)‖: the local truncation error. */
export function localError(flow: QuadraticFlow, a: Coefficients, h: number, t: number): number {
  return distance(multistep(flow, a, h, flow.exact(t), flow.exact(t - h), flow.exact(t - 2 * h)), flow.exact(t + h));
}

/**
 * ‖W_N − W(T)‖ after N = T/h steps. `start`: "exact" seeds W_{−1}, W_{−2} with the exact flow
 * backwards; "optimizer" seeds both with W₀, as the tmsgd optimizer does at its first update.
 */
export function globalError(
  flow: QuadraticFlow,
  a: Coefficients,
  h: number,
  horizon: number,
  start: "exact" | "optimizer",
): number {
  const steps = Math.round(horizon / h);
  let w2: Float64Array = start === "exact" ? flow.exact(-2 * h) : flow.w0.slice();
  let w1: Float64Array = start === "exact" ? flow.exact(-h) : flow.w0.slice();
  let w: Float64Array = flow.w0.slice();
  for (let k = 0; k < steps; k++) {
    const next = multistep(flow, a, h, w, w1, w2);
    w2 = w1;
    w1 = w;
    w = next;
  }
  return distance(w, flow.exact(steps * h));
}

/** Least-squares slope of log(err) against log(h): the measured order of the error. */
export function logLogSlope(hs: readonly number[], errors: readonly number[]): number {
  const x = hs.map(Math.log),
    y = errors.map(Math.log),
    n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n,
    my = y.reduce((s, v) => s + v, 0) / n;
  let num = 0,
    den = 0;
  for (let i = 0; i < n; i++) {
    num += (x[i] - mx) * (y[i] - my);
    den += (x[i] - mx) ** 2;
  }
  return num / den;
}
