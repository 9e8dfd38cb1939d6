/**
 * Adam (Kingma & Ba 2015), AdamW (Loshchilov & Hutter 2019) and AMSGrad (Reddi, Kale & Kumar 2018).
 *   g ← g + wd·w                       (Adam: coupled L2)
 *   m ← β1m + (1−β1)g;  v ← β2v + (1−β2)g²
 *   w ← (1 − lr·λ)·w − s·m/(√v̂·r + ε)   (AdamW: decoupled decay λ; Adam: λ = 0)
 * with s = lr/(1−β1ᵗ), r = 1/√(1−β2ᵗ): the bias-corrected m̂/(√v̂ + ε). `epsilonHat` moves ε onto the
 * uncorrected v as Keras does (s = lr·√(1−β2ᵗ)/(1−β1ᵗ), r = 1), Kingma & Ba's "ε̂" remark in §2.
 * AMSGrad replaces v by a running maximum, in one of three forms:
 *   "reddi"     the paper: v̂ ← max(v̂, v), no bias correction at all (s = lr, r = 1)
 *   "pytorch"   v̂ ← max(v̂, v) on raw v, then corrected as Adam (PyTorch's amsgrad=True)
 *   "corrected" v̂ ← max(v̂, v/(1−β2ᵗ)), the maximum of the corrected second moment
 * `amsgrad: true` is the default form, "pytorch". ε: PyTorch 1e-8, TF.js and Keras 1e-7 (`compat`).
 * TF.js quirk, reproduced by `compat: "tfjs"` (`betaPowers: "f32-product"`): it keeps β1ᵗ and β2ᵗ as
 * running products in f32 tensors, so its bias corrections drift from the exact ones (by 1.4e-5
 * relative in 1 − β2ᵗ after 200 steps at β2 = 0.999); we carry the same products as per-group scalars.
 */
import { fused } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { nonNegative, oneOf, positive, unitInterval } from "./validate.ts";

export type AmsgradForm = "reddi" | "pytorch" | "corrected";

export interface AdamOptions extends BaseOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupledWeightDecay: boolean;
  amsgrad: false | AmsgradForm;
  epsilonHat: boolean;
  /** β1ᵗ, β2ᵗ: exact powers, or TF.js's running products rounded to f32 at every step. */
  betaPowers: "exact" | "f32-product";
}

export type AdamCompat = "pytorch" | "tfjs" | "keras";
const compats: Record<AdamCompat, Partial<AdamOptions>> = {
  pytorch: {},
  tfjs: { eps: 1e-7, betaPowers: "f32-product" },
  keras: { eps: 1e-7, epsilonHat: true },
};

function makeFamily(name: string, defaults: AdamOptions): Family<AdamOptions> {
  return {
    name,
    defaults,
    validate(o) {
      unitInterval(name, "beta1", o.beta1);
      unitInterval(name, "beta2", o.beta2);
      positive(name, "eps", o.eps);
      nonNegative(name, "weightDecay", o.weightDecay);
      oneOf(name, "decoupledWeightDecay", o.decoupledWeightDecay, [true, false]);
      oneOf(name, "amsgrad", o.amsgrad, [false, "reddi", "pytorch", "corrected"]);
      oneOf(name, "epsilonHat", o.epsilonHat, [true, false]);
      oneOf(name, "betaPowers", o.betaPowers, ["exact", "f32-product"]);
      if (o.epsilonHat && (o.amsgrad === "reddi" || o.amsgrad === "corrected")) {
        throw new RangeError(
          `${name}: epsilonHat = true is outside the valid range for amsgrad = "${o.amsgrad}" (only with amsgrad false or "pytorch")`,
        );
      }
    },
    buffers: (o) => (o.amsgrad ? ["m", "v", "vmax"] : ["m", "v"]),
    apply({ o, lr, t, w, g, buf, n, scalars }) {
      const [p1, p2] = o.betaPowers === "exact" ? [o.beta1 ** t, o.beta2 ** t] : f32Powers(o, scalars);
      const bc1 = 1 - p1,
        bc2 = 1 - p2;
      const wd = o.decoupledWeightDecay ? 0 : o.weightDecay;
      const decay = o.decoupledWeightDecay ? 1 - lr * o.weightDecay : 1;
      let s = lr / bc1,
        r = 1 / Math.sqrt(bc2),
        k = 1;
      if (o.epsilonHat) {
        s = (lr * Math.sqrt(bc2)) / bc1;
        r = 1;
      }
      if (o.amsgrad === "reddi") {
        s = lr;
        r = 1;
      }
      if (o.amsgrad === "corrected") {
        k = 1 / bc2;
        r = 1;
      }
      if (o.amsgrad)
        fused.amsgrad(
          w,
          g,
          buf.m,
          buf.v,
          buf.vmax,
          n,
          o.beta1,
          1 - o.beta1,
          o.beta2,
          1 - o.beta2,
          k,
          s,
          r,
          o.eps,
          wd,
          decay,
        );
      else fused.adam(w, g, buf.m, buf.v, n, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, s, r, o.eps, wd, decay);
    },
  };
}

// TF.js's β powers: f32(β) at step 1, then multiplied by f32(β) and rounded at every step.
function f32Powers(o: AdamOptions, scalars: Record<string, number>): [number, number] {
  const f = Math.fround;
  scalars.beta1Power = scalars.beta1Power === undefined ? f(o.beta1) : f(scalars.beta1Power * f(o.beta1));
  scalars.beta2Power = scalars.beta2Power === undefined ? f(o.beta2) : f(scalars.beta2Power * f(o.beta2));
  return [scalars.beta1Power, scalars.beta2Power];
}

const base: AdamOptions = {
  lr: 1e-3,
  onNonFinite: "throw",
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decoupledWeightDecay: false,
  amsgrad: false,
  epsilonHat: false,
  betaPowers: "exact",
};
const adamFamily = makeFamily("adam", base);
const adamwFamily = makeFamily("adamw", { ...base, weightDecay: 1e-2, decoupledWeightDecay: true });

type WithCompat<O, C> = Partial<O> & { compat?: C };
type AdamInput = Omit<WithCompat<AdamOptions, AdamCompat>, "amsgrad"> & { amsgrad?: AdamOptions["amsgrad"] | true };

// `amsgrad: true` names the default form; anything else is checked by validate.
function withCompat(name: string, options: AdamInput): Partial<AdamOptions> {
  const { compat = "pytorch", amsgrad, ...rest } = options;
  oneOf(name, "compat", compat, ["pytorch", "tfjs", "keras"]);
  return {
    ...compats[compat],
    ...rest,
    ...(amsgrad === undefined ? {} : { amsgrad: amsgrad === true ? "pytorch" : amsgrad }),
  };
}

export function adam(options: AdamInput = {}, groups: readonly GroupSpec<AdamOptions>[] = []): Optimizer<AdamOptions> {
  return makeOptimizer(adamFamily, withCompat("adam", options), groups);
}

/** AdamW: weight decay 0.01 applied to the weights, not the gradient (PyTorch's defaults). */
export function adamw(options: AdamInput = {}, groups: readonly GroupSpec<AdamOptions>[] = []): Optimizer<AdamOptions> {
  return makeOptimizer(adamwFamily, withCompat("adamw", options), groups);
}

/** AMSGrad: Adam with `amsgrad` set, PyTorch's form unless another is named. */
export function amsgrad(
  options: AdamInput = {},
  groups: readonly GroupSpec<AdamOptions>[] = [],
): Optimizer<AdamOptions> {
  return adam({ amsgrad: "pytorch", ...options }, groups);
}
