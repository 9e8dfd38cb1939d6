/**
 * NAdam (Dozat 2016, "Incorporating Nesterov Momentum into Adam") as PyTorch computes it, with the
 * momentum schedule μ_t = β1·(1 − ½·0.96^(t·ψ)), ψ = momentumDecay = 0.004:
 *   g ← g + wd·w (or decoupled: w ← (1 − lr·λ)w);  m ← β1m + (1−β1)g;  v ← β2v + (1−β2)g²
 *   w ← w − lr·[(1−μ_t)/(1−Π_{i≤t}μ_i)·g + μ_{t+1}/(1−Π_{i≤t+1}μ_i)·m] / (√(v/(1−β2ᵗ)) + ε)
 * The running product Π μ_i is state (`muProduct`, per group), saved with the buffers.
 */
import { fused } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { nonNegative, oneOf, positive, unitInterval } from "./validate.ts";

export interface NadamOptions extends BaseOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupledWeightDecay: boolean;
  momentumDecay: number;
}

/** μ_t, the momentum coefficient NAdam uses at step t. */
export function nadamMu(beta1: number, momentumDecay: number, t: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
}

const family: Family<NadamOptions> = {
  name: "nadam",
  defaults: {
    lr: 2e-3,
    onNonFinite: "throw",
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0,
    decoupledWeightDecay: false,
    momentumDecay: 4e-3,
  },
  validate(o) {
    unitInterval("nadam", "beta1", o.beta1);
    unitInterval("nadam", "beta2", o.beta2);
    positive("nadam", "eps", o.eps);
    nonNegative("nadam", "weightDecay", o.weightDecay);
    oneOf("nadam", "decoupledWeightDecay", o.decoupledWeightDecay, [true, false]);
    nonNegative("nadam", "momentumDecay", o.momentumDecay);
  },
  buffers: () => ["m", "v"],
  apply({ o, lr, t, w, g, buf, n, scalars }) {
    const mu = nadamMu(o.beta1, o.momentumDecay, t),
      muNext = nadamMu(o.beta1, o.momentumDecay, t + 1);
    const product = (scalars.muProduct ?? 1) * mu;
    scalars.muProduct = product;
    const cg = (lr * (1 - mu)) / (1 - product),
      cm = (lr * muNext) / (1 - product * muNext);
    const r = 1 / Math.sqrt(1 - o.beta2 ** t);
    const wd = o.decoupledWeightDecay ? 0 : o.weightDecay,
      decay = o.decoupledWeightDecay ? 1 - lr * o.weightDecay : 1;
    fused.nadam(w, g, buf.m, buf.v, n, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, cg, cm, r, o.eps, wd, decay);
  },
};

export function nadam(
  options: Partial<NadamOptions> = {},
  groups: readonly GroupSpec<NadamOptions>[] = [],
): Optimizer<NadamOptions> {
  return makeOptimizer(family, options, groups);
}
