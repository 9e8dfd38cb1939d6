/**
 * Batch modes, as the survey names them: full-batch gradient descent (one batch of all n rows),
 * stochastic gradient descent (batches of one) and mini-batch gradient descent (batches of b).
 * The optimizer's update is the same in every mode; only what is averaged into the gradient changes.
 */
import type { Dataset } from "../data/dataset.ts";
import { featureSize, targetSize } from "../data/dataset.ts";
import { tensor, type Tensor } from "../tensor/tensor.ts";

export type BatchMode = "full" | "stochastic" | number;

/** The batch size a mode gives on n rows; throws naming the value when it is not usable. */
export function batchSizeOf(mode: BatchMode, n: number): number {
  if (mode === "full") return n;
  if (mode === "stochastic") return 1;
  if (!Number.isInteger(mode) || mode < 1)
    throw new RangeError(`batch size must be an integer ≥ 1, "full" or "stochastic", got ${String(mode)}`);
  return mode;
}

export const stepsPerEpoch = (n: number, batchSize: number) => Math.ceil(n / batchSize);

/** The rows of `order` from start to end, as an input tensor [b, ...featureShape] and targets. */
export interface Batch {
  x: Tensor;
  y: Int32Array | Tensor;
  size: number;
  free(): void;
}

export function makeBatch(ds: Dataset, order: ArrayLike<number>, start: number, end: number): Batch {
  const f = featureSize(ds),
    t = targetSize(ds),
    size = end - start;
  const xs = new Float32Array(size * f);
  for (let i = 0; i < size; i++) {
    const r = order[start + i];
    xs.set(ds.x.subarray(r * f, (r + 1) * f), i * f);
  }
  const x = tensor(xs, [size, ...ds.featureShape]);
  let y: Int32Array | Tensor;
  if (ds.y instanceof Int32Array) {
    const labels = new Int32Array(size);
    for (let i = 0; i < size; i++) labels[i] = ds.y[order[start + i]];
    y = labels;
  } else {
    const ys = new Float32Array(size * t);
    for (let i = 0; i < size; i++) {
      const r = order[start + i];
      ys.set(ds.y.subarray(r * t, (r + 1) * t), i * t);
    }
    y = tensor(ys, [size, t]);
  }
  return {
    x,
    y,
    size,
    free() {
      x.free();
      if (!(y instanceof Int32Array)) y.free();
    },
  };
}

/** 0..n-1 in order. */
export const identityOrder = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
