/** Shared test machinery: finite-difference gradient checks of whole layers, and a tiny momentum trainer. */
import { expect } from "vitest";
import * as E from "../../src/index.ts";
import { Random } from "../../src/random.ts";
import { f32View, heap, kernels } from "../../src/wasm/module.ts";
import { Binary } from "../../src/wasm/abi.ts";
import { Model, type ForwardContext, type Layer } from "../../src/nn/index.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";

export const randArray = (rng: Random, n: number, lo = -1, hi = 1) =>
  Float32Array.from({ length: n }, () => rng.range(lo, hi));

/** Values at least `gap` apart from each other and from zero, in random order: no kink of relu or max within a finite-difference step. */
export function spread(rng: Random, n: number, gap = 0.05): Float32Array {
  const p = rng.permutation(n);
  return Float32Array.from(p, (k) => (k - n / 2 + 0.5) * gap);
}

/** Σ out ⊙ w in f64: the scalar whose gradient is checked. */
function weighted(out: Tensor, w: Float32Array): number {
  const o = out.toArray();
  let s = 0;
  for (let i = 0; i < o.length; i++) s += o[i] * w[i];
  return s;
}

export interface GradCheck {
  layer: Layer;
  x: Tensor;
  /** Whether x is differentiable (not ids). */
  inputGrad?: boolean;
  /** A fresh context per evaluation (e.g. a dropout rng reseeded identically). */
  ctx?: () => Partial<ForwardContext>;
  seed?: number;
  /** Coordinates probed per tensor. */
  probes?: number;
  h?: number;
}

/**
 * The engine's gradient of L = Σ forward(x) ⊙ W (W fixed, random) with respect to x and every
 * parameter, against central differences of the engine's own f32 forward (step h, f64 sums).
 */
export function checkLayerGradients(
  label: string,
  { layer, x, inputGrad = true, ctx = () => ({}), seed = 1, probes = 10, h = 1e-2 }: GradCheck,
): Model {
  const rng = new Random(seed);
  const model = new Model(layer, { seed });
  const params = model.parameters.params;
  const outShape = E.scoped(() => E.noGrad(() => model.forward(x, ctx()).shape));
  const w = randArray(
    rng,
    outShape.reduce((a, b) => a * b, 1),
  );
  const wt = E.tensor(w, outShape);
  const wrt = [...(inputGrad ? [x] : []), ...params.map((p) => p.tensor)];
  const { grads } = E.valueAndGrad(() => E.sum(E.mul(model.forward(x, ctx()), wt)), wrt);
  const names = [...(inputGrad ? ["input"] : []), ...params.map((p) => p.name)];
  const loss = () => E.scoped(() => E.noGrad(() => weighted(model.forward(x, ctx()), w)));
  wrt.forEach((t, k) => {
    const g = grads[k].toArray();
    for (let probe = 0; probe < Math.min(probes, t.size); probe++) {
      const i = t.size <= probes ? probe : rng.int(t.size);
      const keep = f32View(t.ptr, t.size)[i];
      f32View(t.ptr, t.size)[i] = keep + h;
      const up = loss();
      f32View(t.ptr, t.size)[i] = keep - h;
      const down = loss();
      f32View(t.ptr, t.size)[i] = keep;
      const fd = (up - down) / (2 * h);
      expect(
        Math.abs(g[i] - fd),
        `${label}: ∂L/∂${names[k]}[${i}] = ${g[i]}, finite difference ${fd}`,
      ).toBeLessThanOrEqual(3e-3 + 2e-2 * Math.abs(fd));
    }
    grads[k].free();
  });
  wt.free();
  return model;
}

/** Gradient descent with heavy-ball momentum over the flat regions: v ← μv + g; θ ← θ − ηv. Returns the losses. */
export function train(model: Model, step: () => number, steps: number, lr: number, momentum = 0.9): number[] {
  const { values, grads } = model.parameters;
  const n = values.length;
  const v = heap.alloc(n * 4);
  kernels.fill(v, 0, n);
  const losses: number[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      losses.push(step());
      kernels.binaryScalar(Binary.Mul, v, v, momentum, n);
      kernels.axpy(v, 1, grads.ptr, n);
      kernels.axpy(values.ptr, -lr, v, n);
    }
  } finally {
    heap.release(v);
  }
  return losses;
}
