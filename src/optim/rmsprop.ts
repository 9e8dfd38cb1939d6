/**
 * RMSProp (Tieleman & Hinton 2012, lecture 6e); centered form from Graves 2013.
 *   g ← g + wd·w;  v ← αv + (1−α)g²;  centered: ā ← αā + (1−α)g, v̄ = v − ā², else v̄ = v
 *   d = g / (√(v̄ + e1) + e2)
 *   no momentum: w ← w − lr·d
 *   momentum:    b ← μb + c·d;  w ← w − k·b
 * PyTorch: α = 0.99, ε = 1e-8 outside the root (e2), lr applied after the buffer (c = 1, k = lr).
 * TF.js (and Keras, whose ε is "ε̂" inside the root): α = 0.9, ε = 1e-7 inside (e1), lr inside the
 * buffer (c = lr, k = 1): `compat: "tfjs"`. With a constant lr the two momentum forms coincide.
 * TF.js quirk, reproduced by `compat: "tfjs"` with `centered: true`: its centered denominator is
 * √(v − (ā² + ε)), ε subtracted (`epsilonPlacement: "subtracted"`), NaN wherever v − ā² < ε
 * (on its first step, wherever |g| < √(ε/(α(1−α))), about 1e-3 at its defaults).
 */
import { fused } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { nonNegative, oneOf, positive, unitInterval } from "./validate.ts";
import type { EpsilonPlacement } from "./adagrad.ts";

export interface RmspropOptions extends BaseOptions {
  alpha: number;
  eps: number;
  epsilonPlacement: EpsilonPlacement | "subtracted";
  momentum: number;
  centered: boolean;
  lrInMomentum: boolean;
  weightDecay: number;
}

const pytorch: RmspropOptions = {
  lr: 1e-2,
  onNonFinite: "throw",
  alpha: 0.99,
  eps: 1e-8,
  epsilonPlacement: "outside",
  momentum: 0,
  centered: false,
  lrInMomentum: false,
  weightDecay: 0,
};
const tfjs: Partial<RmspropOptions> = { alpha: 0.9, eps: 1e-7, epsilonPlacement: "inside", lrInMomentum: true };

const family: Family<RmspropOptions> = {
  name: "rmsprop",
  defaults: pytorch,
  validate(o) {
    unitInterval("rmsprop", "alpha", o.alpha);
    positive("rmsprop", "eps", o.eps);
    oneOf("rmsprop", "epsilonPlacement", o.epsilonPlacement, ["outside", "inside", "subtracted"]);
    unitInterval("rmsprop", "momentum", o.momentum);
    oneOf("rmsprop", "centered", o.centered, [true, false]);
    oneOf("rmsprop", "lrInMomentum", o.lrInMomentum, [true, false]);
    nonNegative("rmsprop", "weightDecay", o.weightDecay);
  },
  buffers: (o) => ["v", ...(o.centered ? ["meanGrad"] : []), ...(o.momentum > 0 ? ["momentum"] : [])],
  apply({ o, lr, w, g, buf, n }) {
    const place = o.epsilonPlacement;
    const e1 = place === "inside" ? o.eps : place === "subtracted" ? -o.eps : 0,
      e2 = place === "outside" ? o.eps : 0,
      wd = o.weightDecay;
    const c = o.lrInMomentum ? lr : 1,
      k = o.lrInMomentum ? 1 : lr;
    if (o.momentum > 0) {
      if (o.centered)
        fused.rmspropCenteredMomentum(
          w,
          g,
          buf.v,
          buf.meanGrad,
          buf.momentum,
          n,
          o.alpha,
          1 - o.alpha,
          e1,
          e2,
          wd,
          o.momentum,
          c,
          k,
        );
      else fused.rmspropMomentum(w, g, buf.v, buf.momentum, n, o.alpha, 1 - o.alpha, e1, e2, wd, o.momentum, c, k);
    } else if (o.centered) fused.rmspropCentered(w, g, buf.v, buf.meanGrad, n, lr, o.alpha, 1 - o.alpha, e1, e2, wd);
    else fused.rmsprop(w, g, buf.v, n, lr, o.alpha, 1 - o.alpha, e1, e2, wd);
  },
};

export function rmsprop(
  options: Partial<RmspropOptions> & { compat?: "pytorch" | "tfjs" } = {},
  groups: readonly GroupSpec<RmspropOptions>[] = [],
): Optimizer<RmspropOptions> {
  const { compat = "pytorch", ...rest } = options;
  oneOf("rmsprop", "compat", compat, ["pytorch", "tfjs"]);
  const preset =
    compat === "tfjs"
      ? { ...tfjs, epsilonPlacement: rest.centered ? ("subtracted" as const) : ("inside" as const) }
      : {};
  return makeOptimizer(family, { ...preset, ...rest }, groups);
}
