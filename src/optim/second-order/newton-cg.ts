/**
 * Hessian-free Newton–CG (Martens 2010, "Deep learning via Hessian-free optimization"): the
 * step solves (H + λI)p = −∇f approximately by conjugate gradient on HVPs, warm-started from
 * the previous step times 0.95, stopped at a relative residual min(0.5, √‖∇f‖) (Nocedal & Wright
 * §7.1), on negative curvature, or after maxCg iterations. λ follows Martens' Levenberg–Marquardt
 * rule on ρ = actual / predicted reduction of the undamped quadratic model: ρ < ¼ → λ·3/2,
 * ρ > ¾ → λ·2/3. A step that does not lower f is backtracked (×0.5, Armijo c = 1e-4).
 */
import type { Objective } from "./objective.ts";
import { Minimizer, fromList, toList } from "./minimizer.ts";
import { addScaled, dot, norm } from "./linalg.ts";

export interface NewtonCgOptions {
  damping?: number;
  maxCg?: number;
  warmStart?: number;
}

export class NewtonCG extends Minimizer {
  readonly name = "Newton-CG";
  damping: number;
  cgIterations = 0;
  private previous: Float64Array | null = null;
  private readonly maxCg: number;
  private readonly warmStart: number;

  constructor(objective: Objective, w0: ArrayLike<number>, options: NewtonCgOptions = {}) {
    super(objective, w0);
    this.damping = options.damping ?? 1;
    this.maxCg = options.maxCg ?? 50;
    this.warmStart = options.warmStart ?? 0.95;
    if (!(this.damping >= 0) || !Number.isFinite(this.damping))
      throw new RangeError(`NewtonCG: damping must be a finite number ≥ 0, got ${options.damping}`);
    if (!Number.isInteger(this.maxCg) || this.maxCg < 1)
      throw new RangeError(`NewtonCG: maxCg must be an integer ≥ 1, got ${options.maxCg}`);
  }

  /** Truncated CG on (H + λI)p = −g. */
  private solve(w: Float64Array, g: Float64Array): Float64Array {
    const n = g.length,
      lambda = this.damping;
    const A = (v: Float64Array) => addScaled(this.hvp(w, v), lambda, v);
    let p: Float64Array = this.previous ? this.previous.map((x) => x * this.warmStart) : new Float64Array(n);
    let r: Float64Array = addScaled(
      g.map((x) => -x),
      -1,
      A(p),
    ); // r = −g − A p
    let d: Float64Array = r.slice();
    const tol = Math.min(0.5, Math.sqrt(norm(g))) * norm(g);
    for (let k = 0; k < this.maxCg && norm(r) > tol; k++) {
      const Ad = A(d);
      const curvature = dot(d, Ad);
      this.cgIterations++;
      if (curvature <= 0) {
        if (k === 0 && dot(p, g) >= 0) p = g.map((x) => -x);
        break;
      }
      const rr = dot(r, r),
        alpha = rr / curvature;
      p = addScaled(p, alpha, d);
      r = addScaled(r, -alpha, Ad);
      d = addScaled(r, dot(r, r) / rr, d);
    }
    if (dot(p, g) >= 0) p = g.map((x) => -x); // never leave along an ascent direction
    return p;
  }

  protected saveExtra() {
    return {
      damping: this.damping,
      cgIterations: this.cgIterations,
      previous: this.previous ? toList(this.previous) : null,
    };
  }
  protected restoreExtra(e: Record<string, unknown>) {
    this.damping = e.damping as number;
    this.cgIterations = e.cgIterations as number;
    this.previous = e.previous ? fromList(e.previous) : null;
  }

  step(): boolean {
    const { w, value, grad } = this.current;
    const p = this.solve(w, grad);
    const predicted = dot(grad, p) + 0.5 * dot(p, this.hvp(w, p));
    let t = 1;
    for (let tries = 0; tries < 40; tries++, t *= 0.5) {
      const next = addScaled(w, t, p);
      const r = this.evaluate(next);
      if (r.value <= value + 1e-4 * t * dot(grad, p)) {
        if (t === 1 && predicted < 0) {
          const rho = (r.value - value) / predicted;
          if (rho < 0.25) this.damping *= 1.5;
          else if (rho > 0.75) this.damping *= 2 / 3;
        } else this.damping *= 1.5;
        this.previous = p;
        this.current = { w: next, value: r.value, grad: r.grad };
        this.iteration++;
        return true;
      }
    }
    return false;
  }
}
