/**
 * A faster plane for networks that start with a Linear layer (after parameter-free layers such as
 * Flatten): the first layer's pre-activation is linear in the weights, so over the plane
 *   X·(W₀ + a·D₁ + b·D₂) = X·W₀ + a·(X·D₁) + b·(X·D₂),
 * three products computed once. Each point then costs two scaled additions and the rest of the
 * network, instead of a whole forward pass: for 784-500-10 on 2,000 digits, the first layer is
 * almost all of the work. Same loss as planeLoss to f32 rounding (the sum is reassociated).
 */
import type { Model } from "../nn/model.ts";
import { Sequential } from "../nn/layers/sequential.ts";
import { Linear } from "../nn/layers/dense.ts";
import { tensor, type Tensor } from "../tensor/tensor.ts";
import { scoped } from "../tensor/scope.ts";
import { noGrad } from "../autodiff/grad.ts";
import { f32View } from "../wasm/module.ts";
import { add, mul } from "../autodiff/ops/arith.ts";
import { matmul } from "../autodiff/ops/matmul.ts";
import type { PlaneLoss } from "./network.ts";

/**
 * `loss(output)` over x, on the plane origin + a·d1 + b·d2 (whole parameter regions). Throws unless
 * the model is a Sequential whose first layer with parameters is a Linear. While in use it owns the
 * model's parameters; free() puts them back as they were.
 */
export function factoredPlaneLoss(
  model: Model,
  x: Tensor,
  loss: (output: Tensor) => Tensor,
  origin: Float32Array,
  d1: Float32Array,
  d2: Float32Array,
): PlaneLoss & { free(): void } {
  const params = model.parameters;
  for (const [what, v] of [
    ["origin", origin],
    ["d1", d1],
    ["d2", d2],
  ] as const) {
    if (v.length !== params.values.length)
      throw new RangeError(
        `factoredPlaneLoss: ${what} has ${v.length} values, the model's parameter region ${params.values.length}`,
      );
  }
  const seq = model.layer;
  if (!(seq instanceof Sequential)) throw new TypeError(`factoredPlaneLoss: needs a Sequential model, got ${seq}`);
  const first = seq.layers.findIndex((_, i) => params.params.some((p) => p.name.startsWith(`${i}.`)));
  const linear = seq.layers[first];
  if (!(linear instanceof Linear))
    throw new TypeError(`factoredPlaneLoss: the first layer with parameters must be Linear, got ${linear}`);
  const weight = params.get(`${first}.weight`);
  const bias = params.params.find((p) => p.name === `${first}.bias`);
  const slice = (v: Float32Array) => tensor(v.slice(weight.offset, weight.offset + weight.size), weight.shape);
  const ctx = { training: false };
  const [p0, p1, p2] = scoped(
    () =>
      noGrad(() => {
        let input = x;
        for (let i = 0; i < first; i++) input = seq.layers[i].forward(input, ctx);
        return [origin, d1, d2].map((v) => matmul(input, slice(v)));
      }),
    (ps) => ps,
  );
  // Every parameter but the first layer's weight (almost all of them, and never read again) is
  // written per point, straight into the model's region; the region is restored by free().
  const rest = params.params.filter((p) => p !== weight);
  const saved = params.flat();
  const f = (a: number, b: number) => {
    const region = f32View(params.values.ptr, params.values.length); // afresh: a memory growth detaches old views
    for (const p of rest)
      for (let i = p.offset; i < p.offset + p.size; i++) region[i] = origin[i] + a * d1[i] + b * d2[i];
    return scoped(() =>
      noGrad(() => {
        let y = add(add(p0, mul(p1, a)), mul(p2, b));
        if (bias) y = add(y, bias.tensor);
        for (let i = first + 1; i < seq.layers.length; i++) y = seq.layers[i].forward(y, ctx);
        return loss(y).item();
      }),
    );
  };
  return Object.assign(f, {
    free: () => {
      params.load(saved);
      p0.free();
      p1.free();
      p2.free();
    },
  });
}
