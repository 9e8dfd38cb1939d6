/**
 * Sophia (Liu, Li, Hall, Liang & Ma 2023, "Sophia: A Scalable Stochastic Second-order Optimizer for
 * Language Model Pre-training", Algorithm 3) with the Hutchinson estimator (their Algorithm 1):
 *   ĥ = u ⊙ (H u),  u ~ N(0, I)                  every k iterations (mean over `samples` draws)
 *   h ← β2·h + (1−β2)·ĥ                          (only at those iterations; h₀ = 0)
 *   m ← β1·m + (1−β1)·∇f
 *   w ← w − η·λ·w                                (decoupled weight decay)
 *   w ← w − η·clip(m / max(γ·h, ε), 1)           clip(z, 1) = max(min(z, 1), −1) elementwise
 * No bias correction, as in the paper: early on h is small, so the step is clipped to ±η (a sign
 * step); a negative or tiny curvature estimate also falls back to it. Near a minimum, where the
 * ratio is unclipped, the step is η/γ·m/h: a diagonal Newton step on the momentum.
 * Defaults are the paper's (β1 0.96, β2 0.99, γ 0.01, ε 1e-12, k 10); weight decay 0 (the paper
 * uses 0.2 for its language models).
 */
import type { Objective } from "./objective.ts";
import { Minimizer, fromList, toList } from "./minimizer.ts";
import { Random } from "../../random.ts";

export interface SophiaOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  gamma?: number;
  eps?: number;
  weightDecay?: number;
  /** Iterations between curvature estimates (the paper's k). */
  every?: number;
  /** Hutchinson draws averaged per estimate. */
  samples?: number;
  seed?: number;
}

/** Hutchinson's estimate of diag(H) at w: the mean of u ⊙ (H u) over `samples` Gaussian u; unbiased. */
export function hutchinsonDiagonal(
  hvp: (v: Float64Array) => Float64Array,
  dim: number,
  samples: number,
  rng: Random,
): Float64Array {
  const out = new Float64Array(dim);
  for (let s = 0; s < samples; s++) {
    const u = Float64Array.from({ length: dim }, () => rng.normal());
    const hu = hvp(u);
    for (let i = 0; i < dim; i++) out[i] += (u[i] * hu[i]) / samples;
  }
  return out;
}

export class Sophia extends Minimizer {
  readonly name = "Sophia";
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly gamma: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly every: number;
  readonly samples: number;
  m: Float64Array;
  /** The EMA of the curvature estimates. */
  h: Float64Array;
  readonly rng: Random;

  constructor(objective: Objective, w0: ArrayLike<number>, o: SophiaOptions = {}) {
    super(objective, w0);
    this.lr = check("lr", o.lr ?? 1e-3, (x) => x > 0, "> 0");
    this.beta1 = check("beta1", o.beta1 ?? 0.96, (x) => x >= 0 && x < 1, "in [0, 1)");
    this.beta2 = check("beta2", o.beta2 ?? 0.99, (x) => x >= 0 && x < 1, "in [0, 1)");
    this.gamma = check("gamma", o.gamma ?? 0.01, (x) => x > 0, "> 0");
    this.eps = check("eps", o.eps ?? 1e-12, (x) => x > 0, "> 0");
    this.weightDecay = check("weightDecay", o.weightDecay ?? 0, (x) => x >= 0, "≥ 0");
    this.every = check("every", o.every ?? 10, (x) => Number.isInteger(x) && x >= 1, "an integer ≥ 1");
    this.samples = check("samples", o.samples ?? 1, (x) => Number.isInteger(x) && x >= 1, "an integer ≥ 1");
    this.rng = new Random(o.seed ?? 0);
    this.m = new Float64Array(objective.dim);
    this.h = new Float64Array(objective.dim);
  }

  protected saveExtra() {
    return { m: toList(this.m), h: toList(this.h), rng: this.rng.getState() };
  }
  protected restoreExtra(e: Record<string, unknown>) {
    this.m = fromList(e.m);
    this.h = fromList(e.h);
    this.rng.setState(e.rng as number[]);
  }

  step(): boolean {
    const { w, grad } = this.current;
    const n = w.length;
    if (this.iteration % this.every === 0) {
      const estimate = hutchinsonDiagonal((v) => this.hvp(w, v), n, this.samples, this.rng);
      for (let i = 0; i < n; i++) this.h[i] = this.beta2 * this.h[i] + (1 - this.beta2) * estimate[i];
    }
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * grad[i];
      const ratio = this.m[i] / Math.max(this.gamma * this.h[i], this.eps);
      next[i] = w[i] - this.lr * this.weightDecay * w[i] - this.lr * Math.max(-1, Math.min(1, ratio));
    }
    const r = this.evaluate(next);
    this.current = { w: next, value: r.value, grad: r.grad };
    this.iteration++;
    return Number.isFinite(r.value);
  }
}

function check(name: string, value: number, ok: (x: number) => boolean, range: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value))
    throw new RangeError(`Sophia: ${name} must be ${range}, got ${value}`);
  return value;
}
