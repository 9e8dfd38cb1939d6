/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"): a sign step on an
 * interpolation of momentum and gradient, with a slower momentum kept for the next step.
 *   c = β1m + (1−β1)g;  w ← w − lr·(sign(c) + λw);  m ← β2m + (1−β2)g
 * Defaults from the paper: lr = 1e-4, β1 = 0.9, β2 = 0.99, λ = 0 (decoupled). Every coordinate
 * moves by exactly lr per step (sign(0) = 0), so its precision is bounded by its step size.
 */
import { fused } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { nonNegative, unitInterval } from "./validate.ts";

export interface LionOptions extends BaseOptions {
  beta1: number;
  beta2: number;
  weightDecay: number;
}

const family: Family<LionOptions> = {
  name: "lion",
  defaults: { lr: 1e-4, onNonFinite: "throw", beta1: 0.9, beta2: 0.99, weightDecay: 0 },
  validate(o) {
    unitInterval("lion", "beta1", o.beta1);
    unitInterval("lion", "beta2", o.beta2);
    nonNegative("lion", "weightDecay", o.weightDecay);
  },
  buffers: () => ["m"],
  apply({ o, lr, w, g, buf, n }) {
    fused.lion(w, g, buf.m, n, lr, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, 1 - lr * o.weightDecay);
  },
};

export function lion(
  options: Partial<LionOptions> = {},
  groups: readonly GroupSpec<LionOptions>[] = [],
): Optimizer<LionOptions> {
  return makeOptimizer(family, options, groups);
}
