/**
 * Optimizers written as chains of transformations (transforms.ts): the fused optimizers' equations
 * recomposed from primitives, each the oracle of the other (test/optim/composed.test.ts holds them
 * to the same trajectories within f32 rounding), and ADOPT, which has no fused kernel.
 * Options carry the fused optimizers' names and defaults.
 */
import { composed } from "./chain-optimizer.ts";
import type { BaseOptions } from "./optimizer.ts";
import {
  addWeightDecay,
  biasCorrection,
  chain,
  clip,
  decoupledWeightDecay,
  divideByRoot,
  ema,
  emaSquare,
  maxAccumulator,
  scaleByLearningRate,
  sign,
  trace,
  type Transformation,
} from "./transforms.ts";
import { oneOf } from "./validate.ts";

const lr = scaleByLearningRate;

export interface SgdChainOptions extends BaseOptions {
  momentum: number;
  nesterov: boolean;
  /** "pytorch": v ← μv + g, w ← w − lr·v;  "lr-in-buffer" (Sutskever et al. 2013, TF): v ← μv + lr·g, w ← w − v. */
  convention: "pytorch" | "lr-in-buffer";
  weightDecay: number;
}

/** SGD with momentum: chain(addWeightDecay, trace, scaleByLearningRate), or lr before the trace. */
export const sgdChain = composed<SgdChainOptions>(
  "sgd-chain",
  { lr: 1e-3, onNonFinite: "throw", momentum: 0, nesterov: false, convention: "pytorch", weightDecay: 0 },
  (o) => {
    oneOf("sgd-chain", "convention", o.convention, ["pytorch", "lr-in-buffer"]);
    if (o.momentum === 0) return chain(addWeightDecay(o.weightDecay), lr());
    const momentum = trace(o.momentum, { nesterov: o.nesterov });
    return o.convention === "pytorch"
      ? chain(addWeightDecay(o.weightDecay), momentum, lr())
      : chain(addWeightDecay(o.weightDecay), lr(), momentum);
  },
);

export interface RmspropChainOptions extends BaseOptions {
  alpha: number;
  eps: number;
  epsilonPlacement: "outside" | "inside";
  momentum: number;
  lrInMomentum: boolean;
  weightDecay: number;
}

/** RMSProp: chain(addWeightDecay, emaSquare(α), divideByRoot, [trace], scaleByLearningRate). */
export const rmspropChain = composed<RmspropChainOptions>(
  "rmsprop-chain",
  {
    lr: 1e-2,
    onNonFinite: "throw",
    alpha: 0.99,
    eps: 1e-8,
    epsilonPlacement: "outside",
    momentum: 0,
    lrInMomentum: false,
    weightDecay: 0,
  },
  (o) => {
    const steps: Transformation[] = [
      addWeightDecay(o.weightDecay),
      emaSquare(o.alpha),
      divideByRoot({ eps: o.eps, epsilon: o.epsilonPlacement }),
    ];
    if (o.momentum === 0) return chain(...steps, lr());
    return chain(...steps, ...(o.lrInMomentum ? [lr(), trace(o.momentum)] : [trace(o.momentum), lr()]));
  },
);

export interface AdamChainOptions extends BaseOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupledWeightDecay: boolean;
  /** AMSGrad as PyTorch: the maximum of the raw v, then corrected as Adam. */
  amsgrad: boolean;
}

const adamRecipe = (o: AdamChainOptions): Transformation =>
  chain(
    addWeightDecay(o.decoupledWeightDecay ? 0 : o.weightDecay),
    emaSquare(o.beta2),
    ...(o.amsgrad ? [maxAccumulator()] : []),
    ema(o.beta1),
    biasCorrection(o.beta1),
    divideByRoot({ of: o.amsgrad ? "vmax" : "v", eps: o.eps, biasCorrection: o.beta2 }),
    decoupledWeightDecay(o.decoupledWeightDecay ? o.weightDecay : 0),
    lr(),
  );
const adamDefaults: AdamChainOptions = {
  lr: 1e-3,
  onNonFinite: "throw",
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decoupledWeightDecay: false,
  amsgrad: false,
};

/** Adam (Kingma & Ba 2015): chain(emaSquare, ema, biasCorrection, divideByRoot, scaleByLearningRate). */
export const adamChain = composed<AdamChainOptions>("adam-chain", adamDefaults, adamRecipe);
/** AdamW: Adam with decoupledWeightDecay before the learning rate. */
export const adamwChain = composed<AdamChainOptions>(
  "adamw-chain",
  { ...adamDefaults, weightDecay: 1e-2, decoupledWeightDecay: true },
  adamRecipe,
);
/** AMSGrad (PyTorch's form): Adam dividing by the maxAccumulator of v. */
export const amsgradChain = composed<AdamChainOptions>("amsgrad-chain", { ...adamDefaults, amsgrad: true }, adamRecipe);

export interface LionChainOptions extends BaseOptions {
  beta1: number;
  beta2: number;
  weightDecay: number;
}

/** Lion (Chen et al. 2023): chain(ema(β2, { lookAhead: β1 }), sign, decoupledWeightDecay, scaleByLearningRate). */
export const lionChain = composed<LionChainOptions>(
  "lion-chain",
  { lr: 1e-4, onNonFinite: "throw", beta1: 0.9, beta2: 0.99, weightDecay: 0 },
  (o) => chain(ema(o.beta2, { lookAhead: o.beta1 }), sign(), decoupledWeightDecay(o.weightDecay), lr()),
);

export interface AdoptOptions extends BaseOptions {
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled, as the authors' default (applied from the first step on; theirs skips step 1). */
  weightDecay: number;
}

/**
 * ADOPT (Taniguchi et al. 2024, "ADOPT: Modified Adam Can Converge with Any β2 with the Optimal
 * Rate", Algorithm 2 with the clipping of the updated arXiv version):
 *   v₀ = g₀²;  m_t = β1·m_{t−1} + (1−β1)·clip(g_t / max(√v_{t−1}, ε), t^¼);  θ_t = θ_{t−1} − α·m_t;
 *   v_t = β2·v_{t−1} + (1−β2)·g_t².
 * The gradient is normalized by the second moment of the *previous* steps, then averaged: so v is
 * updated last, from the gradient as received. Our first update is the paper's t = 0: it only sets
 * v = g² (the clip at 0^¼ = 0 holds the parameters still), so update k + 1 is the paper's step k.
 */
export const adopt = composed<AdoptOptions>(
  "adopt",
  { lr: 1e-3, onNonFinite: "throw", beta1: 0.9, beta2: 0.9999, eps: 1e-6, weightDecay: 0 },
  (o) =>
    chain(
      divideByRoot({ eps: o.eps, epsilon: "floor" }),
      clip((step) => step ** 0.25),
      ema(o.beta1),
      decoupledWeightDecay(o.weightDecay),
      lr(),
      emaSquare(o.beta2, { input: "gradient", firstStep: "copy" }),
    ),
);
