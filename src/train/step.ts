/**
 * One step of fit: loss and gradients on a batch, optional clipping, the optimizer update, and the
 * checks that stop a diverging run and say where it went non-finite.
 */
import type { Model } from "../nn/model.ts";
import { NonFiniteGradientError, type BaseOptions, type Optimizer } from "../optim/optimizer.ts";
import type { OptimState } from "../optim/state.ts";
import { clipByGlobalNorm } from "../optim/clip.ts";
import type { Random } from "../random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { kernels, f32View } from "../wasm/module.ts";
import type { Batch } from "./batches.ts";
import type { LossFn } from "./metrics.ts";
import type { Divergence } from "./records.ts";

export interface StepSetup {
  model: Model;
  loss: LossFn;
  optimizer: Optimizer<BaseOptions>;
  rng: Random;
  adjacency?: Tensor;
  l1?: number;
  l2?: number;
  clipNorm?: number;
}

/** Why a step ended the run: a non-finite value (and where), or an optimizer that stopped on one. */
export interface Halt {
  stoppedBy: "diverged" | "optimizer-stopped";
  diverged: Divergence | null;
}

/** The batch's loss, with the parameters updated; or why the run must end, the parameters as the optimizer left them. */
export function trainStep(
  setup: StepSetup,
  state: OptimState,
  batch: Batch,
  at: { epoch: number; step: number },
): number | Halt {
  const { model, optimizer } = setup;
  const params = model.parameters;
  const value = model.lossAndGrad(batch.x, batch.y, setup.loss, {
    rng: setup.rng,
    adjacency: setup.adjacency,
    l1: setup.l1,
    l2: setup.l2,
  });
  const divergedAt = (where: Divergence["where"], region: number): Divergence => ({
    ...at,
    where,
    ...firstNonFinite(model, region),
  });
  if (!Number.isFinite(value)) return { stoppedBy: "diverged", diverged: { ...at, where: "loss", value } };
  if (setup.clipNorm !== undefined) clipByGlobalNorm([params.grads], setup.clipNorm);
  let result;
  try {
    result = optimizer.update(params.values, params.grads, state);
  } catch (err) {
    if (err instanceof NonFiniteGradientError)
      return { stoppedBy: "diverged", diverged: divergedAt("gradient", params.grads.ptr) };
    throw err;
  }
  if (result === "stopped") {
    // onNonFinite "stop": say where, as for "throw" (a state stopped earlier, by a resumed run, has nothing to point at).
    const gradientsFinite = kernels.allFinite(params.grads.ptr, params.grads.length);
    return {
      stoppedBy: "optimizer-stopped",
      diverged: gradientsFinite ? null : divergedAt("gradient", params.grads.ptr),
    };
  }
  if (!kernels.allFinite(params.values.ptr, params.values.length))
    return { stoppedBy: "diverged", diverged: divergedAt("parameters", params.values.ptr) };
  return value;
}

/** The first NaN or ±Inf in a region laid out as the model's parameters (values or gradients): only read on the way out. */
function firstNonFinite(model: Model, region: number): Pick<Divergence, "parameter" | "index" | "value"> {
  for (const p of model.parameters.params) {
    const data = f32View(region + p.offset * 4, p.size);
    for (let i = 0; i < data.length; i++)
      if (!Number.isFinite(data[i])) return { parameter: p.name, index: i, value: data[i] };
  }
  return {};
}
