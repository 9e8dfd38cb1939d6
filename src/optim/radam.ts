/**
 * RAdam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond") as PyTorch
 * computes it. With ρ∞ = 2/(1−β2) − 1 and ρ_t = ρ∞ − 2tβ2ᵗ/(1−β2ᵗ):
 *   m, v as Adam;  if ρ_t > 5: w ← w − lr·rect_t·m̂·√(1−β2ᵗ)/(√v + ε),
 *                               rect_t = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t))
 *                  else:        w ← w − lr·m̂            (SGD with bias-corrected momentum)
 * It runs on Adam's kernel: the rectified step is s = lr·rect·√(1−β2ᵗ)/(1−β1ᵗ), r = 1, e = ε and
 * the early step is r = 0, e = 1 (the denominator is exactly 1).
 */
import { fused } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { nonNegative, oneOf, positive, unitInterval } from "./validate.ts";

export interface RadamOptions extends BaseOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupledWeightDecay: boolean;
}

/** The rectification factor at step t, or 0 while the variance of the adaptive lr is intractable (ρ_t ≤ 5). */
export function radamRectification(beta2: number, t: number): number {
  const rhoInf = 2 / (1 - beta2) - 1;
  const rhoT = rhoInf - (2 * t * beta2 ** t) / (1 - beta2 ** t);
  if (!(rhoT > 5)) return 0;
  return Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
}

const family: Family<RadamOptions> = {
  name: "radam",
  defaults: {
    lr: 1e-3,
    onNonFinite: "throw",
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0,
    decoupledWeightDecay: false,
  },
  validate(o) {
    unitInterval("radam", "beta1", o.beta1);
    unitInterval("radam", "beta2", o.beta2);
    positive("radam", "eps", o.eps);
    nonNegative("radam", "weightDecay", o.weightDecay);
    oneOf("radam", "decoupledWeightDecay", o.decoupledWeightDecay, [true, false]);
  },
  buffers: () => ["m", "v"],
  apply({ o, lr, t, w, g, buf, n }) {
    const bc1 = 1 - o.beta1 ** t,
      bc2 = 1 - o.beta2 ** t;
    const rect = radamRectification(o.beta2, t);
    const wd = o.decoupledWeightDecay ? 0 : o.weightDecay,
      decay = o.decoupledWeightDecay ? 1 - lr * o.weightDecay : 1;
    if (rect > 0)
      fused.adam(
        w,
        g,
        buf.m,
        buf.v,
        n,
        o.beta1,
        1 - o.beta1,
        o.beta2,
        1 - o.beta2,
        (lr * rect * Math.sqrt(bc2)) / bc1,
        1,
        o.eps,
        wd,
        decay,
      );
    else fused.adam(w, g, buf.m, buf.v, n, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, lr / bc1, 0, 1, wd, decay);
  },
};

export function radam(
  options: Partial<RadamOptions> = {},
  groups: readonly GroupSpec<RadamOptions>[] = [],
): Optimizer<RadamOptions> {
  return makeOptimizer(family, options, groups);
}
