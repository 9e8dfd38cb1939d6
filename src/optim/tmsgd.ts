/**
 * TM-SGD, Taylor multi-step SGD: the next iterate extrapolated from the last three,
 *   W_{k+1} = 1.5·W_k − W_{k−1} + 0.5·W_{k−2} − lr·∇L(W_k)          (k ≥ switchStep)
 * and plain SGD, W_{k+1} = W_k − lr·∇L(W_k), before the switch (k < switchStep; k counts updates
 * from 0). The coefficients sum to 1 and the multistep part's characteristic polynomial
 * z³ − 1.5z² + z − 0.5 = (z − 1)(z² − 0.5z + 0.5) has its other roots at |z| = 1/√2, so the
 * recursion is zero-stable.
 *
 * History: the buffers h1 = W_{k−1}, h2 = W_{k−2} are filled at the first update with W_0 (both
 * slots), then shift on every update, plain-SGD ones included; so at the switch they hold the real
 * previous iterates (or W_0 where there were none yet). Switching at step 0 gives
 * W_1 = 1.5W_0 − W_0 + 0.5W_0 − lr·g = W_0 − lr·g: the first step is plain SGD either way.
 * An epoch switch is switchStep = epochs × updates per epoch.
 *
 * TM-SGD-M (momentum > 0), our definition: the multistep driven by a heavy-ball buffer instead of
 * the raw gradient,  v ← μv + g (v₀ = 0);  W_{k+1} = 1.5W_k − W_{k−1} + 0.5W_{k−2} − lr·v,
 * which before the switch is exactly PyTorch's SGD with momentum μ (dampening 0).
 * Both take coupled weight decay g ← g + wd·W_k.
 */
import { f32View } from "../wasm/module.ts";
import { fused } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { count, nonNegative, unitInterval } from "./validate.ts";

export interface TmsgdOptions extends BaseOptions {
  switchStep: number;
  momentum: number;
  weightDecay: number;
}

/** The multistep coefficients (a, b, c) on (W_k, W_{k−1}, W_{k−2}). */
export const TAYLOR = [1.5, -1, 0.5] as const;
const PLAIN = [1, 0, 0] as const;

const family: Family<TmsgdOptions> = {
  name: "tmsgd",
  defaults: { lr: 1e-2, onNonFinite: "throw", switchStep: 0, momentum: 0, weightDecay: 0 },
  validate(o) {
    count("tmsgd", "switchStep", o.switchStep);
    unitInterval("tmsgd", "momentum", o.momentum);
    nonNegative("tmsgd", "weightDecay", o.weightDecay);
  },
  buffers: (o) => (o.momentum > 0 ? ["v", "h1", "h2"] : ["h1", "h2"]),
  apply({ o, lr, t, w, g, buf, n }) {
    if (t === 1) {
      const w0 = f32View(w, n);
      f32View(buf.h1, n).set(w0);
      f32View(buf.h2, n).set(w0);
    }
    const [a, b, c] = t - 1 >= o.switchStep ? TAYLOR : PLAIN;
    if (o.momentum > 0) fused.tmsgdMomentum(w, g, buf.v, buf.h1, buf.h2, n, a, b, c, lr, o.momentum, o.weightDecay);
    else fused.tmsgd(w, g, buf.h1, buf.h2, n, a, b, c, lr, o.weightDecay);
  },
};

export function tmsgd(
  options: Partial<TmsgdOptions> = {},
  groups: readonly GroupSpec<TmsgdOptions>[] = [],
): Optimizer<TmsgdOptions> {
  return makeOptimizer(family, options, groups);
}
