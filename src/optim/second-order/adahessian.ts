/**
 * AdaHessian (Yao et al. 2021, "ADAHESSIAN: An Adaptive Second Order Optimizer for Machine
 * Learning") — the survey's hybrid of gradient, momentum, adaptive learning rate and second-order
 * information:
 *   D  = z ⊙ (H z), z Rademacher            (Hutchinson's estimate of diag(H); mean over `samples` draws)
 *   m ← β1·m + (1−β1)·∇f                    (momentum on the gradient)
 *   v ← β2·v + (1−β2)·D²                    (momentum on the curvature)
 *   w ← w − η · (m/(1−β1ᵗ)) / ((v/(1−β2ᵗ))^(k/2) + ε) − η·λ·w
 * with Hessian power k (1 = the paper's default) and decoupled weight decay λ. The paper's
 * spatial averaging of D over convolution kernels is not applied (block size 1).
 */
import type { Objective } from "./objective.ts";
import { Minimizer, fromList, toList } from "./minimizer.ts";
import { Random } from "../../random.ts";

export interface AdaHessianOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  hessianPower?: number;
  weightDecay?: number;
  samples?: number;
  seed?: number;
}

export class AdaHessian extends Minimizer {
  readonly name = "AdaHessian";
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly hessianPower: number;
  readonly weightDecay: number;
  readonly samples: number;
  m: Float64Array;
  v: Float64Array;
  /** The last Hutchinson estimate of diag(H). */
  diagonal: Float64Array;
  readonly rng: Random;

  constructor(objective: Objective, w0: ArrayLike<number>, o: AdaHessianOptions = {}) {
    super(objective, w0);
    this.lr = check("lr", o.lr ?? 0.15, (x) => x > 0, "> 0");
    this.beta1 = check("beta1", o.beta1 ?? 0.9, (x) => x >= 0 && x < 1, "in [0, 1)");
    this.beta2 = check("beta2", o.beta2 ?? 0.999, (x) => x >= 0 && x < 1, "in [0, 1)");
    this.eps = check("eps", o.eps ?? 1e-4, (x) => x > 0, "> 0");
    this.hessianPower = check("hessianPower", o.hessianPower ?? 1, (x) => x >= 0 && x <= 1, "in [0, 1]");
    this.weightDecay = check("weightDecay", o.weightDecay ?? 0, (x) => x >= 0, "≥ 0");
    this.samples = check("samples", o.samples ?? 1, (x) => Number.isInteger(x) && x >= 1, "an integer ≥ 1");
    this.rng = new Random(o.seed ?? 0);
    this.m = new Float64Array(objective.dim);
    this.v = new Float64Array(objective.dim);
    this.diagonal = new Float64Array(objective.dim);
  }

  protected saveExtra() {
    return { m: toList(this.m), v: toList(this.v), diagonal: toList(this.diagonal), rng: this.rng.getState() };
  }
  protected restoreExtra(e: Record<string, unknown>) {
    this.m = fromList(e.m);
    this.v = fromList(e.v);
    this.diagonal = fromList(e.diagonal);
    this.rng.setState(e.rng as number[]);
  }

  step(): boolean {
    const { w, grad } = this.current;
    const n = w.length;
    this.diagonal.fill(0);
    for (let s = 0; s < this.samples; s++) {
      const z = Float64Array.from({ length: n }, () => (this.rng.uniform() < 0.5 ? -1 : 1));
      const hz = this.hvp(w, z);
      for (let i = 0; i < n; i++) this.diagonal[i] += (z[i] * hz[i]) / this.samples;
    }
    const t = this.iteration + 1;
    const c1 = 1 - this.beta1 ** t,
      c2 = 1 - this.beta2 ** t;
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * grad[i];
      this.v[i] = this.beta2 * this.v[i] + (1 - this.beta2) * this.diagonal[i] ** 2;
      const denom = (this.v[i] / c2) ** (this.hessianPower / 2) + this.eps;
      next[i] = w[i] - this.lr * (this.m[i] / c1 / denom + this.weightDecay * w[i]);
    }
    const r = this.evaluate(next);
    this.current = { w: next, value: r.value, grad: r.grad };
    this.iteration++;
    return Number.isFinite(r.value);
  }
}

function check(name: string, value: number, ok: (x: number) => boolean, range: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value))
    throw new RangeError(`AdaHessian: ${name} must be ${range}, got ${value}`);
  return value;
}
