/**
 * L-BFGS (Liu & Nocedal 1989; Nocedal & Wright Algorithm 7.4/7.5): the inverse Hessian applied
 * by the two-loop recursion over the last m pairs s = Δw, y = Δ∇f, scaled by γ = sᵀy / yᵀy,
 * with a strong-Wolfe line search (c1 = 1e-4, c2 = 0.9). Pairs with sᵀy ≤ 1e-10·‖s‖‖y‖ are skipped.
 */
import type { Objective } from "./objective.ts";
import { Minimizer, fromList, toList } from "./minimizer.ts";
import { strongWolfe } from "./line-search.ts";
import { addScaled, dot, norm } from "./linalg.ts";

export interface LbfgsOptions {
  history?: number;
  c1?: number;
  c2?: number;
}

export class Lbfgs extends Minimizer {
  readonly name = "L-BFGS";
  readonly history: number;
  /** The stored pairs, oldest first. */
  s: Float64Array[] = [];
  y: Float64Array[] = [];

  constructor(
    objective: Objective,
    w0: ArrayLike<number>,
    private readonly options: LbfgsOptions = {},
  ) {
    super(objective, w0);
    this.history = options.history ?? 10;
    if (!Number.isInteger(this.history) || this.history < 1)
      throw new RangeError(`L-BFGS: history must be an integer ≥ 1, got ${options.history}`);
  }

  /** −H·g by the two-loop recursion. */
  direction(g: Float64Array): Float64Array {
    const q = Float64Array.from(g);
    const k = this.s.length;
    const alpha = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      alpha[i] = dot(this.s[i], q) / dot(this.y[i], this.s[i]);
      for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * this.y[i][j];
    }
    const gamma =
      k > 0 ? dot(this.s[k - 1], this.y[k - 1]) / dot(this.y[k - 1], this.y[k - 1]) : 1 / Math.max(norm(g), 1e-300);
    for (let j = 0; j < q.length; j++) q[j] *= gamma;
    for (let i = 0; i < k; i++) {
      const beta = dot(this.y[i], q) / dot(this.y[i], this.s[i]);
      for (let j = 0; j < q.length; j++) q[j] += (alpha[i] - beta) * this.s[i][j];
    }
    for (let j = 0; j < q.length; j++) q[j] = -q[j];
    return q;
  }

  protected saveExtra() {
    return { s: this.s.map(toList), y: this.y.map(toList) };
  }
  protected restoreExtra(e: Record<string, unknown>) {
    this.s = (e.s as number[][]).map(fromList);
    this.y = (e.y as number[][]).map(fromList);
  }

  step(): boolean {
    const { w, value, grad } = this.current;
    let p = this.direction(grad);
    if (dot(p, grad) >= 0) {
      this.s = [];
      this.y = [];
      p = this.direction(grad);
    }
    const ls = strongWolfe(this.objective, w, value, grad, p, { c1: this.options.c1, c2: this.options.c2 ?? 0.9 });
    this.evaluations += ls.evaluations;
    if (!ls.ok || !(ls.value <= value)) return false;
    const s = addScaled(ls.w, -1, w),
      y = addScaled(ls.grad, -1, grad);
    if (dot(s, y) > 1e-10 * norm(s) * norm(y)) {
      this.s.push(s);
      this.y.push(y);
      if (this.s.length > this.history) {
        this.s.shift();
        this.y.shift();
      }
    }
    this.current = { w: ls.w, value: ls.value, grad: ls.grad };
    this.iteration++;
    return true;
  }
}
