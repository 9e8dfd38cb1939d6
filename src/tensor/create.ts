/** Tensor factories: constants and seeded random fills. */
import { kernels, f32View } from "../wasm/module.ts";
import type { Random } from "../random.ts";
import { empty, type Tensor } from "./tensor.ts";
import type { Shape } from "./shape.ts";

export function full(shape: Shape, value: number): Tensor {
  const t = empty(shape, "full");
  if (t.size > 0) kernels.fill(t.ptr, value, t.size);
  return t;
}

export const zeros = (shape: Shape) => full(shape, 0);
export const ones = (shape: Shape) => full(shape, 1);
export const zerosLike = (t: Tensor) => full(t.shape, 0);

/** A data copy with no autodiff history. */
export function copyOf(t: Tensor): Tensor {
  const out = empty(t.shape, "copy");
  if (t.size > 0) kernels.copy2d(out.ptr, t.size, t.ptr, t.size, 1, t.size, 0);
  return out;
}

/** Normal samples with the given mean and standard deviation, from the seeded generator. */
export function randn(shape: Shape, rng: Random, std = 1, mean = 0): Tensor {
  const t = empty(shape, "randn");
  const data = new Float32Array(t.size);
  for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.normal();
  f32View(t.ptr, t.size).set(data);
  return t;
}

/** Uniform samples in [lo, hi), from the seeded generator. */
export function uniform(shape: Shape, rng: Random, lo = 0, hi = 1): Tensor {
  const t = empty(shape, "uniform");
  const data = new Float32Array(t.size);
  for (let i = 0; i < data.length; i++) data[i] = rng.range(lo, hi);
  f32View(t.ptr, t.size).set(data);
  return t;
}
