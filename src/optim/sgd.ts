/**
 * Stochastic gradient descent, plain and with momentum (Polyak 1964; Nesterov as in Sutskever et al.
 * 2013). Full-batch GD, SGD and mini-batch GD are the same update; they differ only in how many
 * examples the trainer averages into the gradient.
 *
 * Momentum conventions (identical for a constant lr, different once lr is scheduled):
 *   "pytorch":      v ← μv + (1−τ)g;  w ← w − lr·v            (also TF.js, τ = 0; first step v = g)
 *                   Nesterov: w ← w − lr·(g + μv)
 *   "lr-in-buffer": v ← μv + lr·g;    w ← w − v                 (Sutskever et al. 2013)
 *                   Nesterov: w ← w − (lr·g + μv)
 *   "ema":          v ← μv + (1−μ)g;  w ← w − lr·v              (an average, so lr keeps its scale)
 *                   Nesterov: w ← w − lr·((1−μ)g + μv)
 * with g ← g + wd·w first (coupled L2, as PyTorch). PyTorch starts the buffer at v₁ = g whatever the
 * dampening; `firstStepCopiesGradient` reproduces that in every convention (v₁ = g, or lr·g).
 */
import { fused } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { closedUnitInterval, inRange, nonNegative, OPEN_UNIT_INTERVAL, oneOf, unitInterval } from "./validate.ts";

export type MomentumConvention = "pytorch" | "lr-in-buffer" | "ema";

export interface SgdOptions extends BaseOptions {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  convention: MomentumConvention;
  firstStepCopiesGradient: boolean;
  weightDecay: number;
}

const family: Family<SgdOptions> = {
  name: "sgd",
  defaults: {
    lr: 1e-3,
    onNonFinite: "throw",
    momentum: 0,
    dampening: 0,
    nesterov: false,
    convention: "pytorch",
    firstStepCopiesGradient: true,
    weightDecay: 0,
  },
  validate(o) {
    unitInterval("sgd", "momentum", o.momentum);
    closedUnitInterval("sgd", "dampening", o.dampening);
    nonNegative("sgd", "weightDecay", o.weightDecay);
    oneOf("sgd", "convention", o.convention, ["pytorch", "lr-in-buffer", "ema"]);
    oneOf("sgd", "nesterov", o.nesterov, [true, false]);
    oneOf("sgd", "firstStepCopiesGradient", o.firstStepCopiesGradient, [true, false]);
    if (o.nesterov && (!inRange(OPEN_UNIT_INTERVAL, o.momentum) || o.dampening !== 0)) {
      throw new RangeError(
        `sgd: nesterov = true needs momentum in (0, 1) and dampening = 0, got momentum = ${o.momentum}, dampening = ${o.dampening}`,
      );
    }
    if (o.dampening !== 0 && o.convention !== "pytorch") {
      throw new RangeError(
        `sgd: dampening = ${o.dampening} is outside the valid range [0, 0] for convention "${o.convention}" (only "pytorch" has dampening)`,
      );
    }
  },
  buffers: (o) => (o.momentum > 0 ? ["v"] : []),
  apply({ o, lr, t, w, g, buf, n }) {
    if (o.momentum === 0) return fused.sgd(w, g, n, lr, o.weightDecay);
    const mu = o.momentum;
    // v ← μ'v + a·g';  w ← w − (p·g' + q·v)
    let a: number, p: number, q: number;
    if (o.convention === "pytorch") {
      a = 1 - o.dampening;
      p = o.nesterov ? lr : 0;
      q = o.nesterov ? lr * mu : lr;
    } else if (o.convention === "lr-in-buffer") {
      a = lr;
      p = o.nesterov ? lr : 0;
      q = o.nesterov ? mu : 1;
    } else {
      a = 1 - mu;
      p = o.nesterov ? lr * (1 - mu) : 0;
      q = o.nesterov ? lr * mu : lr;
    }
    const first = t === 1 && o.firstStepCopiesGradient;
    if (first) a = o.convention === "lr-in-buffer" ? lr : 1;
    fused.sgdMomentum(w, g, buf.v, n, first ? 0 : mu, a, p, q, o.weightDecay);
  },
};

export function sgd(
  options: Partial<SgdOptions> = {},
  groups: readonly GroupSpec<SgdOptions>[] = [],
): Optimizer<SgdOptions> {
  return makeOptimizer(family, options, groups);
}
