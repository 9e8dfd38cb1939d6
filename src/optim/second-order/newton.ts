/**
 * Damped Newton's method (Levenberg–Marquardt damping) for small problems: H is formed column
 * by column from n Hessian-vector products, symmetrized, and (H + λI)p = −∇f is solved exactly
 * by Cholesky, with λ = μ·‖∇f‖ (Yamashita & Fukushima 2001: damping proportional to the gradient
 * keeps Newton's quadratic convergence near a strict minimum). A step that lowers f is taken and
 * μ shrinks tenfold (to 0 below 1e-12); otherwise, or when H + λI is not positive definite,
 * μ grows tenfold (from at least 1e-6) and the solve is retried.
 */
import type { Objective } from "./objective.ts";
import { Minimizer } from "./minimizer.ts";
import { addScaled, choleskySolve, norm } from "./linalg.ts";

export interface NewtonOptions {
  damping?: number;
  maxRetries?: number;
}

export class Newton extends Minimizer {
  readonly name = "Newton";
  /** The Levenberg–Marquardt factor μ: the damping is λ = μ·‖∇f‖. */
  damping: number;
  private readonly maxRetries: number;

  constructor(objective: Objective, w0: ArrayLike<number>, options: NewtonOptions = {}) {
    super(objective, w0);
    this.damping = options.damping ?? 0;
    this.maxRetries = options.maxRetries ?? 30;
    if (!(this.damping >= 0) || !Number.isFinite(this.damping))
      throw new RangeError(`Newton: damping must be a finite number ≥ 0, got ${options.damping}`);
  }

  /** The Hessian at w, from n HVPs with the unit vectors. */
  hessian(w: Float64Array): Float64Array[] {
    const n = w.length;
    const cols = Array.from({ length: n }, (_, j) => {
      const e = new Float64Array(n);
      e[j] = 1;
      return this.hvp(w, e);
    });
    return Array.from({ length: n }, (_, i) =>
      Float64Array.from({ length: n }, (_, j) => (cols[j][i] + cols[i][j]) / 2),
    );
  }

  protected saveExtra() {
    return { damping: this.damping };
  }
  protected restoreExtra(e: Record<string, unknown>) {
    this.damping = e.damping as number;
  }

  step(): boolean {
    const { w, value, grad } = this.current;
    const h = this.hessian(w);
    const minusG = grad.map((x) => -x);
    for (let retry = 0; retry <= this.maxRetries; retry++) {
      const p = choleskySolve(h, this.damping * norm(grad), minusG);
      if (p) {
        const next = addScaled(w, 1, p);
        const r = this.evaluate(next);
        if (r.value < value || (r.value === value && retry > 0)) {
          this.current = { w: next, value: r.value, grad: r.grad };
          this.damping = this.damping / 10 < 1e-12 ? 0 : this.damping / 10;
          this.iteration++;
          return true;
        }
      }
      this.damping = Math.max(1e-6, this.damping * 10);
    }
    return false;
  }
}
