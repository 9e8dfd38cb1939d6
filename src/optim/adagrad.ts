/**
 * AdaGrad (Duchi, Hazan & Singer 2011): per-coordinate steps scaled by the root of the summed
 * squared gradients.   g ← g + wd·w;  s ← s + g²;  w ← w − lr_t·g / (√(s + e1) + e2),
 * lr_t = lr / (1 + (t−1)·lrDecay) (PyTorch's lr_decay).
 * Library differences: PyTorch ε = 1e-10 outside the root, accumulator starts at 0;
 * TF.js ε = 1e-7 inside the root, accumulator starts at 0.1 (`compat: "tfjs"`).
 */
import { fused } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { nonNegative, oneOf, positive } from "./validate.ts";

export type EpsilonPlacement = "outside" | "inside";

export interface AdagradOptions extends BaseOptions {
  eps: number;
  epsilonPlacement: EpsilonPlacement;
  initialAccumulator: number;
  lrDecay: number;
  weightDecay: number;
}

const pytorch: AdagradOptions = {
  lr: 1e-2,
  onNonFinite: "throw",
  eps: 1e-10,
  epsilonPlacement: "outside",
  initialAccumulator: 0,
  lrDecay: 0,
  weightDecay: 0,
};
const tfjs: Partial<AdagradOptions> = { eps: 1e-7, epsilonPlacement: "inside", initialAccumulator: 0.1 };

const family: Family<AdagradOptions> = {
  name: "adagrad",
  defaults: pytorch,
  validate(o) {
    positive("adagrad", "eps", o.eps);
    oneOf("adagrad", "epsilonPlacement", o.epsilonPlacement, ["outside", "inside"]);
    nonNegative("adagrad", "initialAccumulator", o.initialAccumulator);
    nonNegative("adagrad", "lrDecay", o.lrDecay);
    nonNegative("adagrad", "weightDecay", o.weightDecay);
  },
  buffers: () => ["sum"],
  initialValue: (_name, o) => o.initialAccumulator,
  apply({ o, lr, t, w, g, buf, n }) {
    const inside = o.epsilonPlacement === "inside";
    fused.adagrad(
      w,
      g,
      buf.sum,
      n,
      lr / (1 + (t - 1) * o.lrDecay),
      inside ? o.eps : 0,
      inside ? 0 : o.eps,
      o.weightDecay,
    );
  },
};

export function adagrad(
  options: Partial<AdagradOptions> & { compat?: "pytorch" | "tfjs" } = {},
  groups: readonly GroupSpec<AdagradOptions>[] = [],
): Optimizer<AdagradOptions> {
  const { compat = "pytorch", ...rest } = options;
  oneOf("adagrad", "compat", compat, ["pytorch", "tfjs"]);
  return makeOptimizer(family, { ...(compat === "tfjs" ? tfjs : {}), ...rest }, groups);
}
