/**
 * The gradient noise scale B_simple = tr(Σ)/|G|² (McCandlish, Kaplan, Amodei et al. 2018, "An
 * empirical model of large-batch training", App. A.1), from k gradients of disjoint batches of size
 * B at one point. With B_small = B and B_big = kB (their mean), the unbiased estimates are
 *   |G|² ≈ (B_big·|G_big|² − B_small·|G_small|²)/(B_big − B_small)
 *   tr Σ ≈ (|G_small|² − |G_big|²)/(1/B_small − 1/B_big)
 * where |G_small|² is the mean of the k squared norms. Σ is the per-example gradient covariance.
 */
import type { Model } from "../nn/model.ts";
import type { Dataset } from "../data/dataset.ts";
import type { Random } from "../random.ts";
import { makeBatch } from "./batches.ts";
import type { LossFn } from "./metrics.ts";

export interface NoiseScale {
  gradSquared: number;
  traceSigma: number;
  bSimple: number;
  batches: number;
  batchSize: number;
}

export function gradientNoiseScale(grads: readonly ArrayLike<number>[], batchSize: number): NoiseScale {
  const k = grads.length;
  if (k < 2) throw new RangeError(`gradientNoiseScale: needs gradients of at least 2 batches, got ${k}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`gradientNoiseScale: batchSize must be a positive integer, got ${batchSize}`);
  const n = grads[0].length;
  grads.forEach((g, i) => {
    if (g.length !== n)
      throw new RangeError(`gradientNoiseScale: gradient ${i} has ${g.length} values, gradient 0 has ${n}`);
  });
  const mean = new Float64Array(n);
  let small = 0;
  for (const g of grads) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      mean[i] += g[i] / k;
      s += g[i] * g[i];
    }
    small += s / k;
  }
  const big = mean.reduce((s, x) => s + x * x, 0);
  const bs = batchSize,
    bb = k * batchSize;
  const gradSquared = (bb * big - bs * small) / (bb - bs);
  const traceSigma = (small - big) / (1 / bs - 1 / bb);
  return { gradSquared, traceSigma, bSimple: traceSigma / gradSquared, batches: k, batchSize };
}

/**
 * Measures at the model's current parameters: the gradients of `batches` disjoint random batches
 * of `batchSize` rows (the parameters are not changed; the gradient region is left holding the last batch's).
 */
export function measureNoiseScale(
  model: Model,
  data: Dataset,
  loss: LossFn,
  { batches, batchSize, rng }: { batches: number; batchSize: number; rng: Random },
): NoiseScale {
  if (batches * batchSize > data.n)
    throw new RangeError(
      `measureNoiseScale: ${batches} batches of ${batchSize} need ${batches * batchSize} rows, the data has ${data.n}`,
    );
  const order = rng.permutation(data.n),
    grads: Float32Array[] = [];
  for (let b = 0; b < batches; b++) {
    const batch = makeBatch(data, order, b * batchSize, (b + 1) * batchSize);
    try {
      model.lossAndGrad(batch.x, batch.y, loss);
      grads.push(model.parameters.flatGrads());
    } finally {
      batch.free();
    }
  }
  return gradientNoiseScale(grads, batchSize);
}
