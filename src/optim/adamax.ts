/**
 * Adamax (Kingma & Ba 2015, §7.1): Adam with the infinity norm in place of the second moment.
 *   g ← g + wd·w;  m ← β1m + (1−β1)g;  u ← max(β2u, |g| + e1);  w ← w − lr/(1−β1ᵗ)·m/(u + e2)
 * PyTorch: lr = 2e-3, ε = 1e-8 inside the max (e1).  TF.js: ε = 1e-7 in the denominator (e2)
 * (`compat: "tfjs"`; TF.js's extra lr time-decay is a schedule here).
 */
import { fused } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { nonNegative, oneOf, positive, unitInterval } from "./validate.ts";

export interface AdamaxOptions extends BaseOptions {
  beta1: number;
  beta2: number;
  eps: number;
  epsilonPlacement: "max" | "denominator";
  weightDecay: number;
}

const family: Family<AdamaxOptions> = {
  name: "adamax",
  defaults: {
    lr: 2e-3,
    onNonFinite: "throw",
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    epsilonPlacement: "max",
    weightDecay: 0,
  },
  validate(o) {
    unitInterval("adamax", "beta1", o.beta1);
    unitInterval("adamax", "beta2", o.beta2);
    positive("adamax", "eps", o.eps);
    oneOf("adamax", "epsilonPlacement", o.epsilonPlacement, ["max", "denominator"]);
    nonNegative("adamax", "weightDecay", o.weightDecay);
  },
  buffers: () => ["m", "u"],
  apply({ o, lr, t, w, g, buf, n }) {
    const inMax = o.epsilonPlacement === "max";
    fused.adamax(
      w,
      g,
      buf.m,
      buf.u,
      n,
      o.beta1,
      1 - o.beta1,
      o.beta2,
      lr / (1 - o.beta1 ** t),
      inMax ? o.eps : 0,
      inMax ? 0 : o.eps,
      o.weightDecay,
      1,
    );
  },
};

export function adamax(
  options: Partial<AdamaxOptions> & { compat?: "pytorch" | "tfjs" } = {},
  groups: readonly GroupSpec<AdamaxOptions>[] = [],
): Optimizer<AdamaxOptions> {
  const { compat = "pytorch", ...rest } = options;
  oneOf("adamax", "compat", compat, ["pytorch", "tfjs"]);
  return makeOptimizer(
    family,
    { ...(compat === "tfjs" ? { eps: 1e-7, epsilonPlacement: "denominator" as const } : {}), ...rest },
    groups,
  );
}
