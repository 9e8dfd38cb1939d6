/**
 * Adadelta (Zeiler 2012): the step's units come from a running average of past squared steps.
 *   g ← g + wd·w;  v ← ρv + (1−ρ)g²;  Δ = √(u + ε)/√(v + ε)·g;  u ← ρu + (1−ρ)Δ²;  w ← w − lr·Δ
 * PyTorch: lr = 1, ρ = 0.9, ε = 1e-6.  The paper has no lr (lr = 1) and uses ρ = 0.95, ε = 1e-6.
 * TF.js (`compat: "tfjs"`): lr = 0.001, ρ = 0.95, ε = 1e-7, and one quirk: its Δ divides by
 * √(v + ε) with the v from *before* this step's update (`denominator: "previous"`), so its first
 * step is exactly lr·g, where the paper's is lr·√ε/√((1−ρ)g² + ε)·g.
 */
import { fused } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { nonNegative, oneOf, positive, unitInterval } from "./validate.ts";

export interface AdadeltaOptions extends BaseOptions {
  rho: number;
  eps: number;
  weightDecay: number;
  /** Which v the step divides by: this step's ("current", Zeiler and PyTorch) or the last one's (TF.js). */
  denominator: "current" | "previous";
}

const family: Family<AdadeltaOptions> = {
  name: "adadelta",
  defaults: { lr: 1, onNonFinite: "throw", rho: 0.9, eps: 1e-6, weightDecay: 0, denominator: "current" },
  validate(o) {
    unitInterval("adadelta", "rho", o.rho);
    positive("adadelta", "eps", o.eps);
    nonNegative("adadelta", "weightDecay", o.weightDecay);
    oneOf("adadelta", "denominator", o.denominator, ["current", "previous"]);
  },
  buffers: () => ["squareAvg", "deltaAvg"],
  apply({ o, lr, w, g, buf, n }) {
    fused.adadelta(
      w,
      g,
      buf.squareAvg,
      buf.deltaAvg,
      n,
      lr,
      o.rho,
      1 - o.rho,
      o.eps,
      o.weightDecay,
      o.denominator === "previous" ? 1 : 0,
    );
  },
};

const tfjs: Partial<AdadeltaOptions> = { lr: 1e-3, rho: 0.95, eps: 1e-7, denominator: "previous" };

export function adadelta(
  options: Partial<AdadeltaOptions> & { compat?: "pytorch" | "tfjs" } = {},
  groups: readonly GroupSpec<AdadeltaOptions>[] = [],
): Optimizer<AdadeltaOptions> {
  const { compat = "pytorch", ...rest } = options;
  oneOf("adadelta", "compat", compat, ["pytorch", "tfjs"]);
  return makeOptimizer(family, { ...(compat === "tfjs" ? tfjs : {}), ...rest }, groups);
}
