/**
 * The studies' image data: the digits of the `mnist` package, a seeded train/test sample of the
 * requested sizes. Loading parses 21 MB of JSON once per process (each worker thread once).
 */
import { loadMnistPackage } from "../../data/mnist.node.ts";
import type { Dataset } from "../../data/index.ts";

export interface ImageData { train: Dataset; test: Dataset; source: string }

const cache = new Map<string, ImageData>();

/** `train` + `test` digits of the package's 10,000, sampled and split with `seed` (mnistTrainTest's rule). */
export function mnistSample(train: number, test: number, seed: number): ImageData {
  const key = `${train}/${test}/${seed}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const count = train + test;
  if (count > 10_000) throw new RangeError(`mnist: ${train} training + ${test} test digits is more than the package's 10,000`);
  const split = loadMnistPackage({ count, testFraction: test / count, seed });
  const data = { ...split, source: `MNIST digits of the \`mnist\` package: ${split.train.n} training and ${split.test.n} test images (seeded sample, seed ${seed})` };
  cache.set(key, data);
  return data;
}
