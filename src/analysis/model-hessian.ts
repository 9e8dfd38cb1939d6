/**
 * A model's loss on a fixed batch as an f64 HVP over its concatenated parameters (no alignment
 * padding), with its layers as parameter groups: what the curvature estimators consume.
 */
import type { Model } from "../nn/model.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { tensorObjective } from "../optim/second-order/objective.ts";
import type { ParameterGroup } from "./curvature.ts";

/** A layer is its parameters' shared prefix: "1.weight" and "1.bias" are layer "1". */
export const layerOf = (name: string) => (name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name);

/** One group per layer, in the packed (padding-free) coordinates. */
export function layerGroups(model: Model): ParameterGroup[] {
  const groups: ParameterGroup[] = [];
  let at = 0;
  for (const p of model.parameters.params) {
    const name = layerOf(p.name),
      last = groups[groups.length - 1];
    if (last && last.name === name && last.offset + last.length === at) last.length += p.size;
    else groups.push({ name, offset: at, length: p.size });
    at += p.size;
  }
  return groups;
}

/** The parameters packed without padding, in f64. */
export function packedParameters(model: Model): Float64Array {
  const w = new Float64Array(model.parameters.count);
  let at = 0;
  for (const p of model.parameters.params) {
    w.set(p.tensor.toArray(), at);
    at += p.size;
  }
  return w;
}

/** A padded region (values, gradients, an optimizer buffer) packed like packedParameters. */
export function packRegion(model: Model, region: ArrayLike<number>): Float64Array {
  const out = new Float64Array(model.parameters.count);
  let at = 0;
  for (const p of model.parameters.params) {
    for (let i = 0; i < p.size; i++) out[at + i] = region[p.offset + i];
    at += p.size;
  }
  return out;
}

/**
 * H·v of `loss` (built from model.forward in evaluation mode) at the model's current parameters.
 * The HVP writes its argument point into the parameters, always the same w, so the model is left as found.
 */
export function modelHessian(model: Model, loss: () => Tensor) {
  const objective = tensorObjective(loss, model.parameters.tensors);
  const w = packedParameters(model);
  return { dim: objective.dim, w, hv: (v: Float64Array) => objective.hvp(w, v), groups: layerGroups(model) };
}
